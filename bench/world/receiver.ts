/**
 * One simulated mailbox provider: an SMTP server (test/support/smtp-sink,
 * i.e. smtp-server) on its own loopback address, answering for one domain.
 *
 *   - Recipients user0001…userNNNN exist; others are refused at RCPT with the
 *     provider's "no such user" wording, or accepted and bounced later with a
 *     DSN (unknownRecipients: bounce).
 *   - After DATA it reads the Message-ID, looks up the label in the side
 *     channel, and decides: 4xx deferral when its own reputation of the source
 *     IP says so (421-4.7.28 in Gmail's words, [TSS04] in Yahoo's, 4.7.650 in
 *     Microsoft's); 550 5.7.1 … blocked using <zone> when the IP is on the
 *     shared block list (looked up over DNS) and the provider uses it; else it
 *     accepts (noting whether the IP was listed at that moment).
 *   - Each accepted message feeds the per-IP reputation; when it trips, the
 *     provider defers the IP and (if it reports) lists it in the block list.
 *   - A share of accepted spam (and of ham) is "marked as spam by the user":
 *     an ARF report goes to the FBL address after a delay.
 * Every decision is one JSON line in the provider's log, with the label.
 * Complaint draws are a hash of (seed, provider, Message-ID), so they do not
 * depend on timing.
 */
import { createHash } from 'node:crypto';
import { startSink, reply, accept, type Sink, type SinkAction, type SinkContext } from '../../test/support/smtp-sink.js';
import { Blocklist } from './blocklist.js';
import { buildArf, buildDsn, type ArfFormat, type Delivered, type DsnFormat } from './feedback-mail.js';
import { IpReputation } from './ip-reputation.js';
import { normMid, type Label, type LabelReader } from './labels.js';
import type { ReceiverSpec } from './scenario.js';
import type { JsonlLog } from './world-log.js';

export type ReceiverEvent =
  | 'accepted' // 250 after DATA
  | 'accepted-unknown' // 250 for a recipient that does not exist (a DSN follows)
  | 'rcpt-unknown' // 550 5.1.1 at RCPT
  | 'deferred' // 4xx after DATA: own reputation of the IP
  | 'rejected-listed' // 550 5.7.1: IP on the shared block list
  | 'tripped'; // the IP passed the spam threshold (deferred from now; reported when the provider reports)

export interface ReceiverLogEntry {
  /** ms since the run's start. */
  readonly t: number;
  readonly rcv: string;
  readonly ev: ReceiverEvent;
  readonly ip: string;
  readonly code?: number;
  readonly rcpt?: string;
  readonly mailFrom?: string;
  readonly mid?: string;
  /** From the side channel; absent for mail the generator did not write (gateway bounces). */
  readonly tenant?: string;
  readonly kind?: string;
  readonly spam?: boolean;
  readonly phase?: string;
  readonly valid?: boolean;
  /** Listed on the shared block list when the message was accepted. */
  readonly listed?: boolean;
  readonly detail?: string;
}

export interface OutgoingReport {
  readonly kind: 'arf' | 'dsn';
  readonly from: string;
  readonly to: string;
  readonly raw: Buffer;
  readonly rcv: string;
  readonly mid?: string;
}

export interface ReceiverOptions {
  readonly spec: ReceiverSpec;
  readonly host: string;
  readonly port: number;
  readonly seed: string | number;
  readonly labels: LabelReader;
  readonly blocklist: Blocklist;
  readonly isListed: (ip: string) => Promise<boolean>;
  /** ms since the run's start. */
  readonly now: () => number;
  readonly log: JsonlLog<ReceiverLogEntry>;
  /** Where complaints go. */
  readonly fblAddress: string;
  /** Hands a report to the world's outbound mail (after `delay` ms). */
  readonly send: (r: OutgoingReport, delay: number) => void;
}

export interface Receiver {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  readonly mta: string;
  readonly reputation: IpReputation;
  close(): Promise<void>;
}

