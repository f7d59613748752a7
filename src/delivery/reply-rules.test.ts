import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReplyText, type SmtpReply } from '../core/smtp-reply.js';
import {
  checkRuleExamples,
  classifyReply,
  combineReplyRules,
  defaultReplyRules,
  loadReplyRules,
  parseReplyRuleList,
  parseReplyRules,
  ReplyRulesError,
  shippedReplyRulesPath,
  type ReplyRuleInput,
} from './reply-rules.js';

const r = (raw: string): SmtpReply => parseReplyText(raw);

test('the shipped rules load from dist and every rule has examples classified by itself', () => {
  assert.match(shippedReplyRulesPath(), /src[/\\]delivery[/\\]reply-rules\.yaml$/);
  const rules = defaultReplyRules();
  assert.ok(rules.rules.length >= 25);
  for (const rule of rules.rules) assert.ok(rule.examples.length > 0, `rule ${rule.name} has no example`);
  assert.deepEqual(checkRuleExamples(rules), []);
});

// The replies domain.md and issue 3 name explicitly, and what the scheduler must do with them.
const GOLDEN: Array<[string, string, string]> = [
  [
    '421-4.7.28 [203.0.113.9 15] Our system has detected an unusual rate of\r\n421-4.7.28 unsolicited mail originating from your IP address. To protect our\r\n421 4.7.28 users from spam, mail sent from your IP address has been temporarily rate limited.',
    'slow-down',
    'gmail-unsolicited-rate',
  ],
  [
    '421-4.7.0 [203.0.113.9] Our system has detected that this message is suspicious due to the very low reputation of the sending IP address.',
    'slow-down',
    'gmail-low-ip-reputation',
  ],
  ['421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume or user complaints', 'slow-down', 'yahoo-temporarily-deferred'],
  ['451 4.7.650 The mail server [203.0.113.9] has been temporarily rate limited due to IP reputation.', 'slow-down', 'microsoft-ip-reputation-rate-limit'],
  ['451 4.7.651 The mail server [203.0.113.9] has been temporarily rate limited due to IP reputation.', 'slow-down', 'microsoft-ip-reputation-rate-limit'],
  [
    "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
    'ip-blocked',
    'microsoft-block-list',
  ],
  ['421 4.7.1 [TS03] All messages from 203.0.113.9 will be permanently deferred; Retrying will NOT succeed.', 'ip-blocked', 'yahoo-permanently-deferred'],
  [
    '550-5.7.1 [203.0.113.9] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been blocked.',
    'ip-blocked',
    'gmail-ip-blocked',
  ],
  ['554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org', 'ip-blocked', 'dnsbl-blocked-using'],
  ['554 Service unavailable; Client host [203.0.113.9] blocked using b.barracudacentral.org', 'ip-blocked', 'dnsbl-blocked-using'],
  ['451 4.7.1 Client host 203.0.113.9 is listed in bl.spamcop.net, try later', 'ip-blocked', 'dnsbl-blocked-using'],
  // Look-alikes that must NOT be read as an IP problem.
  [
    '550-5.7.1 [203.0.113.9] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.',
    'permanent',
    'content-rejected',
  ],
  ['554 5.7.1 Message rejected: contains a URL listed at dbl.spamhaus.org', 'permanent', 'uri-blocklist'],
  ['550 5.1.1 <x@example.com>: user not found in example.com directory', 'permanent', 'mailbox-unknown-enhanced'],
  ['450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend later.', 'transient', 'recipient-receiving-too-fast'],
  ['421-4.7.26 This mail has been rate limited because it is unauthenticated.', 'transient', 'gmail-unauthenticated'],
  ['421-4.7.0 [203.0.113.9] Our system has detected that this message is suspicious due to the very low reputation of the sending domain.', 'transient', 'gmail-domain-reputation'],
  // A 5xx that talks about rates is still permanent: slow-down is only ever 4xx.
  ['550 5.7.1 Too many messages from your IP, rate limit exceeded', 'permanent', 'security-policy'],
];

test('golden replies: the slow-down and ip-blocked cases and their look-alikes', () => {
  for (const [raw, outcome, rule] of GOLDEN) {
    const got = classifyReply(r(raw));
    assert.deepEqual([got.class, got.rule], [outcome, rule], raw);
  }
});

test('categories are reported beside the code-based outcome', () => {
  assert.deepEqual(classifyReply(r('550 5.1.1 User unknown')), { class: 'permanent', rule: 'mailbox-unknown-enhanced', category: 'mailbox-unknown' });
  assert.deepEqual(classifyReply(r('452 4.2.2 Mailbox full')), { class: 'transient', rule: 'mailbox-full', category: 'mailbox-full' });
  assert.deepEqual(classifyReply(r('552 5.2.2 Mailbox full')), { class: 'permanent', rule: 'mailbox-full', category: 'mailbox-full' });
});

