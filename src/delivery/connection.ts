/**
 * One outbound connection's life: resolve the next hop, connect from the
 * chosen pool IP (MX hosts in preference order, each of their addresses),
 * then deliver queued jobs for that destination one after another on the same
 * session until the queue is empty, the per-connection limit is reached, the
 * receiver asks us to slow down, or the session breaks.
 *
 * Every job taken is settled exactly once: its results go to the spool as one
 * attempt with an event (pool, IP, MX, remote reply, TLS, duration), and
 * failures or expiries produce a DSN through the bouncer.
 * If the destination cannot be reached at all, the jobs this connection would
 * have carried are settled with that reply (deferred, or failed for a
 * permanent DNS answer such as a null MX).
 */
import type { SmtpReply } from '../core/smtp-reply.js';
import type { PoolIp } from '../pools/registry.js';
import type { DeliveryJob, RecipientOutcome } from '../spool/spool.js';
import { judgeAttempt } from './attempt.js';
import type { DestinationQueue } from './destination-queue.js';
import type { AttemptObservation, DeliveryDeps } from './engine.js';
import { SmtpConnectError, type SmtpSession } from './smtp-client.js';
import type { Throttles } from './throttles.js';

export interface ConnectionContext {
  readonly deps: DeliveryDeps;
  readonly throttles: Throttles;
  readonly queue: DestinationQueue;
  readonly ip: PoolIp;
  readonly perConnection: number;
  /** False once the operator (or the DNSBL monitor) took this IP out of rotation, or its warm-up quota is used. */
  ipInRotation(): boolean;
  /** How long a connection waits for more work before QUIT. */
  readonly idleMs: number;
  /** Takes the next job for this destination (undefined: none, or stopping). */
  take(): DeliveryJob | undefined;
  track(s: SmtpSession): void;
  untrack(s: SmtpSession): void;
}

interface AttemptContext {
  readonly ip?: PoolIp;
  readonly mx?: string;
  readonly remote?: string;
  readonly tls?: boolean;
  readonly startedAt?: number;
  readonly failure?: string;
}

const MAX_ADDRESSES_TRIED = 6;
const MAX_UNSETTLED = 16;

export async function runConnection(c: ConnectionContext): Promise<void> {
  const { deps, queue, ip } = c;
  const first = c.take();
  if (!first) return;
  const hop = await deps.nextHop.resolve(queue.domain);
  if (hop.kind !== 'hosts') {
    await settleRemaining(c, first, hop.reply, { ip });
    return;
  }
  let session: SmtpSession | undefined;
  let mx = '';
  let lastReply: SmtpReply = { code: 451, enhanced: '4.4.1', text: `no answer from any host for ${queue.domain}` };
  let tried = 0;
  outer: for (const host of hop.hosts) {
    for (const addr of host.addresses) {
      if (tried++ >= MAX_ADDRESSES_TRIED) break outer;
      try {
        session = await deps.connect({
          host: addr, port: host.port, localAddress: ip.ip, helo: ip.helo,
          tls: { mode: deps.settings.tls.mode, verify: deps.settings.tls.verify, servername: host.host },
          timeouts: { connectMs: deps.settings.connectTimeout, greetingMs: deps.settings.commandTimeout, commandMs: deps.settings.commandTimeout, dataMs: deps.settings.commandTimeout * 2 },
        });
        mx = host.host;
        break outer;
      } catch (e) {
        lastReply = e instanceof SmtpConnectError && e.reply ? e.reply : { code: 451, enhanced: '4.4.1', text: `${host.host} [${addr}]: ${(e as Error).message}` };
        deps.log.debug({ destination: queue.domain, host: host.host, addr, ip: ip.ip, err: (e as Error).message }, 'delivery: connect failed');
      }
    }
  }
  if (!session) {
    // A greeting reply (e.g. "421 ... [TS03]") is classified like any other: it may pause this IP.
    await settleRemaining(c, first, lastReply, { ip, failure: 'connect' });
    return;
  }
  c.track(session);
  // Recording a result (a commit) overlaps with sending the next message; at most
  // MAX_UNSETTLED results per connection wait for their commit at any time.
  const unsettled = new Set<Promise<void>>();
  try {
    let job: DeliveryJob | undefined = first;
    let count = 0;
    while (job) {
      const { done } = await deliverOne(c, session, job, mx);
      unsettled.add(done);
      void done.finally(() => unsettled.delete(done));
      if (unsettled.size >= MAX_UNSETTLED) await Promise.race(unsettled);
      count++;
      if (!session.usable || count >= c.perConnection || c.throttles.pausedFor(ip.ip, queue.domain) > 0 || !c.ipInRotation()) break;
      job = c.take();
      if (!job && c.idleMs > 0 && (await queue.waitForJob(c.idleMs))) job = c.take();
    }
  } finally {
    c.untrack(session);
    await Promise.all([session.quit(), ...unsettled]);
  }
}