const DEFER: Record<ReceiverSpec['style'], (ip: string) => SinkAction> = {
  gmail: (ip) =>
    reply(421, [
      `4.7.28 [${ip}      15] Our system has detected an unusual rate of`,
      '4.7.28 unsolicited mail originating from your IP address. To protect our',
      '4.7.28 users from spam, mail sent from your IP address has been temporarily',
      '4.7.28 rate limited. Please visit',
      '4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to',
      '4.7.28 review our Bulk Email Senders Guidelines. - gsmtp',
    ]),
  yahoo: (ip) => reply(421, `4.7.0 [TSS04] Messages from ${ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`),
  microsoft: (ip) => reply(451, `4.7.650 The mail server [${ip}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775)`),
  generic: (ip) => reply(421, `4.7.28 Messages from ${ip} temporarily deferred: unusual rate of unsolicited mail from this IP`),
};

const UNKNOWN: Record<ReceiverSpec['style'], (rcpt: string, domain: string) => SinkAction> = {
  gmail: () =>
    reply(550, [
      '5.1.1 The email account that you tried to reach does not exist. Please try',
      "5.1.1 double-checking the recipient's email address for typos or",
      '5.1.1 unnecessary spaces. For more information, go to',
      '5.1.1  https://support.google.com/mail/?p=NoSuchUser - gsmtp',
    ]),
  yahoo: (rcpt, domain) => reply(554, `delivery error: dd This user doesn't have a ${domain} account (${rcpt}) [0] - mta1001.mail.${domain}`),
  microsoft: () => reply(550, '5.5.0 Requested action not taken: mailbox unavailable (S2017062302).'),
  generic: (rcpt) => reply(550, `5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`),
};

function blocked(ip: string, zone: string): SinkAction {
  return reply(550, `5.7.1 Service unavailable; Client host [${ip}] blocked using ${zone}; ${ip} listed at ${zone}`);
}

export function mailboxExists(spec: Pick<ReceiverSpec, 'domain' | 'mailboxes'>, address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== spec.domain) return false;
  const m = /^user(\d{4,})$/.exec(address.slice(0, at).toLowerCase());
  return !!m && Number(m[1]) >= 1 && Number(m[1]) <= spec.mailboxes;
}

export function mailboxAddress(domain: string, n: number): string {
  return `user${String(n).padStart(4, '0')}@${domain}`;
}

/** A deterministic draw in [0, 1) for (seed, provider, message, purpose). */
export function draw(seed: string | number, ...parts: string[]): number {
  const h = createHash('sha256').update([String(seed), ...parts].join('\0')).digest();
  return h.readUInt32BE(0) / 4294967296;
}

function messageId(raw: Buffer): string | undefined {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 65536));
  const end = head.indexOf('\r\n\r\n');
  const m = /^message-id:[ \t]*(?:\r\n[ \t]+)?(<[^>\r\n]*>|\S+)/im.exec(end < 0 ? head : head.slice(0, end + 2));
  return m ? normMid(m[1]!) : undefined;
}

function labelFields(l: Label | undefined): Partial<ReceiverLogEntry> {
  return l ? { tenant: l.tenant, kind: l.kind, spam: l.spam, phase: l.phase, valid: l.valid } : {};
}

