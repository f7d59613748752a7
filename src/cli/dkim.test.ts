/**
 * `outpost dkim generate|list|check` through the real command (bin/outpost.js
 * in a child process), with `check` resolving through a loopback DNS server
 * named in the config's dns.servers. The child runs asynchronously so this
 * process's DNS server can answer it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { openSqlite } from '../db/sqlite.js';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));
const MASTER = 'ab'.repeat(32);
let dns: DnsTestServer;

before(async () => {
  dns = await startDnsServer({ host: '127.0.41.53', ttl: 0, negativeTtl: 0 });
});
after(() => dns.close());

function setup(extra = ''): { run: (...a: string[]) => Promise<{ code: number; out: string; err: string }>; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-dkim-'));
  const config = join(dir, 'c.yaml');
  const dataDir = join(dir, 'var');
  writeFileSync(config, `dataDir: ${dataDir}\nplatform: { domain: platform.test${extra} }\ndns: { servers: ['${dns.server}'], timeout: 1s }\n`);
  const run = (...a: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...a, '--config', config], { encoding: 'utf8', timeout: 20_000 }, (err, out, errOut) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errOut });
      });
    });
  return { run, dataDir };
}

test('dkim generate prints the TXT record (never the private key); check finds missing, matching and wrong records', async () => {
  const { run, dataDir } = setup();
  assert.equal((await run('tenant', 'add', 'acme', '--domain', 'acme.test')).code, 0);

  const refused = await run('dkim', 'generate', 'stranger.test');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /stranger\.test is not a verified domain of any tenant/);

  const g = await run('dkim', 'generate', 'acme.test', '--selector', 's1', '--algo', 'ed25519');
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^name: {2}s1\._domainkey\.acme\.test$/m);
  const value = /^value: (v=DKIM1; k=ed25519; p=\S+)$/m.exec(g.out)?.[1];
  assert.ok(value, g.out);
  assert.ok(!/PRIVATE KEY/.test(g.out + g.err), 'the private key is never printed');
  assert.match((await run('dkim', 'generate', 'acme.test', '--selector', 's2')).err, /already has an active key \(selector "s1"\)/);

  const list = await run('dkim', 'list');
  assert.match(list.out, /acme\.test\s+s1\s+ed25519-sha256\s+active\s+\S+\s+plain/);
  assert.ok(!/PRIVATE KEY/.test(list.out));

  const missing = await run('dkim', 'check', 'acme.test');
  assert.equal(missing.code, 1);
  assert.match(missing.out, /^MISSING s1\._domainkey\.acme\.test: the name does not exist/m);

  dns.set('s1._domainkey.acme.test', { TXT: ['v=DKIM1; k=ed25519; p=AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'] });
  const wrong = await run('dkim', 'check', 'acme.test');
  assert.equal(wrong.code, 1);
  assert.match(wrong.out, /^MISMATCH s1\._domainkey\.acme\.test/m);

  dns.set('s1._domainkey.acme.test', { TXT: [value] });
  const ok = await run('dkim', 'check', 'acme.test');
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /^OK s1\._domainkey\.acme\.test: the published TXT record matches the stored ed25519-sha256 key$/m);

  // Stored as plain PEM without a master key.
  const db = openSqlite(join(dataDir, 'state.db'));
  const row = db.prepare(`SELECT private_key FROM dkim_keys WHERE domain = 'acme.test'`).get() as { private_key: string };
  db.close();
  assert.match(row.private_key, /^-----BEGIN PRIVATE KEY-----/);
});

test('with platform.masterKey the private key is stored sealed; RSA record for the platform domain', async () => {
  const { run, dataDir } = setup(`, masterKey: '${MASTER}'`);
  const g = await run('dkim', 'generate', 'platform.test', '--selector', 'p1');
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^value: v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/m);
  assert.match(g.out, /^p1\._domainkey\.platform\.test\. IN TXT "[^"]{255}" "/m, 'zone-file form split at 255 octets');
  assert.match((await run('dkim', 'list')).out, /platform\.test\s+p1\s+rsa-sha256\s+active\s+\S+\s+sealed/);
  const db = openSqlite(join(dataDir, 'state.db'));
  const row = db.prepare(`SELECT private_key FROM dkim_keys WHERE domain = 'platform.test'`).get() as { private_key: string };
  db.close();
  assert.match(row.private_key, /^outpost-sealed:v1:/);
  assert.ok(!row.private_key.includes('PRIVATE KEY'));
});

test('dkim rotate: pending key with its record printed; --check activates it once published; list shows the old key retiring', async () => {
  const { run } = setup();
  assert.equal((await run('tenant', 'add', 'acme', '--domain', 'rot.acme.test')).code, 0);
  assert.match((await run('dkim', 'rotate', 'rot.acme.test')).err, /has no active key to rotate/);
  assert.equal((await run('dkim', 'generate', 'rot.acme.test', '--selector', 'a1', '--algo', 'ed25519')).code, 0);
  const r = await run('dkim', 'rotate', 'rot.acme.test', '--selector', 'a2', '--grace', '2d');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /created pending ed25519-sha256 key/, 'the algorithm follows the current key');
  const value = /^value: (v=DKIM1; \S+; p=\S+)$/m.exec(r.out)?.[1];
  assert.ok(value, r.out);
  assert.match((await run('dkim', 'rotate', 'rot.acme.test', '--grace', 'soon')).err, /invalid --grace "soon"/);

  const waiting = await run('dkim', 'rotate', 'rot.acme.test', '--check');
  assert.equal(waiting.code, 1);
  assert.match(waiting.out, /^PENDING a2\._domainkey\.rot\.acme\.test: the name does not exist; the current key stays active$/m);
  dns.set('a2._domainkey.rot.acme.test', { TXT: [value] });
  const done = await run('dkim', 'rotate', 'rot.acme.test', '--check');
  assert.equal(done.code, 0, done.out + done.err);
  assert.match(done.out, /^ACTIVATED a2\._domainkey\.rot\.acme\.test/m);
  const list = (await run('dkim', 'list')).out;
  assert.match(list, /rot\.acme\.test\s+a1\s+ed25519-sha256\s+retiring\s+\S+\s+plain\s+\d{4}-/);
  assert.match(list, /rot\.acme\.test\s+a2\s+ed25519-sha256\s+active/);
});
