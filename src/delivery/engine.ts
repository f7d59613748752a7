/**
 * The delivery scheduler (Postfix's qmgr, in spirit): claims due jobs from the
 * spool fairly across tenants, keeps them in per-(pool, destination) queues,
 * and opens connections from the pool's IPs within the configured limits.
 * Each connection (see connection.ts) carries several messages in turn.
 *
 * Invariants:
 * - At most `maxReady` jobs are held in memory; the rest wait on disk, so
 *   memory stays flat however large the queue grows.
 * - Claiming is per tenant with an equal share per round, and each
 *   destination queue serves tenants round-robin: one tenant's backlog never
 *   starves another's mail.
 * - A destination that every in-rotation IP is paused for (slow down, blocked)
 *   gives its jobs back to the spool until the first pause ends.
 * - stop() gives waiting jobs back at once and lets open connections finish
 *   within the grace period; anything cut short is recovered on the next start.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { PoolIp, PoolRegistry } from '../pools/registry.js';
import type { WarmupGate } from '../pools/warmup.js';
import type { SmtpReply } from '../core/smtp-reply.js';
import type { DeliveryJob, RecipientOutcome, Spool } from '../spool/spool.js';
import type { ReplyClassifier, ReplyVerdict } from './attempt.js';
import { runConnection, type ConnectionContext } from './connection.js';
import { DestinationQueue } from './destination-queue.js';
import type { NextHop } from './next-hop.js';
import type { SmtpClientOptions, SmtpSession } from './smtp-client.js';
import { Throttles } from './throttles.js';
import type { Bouncer } from '../bounce/bouncer.js';

export interface DeliverySettings {
  /** When true the engine claims nothing: mail stays queued. */
  readonly hold: boolean;
  readonly retrySchedule: readonly number[];
  readonly maxQueueAge: number;
  readonly delayWarningAfter: number;
  readonly tls: { readonly mode: 'opportunistic' | 'required' | 'none'; readonly verify: boolean };
  readonly slowDownInitial: number;
  readonly slowDownMax: number;
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  readonly maxReady: number;
  readonly idleConnectionTime: number;
}

export interface DeliveryDeps {
  readonly spool: Spool;
  readonly clock: Clock;
  readonly log: Logger;
  readonly pools: PoolRegistry;
  readonly nextHop: { resolve(domain: string): Promise<NextHop> };
  readonly connect: (o: SmtpClientOptions) => Promise<SmtpSession>;
  readonly classify: ReplyClassifier;
  readonly bouncer: Bouncer;
  readonly settings: DeliverySettings;
  /**
   * Told of every recorded attempt, after the spool has it (reputation,
   * suppression, metrics). Must be cheap and must not throw.
   */
  readonly observe?: (o: AttemptObservation) => void;
  /**
   * A tenant whose mail must not be sent now (suspended): its jobs are not
   * claimed, and any already in memory go back to the spool untouched (held,
   * not lost; sent once this returns false again).
   */
  readonly holdTenant?: (tenantId: string) => boolean;
  /** Daily warm-up quotas of pool IPs (pools/warmup.ts): an IP out of quota is skipped like a busy one. */
  readonly warmup?: WarmupGate;
}

/** One recorded delivery attempt, as observers see it. */
export interface AttemptObservation {
  readonly job: DeliveryJob;
  readonly at: number;
  readonly ip?: string;
  /** Set when the attempt opened an IP incident or a pause. */
  readonly incident?: 'slow-down' | 'ip-blocked';
  readonly recipients: ReadonlyArray<{ readonly rcpt: string; readonly state: RecipientOutcome['state']; readonly reply: SmtpReply; readonly class?: ReplyVerdict; readonly rule?: string }>;
}

