/**
 * The reputation engine's effects, each on its own: the standing admission
 * check (refuse / throttle), the standing decider (high-risk pool, hold),
 * reply → outcome mapping, the alert e-mail text, and threshold rules as
 * configuration (overrides, new rules, errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpError } from '../src/core/smtp-reply.js';
import { parseConfig } from '../src/config/load.js';
import { standingAdmission } from '../src/reputation/admission.js';
import { outcomeKind } from '../src/reputation/delivery-outcome.js';
import { DEFAULT_RULES, mergeRules } from '../src/reputation/rules.js';
import { settingsFromConfig } from '../src/reputation/settings.js';
import { noReputation, type ReputationSignals, type TenantStanding } from '../src/reputation/signals.js';
import { withStanding } from '../src/pipeline/standing-decider.js';
import { basicDecider } from '../src/pipeline/processor.js';
import { alertMessage } from '../src/alerts/alert-mailer.js';
import type { IncomingMessage } from '../src/spool/spool.js';

function fakeSignals(standing: TenantStanding, reason = 'spam-share: spamShare 0.400 >= 0.100 over the short window (20 events)') {
  const submitted: Array<{ t: string; n: number; domains: readonly string[] | undefined }> = [];
  const s: ReputationSignals = {
    ...noReputation,
    standing: () => standing,
    explain: () => ({ standing, since: 0, reason }),
    submitted: (t, n, _at, domains) => void submitted.push({ t, n, domains }),
  };
  return { s, submitted };
}

const req = (at: number) => ({ tenantId: 'acme', source: 'smtp' as const, mailFrom: 'a@acme.test', rcptTo: ['x@One.test', 'y@one.test', 'z@two.test'], at });

function refusal(f: () => void): SmtpError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SmtpError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('admission: a suspended tenant gets 550 5.7.1 saying why; record() feeds the engine', () => {
  const { s, submitted } = fakeSignals('suspended');
  const a = standingAdmission(s, { messagesPerMinute: 5 });
  const e = refusal(() => a.check(req(0)));
  assert.equal(e.reply.code, 550);
  assert.equal(e.reply.enhanced, '5.7.1');
  assert.match(e.reply.text, /suspended .* \(spam-share: spamShare 0\.400 >= 0\.100 .*\); contact the provider/);
  const n = fakeSignals('normal');
  const b = standingAdmission(n.s, { messagesPerMinute: 5 });
  b.check(req(0));
  b.record!(req(0));
  assert.deepEqual(n.submitted, [{ t: 'acme', n: 3, domains: ['one.test', 'two.test'] }]);
});

test('admission: a throttled tenant may send messagesPerMinute in a sliding minute, then 451 4.7.1', () => {
  for (const st of ['throttled', 'high-risk-only'] as const) {
    const { s } = fakeSignals(st);
    const a = standingAdmission(s, { messagesPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      a.check(req(i * 1000));
      a.record!(req(i * 1000));
    }
    const e = refusal(() => a.check(req(3000)));
    assert.equal(e.reply.code, 451);
    assert.equal(e.reply.enhanced, '4.7.1');
    assert.match(e.reply.text, /throttled to 3 messages per minute .*try again later/);
    a.check(req(61_000)); // the first ones left the minute
  }
  const w = standingAdmission(fakeSignals('watch').s, { messagesPerMinute: 0 });
  w.check(req(0)); // watch: no restriction
});

const msg = (source: IncomingMessage['source'] = 'smtp'): IncomingMessage => ({ id: 'M1', tenantId: 'acme', source, envelope: { mailFrom: 'a@acme.test', rcptTo: ['b@x.test'] }, receivedAt: 0, size: 10 });

test('standing decider: high-risk-only → high-risk pool with the reason; suspended → held in quarantine; bounces pass', async () => {
  const body = Buffer.from('Subject: x\r\n\r\nhi\r\n');
  const hr = withStanding(basicDecider, fakeSignals('high-risk-only').s, { highRiskPool: 'high-risk' });
  const d = await hr(msg(), body);
  assert.deepEqual(d.route.kind === 'deliver' && d.route.pool, 'high-risk');
  assert.match(d.route.why, /default route; pool high-risk because tenant acme is high-risk-only \(spam-share/);
  assert.ok(d.events?.some((e) => e.type === 'standing' && e.data?.['action'] === 'reroute'));
  const sus = withStanding(basicDecider, fakeSignals('suspended').s, { highRiskPool: 'high-risk' });
  const q = await sus(msg(), body);
  assert.equal(q.route.kind, 'quarantine');
  assert.match(q.route.why, /^held: tenant acme is suspended .*released when an operator reinstates/);
  const b = await sus(msg('bounce'), body);
  assert.equal(b.route.kind, 'deliver');
  const normal = await withStanding(basicDecider, fakeSignals('throttled').s, { highRiskPool: 'high-risk' })(msg(), body);
  assert.deepEqual(normal.route, { kind: 'deliver', pool: 'default', why: 'default route' });
});

test('delivery outcomes: 5.1.1 / 5.1.10 unknown recipient, other 5xx hard, slow-down, blocked, 4xx soft', () => {
  assert.equal(outcomeKind({ reply: { code: 250, text: 'ok' }, class: 'delivered' }), 'delivered');
  assert.equal(outcomeKind({ reply: { code: 550, enhanced: '5.1.1', text: 'no such user' }, class: 'permanent' }), 'unknown-recipient');
  assert.equal(outcomeKind({ reply: { code: 550, enhanced: '5.1.10', text: 'Recipient not found' }, class: 'permanent' }), 'unknown-recipient');
  assert.equal(outcomeKind({ reply: { code: 550, text: 'User unknown in virtual mailbox table' }, class: 'permanent' }), 'unknown-recipient');
  assert.equal(outcomeKind({ reply: { code: 552, enhanced: '5.2.2', text: 'mailbox full' }, class: 'permanent' }), 'hard-bounce');
  assert.equal(outcomeKind({ reply: { code: 421, enhanced: '4.7.28', text: 'rate limited' }, class: 'slow-down' }), 'slow-down');
  assert.equal(outcomeKind({ reply: { code: 550, enhanced: '5.7.1', text: 'on our block list (S3140)' }, class: 'ip-blocked' }), 'blocked');
  assert.equal(outcomeKind({ reply: { code: 450, enhanced: '4.2.1', text: 'busy' }, class: 'transient' }), 'soft-bounce');
});

test('alert e-mail: what changed, why with numbers and thresholds, the effect and how to undo it (ASCII)', () => {
  const raw = alertMessage(
    {
      type: 'tenant-state-changed', at: Date.UTC(2026, 0, 1), tenantId: 'bad',
      data: { from: 'normal', to: 'high-risk-only', trigger: 'evidence', actor: 'engine', reason: 'spam-share: spamShare 0.400 >= 0.100 over the short window (20 events)', evidence: [{ rule: 'spam-share', signal: 'spamShare', window: 'short', value: 0.4, threshold: 0.1, volume: 20, floor: 20, level: 'high-risk-only' }] },
    },
    { from: 'alerts@outpost.test', to: 'ops@example.test' },
  ).toString();
  assert.match(raw, /^From: Outpost alerts <alerts@outpost\.test>\r\nTo: <ops@example\.test>\r\nSubject: \[outpost\] tenant bad: normal -> high-risk-only \(evidence\)\r\n/);
  assert.match(raw, /Why: +spam-share: spamShare 0\.400 >= 0\.100/);
  assert.match(raw, /spam-share  spamShare  short  0\.400  0\.100  20 \/ 20  high-risk-only/);
  assert.match(raw, /high-risk pool/);
  assert.match(raw, /Undo: +outpost tenant reinstate bad/);
  assert.ok(/^[\x00-\x7f]*$/.test(raw), 'ASCII only');
});

test('thresholds as data: config changes a shipped rule field by field, adds rules, and refuses incomplete ones', () => {
  const c = parseConfig({ reputation: { rules: { 'bounce-rate': { levels: { throttled: 0.08 } }, 'suspect-share': { enabled: false }, 'many-domains': { signal: 'distinctDomains', window: 'hour', levels: { watch: 500 } } } } });
  const rules = settingsFromConfig(c.reputation).rules;
  const bounce = rules.find((r) => r.name === 'bounce-rate')!;
  assert.deepEqual(bounce.levels, { watch: 0.02, throttled: 0.08, 'high-risk-only': 0.1 });
  assert.equal(bounce.window, 'hour');
  assert.equal(rules.find((r) => r.name === 'suspect-share')!.enabled, false);
  assert.deepEqual(rules.find((r) => r.name === 'many-domains'), { name: 'many-domains', signal: 'distinctDomains', window: 'hour', levels: { watch: 500 } });
  assert.equal(rules.length, DEFAULT_RULES.length + 1);
  assert.throws(() => parseConfig({ reputation: { rules: { mine: { levels: { watch: 1 } } } } }), /"mine" is not a shipped rule: a new rule needs signal, window and at least one level/);
  assert.throws(() => parseConfig({ reputation: { rules: { 'spam-share': { signal: 'nonsense' } } } }), /reputation\.rules\.spam-share\.signal/);
  assert.throws(() => mergeRules({ x: { signal: 'spamShare' } }), /needs signal and window/);
  assert.throws(() => parseConfig({ reputation: { highRiskPool: 'quarantine-ips' } }), /reputation\.highRiskPool: no pool named "quarantine-ips"/);
});
