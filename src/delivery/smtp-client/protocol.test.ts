/**
 * Wire-level behaviour of the SMTP client against a scripted raw peer
 * (127.0.33.1): what is sent, in which batches, and how odd servers are met.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSmtpSession, type SmtpClientOptions, type SmtpSession } from '../smtp-client.js';
import { standardReply, startScriptPeer, type PeerConn, type ScriptPeer } from './script-peer.js';

const HOST = '127.0.33.1';
const fast = { connectMs: 1000, greetingMs: 1000, commandMs: 1000, dataMs: 1000 };
const MSG = [Buffer.from('Subject: t\r\n\r\nhi\r\n')];

async function withPeer(
  onCommand: (line: string, conn: PeerConn) => string | null,
  fn: (peer: ScriptPeer, open: (o?: Partial<SmtpClientOptions>) => Promise<SmtpSession>) => Promise<void>,
  greeting?: string | null,
): Promise<void> {
  const peer = await startScriptPeer({ host: HOST, onCommand, ...(greeting !== undefined ? { greeting } : {}) });
  const open = (o: Partial<SmtpClientOptions> = {}): Promise<SmtpSession> =>
    openSmtpSession({ host: HOST, port: peer.port, helo: 'out.test', tls: { mode: 'none', verify: false }, timeouts: fast, ...o });
  try {
    await fn(peer, open);
  } finally {
    await peer.close();
  }
}

test('with PIPELINING, MAIL, every RCPT and DATA leave in one batch; without it, one at a time', async () => {
  for (const ext of [['PIPELINING'], []]) {
    await withPeer(
      (l) => standardReply(l, ext),
      async (peer, open) => {
        const s = await open();
        const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test', 'y@d.test'], body: MSG });
        assert.equal(r.data?.code, 250);
        await s.quit();
        const c = peer.conns[0]!;
        assert.deepEqual(c.commands, ['EHLO out.test', 'MAIL FROM:<a@src.test>', 'RCPT TO:<x@d.test>', 'RCPT TO:<y@d.test>', 'DATA', 'QUIT']);
        const batch = c.batches.find((b) => b[0]!.startsWith('MAIL'))!;
        if (ext.length) assert.deepEqual(batch.length, 4, JSON.stringify(c.batches));
        else assert.ok(c.batches.every((b) => b.length === 1), JSON.stringify(c.batches));
        assert.deepEqual(c.messages, ['Subject: t\r\n\r\nhi']);
      },
    );
  }
});

test('all recipients refused: lockstep sends RSET instead of DATA', () =>
  withPeer(
    (l) => (l.startsWith('RCPT') ? '550 5.1.1 no such user' : standardReply(l, [])),
    async (peer, open) => {
      const s = await open();
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test', 'y@d.test'], body: MSG });
      assert.deepEqual(r.rcpts.map((x) => x.final.code), [550, 550]);
      assert.equal(r.data, undefined);
      assert.equal(s.usable, true);
      assert.deepEqual(peer.conns[0]!.commands.slice(1), ['MAIL FROM:<a@src.test>', 'RCPT TO:<x@d.test>', 'RCPT TO:<y@d.test>', 'RSET']);
      s.close();
    },
  ));

test('all recipients refused, pipelined: a 554 to DATA is read, then RSET; a broken 354 gets an empty end of data', async () => {
  for (const dataReply of ['554 5.5.1 no valid recipients', '354 go on anyway']) {
    await withPeer(
      (l) => (l.startsWith('RCPT') ? '550 5.1.1 no such user' : l === 'DATA' ? dataReply : standardReply(l, ['PIPELINING'])),
      async (peer, open) => {
        const s = await open();
        const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: MSG });
        assert.deepEqual(r.rcpts.map((x) => x.final.code), [550]);
        assert.equal(r.data, undefined);
        const r2 = await s.send({ mailFrom: 'b@src.test', rcptTo: ['x@d.test'], body: MSG });
        assert.equal(r2.mailFrom.code, 250, 'still in step with the server');
        const c = peer.conns[0]!;
        assert.equal(c.commands[4], 'RSET', JSON.stringify(c.commands));
        assert.deepEqual(c.messages, dataReply.startsWith('354') ? ['', ''] : [], 'no message content was sent');
        s.close();
      },
    );
  }
});

test('some recipients accepted but DATA refused: every accepted recipient gets the DATA reply, then RSET', () =>
  withPeer(
    (l) => (l === 'DATA' ? '451 4.3.0 try later' : standardReply(l, [])),
    async (peer, open) => {
      const s = await open();
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: MSG });
      assert.equal(r.data?.code, 451);
      assert.deepEqual(r.rcpts.map((x) => [x.reply.code, x.final.code]), [[250, 451]]);
      assert.equal(peer.conns[0]!.commands.at(-1), 'RSET');
      s.close();
    },
  ));

test('EHLO refused: falls back to HELO and sends no ESMTP parameters', () =>
  withPeer(
    (l) => (l.startsWith('EHLO') ? '502 5.5.1 no ESMTP here' : standardReply(l)),
    async (peer, open) => {
      const s = await open();
      assert.equal(s.extensions.size, 0);
      await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: [Buffer.from('caf\u00e9\r\n')] });
      assert.deepEqual(peer.conns[0]!.commands.slice(0, 3), ['EHLO out.test', 'HELO out.test', 'MAIL FROM:<a@src.test>']);
      s.close();
    },
  ));

test('STARTTLS refused (454) with opportunistic TLS is a connect error, not a silent fallback', () =>
  withPeer(
    (l) => (l === 'STARTTLS' ? '454 4.7.0 TLS not available' : standardReply(l, ['STARTTLS'])),
    async (_peer, open) => {
      await assert.rejects(open({ tls: { mode: 'opportunistic', verify: false } }), {
        name: 'SmtpConnectError',
        phase: 'starttls',
        reply: { code: 454, enhanced: '4.7.0', text: 'TLS not available' },
      });
    },
  ));

test('data after the 220 to STARTTLS is refused (no reply injection before TLS)', () =>
  withPeer(
    (l) => (l === 'STARTTLS' ? '220 go ahead\r\n250 injected' : standardReply(l, ['STARTTLS'])),
    async (_peer, open) => {
      await assert.rejects(open({ tls: { mode: 'opportunistic', verify: false } }), { name: 'SmtpConnectError', phase: 'tls', kind: 'protocol' });
    },
  ));

test('a server that floods a reply costs bounded memory and still answers', () =>
  withPeer(
    (l) => (l.startsWith('EHLO') ? ['250-peer.test', ...Array.from({ length: 1000 }, (_, i) => `250-X${i} ${'y'.repeat(5000)}`), '250 PIPELINING'].join('\r\n') : standardReply(l)),
    async (_peer, open) => {
      const s = await open();
      assert.ok(s.extensions.has('PIPELINING'), 'the last line is kept');
      assert.ok(s.extensions.size <= 100);
      s.close();
    },
  ));

test('garbage or a 3xx instead of a RCPT reply ends the session with a protocol failure', async () => {
  for (const bad of ['HTTP/1.1 400 Bad Request', '354 what?']) {
    await withPeer(
      (l) => (l.startsWith('RCPT') ? bad : standardReply(l, [])),
      async (_peer, open) => {
        const s = await open();
        const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: MSG });
        assert.deepEqual(r.failure && [r.failure.phase, r.failure.kind], ['rcpt', 'protocol']);
        assert.deepEqual([r.rcpts[0]!.final.code, r.rcpts[0]!.local], [451, true]);
        assert.equal(s.usable, false);
      },
    );
  }
});

test('silence: greeting, RCPT and QUIT time out within their limits', async () => {
  await withPeer(
    () => null,
    async (_peer, open) => {
      await assert.rejects(open({ timeouts: { ...fast, greetingMs: 200 } }), { name: 'SmtpConnectError', phase: 'greeting', kind: 'timeout' });
    },
    null,
  );
  await withPeer(
    (l) => (l.startsWith('RCPT') || l === 'DATA' || l === 'QUIT' ? null : standardReply(l, ['PIPELINING'])),
    async (_peer, open) => {
      const s = await open({ timeouts: { ...fast, commandMs: 200 } });
      const t0 = Date.now();
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test', 'y@d.test'], body: MSG });
      assert.ok(Date.now() - t0 < 900);
      assert.deepEqual(r.failure && [r.failure.phase, r.failure.kind], ['rcpt', 'timeout']);
      assert.deepEqual(r.rcpts.map((x) => [x.final.code, x.final.enhanced, x.local]), [
        [451, '4.4.2', true],
        [451, '4.4.2', true],
      ]);
      await s.quit();
    },
  );
  await withPeer(
    (l) => (l === 'QUIT' ? null : standardReply(l, [])),
    async (_peer, open) => {
      const s = await open({ timeouts: { ...fast, commandMs: 200 } });
      const t0 = Date.now();
      await s.quit();
      assert.ok(Date.now() - t0 < 900, 'quit() does not hang on a silent server');
    },
  );
});

test('a 421 to MAIL FROM in a pipelined batch answers for every recipient', () =>
  withPeer(
    (l, c) => {
      if (l.startsWith('MAIL')) {
        c.write('421-4.7.0 [TSS04] Messages temporarily deferred\r\n421 4.7.0 due to user complaints\r\n');
        c.end();
        return null;
      }
      return standardReply(l, ['PIPELINING']);
    },
    async (_peer, open) => {
      const s = await open();
      const r = await s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test', 'y@d.test'], body: MSG });
      assert.equal(r.mailFrom.code, 421);
      assert.deepEqual(r.rcpts.map((x) => [x.final.code, x.final.text, x.local]), [
        [421, '[TSS04] Messages temporarily deferred due to user complaints', false],
        [421, '[TSS04] Messages temporarily deferred due to user complaints', false],
      ]);
      assert.equal(r.failure, undefined);
      assert.equal(s.usable, false);
    },
  ));

test('the server closing an idle session makes it unusable', () =>
  withPeer(
    (l) => standardReply(l, []),
    async (peer, open) => {
      const s = await open();
      assert.equal(s.usable, true);
      peer.conns[0]!.write('421 4.4.2 idle timeout\r\n');
      peer.conns[0]!.end();
      const deadline = Date.now() + 1000;
      while (s.usable && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(s.usable, false);
      await assert.rejects(s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: MSG }), { name: 'SmtpSessionError' });
    },
  ));

test('an unsolicited reply between transactions makes the session unusable even if the server keeps the line open', () =>
  withPeer(
    (l) => standardReply(l, []),
    async (peer, open) => {
      const s = await open();
      peer.conns[0]!.write('421 4.3.2 going down soon\r\n');
      const deadline = Date.now() + 1000;
      while (s.usable && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(s.usable, false);
    },
  ));

test('close() during a transaction ends it with a local failure', () =>
  withPeer(
    (l) => (l === '.' ? null : standardReply(l, ['PIPELINING'])),
    async (_peer, open) => {
      const s = await open();
      const pending = s.send({ mailFrom: 'a@src.test', rcptTo: ['x@d.test'], body: MSG });
      setTimeout(() => s.close(), 100);
      const r = await pending;
      assert.deepEqual(r.failure && [r.failure.phase, r.failure.kind], ['data-end', 'closed']);
      assert.equal(r.rcpts[0]!.final.code, 451);
      assert.equal(s.usable, false);
    },
  ));