export async function startReceiver(o: ReceiverOptions): Promise<Receiver> {
  const { spec } = o;
  const mta = `mx.${spec.domain}`;
  const reputation = new IpReputation(spec.reputation);
  const arfFormat: ArfFormat = spec.complaints.format ?? (spec.style === 'yahoo' ? 'yahoo' : 'rfc5965');
  const dsnFormat: DsnFormat = spec.style === 'gmail' ? 'gmail' : 'postfix';
  const reporter = { domain: spec.domain, mta };
  let sink: Sink | undefined;

  const behaviour = async (ctx: SinkContext): Promise<SinkAction | undefined> => {
    const ip = ctx.connection.remoteAddress.replace(/^::ffff:/, '');
    if (ctx.phase === 'rcpt' && ctx.rcpt !== undefined) {
      if (mailboxExists(spec, ctx.rcpt) || spec.unknownRecipients === 'bounce') return accept();
      const l = o.labels.forRecipient(ctx.rcpt);
      const action = UNKNOWN[spec.style](ctx.rcpt, spec.domain);
      o.log.write({ t: o.now(), rcv: spec.domain, ev: 'rcpt-unknown', ip, code: action.kind === 'reply' ? action.code : 0, rcpt: ctx.rcpt, ...(ctx.mailFrom !== undefined ? { mailFrom: ctx.mailFrom } : {}), ...labelFields(l) });
      return action;
    }
    if (ctx.phase !== 'data' || !ctx.raw) return undefined;
    // Forget the bytes the sink keeps: this log is the record.
    if (sink && sink.messages.length > 0) sink.messages.length = 0;
    const now = o.now();
    const mid = messageId(ctx.raw);
    const label = mid ? o.labels.get(mid) : undefined;
    const base = { rcv: spec.domain, ip, ...(ctx.mailFrom !== undefined ? { mailFrom: ctx.mailFrom } : {}), ...(mid ? { mid } : {}), ...labelFields(label) };
    const rcpts = ctx.rcptTo;
    if (reputation.deferred(ip, now)) {
      const action = DEFER[spec.style](ip);
      for (const rcpt of rcpts) o.log.write({ t: now, ev: 'deferred', code: action.kind === 'reply' ? action.code : 0, rcpt, ...base });
      return action;
    }
    const listed = await o.isListed(ip);
    if (listed && spec.usesBlocklist) {
      for (const rcpt of rcpts) o.log.write({ t: now, ev: 'rejected-listed', code: 550, rcpt, ...base });
      return blocked(ip, o.blocklist.zone);
    }
    const spam = label?.spam ?? false;
    for (const rcpt of rcpts) {
      const exists = mailboxExists(spec, rcpt);
      o.log.write({ t: now, ev: exists ? 'accepted' : 'accepted-unknown', code: 250, rcpt, listed, ...base });
      const delivered: Delivered = { raw: ctx.raw, mailFrom: ctx.mailFrom ?? '', rcpt, sourceIp: ip, helo: ctx.connection.clientHostname || ip, receivedAt: new Date() };
      if (!exists) {
        if (delivered.mailFrom) o.send({ kind: 'dsn', from: '', to: delivered.mailFrom, raw: buildDsn(dsnFormat, delivered, reporter, new Date()), rcv: spec.domain, ...(mid ? { mid } : {}) }, 200);
        continue;
      }
      const share = spam ? spec.complaints.spam : spec.complaints.ham;
      if (share > 0 && draw(o.seed, spec.domain, mid ?? '', rcpt, 'complaint') < share) {
        o.send({ kind: 'arf', from: `fbl@${spec.domain}`, to: o.fblAddress, raw: buildArf(arfFormat, delivered, reporter, o.fblAddress, new Date()), rcv: spec.domain, ...(mid ? { mid } : {}) }, spec.complaints.delay);
      }
      const tripped = reputation.accepted(ip, spam, now);
      if (tripped) {
        const reason = `spam share ${(tripped.share * 100).toFixed(0)}% of ${tripped.total} messages in ${spec.reputation.window / 1000}s`;
        o.log.write({ t: now, rcv: spec.domain, ev: 'tripped', ip, detail: reason });
        if (spec.reportsToBlocklist) o.blocklist.report(ip, spec.domain, reason);
      }
    }
    return accept(`2.0.0 OK ${mid ?? ''}`.trim());
  };

  sink = await startSink({ host: o.host, port: o.port, behaviour, keepRaw: true, serverOptions: { name: mta, size: 50 * 1024 * 1024 } });
  const s = sink;
  return { domain: spec.domain, host: o.host, port: s.port, mta, reputation, close: () => s.close() };
}
