/**
 * Shared response schemas of the OpenAPI document (components.schemas), by
 * name. Endpoint definitions refer to them as `schema: 'Tenant'` or
 * `schema: page('Tenant')`. Documentation only: handlers build the objects
 * with the view functions in src/admin/*.
 */
const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const time = { type: 'string', format: 'date-time' };
const reply = { type: ['object', 'null'], properties: { code: { type: 'integer' }, enhanced: str, text: str } };

export const SCHEMAS: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'object', required: ['code', 'message'], properties: { code: { ...str, description: 'Stable machine-readable code' }, message: { ...str, description: 'What is wrong, for humans; names the field for validation errors' } } },
    },
  },
  Tenant: { type: 'object', properties: { id: str, state: { enum: ['enabled', 'disabled'] }, enabled: { type: 'boolean' }, createdAt: time, domains: { type: 'array', items: str } } },
  TenantDetail: {
    allOf: [{ $ref: '#/components/schemas/Tenant' }, { type: 'object', properties: { credentials: { type: 'array', items: { $ref: '#/components/schemas/Credential' } } } }],
  },
  Credential: { type: 'object', properties: { id: str, kind: { enum: ['smtp', 'api'] }, username: strOrNull, createdAt: time, revokedAt: { type: ['string', 'null'], format: 'date-time' } } },
  NewCredential: {
    description: 'Returned once: store it now, it cannot be shown again',
    oneOf: [
      { type: 'object', properties: { kind: { const: 'api' }, id: str, key: { ...str, description: 'Authorization: Bearer <key>' } } },
      { type: 'object', properties: { kind: { const: 'smtp' }, username: str, password: str } },
    ],
  },
  DkimKey: {
    type: 'object',
    properties: {
      domain: str, selector: str, algorithm: str, state: { enum: ['pending', 'active', 'retiring', 'retired'] }, createdAt: time, sealed: { type: 'boolean' },
      record: { type: 'object', description: 'The DNS TXT record to publish', properties: { name: str, type: { const: 'TXT' }, value: str, zoneFile: str } },
    },
  },
  Ip: {
    type: 'object',
    properties: {
      pool: str, ip: str, helo: str, rotation: { enum: ['in', 'out'] }, reason: str, changedAt: { type: ['string', 'null'], format: 'date-time' },
      dnsbl: {
        type: 'object', description: 'Open listings per monitored zone (checkedAt: the monitor\'s last check of that zone)',
        properties: { listed: { type: 'boolean' }, zones: { type: 'array', items: { type: 'object', properties: { zone: str, listed: { type: 'boolean' }, since: { type: ['string', 'null'], format: 'date-time' }, checkedAt: { type: ['string', 'null'], format: 'date-time' } } } } },
      },
      warmup: { type: ['object', 'null'], description: 'null: no warm-up schedule', properties: { day: { type: 'integer' }, quota: { type: ['integer', 'null'], description: "Today's limit; null once the schedule is over" }, sentToday: { type: 'integer' } } },
      holds: { type: 'array', description: 'Automatic holds keeping the IP out (DNSBL listings…)', items: { type: 'object', properties: { reason: str, since: time } } },
    },
  },
  Pool: {
    type: 'object',
    properties: { name: str, maxConnectionsPerDestination: { type: 'integer' }, maxConnectionsPerIp: { type: 'integer' }, messagesPerConnection: { type: 'integer' }, ips: { type: 'array', items: { $ref: '#/components/schemas/Ip' } } },
  },
  QueueItem: {
    type: 'object',
    properties: { id: str, tenantId: str, source: str, state: { enum: ['incoming', 'processing', 'active', 'quarantined', 'done'] }, receivedAt: time, mailFrom: str, size: { type: 'integer' }, recipients: { type: 'integer' }, subject: strOrNull },
  },
  Message: {
    type: 'object',
    properties: {
      id: str, tenantId: { ...str, description: 'admin API only' }, source: str, state: { enum: ['incoming', 'processing', 'active', 'quarantined', 'done'] }, receivedAt: time, mailFrom: str, size: { type: 'integer' },
      subject: strOrNull, headerFrom: strOrNull, headerMessageId: strOrNull, verdict: { type: 'object' }, route: { type: 'object' },
      recipients: { type: 'array', items: { type: 'object', properties: { rcpt: str, state: str, reply } } },
      jobs: { type: 'array', description: 'admin API only', items: { type: 'object' } },
      events: { type: 'array', items: { $ref: '#/components/schemas/MessageEvent' } },
    },
  },
  QuarantineItem: {
    type: 'object',
    properties: {
      id: str, tenant: str, from: str, rcpts: { type: 'array', items: str }, subject: strOrNull, class: { enum: ['clean', 'bulk', 'suspect', 'spam', null] }, score: { type: ['number', 'null'] },
      reasons: { type: 'array', items: str, description: 'The verdict reasons, strongest first ("rule: detail")' }, quarantinedAt: time, expiresAt: { ...time, description: 'When it expires unreleased (quarantine.expireAfter)' }, size: { type: 'integer' },
    },
  },
  StateChange: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, at: time, from: { enum: ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended'] }, to: { enum: ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended'] }, reason: str,
      evidence: { type: 'array', description: 'The readings that moved it: signal, window, value, volume, threshold, level', items: { type: 'object' } },
      by: { ...str, description: "'engine' or the operator" }, trigger: { enum: ['evidence', 'recovery', 'reinstate', 'operator'] },
    },
  },
  Suppression: {
    type: 'object',
    properties: {
      address: str, reason: { ...str, description: 'hard-bounce, complaint, manual, or an imported reason' }, source: { ...str, description: 'delivery, feedback, cli, import, api, admin-api' },
      createdAt: time, messageId: { ...strOrNull, description: 'The message whose bounce or complaint added it' }, detail: strOrNull,
    },
  },
  FeedbackReport: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, receivedAt: time, kind: { enum: ['bounce', 'complaint', 'delay', 'not-feedback', 'unparseable'] }, format: str,
      outcome: { enum: ['attributed', 'unattributed', 'ignored', 'malformed'] }, tenant: strOrNull, messageId: strOrNull, method: { ...strOrNull, description: 'How it was tied to the tenant (verp, message-id, …)' },
      recipients: { type: 'array', items: { type: 'object', properties: { rcpt: str, status: str, hard: { type: 'boolean' } } } }, detail: strOrNull,
      source: { ...str, description: 'admin API only' }, clientIp: { ...strOrNull, description: 'admin API only' }, hasRaw: { type: 'boolean', description: 'admin API only: a raw copy is kept (…/raw)' },
    },
  },
  MessageEvent: { type: 'object', properties: { at: time, type: str, data: { type: 'object' } } },
  QueueSummary: { type: 'object', properties: { messages: { type: 'object', additionalProperties: { type: 'integer' } }, recipients: { type: 'object', additionalProperties: { type: 'integer' } }, byDestination: { type: 'array', items: { type: 'object' } } } },
  Event: {
    type: 'object',
    description: 'A platform event; also the body of every webhook delivery',
    properties: { id: { ...str, description: 'Increasing; de-duplicate webhook deliveries on it' }, type: str, createdAt: time, tenantId: strOrNull, messageId: strOrNull, data: { type: 'object' } },
  },
  Webhook: {
    type: 'object',
    properties: {
      id: str, tenantId: { ...strOrNull, description: 'null for operator subscriptions (all events)' }, url: str, types: { type: 'array', items: str, description: 'Empty: every type' }, description: str,
      enabled: { type: 'boolean' }, disabledReason: strOrNull, createdAt: time, consecutiveFailures: { type: 'integer' }, failingSince: { type: ['string', 'null'], format: 'date-time' },
      lastSuccessAt: { type: ['string', 'null'], format: 'date-time' }, pending: { type: 'integer', description: 'Deliveries waiting in the outbox' },
    },
  },
  WebhookCreated: {
    allOf: [{ $ref: '#/components/schemas/Webhook' }, { type: 'object', properties: { secret: { ...str, description: 'Signing secret (whsec_…), returned once' } } }],
  },
  WebhookAttempt: { type: 'object', properties: { id: { type: 'integer' }, eventId: str, at: time, attempt: { type: 'integer' }, status: { type: ['integer', 'null'] }, ms: { type: 'integer' }, ok: { type: 'boolean' }, error: strOrNull } },
  TimeSeries: {
    type: 'object',
    description: 'One point per minute from `from`; arrays have `points` entries, the last is the current (partial) minute',
    properties: {
      from: time, step: { const: 60 }, points: { type: 'integer' },
      outcomes: { type: 'object', properties: Object.fromEntries(['received', 'delivered', 'deferred', 'bounced', 'quarantined', 'rejected'].map((k) => [k, { type: 'array', items: { type: 'integer' } }])) },
      spamShare: { type: 'array', items: { type: ['number', 'null'] } },
      scanned: { type: 'array', description: 'Messages scanned per minute (the base of spamShare)', items: { type: 'integer' } },
      pools: { type: 'object', description: 'admin only: delivered recipients per pool', additionalProperties: { type: 'array', items: { type: 'integer' } } },
      queueDepth: { type: 'array', description: 'admin only: messages waiting or in progress, sampled each minute', items: { type: ['integer', 'null'] } },
    },
  },
  TenantOverview: {
    type: 'object',
    properties: {
      id: str, name: str, state: { enum: ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended', 'disabled'] }, enabled: { type: 'boolean' }, stateSince: { type: ['string', 'null'], format: 'date-time' }, stateReason: str,
      sent24h: { type: 'integer' }, delivered24h: { type: 'integer' }, spamShare24h: { type: ['number', 'null'] }, bounceRate24h: { type: ['number', 'null'] }, complaintRate24h: { type: ['number', 'null'] },
      sparkline: { type: 'array', items: { type: 'integer' }, minItems: 24, maxItems: 24, description: 'Messages sent per hour, oldest first' },
    },
  },
  Accepted: { type: 'object', required: ['id'], properties: { id: { ...str, description: 'Outpost message id (20 characters, time-ordered)' } } },
  JsonMessage: {
    type: 'object',
    additionalProperties: false,
    required: ['from'],
    properties: {
      from: { type: 'string', description: 'One address, optionally with a display name; its domain must be a verified domain of the tenant', examples: ['Ann <ann@example.com>'] },
      to: { type: 'array', items: str, maxItems: 1000 },
      cc: { type: 'array', items: str, maxItems: 1000 },
      bcc: { type: 'array', items: str, maxItems: 1000, description: 'Recipients not shown in the headers' },
      replyTo: str,
      subject: { type: 'string', maxLength: 998 },
      text: str,
      html: str,
      headers: { type: 'object', additionalProperties: str, description: 'Extra header fields; values may not contain line breaks' },
    },
  },
};

/** A list response: `{data: [X], nextCursor}`. */
export function page(name: string): Record<string, unknown> {
  return { type: 'object', required: ['data', 'nextCursor'], properties: { data: { type: 'array', items: { $ref: `#/components/schemas/${name}` } }, nextCursor: { type: ['string', 'null'], description: 'Pass as ?cursor= for the next page; null on the last page' } } };
}
