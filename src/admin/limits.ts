/**
 * Per-tenant sending limits, shared by `outpost limits …` and the API: the
 * effective limits (config `limits` with the tenant's overrides), the
 * overrides themselves, active blocks and the counters the gateway last saved;
 * changing overrides (validated; `null` removes one key) and clearing them;
 * lifting blocks. The running gateway re-reads overrides and blocks within
 * about two seconds (src/limits/check.ts).
 */
import type { Config } from '../config/schema.js';
import { effectiveLimits } from '../limits/check.js';
import { LIMIT_ACTIONS, LIMIT_NAMES, type LimitAction, type LimitName, type LimitOverrides, type LimitStore } from '../limits/store.js';
import type { TenantStore } from '../tenants/store.js';
import { ServiceError } from './errors.js';

export type LimitSetPatch = Partial<Record<LimitName, number | null>>;

export interface LimitsPatch {
  readonly tenant?: LimitSetPatch;
  readonly user?: LimitSetPatch;
  readonly action?: LimitAction | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function limitsView(config: Config, store: LimitStore, tenants: TenantStore, tenant: string, now: number) {
  tenants.require(tenant);
  const overrides = store.overrides(tenant);
  const blocks = store.blocks().filter((b) => b.tenantId === tenant && (b.until === null || b.until > now));
  const savedCounters = store.loadCounters().filter((c) => c.subject === `t:${tenant}` || c.subject.startsWith(`u:${tenant}:`));
  return {
    tenant, enabled: config.limits.enabled, effective: effectiveLimits(config.limits, overrides), overrides,
    blocks: blocks.map((b) => ({ user: b.user, limit: b.limit, count: b.count, max: b.max, since: iso(b.since), until: b.until === null ? null : iso(b.until), reason: b.reason })),
    /** What the gateway last saved (every 30 s): per subject and window, the total in the window. */
    savedCounters: savedCounters.map((c) => ({ subject: c.subject.startsWith('u:') ? `user ${c.subject.split(':').slice(2).join(':')}` : 'tenant', window: c.window, count: c.data.reduce((a, [, n]) => a + n, 0) })),
  };
}

function mergeSet(cur: Partial<Record<LimitName, number>> | undefined, patch: LimitSetPatch | undefined, where: string): Partial<Record<LimitName, number>> {
  const out: Partial<Record<LimitName, number>> = { ...cur };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (!(LIMIT_NAMES as readonly string[]).includes(k)) throw new ServiceError(`${where}.${k}: unknown limit (${LIMIT_NAMES.join(', ')})`, 'invalid');
    if (v === null) delete out[k as LimitName];
    else if (!Number.isInteger(v) || v < 0) throw new ServiceError(`${where}.${k}: expected a whole number ≥ 0 (0 = no limit)`, 'invalid');
    else out[k as LimitName] = v;
  }
  return out;
}

/** Applies a patch to the tenant's overrides; returns the new overrides. */
export function setLimits(store: LimitStore, tenants: TenantStore, tenant: string, patch: LimitsPatch, now: number): LimitOverrides {
  tenants.require(tenant);
  const cur = store.overrides(tenant);
  if (patch.action != null && !(LIMIT_ACTIONS as readonly string[]).includes(patch.action)) throw new ServiceError(`action: expected ${LIMIT_ACTIONS.join(', ')}, got "${patch.action}"`, 'invalid');
  const t = mergeSet(cur.tenant, patch.tenant, 'tenant');
  const u = mergeSet(cur.user, patch.user, 'user');
  const action = patch.action === null ? undefined : (patch.action ?? cur.action);
  const next: LimitOverrides = { ...(Object.keys(t).length ? { tenant: t } : {}), ...(Object.keys(u).length ? { user: u } : {}), ...(action ? { action } : {}) };
  store.setOverrides(tenant, next, now);
  return next;
}

/** Removes every override of the tenant (config limits apply); false when it had none. */
export function resetLimits(store: LimitStore, tenants: TenantStore, tenant: string): boolean {
  tenants.require(tenant);
  return store.resetOverrides(tenant);
}

/** Lifts the tenant's blocks (or one credential's); returns how many. */
export function unblockTenant(store: LimitStore, tenants: TenantStore, tenant: string, user?: string): number {
  tenants.require(tenant);
  return store.unblock(tenant, user);
}
