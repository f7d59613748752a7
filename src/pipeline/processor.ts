/**
 * The processing stage between cleanup and delivery: claims incoming messages
 * from the spool, asks a Decider (scan → policy → sign) what to do with each,
 * and records the decision (jobs per destination, quarantine, reject, drop).
 *
 * Messages come two ways: handed over by cleanup right after their durable
 * write (offer(), with their bytes: no claim, no read), or claimed from the
 * spool (after a restart, a release). Runs when kicked and on a slow timer as
 * a safety net. Deciding before the durable write instead (one spool write
 * per message, not two) was tried and measured slower: these batches keep the
 * worker threads and the spool writer busier (docs/benchmarks.md).
 * Bounded: at most `batch` messages, and about BATCH_BYTES of them, in flight
 * at once. A decider error (a broken tenant key, a dead worker) is
 * logged, the message gets a processing-error event and is put back to
 * incoming after a back-off (retryDelayMs, doubling per failure of the same
 * message up to an hour), so it is tried again without a restart; never lost.
 * A restart also puts every undecided message back (Spool.recover).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { IncomingMessage, RouteDecision, Spool } from '../spool/spool.js';

/** Bytes of offered bodies held in memory at most. */
export const OFFER_BYTES = 16 * 1024 * 1024;
/**
 * Messages in the scan/sign stages at once (default of `batch`). A batch waits
 * for its slowest stage: with signing, 256 messages wait ~80 ms for their
 * signatures, long enough for the main thread to promote what they hold
 * (187 MB promoted per 11,000 messages against 77 MB signing off). Batches of
 * 64 cut the V8 helpers' CPU with signing on by ~35 µs per message but took
 * ~30 % off the processor's peak rate (bench:quarantine: every batch pays a
 * fixed latency), so 256 stays. A sliding window of 256 kept the peak rate
 * but gained nothing with signing (docs/benchmarks.md, sessions 7 and 8).
 */
export const BATCH = 256;
/**
 * Bytes of messages in the scan/sign stages at once. Each worker stage gets its
 * own copy of every message it handles, so with 100 KB messages a full batch of
 * 256 would hold ~75 MB in flight; 4 MiB keeps both cores busy without that.
 */
const BATCH_BYTES = 4 * 1024 * 1024;

/** How many items from `from` on fit in maxCount and maxBytes (at least one when any is left). */
function countWithin<T>(items: readonly T[], from: number, size: (x: T) => number, maxCount: number, maxBytes: number): number {
  let n = 0;
  let bytes = 0;
  while (from + n < items.length && n < maxCount && (n === 0 || bytes + size(items[from + n]!) <= maxBytes)) bytes += size(items[from + n++]!);
  return n;
}

export type Decider = (msg: IncomingMessage, body: Buffer) => Promise<RouteDecision>;

