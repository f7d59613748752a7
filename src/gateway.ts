/**
 * The gateway process: opens the stores, wires the stages together and starts
 * the listeners. This is the only place that knows every component; stages
 * receive what they need as arguments (no singletons).
 *
 *   SMTP/HTTP ingress → cleanup → spool → processor (scan/policy/sign) → delivery engine
 *
 * Signing wraps whichever decider is in use (pipeline/sign-decider.ts); the
 * platform DKIM key is generated on the first start (its TXT record logged).
 *
 * stop() closes listeners first: new connections are refused and open SMTP
 * sessions get 421 to their next command, except a message already in DATA,
 * which is finished (stored and answered). Deliveries in flight finish within
 * the grace period; then the stores close. Anything not finished is still in
 * the spool for the next start. If start fails half-way, what was opened is
 * closed again (no thread keeps the process alive).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { SMTPServer } from 'smtp-server';
import { createCleanup, type Cleanup } from './cleanup/cleanup.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './config/schema.js';
import { openSqlite, type Db } from './db/sqlite.js';
import { capHeapGrowth } from './core/heap.js';
import { createHttpServer } from './ingress/http/server.js';
import { buildRouter } from './ingress/http/routes.js';
import { loadConsole } from './console/serve.js';
import { createSubmissionServer, createSubmissionShared } from './ingress/smtp/server.js';
import { createLogger, type Logger } from './log/logger.js';
import { OFFER_BYTES, Processor, type Decider } from './pipeline/processor.js';
import { FlowGate } from './ingress/flow.js';
import { SqliteSpool } from './spool/sqlite/sqlite-spool.js';
import { ThreadedSqliteSpool } from './spool/sqlite/threaded-spool.js';
import type { Spool } from './spool/spool.js';
import { TenantStore } from './tenants/store.js';
import { loadOrCreateTls } from './tls/certificates.js';
import { DeliveryEngine, type AttemptObservation } from './delivery/engine.js';
import { PoolRegistry } from './pools/registry.js';
import { buildDeliveryDeps, dnsServers } from './delivery/wiring.js';
import type { ScannerOptions } from './scan/index.js';
import { buildPolicyStage, type PolicyStage } from './policy/wiring.js';
import { TenantLimits } from './limits/check.js';
import { LimitStore } from './limits/store.js';
import { withSigning } from './pipeline/sign-decider.js';
import { DkimKeyStore, type SigningKey } from './sign/index.js';
import { createSignAhead } from './pipeline/sign-ahead.js';
import { createStagePool, type StagePool } from './pipeline/stage-pool.js';
import { EventBus } from './events/bus.js';
import type { ReputationSignals } from './reputation/signals.js';
import { wireReputation } from './reputation/wiring.js';
import { reputationReport } from './reputation/report.js';
import { ReputationStore } from './reputation/store.js';
import { startFeedback, type FeedbackHandle } from './feedback/gateway-part.js';
import { openOperations, type Operations } from './admin/wiring.js';
import { openIpHealth, type IpHealth } from './pools/ip-health.js';
import { blockedReplyObserver } from './pools/blocked-observer.js';
import { createDnsblMonitor } from './dnsbl/wiring.js';
import type { DnsblMonitor } from './dnsbl/monitor.js';

function scannerOptions(config: Config): ScannerOptions {
  const s = config.scan;
  return {
    maxTextLength: s.maxTextLength,
    ...(s.thresholds ? { thresholds: s.thresholds } : {}),
    ...(s.weights ? { weights: s.weights as ScannerOptions['weights'] } : {}),
    ...(s.uriBlocklistZones.length > 0 ? { uriBlocklist: { zones: s.uriBlocklistZones, servers: dnsServers(config), timeoutMs: Math.min(config.dns.timeout, 1000) } } : {}),
  };
}

export interface GatewayOptions {
  readonly config: Config;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Replace the processing decision (tests, later stages). */
  readonly decide?: Decider;
  /** Replace the reputation engine (tests). */
  readonly reputation?: ReputationSignals;
}

