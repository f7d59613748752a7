import { test } from 'node:test';
import assert from 'node:assert/strict';
import PostalMime from 'postal-mime';
import type { Email } from 'postal-mime';
import { buildDsn, DsnError, type DsnInput } from './dsn.js';

const ORIGINAL_HEADERS = Buffer.from(
  [
    'Received: from client.example.org (client.example.org [198.51.100.20])',
    '\tby outpost.example.net with ESMTPSA id 01JABCDEF',
    'From: Alice <alice@example.org>',
    'To: bob@example.com, carol@example.com',
    'Subject: Quarterly report',
    'Message-ID: <orig-1234@example.org>',
    'Date: Wed, 31 Dec 2025 23:59:00 +0000',
    '',
    '',
  ].join('\r\n'),
);

function base(over: Partial<DsnInput> = {}): DsnInput {
  return {
    reportingMta: 'outpost.example.net',
    originalEnvelopeId: 'ENV-42',
    arrivalDate: new Date(Date.UTC(2025, 11, 31, 23, 59, 5)),
    from: 'MAILER-DAEMON@outpost.example.net',
    to: 'alice@example.org',
    originalHeaders: ORIGINAL_HEADERS,
    recipients: [
      {
        rcpt: 'bob@example.com',
        action: 'failed',
        status: '5.1.1',
        remoteMta: 'mx1.example.com',
        diagnostic: { code: 550, enhanced: '5.1.1', text: "The email account that you tried to reach does not exist." },
        lastAttempt: new Date(Date.UTC(2026, 0, 1, 0, 0, 10)),
      },
      { rcpt: 'carol@example.com', action: 'failed', status: '5.4.4' },
    ],
    kind: 'failure',
    messageId: '01JABCDEFGHJKMNPQRST',
    now: new Date(Date.UTC(2026, 0, 1, 0, 0, 11)),
    ...over,
  };
}

async function parse(buf: Buffer): Promise<Email> {
  return PostalMime.parse(buf, { attachmentEncoding: 'arraybuffer' });
}

/** Attachment text; postal-mime hands back LF line ends, so compare in LF form. */
function text(a: Email['attachments'][number] | undefined): string {
  assert.ok(a, 'attachment present');
  return Buffer.from(a.content as ArrayBuffer).toString('utf8');
}

const lf = (s: string): string => s.replace(/\r\n/g, '\n');

/** message/delivery-status → one record per block (per-message first), lower-case field names. */
function statusBlocks(s: string): Array<Record<string, string>> {
  return s
    .split(/\r?\n\r?\n/)
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const rec: Record<string, string> = {};
      for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
        const i = line.indexOf(':');
        rec[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      return rec;
    });
}

function assertWireSafe(buf: Buffer): void {
  const s = buf.toString('latin1');
  assert.ok(!/[^\r]\n/.test(s), 'no bare LF');
  assert.ok(!/\r[^\n]/.test(s), 'no bare CR');
  assert.ok(s.endsWith('\r\n'), 'ends with CRLF');
  for (const line of s.split('\r\n')) assert.ok(line.length <= 998, `line of ${line.length} octets`);
}

test('a failure DSN parses back with postal-mime into the three RFC 3464 parts', async () => {
  const raw = buildDsn(base());
  assertWireSafe(raw);
  assert.ok([...raw].every((b) => b < 128), '7-bit');
  const m = await parse(raw);
  assert.equal(m.subject, 'Delivery Status Notification (Failure)');
  assert.deepEqual(m.from, { name: 'Mail Delivery System', address: 'MAILER-DAEMON@outpost.example.net' });
  assert.equal(m.to?.[0]?.address, 'alice@example.org');
  assert.equal(m.messageId, '<01JABCDEFGHJKMNPQRST@outpost.example.net>');
  assert.equal(m.inReplyTo, '<orig-1234@example.org>');
  assert.equal(m.date, '2026-01-01T00:00:11.000Z');
  const header = (k: string) => m.headers.find((h) => h.key === k)?.value;
  assert.equal(header('auto-submitted'), 'auto-replied');
  assert.match(header('content-type') ?? '', /^multipart\/report; report-type=delivery-status;\s+boundary="[^"]+"$/);

  assert.match(m.text ?? '', /could not be delivered/);
  assert.match(m.text ?? '', /<bob@example\.com>:\s+host mx1\.example\.com said: 550 5\.1\.1 The email account/);
  assert.match(m.text ?? '', /<carol@example\.com>:\s+5\.4\.4 \(network or routing problem\)/);

  assert.deepEqual(
    m.attachments.map((a) => a.mimeType),
    ['message/delivery-status', 'text/rfc822-headers'],
  );
  const [perMessage, bob, carol, ...rest] = statusBlocks(text(m.attachments[0]));
  assert.equal(rest.length, 0);
  assert.deepEqual(perMessage, {
    'reporting-mta': 'dns; outpost.example.net',
    'original-envelope-id': 'ENV-42',
    'arrival-date': 'Wed, 31 Dec 2025 23:59:05 +0000',
  });
  assert.deepEqual(bob, {
    'final-recipient': 'rfc822; bob@example.com',
    action: 'failed',
    status: '5.1.1',
    'remote-mta': 'dns; mx1.example.com',
    'diagnostic-code': 'smtp; 550 5.1.1 The email account that you tried to reach does not exist.',
    'last-attempt-date': 'Thu, 01 Jan 2026 00:00:10 +0000',
  });
  assert.deepEqual(carol, { 'final-recipient': 'rfc822; carol@example.com', action: 'failed', status: '5.4.4' });
  assert.equal(text(m.attachments[1]).trimEnd(), lf(ORIGINAL_HEADERS.toString('latin1')).trimEnd());
  // On the wire the header block is CRLF and ends with exactly one line break.
  assert.ok(raw.toString('latin1').includes('Date: Wed, 31 Dec 2025 23:59:00 +0000\r\n\r\n--='));
});

