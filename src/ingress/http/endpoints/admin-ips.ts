/**
 * Admin: one pool IP — its status (rotation, DNSBL per zone, warm-up, holds),
 * the full explanation with incidents (listings, blocked replies; the same
 * answer as `outpost pool show IP`), and rotation in/out in one call. The
 * older POST /v1/admin/ips/:ip/disable|enable (admin-platform.ts) stay.
 */
import { z } from 'zod';
import { ipStatus, setRotation } from '../../../admin/pools.js';
import { endpoint } from '../endpoint.js';

const tag = 'admin: pools';
const ipSchema = { allOf: [{ $ref: '#/components/schemas/Ip' }, { type: 'object', properties: { pools: { type: 'array', items: { type: 'string' } } } }] };

export default [
  endpoint({
    method: 'GET', path: '/v1/admin/ips/:ip', auth: 'operator', tag, summary: 'Why an IP is in or out of rotation: status, reasons, DNSBL listings and blocked-reply incidents, warm-up, monitor health',
    response: {
      status: 200, description: 'The IP',
      schema: { type: 'object', properties: { status: { $ref: '#/components/schemas/Ip' }, explanation: { type: 'object', description: 'outpost pool show IP --json: rotation, why (sentences), operator, holds, listings, blocked (7 days), warmup, monitor' } } },
    },
    errors: { 404: 'Not an IP of any configured pool' },
    handler: ({ s, params }) => ({ status: ipStatus(s.ipHealth, params['ip']!), explanation: s.ipHealth.explain(params['ip']!) }),
  }),
  endpoint({
    method: 'POST', path: '/v1/admin/ips/:ip/rotation', auth: 'operator', tag, summary: 'Put an IP into rotation or take it out (open connections finish)',
    description: 'inRotation true lifts only the operator\'s disable: an IP held by a DNSBL listing stays out (see holds).',
    body: z.strictObject({ inRotation: z.boolean(), reason: z.string().max(200).optional() }),
    response: { status: 200, description: 'The IP', schema: ipSchema },
    errors: { 404: 'Not an IP of any configured pool' },
    example: { body: { inRotation: true } },
    handler: ({ s, params, body }) => {
      setRotation(s.pools, params['ip']!, body.inRotation, body.reason);
      return ipStatus(s.ipHealth, params['ip']!);
    },
  }),
];
