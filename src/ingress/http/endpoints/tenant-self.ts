/**
 * The tenant's own account: its verified domains and its DKIM keys (list,
 * and generate a key for one of its own domains). Domains are added by the
 * operator (verification is the operator's call), so they are read-only here.
 */
import { z } from 'zod';
import { dkimKeyView, generateKey, listKeys } from '../../../admin/dkim.js';
import { endpoint } from '../endpoint.js';

export default [
  endpoint({
    method: 'GET', path: '/v1/domains', auth: 'tenant', tag: 'account', summary: "The tenant's verified sender domains",
    response: { status: 200, description: 'Domains', schema: { type: 'object', properties: { data: { type: 'array', items: { type: 'object', properties: { domain: { type: 'string' } } } } } } },
    handler: ({ s, tenantId }) => ({ data: s.tenants.require(tenantId).domains.map((domain) => ({ domain })) }),
  }),
  endpoint({
    method: 'GET', path: '/v1/dkim-keys', auth: 'tenant', tag: 'account', summary: "DKIM keys of the tenant's domains, with the TXT records to publish",
    response: { status: 200, description: 'Keys', schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/DkimKey' } } } } },
    handler: ({ s, tenantId }) => ({ data: listKeys(s.dkim.keys, s.tenants.require(tenantId).domains).map(dkimKeyView) }),
  }),
  endpoint({
    method: 'POST', path: '/v1/dkim-keys', auth: 'tenant', tag: 'account', summary: 'Generate a DKIM key for one of the tenant’s domains',
    body: z.strictObject({ domain: z.string().min(1).max(253), selector: z.string().max(253).optional(), algorithm: z.enum(['rsa2048', 'ed25519']).default('rsa2048') }),
    response: { status: 201, description: 'The new key and the TXT record to publish', schema: 'DkimKey' },
    errors: { 404: 'Not a verified domain of this tenant', 409: 'The domain already has an active key' },
    example: { body: { domain: '{domain}', selector: 'walk1' } },
    handler: async ({ s, body, tenantId }) => dkimKeyView((await generateKey(s.dkim, body.domain, { ...(body.selector ? { selector: body.selector } : {}), algo: body.algorithm, tenantId })).key),
  }),
];
