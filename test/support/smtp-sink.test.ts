/**
 * The test sink, checked with a raw socket (not the project's SMTP client),
 * on 127.0.32.x.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { accept, delay, drop, receiverReplies, reply,
  withSink as withSinkAt, type Sink, type SinkContext, type SinkOptions } from './smtp-sink.js';

const HOST = '127.0.32.1';

interface Talk {
  /** The next complete reply, as its lines. */
  reply(): Promise<string[]>;
  send(text: string): void;
  readonly closed: Promise<void>;
  destroy(): void;
}

function talk(port: number, localAddress?: string): Talk {
  const sock = net.connect({ host: HOST, port, ...(localAddress ? { localAddress } : {}) });
  let buf = '';
  let lines: string[] = [];
  const ready: string[][] = [];
  let waiter: ((r: string[]) => void) | null = null;
  let ended = false;
  const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  sock.on('error', () => {});
  sock.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\r\n')) !== -1) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      lines.push(line);
      if (line[3] !== '-') {
        ready.push(lines);
        lines = [];
      }
    }
    if (waiter && ready.length) {
      const w = waiter;
      waiter = null;
      w(ready.shift()!);
    }
  });
  void closed.then(() => {
    ended = true;
    if (waiter) waiter(['<closed>']);
  });
  return {
    reply: () =>
      new Promise((resolve) => {
        if (ready.length) resolve(ready.shift()!);
        else if (ended) resolve(['<closed>']);
        else waiter = resolve;
      }),
    send: (text) => sock.write(text + '\r\n'),
    closed,
    destroy: () => sock.destroy(),
  };
}

const withSink = (opts: Partial<SinkOptions>, fn: (sink: Sink) => Promise<void>): Promise<void> => withSinkAt({ host: HOST, ...opts }, fn);

/** EHLO, MAIL, RCPT... as a raw client; returns the reply lines of every step. */
async function transaction(t: Talk, from: string, rcpts: string[], body?: string): Promise<string[][]> {
  const out: string[][] = [await t.reply()];
  t.send('EHLO client.test');
  out.push(await t.reply());
  t.send(`MAIL FROM:<${from}>`);
  out.push(await t.reply());
  for (const r of rcpts) {
    t.send(`RCPT TO:<${r}>`);
    out.push(await t.reply());
  }
  if (body !== undefined) {
    t.send('DATA');
    out.push(await t.reply());
    t.send(body + '\r\n.');
    out.push(await t.reply());
  }
  return out;
}

test('records accepted messages with the client address, EHLO name and bytes', () =>
  withSink({}, async (sink) => {
    const t = talk(sink.port, '127.0.32.9');
    const r = await transaction(t, 'a@src.test', ['x@dst.test'], 'Subject: hi\r\n\r\n..dot');
    assert.equal(r[0]![0]!.slice(0, 3), '220');
    assert.ok(r[1]!.some((l) => l.includes('PIPELINING')));
    assert.ok(!r[1]!.some((l) => l.includes('STARTTLS')));
    assert.equal(r.at(-1)![0]!.slice(0, 3), '250');
    const [m] = await sink.waitFor(1, 1000);
    assert.equal(m!.remoteAddress, '127.0.32.9');
    assert.equal(m!.clientHostname, 'client.test');
    assert.equal(m!.raw.toString(), 'Subject: hi\r\n\r\n.dot\r\n');
    assert.equal(m!.connectionId, 1);
    assert.equal(sink.stats.connections, 1);
    assert.equal(sink.stats.byRemote.get('127.0.32.9'), 1);
    t.destroy();
  }));

test('multi-line scripted replies go out line by line, with the 421 closing the connection', () =>
  withSink({ mode: { connect: receiverReplies.gmailRateLimited } }, async (sink) => {
    const t = talk(sink.port);
    const g = await t.reply();
    assert.equal(g.length, 4);
    assert.match(g[0]!, /^421-4\.7\.28 \[192\.0\.2\.1\] Our system has detected an unusual rate of$/);
    assert.match(g[3]!, /^421 4\.7\.28 rate limited\./);
    await t.closed;
  }));