export interface Gateway {
  readonly config: Config;
  readonly spool: Spool;
  readonly tenants: TenantStore;
  readonly pools: PoolRegistry;
  readonly dkimKeys: DkimKeyStore;
  readonly cleanup: Cleanup;
  readonly engine: DeliveryEngine;
  /** The platform event stream (events/bus.ts). */
  readonly events: EventBus;
  /** What the mail path tells the reputation engine (reputation/signals.ts). */
  readonly reputation: ReputationSignals;
  /** Routing by policy (decider stats, tenant overrides) and the quarantine sweeper (src/policy, src/quarantine). */
  readonly policy: PolicyStage;
  /** Tenant sending limits, the admission check cleanup runs (src/limits). */
  readonly limits: TenantLimits;
  /** Feedback intake, VERP and suppression lists (feedback/gateway-part.ts). */
  readonly feedback: FeedbackHandle;
  /** Event store, webhooks, metrics, operator tokens, queue search (admin/wiring.ts). */
  readonly ops: Operations;
  /** Own-IP health: incidents, warm-up, DNSBL zone health, and explain(ip) (pools/ip-health.ts). */
  readonly ipHealth: IpHealth;
  /** The DNSBL monitor; absent when no dnsbl.zones are configured. */
  readonly dnsbl: DnsblMonitor | undefined;
  /** Bound addresses, in config order (useful when a config port is 0). */
  readonly smtpAddresses: AddressInfo[];
  readonly httpAddress: AddressInfo;
  stop(): Promise<void>;
}

export function openStateDb(dataDir: string): Db {
  return openSqlite(join(dataDir, 'state.db'));
}

/** The spool for one-shot tools (CLI): in-process, no writer thread. */
export function openSpool(dataDir: string): SqliteSpool {
  return new SqliteSpool(join(dataDir, 'spool.db'));
}

function listen(server: { listen: (port: number, host: string, cb: () => void) => unknown; once: (ev: 'error', cb: (e: Error) => void) => unknown }, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Starts everything; if any step fails, what was already opened is closed again before the error is thrown. */
export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const undo: Array<() => unknown> = [];
  try {
    return await start(o, undo);
  } catch (e) {
    for (const f of undo.reverse()) await Promise.resolve(f()).catch(() => undefined);
    throw e;
  }
}

/** The platform's active DKIM key; generated (RSA-2048, selector platform.dkimSelector) when there is none. */
async function platformKey(keys: DkimKeyStore, config: Config, log: Logger): Promise<SigningKey> {
  const existing = keys.active(config.platform.domain);
  if (existing) return existing;
  const rec = await keys.generate(config.platform.domain, { selector: config.platform.dkimSelector, algo: 'rsa2048' });
  log.warn({ record: rec.recordName, type: 'TXT', value: rec.publicDnsValue, sealed: rec.sealed }, 'generated the platform DKIM key: publish this TXT record');
  return keys.active(config.platform.domain)!;
}

/**
 * The stage pool: scanning when scan.enabled (and no test decider replaces
 * it), signing when platform.signing. Threads: scan.threads, or
 * platform.signingThreads, or the larger of the two when it does both.
 */
async function startStagePool(config: Config, scanAllowed: boolean, keys: DkimKeyStore, clock: Clock, log: Logger): Promise<StagePool | undefined> {
  const scan = scanAllowed && config.scan.enabled;
  const sign = config.platform.signing;
  if (!scan && !sign) return undefined;
  const threads = Math.max(scan ? config.scan.threads : 0, sign ? config.platform.signingThreads : 0);
  return createStagePool({ threads, clock, ...(scan ? { scanner: scannerOptions(config) } : {}), ...(sign ? { signer: { platform: await platformKey(keys, config, log) } } : {}) });
}