test('without a matching rule the basic code decides', () => {
  assert.deepEqual(classifyReply(r('250 2.0.0 OK queued as 12345')), { class: 'delivered' });
  assert.deepEqual(classifyReply(r('251 User not local; will forward')), { class: 'delivered' });
  assert.deepEqual(classifyReply(r('451 4.3.0 Temporary local problem')), { class: 'transient' });
  assert.deepEqual(classifyReply(r('554 Transaction failed')), { class: 'permanent' });
  assert.deepEqual(classifyReply({ code: 0, text: 'connection reset' }), { class: 'transient' });
  assert.deepEqual(classifyReply({ code: 999, text: 'nonsense' }), { class: 'transient' });
});

test('flattened multi-line replies from logs still match', () => {
  const flattened: SmtpReply = {
    code: 421,
    enhanced: '4.7.0',
    text: 'Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. To protect our 421-4.7.0 users from spam',
  };
  assert.deepEqual(classifyReply(flattened), { class: 'slow-down', rule: 'gmail-unsolicited-rate-legacy', category: 'slow-down' });
});

const rule = (over: Partial<ReplyRuleInput>): ReplyRuleInput => ({
  name: 'custom',
  class: 'ip-blocked',
  match: { text: 'example block' },
  description: 'test',
  source: 'test',
  ...over,
});

test('configured rules run before the shipped ones', () => {
  const extra = parseReplyRuleList([
    rule({ name: 'acme-throttle', class: 'slow-down', match: { code: '451', enhanced: 'x.7.x', text: 'acme says slow' } }),
    rule({ name: 'acme-block', match: { code: ['550', '554'], text: 'acme listed' } }),
  ]);
  const rules = combineReplyRules(extra, defaultReplyRules());
  assert.deepEqual(classifyReply(r('451 4.7.1 ACME says slow down'), rules), { class: 'slow-down', rule: 'acme-throttle', category: 'slow-down' });
  assert.equal(classifyReply(r('451 4.7.1 acme says slow down'), defaultReplyRules()).class, 'transient');
  assert.deepEqual(classifyReply(r('451 4.3.1 acme says slow'), rules), { class: 'transient' }); // enhanced x.7.x
  assert.equal(classifyReply(r('452 4.7.1 acme says slow'), rules).rule, 'security-policy'); // code 451 only
  assert.equal(classifyReply(r('554 acme listed'), rules).rule, 'acme-block');
  assert.equal(classifyReply(r('553 acme listed'), rules).rule, undefined);
  assert.throws(() => combineReplyRules(parseReplyRuleList([rule({ name: 'greylisted' })]), defaultReplyRules()), /duplicate rule name "greylisted"/);
});

test("enhanced 'none' matches only replies without an enhanced code", () => {
  const rules = parseReplyRuleList([rule({ name: 'bare', class: 'policy', match: { enhanced: 'none', text: 'nope' } })]);
  assert.equal(classifyReply(r('550 nope'), rules).rule, 'bare');
  assert.equal(classifyReply(r('550 5.7.1 nope'), rules).rule, undefined);
});

test('invalid rules are rejected with their position and a reason', () => {
  const bad: Array<[unknown, RegExp]> = [
    [[rule({ class: 'slow-down', match: { code: '5xx', text: 'x' } })], /slow-down rule must restrict code to 4xx/],
    [[rule({ class: 'slow-down', match: { text: 'x' } })], /slow-down rule must restrict code to 4xx/],
    [[rule({ match: { text: '(unclosed' } })], /invalid text regex/],
    [[rule({ match: {} })], /match needs code, enhanced or text/],
    [[rule({ match: { code: '4x' } })], /code must look like/],
    [[rule({ match: { enhanced: '4.7' } })], /enhanced must look like/],
    [[{ ...rule({}), class: 'mystery' }], /0\.class/],
    [[{ ...rule({}), match: { txt: 'typo' } }], /0\.match/],
    [[rule({}), rule({})], /duplicate rule name "custom"/],
    [[rule({ name: 'Bad Name' })], /kebab-case/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => parseReplyRuleList(input), (e: unknown) => e instanceof ReplyRulesError && re.test(e.message), re.source);
  }
  assert.throws(() => parseReplyRules({ version: 2, rules: [] }), ReplyRulesError);
});

test('loadReplyRules reads a YAML or JSON file and reports its path on errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-rules-'));
  try {
    const ok = join(dir, 'rules.json');
    writeFileSync(ok, JSON.stringify({ version: 1, rules: [rule({ name: 'only', match: { code: 421 } })] }));
    const rules = loadReplyRules(ok);
    assert.equal(classifyReply(r('421 bye'), rules).rule, 'only');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nrules: [ {');
    assert.throws(() => loadReplyRules(bad), (e: unknown) => e instanceof ReplyRulesError && e.message.includes(bad));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
