/**
 * Per-tenant routing policy, shared by `outpost policy …` and the API: the
 * table per scanner class (configured default, the tenant's override, the
 * effective action), setting overrides (validated: action syntax and pool
 * existence) and clearing them. Overrides live in the state database
 * (src/policy/store.ts); the gateway applies a change within seconds.
 */
import type { Config } from '../config/schema.js';
import type { VerdictClass } from '../core/types.js';
import { CLASSES, checkPoolsExist, defaultTable, formatAction, isClass, parseAction, PolicyError, type PolicyAction } from '../policy/action.js';
import type { TenantPolicyStore } from '../policy/store.js';
import type { TenantStore } from '../tenants/store.js';
import { ServiceError } from './errors.js';

export interface PolicyView {
  readonly tenant: string | null;
  readonly rows: ReadonlyArray<{ class: VerdictClass; default: string; tenant: string | null; effective: string }>;
  /** Bounces (DSNs) always leave from this pool. */
  readonly bouncePool: string;
  /** Mail from sender domains with no MX and no A/AAAA leaves from this pool. */
  readonly noMailDomainPool: string;
}

export function policyView(config: Config, store: TenantPolicyStore, tenants: TenantStore, tenant?: string): PolicyView {
  if (tenant !== undefined) tenants.require(tenant);
  const defaults = defaultTable(config.policy, Object.keys(config.pools));
  const o = tenant !== undefined ? store.overrides(tenant) : {};
  return {
    tenant: tenant ?? null,
    rows: CLASSES.map((c) => ({ class: c, default: formatAction(defaults[c]), tenant: o[c] ? formatAction(o[c]) : null, effective: formatAction(o[c] ?? defaults[c]) })),
    bouncePool: config.policy.bouncePool, noMailDomainPool: config.policy.noMailDomainPool,
  };
}

/** Parses and checks `{class: action}` pairs; a ServiceError names the first bad one. */
export function parsePolicy(config: Config, pairs: Readonly<Record<string, string>>): Array<[VerdictClass, PolicyAction]> {
  const out: Array<[VerdictClass, PolicyAction]> = [];
  for (const [c, a] of Object.entries(pairs)) {
    if (!isClass(c)) throw new ServiceError(`"${c}": not a scanner class (${CLASSES.join(', ')})`, 'invalid');
    try {
      out.push([c, parseAction(a)]);
    } catch (e) {
      throw new ServiceError(`${c}: ${(e as PolicyError).message}`, 'invalid');
    }
  }
  if (out.length === 0) throw new ServiceError(`give at least one of ${CLASSES.join(', ')}`, 'invalid');
  try {
    checkPoolsExist(out.map((x) => x[1]), Object.keys(config.pools), 'policy');
  } catch (e) {
    throw new ServiceError((e as PolicyError).message, 'invalid');
  }
  return out;
}

/** Sets the tenant's overrides for the given classes (others stay); returns the new table. */
export function setPolicy(config: Config, store: TenantPolicyStore, tenants: TenantStore, tenant: string, pairs: Readonly<Record<string, string>>): PolicyView {
  tenants.require(tenant);
  for (const [c, a] of parsePolicy(config, pairs)) store.set(tenant, c, a);
  return policyView(config, store, tenants, tenant);
}

/** Removes the tenant's override of one class, or all; returns how many were removed. */
export function resetPolicy(store: TenantPolicyStore, tenants: TenantStore, tenant: string, cls?: string): number {
  tenants.require(tenant);
  if (cls !== undefined && !isClass(cls)) throw new ServiceError(`unknown class "${cls}" (${CLASSES.join(', ')})`, 'invalid');
  return store.reset(tenant, cls as VerdictClass | undefined);
}
