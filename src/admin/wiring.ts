/**
 * The gateway's operations layer, opened next to the mail path: the event
 * store (every bus event persisted), webhooks (outbox written with each event
 * batch, dispatcher on its own timers), Prometheus metrics, the queue search
 * connection and operator tokens, plus the three observers that turn mail
 * path hooks into platform events (events/mail-events.ts). gateway.ts calls
 * this once; the HTTP API gets its services from api().
 *
 * Nothing here runs inside the mail path except emit(): observers build an
 * event object and push it onto the event store's in-memory buffer.
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import type { AttemptObservation } from '../delivery/engine.js';
import type { EventBus } from '../events/bus.js';
import { attemptEvents, receivedEvent, routedEvents } from '../events/mail-events.js';
import { EventStore } from '../events/store.js';
import { ThreadedEventStore } from '../events/store-threaded.js';
import type { ApiServices } from '../ingress/http/services.js';
import type { Logger } from '../log/logger.js';
import { GatewayMetrics } from '../metrics/metrics.js';
import type { Decider } from '../pipeline/processor.js';
import type { IncomingMessage, RouteDecision } from '../spool/spool.js';
import type { TenantStore } from '../tenants/store.js';
import { ConsoleStats } from '../stats/service.js';
import { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { WebhookStore } from '../webhooks/store.js';
import { OperatorTokens } from './operator-tokens.js';
import { QueueSearch } from './queue-search.js';
import { QuarantineAdmin } from '../quarantine/admin.js';
import { openSpoolDb } from '../spool/sqlite/open.js';

export interface OperationsOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly state: Db;
  readonly tenants: TenantStore;
  readonly spoolFile: string;
}

export interface Operations {
  readonly eventStore: ThreadedEventStore;
  readonly webhooks: WebhookStore;
  readonly dispatcher: WebhookDispatcher;
  readonly metrics: GatewayMetrics | undefined;
  readonly queue: QueueSearch;
  readonly quarantine: QuarantineAdmin;
  readonly operators: OperatorTokens;
  /** The web console's series and tenants overview (stats/service.ts). */
  readonly stats: ConsoleStats;
  /** cleanup hand-off: a message was stored. */
  received(m: IncomingMessage): void;
  /** Processor observe hook. */
  routed(m: IncomingMessage, d: RouteDecision): void;
  /** DeliveryDeps.observe. */
  attempted(o: AttemptObservation): void;
  /** Wraps the route decider to time it (outpost_processing_seconds). */
  timed(d: Decider): Decider;
  /** HTTP server hook: one finished request. */
  onHttp(route: string | undefined, status: number): void;
  api(o: Pick<ApiServices, 'spool' | 'submit' | 'pools' | 'dkim' | 'kickDelivery' | 'reputationReport' | 'ipHealth' | 'policies' | 'limitStore' | 'suppressions' | 'reports' | 'reputation'>): ApiServices;
  start(): void;
  /** Stops the dispatcher (waiting up to graceMs), flushes and closes the event store and the queue connection. */
  stop(graceMs: number): Promise<void>;
}

export function openOperations(o: OperationsOptions): Operations {
  const { config, clock, log, bus } = o;
  const eventStore = new ThreadedEventStore(EventStore.fileIn(config.dataDir), clock, {
    retentionMs: config.events.retention,
    flushIntervalMs: config.events.flushInterval,
    ...(config.platform.masterKey ? { masterKey: config.platform.masterKey } : {}),
    checkpoint: o.spoolFile, // the spool is opened with checkpoints: 'hosted' (gateway.ts)
    onError: (err) => log.error({ err }, 'event store: writing events failed (kept buffered, retried)'),
  });
  let queue: QueueSearch | undefined;
  let quarantine: QuarantineAdmin | undefined;
  try {
    const webhooks = new WebhookStore(eventStore.db, clock, config.platform.masterKey, () => eventStore.subscriptionsChanged());
    queue = new QueueSearch(o.spoolFile);
    quarantine = new QuarantineAdmin(openSpoolDb(o.spoolFile), clock);
    const operators = new OperatorTokens(o.state, clock);
    const w = config.webhooks;
    const metrics = config.metrics.enabled
      ? new GatewayMetrics({
          queue: () => queue!.gauges(),
          webhookBacklog: () => webhooks.pendingCount(),
          eventBuffer: () => eventStore.buffered,
          tenantCounts: () => {
            const rows = o.state.prepare('SELECT enabled, COUNT(*) AS n FROM tenants GROUP BY enabled').all() as Array<{ enabled: number; n: number }>;
            return { enabled: rows.find((r) => r.enabled === 1)?.n ?? 0, disabled: rows.find((r) => r.enabled === 0)?.n ?? 0 };
          },
          now: () => clock.now(),
        })
      : undefined;
    const dispatcher = new WebhookDispatcher({
      store: webhooks, events: eventStore, clock, log,
      settings: {
        timeoutMs: w.timeout, concurrency: w.concurrency, retryInitialMs: w.retryInitial, retryMaxMs: w.retryMax, maxAgeMs: w.maxAge,
        disableAfterFailures: w.disableAfter.failures, disableAfterWindowMs: w.disableAfter.window, logRetentionMs: w.logRetention,
      },
      emit: (e) => bus.emit(e),
      ...(metrics ? { onAttempt: (ok: boolean, ms: number) => metrics.observeWebhook(ok, ms) } : {}),
    });
    eventStore.afterCommit(() => dispatcher.kick());
    bus.on((e) => eventStore.append(e));
    if (metrics) bus.on((e) => metrics.onEvent(e));

    const q = queue;
    const stats = new ConsoleStats({
      eventsDb: eventStore.db, state: o.state, bus, clock,
      queueDepth: () => {
        const g = q.gauges();
        // Waiting or in progress; held (quarantined) mail has its own page.
        return { depth: Object.entries(g.states).reduce((n, [k, s]) => (k === 'quarantined' ? n : n + s.count), 0), queuedJobs: g.jobsQueued };
      },
      onError: (err) => log.error({ err }, 'console stats: sampling the queue failed'),
    });
    const qa = quarantine;
    return {
      eventStore, webhooks, dispatcher, metrics, queue: q, quarantine: qa, operators, stats,
      received: (m) => bus.emit(receivedEvent(m, clock.now())),
      routed: (m, d) => {
        for (const e of routedEvents(m, d, clock.now())) bus.emit(e);
      },
      attempted: (a) => {
        for (const e of attemptEvents(a)) bus.emit(e);
      },
      timed: (d) =>
        metrics
          ? async (m, body) => {
              const t0 = process.hrtime.bigint();
              try {
                return await d(m, body);
              } finally {
                metrics.observeProcessing(Number(process.hrtime.bigint() - t0) / 1e9);
              }
            }
          : d,
      onHttp: (route, status) => metrics?.observeHttp(route ?? 'unmatched', status),
      api: (x) => ({ config, clock, tenants: o.tenants, queue: q, quarantine: qa, events: eventStore, webhooks, operators, stats, ...(metrics ? { metrics } : {}), ...x }),
      start: () => {
        eventStore.start();
        dispatcher.start();
        metrics?.start(config.metrics.sampleInterval);
        stats.start();
      },
      stop: async (graceMs) => {
        metrics?.stop();
        stats.stop();
        await dispatcher.stop(graceMs);
        await eventStore.close();
        q.close();
        qa.close();
      },
    };
  } catch (e) {
    queue?.close();
    quarantine?.close();
    void eventStore.close();
    throw e;
  }
}
