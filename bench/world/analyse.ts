/**
 * Turns one run's logs into the report's numbers. Delivery, listing and pool
 * figures come from the providers' own logs (and the block list's history);
 * the gateway's replies to the tenants (submissions.jsonl) and, when the
 * gateway has them, its tenant-state-changed events / standing give the
 * moment a bad tenant was contained. The gateway's own view is used for one
 * thing only: whether honest mail that never arrived was quarantined.
 *
 * Definitions (also in docs/world.md):
 *   honest tenants   transactional and newsletter tenants
 *   sent             honest messages to existing mailboxes (stale newsletter
 *                    addresses are counted apart)
 *   delivered        a provider answered 250 for it (any attempt)
 *   contained        first of: state throttled / high-risk-only / suspended
 *                    (event or standing), or a 4.7.x / 5.7.x / 535 reply to
 *                    the tenant's submission, at or after its bad start
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Label } from './labels.js';
import type { ReceiverLogEntry } from './receiver.js';
import type { RunMeta } from './run.js';
import type { SubmissionLogEntry } from './submitter.js';
import type { OutboxEntry } from './outbox.js';
import type { Listing } from './blocklist.js';
import { readJsonl } from './world-log.js';

const CONTAINED = new Set(['throttled', 'high-risk-only', 'suspended']);
const POLICY_REPLY = /^(4\d\d|5\d\d)[ -]?[45]\.7\.\d+|^535/;
const SUPPRESSED_REPLY = /suppression list/i;

export interface Bucket {
  readonly from: number;
  sent: number;
  delivered: number;
}

export interface BadTenantResult {
  readonly tenant: string;
  readonly kind: string;
  /** ms from the start. */
  readonly badFrom: number;
  /** Bad-phase messages the tenant tried / the gateway accepted. */
  readonly badPlanned: number;
  readonly badAccepted: number;
  readonly spamDeliveredDefault: number;
  readonly spamDeliveredHighRisk: number;
  readonly contained?: { readonly afterMs: number; readonly messages: number; readonly how: string };
  /** Last bad-phase message a provider accepted from a default-pool IP: ms after badFrom, and bad messages accepted by the gateway until then. */
  readonly lastDefault?: { readonly afterMs: number; readonly messages: number };
}

export interface RunResult {
  readonly meta: RunMeta;
  readonly honest: {
    readonly tenants: number;
    readonly sent: number;
    readonly delivered: number;
    readonly rate: number;
    readonly everDeferred: number;
    readonly everRejectedListed: number;
    readonly deliveredFromListed: number;
    readonly refusedAtSubmission: number;
    readonly neverArrived: number;
    readonly staleSent: number;
    /** Honest messages to a recipient after that recipient complained (not counted in `sent`). */
    readonly afterComplaint: number;
    readonly buckets: Bucket[];
  };
  readonly newsletters: { readonly seen: number; readonly viaHighRisk: number };
  readonly listings: {
    readonly defaultTotal: number;
    readonly perIp: Array<{ ip: string; pool: string; seconds: number; times: number; firstAt: number }>;
  };
  readonly spam: { readonly planned: number; readonly acceptedDefault: number; readonly acceptedHighRisk: number; readonly deferredOrRejected: number };
  readonly bad: BadTenantResult[];
  readonly honestHarm: {
    readonly throttled: string[];
    readonly refused: string[];
    /** Honest tenants with a submission refused because its recipient was on their suppression list. */
    readonly suppressedRecipients: string[];
    readonly stateChanged: Array<{ tenant: string; to: string }>;
    readonly quarantined: Array<{ tenant: string; messages: number }>;
    readonly routedHighRisk: Array<{ tenant: string; messages: number }>;
  };
  readonly feedback: { readonly arf: number; readonly dsn: number; readonly sentOk: number; readonly gatewayBounces: number; readonly providerDsnsToTenants: number };
  readonly receiverDeferrals: number;
  /** Submission: gateway reply time per attempt, and lag of the final 250 behind the plan (ms, p50/p95). */
  readonly submission: { readonly attemptP50: number; readonly attemptP95: number; readonly lagP50: number; readonly lagP95: number };
}

function pctl(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  return xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
}

function json<T>(file: string, fallback: T): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

