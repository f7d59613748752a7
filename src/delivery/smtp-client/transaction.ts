/**
 * One SMTP mail transaction on an open connection: MAIL FROM, one RCPT TO per
 * recipient, then DATA and the dot-stuffed body when at least one recipient
 * was accepted; per-recipient results.
 *
 * With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go out in one write and
 * the replies are read in order; without it, one command at a time.
 *
 * Invariants:
 * - one result per requested recipient, in order; `final` is the RCPT reply
 *   when that was not 2xx, else the DATA outcome;
 * - MAIL refused: every recipient gets the MAIL reply (pipelined RCPT/DATA
 *   replies are read and ignored), no RSET;
 * - no recipient accepted: no message is sent; lockstep sends RSET instead of
 *   DATA; pipelined, the DATA reply (503/554) is read, and if a broken server
 *   answers 354 anyway an empty message end "." is sent; then RSET, so the
 *   connection can carry the next transaction;
 * - a 421 anywhere ends the session: that reply becomes the result of every
 *   recipient not yet answered (and of accepted ones, which were not
 *   delivered) and the connection is closed;
 * - a timeout or lost connection does the same with a local 451 4.4.2 reply
 *   and `failure` set; after the final "." this means the message may have
 *   been delivered (the text says so).
 *
 * Known limits: no CHUNKING/BDAT, no DSN parameters (NOTIFY/RET/ENVID), no
 * REQUIRETLS. Without 8BITMIME an 8-bit body is sent as is (no conversion to
 * quoted-printable), like most MTAs. SMTPUTF8 is asked for only for non-ASCII
 * addresses; when the server does not offer it those recipients fail locally
 * with 553 5.6.7 (RFC 6531 §3.2).
 */
import { isAscii } from 'node:buffer';
import { formatReply, type SmtpReply } from '../../core/smtp-reply.js';
import { dotStuff } from './dot-stuff.js';
import { toSmtpReply } from './reply-reader.js';
import {
  SmtpSessionError,
  type RecipientOutcome,
  type SmtpFailure,
  type SmtpPhase,
  type SmtpTimeouts,
  type TransactionInput,
  type TransactionResult,
} from './types.js';
import type { Wire } from './wire.js';

/** A reply that ends the session (421) or a local failure; becomes the result of every unanswered recipient. */
class Stop {
  constructor(
    readonly reply: SmtpReply,
    readonly local: boolean,
    readonly failure?: SmtpFailure,
  ) {}
}

const ADDRESS_OK = /^[^\x00-\x1f\x7f<>]*$/;
const NON_ASCII = /[^\x00-\x7f]/;

export function checkAddress(addr: string, what: string): void {
  if (!ADDRESS_OK.test(addr)) throw new TypeError(`${what} contains forbidden characters: ${JSON.stringify(addr)}`);
}

const PHASE_WORDS: Record<SmtpPhase, string> = {
  connect: 'connecting',
  greeting: 'waiting for the greeting',
  ehlo: 'waiting for the reply to EHLO',
  helo: 'waiting for the reply to HELO',
  starttls: 'waiting for the reply to STARTTLS',
  tls: 'during the TLS handshake',
  mail: 'waiting for the reply to MAIL FROM',
  rcpt: 'waiting for the reply to RCPT TO',
  data: 'waiting for the reply to DATA',
  'data-end': 'after sending the message (it may have been delivered)',
  rset: 'waiting for the reply to RSET',
  quit: 'waiting for the reply to QUIT',
};

export function localFailureReply(f: SmtpFailure, remote: string): SmtpReply {
  return { code: 451, enhanced: '4.4.2', text: `local: ${f.message} with ${remote} ${PHASE_WORDS[f.phase]}` };
}

function is2xx(r: SmtpReply): boolean {
  return r.code >= 200 && r.code < 300;
}

function mailParams(tx: TransactionInput, ext: ReadonlySet<string>, utf8: boolean): string {
  let p = '';
  if (ext.has('SIZE')) {
    let size = tx.size;
    if (size === undefined) {
      size = 0;
      for (const b of tx.body) size += b.length;
    }
    p += ` SIZE=${size}`;
  }
  if (ext.has('8BITMIME') && !tx.body.every((b) => isAscii(b))) p += ' BODY=8BITMIME';
  if (utf8) p += ' SMTPUTF8';
  return p;
}

