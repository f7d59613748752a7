import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './load.js';

test('defaults give the documented listeners and pools', () => {
  const c = parseConfig({});
  assert.deepEqual(c.smtp.listen.map((l) => `${l.host}:${l.port}/${l.tls}`), ['127.0.0.1:2587/starttls', '127.0.0.1:2465/implicit']);
  assert.equal(c.http.listen.port, 8025);
  assert.ok(c.pools['default'] && c.pools['high-risk']);
  assert.equal(c.delivery.retrySchedule[0], 300_000);
  assert.equal(c.delivery.maxQueueAge, 5 * 86_400_000);
});

test('an unknown key is named in one line', () => {
  assert.throws(() => parseConfig({ smtp: { maxRecipents: 5 } }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems, ['config: unknown key smtp.maxRecipents']);
    return true;
  });
});

test('a wrong value names the key and the problem', () => {
  assert.throws(() => parseConfig({ delivery: { retrySchedule: ['5m', 'soon'] } }), /delivery\.retrySchedule\[1\]: invalid duration "soon"/);
  assert.throws(() => parseConfig({ pools: { default: { ips: [{ ip: 'nope', helo: 'x' }] } } }), /pools\.default\.ips\[0\]\.ip: expected an IPv4 or IPv6 address/);
});

test('YAML file: bad syntax and missing file are clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'smtp: [\n');
  assert.throws(() => loadConfig(bad), /not valid YAML/);
  assert.throws(() => loadConfig(join(dir, 'none.yaml')), /cannot read: ENOENT/);
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'http:\n  listen: { port: 9000 }\ndelivery:\n  maxQueueAge: 2d\n');
  const c = loadConfig(good);
  assert.equal(c.http.listen.port, 9000);
  assert.equal(c.delivery.maxQueueAge, 2 * 86_400_000);
});

test('routes and EHLO names are checked at load, not at first use', () => {
  assert.throws(() => parseConfig({ routes: [{ match: 'a.test', host: 'h', port: 25 }, { match: 'a.test', host: 'i', port: 25 }] }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.problems[0]!, /^config: routes\[1\].*duplicate/);
    return true;
  });
  assert.throws(() => parseConfig({ pools: { default: { ips: [{ ip: '127.0.0.1', helo: 'bad name' }] }, 'high-risk': { ips: [{ ip: '127.0.0.2', helo: 'x.test' }] } } }), /pools\.default\.ips\[0\]\.helo: expected a host name/);
});
