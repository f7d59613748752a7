/**
 * Admin: DKIM keys (all domains) and pools with their IPs' rotation. The same
 * service functions as `outpost dkim …` and `outpost pool …`.
 */
import { z } from 'zod';
import { dkimKeyView, generateKey, listKeys } from '../../../admin/dkim.js';
import { listPools, setRotation } from '../../../admin/pools.js';
import { endpoint } from '../endpoint.js';

export default [
  endpoint({
    method: 'GET', path: '/v1/admin/dkim-keys', auth: 'operator', tag: 'admin: dkim', summary: 'Stored DKIM keys (public parts and TXT records only)',
    query: z.strictObject({ domain: z.string().max(253).optional() }),
    response: { status: 200, description: 'Keys', schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/DkimKey' } } } } },
    handler: ({ s, query }) => ({ data: listKeys(s.dkim.keys, query.domain ? [query.domain] : undefined).map(dkimKeyView) }),
  }),
  endpoint({
    method: 'POST', path: '/v1/admin/dkim-keys', auth: 'operator', tag: 'admin: dkim', summary: 'Generate a DKIM key for a tenant domain or the platform domain',
    body: z.strictObject({ domain: z.string().min(1).max(253), selector: z.string().max(253).optional(), algorithm: z.enum(['rsa2048', 'ed25519']).default('rsa2048') }),
    response: { status: 201, description: 'The new key and the TXT record to publish', schema: 'DkimKey' },
    errors: { 404: 'Not a domain of any tenant', 409: 'The domain already has an active key' },
    example: { body: { domain: '{domain}', selector: 'walkop' } },
    handler: async ({ s, body }) => dkimKeyView((await generateKey(s.dkim, body.domain, { ...(body.selector ? { selector: body.selector } : {}), algo: body.algorithm })).key),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/pools', auth: 'operator', tag: 'admin: pools', summary: 'Pools with their IPs: rotation, DNSBL status per zone, warm-up, holds',
    response: { status: 200, description: 'Pools', schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Pool' } } } } },
    handler: ({ s }) => ({ data: listPools(s.pools, s.ipHealth) }),
  }),
  ...(['disable', 'enable'] as const).map((op) =>
    endpoint({
      method: 'POST', path: `/v1/admin/ips/:ip/${op}`, auth: 'operator', tag: 'admin: pools',
      summary: op === 'disable' ? 'Take an IP out of rotation (open connections finish)' : 'Put an IP back into rotation',
      body: z.strictObject({ reason: z.string().max(200).optional() }),
      response: { status: 200, description: 'The IP in each pool that lists it', schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Ip' } } } } },
      errors: { 404: 'Not an IP of any configured pool' },
      handler: ({ s, params, body }) => ({ data: setRotation(s.pools, params['ip']!, op === 'enable', body.reason) }),
    }),
  ),
];
