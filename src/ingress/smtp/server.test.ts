import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { rawSmtp } from '../../../test/support/raw-smtp.js';
import { startTestGateway, type TestGateway } from '../../../test/support/gateway.js';

const HOST = '127.0.20.1';
let t: TestGateway;
let other: { user: string; password: string; apiKey: string };

before(async () => {
  // Delivery goes nowhere in these tests (no DNS): only ingress is exercised.
  t = await startTestGateway({
    host: HOST,
    config: {
      smtp: { maxMessageBytes: 20_000, maxRecipients: 3, maxConnectionsPerIp: 6, maxConnectionsPerTenant: 3, authFailures: { max: 3, window: '1m', lockout: '1m' } },
      delivery: { maxReady: 1 },
    },
  });
  other = await t.addTenant('globex', 'globex.test');
});
after(async () => t.stop());

function transport(user = t.tenant.user, pass = t.tenant.password, port = t.smtpPort, secure = false) {
  return nodemailer.createTransport({ host: HOST, port, secure, auth: { user, pass }, tls: { rejectUnauthorized: false }, requireTLS: !secure });
}

async function countMessages(): Promise<number> {
  const c = await t.gw.spool.counts();
  return Object.values(c.messages).reduce((a, b) => a + b, 0);
}

describe('SMTP submission', () => {
  test('STARTTLS + AUTH PLAIN: a message gets 250 with its id and is in the spool with its history', async () => {
    const info = await transport().sendMail({ from: 'Ann <ann@acme.test>', to: 'bob@example.net', subject: 'hello', text: 'hi' });
    const m = /queued as ([0-9A-Z]{20})/.exec(info.response);
    assert.ok(m, info.response);
    assert.match(info.response, /^250 2\.0\.0 /);
    const v = await t.gw.spool.getMessage(m[1]!);
    assert.equal(v?.tenantId, 'acme');
    const ev = await t.gw.spool.events(m[1]!);
    assert.equal(ev[0]?.type, 'received');
    assert.equal(ev[0]?.data?.['tls'], true);
    assert.equal(ev[0]?.data?.['clientIp'], '127.0.0.1');
    assert.equal(ev[1]?.type, 'queued');
  });

  test('implicit TLS port with AUTH LOGIN', async () => {
    const tr = nodemailer.createTransport({ host: HOST, port: t.smtpsPort, secure: true, auth: { user: t.tenant.user, pass: t.tenant.password, method: 'LOGIN' }, tls: { rejectUnauthorized: false } });
    const info = await tr.sendMail({ from: 'ann@acme.test', to: 'bob@example.net', subject: 'x', text: 'y' });
    assert.match(info.response, /^250 /);
  });

  test('no open relay: MAIL and RCPT without AUTH are refused, nothing is stored', async () => {
    const before = await countMessages();
    const c = await rawSmtp(HOST, t.smtpPort);
    assert.match(await c.read(), /^220 /);
    assert.match(await c.cmd('EHLO relay-tester.test'), /^250/);
    assert.match(await c.cmd('MAIL FROM:<ann@acme.test>'), /^530 5\.7\.0 Authentication required/);
    assert.match(await c.cmd('RCPT TO:<victim@example.net>'), /^5\d\d /);
    assert.match(await c.cmd('DATA'), /^5\d\d /);
    c.close();
    assert.equal(await countMessages(), before);
  });

  test('AUTH is refused on plain text from a non-loopback-allowed config', async () => {
    const strict = await startTestGateway({ host: '127.0.20.2', config: { smtp: { allowPlainAuthOnLoopback: false } } });
    try {
      const c = await rawSmtp('127.0.20.2', strict.smtpPort);
      await c.read();
      await c.cmd('EHLO x.test');
      assert.match(await c.authPlain(strict.tenant.user, strict.tenant.password), /^538 /);
      c.close();
      const info = await nodemailer
        .createTransport({ host: '127.0.20.2', port: strict.smtpPort, requireTLS: true, auth: { user: strict.tenant.user, pass: strict.tenant.password }, tls: { rejectUnauthorized: false } })
        .sendMail({ from: 'ann@acme.test', to: 'b@example.net', text: 'x' });
      assert.match(info.response, /^250 /);
    } finally {
      await strict.stop();
    }
  });

  test('wrong password is 535; repeated failures lock the client out (454)', async () => {
    const victim = await t.addTenant('initech', 'initech.test');
    // From its own source address, so the lockout does not affect the other tests.
    const c = await rawSmtp(HOST, t.smtpPort, '127.0.20.9');
    await c.read();
    await c.cmd('EHLO x.test');
    assert.match(await c.authPlain('initech', 'wrong'), /^535 5\.7\.8/);
    assert.match(await c.authPlain('initech', 'wrong'), /^535 5\.7\.8/);
    assert.match(await c.authPlain('initech', 'wrong'), /^535 5\.7\.8/);
    assert.match(await c.authPlain('initech', victim.password), /^454 4\.7\.0 Too many failed login attempts/, 'even the right password is refused while locked');
    c.close();
    const d = await rawSmtp(HOST, t.smtpPort, '127.0.20.10');
    await d.read();
    await d.cmd('EHLO x.test');
    assert.match(await d.authPlain('initech', victim.password), /^454 4\.7\.0/, 'the username is locked from other addresses too');
    d.close();
  });

  test("a tenant cannot send as another tenant's domain (envelope or header)", async () => {
    await assert.rejects(transport().sendMail({ from: 'ceo@globex.test', to: 'b@example.net', text: 'x' }), /550 5\.7\.1 Sender domain globex\.test is not a verified domain/);
    await assert.rejects(
      transport().sendMail({ envelope: { from: 'ann@acme.test', to: ['b@example.net'] }, from: 'ceo@globex.test', to: 'b@example.net', text: 'x' }),
      /550 5\.7\.1 From: domain globex\.test is not a verified domain/,
    );
  });

  test('size limit: 552 5.3.4', async () => {
    await assert.rejects(transport().sendMail({ from: 'ann@acme.test', to: 'b@example.net', text: 'x'.repeat(30_000) }), /552 5\.3\.4 Message too big/);
  });

  test('recipients per message: 452 4.5.3 past the limit', async () => {
    const c = await rawSmtp(HOST, t.smtpPort);
    await c.read();
    await c.cmd('EHLO x.test');
    assert.match(await c.authPlain(other.user, other.password), /^235/);
    assert.match(await c.cmd('MAIL FROM:<x@globex.test>'), /^250/);
    for (let i = 0; i < 3; i++) assert.match(await c.cmd(`RCPT TO:<r${i}@example.net>`), /^250/);
    assert.match(await c.cmd('RCPT TO:<r4@example.net>'), /^452 4\.5\.3 Too many recipients/);
    assert.match(await c.cmd('RCPT TO:<not an address>'), /^5\d\d /);
    c.close();
  });

  test('concurrent connections are capped per tenant and per client IP', async () => {
    const open = await Promise.all([0, 1, 2].map(() => rawSmtp(HOST, t.smtpPort)));
    for (const c of open) {
      await c.read();
      await c.cmd('EHLO x.test');
      assert.match(await c.authPlain(other.user, other.password), /^235/);
    }
    const fourth = await rawSmtp(HOST, t.smtpPort);
    await fourth.read();
    await fourth.cmd('EHLO x.test');
    assert.match(await fourth.authPlain(other.user, other.password), /^454 4\.7\.0 Too many concurrent connections for this account/);
    const more = await Promise.all([0, 1, 2].map(() => rawSmtp(HOST, t.smtpPort)));
    const greetings = await Promise.all(more.map((c) => c.read()));
    assert.ok(greetings.some((g) => /^421 4\.7\.0 Too many connections from your IP/.test(g)), greetings.join(' | '));
    for (const c of [...open, fourth, ...more]) c.close();
    await new Promise((r) => setTimeout(r, 200));
  });

  describe('SMTP smuggling is impossible', () => {
    const variants: Array<[string, string]> = [
      ['\\n.\\n', '\n.\n'],
      ['\\n.\\r\\n', '\n.\r\n'],
      ['\\r.\\r', '\r.\r'],
      ['\\r\\n.\\r', '\r\n.\r'],
      ['\\r\\n\\x00.\\r\\n', '\r\n\x00.\r\n'],
      ['\\r.\\r\\n', '\r.\r\n'],
    ];
    for (const [name, seq] of variants) {
      test(`end-of-data variant ${name} does not let a second message through`, async () => {
        const before = await countMessages();
        const c = await rawSmtp(HOST, t.smtpPort);
        await c.read();
        await c.cmd('EHLO x.test');
        assert.match(await c.authPlain(other.user, other.password), /^235/);
        assert.match(await c.cmd('MAIL FROM:<a@globex.test>'), /^250/);
        assert.match(await c.cmd('RCPT TO:<b@example.net>'), /^250/);
        assert.match(await c.cmd('DATA'), /^354/);
        c.write(
          `From: a@globex.test\r\nSubject: first\r\n\r\nhello${seq}MAIL FROM:<ceo@acme.test>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nFrom: ceo@acme.test\r\nSubject: smuggled\r\n\r\nsmuggled${seq}\r\n.\r\n`,
        );
        const r = await c.read();
        assert.match(r, /^554 5\.6\.0 Message contains (bare CR or LF|NUL) characters/);
        const next = await c.cmd('NOOP');
        assert.match(next, /^250/, 'the session is still in command state, no smuggled command ran');
        c.close();
        assert.equal(await countMessages(), before, 'neither the first nor a smuggled message was stored');
      });
    }
    test('bare LF alone in DATA is rejected, a clean CRLF message is accepted', async () => {
      const c = await rawSmtp(HOST, t.smtpPort);
      await c.read();
      await c.cmd('EHLO x.test');
      await c.authPlain(other.user, other.password);
      await c.cmd('MAIL FROM:<a@globex.test>');
      await c.cmd('RCPT TO:<b@example.net>');
      await c.cmd('DATA');
      c.write('From: a@globex.test\r\nSubject: lf\r\n\r\nline one\nline two\r\n.\r\n');
      assert.match(await c.read(), /^554 5\.6\.0/);
      await c.cmd('MAIL FROM:<a@globex.test>');
      await c.cmd('RCPT TO:<b@example.net>');
      await c.cmd('DATA');
      c.write('From: a@globex.test\r\nSubject: ok\r\n\r\n..dot-stuffed line\r\n.\r\n');
      const ok = await c.read();
      assert.match(ok, /^250 2\.0\.0 Ok: queued as/);
      const id = /queued as (\S+)/.exec(ok)![1]!;
      const body = (await t.gw.spool.readBody(id))!.toString();
      assert.ok(body.endsWith('\r\n\r\n.dot-stuffed line\r\n'), 'dot-unstuffed once, CRLF kept');
      c.close();
    });
  });

  test('logs: one line per SMTP transaction with tenant and id, never a password', async () => {
    const info = await transport().sendMail({ from: 'ann@acme.test', to: 'b@example.net', text: 'log me' });
    const id = /queued as (\S+)/.exec(info.response)![1]!;
    const line = t.logLines.find((l) => l.includes(id) && l.includes('smtp transaction'));
    assert.ok(line, 'a transaction log line exists');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed['tenant'], 'acme');
    const all = t.logLines.join('\n');
    assert.ok(!all.includes(t.tenant.password), 'the SMTP password never appears in logs');
    assert.ok(!all.includes(other.password), 'nor the other tenant password');
    assert.ok(!all.includes(Buffer.from(`\0${other.user}\0${other.password}`).toString('base64')), 'nor the AUTH PLAIN blob');
  });
});

