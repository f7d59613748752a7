/**
 * Crash safety, end to end: the gateway runs as a child process (the real
 * `outpost start`), several clients submit concurrently, the process is
 * killed with SIGKILL mid-load, then restarted. Every message that got a 250
 * must still be in the spool and must reach the receiving sink; duplicates
 * (crash between the receiver's 250 and our commit) are counted and reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { startDnsServer } from './support/dns-server.js';
import { startSink } from './support/smtp-sink.js';
import { waitForPort } from './support/wait-port.js';
import { SqliteSpool } from '../src/spool/sqlite/sqlite-spool.js';

const BIN = fileURLToPath(new URL('../../bin/outpost.js', import.meta.url));
const HOST = '127.0.40.1';
const SMTP_PORT = 12587;

function cli(config: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--config', config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`outpost ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}


function exited(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
}

function startGw(config: string): ChildProcess {
  const c = spawn(process.execPath, [BIN, 'start', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr?.on('data', (d: Buffer) => process.env['CRASH_DEBUG'] && process.stderr.write(d));
  return c;
}

test('SIGKILL mid-load loses no acknowledged message; all reach the sink after restart', { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-crash-'));
  const dns = await startDnsServer({ host: '127.0.40.53', zone: { 'dest.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] }, 'mx.dest.test': { A: ['127.0.40.20'] } } });
  const sink = await startSink({ host: '127.0.40.20', port: 12025 });
  const config = join(dir, 'outpost.yaml');
  writeFileSync(
    config,
    [
      `dataDir: ${join(dir, 'var')}`,
      'log: { level: warn }',
      `smtp: { listen: [{ host: ${HOST}, port: ${SMTP_PORT}, tls: starttls }], allowPlainAuthOnLoopback: true }`,
      `http: { listen: { host: ${HOST}, port: 18025 } }`,
      `feedback: { listen: { host: ${HOST}, port: 0 } }`,
      `dns: { servers: ['${dns.server}'], timeout: 1s }`,
      'pools:',
      `  default: { ips: [{ ip: 127.0.40.100, helo: out.crash.test }] }`,
      `  high-risk: { ips: [{ ip: 127.0.40.101, helo: hr.crash.test }] }`,
      'delivery: { port: 12025, retrySchedule: [1s], connectTimeout: 2s, allowPrivateMx: true }',
      'limits: { enabled: false }',
      '',
    ].join('\n'),
  );
  cli(config, 'tenant', 'add', 'acme', '--domain', 'acme.test');
  const creds = JSON.parse(cli(config, 'tenant', 'credentials', 'acme', '--json')) as { smtp: { username: string; password: string } };

  let child = startGw(config);
  try {
    await waitForPort(HOST, SMTP_PORT);
    const acked: string[] = [];
    let stop = false;
    const client = async (n: number): Promise<void> => {
      const tr = nodemailer.createTransport({ host: HOST, port: SMTP_PORT, auth: { user: creds.smtp.username, pass: creds.smtp.password }, tls: { rejectUnauthorized: false } });
      for (let i = 0; !stop; i++) {
        try {
          const info = await tr.sendMail({ from: 'ann@acme.test', to: `c${n}-${i}@dest.test`, subject: `crash ${n}-${i}`, text: 'x'.repeat(2000) });
          const id = /queued as (\S+)/.exec(info.response)?.[1];
          if (id) acked.push(id);
        } catch {
          tr.close();
          return; // the server died under us: this message was never acknowledged
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    // Kill mid-load: once enough messages were acknowledged (bounded in time).
    for (let waited = 0; acked.length < 40 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await exited(child);
    assert.ok(acked.length >= 10, `enough messages were acknowledged before the kill (${acked.length})`);

    const spool = new SqliteSpool(join(dir, 'var', 'spool.db'));
    const missing: string[] = [];
    for (const id of acked) if (!(await spool.getMessage(id))) missing.push(id);
    await spool.close();
    assert.deepEqual(missing, [], 'every acknowledged message is in the spool after SIGKILL');

    child = startGw(config);
    await waitForPort(HOST, SMTP_PORT);
    const delivered = (): Map<string, number> => {
      const seen = new Map<string, number>();
      for (const m of sink.messages) {
        const id = /with ESMTPS?A id ([0-9A-Z]{20})/.exec(m.raw.toString('latin1'))?.[1];
        if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return seen;
    };
    await sink.waitUntil(() => acked.every((id) => delivered().has(id)), 40_000, 'all acknowledged messages delivered');
    const dups = [...delivered().values()].filter((n) => n > 1).length;
    t.diagnostic(`acknowledged before SIGKILL: ${acked.length}; delivered after restart: all; duplicates: ${dups}`);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
    await sink.close();
    await dns.close();
  }
});
