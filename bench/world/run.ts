/**
 * One run of the world against the real gateway (in this process, through
 * startGateway, so its EventBus and ReputationSignals can be watched):
 *
 *   DNS server (MX records, the block-list zone) ─ receivers (one per
 *   provider) ─ tenant inbox (the tenants' own MX, catches the gateway's
 *   bounces) ─ feedback stand-in (only when nothing listens on the feedback
 *   address) ─ gateway (base config + scenario overlay + run overlay) ─
 *   tenants (created with the gateway's TenantStore) submitting the plan.
 *
 * After the sending phase it waits until the gateway's spool holds nothing
 * undelivered (or `drain` passes) and the providers' reports are sent, then
 * stops everything and leaves in `dir`: labels.jsonl (side channel),
 * receiver-<domain>.jsonl, submissions.jsonl, outbox.jsonl, events.jsonl
 * (gateway events), standing.jsonl (tenant standing changes), listings.json,
 * gateway-view.json (the gateway's state of honest mail that never arrived),
 * tenant-inbox.jsonl, feedback-standin.jsonl and meta.json.
 *
 * Addresses (prefix P = 127.X): gateway P.0.1, DNS P.0.53, tenant inbox
 * P.0.25, providers P.10.n, default pool P.1.n, high-risk pool P.2.n,
 * tenants submit from P.100+.n.
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/log/logger.js';
import { parseFeedback } from '../../src/feedback/index.js';
import { startDnsServer, type Zone } from '../../test/support/dns-server.js';
import { deepMerge } from '../../test/support/gateway.js';
import { startSink, type Sink } from '../../test/support/smtp-sink.js';
import { Blocklist, createDnsblLookup } from './blocklist.js';
import { composeMessage, type WorldCorpus } from './corpus.js';
import { LabelReader, LabelWriter } from './labels.js';
import { createOutbox, type OutboxEntry } from './outbox.js';
import type { Plan, Submission } from './plan.js';
import { startReceiver, type Receiver, type ReceiverLogEntry } from './receiver.js';
import type { Scenario } from './scenario.js';
import { TenantSubmitter, type SubmissionLogEntry } from './submitter.js';
import { JsonlLog } from './world-log.js';

export interface RunMeta {
  readonly run: string;
  readonly label: string;
  readonly startedAt: string;
  readonly sendingMs: number;
  readonly totalMs: number;
  readonly drained: boolean;
  readonly pools: { readonly default: string[]; readonly 'high-risk': string[] };
  readonly receivers: string[];
  readonly tenants: Plan['tenants'];
  /** Feedback went to the gateway's own intake (true) or to the world's stand-in (false). */
  readonly feedbackIntake: boolean;
  readonly gatewayConfig: unknown;
  /** The machine's 1-minute load average at the start and end of the run (this benchmark shares it). */
  readonly loadAverage: readonly [number, number];
  /** The gateway's spool at the end: messages and recipients by state. */
  readonly queueAtEnd: { readonly messages: Record<string, number>; readonly recipients: Record<string, number> };
}