/** Settles `first` and every job still waiting for this destination with one reply. */
async function settleRemaining(c: ConnectionContext, first: DeliveryJob, reply: SmtpReply, a: AttemptContext): Promise<void> {
  const jobs = [first];
  for (let j = c.take(); j; j = c.take()) jobs.push(j);
  for (const job of jobs) {
    await settle(c.deps, c.throttles, job, job.recipients.map((r) => ({ rcpt: r.rcpt, reply })), a);
  }
}

/** Sends one job; once sent, returns `done`, which settles when its result is recorded. */
async function deliverOne(c: ConnectionContext, session: SmtpSession, job: DeliveryJob, mx: string): Promise<{ done: Promise<void> }> {
  const { deps } = c;
  if (deps.holdTenant?.(job.tenantId)) {
    // Suspended since the job was taken (while this connection was set up): back to the spool untouched.
    await deps.spool.release([job.jobId], deps.clock.now()).catch((e: unknown) => deps.log.error({ err: e }, 'delivery: release failed'));
    return { done: Promise.resolve() };
  }
  const startedAt = deps.clock.now();
  const [body, routing] = await Promise.all([deps.spool.readBody(job.messageId), deps.spool.readRouting(job.messageId)]);
  if (!body || !routing) {
    deps.log.warn({ messageId: job.messageId, jobId: job.jobId }, 'delivery: message body gone; job skipped');
    return { done: Promise.resolve() };
  }
  deps.warmup?.sent(c.ip.ip);
  const res = await session.send({
    mailFrom: routing.wireMailFrom,
    rcptTo: job.recipients.map((r) => r.rcpt),
    body: routing.prefix ? [routing.prefix, body] : [body],
  });
  const done = settle(deps, c.throttles, job, res.rcpts.map((r) => ({ rcpt: r.rcpt, reply: r.final })), {
    ip: c.ip, mx, remote: session.remoteAddress, tls: session.tls, startedAt,
    ...(res.failure ? { failure: `${res.failure.phase}: ${res.failure.message}` } : {}),
  })
    .catch((e: unknown) => deps.log.error({ err: e, messageId: job.messageId, jobId: job.jobId }, 'delivery: recording the result failed; the job is retried after restart'));
  return { done };
}