export class DeliveryEngine {
  private readonly queues = new Map<string, DestinationQueue>();
  private readonly ipConns = new Map<string, number>();
  private readonly pairConns = new Map<string, number>();
  private readonly connections = new Set<Promise<void>>();
  private readonly sessions = new Set<SmtpSession>();
  readonly throttles: Throttles;
  private ready = 0;
  private filling = false;
  private refill = false;
  private stopped = false;
  private rr = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly d: DeliveryDeps) {
    this.throttles = new Throttles(d.clock, d.settings.slowDownInitial, d.settings.slowDownMax);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.d.pools.refresh();
      this.kick();
    }, 1000);
    this.timer.unref();
    this.kick();
  }

  /** New or due work may exist: claim and dispatch. Coalesces concurrent calls. */
  kick(): void {
    if (this.stopped || this.d.settings.hold) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    this.fill()
      .catch((e: unknown) => this.d.log.error({ err: e }, 'delivery: claiming failed'))
      .finally(() => {
        this.filling = false;
        for (const q of this.queues.values()) this.dispatch(q);
        if (this.refill) {
          this.refill = false;
          this.kick();
        }
      });
  }

  private async fill(): Promise<void> {
    const max = this.d.settings.maxReady;
    while (!this.stopped && this.ready < max) {
      const now = this.d.clock.now();
      const tenants = await this.d.spool.dueTenants(now);
      if (tenants.length === 0) return;
      let room = max - this.ready;
      const share = Math.max(1, Math.floor(room / tenants.length));
      const start = this.rr++ % tenants.length;
      let got = 0;
      for (let i = 0; i < tenants.length && room > 0; i++) {
        const t = tenants[(start + i) % tenants.length]!;
        if (this.d.holdTenant?.(t)) continue;
        const jobs = await this.d.spool.claimDue(t, now, Math.min(share, room));
        if (this.stopped) {
          // stop() ran during the claim: give these back now rather than strand them in flight.
          await this.d.spool.release(jobs.map((j) => j.jobId), now).catch(() => undefined);
          return;
        }
        room -= jobs.length;
        got += jobs.length;
        for (const j of jobs) this.enqueue(j);
      }
      if (got === 0) return;
    }
  }

  private enqueue(job: DeliveryJob): void {
    const key = `${job.pool}|${job.domain}`;
    let q = this.queues.get(key);
    if (!q) {
      q = new DestinationQueue(job.pool, job.domain);
      this.queues.set(key, q);
    }
    q.add(job);
    this.ready++;
  }

  /** Opens connections for the queue while it has work and limits allow. */
  private dispatch(q: DestinationQueue): void {
    while (!this.stopped && q.length > q.active) {
      const pick = this.pickIp(q);
      if (pick.kind === 'busy') return;
      if (pick.kind === 'none') {
        this.giveBack(q, this.d.clock.now() + pick.retryIn, pick.why);
        return;
      }
      this.open(q, pick.ip);
    }
    if (q.length === 0 && q.active === 0) this.queues.delete(q.key);
  }

  private pickIp(q: DestinationQueue): { kind: 'ip'; ip: PoolIp } | { kind: 'busy' } | { kind: 'none'; retryIn: number; why: string } {
    if (!this.d.pools.has(q.pool)) return { kind: 'none', retryIn: 300_000, why: `no pool named ${q.pool}` };
    const limits = this.d.pools.settings(q.pool);
    const rotating = this.d.pools.inRotation(q.pool);
    if (rotating.length === 0) return { kind: 'none', retryIn: 60_000, why: `pool ${q.pool} has no IP in rotation` };
    // Warm-up: skip IPs whose quota left is already taken by their open connections (one message each in flight).
    const w = this.d.warmup;
    const ips = w ? rotating.filter((ip) => w.remaining(ip.ip) > (this.ipConns.get(ip.ip) ?? 0)) : rotating;
    if (ips.length === 0) {
      if (rotating.some((ip) => w!.remaining(ip.ip) > 0)) return { kind: 'busy' };
      return { kind: 'none', retryIn: w!.resetsIn(), why: `every IP in rotation of pool ${q.pool} has used its warm-up quota for today` };
    }
    let best: PoolIp | undefined;
    let bestLoad = Infinity;
    let minPause = Infinity;
    for (const ip of ips) {
      const paused = this.throttles.pausedFor(ip.ip, q.domain);
      if (paused > 0) {
        minPause = Math.min(minPause, paused);
        continue;
      }
      const pair = this.pairConns.get(`${ip.ip}|${q.domain}`) ?? 0;
      if ((this.ipConns.get(ip.ip) ?? 0) >= limits.maxConnectionsPerIp || pair >= limits.maxConnectionsPerDestination) continue;
      if (pair < bestLoad) {
        best = ip;
        bestLoad = pair;
      }
    }
    if (best) return { kind: 'ip', ip: best };
    if (minPause !== Infinity && minPause > 0 && ips.every((ip) => this.throttles.pausedFor(ip.ip, q.domain) > 0)) {
      return { kind: 'none', retryIn: minPause, why: `every IP of pool ${q.pool} is paused for ${q.domain}` };
    }
    return { kind: 'busy' };
  }

  /** Returns the queue's waiting jobs to the spool, due at `at`. */
  private giveBack(q: DestinationQueue, at: number, why: string): void {
    const jobs = q.drain();
    if (jobs.length === 0) return;
    this.ready -= jobs.length;
    this.d.log.info({ destination: q.domain, pool: q.pool, jobs: jobs.length, until: new Date(at).toISOString() }, `delivery: holding jobs: ${why}`);
    this.d.spool.release(jobs.map((j) => j.jobId), at).catch((e: unknown) => this.d.log.error({ err: e }, 'delivery: release failed'));
  }

  private bump(map: Map<string, number>, key: string, by: number): void {
    const n = (map.get(key) ?? 0) + by;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
  }

  private open(q: DestinationQueue, ip: PoolIp): void {
    const pairKey = `${ip.ip}|${q.domain}`;
    q.active++;
    this.bump(this.ipConns, ip.ip, 1);
    this.bump(this.pairConns, pairKey, 1);
    const ctx: ConnectionContext = {
      deps: this.d,
      throttles: this.throttles,
      queue: q,
      ip,
      perConnection: this.d.pools.settings(q.pool).messagesPerConnection,
      idleMs: this.d.settings.idleConnectionTime,
      ipInRotation: () => this.d.pools.inRotation(q.pool).some((x) => x.ip === ip.ip) && (this.d.warmup?.remaining(ip.ip) ?? 1) > 0,
      take: () => {
        for (;;) {
          if (this.stopped) return undefined;
          const j = q.take();
          if (!j) return undefined;
          this.ready--;
          if (!this.d.holdTenant?.(j.tenantId)) return j;
          this.d.spool.release([j.jobId], this.d.clock.now()).catch((e: unknown) => this.d.log.error({ err: e }, 'delivery: release failed'));
        }
      },
      track: (s) => this.sessions.add(s),
      untrack: (s) => this.sessions.delete(s),
    };
    const p = runConnection(ctx)
      .catch((e: unknown) => this.d.log.error({ err: e, destination: q.domain, ip: ip.ip }, 'delivery: connection failed unexpectedly'))
      .finally(() => {
        q.active--;
        this.bump(this.ipConns, ip.ip, -1);
        this.bump(this.pairConns, pairKey, -1);
        this.connections.delete(p);
        if (this.stopped) return;
        this.dispatch(q);
        if (this.ready < this.d.settings.maxReady / 2) this.kick();
      });
    this.connections.add(p);
  }

  async stop(graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const q of this.queues.values()) q.wakeAll();
    const waiting = [...this.queues.values()].flatMap((q) => q.drain());
    this.ready = 0;
    if (waiting.length > 0) await this.d.spool.release(waiting.map((j) => j.jobId), this.d.clock.now()).catch(() => undefined);
    const all = Promise.all([...this.connections]);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([all.then(() => 'done' as const), timeout])) === 'timeout') {
      this.d.log.warn({ connections: this.connections.size }, 'delivery: grace period over, closing connections; their messages retry after restart');
      for (const s of this.sessions) s.close();
      await Promise.race([all, new Promise((r) => setTimeout(r, 2000).unref())]);
    }
  }
}
