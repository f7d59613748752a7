/**
 * Webhook subscriptions, for tenants (/v1/webhooks: their own events only)
 * and the operator (/v1/admin/webhooks: every event, or one tenant's):
 * create (the signing secret is returned once), list, show, update (URL,
 * types, enable/disable), delete, and the delivery log. A tenant never sees
 * or changes another tenant's subscription (404).
 */
import { z } from 'zod';
import type { Subscription } from '../../../webhooks/store.js';
import { checkTarget } from '../../../webhooks/targets.js';
import type { Auth } from '../auth.js';
import { endpoint, type Call } from '../endpoint.js';
import { decodeCursor, pageOf, pageQuery } from '../page.js';
import { eventTypes } from './fields.js';
import { page } from './schemas.js';
import type { ApiServices } from '../services.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function webhookView(w: Subscription, s: ApiServices): Record<string, unknown> {
  const pending = s.webhooks.pendingFor(w.id);
  return {
    id: w.id, tenantId: w.tenantId, url: w.url, types: w.types, description: w.description, enabled: w.enabled, disabledReason: w.disabledReason,
    createdAt: iso(w.createdAt), consecutiveFailures: w.failures, failingSince: iso(w.failingSince), lastSuccessAt: iso(w.lastSuccessAt), pending,
  };
}

function scope(auth: Auth) {
  const admin = auth === 'operator';
  const base = admin ? '/v1/admin/webhooks' : '/v1/webhooks';
  const tag = admin ? 'admin: webhooks' : 'webhooks';
  /** undefined: operator (sees all); otherwise the calling tenant. */
  const owner = (c: Call<unknown, unknown>): string | undefined => (admin ? undefined : c.tenantId);
  const url = (s: ApiServices, u: string, tenantSub: boolean): string => checkTarget(u, { tenant: tenantSub, allowPrivate: s.config.webhooks.allowPrivateTargets });
  return [
    endpoint({
      method: 'POST', path: base, auth, tag, summary: admin ? 'Subscribe to events (all tenants, or one with tenantId)' : "Subscribe to the tenant's own events",
      body: z.strictObject({
        url: z.string().min(1).max(2048),
        types: eventTypes.default([]).describe('Event types to receive; empty or absent: all'),
        description: z.string().max(200).optional(),
        ...(admin ? { tenantId: z.string().max(63).optional().describe('Make it a subscription of this tenant (its events only)') } : {}),
      }),
      response: { status: 201, description: 'Created; `secret` is shown only now', schema: 'WebhookCreated' },
      example: { body: { url: 'http://127.0.0.1:9/hook', types: ['delivered'] } },
      handler: ({ s, body, tenantId }) => {
        const forTenant = admin ? ((body as { tenantId?: string }).tenantId ?? null) : tenantId;
        if (forTenant !== null) s.tenants.require(forTenant);
        const r = s.webhooks.create({ tenantId: forTenant, url: url(s, body.url, forTenant !== null), types: body.types, ...(body.description ? { description: body.description } : {}) });
        return { ...webhookView(r.subscription, s), secret: r.secret };
      },
    }),
    endpoint({
      method: 'GET', path: base, auth, tag, summary: admin ? 'Webhook subscriptions (filter by tenant; tenant=- for operator ones)' : "The tenant's webhook subscriptions",
      query: z.strictObject({ ...(admin ? { tenant: z.string().max(63).optional() } : {}), ...pageQuery }),
      response: { status: 200, description: 'A page of subscriptions', schema: page('Webhook') },
      handler: (c) => {
        const q = c.query as { tenant?: string; limit: number; cursor?: string };
        const after = decodeCursor(q.cursor, z.string());
        const filter = admin ? (q.tenant === undefined ? {} : { tenantId: q.tenant === '-' ? null : q.tenant }) : { tenantId: c.tenantId };
        return pageOf(c.s.webhooks.list(filter, q.limit + 1, after), q.limit, (w) => w.id, (w) => webhookView(w, c.s));
      },
    }),
    endpoint({
      method: 'GET', path: `${base}/:webhookId`, auth, tag, summary: 'One subscription',
      response: { status: 200, description: 'The subscription', schema: 'Webhook' },
      errors: { 404: 'No such webhook' + (admin ? '' : ' for this tenant') },
      handler: (c) => webhookView(c.s.webhooks.require(c.params['webhookId']!, owner(c)), c.s),
    }),
    endpoint({
      method: 'PATCH', path: `${base}/:webhookId`, auth, tag, summary: 'Change URL, types or description; enable (resets the failure streak) or disable',
      body: z.strictObject({ url: z.string().min(1).max(2048).optional(), types: eventTypes.optional(), description: z.string().max(200).optional(), enabled: z.boolean().optional() }),
      response: { status: 200, description: 'The updated subscription', schema: 'Webhook' },
      errors: { 404: 'No such webhook' + (admin ? '' : ' for this tenant') },
      example: { body: { enabled: false } },
      handler: (c) => {
        const id = c.params['webhookId']!;
        const cur = c.s.webhooks.require(id, owner(c));
        const b = c.body;
        return webhookView(
          c.s.webhooks.update(id, owner(c), {
            ...(b.url !== undefined ? { url: url(c.s, b.url, cur.tenantId !== null) } : {}), ...(b.types !== undefined ? { types: b.types } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}), ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
          }),
          c.s,
        );
      },
    }),
    endpoint({
      method: 'DELETE', path: `${base}/:webhookId`, auth, tag, summary: 'Delete a subscription, its pending deliveries and its log',
      response: { status: 204, description: 'Deleted' },
      errors: { 404: 'No such webhook' + (admin ? '' : ' for this tenant') },
      handler: (c) => {
        c.s.webhooks.remove(c.params['webhookId']!, owner(c));
        return {};
      },
    }),
    endpoint({
      method: 'GET', path: `${base}/:webhookId/deliveries`, auth, tag, summary: 'The delivery log: every HTTP attempt, newest first',
      query: z.strictObject(pageQuery),
      response: { status: 200, description: 'A page of attempts', schema: page('WebhookAttempt') },
      errors: { 404: 'No such webhook' + (admin ? '' : ' for this tenant') },
      handler: (c) => {
        const id = c.params['webhookId']!;
        c.s.webhooks.require(id, owner(c));
        const before = decodeCursor(c.query.cursor, z.number().int());
        return pageOf(c.s.webhooks.attempts(id, c.query.limit + 1, before), c.query.limit, (a) => a.id, (a) => ({
          id: a.id, eventId: String(a.eventId), at: new Date(a.at).toISOString(), attempt: a.attempt, status: a.status, ms: a.ms, ok: a.ok, error: a.error,
        }));
      },
    }),
  ];
}

export default [...scope('tenant'), ...scope('operator')];
