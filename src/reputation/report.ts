/**
 * A tenant's reputation report (standing and why, figures per window, the
 * rules with their current values, recent transitions with evidence): the
 * one function behind `outpost tenant reputation` and the API's
 * `GET /v1/reputation` / `GET /v1/admin/tenants/:tenant/reputation`.
 * With the gateway's live engine the figures are current; without one (the
 * CLI) they come from the snapshot the gateway last saved.
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import { ReputationEngine, type ReputationReport } from './engine.js';
import { settingsFromConfig } from './settings.js';
import { ReputationStore } from './store.js';

export function reputationReport(o: { readonly db: Db; readonly config: Config; readonly clock: Clock; readonly engine?: ReputationEngine }, tenantId: string): ReputationReport {
  const engine = o.engine ?? new ReputationEngine({ settings: settingsFromConfig(o.config.reputation), store: new ReputationStore(o.db), clock: o.clock });
  return engine.report(tenantId, o.clock.now());
}
