import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as dnsPromises } from 'node:dns';
import { readFileSync } from 'node:fs';
import { dkimVerify } from 'mailauth';
import type { DKIMVerifyResult } from 'mailauth';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { FakeClock } from '../core/clock.js';
import { generateDkimKey, dkimRecordName, type DkimKeyPair } from './dkim-key.js';
import { createSigner, type Signer } from './signer.js';
import { formatFeedbackId } from './tenant-headers.js';
import { SignError } from './errors.js';

let dns: DnsTestServer;
let platformKey: DkimKeyPair;
let tenantRsa: DkimKeyPair;
let tenantEd: DkimKeyPair;
let signer: Signer;
const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
const curTime = new Date(clock.now() + 60_000);
const feedbackId = formatFeedbackId({ campaign: 'spring', tenantId: 'acme', mailType: 'marketing', senderId: 'outpost1' });

const message = (extra = '', eol = '\r\n'): Buffer =>
  Buffer.from(
    [
      'From: "Acme News" <news@mail.acme.example>',
      'To: someone@receiver.example',
      'Subject: Spring   offers',
      'Date: Sun, 01 Mar 2026 12:00:00 +0000',
      'Message-ID: <01JABCDEFGHJKMNPQRSTV@outpost.example>',
      ...(extra ? [extra] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello,   world  ',
      'Grüße.',
      '',
      '',
    ].join(eol),
    'utf8',
  );

before(async () => {
  [platformKey, tenantRsa, tenantEd] = await Promise.all([generateDkimKey('rsa2048'), generateDkimKey('rsa2048'), generateDkimKey('ed25519')]);
  dns = await startDnsServer({
    host: '127.0.61.1',
    zone: {
      [dkimRecordName('p2026', 'outpost.example')]: { TXT: [platformKey.publicDnsValue] },
      [dkimRecordName('s1', 'acme.example')]: { TXT: [tenantRsa.publicDnsValue] },
      [dkimRecordName('ed1', 'acme.example')]: { TXT: [tenantEd.publicDnsValue] },
    },
  });
  signer = createSigner({ platform: { domain: 'outpost.example', selector: 'p2026', privateKeyPem: platformKey.privateKeyPem }, clock });
});
after(async () => {
  await dns?.close();
});

async function verify(msg: Buffer): Promise<DKIMVerifyResult> {
  const r = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  r.setServers([dns.server]);
  return dkimVerify(msg, { resolver: (name: string, type: string) => r.resolve(name, type) as Promise<string[][]>, curTime });
}

const byDomain = (res: DKIMVerifyResult, d: string) => res.results.find((x) => x.signingDomain === d);
const hTag = (sigHeaders: string, d: string): string[] => {
  const sig = sigHeaders.split(/\r\n(?=\S)/).find((l) => l.includes(`d=${d};`)) ?? '';
  return (/h=([^;]+);/.exec(sig.replace(/\r\n\t/g, ''))?.[1] ?? '').split(':');
};

test('tenant RSA signature aligned with From, plus the platform signature, both verify over DNS', async () => {
  const res = await signer.sign({ raw: message(), tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: tenantRsa.privateKeyPem }, feedbackId, cfblAddress: 'fbl@outpost.example' });
  assert.equal(res.strippedRaw, undefined);
  assert.equal(res.tenantAligned, true);
  assert.deepEqual(res.signatures.map((s) => `${s.role}:${s.domain}:${s.algorithm}`), ['tenant:acme.example:rsa-sha256', 'platform:outpost.example:rsa-sha256']);
  const out = Buffer.concat([res.headerPrefix, message()]);
  const v = await verify(out);
  assert.equal(byDomain(v, 'acme.example')?.status.result, 'pass', JSON.stringify(v.results));
  assert.equal(byDomain(v, 'acme.example')?.status.aligned, 'mail.acme.example'.replace('mail.', ''));
  assert.equal(byDomain(v, 'outpost.example')?.status.result, 'pass');
  const prefix = res.headerPrefix.toString('latin1');
  assert.match(prefix, /^DKIM-Signature: .*\r\n/);
  assert.ok(prefix.endsWith(`Feedback-ID: ${feedbackId}\r\nCFBL-Address: fbl@outpost.example; report=arf\r\nCFBL-Feedback-ID: ${feedbackId}\r\n`));
  for (const d of ['acme.example', 'outpost.example']) {
    const h = hTag(prefix, d);
    for (const name of ['from', 'feedback-id', 'cfbl-address', 'cfbl-feedback-id', 'subject']) assert.ok(h.includes(name), `${d} h= lacks ${name}: ${h.join(':')}`);
    assert.equal(h.filter((x) => x === 'from').length, 2, 'From is oversigned');
  }
  // Time comes from the injected clock.
  assert.match(prefix, new RegExp(`t=${Math.floor(clock.now() / 1000)};`));
});

