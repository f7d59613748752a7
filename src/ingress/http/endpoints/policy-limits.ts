/**
 * Per-tenant routing policy and sending limits over the API. Operators read,
 * change (validated) and clear a tenant's overrides under
 * `/v1/admin/tenants/:tenant/policy|limits` and lift blocks; a tenant reads
 * its own (`GET /v1/policy`, `GET /v1/limits`) but cannot change them. The
 * same service functions as `outpost policy …` and `outpost limits …`.
 */
import { z } from 'zod';
import { limitsView, resetLimits, setLimits, unblockTenant } from '../../../admin/limits.js';
import { policyView, resetPolicy, setPolicy } from '../../../admin/policy.js';
import { CLASSES } from '../../../policy/action.js';
import { LIMIT_ACTIONS } from '../../../limits/store.js';
import type { VerdictClass } from '../../../core/types.js';
import type { LimitAction } from '../../../limits/store.js';
import { endpoint } from '../endpoint.js';

const action = z.string().regex(/^(deliver:[a-z0-9][a-z0-9-]*|quarantine|reject|drop)$/, 'expected deliver:POOL, quarantine, reject or drop');
const policyBody = z.strictObject({ clean: action.optional(), bulk: action.optional(), suspect: action.optional(), spam: action.optional() })
  .refine((b) => Object.keys(b).length > 0, `give at least one of ${CLASSES.join(', ')}`);
const limitValue = z.number().int().min(0).max(100_000_000).nullable();
const limitSet = z.strictObject({ messagesPerMinute: limitValue.optional(), recipientsPerHour: limitValue.optional(), recipientsPerDay: limitValue.optional() });
const limitsBody = z.strictObject({ tenant: limitSet.optional(), user: limitSet.optional(), action: z.enum(LIMIT_ACTIONS as [LimitAction, ...LimitAction[]]).nullable().optional() });

const policySchema = {
  type: 'object',
  properties: {
    tenant: { type: ['string', 'null'] },
    rows: { type: 'array', items: { type: 'object', properties: { class: { enum: CLASSES }, default: { type: 'string' }, tenant: { type: ['string', 'null'], description: "The tenant's override" }, effective: { type: 'string' } } } },
    bouncePool: { type: 'string' }, noMailDomainPool: { type: 'string' },
  },
};
const limitsSchema = {
  type: 'object',
  description: 'effective = config limits with the overrides; 0 = no limit. blocks: active blocks. savedCounters: what the gateway last saved (every 30 s).',
  properties: {
    tenant: { type: 'string' }, enabled: { type: 'boolean' }, effective: { type: 'object' }, overrides: { type: 'object' },
    blocks: { type: 'array', items: { type: 'object', properties: { user: { type: ['string', 'null'] }, limit: { type: 'string' }, count: { type: 'integer' }, max: { type: 'integer' }, since: { type: 'string' }, until: { type: ['string', 'null'] }, reason: { type: 'string' } } } },
    savedCounters: { type: 'array', items: { type: 'object' } },
  },
};
const P = '/v1/admin/tenants/:tenant';
const tag = 'admin: tenants';
const noTenant = { 404: 'No such tenant' };

export default [
  endpoint({
    method: 'GET', path: '/v1/policy', auth: 'tenant', tag: 'account', summary: 'How your mail is routed per scanner class (defaults and your overrides)',
    response: { status: 200, description: 'The policy table', schema: policySchema },
    handler: ({ s, tenantId }) => policyView(s.config, s.policies, s.tenants, tenantId),
  }),
  endpoint({
    method: 'GET', path: '/v1/limits', auth: 'tenant', tag: 'account', summary: 'Your sending limits, overrides and active blocks',
    response: { status: 200, description: 'Limits', schema: limitsSchema },
    handler: ({ s, tenantId }) => limitsView(s.config, s.limitStore, s.tenants, tenantId, s.clock.now()),
  }),
  endpoint({
    method: 'GET', path: `${P}/policy`, auth: 'operator', tag, summary: "A tenant's routing policy: default, override and effective action per class",
    response: { status: 200, description: 'The policy table', schema: policySchema },
    errors: noTenant,
    handler: ({ s, params }) => policyView(s.config, s.policies, s.tenants, params['tenant']!),
  }),
  endpoint({
    method: 'PATCH', path: `${P}/policy`, auth: 'operator', tag, summary: 'Override the action of some classes (others stay)',
    description: 'Actions: deliver:POOL (a configured pool), quarantine, reject, drop. The gateway applies a change within a few seconds.',
    body: policyBody,
    response: { status: 200, description: 'The new table', schema: policySchema },
    errors: noTenant,
    example: { body: { spam: 'quarantine' } },
    handler: ({ s, params, body }) => setPolicy(s.config, s.policies, s.tenants, params['tenant']!, body as Record<string, string>),
  }),
  endpoint({
    method: 'DELETE', path: `${P}/policy`, auth: 'operator', tag, summary: "Clear a tenant's overrides (all, or ?class=) so the defaults apply",
    query: z.strictObject({ class: z.enum(CLASSES as [VerdictClass, ...VerdictClass[]]).optional() }),
    response: { status: 204, description: 'Cleared' },
    errors: noTenant,
    handler: ({ s, params, query }) => {
      resetPolicy(s.policies, s.tenants, params['tenant']!, query.class);
      return {};
    },
  }),
  endpoint({
    method: 'GET', path: `${P}/limits`, auth: 'operator', tag, summary: "A tenant's sending limits: effective, overrides, blocks, last saved counts",
    response: { status: 200, description: 'Limits', schema: limitsSchema },
    errors: noTenant,
    handler: ({ s, params }) => limitsView(s.config, s.limitStore, s.tenants, params['tenant']!, s.clock.now()),
  }),
  endpoint({
    method: 'PATCH', path: `${P}/limits`, auth: 'operator', tag, summary: "Change a tenant's limit overrides (null removes one; 0 = no limit)",
    body: limitsBody,
    response: { status: 200, description: 'Limits after the change', schema: limitsSchema },
    errors: noTenant,
    example: { body: { tenant: { messagesPerMinute: 120 }, action: 'throttle' } },
    handler: ({ s, params, body }) => {
      setLimits(s.limitStore, s.tenants, params['tenant']!, body, s.clock.now());
      return limitsView(s.config, s.limitStore, s.tenants, params['tenant']!, s.clock.now());
    },
  }),
  endpoint({
    method: 'DELETE', path: `${P}/limits`, auth: 'operator', tag, summary: "Clear a tenant's limit overrides (config limits apply)",
    response: { status: 204, description: 'Cleared' },
    errors: noTenant,
    handler: ({ s, params }) => {
      resetLimits(s.limitStore, s.tenants, params['tenant']!);
      return {};
    },
  }),
  endpoint({
    method: 'POST', path: `${P}/unblock`, auth: 'operator', tag, summary: "Lift a tenant's sending blocks (or one credential's)",
    body: z.strictObject({ user: z.string().min(1).max(320).optional() }),
    response: { status: 200, description: 'How many blocks were lifted', schema: { type: 'object', properties: { lifted: { type: 'integer' } } } },
    errors: noTenant,
    handler: ({ s, params, body }) => ({ lifted: unblockTenant(s.limitStore, s.tenants, params['tenant']!, body.user) }),
  }),
];