/** Replaces ${name} placeholders in overlay strings; a string that is only a placeholder takes the value's type. */
export function substitute(v: unknown, vars: Record<string, string | number>): unknown {
  if (typeof v === 'string') {
    const whole = /^\$\{([a-zA-Z.]+)\}$/.exec(v);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return v.replace(/\$\{([a-zA-Z.]+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]));
  return v;
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function startReceiversOnOnePort(start: (host: string, port: number) => Promise<Receiver>, hosts: string[]): Promise<Receiver[]> {
  for (let tries = 0; ; tries++) {
    const first = await start(hosts[0]!, 0);
    const out = [first];
    try {
      for (const h of hosts.slice(1)) out.push(await start(h, first.port));
      return out;
    } catch (e) {
      await Promise.all(out.map((r) => r.close()));
      if (tries >= 5) throw e;
    }
  }
}

export async function runWorld(o: {
  scenario: Scenario;
  run: Scenario['runs'][number];
  plan: Plan;
  corpus: WorldCorpus;
  dir: string;
  progress?: (line: string) => void;
}): Promise<RunMeta> {
  const { scenario: s, run, plan, dir } = o;
  mkdirSync(dir, { recursive: true });
  const say = o.progress ?? (() => undefined);
  const P = `${s.network.prefix[0]}.${s.network.prefix[1]}`;
  const addr = (c: number, d: number): string => `${P}.${c}.${d}`;
  const defaultIps = Array.from({ length: s.network.defaultPoolIps }, (_, i) => addr(1, i + 1));
  const highRiskIps = Array.from({ length: s.network.highRiskPoolIps }, (_, i) => addr(2, i + 1));
  let t0 = performance.now();
  let t0Wall = Date.now();
  const now = (): number => Math.round(performance.now() - t0);
  const cleanup: Array<() => unknown> = [];
  const logs: Array<JsonlLog<never>> = [];
  const log = <T extends object>(name: string, tap?: (e: T) => void): JsonlLog<T> => {
    const l = new JsonlLog<T>(join(dir, name), tap);
    logs.push(l as unknown as JsonlLog<never>);
    return l;
  };

  try {
    // The side channel: every planned message's label, before anything is sent.
    const labelsFile = join(dir, 'labels.jsonl');
    writeFileSync(labelsFile, '');
    new LabelWriter(labelsFile).write(plan.submissions.map(({ mid, tenant, kind, spam, phase, rcpt, valid, at }) => ({ mid, tenant, kind, spam, phase, rcpt, valid, at })));
    const labels = new LabelReader(labelsFile);

    // DNS: providers' MX, tenants' MX (the tenant inbox), the platform's MX (the feedback intake).
    const zone: Zone = {};
    s.receivers.forEach((r, i) => {
      zone[r.domain] = { MX: [{ exchange: `mx.${r.domain}`, priority: 10 }], ttl: 60 };
      zone[`mx.${r.domain}`] = { A: [addr(10, i + 1)], ttl: 60 };
    });
    zone['inbox.tenants.world.test'] = { A: [addr(0, 25)], ttl: 60 };
    for (const t of plan.tenants) zone[t.domain] = { MX: [{ exchange: 'inbox.tenants.world.test', priority: 10 }], ttl: 60 };
    zone[s.platformDomain] = { MX: [{ exchange: `feedback.${s.platformDomain}`, priority: 10 }], ttl: 60 };
    zone[`feedback.${s.platformDomain}`] = { A: [s.feedback.host], ttl: 60 };
    const fblDomain = s.feedback.fblAddress.slice(s.feedback.fblAddress.lastIndexOf('@') + 1);
    if (!zone[fblDomain]) zone[fblDomain] = { MX: [{ exchange: `feedback.${s.platformDomain}`, priority: 10 }], ttl: 60 };
    const dns = await startDnsServer({ host: addr(0, 53), zone, ttl: 60, negativeTtl: 1 });
    cleanup.push(() => dns.close());
    const blocklist = new Blocklist(dns, s.blocklist.zone, s.blocklist.listFor, now);
    cleanup.push(() => blocklist.closeAll());

    // Providers, on one port (the gateway's delivery.port), and the tenants' inbox beside them.
    const receiverLogs = new Map<string, JsonlLog<ReceiverLogEntry>>();
    const arrived = new Set<string>();
    let receiverPort = 0;
    const portFor = (a: string): number => (a === s.feedback.host ? s.feedback.port : receiverPort);
    const outbox = createOutbox({ dnsServer: dns.server, portFor, now, log: log<OutboxEntry>('outbox.jsonl') });
    cleanup.push(() => outbox.close());
    const lookup = createDnsblLookup(dns.server, s.blocklist.zone, 1000);
    const receivers = await startReceiversOnOnePort(
      (host, port) => {
        const spec = s.receivers[Number(host.split('.')[3]) - 1]!;
        let l = receiverLogs.get(spec.domain);
        if (!l) receiverLogs.set(spec.domain, (l = log<ReceiverLogEntry>(`receiver-${spec.domain}.jsonl`, (e) => { if (e.mid && (e.ev === 'accepted' || e.ev === 'accepted-unknown')) arrived.add(e.mid); })));
        return startReceiver({ spec, host, port, seed: s.seed, labels, blocklist, isListed: lookup, now, log: l, fblAddress: s.feedback.fblAddress, send: (r, d) => outbox.send(r, d) });
      },
      s.receivers.map((_, i) => addr(10, i + 1)),
    );
    cleanup.push(() => Promise.all(receivers.map((r) => r.close())));
    receiverPort = receivers[0]!.port;
    const inboxLog = log<Record<string, unknown>>('tenant-inbox.jsonl');
    const inbox: Sink = await startSink({
      host: addr(0, 25), port: receiverPort, keepRaw: true,
      behaviour: async (ctx) => {
        if (ctx.phase === 'data' && ctx.raw) {
          const f = await parseFeedback(ctx.raw);
          inboxLog.write({ t: now(), from: ctx.mailFrom, to: ctx.rcptTo, ip: ctx.connection.remoteAddress, kind: f.kind, rcpts: f.recipients.map((r) => r.rcpt) });
          inbox.messages.length = 0;
        }
        return undefined;
      },
    });
    cleanup.push(() => inbox.close());

    // The gateway: base configuration, then the scenario's overlay, then the run's.
    const vars = {
      'feedback.host': s.feedback.host, 'feedback.port': s.feedback.port, 'feedback.address': `${s.feedback.host}:${s.feedback.port}`,
      'fbl.address': s.feedback.fblAddress, 'dns.server': dns.server, 'blocklist.zone': s.blocklist.zone, 'platform.domain': s.platformDomain,
    };
    const base = {
      dataDir: join(dir, 'gateway-data'),
      log: { level: 'warn' },
      platform: { hostname: `mta.${s.platformDomain}`, domain: s.platformDomain },
      smtp: { listen: [{ host: addr(0, 1), port: 0, tls: 'starttls' }], allowPlainAuthOnLoopback: true, maxConnectionsPerIp: 20, maxConnectionsPerTenant: 10 },
      http: { listen: { host: addr(0, 1), port: 0 } },
      dns: { servers: [dns.server], timeout: '1s' },
      pools: {
        default: { ips: defaultIps.map((ip, i) => ({ ip, helo: `mta${i + 1}.${s.platformDomain}` })), maxConnectionsPerDestination: 2 },
        'high-risk': { ips: highRiskIps.map((ip, i) => ({ ip, helo: `hr${i + 1}.${s.platformDomain}` })), maxConnectionsPerDestination: 2 },
      },
      delivery: {
        port: receiverPort, retrySchedule: ['2s', '4s', '8s', '15s'], maxQueueAge: '60s', delayWarningAfter: 0,
        slowDownInitial: '2s', slowDownMax: '16s', connectTimeout: '5s', commandTimeout: '30s', idleConnectionTime: '1s', shutdownGrace: '2s',
      },
    };
    const merged = deepMerge(deepMerge(base, substitute(s.gateway, vars) as Record<string, unknown>), substitute(run.gateway, vars) as Record<string, unknown>);
    const config = parseConfig(merged, `scenario ${s.name}, run ${run.name}: gateway`);
    const gwLog = createWriteStream(join(dir, 'gateway.log'));
    cleanup.push(() => new Promise<void>((r) => gwLog.end(() => r())));
    const gw: Gateway = await startGateway({ config, log: createLogger(config.log.level, gwLog) });
    let gwStopped = false;
    cleanup.push(() => (gwStopped ? undefined : gw.stop()));
    const events = log<Record<string, unknown>>('events.jsonl');
    cleanup.push(gw.events.on((e) => events.write({ t: e.at - t0Wall, ...e })));

    const creds = new Map<string, { user: string; pass: string }>();
    for (const t of plan.tenants) {
      gw.tenants.add(t.id, [t.domain]);
      const c = await gw.tenants.newSmtpPassword(t.id);
      creds.set(t.id, { user: c.username, pass: c.password });
    }

    // Feedback: the gateway's intake when it listens there, else a stand-in that only records.
    const feedbackIntake = await listening(s.feedback.host, s.feedback.port);
    if (!feedbackIntake) {
      const standinLog = log<Record<string, unknown>>('feedback-standin.jsonl');
      const standin = await startSink({
        host: s.feedback.host, port: s.feedback.port, keepRaw: true,
        behaviour: async (ctx) => {
          if (ctx.phase === 'data' && ctx.raw) {
            const f = await parseFeedback(ctx.raw);
            standinLog.write({ t: now(), to: ctx.rcptTo, kind: f.kind, format: f.format, rcpts: f.recipients.map((r) => r.rcpt), returnPath: f.original?.returnPath, mid: f.original?.messageId });
            standin.messages.length = 0;
          }
          return undefined;
        },
      });
      cleanup.push(() => standin.close());
    }
    say(`  ${run.name}: gateway up (smtp ${addr(0, 1)}:${gw.smtpAddresses[0]!.port}), ${receivers.length} providers on port ${receiverPort}, feedback → ${feedbackIntake ? 'gateway intake' : 'world stand-in'}`);

    // Standing as the gateway reports it (ReputationSignals.standing), polled.
    const standingLog = log<Record<string, unknown>>('standing.jsonl');
    const standing = new Map(plan.tenants.map((t) => [t.id, 'normal']));
    const poll = setInterval(() => {
      for (const t of plan.tenants) {
        const st = gw.reputation.standing(t.id);
        if (st !== standing.get(t.id)) {
          standingLog.write({ t: now(), tenant: t.id, from: standing.get(t.id), to: st });
          standing.set(t.id, st);
        }
      }
    }, 250);
    cleanup.push(() => clearInterval(poll));

    // Submitters and the schedule.
    const subLog = log<SubmissionLogEntry>('submissions.jsonl');
    const accepted = new Map<string, string>();
    subLog.write = ((orig) => (e: SubmissionLogEntry) => {
      if (e.result === 'accepted' && e.gid) accepted.set(e.mid, e.gid);
      orig(e);
    })(subLog.write.bind(subLog));
    const byTenant = new Map(plan.tenants.map((t) => [t.id, t]));
    const baseDate = Date.UTC(2026, 0, 5, 9, 0, 0);
    let unsettled = plan.submissions.length;
    let allSettled: () => void = () => undefined;
    const settledP = new Promise<void>((r) => (allSettled = r));
    const compose = (x: Submission): Buffer => {
      const t = byTenant.get(x.tenant)!;
      const list = o.corpus.groups.get(x.group)!;
      const extra = x.bulk
        ? [`List-Id: Weekly news ${t.listId}`, `List-Unsubscribe: <https://${t.domain}/u/${x.seq}>, <mailto:unsubscribe@${t.domain}?subject=${x.seq}>`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'Precedence: bulk']
        : [];
      return composeMessage(list[x.index % list.length]!, { from: t.from, to: x.rcpt, messageId: x.mid, date: new Date(baseDate + x.at), extra });
    };
    const submitters = new Map<string, TenantSubmitter>();
    plan.tenants.forEach((t, i) => {
      const c = creds.get(t.id)!;
      submitters.set(t.id, new TenantSubmitter({
        host: addr(0, 1), port: gw.smtpAddresses[0]!.port, tenant: t, user: c.user, pass: c.pass,
        localAddress: `${P}.${100 + Math.floor(i / 200)}.${(i % 200) + 1}`,
        retries: s.submission.retries, retryDelay: s.submission.retryDelay, now, log: subLog, compose,
        settled: () => {
          if (--unsettled === 0) allSettled();
        },
      }));
    });
    cleanup.push(() => submitters.forEach((x) => x.stop()));

    const loadStart = loadavg()[0]!;
    t0 = performance.now();
    t0Wall = Date.now();
    const startedAt = new Date(t0Wall).toISOString();
    let next = 0;
    const subs = plan.submissions;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const t = now();
        while (next < subs.length && subs[next]!.at <= t) {
          const x = subs[next++]!;
          submitters.get(x.tenant)!.submit(x);
        }
        if (next >= subs.length) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    await Promise.race([settledP, new Promise((r) => setTimeout(r, Math.max(0, s.duration - now()) + s.drain))]);
    const sendingMs = now();
    say(`  ${run.name}: sending done at ${(sendingMs / 1000).toFixed(1)} s (${plan.submissions.length - unsettled}/${plan.submissions.length} submissions settled); draining`);

    // Drain: until the spool holds nothing undelivered, or the drain time is up.
    const deadline = Math.max(s.duration, sendingMs) + s.drain;
    let drained = false;
    while (now() < deadline) {
      const c = await gw.spool.counts();
      const open = (c.messages['incoming'] ?? 0) + (c.messages['processing'] ?? 0) + (c.messages['active'] ?? 0);
      if (open === 0 && unsettled === 0) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await outbox.flush(5000);
    const totalMs = now();

    // The gateway's own state of honest mail that never reached a provider (for "quarantined").
    const view: Record<string, Record<string, number>> = {};
    for (const x of subs) {
      if (x.spam || !x.valid || arrived.has(x.mid)) continue;
      const gid = accepted.get(x.mid);
      if (!gid) continue;
      const m = await gw.spool.getMessage(gid);
      const st = m?.state ?? 'unknown';
      (view[x.tenant] ??= {})[st] = (view[x.tenant]![st] ?? 0) + 1;
    }
    writeFileSync(join(dir, 'gateway-view.json'), JSON.stringify(view, null, 1));
    const endCounts = await gw.spool.counts();
    say(`  ${run.name}: ${drained ? 'drained' : 'drain time up'} at ${(totalMs / 1000).toFixed(1)} s; stopping`);

    submitters.forEach((x) => x.stop());
    gwStopped = true;
    await gw.stop();
    blocklist.closeAll();
    writeFileSync(join(dir, 'listings.json'), JSON.stringify(blocklist.history, null, 1));
    const meta: RunMeta = {
      run: run.name, label: run.label ?? run.name, startedAt, sendingMs, totalMs, drained,
      pools: { default: defaultIps, 'high-risk': highRiskIps }, receivers: s.receivers.map((r) => r.domain), tenants: plan.tenants,
      feedbackIntake, gatewayConfig: { ...merged, dataDir: undefined },
      loadAverage: [Math.round(loadStart * 10) / 10, Math.round(loadavg()[0]! * 10) / 10],
      queueAtEnd: { messages: { ...endCounts.messages }, recipients: { ...endCounts.recipients } },
    };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
    return meta;
  } finally {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => undefined);
    await Promise.all(logs.map((l) => l.close()));
  }
}