test('a message modified after signing fails verification', async () => {
  const res = await signer.sign({ raw: message(), tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: tenantRsa.privateKeyPem }, feedbackId });
  const good = Buffer.concat([res.headerPrefix, message()]).toString('utf8');
  const bodyChanged = Buffer.from(good.replace('Hello,', 'Hullo,'));
  const subjectChanged = Buffer.from(good.replace('Spring   offers', 'Spring offers!'));
  const fbidAdded = Buffer.from(good.replace('Feedback-ID:', 'Feedback-ID: x:evil:y:outpost1\r\nFeedback-ID:'));
  for (const [what, m] of [['body', bodyChanged], ['subject', subjectChanged], ['second Feedback-ID', fbidAdded]] as const) {
    const v = await verify(m);
    assert.equal(v.results.length, 2);
    for (const r of v.results) assert.notEqual(r.status.result, 'pass', `${what} change still passes for ${r.signingDomain}`);
  }
  // Relaxed canonicalisation tolerates whitespace-only changes (sanity check that verification can pass).
  const v = await verify(Buffer.from(good.replace('Subject: Spring   offers', 'Subject:  Spring offers ')));
  assert.ok(v.results.every((r) => r.status.result === 'pass'));
});

test('Ed25519 tenant key (RFC 8463) verifies', async () => {
  const res = await signer.sign({ raw: message(), tenant: { id: 'acme', domain: 'acme.example', selector: 'ed1', privateKeyPem: tenantEd.privateKeyPem, algorithm: 'ed25519-sha256' }, feedbackId });
  const v = await verify(Buffer.concat([res.headerPrefix, message()]));
  const t = byDomain(v, 'acme.example');
  assert.equal(t?.status.result, 'pass', JSON.stringify(v.results));
  // mailauth reports the a= tag as `algo` (its typings call it `algorithm`).
  assert.equal((t as unknown as { algo?: string }).algo, 'ed25519-sha256');
  assert.equal(byDomain(v, 'outpost.example')?.status.result, 'pass');
});

test('client-supplied Feedback-ID and CFBL fields are removed before signing', async () => {
  const raw = message('Feedback-ID: 1:victim:2:outpost1\r\nCFBL-Address: spoof@evil.example; report=arf', '\r\n');
  const res = await signer.sign({ raw, tenant: { id: 'acme' }, feedbackId });
  assert.ok(res.strippedRaw);
  assert.ok(!res.strippedRaw.toString().includes('victim') && !res.strippedRaw.toString().includes('spoof'));
  const out = Buffer.concat([res.headerPrefix, res.strippedRaw]);
  assert.equal(out.toString().match(/^Feedback-ID:/gim)?.length, 1);
  assert.equal(out.toString().match(/^CFBL-Address:/gim), null);
  const v = await verify(out);
  assert.equal(v.results.length, 1, 'no tenant key: platform signature only');
  assert.equal(byDomain(v, 'outpost.example')?.status.result, 'pass');
  assert.equal(res.tenantAligned, false);
});

test('LF-only stored messages verify once sent with CRLF', async () => {
  const raw = message('', '\n');
  const res = await signer.sign({ raw, tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: tenantRsa.privateKeyPem }, feedbackId });
  const wire = Buffer.from(Buffer.concat([res.headerPrefix, raw]).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  const v = await verify(wire);
  assert.ok(v.results.length === 2 && v.results.every((r) => r.status.result === 'pass'), JSON.stringify(v.results));
});

test('misaligned tenant domain is reported; bad keys and options are typed errors', async () => {
  const res = await signer.sign({ raw: message(), tenant: { id: 'acme', domain: 'other.example', selector: 's1', privateKeyPem: tenantRsa.privateKeyPem }, feedbackId });
  assert.equal(res.tenantAligned, false);
  const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof SignError ? e.code : String(e)));
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a', domain: 'acme.example', selector: 's1', privateKeyPem: 'garbage' }, feedbackId })), 'bad-key');
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a', domain: 'acme.example', selector: 's1', privateKeyPem: tenantEd.privateKeyPem, algorithm: 'rsa-sha256' }, feedbackId })), 'bad-key');
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a', domain: 'acme.example', selector: 'bad selector', privateKeyPem: tenantRsa.privateKeyPem }, feedbackId })), 'bad-option');
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a' }, feedbackId: 'a:b\r\nBcc: x' })), 'bad-option');
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a' }, feedbackId: 'a:b:c:d:outpost1' })), 'bad-option');
  assert.equal(await code(signer.sign({ raw: message(), tenant: { id: 'a' }, feedbackId, cfblAddress: 'not an address' })), 'bad-option');
  assert.throws(() => createSigner({ platform: { domain: 'outpost.example', selector: 'p', privateKeyPem: 'nope' } }), SignError);
});

/** CPU time of the main (event-loop) thread in ms, from Linux schedstat; null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

test('signing keeps the event loop free: RSA runs in the thread pool', async (t) => {
  const tenant = { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: tenantRsa.privateKeyPem };
  await signer.sign({ raw: message(), tenant, feedbackId }); // warm the key cache
  const m0 = mainThreadCpuMs();
  if (m0 === null) return t.skip('needs /proc/self/task/*/schedstat (Linux)');
  // CPU time, not wall-clock gaps: on a busy machine the thread pool competes
  // with the main thread for cores and timer gaps say nothing about blocking.
  // Were the RSA operations synchronous, the main thread would do ~all the work.
  const c0 = process.cpuUsage();
  const N = 100;
  await new Promise<void>((resolve, reject) => {
    let started = 0;
    let done = 0;
    const pump = (): void => {
      while (started - done < 16 && started < N) {
        started++;
        signer.sign({ raw: message(), tenant, feedbackId }).then(() => {
          if (++done === N) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  const main = mainThreadCpuMs()! - m0;
  const c = process.cpuUsage(c0);
  const all = (c.user + c.system) / 1000;
  assert.ok(main < all * 0.5, `main thread did ${main.toFixed(1)} ms of ${all.toFixed(1)} ms CPU`);
});