test('per-recipient scripts run in turn and the last one repeats; the mode covers the others', () =>
  withSink({ mode: { rcpt: reply(451, '4.3.0 everyone else waits') } }, async (sink) => {
    sink.script('X@dst.test', receiverReplies.mailboxBusy, accept(), receiverReplies.userUnknown);
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = talk(sink.port);
      const r = await transaction(t, 'a@src.test', ['x@DST.test', 'other@dst.test']);
      codes.push(`${r[3]![0]!.slice(0, 9)}|${r[4]![0]!.slice(0, 9)}`);
      t.destroy();
    }
    assert.deepEqual(codes, ['450 4.2.1|451 4.3.0', '250 Accep|451 4.3.0', '550 5.1.1|451 4.3.0', '550 5.1.1|451 4.3.0']);
    assert.equal(sink.stats.rcptAccepted, 1);
    assert.equal(sink.stats.rcptRejected, 7);
  }));

test('drop closes without a reply; delay holds the reply back', () =>
  withSink({ mode: { mail: delay(250) } }, async (sink) => {
    sink.script('gone@dst.test', drop());
    const t = talk(sink.port);
    await t.reply();
    t.send('EHLO c.test');
    await t.reply();
    const t0 = Date.now();
    t.send('MAIL FROM:<a@src.test>');
    assert.equal((await t.reply())[0]!.slice(0, 3), '250');
    assert.ok(Date.now() - t0 >= 200, 'delayed');
    t.send('RCPT TO:<gone@dst.test>');
    assert.deepEqual(await t.reply(), ['<closed>']);
    assert.equal(sink.stats.drops, 1);
    await sink.waitUntil((s) => s.stats.open === 0, 1000, 'connection gone');
  }));

test('behaviour sees the context and can refuse by content; refused messages are not recorded', () => {
  const seen: SinkContext[] = [];
  return withSink(
    {
      behaviour: (ctx) => {
        seen.push(ctx);
        if (ctx.phase === 'data' && ctx.raw?.includes('viagra')) return reply(554, '5.7.1 spam');
        return undefined;
      },
    },
    async (sink) => {
      const t = talk(sink.port, '127.0.32.5');
      const r = await transaction(t, 'a@src.test', ['x@dst.test', 'y@dst.test'], 'Subject: buy viagra');
      assert.match(r.at(-1)![0]!, /^554 5\.7\.1 spam$/);
      t.send('MAIL FROM:<a@src.test>');
      await t.reply();
      t.send('RCPT TO:<x@dst.test>');
      await t.reply();
      t.send('DATA');
      await t.reply();
      t.send('Subject: fine\r\n.');
      assert.equal((await t.reply())[0]!.slice(0, 3), '250');
      await sink.waitFor(1, 1000);
      assert.equal(sink.messages.length, 1);
      assert.equal(sink.stats.dataRejected, 1);
      assert.deepEqual(seen.map((c) => c.phase), ['connect', 'mail', 'rcpt', 'rcpt', 'data-start', 'data', 'mail', 'rcpt', 'data-start', 'data']);
      const rcpt2 = seen[3]!;
      assert.equal(rcpt2.rcpt, 'y@dst.test');
      assert.deepEqual(rcpt2.rcptTo, ['x@dst.test']);
      assert.equal(rcpt2.mailFrom, 'a@src.test');
      assert.equal(rcpt2.connection.clientHostname, 'client.test');
      assert.equal(rcpt2.connection.remoteAddress, '127.0.32.5');
      assert.equal(seen[9]!.connection.accepted, 0, 'counted once accepted');
      t.destroy();
    },
  );
});

test('options: TLS offer with a certificate, PIPELINING hidden, SIZE advertised, raw not kept', () =>
  withSink({ tls: true, pipelining: false, size: 1000, keepRaw: false }, async (sink) => {
    assert.match(sink.certificate ?? '', /BEGIN CERTIFICATE/);
    const t = talk(sink.port);
    const r = await transaction(t, 'a@src.test', ['x@dst.test'], 'Subject: x');
    assert.ok(r[1]!.some((l) => l.includes('STARTTLS')));
    assert.ok(r[1]!.some((l) => l.includes('SIZE 1000')));
    assert.ok(!r[1]!.some((l) => l.includes('PIPELINING')));
    const [m] = await sink.waitFor(1, 1000);
    assert.equal(m!.raw.length, 0);
    assert.equal(m!.size, 'Subject: x\r\n'.length);
    t.destroy();
  }));

test('waitFor times out with a clear message; close ends open connections at once', () =>
  withSink({}, async (sink) => {
    await assert.rejects(sink.waitFor(1, 100), /1 messages \(have 0\) not reached within 100 ms/);
    const t = talk(sink.port);
    await t.reply();
    const t0 = Date.now();
    await sink.close();
    await t.closed;
    assert.ok(Date.now() - t0 < 1000);
  }));
