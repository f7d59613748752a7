/**
 * A tenant's state history with evidence, page by page: every standing
 * transition the reputation engine (or an operator) recorded in
 * `reputation_history` (src/reputation/store.ts), newest first. The same
 * rows `outpost tenant reputation` shows the latest of.
 */
import type { ReputationStore } from '../reputation/store.js';
import type { TenantStore } from '../tenants/store.js';

export interface StateChange {
  readonly id: number;
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** The figures and thresholds that made the engine move (empty for operator changes). */
  readonly evidence: readonly unknown[];
  /** 'engine' or the operator who changed it. */
  readonly by: string;
  /** evidence | recovery | reinstate | operator */
  readonly trigger: string;
}

export function stateHistory(tenants: TenantStore, store: ReputationStore, tenantId: string, limit: number, beforeId?: number): { items: StateChange[]; more: boolean } {
  tenants.require(tenantId);
  const rows = store.historyPage(tenantId, limit + 1, beforeId);
  const more = rows.length > limit;
  return {
    items: (more ? rows.slice(0, limit) : rows).map((h) => ({ id: h.id, at: new Date(h.at).toISOString(), from: h.from, to: h.to, reason: h.reason, evidence: h.evidence, by: h.actor, trigger: h.trigger })),
    more,
  };
}