async function start(o: GatewayOptions, undo: Array<() => unknown>): Promise<Gateway> {
  const { config } = o;
  const clock = o.clock ?? systemClock;
  const log = o.log ?? createLogger(config.log.level);
  capHeapGrowth(config.memory.heapGrowthPercent); // before the worker threads start: they inherit it
  const events = new EventBus((err, e) => log.error({ err, event: e.type }, 'event listener failed'));
  const state = openStateDb(config.dataDir);
  undo.push(() => state.close());
  // Reputation: standing at admission, high-risk-only/suspended routing, held deliveries (reputation/wiring.ts).
  const rep = wireReputation({ config, state, events, clock, log, ...(o.reputation ? { override: o.reputation } : {}) });
  undo.push(() => rep.stop());
  const reputation: ReputationSignals = rep.signals;
  // Its WAL checkpoints run on the event-store writer thread (openOperations below): one isolate fewer.
  const spool = await ThreadedSqliteSpool.open(join(config.dataDir, 'spool.db'), { maxBytes: config.spool.maxSizeMb * 1024 * 1024, checkpoints: 'hosted' });
  undo.push(() => spool.close());
  const recovered = await spool.recover();
  if (recovered.jobs + recovered.messages > 0) log.info(recovered, 'spool: recovered work from an unclean stop');
  const tenants = new TenantStore(state, clock);
  const pools = new PoolRegistry(state, config.pools, clock);
  const dkimKeys = new DkimKeyStore(state, clock, config.platform.masterKey);
  const ops = openOperations({ config, clock, log, bus: events, state, tenants, spoolFile: join(config.dataDir, 'spool.db') });
  undo.push(() => ops.stop(0));
  const tls = await loadOrCreateTls(config.dataDir, config.platform.hostname, config.tls);
  const feedback = startFeedback({ config, state, spool, tenants, dkimKeys, events, reputation, clock, log, tls });
  undo.push(() => feedback.close());

  // The processor takes new messages straight from cleanup (late-bound: the
  // engine's bouncer submits through cleanup, and the processor wakes the engine).
  let processor: Processor | undefined;
  const limitStore = new LimitStore(state);
  const limits = new TenantLimits({ config: config.limits, store: limitStore, clock, events });
  undo.push(() => limits.save());
  const cleanup = createCleanup({
    spool, clock, hostname: config.platform.hostname, ownsDomain: (t, d) => tenants.ownsDomain(t, d),
    handoff: (m, raw) => {
      ops.received(m);
      processor!.offer(m, raw);
    },
    // Standing first (a suspended tenant hears why), then suppression, then the sending limits (which count what passes).
    admission: [rep.admission, ...feedback.admission, limits],
  });
  const ipHealth = openIpHealth(state, config, clock, pools);
  const observeBlocked = blockedReplyObserver(ipHealth.incidents, events, log);
  const observeDelivery = (a: AttemptObservation): void => {
    rep.observeDelivery(a);
    feedback.observe(a);
    observeBlocked(a);
    ops.attempted(a);
  };
  const engine = new DeliveryEngine({
    ...buildDeliveryDeps({ config, spool, pools, cleanup, clock, log, observe: observeDelivery }),
    holdTenant: rep.holdTenant,
    warmup: ipHealth.warmup,
  });
  const dnsbl = createDnsblMonitor({ config, health: ipHealth, events, clock, log });
  undo.push(() => dnsbl?.stop());
  undo.push(() => ipHealth.warmup.stop());
  // One pool of worker threads scans and signs (pipeline/stage-pool.ts); tenant mail is signed in its scan's turn.
  const stage = await startStagePool(config, !o.decide, dkimKeys, clock, log);
  if (stage) undo.push(() => stage.close());
  const ahead = stage?.scanner && stage.signer ? createSignAhead(stage) : undefined;
  const scanner = ahead ? { scan: ahead.scan } : stage?.scanner;
  const policy = buildPolicyStage({ config, state, spool, cleanup, clock, log, events, ...(scanner ? { scanner } : {}) });
  // route (policy) → standing (high-risk-only / suspended) → suppression skips and VERP → signing
  const routeDecider = ops.timed(feedback.decider(rep.wrap(o.decide ?? policy.decider)));
  const decide = stage?.signer
    ? withSigning(routeDecider, {
        signer: stage.signer,
        tenantKey: (d) => dkimKeys.active(d),
        ownsDomain: (t, d) => tenants.ownsDomain(t, d),
        senderId: config.platform.senderId,
        ...feedback.cfbl,
        ...(ahead ? { ahead } : {}),
      })
    : routeDecider;
  // Ingress waits (MAIL FROM, HTTP submit) while processing is far behind: memory stays bounded (ingress/flow.ts).
  // The byte limit is where the processor stops keeping offered bodies in memory (they are read back from disk).
  const flow = new FlowGate({ backlog: () => processor?.backlog ?? { messages: 0, bytes: 0 }, maxBacklog: config.flowControl.maxBacklog, maxBacklogBytes: OFFER_BYTES, maxDelayMs: config.flowControl.maxDelay });
  processor = new Processor({
    spool, decide, clock, log, afterRoute: policy.afterRoute,
    onRouted: () => {
      engine.kick();
      flow.progress();
    },
    observe: (m, d) => {
      rep.observeScan(m, d);
      ops.routed(m, d);
    },
  });

  const shared = createSubmissionShared(config.smtp, clock);
  const smtpServers: SMTPServer[] = [];
  const smtpAddresses: AddressInfo[] = [];
  for (const l of config.smtp.listen) {
    const server = createSubmissionServer({
      hostname: config.platform.hostname, implicitTls: l.tls === 'implicit', tls, limits: config.smtp, shared, closeTimeout: config.delivery.shutdownGrace,
      authenticate: (u, p) => tenants.authenticateSmtp(u, p), cleanup, clock, log, flow,
    });
    await listen(server, l.port, l.host);
    undo.push(() => new Promise<void>((r) => server.close(() => r())));
    smtpServers.push(server);
    smtpAddresses.push(server.server.address() as AddressInfo);
  }
  const http: Server = createHttpServer(
    buildRouter(
      ops.api({
        spool, pools, kickDelivery: () => engine.kick(), ipHealth,
        policies: policy.store, limitStore, suppressions: feedback.suppressions, reports: feedback.reports, reputation: new ReputationStore(state),
        reputationReport: (t) => reputationReport({ db: state, config, clock, ...(rep.engine ? { engine: rep.engine } : {}) }, t),
        submit: { cleanup, maxBodyBytes: config.http.maxBodyBytes, maxMessageBytes: config.smtp.maxMessageBytes, maxRecipients: config.smtp.maxRecipients, flow },
        dkim: { keys: dkimKeys, tenants, platformDomain: config.platform.domain, now: () => clock.now() },
      }),
    ),
    log,
    (route, status) => ops.onHttp(route, status),
    config.http.console ? loadConsole() : undefined,
  );
  await listen(http, config.http.listen.port, config.http.listen.host);
  const httpAddress = http.address() as AddressInfo;

  await feedback.listen();
  processor.start();
  ipHealth.warmup.start();
  engine.start();
  policy.sweeper.start();
  rep.start(cleanup);
  ops.start();
  dnsbl?.start();
  log.info(
    { smtp: smtpAddresses.map((a) => `${a.address}:${a.port}`), http: `${httpAddress.address}:${httpAddress.port}`, dataDir: config.dataDir, selfSignedTls: tls.selfSigned },
    'outpost gateway started',
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      log.info('outpost gateway stopping');
      const closeSmtp = smtpServers.map((s) => new Promise<void>((r) => s.close(() => r())));
      http.close();
      http.closeIdleConnections();
      const closeFeedback = feedback.close();
      await processor.stop();
      await policy.sweeper.stop();
      await stage?.close();
      await engine.stop(config.delivery.shutdownGrace);
      await dnsbl?.stop();
      ipHealth.warmup.stop();
      await Promise.race([Promise.all(closeSmtp), new Promise((r) => setTimeout(r, config.delivery.shutdownGrace).unref())]);
      http.closeAllConnections();
      await closeFeedback;
      rep.stop();
      await ops.stop(config.webhooks.timeout);
      await spool.close();
      limits.save();
      state.close();
      log.info('outpost gateway stopped');
    })());

  return { config, spool, tenants, pools, dkimKeys, cleanup, engine, events, reputation, policy, limits, feedback, ops, ipHealth, dnsbl, smtpAddresses, httpAddress, stop };
}
