import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));

function setup(extra = ''): { run: (...a: string[]) => { code: number | null; out: string; err: string }; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'var')}\n${extra}`);
  const run = (...a: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...a, '--config', config], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  return { run, config };
}

test('tenant lifecycle through the CLI; secrets printed once, never listed', () => {
  const { run } = setup();
  assert.equal(run('tenant', 'add', 'acme', '--domain', 'acme.test', '--domain', 'mail.acme.test').code, 0);
  const creds = run('tenant', 'credentials', 'acme');
  assert.equal(creds.code, 0);
  const password = /password: (\S+)/.exec(creds.out)?.[1];
  assert.ok(password);
  const key = run('tenant', 'credentials', 'acme', '--api').out.trim().split('\n').at(-1)!;
  assert.match(key, /^op_[0-9a-f]{12}_/);
  const list = run('tenant', 'list');
  assert.match(list.out, /acme\s+enabled\s+acme\.test,mail\.acme\.test/);
  const show = run('tenant', 'show', 'acme');
  assert.match(show.out, /smtp_[0-9a-f]+\s+smtp\s+acme/);
  assert.ok(!show.out.includes(password) && !show.out.includes(key.slice('op_000000000000_'.length)), 'show never prints secrets');
  assert.match(run('tenant', 'disable', 'acme').out, /acme disabled/);
  const json = JSON.parse(run('tenant', 'show', 'acme', '--json').out) as { enabled: boolean };
  assert.equal(json.enabled, false);
});

test('clear one-line errors: unknown tenant, duplicate, bad usage, unknown command', () => {
  const { run } = setup();
  const r1 = run('tenant', 'show', 'ghost');
  assert.equal(r1.code, 1);
  assert.equal(r1.err.trim(), 'outpost: no tenant named "ghost"');
  run('tenant', 'add', 'acme', '--domain', 'acme.test');
  assert.match(run('tenant', 'add', 'evil', '--domain', 'acme.test').err, /^outpost: domain acme\.test is already verified for another tenant$/m);
  assert.match(run('tenant', 'add').err, /usage: outpost tenant add NAME/);
  assert.equal(run('frobnicate').code, 2);
  assert.match(run('queue', 'delete', 'NOSUCHID').err, /not in the queue/);
});

test('an unknown or wrong config key stops with one line naming it, no stack trace', () => {
  const { run } = setup('smtp:\n  maxRecipents: 5\ndelivery:\n  maxQueueAge: forever\n');
  const r = run('config', 'check');
  assert.equal(r.code, 2);
  const lines = r.err.trim().split('\n');
  assert.ok(lines.some((l) => /unknown key smtp\.maxRecipents$/.test(l)), r.err);
  assert.ok(lines.some((l) => /delivery\.maxQueueAge: invalid duration "forever"/.test(l)), r.err);
  assert.ok(!/\bat .*\.js:\d+/.test(r.err), 'no stack trace');
  const s = run('start');
  assert.equal(s.code, 2);
  assert.match(s.err, /unknown key smtp\.maxRecipents/);
});

test('pool status / disable / enable and queue counts', () => {
  const { run } = setup();
  assert.match(run('pool', 'status').out, /127\.0\.0\.1\s+default\s+localhost\s+in/);
  assert.match(run('pool', 'disable', '127.0.0.1', '--reason', 'listed on a DNSBL').out, /out of rotation/);
  assert.match(run('pool', 'list').out, /127\.0\.0\.1\s+default\s+localhost\s+OUT\s+out of rotation: listed on a DNSBL \(operator, since /);
  assert.match(run('pool', 'show', '127.0.0.1').out, /rotation: OUT\n  - out of rotation: listed on a DNSBL/);
  assert.match(run('pool', 'disable', '10.9.9.9').err, /not an IP of any configured pool/);
  assert.match(run('pool', 'enable', '127.0.0.1').out, /back in rotation/);
  assert.match(run('queue').out, /messages:\s+none/);
});
