/**
 * SpamAssassin adapter speaking the spamd protocol (SPAMC/1.5 SYMBOLS) over TCP:
 *   client: "SYMBOLS SPAMC/1.5\r\nContent-length: N\r\nUser: outpost\r\n\r\n" + message
 *   server: "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 15.3 / 5.0\r\n...\r\n\r\nRULE_A,RULE_B"
 *
 * Invariants: never throws; the whole exchange is bounded by timeoutMs and the
 * reply by 64 KB; any failure gives { ok: false }.
 */
import { connect } from 'node:net';
import type { AdapterResult } from './result.js';
import { spamdSignal } from './result.js';

export interface SpamdOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

const MAX_REPLY = 65536;

export function parseSpamdReply(reply: string): { spam: boolean; score: number; required: number; symbols: string[] } | string {
  const [head = '', body = ''] = reply.split(/\r?\n\r?\n/, 2);
  const lines = head.split(/\r?\n/);
  const status = /^SPAMD\/[\d.]+\s+(\d+)\s+(.*)$/.exec(lines[0] ?? '');
  if (status === null) return 'not a spamd reply';
  if (status[1] !== '0') return `spamd error ${status[1]} ${status[2]}`;
  for (const l of lines) {
    const m = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(l);
    if (m !== null) {
      const symbols = body.trim() === '' ? [] : body.trim().split(/\s*,\s*/);
      return { spam: /^(true|yes)$/i.test(m[1]!), score: Number(m[2]), required: Number(m[3]), symbols };
    }
  }
  return 'spamd reply without Spam: header';
}

export function checkSpamd(opts: SpamdOptions, raw: Buffer): Promise<AdapterResult> {
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: AdapterResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const fail = (why: string): void => finish({ adapter: 'spamassassin', ok: false, signal: 0, detail: `spamd unavailable: ${why}` });
    const timer = setTimeout(() => fail(`timeout after ${opts.timeoutMs} ms`), opts.timeoutMs);
    const sock = connect({ host: opts.host, port: opts.port });
    sock.on('connect', () => {
      sock.write(`SYMBOLS SPAMC/1.5\r\nContent-length: ${raw.length}\r\nUser: outpost\r\n\r\n`);
      sock.end(raw);
    });
    sock.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_REPLY) return fail('reply too large');
      chunks.push(d);
    });
    sock.on('error', (e) => fail(e.message));
    sock.on('close', () => {
      if (settled) return;
      const parsed = parseSpamdReply(Buffer.concat(chunks).toString('latin1'));
      if (typeof parsed === 'string') return fail(parsed);
      finish({
        adapter: 'spamassassin',
        ok: true,
        signal: spamdSignal(parsed.score, parsed.required),
        detail: `SpamAssassin ${parsed.spam ? 'spam' : 'ham'}, score ${parsed.score}/${parsed.required}${parsed.symbols.length ? ': ' + parsed.symbols.slice(0, 8).join(' ') : ''}`,
      });
    });
  });
}