/** Records one attempt for a job and acts on what it says (pause, incident, bounce). */
export async function settle(
  deps: DeliveryDeps,
  throttles: Throttles,
  job: DeliveryJob,
  replies: ReadonlyArray<{ rcpt: string; reply: SmtpReply }>,
  a: AttemptContext,
): Promise<void> {
  const now = deps.clock.now();
  const s = deps.settings;
  const retry = { schedule: s.retrySchedule, maxQueueAge: s.maxQueueAge };
  const ip = a.ip?.ip;
  const j = judgeAttempt(job, replies, deps.classify, retry, now, ip ? throttles.nextBackoff(ip, job.domain) : s.slowDownInitial);
  let pausedMs: number | undefined;
  if (ip && (j.slowDown || j.ipBlocked)) {
    const why = j.ipBlocked ? `blocked: ${j.ipBlocked.reply.text}` : `slow down: ${j.slowDown!.reply.text}`;
    pausedMs = throttles.slowDown(ip, job.domain, why);
    deps.log.warn({ ip, destination: job.domain, pool: job.pool, pausedMs, rule: j.ipBlocked?.rule ?? j.slowDown?.rule, reply: j.ipBlocked?.reply ?? j.slowDown?.reply }, j.ipBlocked ? 'delivery: IP incident (blocked)' : 'delivery: receiver asked to slow down');
  } else if (ip && j.delivered > 0) {
    throttles.succeeded(ip, job.domain);
  }
  const warn = j.deferred > 0 && !job.warned && s.delayWarningAfter > 0 && now - job.receivedAt >= s.delayWarningAfter;
  const type = j.deferred > 0 ? 'deferred' : j.bounced.length === 0 ? 'delivered' : j.delivered > 0 ? 'partially-delivered' : j.bounced.some((b) => b.expired) ? 'expired' : 'bounced';
  const event = {
    type,
    data: {
      attempt: job.attempts + 1, pool: job.pool, destination: job.domain,
      ...(ip ? { ip, helo: a.ip?.helo } : {}),
      ...(a.mx ? { mx: a.mx } : {}),
      ...(a.remote ? { remote: a.remote } : {}),
      ...(a.tls !== undefined ? { tls: a.tls } : {}),
      ...(a.startedAt !== undefined ? { ms: now - a.startedAt } : {}),
      ...(a.failure ? { failure: a.failure } : {}),
      ...(j.nextAt !== undefined ? { nextAttempt: new Date(j.nextAt).toISOString() } : {}),
      ...(pausedMs !== undefined ? { pausedMs, incident: j.ipBlocked ? 'ip-blocked' : 'slow-down', rule: j.ipBlocked?.rule ?? j.slowDown?.rule } : {}),
      recipients: j.results.map((r) => ({ rcpt: job.recipients.find((x) => x.idx === r.idx)?.rcpt, state: r.state, reply: r.reply })),
    },
  };
  const notify = job.mailFrom !== '' && (j.bounced.length > 0 || warn); // never bounce a bounce
  // Read the original before recording: the spool drops the body once the message is done.
  const original = notify ? await deps.spool.readBody(job.messageId) : null;
  await deps.spool.recordAttempt({ jobId: job.jobId, messageId: job.messageId, at: now, results: j.results, ...(j.nextAt !== undefined ? { nextAt: j.nextAt } : {}), countsAsAttempt: true, markWarned: warn, event });
  if (deps.observe) observeAttempt(deps, job, j.results, now, ip, j.ipBlocked ? 'ip-blocked' : j.slowDown ? 'slow-down' : undefined);
  if (!notify) return;
  const failed = (e: unknown): void => deps.log.error({ err: e, messageId: job.messageId }, 'DSN generation failed');
  if (j.bounced.length > 0) await deps.bouncer.bounce(job, original, j.bounced, 'failure', a.mx).catch(failed);
  if (warn) {
    const delayed = j.results.filter((r) => r.state === 'deferred').map((r) => ({ rcpt: job.recipients.find((x) => x.idx === r.idx)!.rcpt, reply: r.reply, expired: false }));
    await deps.bouncer.bounce(job, original, delayed, 'delay', a.mx, j.nextAt).catch(failed);
  }
}

function observeAttempt(deps: DeliveryDeps, job: DeliveryJob, results: readonly RecipientOutcome[], at: number, ip: string | undefined, incident: AttemptObservation['incident']): void {
  try {
    const recipients = results.map((r) => {
      const c = deps.classify(r.reply);
      return { rcpt: job.recipients.find((x) => x.idx === r.idx)?.rcpt ?? '', state: r.state, reply: r.reply, class: c.class, ...(c.rule ? { rule: c.rule } : {}) };
    });
    deps.observe!({ job, at, ...(ip ? { ip } : {}), ...(incident ? { incident } : {}), recipients });
  } catch (e) {
    deps.log.error({ err: e, messageId: job.messageId }, 'delivery observer failed');
  }
}
