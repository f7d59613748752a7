/**
 * The OpenAPI 3.1 document for Outpost's HTTP API, served at /v1/openapi.json
 * and written to docs/openapi.json by `npm run openapi`. A test checks that
 * every route the router serves is documented here, so the two cannot drift.
 */

const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string', description: 'Stable machine-readable code' }, message: { type: 'string', description: 'What is wrong, for humans' } },
};
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export const openapi = {
  openapi: '3.1.0',
  info: {
    title: 'Outpost API',
    version: '0.1.0',
    description: 'Submission and inspection API of the Outpost outbound mail gateway. Tenants authenticate with `Authorization: Bearer API_KEY` (from `outpost tenant credentials NAME --api`).',
  },
  servers: [{ url: 'http://127.0.0.1:8025' }],
  components: {
    securitySchemes: { tenantKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key, op_<id>_<secret>' } },
    schemas: {
      Error: error,
      JsonMessage: {
        type: 'object',
        additionalProperties: false,
        required: ['from'],
        properties: {
          from: { type: 'string', description: 'One address, optionally with a display name; its domain must be a verified domain of the tenant', examples: ['Ann <ann@example.com>'] },
          to: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
          cc: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
          bcc: { type: 'array', items: { type: 'string' }, maxItems: 1000, description: 'Recipients not shown in the headers' },
          replyTo: { type: 'string' },
          subject: { type: 'string', maxLength: 998 },
          text: { type: 'string' },
          html: { type: 'string' },
          headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra header fields; values may not contain line breaks' },
        },
      },
      Accepted: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Outpost message id (20 characters, time-ordered)' } } },
      Reply: { type: 'object', properties: { code: { type: 'integer' }, enhanced: { type: 'string' }, text: { type: 'string' } } },
      Message: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          state: { type: 'string', enum: ['incoming', 'processing', 'active', 'quarantined', 'done'] },
          receivedAt: { type: 'string', format: 'date-time' },
          mailFrom: { type: 'string' },
          size: { type: 'integer' },
          subject: { type: 'string' },
          recipients: {
            type: 'array',
            items: { type: 'object', properties: { rcpt: { type: 'string' }, state: { type: 'string' }, reply: { $ref: '#/components/schemas/Reply' } } },
          },
          events: {
            type: 'array',
            items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, type: { type: 'string' }, data: { type: 'object' } } },
          },
        },
      },
    },
  },
  paths: {
    '/v1/messages': {
      post: {
        summary: 'Submit a message',
        description:
          'Accepts either a JSON message (built into MIME) or a complete RFC 5322 message. Answers 202 only after the message is durably stored. ' +
          'For message/rfc822 the envelope comes from the query (`mail_from`, `rcpt_to` repeated or comma-separated) or else from the From and To/Cc/Bcc headers.',
        security: [{ tenantKey: [] }],
        parameters: [
          { name: 'mail_from', in: 'query', required: false, schema: { type: 'string' }, description: 'Envelope sender (message/rfc822 only)' },
          { name: 'rcpt_to', in: 'query', required: false, schema: { type: 'string' }, description: 'Envelope recipient(s) (message/rfc822 only)' },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/JsonMessage' } },
            'message/rfc822': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          '202': { description: 'Stored durably and queued', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
          '400': errorResponse('Malformed JSON, unknown field, bad address, or an unacceptable message'),
          '401': errorResponse('Missing or invalid API key'),
          '403': errorResponse('The sender or From domain is not a verified domain of this tenant'),
          '413': errorResponse('Message or request body too large'),
          '415': errorResponse('Unsupported Content-Type'),
          '429': errorResponse('Over a sending limit; see Retry-After'),
          '503': errorResponse('Temporarily unable to store the message; retry later'),
        },
      },
    },
    '/v1/messages/{id}': {
      get: {
        summary: "One of the tenant's messages, with recipients and event history",
        security: [{ tenantKey: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The message', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
          '401': errorResponse('Missing or invalid API key'),
          '404': errorResponse('No such message for this tenant'),
        },
      },
    },
    '/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
    '/healthz': { get: { summary: 'Liveness: 200 while the gateway runs', responses: { '200': { description: 'ok' } } } },
  },
} as const;