export async function runTransaction(
  wire: Wire,
  ext: ReadonlySet<string>,
  tx: TransactionInput,
  t: SmtpTimeouts,
): Promise<TransactionResult> {
  const n = tx.rcptTo.length;
  const replies: (SmtpReply | undefined)[] = new Array<SmtpReply | undefined>(n);
  const localIdx = new Set<number>();
  let toSend: number[] = [];
  const utf8 = NON_ASCII.test(tx.mailFrom) || tx.rcptTo.some((r) => NON_ASCII.test(r));
  if (utf8 && !ext.has('SMTPUTF8')) {
    const refusal: SmtpReply = { code: 553, enhanced: '5.6.7', text: 'local: non-ASCII address but the server does not offer SMTPUTF8' };
    for (let i = 0; i < n; i++) {
      if (NON_ASCII.test(tx.mailFrom) || NON_ASCII.test(tx.rcptTo[i]!)) {
        replies[i] = refusal;
        localIdx.add(i);
      } else toSend.push(i);
    }
    if (toSend.length === 0) {
      const failure: SmtpFailure = { phase: 'mail', kind: 'unsupported', message: refusal.text };
      return finish(tx, refusal, replies, localIdx, undefined, null, failure);
    }
  } else {
    toSend = Array.from({ length: n }, (_, i) => i);
  }

  const mailCmd = `MAIL FROM:<${tx.mailFrom}>${mailParams(tx, ext, utf8 && ext.has('SMTPUTF8'))}\r\n`;
  const pipelining = ext.has('PIPELINING');
  let mail: SmtpReply | undefined;
  let data: SmtpReply | undefined;
  let needsRset = false;

  const read = async (phase: SmtpPhase, ms: number): Promise<SmtpReply> => {
    const r = toSmtpReply(await wire.read(phase, ms));
    if (r.code >= 300 && r.code < 400 && phase !== 'data') {
      const msg = `unexpected intermediate reply ${formatReply(r)}`;
      wire.fail('protocol', msg);
      throw new SmtpSessionError(phase, 'protocol', msg);
    }
    if (r.code === 421) {
      wire.fail('closed', `server closing: ${formatReply(r)}`);
      throw new Stop(r, false);
    }
    return r;
  };

  try {
    let dataInit: SmtpReply | undefined;
    if (pipelining) {
      let batch = mailCmd;
      for (const i of toSend) batch += `RCPT TO:<${tx.rcptTo[i]!}>\r\n`;
      wire.write(batch + 'DATA\r\n');
      mail = await read('mail', t.commandMs);
      for (const i of toSend) {
        const r = await read('rcpt', t.commandMs);
        replies[i] = is2xx(mail) ? r : mail;
      }
      dataInit = await read('data', t.commandMs);
    } else {
      wire.write(mailCmd);
      mail = await read('mail', t.commandMs);
      if (is2xx(mail)) {
        for (const i of toSend) {
          wire.write(`RCPT TO:<${tx.rcptTo[i]!}>\r\n`);
          replies[i] = await read('rcpt', t.commandMs);
        }
        if (toSend.some((i) => is2xx(replies[i]!))) {
          wire.write('DATA\r\n');
          dataInit = await read('data', t.commandMs);
        } else needsRset = true;
      } else {
        for (const i of toSend) replies[i] = mail;
      }
    }
    if (dataInit) {
      const accepted = is2xx(mail) && toSend.some((i) => is2xx(replies[i]!));
      if (dataInit.code === 354 && accepted) {
        wire.writeAll(null, dotStuff(tx.body));
        data = await read('data-end', t.dataMs);
      } else {
        if (dataInit.code === 354) {
          wire.write('.\r\n');
          await read('data-end', t.commandMs);
        } else if (accepted) {
          data = dataInit;
        }
        needsRset = is2xx(mail);
      }
    }
  } catch (e) {
    if (e instanceof Stop) return finish(tx, mail ?? e.reply, replies, localIdx, data, e, undefined);
    if (e instanceof SmtpSessionError) {
      const failure = e.toFailure();
      const stop = new Stop(localFailureReply(failure, wire.remoteAddress), true, failure);
      return finish(tx, mail ?? stop.reply, replies, localIdx, data, stop, failure);
    }
    throw e;
  }
  if (needsRset) await reset(wire, t);
  return finish(tx, mail, replies, localIdx, data, null, undefined);
}

/** RSET after an unfinished transaction; any trouble just ends the session (the result is already known). */
async function reset(wire: Wire, t: SmtpTimeouts): Promise<void> {
  wire.write('RSET\r\n');
  try {
    const r = await wire.read('rset', t.commandMs);
    if (r.code < 200 || r.code >= 300) wire.fail('protocol', `RSET refused: ${r.lines.join(' ')}`);
  } catch {
    // the wire is failed already; the next send() sees usable === false
  }
}

function finish(
  tx: TransactionInput,
  mail: SmtpReply,
  replies: readonly (SmtpReply | undefined)[],
  localIdx: ReadonlySet<number>,
  data: SmtpReply | undefined,
  stop: Stop | null,
  failure: SmtpFailure | undefined,
): TransactionResult {
  const rcpts: RecipientOutcome[] = [];
  for (let i = 0; i < tx.rcptTo.length; i++) {
    const got = replies[i];
    const reply = got ?? stop?.reply ?? mail;
    let final: SmtpReply;
    let local: boolean;
    if (!is2xx(reply)) {
      final = reply;
      local = localIdx.has(i) || (got === undefined && (stop?.local ?? false));
    } else if (data) {
      final = data;
      local = false;
    } else {
      final = stop?.reply ?? mail;
      local = stop?.local ?? false;
    }
    rcpts.push({ rcpt: tx.rcptTo[i]!, reply, final, local });
  }
  return { mailFrom: mail, rcpts, ...(data ? { data } : {}), ...(failure ? { failure } : {}) };
}