test('a delay DSN says when retries stop and uses Will-Retry-Until', async () => {
  const until = new Date(Date.UTC(2026, 0, 6, 0, 0, 0));
  const raw = buildDsn(
    base({
      kind: 'delay',
      recipients: [
        {
          rcpt: 'bob@example.com',
          action: 'delayed',
          status: '4.7.0',
          remoteMta: '203.0.113.25',
          diagnostic: { code: 421, enhanced: '4.7.0', text: '[TSS04] Messages from 192.0.2.1 temporarily deferred' },
          willRetryUntil: until,
        },
      ],
    }),
  );
  const m = await parse(raw);
  assert.equal(m.subject, 'Delivery Status Notification (Delay)');
  assert.match(m.text ?? '', /keep trying until Tue, 06 Jan 2026 00:00:00 \+0000/);
  assert.match(m.text ?? '', /do not need to send the message again/);
  const [, bob] = statusBlocks(text(m.attachments[0]));
  assert.equal(bob?.action, 'delayed');
  assert.equal(bob?.['remote-mta'], 'dns; [203.0.113.25]');
  assert.equal(bob?.['will-retry-until'], 'Tue, 06 Jan 2026 00:00:00 +0000');
});

test('long or hostile diagnostics are sanitised and folded under 998 octets', async () => {
  const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
  const token = 'x'.repeat(1500);
  const diagnostic = { code: 550, enhanced: '5.7.1', text: `${words}\r\nInjected: header\u00e9 ${token} end` };
  const raw = buildDsn(base({ recipients: [{ rcpt: 'bob@example.com', action: 'failed', status: '5.7.1', diagnostic }] }));
  assertWireSafe(raw);
  const m = await parse(raw);
  const [, bob] = statusBlocks(text(m.attachments[0]));
  const diag = bob?.['diagnostic-code'] ?? '';
  assert.ok(diag.startsWith('smtp; 550 5.7.1 word0 word1'));
  assert.ok(diag.includes('word399 Injected: header? '), 'line break and non-ASCII neutralised');
  assert.ok(diag.endsWith(' end'));
  assert.equal(bob?.['injected'], undefined, 'no header injection');
});

test('non-ASCII and over-long original headers travel quoted-printable and decode to the same bytes', async () => {
  const long = 'X-Long: ' + 'a'.repeat(1200);
  const orig = Buffer.from(`From: Zoë <zoe@example.org>\nSubject: Grüße\n${long}\n\n`, 'utf8');
  const raw = buildDsn(base({ originalHeaders: orig }));
  assertWireSafe(raw);
  assert.ok([...raw].every((b) => b < 128), '7-bit');
  assert.match(raw.toString('latin1'), /Content-Transfer-Encoding: quoted-printable/);
  const m = await parse(raw);
  assert.equal(text(m.attachments[1]).trimEnd(), `From: Zoë <zoe@example.org>\nSubject: Grüße\n${long}`);
});

test('non-ASCII recipients use RFC 6533 utf-8 address fields and a UTF-8 human part', async () => {
  const raw = buildDsn(base({ recipients: [{ rcpt: 'jörg@exämple.de', action: 'failed', status: '5.1.1' }] }));
  assert.ok([...raw].every((b) => b < 128), '7-bit');
  const m = await parse(raw);
  assert.match(m.text ?? '', /<jörg@exämple\.de>:/);
  const [, r] = statusBlocks(text(m.attachments[0]));
  assert.equal(r?.['final-recipient'], 'utf-8; j\\x{F6}rg@ex\\x{E4}mple.de');
});

test('the same input gives the same bytes', () => {
  assert.deepEqual(buildDsn(base()), buildDsn(base()));
});

test('inconsistent input is refused with a DsnError', () => {
  const bad: Array<[Partial<DsnInput>, RegExp]> = [
    [{ recipients: [] }, /at least one recipient/],
    [{ recipients: [{ rcpt: 'b@example.com', action: 'delayed', status: '5.1.1' }], kind: 'delay' }, /does not fit action delayed/],
    [{ recipients: [{ rcpt: 'b@example.com', action: 'failed', status: '2.0.0' }] }, /does not fit action failed/],
    [{ recipients: [{ rcpt: 'b@example.com', action: 'failed', status: '5.1' }] }, /invalid status/],
    [{ kind: 'delay' }, /needs at least one delayed recipient/],
    [{ messageId: 'a<b>' }, /invalid messageId/],
    [{ to: '' }, /invalid address/],
    [{ reportingMta: 'bad host' }, /invalid reportingMta/],
    [{ recipients: [{ rcpt: 'b@example.com\r\nX: y', action: 'failed', status: '5.1.1' }] }, /line break/],
  ];
  for (const [over, re] of bad) {
    assert.throws(() => buildDsn(base(over)), (e: unknown) => e instanceof DsnError && re.test(e.message), re.source);
  }
  // Expired mail: failed with a 4.x.x status is allowed (RFC 3463 X.4.7).
  assert.doesNotThrow(() => buildDsn(base({ recipients: [{ rcpt: 'b@example.com', action: 'failed', status: '4.4.7' }] })));
});
