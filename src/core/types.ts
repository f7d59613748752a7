/**
 * The typed records that stages hand each other through the spool:
 * Envelope (who to whom), Verdict (what the scanner thinks), Route (what policy
 * decided). What receivers said is the spool's AttemptRecord.
 * These are plain data: serialisable to JSON and safe to cross worker threads.
 */
import type { SmtpReply } from './smtp-reply.js';

export type TenantId = string;
export type MessageId = string;
export type PoolName = string;

export interface Envelope {
  /** Envelope sender (MAIL FROM); '' is the null sender used by bounces. */
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
}

export type Source = 'smtp' | 'http' | 'bounce' | 'alert';

/** Scanner output (src/scan). score is 0..1, higher is worse. */
export type VerdictClass = 'clean' | 'bulk' | 'suspect' | 'spam';
export interface VerdictReason {
  readonly rule: string;
  readonly weight: number;
  readonly detail: string;
}
export interface Verdict {
  readonly score: number;
  readonly class: VerdictClass;
  readonly reasons: readonly VerdictReason[];
  /** Fuzzy campaign fingerprint of the normalised text (hex); '' when none. */
  readonly fingerprint: string;
}

/** Policy output: where a message goes next. */
export type Route =
  | { readonly kind: 'deliver'; readonly pool: PoolName; readonly why: string }
  | { readonly kind: 'quarantine'; readonly why: string }
  | { readonly kind: 'reject'; readonly reply: SmtpReply; readonly why: string }
  | { readonly kind: 'drop'; readonly why: string };

/** Message life cycle in the spool. */
export type MessageState =
  | 'incoming' // accepted and durable, waiting for scan / policy / signing
  | 'processing' // claimed by the processor (returns to incoming after a crash)
  | 'active' // routed: has delivery jobs
  | 'quarantined'
  | 'done'; // every recipient final

/** Recipient life cycle. */
export type RecipientState = 'pending' | 'queued' | 'delivered' | 'failed' | 'expired' | 'suppressed' | 'dropped';
