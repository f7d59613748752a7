/**
 * Delivers the webhook outbox: picks due rows (at most `concurrency` requests
 * in flight in total), POSTs the event as JSON with the signature header, and
 * records each attempt in the delivery log. Runs on timers and HTTP requests
 * only — never inside the mail path.
 *
 * Failure handling is per subscription: a failed attempt (non-2xx, timeout,
 * connection error) pauses the whole subscription for an exponential back-off
 * (retryInitial · 2^(failures-1), at most retryMax, ±10% jitter), so a dead
 * receiver gets one probe per interval rather than one per queued event. After
 * `disableAfter.failures` consecutive failures spanning at least
 * `disableAfter.window`, the subscription is disabled (an `alert` event says
 * so); its pending deliveries are kept and resume when it is enabled again.
 * A delivery older than `maxAge` is marked expired instead of being sent.
 * At-least-once: a delivery interrupted by a stop is sent again after the
 * restart; receivers de-duplicate on the `Outpost-Event-Id` header.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { PlatformEvent } from '../events/bus.js';
import { eventJson } from '../events/store.js';
import type { EventLog } from '../events/store-threaded.js';
import { sign } from './signature.js';
import type { OutboxRow, WebhookStore } from './store.js';

export interface DispatcherSettings {
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly maxAgeMs: number;
  readonly disableAfterFailures: number;
  readonly disableAfterWindowMs: number;
  readonly logRetentionMs: number;
}

export interface DispatcherDeps {
  readonly store: WebhookStore;
  readonly events: EventLog;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: DispatcherSettings;
  /** Emits platform events (the `alert` when a subscription is disabled). */
  readonly emit?: (e: PlatformEvent) => void;
  /** Told of every attempt (metrics). */
  readonly onAttempt?: (ok: boolean, ms: number) => void;
}

export class WebhookDispatcher {
  private readonly inflight = new Set<number>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly d: DispatcherDeps) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), Math.min(1000, Math.max(50, this.d.settings.retryInitialMs)));
    this.timer.unref();
    this.pruneTimer = setInterval(() => this.d.store.prune(this.d.clock.now() - this.d.settings.logRetentionMs), 10 * 60_000);
    this.pruneTimer.unref();
    this.kick();
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Looks for due deliveries now (after a flush wrote outbox rows, after a finished request). */
  kick(): void {
    if (this.stopped) return;
    const free = this.d.settings.concurrency - this.inflight.size;
    if (free <= 0) return;
    let rows: OutboxRow[];
    try {
      rows = this.d.store.due(this.d.clock.now(), free, this.inflight);
    } catch (e) {
      this.d.log.error({ err: e }, 'webhooks: reading the outbox failed');
      return;
    }
    for (const row of rows) {
      this.inflight.add(row.id);
      const p = this.deliver(row)
        .catch((e: unknown) => this.d.log.error({ err: e, webhook: row.subscriptionId }, 'webhooks: recording a delivery failed'))
        .finally(() => {
          this.inflight.delete(row.id);
          this.running.delete(p);
          this.kick();
        });
      this.running.add(p);
    }
  }

  private backoff(failures: number): number {
    const s = this.d.settings;
    const base = Math.min(s.retryMaxMs, s.retryInitialMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
    return Math.round(base * (0.9 + Math.random() * 0.2));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { store, clock, settings } = this.d;
    const sub = store.get(row.subscriptionId);
    const event = this.d.events.get(row.eventId);
    const now = clock.now();
    if (!sub || !sub.enabled) return;
    if (!event || now - row.createdAt > settings.maxAgeMs) {
      store.recordAttempt(row, { at: now, status: null, ms: 0, ok: false, error: event ? 'expired: older than webhooks.maxAge' : 'event no longer stored' }, { outboxState: 'expired', nextAt: now, pausedUntil: sub.pausedUntil });
      return;
    }
    const body = JSON.stringify(eventJson(event));
    const ts = Math.floor(now / 1000);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const r = await fetch(sub.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Outpost-Webhooks/1',
          'outpost-signature': sign(store.secretOf(sub.id), ts, body),
          'outpost-event-id': String(event.id),
          'outpost-event-type': event.type,
          'outpost-webhook-id': sub.id,
          'outpost-delivery-attempt': String(row.attempts + 1),
        },
        body,
      });
      status = r.status;
      await r.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      error = err.name === 'TimeoutError' ? `timeout after ${settings.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    const ms = Date.now() - started;
    const at = clock.now();
    const ok = error === null;
    this.d.onAttempt?.(ok, ms);
    if (ok) {
      store.recordAttempt(row, { at, status, ms, ok, error }, { outboxState: 'delivered', nextAt: at, pausedUntil: 0 });
      return;
    }
    const failures = sub.failures + 1;
    const failingSince = sub.failingSince ?? at;
    const wait = this.backoff(failures);
    const disable =
      failures >= settings.disableAfterFailures && at - failingSince >= settings.disableAfterWindowMs
        ? `disabled after ${failures} consecutive failed deliveries since ${new Date(failingSince).toISOString()} (last: ${error})`
        : undefined;
    store.recordAttempt(row, { at, status, ms, ok, error }, { outboxState: 'pending', nextAt: at + wait, pausedUntil: at + wait, ...(disable ? { disable } : {}) });
    if (disable) {
      this.d.log.warn({ webhook: sub.id, tenant: sub.tenantId, failures }, 'webhooks: subscription disabled after persistent failures');
      this.d.emit?.({ type: 'alert', at, ...(sub.tenantId ? { tenantId: sub.tenantId } : {}), data: { kind: 'webhook-disabled', webhook: sub.id, failures, reason: disable } });
    }
  }

  /** Stops picking new deliveries and waits (up to `graceMs`) for those in flight. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.race([Promise.all([...this.running]), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}
