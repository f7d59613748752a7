/**
 * The providers' outbound mail: DSNs and ARF reports. Each report is sent
 * after its delay to the MX of the recipient's domain (looked up over the
 * world's DNS), one SMTP transaction per report, at most `concurrency` at a
 * time. On loopback every host listens on a port of its own choosing, so the
 * port comes from `portFor(mxAddress)` (the feedback intake's port for the
 * platform's MX, the receivers' port otherwise). Every outcome is logged.
 */
import { Resolver } from 'node:dns/promises';
import { rawSmtp } from '../../test/support/raw-smtp.js';
import { dotStuff } from '../../src/delivery/smtp-client/dot-stuff.js';
import type { OutgoingReport } from './receiver.js';
import type { JsonlLog } from './world-log.js';

export interface OutboxEntry {
  readonly t: number;
  readonly kind: 'arf' | 'dsn';
  readonly rcv: string;
  readonly to: string;
  readonly mid?: string;
  readonly ok: boolean;
  readonly mx?: string;
  readonly reply?: string;
}

export interface Outbox {
  send(r: OutgoingReport, delay: number): void;
  /** Resolves when everything handed in so far was sent or failed. */
  flush(timeoutMs: number): Promise<void>;
  close(): void;
}

/** One SMTP transaction on a fresh connection; returns the final reply (or the first refusal). */
export async function sendOnce(host: string, port: number, helo: string, from: string, to: string, raw: Buffer, localAddress?: string): Promise<string> {
  const c = await rawSmtp(host, port, localAddress);
  try {
    const greet = await c.read();
    if (!greet.startsWith('220')) return greet;
    for (const cmd of [`EHLO ${helo}`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA']) {
      const r = await c.cmd(cmd);
      if (!/^(250|354)/.test(r)) return r;
    }
    for (const b of dotStuff([raw])) c.write(b);
    const r = await c.read(10_000);
    c.write('QUIT\r\n');
    return r;
  } finally {
    c.close();
  }
}

export function createOutbox(o: {
  dnsServer: string;
  portFor: (address: string) => number;
  now: () => number;
  log: JsonlLog<OutboxEntry>;
  concurrency?: number;
}): Outbox {
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([o.dnsServer]);
  const queue: Array<OutgoingReport> = [];
  const timers = new Set<NodeJS.Timeout>();
  let active = 0;
  let pending = 0;
  let closed = false;
  const idle: Array<() => void> = [];
  const limit = o.concurrency ?? 4;

  const done = (): void => {
    pending--;
    if (pending === 0) idle.splice(0).forEach((f) => f());
  };

  const deliver = async (r: OutgoingReport): Promise<void> => {
    const domain = r.to.slice(r.to.lastIndexOf('@') + 1);
    let mx: string | undefined;
    try {
      const mxs = (await resolver.resolveMx(domain)).sort((a, b) => a.priority - b.priority);
      if (mxs.length === 0) throw new Error(`no MX for ${domain}`);
      const [addr] = await resolver.resolve4(mxs[0]!.exchange);
      mx = addr!;
      const reply = await sendOnce(mx, o.portFor(mx), `mx.${r.rcv}`, r.from, r.to, r.raw);
      o.log.write({ t: o.now(), kind: r.kind, rcv: r.rcv, to: r.to, ...(r.mid ? { mid: r.mid } : {}), ok: reply.startsWith('250'), mx, reply: reply.slice(0, 200) });
    } catch (e) {
      o.log.write({ t: o.now(), kind: r.kind, rcv: r.rcv, to: r.to, ...(r.mid ? { mid: r.mid } : {}), ok: false, ...(mx ? { mx } : {}), reply: String((e as Error).message ?? e).slice(0, 200) });
    }
  };

  const pump = (): void => {
    while (!closed && active < limit && queue.length > 0) {
      const r = queue.shift()!;
      active++;
      void deliver(r).finally(() => {
        active--;
        done();
        pump();
      });
    }
  };

  return {
    send(r, delay) {
      if (closed) return;
      pending++;
      const t = setTimeout(() => {
        timers.delete(t);
        queue.push(r);
        pump();
      }, delay);
      timers.add(t);
    },
    flush(timeoutMs) {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        idle.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
