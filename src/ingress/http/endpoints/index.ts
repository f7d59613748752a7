/**
 * The endpoint table: every HTTP endpoint, in routing order. To add an
 * endpoint, write a small module exporting its definitions (see endpoint.ts)
 * and list it here; routing, validation, auth, the OpenAPI document and the
 * isolation test (test/api-isolation.test.ts) pick it up from this table.
 */
import type { AnyEndpoint } from '../endpoint.js';
import system from './system.js';
import messages from './messages.js';
import tenantSelf from './tenant-self.js';
import events from './events.js';
import webhooks from './webhooks.js';
import stats from './stats.js';
import adminTenants from './admin-tenants.js';
import adminPlatform from './admin-platform.js';
import adminQueue from './admin-queue.js';
import reputation from './reputation.js';
import quarantine from './quarantine.js';
import adminIps from './admin-ips.js';
import suppressions from './suppressions.js';
import policyLimits from './policy-limits.js';
import feedbackReports from './feedback-reports.js';

export const ENDPOINTS: readonly AnyEndpoint[] = [
  ...system,
  ...messages,
  ...tenantSelf,
  ...events,
  ...webhooks,
  ...stats,
  // Tenant DELETEs before admin-tenants: the isolation walk runs DELETEs last in table order, and revoking A's key is one of them.
  ...quarantine,
  ...suppressions,
  ...adminTenants,
  ...adminPlatform,
  ...adminQueue,
  ...reputation,
  ...adminIps,
  ...policyLimits,
  ...feedbackReports,
];