export function analyseRun(dir: string, bucketMs: number): RunResult {
  const meta = json<RunMeta>(join(dir, 'meta.json'), undefined as unknown as RunMeta);
  const labels = readJsonl<Label>(join(dir, 'labels.jsonl'));
  const byMid = new Map(labels.map((l) => [l.mid, l]));
  const rcv: ReceiverLogEntry[] = meta.receivers.flatMap((d) => readJsonl<ReceiverLogEntry>(join(dir, `receiver-${d}.jsonl`)));
  const subs = readJsonl<SubmissionLogEntry>(join(dir, 'submissions.jsonl'));
  const outbox = readJsonl<OutboxEntry>(join(dir, 'outbox.jsonl'));
  const events = readJsonl<{ t: number; type: string; tenantId?: string; data?: Record<string, unknown> }>(join(dir, 'events.jsonl'));
  const standing = readJsonl<{ t: number; tenant: string; to: string }>(join(dir, 'standing.jsonl'));
  const listings = json<Listing[]>(join(dir, 'listings.json'), []);
  const view = json<Record<string, Record<string, number>>>(join(dir, 'gateway-view.json'), {});
  const inbox = readJsonl<Record<string, unknown>>(join(dir, 'tenant-inbox.jsonl'));
  const poolOf = (ip: string): string => (meta.pools.default.includes(ip) ? 'default' : meta.pools['high-risk'].includes(ip) ? 'high-risk' : 'other');
  const honestKind = (k?: string): boolean => k === 'transactional' || k === 'newsletter';

  // Per message: what the providers did.
  interface Fate { accepted: boolean; deferred: boolean; rejected: boolean; listedAtAccept: boolean; pools: Set<string>; acceptedPool?: string; acceptedAt?: number }
  const fate = new Map<string, Fate>();
  const f = (mid: string): Fate => {
    let x = fate.get(mid);
    if (!x) fate.set(mid, (x = { accepted: false, deferred: false, rejected: false, listedAtAccept: false, pools: new Set() }));
    return x;
  };
  for (const e of rcv) {
    if (!e.mid) continue;
    const x = f(e.mid);
    x.pools.add(poolOf(e.ip));
    if (e.ev === 'accepted' || e.ev === 'accepted-unknown') {
      if (!x.accepted) {
        x.acceptedPool = poolOf(e.ip);
        x.acceptedAt = e.t;
      }
      x.accepted = true;
      if (e.listed) x.listedAtAccept = true;
    } else if (e.ev === 'deferred') x.deferred = true;
    else if (e.ev === 'rejected-listed') x.rejected = true;
  }

  // Submissions: final outcome per message.
  const finalSub = new Map<string, SubmissionLogEntry>();
  for (const e of subs) if (e.result !== 'retry') finalSub.set(e.mid, e);

  // Honest delivery.
  const honestLabels = labels.filter((l) => honestKind(l.kind));
  // Recipients who complained (the providers' own ARF reports, by the complained message's label): honest mail
  // to them after their complaint is not counted as sent — not mailing a complainer again is the intended result.
  const complainedAt = new Map<string, number>();
  for (const e of outbox) {
    const rcpt = e.kind === 'arf' && e.ok && e.mid ? byMid.get(e.mid)?.rcpt : undefined;
    if (rcpt !== undefined && !(complainedAt.get(rcpt)! <= e.t)) complainedAt.set(rcpt, e.t);
  }
  const afterComplaint = honestLabels.filter((l) => l.valid && (complainedAt.get(l.rcpt) ?? Infinity) < l.at);
  const sentL = honestLabels.filter((l) => l.valid && !((complainedAt.get(l.rcpt) ?? Infinity) < l.at));
  const buckets: Bucket[] = [];
  const lastAt = labels.reduce((m, l) => Math.max(m, l.at), 0);
  for (let t = 0; t <= lastAt; t += bucketMs) buckets.push({ from: t, sent: 0, delivered: 0 });
  let delivered = 0, everDeferred = 0, everRejected = 0, fromListed = 0, refused = 0, never = 0;
  for (const l of sentL) {
    const x = fate.get(l.mid);
    const b = buckets[Math.min(buckets.length - 1, Math.floor(l.at / bucketMs))]!;
    b.sent++;
    if (x?.accepted) {
      delivered++;
      b.delivered++;
      if (x.listedAtAccept) fromListed++;
    }
    if (x?.deferred) everDeferred++;
    if (x?.rejected) everRejected++;
    const fs = finalSub.get(l.mid);
    if (!fs || fs.result !== 'accepted') refused++;
    else if (!x) never++;
  }
  while (buckets.length > 1 && buckets.at(-1)!.sent === 0) buckets.pop();

  // Newsletters through high-risk (by the IP the providers saw).
  let nlSeen = 0, nlHr = 0;
  for (const l of labels) {
    if (l.kind !== 'newsletter') continue;
    const x = fate.get(l.mid);
    if (!x) continue;
    nlSeen++;
    if (x.pools.has('high-risk')) nlHr++;
  }

  // Listings.
  const end = meta.totalMs;
  const perIp = new Map<string, { ip: string; pool: string; seconds: number; times: number; firstAt: number }>();
  for (const l of listings) {
    const p = perIp.get(l.ip) ?? { ip: l.ip, pool: poolOf(l.ip), seconds: 0, times: 0, firstAt: l.from };
    p.seconds += ((l.to ?? end) - l.from) / 1000;
    p.times++;
    perIp.set(l.ip, p);
  }

  // Spam by pool.
  let acceptedDefault = 0, acceptedHr = 0;
  for (const l of labels) {
    if (!l.spam) continue;
    const x = fate.get(l.mid);
    if (x?.accepted && x.acceptedPool === 'default') acceptedDefault++;
    if (x?.accepted && x.acceptedPool === 'high-risk') acceptedHr++;
  }
  const spamPlanned = labels.filter((l) => l.spam).length;
  const spamBlocked = labels.filter((l) => l.spam && fate.get(l.mid) && !fate.get(l.mid)!.accepted).length;

  // Containment of bad tenants.
  const stateOf = (e: { data?: Record<string, unknown> }): string => String(e.data?.['to'] ?? e.data?.['state'] ?? e.data?.['standing'] ?? '');
  const bad: BadTenantResult[] = [];
  for (const t of meta.tenants) {
    if (t.kind !== 'compromised' && t.kind !== 'spammer') continue;
    const badFrom = t.badFrom ?? 0;
    const mine = labels.filter((l) => l.tenant === t.id && l.phase === 'bad');
    const acceptedTimes = subs.filter((e) => e.tenant === t.id && e.result === 'accepted' && byMid.get(e.mid)?.phase === 'bad').map((e) => e.t).sort((a, b) => a - b);
    const candidates: Array<{ t: number; how: string }> = [];
    for (const e of events) if (e.type === 'tenant-state-changed' && e.tenantId === t.id && CONTAINED.has(stateOf(e)) && e.t >= badFrom) candidates.push({ t: e.t, how: `state ${stateOf(e)} (event)` });
    for (const e of standing) if (e.tenant === t.id && CONTAINED.has(e.to) && e.t >= badFrom) candidates.push({ t: e.t, how: `standing ${e.to}` });
    for (const e of subs) if (e.tenant === t.id && e.t >= badFrom && e.result !== 'accepted' && POLICY_REPLY.test(e.reply)) candidates.push({ t: e.t, how: `submission refused: ${e.reply.slice(0, 40)}` });
    candidates.sort((a, b) => a.t - b.t);
    const c = candidates[0];
    let spamDef = 0, spamHr = 0, lastDefault: number | undefined;
    for (const l of mine) {
      const x = fate.get(l.mid);
      if (!x?.accepted) continue;
      if (x.acceptedPool === 'default' && l.spam) {
        spamDef++;
        lastDefault = Math.max(lastDefault ?? 0, x.acceptedAt ?? 0);
      }
      if (x.acceptedPool === 'high-risk' && l.spam) spamHr++;
    }
    const countUntil = (ms: number): number => acceptedTimes.filter((x) => x <= ms).length;
    bad.push({
      tenant: t.id, kind: t.kind, badFrom, badPlanned: mine.length, badAccepted: acceptedTimes.length, spamDeliveredDefault: spamDef, spamDeliveredHighRisk: spamHr,
      ...(c ? { contained: { afterMs: c.t - badFrom, messages: countUntil(c.t), how: c.how } } : {}),
      ...(lastDefault !== undefined ? { lastDefault: { afterMs: Math.max(0, lastDefault - badFrom), messages: countUntil(lastDefault) } } : {}),
    });
  }

  // Harm to honest tenants.
  const honestIds = new Set(meta.tenants.filter((t) => honestKind(t.kind)).map((t) => t.id));
  // A refusal because of one recipient (on the tenant's suppression list after a hard bounce or a complaint) is not a
  // restriction of the tenant: it is counted apart.
  const throttled = new Set<string>(), refusedT = new Set<string>(), suppressedT = new Set<string>();
  for (const e of subs) {
    if (!honestIds.has(e.tenant) || e.result === 'accepted' || !POLICY_REPLY.test(e.reply)) continue;
    if (SUPPRESSED_REPLY.test(e.reply)) suppressedT.add(e.tenant);
    else (e.code >= 500 ? refusedT : throttled).add(e.tenant);
  }
  const stateChanged: Array<{ tenant: string; to: string }> = [];
  for (const e of events) if (e.type === 'tenant-state-changed' && e.tenantId && honestIds.has(e.tenantId) && stateOf(e) !== 'normal') stateChanged.push({ tenant: e.tenantId, to: stateOf(e) });
  for (const e of standing) if (honestIds.has(e.tenant) && e.to !== 'normal' && !stateChanged.some((x) => x.tenant === e.tenant && x.to === e.to)) stateChanged.push({ tenant: e.tenant, to: e.to });
  const quarantined = Object.entries(view).filter(([id, v]) => honestIds.has(id) && (v['quarantined'] ?? 0) > 0).map(([tenant, v]) => ({ tenant, messages: v['quarantined']! }));
  const hr = new Map<string, number>();
  for (const l of honestLabels) if (fate.get(l.mid)?.pools.has('high-risk')) hr.set(l.tenant, (hr.get(l.tenant) ?? 0) + 1);

  return {
    meta,
    honest: {
      tenants: honestIds.size, sent: sentL.length, delivered, rate: sentL.length ? delivered / sentL.length : 0, everDeferred, everRejectedListed: everRejected,
      deliveredFromListed: fromListed, refusedAtSubmission: refused, neverArrived: never, staleSent: honestLabels.filter((l) => !l.valid).length, afterComplaint: afterComplaint.length, buckets,
    },
    newsletters: { seen: nlSeen, viaHighRisk: nlHr },
    listings: { defaultTotal: meta.pools.default.length, perIp: [...perIp.values()].sort((a, b) => a.ip.localeCompare(b.ip)) },
    spam: { planned: spamPlanned, acceptedDefault, acceptedHighRisk: acceptedHr, deferredOrRejected: spamBlocked },
    bad,
    honestHarm: {
      throttled: [...throttled].sort(), refused: [...refusedT].sort(), suppressedRecipients: [...suppressedT].sort(), stateChanged, quarantined,
      routedHighRisk: [...hr.entries()].map(([tenant, messages]) => ({ tenant, messages })).sort((a, b) => a.tenant.localeCompare(b.tenant)),
    },
    feedback: { arf: outbox.filter((e) => e.kind === 'arf').length, dsn: outbox.filter((e) => e.kind === 'dsn').length, sentOk: outbox.filter((e) => e.ok).length, gatewayBounces: inbox.filter((e) => poolOf(String(e['ip'] ?? '').replace(/^::ffff:/, '')) !== 'other').length, providerDsnsToTenants: inbox.filter((e) => poolOf(String(e['ip'] ?? '').replace(/^::ffff:/, '')) === 'other').length },
    receiverDeferrals: rcv.filter((e) => e.ev === 'deferred').length,
    submission: (() => {
      const ms = subs.map((e) => e.ms ?? 0);
      const lag = subs.filter((e) => e.result === 'accepted').map((e) => e.t - (byMid.get(e.mid)?.at ?? e.t));
      return { attemptP50: pctl([...ms], 50), attemptP95: pctl([...ms], 95), lagP50: pctl([...lag], 50), lagP95: pctl([...lag], 95) };
    })(),
  };
}
