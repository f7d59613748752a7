/**
 * Quarantine records shared by the spool queries (src/spool/sqlite/quarantine.ts),
 * the CLI and the policy decider: filters, list rows and release requests.
 */
import type { MessageId, TenantId, VerdictClass } from '../core/types.js';

export interface QuarantineFilter {
  readonly tenantId?: TenantId;
  readonly cls?: VerdictClass;
  /** Quarantined at or before this time (epoch ms): "older than". */
  readonly before?: number;
  /** Quarantined at or after this time: "newer than". */
  readonly after?: number;
  /** The verdict names this rule among its reasons (not indexed: filters the other conditions' rows). */
  readonly reason?: string;
}

export interface QuarantinedMessage {
  readonly id: MessageId;
  readonly tenantId: TenantId;
  readonly mailFrom: string;
  readonly recipients: number;
  readonly size: number;
  readonly receivedAt: number;
  readonly quarantinedAt: number;
  readonly cls: VerdictClass | null;
  readonly score: number | null;
  readonly subject: string | null;
  readonly why: string | null;
}

/** An operator's release, read by the decider when it routes the message again. */
export interface ReleaseRequest {
  readonly by: string;
  readonly at: number;
  readonly forcePool?: string;
}

/** What an expired quarantined message needs for the sender's DSN. */
export interface ExpiredMessage {
  readonly id: MessageId;
  readonly tenantId: TenantId;
  readonly mailFrom: string;
  readonly receivedAt: number;
  readonly size: number;
  readonly rcpts: readonly string[];
  /** The original header block (for the DSN's text/rfc822-headers part). */
  readonly headers: Buffer | null;
}
