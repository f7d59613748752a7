/**
 * Prometheus metrics for one gateway (prom-client, a registry of its own so
 * several gateways in one process — tests — do not mix). Almost everything is
 * fed from the platform event bus, so the mail path pays nothing beyond the
 * events it already emits; queue depth/age and the webhook backlog are
 * sampled on a timer (index range scans over open work only, never a scan of
 * the spool's history) and a scrape only reads the last sample.
 * Labels are bounded: pool and IP come from the configuration, outcome/state/
 * class/type from fixed lists, route from the router table. No tenant label.
 * docs/metrics.md lists every metric with its label cardinality.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PlatformEvent } from '../events/bus.js';
import type { QueueGauges } from '../admin/queue-search.js';

export interface MetricsSources {
  readonly queue: () => QueueGauges;
  readonly webhookBacklog: () => number;
  readonly eventBuffer: () => number;
  /** Tenants enabled and disabled (sampled: one GROUP BY over the tenants table). */
  readonly tenantCounts: () => { enabled: number; disabled: number };
  readonly now: () => number;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly received;
  private readonly routed;
  private readonly scanned;
  private readonly scanSeconds;
  private readonly delivery;
  private readonly incidents;
  private readonly events;
  private readonly queueMessages;
  private readonly queueOldest;
  private readonly jobs;
  private readonly webhookBacklog;
  private readonly webhookAttempts;
  private readonly webhookSeconds;
  private readonly eventBuffer: Gauge;
  private readonly tenants;
  private readonly standing;
  private readonly listed;
  private readonly http;
  private readonly tenantState = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly src: MetricsSources) {
    const r = this.registry;
    // The event-loop lag histogram samples every 50 ms, not prom-client's 10: a timer every 10 ms woke an idle
    // gateway's main thread 100 times a second (each wake-up costs 60–100 µs of CPU on a virtual machine).
    collectDefaultMetrics({ register: r, prefix: 'outpost_', eventLoopMonitoringPrecision: 50 });
    this.received = new Counter({ name: 'outpost_messages_received_total', help: 'Messages accepted and stored, by source (smtp, http, bounce, alert)', labelNames: ['source'], registers: [r] });
    this.routed = new Counter({ name: 'outpost_messages_routed_total', help: 'Processing decisions, by route (deliver, quarantine, reject, drop)', labelNames: ['route'], registers: [r] });
    this.scanned = new Counter({ name: 'outpost_scanner_verdicts_total', help: 'Scanner verdicts by class', labelNames: ['class'], registers: [r] });
    this.scanSeconds = new Histogram({ name: 'outpost_processing_seconds', help: 'Time to decide one message (scan and policy; signing excluded)', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [r] });
    this.delivery = new Counter({ name: 'outpost_delivery_recipients_total', help: 'Recipient outcomes of delivery attempts, by pool, source IP and outcome (delivered, deferred, failed, expired)', labelNames: ['pool', 'ip', 'outcome'], registers: [r] });
    this.incidents = new Counter({ name: 'outpost_delivery_incidents_total', help: 'Attempts that paused an (IP, destination): slow-down or ip-blocked', labelNames: ['pool', 'ip', 'kind'], registers: [r] });
    this.events = new Counter({ name: 'outpost_events_total', help: 'Platform events by type', labelNames: ['type'], registers: [r] });
    this.queueMessages = new Gauge({ name: 'outpost_queue_messages', help: 'Messages not finished, by state (sampled)', labelNames: ['state'], registers: [r] });
    this.queueOldest = new Gauge({ name: 'outpost_queue_oldest_age_seconds', help: 'Age of the oldest message in each unfinished state (sampled; 0 when none)', labelNames: ['state'], registers: [r] });
    this.jobs = new Gauge({ name: 'outpost_queue_jobs', help: 'Delivery jobs queued or in flight (sampled)', labelNames: ['state'], registers: [r] });
    this.webhookBacklog = new Gauge({ name: 'outpost_webhook_backlog', help: 'Webhook deliveries pending in the outbox (sampled)', registers: [r] });
    this.webhookAttempts = new Counter({ name: 'outpost_webhook_attempts_total', help: 'Webhook HTTP attempts by outcome (ok, failed)', labelNames: ['outcome'], registers: [r] });
    this.webhookSeconds = new Histogram({ name: 'outpost_webhook_attempt_seconds', help: 'Duration of webhook HTTP attempts', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [r] });
    this.eventBuffer = new Gauge({ name: 'outpost_event_store_buffered', help: 'Events waiting to be written to the event store', registers: [r], collect: (): void => {
      this.eventBuffer.set(this.src.eventBuffer());
    } });
    this.tenants = new Gauge({ name: 'outpost_tenants', help: 'Tenants by account state (enabled, disabled; sampled)', labelNames: ['state'], registers: [r] });
    this.standing = new Gauge({ name: 'outpost_tenant_standing', help: 'Tenants by their last reported standing (from tenant-state-changed events)', labelNames: ['state'], registers: [r] });
    this.listed = new Gauge({ name: 'outpost_ip_listed', help: '1 while an IP is listed on a DNSBL zone (from ip-listed / ip-delisted events)', labelNames: ['ip', 'zone'], registers: [r] });
    this.http = new Counter({ name: 'outpost_http_requests_total', help: 'HTTP API requests by route pattern and status', labelNames: ['route', 'status'], registers: [r] });
  }

  /** Starts sampling the queue and the webhook outbox every `intervalMs`. */
  start(intervalMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sample(): void {
    const q = this.src.queue();
    const now = this.src.now();
    for (const [state, v] of Object.entries(q.states)) {
      this.queueMessages.set({ state }, v.count);
      this.queueOldest.set({ state }, v.oldest === null ? 0 : Math.max(0, (now - v.oldest) / 1000));
    }
    this.jobs.set({ state: 'queued' }, q.jobsQueued);
    this.jobs.set({ state: 'inflight' }, q.jobsInflight);
    this.webhookBacklog.set(this.src.webhookBacklog());
    const t = this.src.tenantCounts();
    this.tenants.set({ state: 'enabled' }, t.enabled);
    this.tenants.set({ state: 'disabled' }, t.disabled);
  }

  private updateTenants(): void {
    const counts = new Map<string, number>();
    for (const s of this.tenantState.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    this.standing.reset();
    for (const [s, n] of counts) this.standing.set({ state: s }, n);
  }

  /** The bus listener. */
  onEvent(e: PlatformEvent): void {
    this.events.inc({ type: e.type });
    const d = e.data;
    switch (e.type) {
      case 'received':
        this.received.inc({ source: String(d['source'] ?? 'unknown') });
        break;
      case 'scanned':
        this.scanned.inc({ class: String(d['class'] ?? 'unknown') });
        break;
      case 'routed':
        this.routed.inc({ route: String(d['route'] ?? 'unknown') });
        break;
      case 'quarantined':
        this.routed.inc({ route: 'quarantine' });
        break;
      case 'delivered':
      case 'deferred':
      case 'bounced': {
        const pool = String(d['pool'] ?? '');
        const ip = String(d['ip'] ?? '');
        for (const r of (d['recipients'] as Array<{ state?: string }> | undefined) ?? []) this.delivery.inc({ pool, ip, outcome: String(r.state ?? e.type) });
        if (typeof d['incident'] === 'string') this.incidents.inc({ pool, ip, kind: d['incident'] });
        break;
      }
      case 'tenant-state-changed': {
        const state = d['state'] ?? d['to'];
        if (e.tenantId && typeof state === 'string') {
          this.tenantState.set(e.tenantId, state);
          this.updateTenants();
        }
        break;
      }
      case 'ip-listed':
      case 'ip-delisted':
        if (typeof d['ip'] === 'string') this.listed.set({ ip: d['ip'], zone: String(d['zone'] ?? '') }, e.type === 'ip-listed' ? 1 : 0);
        break;
      default:
        break;
    }
  }

  observeProcessing(seconds: number): void {
    this.scanSeconds.observe(seconds);
  }

  observeWebhook(ok: boolean, ms: number): void {
    this.webhookAttempts.inc({ outcome: ok ? 'ok' : 'failed' });
    this.webhookSeconds.observe(ms / 1000);
  }

  observeHttp(route: string, status: number): void {
    this.http.inc({ route, status: String(status) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
