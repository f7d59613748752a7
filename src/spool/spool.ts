/**
 * The Spool: Outpost's durable queue and the only contract between stages.
 *
 *   cleanup ──enqueue──▶ [incoming] ──claimIncoming/route──▶ [active: jobs] ──claimDue/recordAttempt──▶ [done]
 *                                              └──▶ [quarantined]
 *
 * Invariants:
 * - enqueue() resolves only after the message is on disk (fsync); callers ack
 *   the client (250 / 202) only then. Every write is durable when its promise resolves.
 * - A message's recipients are grouped into one delivery job per destination
 *   domain; a job belongs to one pool. A job is claimed by at most one worker
 *   (queued → inflight); recover() puts inflight jobs and processing messages
 *   back after a crash.
 * - Every state change appends an event to the message's history.
 * The interface is async so that a PostgreSQL spool can implement it; the shared
 * suite in spool.suite.ts is what any implementation must pass.
 */
import type { Envelope, MessageId, MessageState, PoolName, RecipientState, Route, Source, TenantId, Verdict } from '../core/types.js';
import type { SmtpReply } from '../core/smtp-reply.js';

export interface MessageSummary {
  readonly subject?: string;
  readonly from?: string;
  readonly messageId?: string;
}

export interface NewMessage {
  readonly id: MessageId;
  readonly tenantId: TenantId;
  readonly source: Source;
  readonly clientIp: string;
  readonly envelope: Envelope;
  /** The complete message as it will be sent (after cleanup), CRLF line endings. */
  readonly raw: Buffer;
  readonly receivedAt: number;
  readonly summary: MessageSummary;
  /**
   * Store it already claimed for processing (state 'processing'), because the
   * caller hands it to the in-process processor directly; after a crash
   * recover() returns it to 'incoming' like any claimed message.
   */
  readonly claimed?: boolean;
}

export interface SpoolEvent {
  readonly type: string;
  readonly data?: Record<string, unknown>;
}

export interface EventRecord extends SpoolEvent {
  readonly id: number;
  readonly messageId: MessageId;
  readonly at: number;
}

/** A message claimed by the processing stage (scan → policy → sign). */
export interface IncomingMessage {
  readonly id: MessageId;
  readonly tenantId: TenantId;
  readonly source: Source;
  readonly envelope: Envelope;
  readonly receivedAt: number;
  readonly size: number;
  /** Handed over by cleanup right after its first durable write: it cannot have been released from quarantine. */
  readonly fresh?: boolean;
}

export interface RouteDecision {
  readonly route: Route;
  readonly verdict?: Verdict;
  /** Header lines (CRLF-terminated) to prepend when sending: signatures, Feedback-ID. */
  readonly prefix?: Buffer;
  /** Envelope sender to use on the wire (VERP); defaults to the submitted one. */
  readonly wireMailFrom?: string;
  /** Recipients (by index) not to deliver, with the reason (e.g. suppression list). */
  readonly skip?: ReadonlyArray<{ readonly idx: number; readonly state: 'suppressed' | 'dropped'; readonly reply: SmtpReply }>;
  readonly events?: readonly SpoolEvent[];
}

export interface JobRecipient {
  readonly idx: number;
  readonly rcpt: string;
}

/** One delivery: one message to one destination domain from one pool. */
export interface DeliveryJob {
  readonly jobId: number;
  readonly messageId: MessageId;
  readonly tenantId: TenantId;
  readonly domain: string;
  readonly pool: PoolName;
  readonly attempts: number;
  readonly receivedAt: number;
  readonly mailFrom: string;
  readonly size: number;
  readonly warned: boolean;
  readonly recipients: readonly JobRecipient[];
}

export type RecipientOutcome =
  | { readonly idx: number; readonly state: 'delivered' | 'failed' | 'expired'; readonly reply: SmtpReply }
  | { readonly idx: number; readonly state: 'deferred'; readonly reply: SmtpReply };

export interface AttemptRecord {
  readonly jobId: number;
  readonly messageId: MessageId;
  readonly at: number;
  readonly results: readonly RecipientOutcome[];
  /** When deferred recipients remain: when to try again. */
  readonly nextAt?: number;
  /** Count this as an attempt (false for "held back by a pause", which returns the job unchanged). */
  readonly countsAsAttempt: boolean;
  readonly markWarned?: boolean;
  readonly event: SpoolEvent;
}

