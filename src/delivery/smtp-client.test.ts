/**
 * The SMTP client against the smtp-server based sink over loopback
 * (sink on 127.0.31.1, client source addresses 127.0.31.x).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accept, delay, drop, receiverReplies, reply, startSink,
  withSink as withSinkAt, type Sink, type SinkOptions } from '../../test/support/smtp-sink.js';
import { SmtpConnectError, openSmtpSession, type SmtpClientOptions, type SmtpSession } from './smtp-client.js';

const HOST = '127.0.31.1';
const fast = { connectMs: 2000, greetingMs: 3000, commandMs: 3000, dataMs: 3000 };
const body = (s: string): Buffer[] => [Buffer.from(s, 'utf8')];
const MSG = 'From: a@src.test\r\nTo: b@dst.test\r\nSubject: t\r\n\r\nhello\r\n';

const withSink = (opts: Partial<SinkOptions>, fn: (sink: Sink) => Promise<void>): Promise<void> => withSinkAt({ host: HOST, ...opts }, fn);

function open(sink: Sink, extra: Partial<SmtpClientOptions> = {}): Promise<SmtpSession> {
  return openSmtpSession({
    host: sink.host,
    port: sink.port,
    helo: 'out1.pool.test',
    tls: { mode: 'none', verify: false },
    timeouts: fast,
    ...extra,
  });
}

test('binds the pool source address and says EHLO with its name', () =>
  withSink({}, async (sink) => {
    const s = await open(sink, { localAddress: '127.0.31.7', helo: 'ip7.pool.test' });
    assert.equal(s.localAddress, '127.0.31.7');
    assert.equal(s.remoteAddress, HOST);
    assert.equal(s.greeting.code, 220);
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['b@dst.test'], body: body(MSG) });
    assert.equal(r.rcpts[0]!.final.code, 250);
    const [m] = await sink.waitFor(1, 1000);
    assert.equal(m!.remoteAddress, '127.0.31.7');
    assert.equal(m!.clientHostname, 'ip7.pool.test');
    assert.equal(m!.raw.toString(), MSG);
    assert.deepEqual(m!.rcptTo, ['b@dst.test']);
    await s.quit();
    assert.equal(s.usable, false);
  }));

for (const pipelining of [true, false]) {
  test(`mixed per-recipient results, then all rejected, on one connection (pipelining ${pipelining})`, () =>
    withSink({ pipelining }, async (sink) => {
      sink.script('nobody@dst.test', receiverReplies.userUnknown);
      sink.script('busy@dst.test', receiverReplies.mailboxBusy);
      const s = await open(sink, { localAddress: '127.0.31.8' });
      assert.equal(s.extensions.has('PIPELINING'), pipelining);
      const r1 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['ok@dst.test', 'nobody@dst.test', 'busy@dst.test'], body: body(MSG) });
      assert.deepEqual(
        r1.rcpts.map((x) => [x.rcpt, x.reply.code, x.final.code, x.final.enhanced, x.local]),
        [
          ['ok@dst.test', 250, 250, undefined, false],
          ['nobody@dst.test', 550, 550, '5.1.1', false],
          ['busy@dst.test', 450, 450, '4.2.1', false],
        ],
      );
      assert.equal(r1.data?.code, 250);
      assert.equal(r1.failure, undefined);
      await sink.waitFor(1, 1000);
      assert.deepEqual(sink.messages[0]!.rcptTo, ['ok@dst.test']);

      const r2 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['nobody@dst.test', 'busy@dst.test'], body: body(MSG) });
      assert.deepEqual(r2.rcpts.map((x) => x.final.code), [550, 450]);
      assert.equal(r2.data, undefined, 'no DATA outcome when nobody was accepted');
      assert.equal(s.usable, true);
      assert.equal(sink.stats.dataRejected, 0);

      const r3 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['ok@dst.test'], body: body(MSG) });
      assert.equal(r3.rcpts[0]!.final.code, 250, 'the connection carries on after the refused transaction');
      assert.equal(sink.messages.length, 2);
      assert.equal(sink.stats.connections, 1);
      await s.quit();
    }));
}

test('reuses one connection for three transactions, null sender included', () =>
  withSink({}, async (sink) => {
    const s = await open(sink);
    for (const from of ['a@src.test', '', 'c@src.test']) {
      const r = await s.send({ mailFrom: from, rcptTo: ['x@dst.test'], body: body(`Subject: ${from}\r\n\r\nx\r\n`) });
      assert.equal(r.rcpts[0]!.final.code, 250);
    }
    await sink.waitFor(3, 1000);
    assert.deepEqual(sink.messages.map((m) => m.mailFrom), ['a@src.test', '', 'c@src.test']);
    assert.equal(new Set(sink.messages.map((m) => m.connectionId)).size, 1);
    assert.equal(sink.stats.connections, 1);
    await s.quit();
  }));

test('dot-stuffing survives the round trip', () =>
  withSink({}, async (sink) => {
    const s = await open(sink);
    const cases: { chunks: string[]; expect: string }[] = [
      { chunks: ['.starts with a dot\r\n..two\r\n.\r\nend\r\n'], expect: '.starts with a dot\r\n..two\r\n.\r\nend\r\n' },
      { chunks: ['.'], expect: '.\r\n' },
      { chunks: ['.\r\n'], expect: '.\r\n' },
      { chunks: ['Subject: x\r\n\r\na\r\n', '.b\r\n', '.', '\r\n'], expect: 'Subject: x\r\n\r\na\r\n.b\r\n.\r\n' },
      { chunks: ['no final newline'], expect: 'no final newline\r\n' },
    ];
    for (const c of cases) {
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: c.chunks.map((x) => Buffer.from(x)) });
      assert.equal(r.data?.code, 250);
    }
    await sink.waitFor(cases.length, 1000);
    assert.deepEqual(
      sink.messages.map((m) => m.raw.toString()),
      cases.map((c) => c.expect),
    );
    await s.quit();
  }));

test('STARTTLS: opportunistic without verification, required with a trusted CA, verification failure', () =>
  withSink({ tls: true }, async (sink) => {
    const s = await open(sink, { tls: { mode: 'opportunistic', verify: false } });
    assert.equal(s.tls, true);
    assert.match(s.tlsInfo!.protocol, /^TLSv1\.[23]$/);
    assert.equal(s.tlsInfo!.authorized, false, 'self-signed and not trusted');
    assert.equal(s.extensions.has('STARTTLS'), false, 'extensions come from the EHLO after TLS');
    await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    await sink.waitFor(1, 1000);
    assert.equal(sink.messages[0]!.secure, true);
    await s.quit();

    const v = await open(sink, { tls: { mode: 'required', verify: true, servername: 'sink.test', ca: sink.certificate! } });
    assert.equal(v.tlsInfo!.authorized, true);
    await v.quit();

    await assert.rejects(open(sink, { tls: { mode: 'required', verify: true, servername: 'sink.test' } }), (e: unknown) => {
      assert.ok(e instanceof SmtpConnectError);
      assert.equal(e.phase, 'tls');
      return true;
    });
    await assert.rejects(open(sink, { tls: { mode: 'opportunistic', verify: true, servername: 'other.test', ca: sink.certificate! } }), {
      name: 'SmtpConnectError',
      phase: 'tls',
    });
  }));

test('no STARTTLS offered: opportunistic goes plain, required fails', () =>
  withSink({}, async (sink) => {
    const s = await open(sink, { tls: { mode: 'opportunistic', verify: false } });
    assert.equal(s.tls, false);
    assert.equal(s.tlsInfo, undefined);
    await s.quit();
    await assert.rejects(open(sink, { tls: { mode: 'required', verify: false } }), {
      name: 'SmtpConnectError',
      phase: 'starttls',
      kind: 'unsupported',
    });
  }));

test('421 and 554 at the greeting are connect errors carrying the reply', () =>
  withSink({ mode: { connect: receiverReplies.gmailRateLimited } }, async (sink) => {
    await assert.rejects(open(sink), (e: unknown) => {
      assert.ok(e instanceof SmtpConnectError);
      assert.equal(e.phase, 'greeting');
      assert.equal(e.reply?.code, 421);
      assert.equal(e.reply?.enhanced, '4.7.28');
      assert.match(e.reply!.text, /unusual rate of unsolicited mail .* rate limited/);
      return true;
    });
    sink.setMode({ connect: receiverReplies.noService });
    await assert.rejects(open(sink), { name: 'SmtpConnectError', phase: 'greeting', reply: { code: 554, enhanced: '5.7.1', text: 'No SMTP service here' } });
  }));

test('a refused MAIL FROM becomes every recipient\'s result, and the session goes on', () =>
  withSink({ mode: { mail: reply(550, '5.7.1 sender blocked') } }, async (sink) => {
    const s = await open(sink);
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test', 'y@dst.test'], body: body(MSG) });
    assert.equal(r.mailFrom.code, 550);
    assert.deepEqual(r.rcpts.map((x) => [x.reply.code, x.final.code, x.final.text]), [
      [550, 550, 'sender blocked'],
      [550, 550, 'sender blocked'],
    ]);
    assert.equal(r.data, undefined);
    assert.equal(s.usable, true);
    sink.setMode({});
    const r2 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    assert.equal(r2.rcpts[0]!.final.code, 250);
    await s.quit();
  }));

for (const pipelining of [true, false]) {
  test(`a 421 in the middle of the recipients ends the session (pipelining ${pipelining})`, () =>
    withSink({ pipelining }, async (sink) => {
      sink.script('two@dst.test', receiverReplies.gmailRateLimited);
      const s = await open(sink);
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['one@dst.test', 'two@dst.test', 'three@dst.test'], body: body(MSG) });
      assert.deepEqual(r.rcpts.map((x) => [x.reply.code, x.final.code, x.final.enhanced, x.local]), [
        [250, 421, '4.7.28', false],
        [421, 421, '4.7.28', false],
        [421, 421, '4.7.28', false],
      ]);
      assert.equal(r.data, undefined);
      assert.equal(s.usable, false);
      await assert.rejects(s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) }), { name: 'SmtpSessionError' });
      assert.equal(sink.messages.length, 0);
      s.close();
    }));
}

test('a connection dropped during DATA defers every accepted recipient with a local reply', () =>
  withSink({ mode: { 'data-start': drop(64 * 1024) } }, async (sink) => {
    sink.script('nobody@dst.test', receiverReplies.userUnknown);
    const s = await open(sink);
    const big = Buffer.alloc(1024 * 1024, 'abcdefgh\r\n');
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test', 'nobody@dst.test'], body: [Buffer.from('Subject: big\r\n\r\n'), big] });
    assert.equal(r.failure?.phase, 'data-end');
    assert.ok(r.failure?.kind === 'closed' || r.failure?.kind === 'network', r.failure?.kind);
    assert.deepEqual(r.rcpts.map((x) => [x.final.code, x.local]), [
      [451, true],
      [550, false],
    ]);
    assert.equal(r.rcpts[0]!.final.enhanced, '4.4.2');
    assert.match(r.rcpts[0]!.final.text, /may have been delivered/);
    assert.equal(s.usable, false);
    assert.equal(sink.stats.drops, 1);
    assert.equal(sink.messages.length, 0);
  }));

test('a connection dropped after the body, before the reply, also defers', () =>
  withSink({ mode: { data: drop() } }, async (sink) => {
    const s = await open(sink);
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    assert.equal(r.failure?.phase, 'data-end');
    assert.equal(r.rcpts[0]!.final.code, 451);
    assert.equal(r.rcpts[0]!.local, true);
    assert.equal(s.usable, false);
  }));

test('timeouts: a slow greeting, a slow end-of-data reply', () =>
  withSink({ mode: { connect: delay(1500) } }, async (sink) => {
    await assert.rejects(open(sink, { timeouts: { ...fast, greetingMs: 300 } }), {
      name: 'SmtpConnectError',
      phase: 'greeting',
      kind: 'timeout',
    });
    sink.setMode({ data: delay(1500) });
    const s = await open(sink, { timeouts: { ...fast, dataMs: 300 } });
    const t0 = Date.now();
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    assert.ok(Date.now() - t0 < 1200, 'gave up at the data timeout');
    assert.deepEqual(r.failure && [r.failure.phase, r.failure.kind], ['data-end', 'timeout']);
    assert.equal(r.rcpts[0]!.final.code, 451);
    assert.equal(s.usable, false);
  }));

test('SIZE and BODY=8BITMIME parameters when offered and needed', () =>
  withSink({ size: 10_000_000 }, async (sink) => {
    const s = await open(sink);
    assert.equal(s.sizeLimit, 10_000_000);
    const ascii = Buffer.from(MSG);
    const eight = Buffer.from('Subject: caf\u00e9\r\n\r\nna\u00efve\r\n', 'utf8');
    await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: [ascii] });
    await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: [ascii, eight], size: 12345 });
    await sink.waitFor(2, 1000);
    assert.deepEqual(sink.messages[0]!.mailParams, { SIZE: String(ascii.length) });
    assert.deepEqual(sink.messages[1]!.mailParams, { SIZE: '12345', BODY: '8BITMIME' });
    assert.deepEqual(sink.messages[1]!.raw, Buffer.concat([ascii, eight]));
    await s.quit();
  }));

test('SMTPUTF8 for non-ASCII addresses; refused locally when the server lacks it', () =>
  withSink({}, async (sink) => {
    const s = await open(sink);
    const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['j\u00f6rg@dst.test'], body: body(MSG) });
    assert.equal(r.rcpts[0]!.final.code, 250);
    await sink.waitFor(1, 1000);
    assert.equal(sink.messages[0]!.mailParams['SMTPUTF8'], true);
    assert.deepEqual(sink.messages[0]!.rcptTo, ['j\u00f6rg@dst.test']);
    await s.quit();
  }).then(() =>
    withSink({ serverOptions: { hideSMTPUTF8: true } }, async (sink) => {
      const s = await open(sink);
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['j\u00f6rg@dst.test', 'plain@dst.test'], body: body(MSG) });
      assert.deepEqual(r.rcpts.map((x) => [x.final.code, x.final.enhanced, x.local]), [
        [553, '5.6.7', true],
        [250, undefined, false],
      ]);
      await sink.waitFor(1, 1000);
      assert.deepEqual(sink.messages[0]!.rcptTo, ['plain@dst.test']);
      assert.equal(sink.messages[0]!.mailParams['SMTPUTF8'], undefined);
      await s.quit();
    }),
  ));

test('a delayed but timely reply is waited for; scripted answers change per attempt', () =>
  withSink({ mode: { rcpt: delay(200) } }, async (sink) => {
    sink.script('x@dst.test', receiverReplies.mailboxBusy, accept());
    const s = await open(sink);
    const r1 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test', 'y@dst.test'], body: body(MSG) });
    assert.deepEqual(r1.rcpts.map((x) => x.final.code), [450, 250]);
    const r2 = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    assert.deepEqual(r2.rcpts.map((x) => x.final.code), [250]);
    await s.quit();
  }));

test('misuse throws: no recipients, CR/LF in an address, concurrent sends', () =>
  withSink({ mode: { data: delay(100) } }, async (sink) => {
    const s = await open(sink);
    await assert.rejects(s.send({ mailFrom: 'a@src.test', rcptTo: [], body: body(MSG) }), TypeError);
    await assert.rejects(s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test>\r\nRCPT TO:<y@dst.test'], body: body(MSG) }), TypeError);
    const first = s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) });
    await assert.rejects(s.send({ mailFrom: 'a@src.test', rcptTo: ['x@dst.test'], body: body(MSG) }), { name: 'SmtpSessionError' });
    assert.equal((await first).rcpts[0]!.final.code, 250);
    assert.equal(s.usable, true);
    await s.quit();
  }));

test('connection refused is a connect error', async () => {
  const sink = await startSink({ host: HOST });
  const port = sink.port;
  await sink.close();
  await assert.rejects(
    openSmtpSession({ host: HOST, port, helo: 'x.test', tls: { mode: 'none', verify: false }, timeouts: fast }),
    { name: 'SmtpConnectError', phase: 'connect', kind: 'network' },
  );
});
