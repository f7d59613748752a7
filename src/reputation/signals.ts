/**
 * What the rest of the gateway tells the reputation engine, and what it asks
 * of it. This is the seam between the mail path (ingress, processor,
 * delivery, feedback intake) and src/reputation: the mail path only calls
 * these methods; the engine behind them keeps windows, baselines and the
 * tenant state machine.
 *
 * Calls are synchronous, cheap and never throw into the mail path.
 */
import type { TenantId, VerdictClass } from '../core/types.js';

/** How a receiver's reply to one recipient reads, for reputation purposes. */
export type DeliveryOutcomeKind =
  | 'delivered'
  | 'hard-bounce' // permanent failure other than unknown recipient
  | 'unknown-recipient' // 5.1.1 / 5.1.10 and friends
  | 'soft-bounce' // temporary failure
  | 'slow-down' // receiver asked us to slow down (4.7.28-style)
  | 'blocked'; // receiver refused the IP or the content as policy

/** The tenant's standing, which routing and ingress obey. */
export type TenantStanding = 'normal' | 'watch' | 'throttled' | 'high-risk-only' | 'suspended';

export interface ReputationSignals {
  /**
   * A message was accepted for the tenant (after cleanup) with this many
   * recipients; `rcptDomains` (the recipients' distinct domains), when given,
   * feeds the destination signals.
   */
  submitted(tenantId: TenantId, recipients: number, at: number, rcptDomains?: readonly string[]): void;
  /** The scanner's verdict on one of the tenant's messages. */
  scanned(tenantId: TenantId, v: { readonly class: VerdictClass; readonly fingerprint: string }, at: number): void;
  /** One recipient's delivery outcome, with the destination domain and sending IP when known. */
  delivery(tenantId: TenantId, o: { readonly kind: DeliveryOutcomeKind; readonly domain: string; readonly ip?: string }, at: number): void;
  /** A bounce that arrived later through the feedback intake (async DSN). */
  bounce(tenantId: TenantId, o: { readonly recipient: string; readonly hard: boolean; readonly unknownRecipient: boolean }, at: number): void;
  /** A complaint (ARF / FBL report) attributed to the tenant. */
  complaint(tenantId: TenantId, o: { readonly recipient?: string }, at: number): void;
  /** The tenant's current standing. */
  standing(tenantId: TenantId): TenantStanding;
  /** Why the tenant is in its standing (one line for replies and routing reasons), when known. */
  explain?(tenantId: TenantId): StandingInfo | undefined;
}

/** The standing with its reason, for SMTP replies and routing explanations. */
export interface StandingInfo {
  readonly standing: TenantStanding;
  readonly since: number;
  /** One line: the evidence or the operator's reason. */
  readonly reason: string;
}

/** The engine used when reputation is off: hears nothing, everyone is normal. */
export const noReputation: ReputationSignals = {
  submitted: () => undefined,
  scanned: () => undefined,
  delivery: () => undefined,
  bounce: () => undefined,
  complaint: () => undefined,
  standing: () => 'normal',
};
