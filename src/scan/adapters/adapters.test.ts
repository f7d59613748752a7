import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import { checkRspamd } from './rspamd.js';
import { checkSpamd, parseSpamdReply } from './spamd.js';
import { createScanner } from '../scanner.js';
import type { ScanLogEvent } from '../scanner.js';
import { basicMail, TEST_NOW } from '../testing.js';

function listen(server: HttpServer | TcpServer, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}
function close(server: HttpServer | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Fake rspamd: /checkv2 answers `reply` after `delayMs`. */
async function fakeRspamd(reply: object, delayMs = 0): Promise<{ server: HttpServer; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.url} ${req.headers['from']} ${Buffer.concat(chunks).toString()}`);
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply)), delayMs);
    });
  });
  const port = await listen(server, '127.0.5.1');
  return { server, url: `http://127.0.5.1:${port}`, bodies };
}

/** Fake spamd: reads the SPAMC request, answers `reply` after `delayMs`. */
async function fakeSpamd(reply: string, delayMs = 0): Promise<{ server: TcpServer; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createTcpServer({ allowHalfOpen: true }, (sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
    });
    sock.on('end', () => {
      requests.push(buf);
      setTimeout(() => sock.end(reply), delayMs);
    });
    sock.on('error', () => undefined);
  });
  const port = await listen(server, '127.0.5.2');
  return { server, port, requests };
}

const SPAM_REPLY = { action: 'reject', score: 18.5, required_score: 15, symbols: { BAYES_SPAM: { score: 5.1 }, R_SUSPICIOUS_URL: { score: 4 } } };

test('rspamd adapter posts the message to /checkv2 and maps the action', async () => {
  const f = await fakeRspamd(SPAM_REPLY);
  try {
    const r = await checkRspamd({ url: f.url, timeoutMs: 1000 }, basicMail(), { mailFrom: 'bob@example.org' });
    assert.equal(r.ok, true);
    assert.equal(r.signal, 1);
    assert.match(r.detail, /reject, score 18\.50\/15\.00: BAYES_SPAM\(5\.1\)/);
    assert.match(f.bodies[0]!, /^POST \/checkv2 bob@example\.org From: Bob Example/);
  } finally {
    await close(f.server);
  }
});

test('spamd adapter speaks SPAMC/SPAMD and parses symbols', async () => {
  const f = await fakeSpamd('SPAMD/1.1 0 EX_OK\r\nContent-length: 25\r\nSpam: True ; 7.5 / 5.0\r\n\r\nBAYES_99,URIBL_BLACK,HTML');
  try {
    const r = await checkSpamd({ host: '127.0.5.2', port: f.port, timeoutMs: 1000 }, basicMail());
    assert.equal(r.ok, true);
    assert.equal(r.signal, 1);
    assert.match(r.detail, /SpamAssassin spam, score 7\.5\/5: BAYES_99 URIBL_BLACK HTML/);
    assert.match(f.requests[0]!, /^SYMBOLS SPAMC\/1\.5\r\nContent-length: \d+\r\n/);
  } finally {
    await close(f.server);
  }
  assert.equal(typeof parseSpamdReply('HTTP/1.1 200 OK'), 'string');
  assert.equal(typeof parseSpamdReply('SPAMD/1.1 76 Bad header line'), 'string');
});

test('adapter results are combined into the verdict', async () => {
  const f = await fakeRspamd(SPAM_REPLY);
  try {
    const plain = await createScanner().scan(basicMail(), { recipientCount: 1, mailFrom: 'bob@example.org', receivedAt: TEST_NOW });
    const withRspamd = await createScanner({ adapters: { rspamd: { url: f.url, timeoutMs: 1000 } } }).scan(basicMail(), { recipientCount: 1, mailFrom: 'bob@example.org', receivedAt: TEST_NOW });
    const reason = withRspamd.reasons.find((r) => r.rule === 'rspamd');
    assert.equal(reason?.weight, 3);
    assert.ok(withRspamd.score > plain.score);
  } finally {
    await close(f.server);
  }
});

test('timeouts and dead adapters degrade to our own verdict, logged, within the budget', async () => {
  const slowR = await fakeRspamd(SPAM_REPLY, 2000);
  const slowS = await fakeSpamd('SPAMD/1.1 0 EX_OK\r\nSpam: True ; 30 / 5.0\r\n\r\n', 2000);
  const logged: ScanLogEvent[] = [];
  try {
    const scanner = createScanner(
      { adapters: { rspamd: { url: slowR.url, timeoutMs: 150 }, spamassassin: { host: '127.0.5.2', port: slowS.port, timeoutMs: 150 } } },
      { log: (e) => logged.push(e) },
    );
    const own = await createScanner().scan(basicMail(), { recipientCount: 1, mailFrom: 'bob@example.org', receivedAt: TEST_NOW });
    const t = performance.now();
    const v = await scanner.scan(basicMail(), { recipientCount: 1, mailFrom: 'bob@example.org', receivedAt: TEST_NOW, tenantId: 'acme' });
    assert.ok(performance.now() - t < 1500, "adapters must not hold the message past their timeouts");
    assert.equal(v.score, own.score);
    assert.equal(v.class, own.class);
    assert.match(v.reasons.find((r) => r.rule === 'rspamd')?.detail ?? '', /timeout after 150 ms; verdict is Outpost's own/);
    assert.match(v.reasons.find((r) => r.rule === 'spamassassin')?.detail ?? '', /timeout after 150 ms/);
    assert.deepEqual(logged.map((e) => [e.event, e.tenantId]), [['adapter-failed', 'acme'], ['adapter-failed', 'acme']]);
  } finally {
    await close(slowR.server);
    await close(slowS.server);
  }
  // Nothing listening at all.
  const dead = await createScanner({ adapters: { spamassassin: { host: '127.0.5.3', port: 9, timeoutMs: 500 }, rspamd: { url: 'http://127.0.5.3:9', timeoutMs: 500 } } }).scan(basicMail(), { recipientCount: 1, mailFrom: '' });
  assert.equal(dead.reasons.filter((r) => (r.rule === 'rspamd' || r.rule === 'spamassassin') && r.weight === 0).length, 2);
});