test('a full spool answers 452 4.3.1 and stores nothing; nothing is acknowledged that is not stored', async () => {
  const small = await startTestGateway({ host: '127.0.20.3', config: { spool: { maxSizeMb: 1 }, smtp: { maxMessageBytes: 2_000_000 } } });
  try {
    const tr = nodemailer.createTransport({ host: '127.0.20.3', port: small.smtpPort, auth: { user: small.tenant.user, pass: small.tenant.password }, tls: { rejectUnauthorized: false } });
    const acked: string[] = [];
    let refusal = '';
    for (let i = 0; i < 6 && !refusal; i++) {
      try {
        const info = await tr.sendMail({ from: 'ann@acme.test', to: 'b@example.net', text: `${i}`.repeat(300_000) });
        acked.push(/queued as (\S+)/.exec(info.response)![1]!);
      } catch (e) {
        refusal = (e as Error).message;
      }
    }
    assert.match(refusal, /452 4\.3\.1 Insufficient system storage/);
    for (const id of acked) assert.ok(await small.gw.spool.readBody(id), `acknowledged ${id} is stored`);
    const c = await small.gw.spool.counts();
    assert.equal(Object.values(c.messages).reduce((a, b) => a + b, 0), acked.length, 'the refused message left nothing behind');
  } finally {
    await small.stop();
  }
});
