/**
 * Admin: tenants, their domains and credentials. The same service functions
 * as `outpost tenant …` (src/admin/tenants.ts).
 */
import { z } from 'zod';
import { changeDomain, createTenant, credentialView, issueCredential, listTenants, setTenantEnabled, tenantView } from '../../../admin/tenants.js';
import { ServiceError } from '../../../admin/errors.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, pageOf, pageQuery } from '../page.js';
import { page } from './schemas.js';

const tag = 'admin: tenants';
const T = '/v1/admin/tenants/:tenant';

export default [
  endpoint({
    method: 'GET', path: '/v1/admin/tenants', auth: 'operator', tag, summary: 'Tenants, ordered by name',
    query: z.strictObject({ state: z.enum(['enabled', 'disabled']).optional(), ...pageQuery }),
    response: { status: 200, description: 'A page of tenants', schema: page('Tenant') },
    handler: ({ s, query: q }) => {
      const after = decodeCursor(q.cursor, z.string());
      const rows = listTenants(s.tenants, q.limit + 1, after, q.state === undefined ? undefined : q.state === 'enabled');
      return pageOf(rows, q.limit, (t) => t.id, tenantView);
    },
  }),
  endpoint({
    method: 'POST', path: '/v1/admin/tenants', auth: 'operator', tag, summary: 'Create a tenant with its verified sender domains',
    body: z.strictObject({ id: z.string().min(2).max(63), domains: z.array(z.string().min(1).max(253)).min(1).max(100) }),
    response: { status: 201, description: 'The tenant', schema: 'Tenant' },
    errors: { 409: 'The tenant exists, or a domain belongs to another tenant' },
    example: { body: { id: 'walk-new', domains: ['walk-new.test'] } },
    handler: ({ s, body }) => tenantView(createTenant(s.tenants, body.id, body.domains)),
  }),
  endpoint({
    method: 'GET', path: T, auth: 'operator', tag, summary: 'One tenant with its credentials (never secrets)',
    response: { status: 200, description: 'The tenant', schema: 'TenantDetail' },
    errors: { 404: 'No such tenant' },
    handler: ({ s, params }) => ({ ...tenantView(s.tenants.require(params['tenant']!)), credentials: s.tenants.credentials(params['tenant']!).map(credentialView) }),
  }),
  ...(['disable', 'enable'] as const).map((op) =>
    endpoint({
      method: 'POST', path: `${T}/${op}`, auth: 'operator', tag, summary: op === 'disable' ? 'Disable: its credentials stop working (queued mail stays queued)' : 'Enable again',
      response: { status: 200, description: 'The tenant', schema: 'Tenant' },
      errors: { 404: 'No such tenant' },
      handler: ({ s, params }) => tenantView(setTenantEnabled(s.tenants, params['tenant']!, op === 'enable')),
    }),
  ),
  endpoint({
    method: 'POST', path: `${T}/credentials`, auth: 'operator', tag, summary: 'Issue an API key or SMTP password (returned once)',
    description: 'An SMTP password revokes the previous password of the same username; API keys accumulate until revoked.',
    body: z.strictObject({ kind: z.enum(['api', 'smtp']), username: z.string().min(2).max(128).optional() }),
    response: { status: 201, description: 'The new credential; store it now', schema: 'NewCredential' },
    errors: { 404: 'No such tenant', 409: 'The SMTP username belongs to another tenant' },
    example: { body: { kind: 'api' } },
    handler: async ({ s, params, body }) => {
      if (body.kind === 'api' && body.username !== undefined) throw new ServiceError('body: username: only for kind "smtp"', 'invalid');
      return issueCredential(s.tenants, params['tenant']!, body.kind, body.username);
    },
  }),
  endpoint({
    method: 'DELETE', path: `${T}/credentials/:credentialId`, auth: 'operator', tag, summary: 'Revoke a credential',
    response: { status: 204, description: 'Revoked' },
    errors: { 404: 'No such active credential of this tenant' },
    handler: ({ s, params }) => {
      s.tenants.require(params['tenant']!);
      if (!s.tenants.revokeCredential(params['tenant']!, params['credentialId']!)) throw new ServiceError(`no active credential ${params['credentialId']} for tenant ${params['tenant']}`, 'not-found');
      return {};
    },
  }),
  endpoint({
    method: 'POST', path: `${T}/domains`, auth: 'operator', tag, summary: 'Add a verified sender domain',
    body: z.strictObject({ domain: z.string().min(1).max(253) }),
    response: { status: 201, description: 'The tenant', schema: 'Tenant' },
    errors: { 404: 'No such tenant', 409: 'The domain belongs to another tenant' },
    example: { body: { domain: 'walk-extra.test' } },
    handler: ({ s, params, body }) => tenantView(changeDomain(s.tenants, params['tenant']!, 'add', body.domain)),
  }),
  endpoint({
    method: 'DELETE', path: `${T}/domains/:domain`, auth: 'operator', tag, summary: 'Remove a sender domain',
    response: { status: 200, description: 'The tenant', schema: 'Tenant' },
    errors: { 404: 'No such tenant' },
    handler: ({ s, params }) => tenantView(changeDomain(s.tenants, params['tenant']!, 'remove', params['domain']!)),
  }),
];