export interface ProcessorOptions {
  readonly spool: Spool;
  readonly decide: Decider;
  readonly clock: Clock;
  readonly log: Logger;
  /** Messages decided at once (default BATCH). */
  readonly batch?: number;
  /** Called after messages were routed for delivery (wakes the delivery engine). */
  readonly onRouted?: () => void;
  /** Called with every routed message, for observers (reputation, metrics). */
  readonly observe?: (msg: IncomingMessage, d: RouteDecision) => void;
  /**
   * Called once the decision is durable, with the body (policy follow-ups:
   * the DSN of a rejected message, platform events). A failure is logged and
   * recorded as an event; the routing stands.
   */
  readonly afterRoute?: (msg: IncomingMessage, d: RouteDecision, body: Buffer) => Promise<void>;
  /** First back-off after a decider error; doubles per failure of the same message, at most an hour. Default 60 s. */
  readonly retryDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 3_600_000;
/** Failure counts kept for back-off; past this many failing messages the oldest count is forgotten (it restarts at one). */
const MAX_TRACKED_FAILURES = 10_000;

export class Processor {
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();
  private offered: Array<{ msg: IncomingMessage; body?: Buffer }> = [];
  private offeredBytes = 0;
  /** Sizes of every offered message, body kept or not. */
  private offeredSize = 0;
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: ProcessorOptions) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), 1000);
    this.timer.unref();
    this.kick();
  }

  /** Messages offered and not yet taken into a batch, and their size (ingress flow control watches this). */
  get backlog(): { messages: number; bytes: number } {
    return { messages: this.offered.length, bytes: this.offeredSize };
  }

  /** A message cleanup just stored as claimed, with its bytes. */
  offer(msg: IncomingMessage, body: Buffer): void {
    // Past OFFER_BYTES waiting, keep only the reference: the body is read back from the spool.
    const keep = this.offeredBytes + body.length <= OFFER_BYTES;
    if (keep) this.offeredBytes += body.length;
    this.offered.push(keep ? { msg, body } : { msg });
    this.offeredSize += msg.size;
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    const batch = this.o.batch ?? BATCH;
    for (;;) {
      if (this.stopped) return;
      if (this.offered.length > 0) {
        const take = this.offered.splice(0, countWithin(this.offered, 0, (x) => x.msg.size, batch, BATCH_BYTES));
        for (const x of take) {
          if (x.body) this.offeredBytes -= x.body.length;
          this.offeredSize -= x.msg.size;
        }
        await Promise.all(take.map((x) => this.one(x.msg, x.body)));
      } else {
        const msgs = await this.o.spool.claimIncoming(batch);
        if (msgs.length === 0) return;
        for (let i = 0; i < msgs.length; ) {
          const n = countWithin(msgs, i, (m) => m.size, batch, BATCH_BYTES);
          await Promise.all(msgs.slice(i, i + n).map((m) => this.one(m)));
          i += n;
        }
      }
      this.o.onRouted?.();
    }
  }

  private async one(m: IncomingMessage, bytes?: Buffer): Promise<void> {
    try {
      const body = bytes ?? (await this.o.spool.readBody(m.id));
      if (!body) throw new Error('message body missing');
      const d = await this.o.decide(m, body);
      await this.o.spool.route(m.id, d, this.o.clock.now());
      this.failures.delete(m.id);
      await this.after(m, d, body);
    } catch (e) {
      const delay = this.retryLater(m.id);
      this.o.log.error({ err: e, messageId: m.id, tenant: m.tenantId, retryInMs: delay }, 'processing failed; the message is tried again later');
      await this.o.spool.appendEvent(m.id, { type: 'processing-error', data: { error: (e as Error).message, retryInMs: delay } }, this.o.clock.now()).catch(() => undefined);
    }
  }

  /** Schedules the message's return to incoming; returns the delay. */
  private retryLater(id: string): number {
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.delete(id);
    this.failures.set(id, n);
    if (this.failures.size > MAX_TRACKED_FAILURES) this.failures.delete(this.failures.keys().next().value as string);
    const delay = Math.min((this.o.retryDelayMs ?? 60_000) * 2 ** (n - 1), MAX_RETRY_DELAY_MS);
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      if (this.stopped) return;
      this.o.spool.unclaim(id, this.o.clock.now()).then(
        (back) => back && this.kick(),
        (err: unknown) => this.o.log.error({ err, messageId: id }, 'could not put the message back to incoming (a restart will)'),
      );
    }, delay);
    t.unref();
    this.retryTimers.add(t);
    return delay;
  }

  /** What follows a durable decision: observers, then the policy follow-up (its failure is logged; the route stands). */
  private async after(m: IncomingMessage, d: RouteDecision, body: Buffer): Promise<void> {
    this.o.observe?.(m, d);
    if (!this.o.afterRoute) return;
    await this.o.afterRoute(m, d, body).catch(async (e: unknown) => {
      this.o.log.error({ err: e, messageId: m.id, tenant: m.tenantId }, 'policy follow-up failed (the route stands)');
      await this.o.spool.appendEvent(m.id, { type: 'follow-up-error', data: { error: (e as Error).message } }, this.o.clock.now()).catch(() => undefined);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await this.idle;
  }
}

/** The decider used until scanning and policy are configured: bounces and alerts from high-risk, the rest from default. */
export const basicDecider: Decider = async (m) => {
  const pool = m.source === 'bounce' ? 'high-risk' : 'default';
  return { route: { kind: 'deliver', pool, why: m.source === 'bounce' ? 'generated bounces leave from high-risk' : 'default route' }, events: [{ type: 'routed', data: { pool } }] };
};
