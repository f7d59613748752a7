/**
 * What API handlers may use: the gateway's stores and the shared service
 * functions' dependencies. The same objects the CLI opens; handlers hold no
 * state of their own.
 */
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../config/schema.js';
import type { OperatorTokens } from '../../admin/operator-tokens.js';
import type { QueueSearch } from '../../admin/queue-search.js';
import type { DkimDeps } from '../../admin/dkim.js';
import type { EventLog } from '../../events/store-threaded.js';
import type { GatewayMetrics } from '../../metrics/metrics.js';
import type { PoolRegistry } from '../../pools/registry.js';
import type { Spool } from '../../spool/spool.js';
import type { TenantStore } from '../../tenants/store.js';
import type { WebhookStore } from '../../webhooks/store.js';
import type { SubmitDeps } from './submit.js';
import type { ReputationReport } from '../../reputation/engine.js';
import type { ConsoleStats } from '../../stats/service.js';
import type { ReputationStore } from '../../reputation/store.js';
import type { QuarantineAdmin } from '../../quarantine/admin.js';
import type { IpHealth } from '../../pools/ip-health.js';
import type { TenantPolicyStore } from '../../policy/store.js';
import type { LimitStore } from '../../limits/store.js';
import type { SuppressionStore } from '../../suppression/store.js';
import type { ReportStore } from '../../feedback/report-store.js';

export interface ApiServices {
  readonly config: Config;
  readonly clock: Clock;
  readonly spool: Spool;
  readonly submit: SubmitDeps;
  readonly tenants: TenantStore;
  readonly pools: PoolRegistry;
  readonly dkim: DkimDeps;
  readonly queue: QueueSearch;
  readonly events: EventLog;
  readonly webhooks: WebhookStore;
  readonly operators: OperatorTokens;
  /** Dashboard series and the tenants overview (web console). */
  readonly stats: ConsoleStats;
  readonly metrics?: GatewayMetrics;
  /** A tenant's reputation report (reputation/report.ts); absent: the endpoints answer 404. */
  readonly reputationReport?: (tenantId: string) => ReputationReport;
  /** The gateway's own connection to spool.db for quarantine work (quarantine/admin.ts). */
  readonly quarantine: QuarantineAdmin;
  /** Rotation, holds, incidents, warm-up and DNSBL status of the pool IPs (pools/ip-health.ts). */
  readonly ipHealth: IpHealth;
  /** The state database's stores the running gateway itself uses (so a change applies at once). */
  readonly policies: TenantPolicyStore;
  readonly limitStore: LimitStore;
  readonly suppressions: SuppressionStore;
  readonly reports: ReportStore;
  readonly reputation: ReputationStore;
  /** Wakes the delivery engine (after "retry now"). */
  readonly kickDelivery?: () => void;
}
