/**
 * The tenants' mail clients: each tenant submits its planned messages to the
 * gateway over authenticated SMTP (AUTH PLAIN on loopback, from an address of
 * its own), over 1-2 persistent connections, one recipient per message, at
 * the planned times. A 4xx reply is retried after `retryDelay` up to
 * `retries` times (as a client library would); a 5xx is final. Every attempt
 * and its exact reply is logged: the gateway's replies to submitters are one
 * of the observable facts the report uses (4.7.x / 5.7.x = throttled or
 * refused by policy).
 */
import { rawSmtp, type RawSmtp } from '../../test/support/raw-smtp.js';
import { dotStuff } from '../../src/delivery/smtp-client/dot-stuff.js';
import type { PlannedTenant, Submission } from './plan.js';
import type { JsonlLog } from './world-log.js';

export interface SubmissionLogEntry {
  readonly t: number;
  readonly tenant: string;
  readonly mid: string;
  readonly seq: number;
  readonly attempt: number;
  readonly stage: 'connect' | 'auth' | 'mail' | 'rcpt' | 'data' | 'end';
  readonly code: number;
  readonly reply: string;
  readonly result: 'accepted' | 'retry' | 'refused';
  /** This attempt's duration: from taking the message to the gateway's last reply (ms). */
  readonly ms: number;
  /** The gateway's message id ("queued as …"). */
  readonly gid?: string;
}

export interface SubmitterOptions {
  readonly host: string;
  readonly port: number;
  readonly tenant: PlannedTenant;
  readonly user: string;
  readonly pass: string;
  readonly localAddress: string;
  readonly retries: number;
  readonly retryDelay: number;
  readonly now: () => number;
  readonly log: JsonlLog<SubmissionLogEntry>;
  readonly compose: (s: Submission) => Buffer;
  /** Called once per submission when its outcome is final. */
  readonly settled: () => void;
}

const codeOf = (r: string): number => Number(/^(\d{3})/.exec(r)?.[1] ?? 0);

export class TenantSubmitter {
  private readonly queue: Array<{ s: Submission; attempt: number }> = [];
  private readonly sessions: Array<RawSmtp | undefined>;
  private readonly busy: boolean[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly o: SubmitterOptions) {
    this.sessions = Array.from({ length: o.tenant.connections }, () => undefined);
    this.busy = this.sessions.map(() => false);
  }

  submit(s: Submission, attempt = 1): void {
    this.queue.push({ s, attempt });
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sessions) s?.close();
  }

  private pump(): void {
    for (let i = 0; i < this.sessions.length && this.queue.length > 0 && !this.stopped; i++) {
      if (this.busy[i]) continue;
      this.busy[i] = true;
      void this.work(i).finally(() => {
        this.busy[i] = false;
        this.pump();
      });
    }
  }

  private async work(i: number): Promise<void> {
    while (!this.stopped) {
      const job = this.queue.shift();
      if (!job) return;
      await this.send(i, job.s, job.attempt);
    }
  }

  private async session(i: number): Promise<{ s?: RawSmtp; stage?: 'connect' | 'auth'; reply?: string }> {
    const cur = this.sessions[i];
    if (cur && !cur.socket.destroyed) return { s: cur };
    let c: RawSmtp;
    try {
      c = await rawSmtp(this.o.host, this.o.port, this.o.localAddress);
    } catch (e) {
      return { stage: 'connect', reply: String((e as Error).message) };
    }
    const greet = await c.read(15_000);
    if (!greet.startsWith('220')) {
      c.close();
      return { stage: 'connect', reply: greet };
    }
    c.write(`EHLO client.${this.o.tenant.domain}\r\n`);
    const ehlo = await c.read(15_000);
    if (!ehlo.startsWith('250')) {
      c.close();
      return { stage: 'connect', reply: ehlo };
    }
    c.write(`AUTH PLAIN ${Buffer.from(`\0${this.o.user}\0${this.o.pass}`).toString('base64')}\r\n`);
    const auth = await c.read(15_000);
    if (!auth.startsWith('235')) {
      c.close();
      return { stage: 'auth', reply: auth };
    }
    this.sessions[i] = c;
    return { s: c };
  }

  private async send(i: number, s: Submission, attempt: number): Promise<void> {
    const { o } = this;
    const started = o.now();
    const finish = (stage: SubmissionLogEntry['stage'], reply: string, gid?: string): void => {
      const code = codeOf(reply);
      const result = code >= 200 && code < 300 ? 'accepted' : (code === 0 || (code >= 400 && code < 500)) && attempt <= o.retries ? 'retry' : 'refused';
      o.log.write({ t: o.now(), tenant: o.tenant.id, mid: s.mid, seq: s.seq, attempt, stage, code, ms: o.now() - started, reply: reply.replace(/\r\n/g, ' | ').slice(0, 300), result, ...(gid ? { gid } : {}) });
      if (result === 'retry') {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.submit(s, attempt + 1);
        }, o.retryDelay);
        this.timers.add(t);
      } else o.settled();
    };
    const got = await this.session(i);
    if (!got.s) return finish(got.stage ?? 'connect', got.reply ?? '');
    const c = got.s;
    const step = async (line: string): Promise<string> => {
      c.write(line + '\r\n');
      return c.read(15_000);
    };
    const abort = async (stage: SubmissionLogEntry['stage'], reply: string): Promise<void> => {
      if (codeOf(reply) === 421 || !/^\d{3}/.test(reply)) {
        c.close();
        this.sessions[i] = undefined;
      } else if (stage !== 'end') await step('RSET');
      finish(stage, reply);
    };
    // MAIL, RCPT and DATA pipelined (RFC 2920; the gateway offers PIPELINING), then the three replies in order.
    c.write(`MAIL FROM:<${o.tenant.from}>\r\nRCPT TO:<${s.rcpt}>\r\nDATA\r\n`);
    const mail = await c.read(15_000);
    const rcpt = await c.read(15_000);
    const data = await c.read(15_000);
    if (data.startsWith('354') && !(mail.startsWith('250') && rcpt.startsWith('250'))) {
      // Cannot happen with a conforming server (DATA without a valid recipient fails); end the empty message.
      c.write('.\r\n');
      await c.read(15_000);
    }
    if (!mail.startsWith('250')) return abort('mail', mail);
    if (!rcpt.startsWith('250')) return abort('rcpt', rcpt);
    if (!data.startsWith('354')) return abort('data', data);
    for (const b of dotStuff([o.compose(s)])) c.write(b);
    const end = await c.read(60_000);
    if (!end.startsWith('250')) return abort('end', end);
    finish('end', end, /queued as (\S+)/.exec(end)?.[1]);
  }
}
