/**
 * Signing end to end: the real gateway (platform key generated on start, a
 * tenant key from the key store), a loopback DNS server publishing both DKIM
 * records and the MX of the destination, and an SMTP sink. Every signature is
 * checked at the sink by mailauth's independent verifier, resolving keys from
 * the same DNS server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as dnsPromises } from 'node:dns';
import nodemailer from 'nodemailer';
import { dkimVerify } from 'mailauth';
import type { DKIMVerifyResult } from 'mailauth';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { reply, startSink, type ReceivedMessage, type Sink } from '../../test/support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';

const PORT = 10026;
const MX_IP = '127.0.42.10';
let dns: DnsTestServer;
let sink: Sink;
let t: TestGateway;

before(async () => {
  dns = await startDnsServer({
    host: '127.0.42.53',
    zone: {
      'dest.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] },
      'acme.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] },
      'mx.dest.test': { A: [MX_IP] },
    },
  });
  sink = await startSink({ host: MX_IP, port: PORT, behaviour: (ctx) => (ctx.phase === 'rcpt' && ctx.rcpt === 'nobody@dest.test' ? reply(550, '5.1.1 no such user') : undefined) });
  t = await startTestGateway({
    host: '127.0.42.1',
    config: {
      platform: { domain: 'platform.test', senderId: 'outpost01' },
      scan: { enabled: true }, // tenant mail is signed in its scan's worker turn
      dns: { servers: [dns.server], timeout: '1s' },
      pools: { default: { ips: [{ ip: '127.0.42.100', helo: 'out.gw.test' }] }, 'high-risk': { ips: [{ ip: '127.0.42.101', helo: 'hr.gw.test' }] } },
      delivery: { port: PORT, connectTimeout: '2s', commandTimeout: '5s', idleConnectionTime: 0 },
    },
  });
  // The platform key was generated on start; the tenant key is made now. Publish both.
  const platform = t.gw.dkimKeys.list('platform.test');
  assert.equal(platform.length, 1);
  assert.equal(platform[0]!.selector, 'outpost');
  assert.ok(t.logLines.some((l) => l.includes('publish this TXT record') && l.includes('outpost._domainkey.platform.test') && !l.includes('PRIVATE KEY')));
  const tenant = await t.gw.dkimKeys.generate('acme.test', { selector: 't1', algo: 'rsa2048' });
  for (const k of [platform[0]!, tenant]) dns.set(k.recordName, { TXT: [k.publicDnsValue] });
  t.gw.tenants.addDomain('acme', 'news.acme.test');
});

after(async () => {
  await t.stop();
  await sink.close();
  await dns.close();
});

async function verify(raw: Buffer): Promise<DKIMVerifyResult> {
  const r = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  r.setServers([dns.server]);
  return dkimVerify(raw, { resolver: (name: string, type: string) => r.resolve(name, type) as Promise<string[][]> });
}

async function send(from: string, to: string, headers: Record<string, string> = {}): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ from, to, subject: `signed ${to}`, text: 'hello, signed world', headers });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function received(pred: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage> {
  await sink.waitUntil((s) => s.messages.some(pred), 10_000, 'the message at the sink');
  return sink.messages.find(pred)!;
}

const result = (v: DKIMVerifyResult, d: string) => v.results.find((x) => x.signingDomain === d)?.status.result;
const fieldLines = (raw: Buffer, name: string): string[] => raw.toString('latin1').split('\r\n\r\n')[0]!.split(/\r\n(?![ \t])/).filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
const hTag = (raw: Buffer, d: string): string[] => {
  const sig = fieldLines(raw, 'DKIM-Signature').map((l) => l.replace(/\r\n[ \t]/g, '')).find((l) => new RegExp(`\\bd=${d.replace(/\./g, '\\.')};`).test(l)) ?? '';
  return (/\bh=([^;]+)/.exec(sig)?.[1] ?? '').split(':').map((x) => x.trim().toLowerCase());
};

test('tenant signature aligned with From and the platform signature verify at the receiver; Feedback-ID once and signed', async () => {
  const id = await send('ann@acme.test', 'bob@dest.test', { 'X-Campaign': 'spring sale!', 'Feedback-ID': 'forged:evil:x:spoofed1', 'CFBL-Address': 'fbl@evil.test; report=arf' });
  const m = await received((x) => x.rcptTo.includes('bob@dest.test'));
  const v = await verify(m.raw);
  assert.equal(result(v, 'acme.test'), 'pass', JSON.stringify(v.results.map((r) => r.status)));
  assert.equal(result(v, 'platform.test'), 'pass');
  const tenantSig = v.results.find((x) => x.signingDomain === 'acme.test')!;
  assert.equal(tenantSig.status.aligned, 'acme.test', 'd= is aligned with the header From');

  const fb = fieldLines(m.raw, 'Feedback-ID');
  assert.deepEqual(fb, ['Feedback-ID: spring-sale:acme:mail:outpost01'], 'exactly one Feedback-ID, ours');
  assert.deepEqual(fieldLines(m.raw, 'CFBL-Address'), ['CFBL-Address: fbl@platform.test; report=arf'], 'client CFBL-Address replaced by ours (RFC 9477)');
  const cfblId = /^CFBL-Feedback-ID: ([0-9a-z-]+)$/.exec(fieldLines(m.raw, 'CFBL-Feedback-ID')[0] ?? '')?.[1];
  assert.ok(cfblId && m.mailFrom.startsWith(`bounces+${cfblId}@`), `CFBL-Feedback-ID carries the VERP token of the return path ${m.mailFrom}`);
  for (const d of ['acme.test', 'platform.test']) {
    for (const f of ['feedback-id', 'cfbl-address', 'cfbl-feedback-id']) assert.ok(hTag(m.raw, d).includes(f), `${f} covered by h= of d=${d}`);
  }

  const routed = (await t.gw.spool.events(id)).find((e) => e.type === 'routed');
  const signed = routed?.data?.['signed'] as { signatures?: unknown; feedbackId?: string; withScan?: boolean } | undefined;
  assert.equal(signed?.feedbackId, 'spring-sale:acme:mail:outpost01', 'the routed event records the signing');
  assert.equal(signed?.withScan, true, 'signed in the scan worker turn (pipeline/sign-ahead.ts)');
  assert.deepEqual(signed?.signatures, [
    { role: 'tenant', d: 'acme.test', s: 't1', a: 'rsa-sha256' },
    { role: 'platform', d: 'platform.test', s: 'outpost', a: 'rsa-sha256' },
  ]);

  // Changing one byte of the body breaks both signatures.
  const text = m.raw.toString('latin1');
  const tampered = Buffer.from(text.replace('hello, signed world', 'hello, signed w0rld'), 'latin1');
  assert.notEqual(tampered.toString('latin1'), text);
  const tv = await verify(tampered);
  assert.equal(tv.results.length, 2);
  // mailauth reports a body hash mismatch as "neutral" with a comment; anything but pass is a failure here.
  for (const r of tv.results) {
    assert.notEqual(r.status.result, 'pass', `tampered body still passes for ${r.signingDomain}`);
    assert.match(String(r.status.comment), /body hash/i);
  }
});

test('a From domain without its own active key gets the platform signature only', async () => {
  await send('news@news.acme.test', 'carol@dest.test');
  const m = await received((x) => x.rcptTo.includes('carol@dest.test'));
  const v = await verify(m.raw);
  assert.deepEqual(v.results.map((r) => r.signingDomain), ['platform.test']);
  assert.equal(result(v, 'platform.test'), 'pass');
  assert.deepEqual(fieldLines(m.raw, 'Feedback-ID'), ['Feedback-ID: none:acme:mail:outpost01']);
});

test('a bounce is signed by the platform only, with mail type "bounce"', async () => {
  await send('ann@acme.test', 'nobody@dest.test');
  const dsn = await received((x) => x.mailFrom === '' && x.rcptTo.includes('ann@acme.test'));
  const v = await verify(dsn.raw);
  assert.deepEqual(v.results.map((r) => r.signingDomain), ['platform.test']);
  assert.equal(result(v, 'platform.test'), 'pass');
  assert.deepEqual(fieldLines(dsn.raw, 'Feedback-ID'), ['Feedback-ID: none:acme:bounce:outpost01']);
});
