/**
 * Tenant limits through the real gateway: the SMTP reply at end of DATA
 * (exact text), the HTTP API's answer for the same block, the
 * limit-exceeded platform event, and the CLI's `limits set` and
 * `tenant unblock` working against the running gateway.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformEvent } from '../events/bus.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';
import { rawSmtp } from '../../test/support/raw-smtp.js';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));
let t: TestGateway;
let configFile: string;
const events: PlatformEvent[] = [];

before(async () => {
  t = await startTestGateway({
    host: '127.0.72.1',
    config: { limits: { enabled: true, tenant: { messagesPerMinute: 2, recipientsPerHour: 0, recipientsPerDay: 0 }, user: { messagesPerMinute: 0, recipientsPerHour: 0, recipientsPerDay: 0 } }, delivery: { hold: true } },
  });
  t.gw.events.on((e) => events.push(e));
  configFile = join(t.dataDir, 'cli.yaml');
  writeFileSync(configFile, `dataDir: ${t.dataDir}\n`);
});
after(async () => t.stop());

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--config', configFile], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function session(user: string, pass: string, domain: string, n: number): Promise<string[]> {
  const s = await rawSmtp(t.host, t.smtpPort);
  try {
    await s.read();
    await s.cmd('EHLO client.test');
    assert.match(await s.authPlain(user, pass), /^235/);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      assert.match(await s.cmd(`MAIL FROM:<ann@${domain}>`), /^250/);
      assert.match(await s.cmd('RCPT TO:<bob@example.net>'), /^250/);
      assert.match(await s.cmd('DATA'), /^354/);
      out.push(await s.cmd(`From: ann@${domain}\r\nTo: bob@example.net\r\nSubject: n${i}\r\n\r\nhello\r\n.`));
    }
    await s.cmd('QUIT');
    return out;
  } finally {
    s.close();
  }
}

test('throttle: the third message in a minute gets 451 4.7.1 naming the limit, the numbers and when to retry', async () => {
  const replies = await session(t.tenant.user, t.tenant.password, 'acme.test', 3);
  assert.match(replies[0]!, /^250 /);
  assert.match(replies[1]!, /^250 /);
  assert.match(replies[2]!, /^451 4\.7\.1 Sending limit reached for tenant acme \(messages per minute limit 2: 2 in the last minute, this message adds 1\); try again after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const ev = events.find((e) => e.type === 'limit-exceeded' && e.tenantId === 'acme');
  assert.ok(ev);
  assert.equal(ev.data['limit'], 'messagesPerMinute');
  assert.equal(ev.data['action'], 'throttle');
});

test('block (set per tenant by the CLI): 550 5.1.8 over SMTP and HTTP until `outpost tenant unblock`', async () => {
  const beta = await t.addTenant('beta', 'beta.test');
  const set = cli('tenant', 'limits', 'beta', 'messagesPerMinute=1', 'action=block');
  assert.equal(set.code, 0, set.err);
  await new Promise((r) => setTimeout(r, 2100)); // the gateway re-reads overrides every 2 s
  const replies = await session(beta.user, beta.password, 'beta.test', 2);
  assert.match(replies[0]!, /^250 /);
  assert.equal(replies[1], '550 5.1.8 Tenant beta is blocked from sending until an operator unblocks it: messages per minute limit exceeded (messages per minute limit 1: 1 in the last minute, this message adds 1)');
  const res = await fetch(`${t.baseUrl}/v1/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${beta.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'ann@beta.test', to: ['bob@example.net'], subject: 'x', text: 'y' }),
  });
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(res.status, 400);
  assert.match(body.error.message, /blocked from sending until an operator unblocks it/);
  assert.ok(events.some((e) => e.type === 'limit-exceeded' && e.tenantId === 'beta' && e.data['action'] === 'block'));
  const shown = cli('limits', 'show', 'beta');
  assert.match(shown.out, /BLOCKED:\n {2}tenant since .* until an operator unblocks: tenant beta: messages per minute limit exceeded/);
  const un = cli('tenant', 'unblock', 'beta');
  assert.equal(un.code, 0, un.err);
  assert.match(un.out, /1 block\(s\) lifted/);
  await new Promise((r) => setTimeout(r, 2100));
  const after = await session(beta.user, beta.password, 'beta.test', 1);
  assert.match(after[0]!, /^250 /);
});