export interface RecipientView {
  readonly idx: number;
  readonly rcpt: string;
  readonly domain: string;
  readonly state: RecipientState;
  readonly reply?: SmtpReply;
}

export interface JobView {
  readonly jobId: number;
  readonly domain: string;
  readonly pool: PoolName;
  readonly state: 'queued' | 'inflight' | 'done' | 'held';
  readonly attempts: number;
  readonly nextAt: number;
}

export interface MessageView {
  readonly id: MessageId;
  readonly tenantId: TenantId;
  readonly source: Source;
  readonly clientIp: string;
  readonly mailFrom: string;
  readonly size: number;
  readonly receivedAt: number;
  readonly state: MessageState;
  readonly summary: MessageSummary;
  readonly verdict?: Verdict;
  readonly route?: Route;
  readonly recipients: readonly RecipientView[];
  readonly jobs: readonly JobView[];
}

export interface QueueCounts {
  readonly messages: Readonly<Record<string, number>>;
  readonly recipients: Readonly<Record<string, number>>;
  /** Queued or in-flight jobs by destination domain and by pool. */
  readonly byDestination: ReadonlyArray<{ domain: string; pool: PoolName; queued: number; inflight: number; oldest: number }>;
}

export interface Spool {
  /** Durable write of a new message (state incoming) with received/queued events. */
  enqueue(msg: NewMessage, events?: readonly SpoolEvent[]): Promise<void>;
  /** Claims up to `limit` incoming messages for processing (oldest first). */
  claimIncoming(limit: number): Promise<IncomingMessage[]>;
  /**
   * Puts a message the processor claimed but could not decide (a decider
   * error) back to incoming, so that it is claimed and tried again. False
   * when it is no longer in processing.
   */
  unclaim(id: MessageId, at: number): Promise<boolean>;
  /** Records the processing decision: jobs per domain, quarantine, reject or drop. */
  route(id: MessageId, decision: RouteDecision, at: number): Promise<void>;
  /** Tenants that have queued jobs due at or before `now`. */
  dueTenants(now: number): Promise<TenantId[]>;
  /** Claims up to `limit` due jobs of one tenant (queued → inflight), earliest first. */
  claimDue(tenantId: TenantId, now: number, limit: number): Promise<DeliveryJob[]>;
  /** Earliest next_at among queued jobs, or null when none. */
  nextDueAt(): Promise<number | null>;
  /** Records one delivery attempt's results; jobs/messages become done when final. */
  recordAttempt(rec: AttemptRecord): Promise<void>;
  /** Puts claimed jobs back unchanged (shutdown, pause), due at `nextAt`. */
  release(jobIds: readonly number[], nextAt: number): Promise<void>;
  /** The stored message bytes, or null once deleted. */
  readBody(id: MessageId): Promise<Buffer | null>;
  /** Header prefix and wire sender chosen at routing time. */
  readRouting(id: MessageId): Promise<{ prefix: Buffer | null; wireMailFrom: string } | null>;
  appendEvent(id: MessageId, ev: SpoolEvent, at: number): Promise<void>;
  getMessage(id: MessageId): Promise<MessageView | null>;
  events(id: MessageId): Promise<EventRecord[]>;
  counts(): Promise<QueueCounts>;
  /** Makes every queued job of the message due now. Returns false if nothing was queued. */
  retryNow(id: MessageId, at: number): Promise<boolean>;
  /** Deletes a message from the queue: pending recipients become 'dropped', body removed. */
  remove(id: MessageId, at: number, why: string): Promise<boolean>;
  /** After a crash: processing → incoming, inflight → queued. Returns how many were recovered. */
  recover(): Promise<{ messages: number; jobs: number }>;
  close(): Promise<void>;
}

export class SpoolError extends Error {
  constructor(
    message: string,
    readonly kind: 'full' | 'io' | 'closed' | 'conflict',
  ) {
    super(message);
    this.name = 'SpoolError';
  }
}

export type { RecipientState };
