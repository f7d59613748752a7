import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { makePlan } from './plan.js';
import { Prng } from './prng.js';
import { mailboxExists } from './receiver.js';
import { loadScenario, parseScenario } from './scenario.js';

const DEFAULT = fileURLToPath(new URL('../../../bench/scenarios/default.yaml', import.meta.url));

test('the PRNG is deterministic per seed and forks are independent', () => {
  const a = new Prng(7), b = new Prng(7), c = new Prng(8);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.equal(new Prng(7).fork('x').next(), new Prng(7).fork('x').next());
  assert.notEqual(new Prng(7).fork('x').next(), new Prng(7).fork('y').next());
});

test('the same scenario and seed give the same plan; another seed another', () => {
  const s = loadScenario(DEFAULT);
  const a = makePlan(s), b = makePlan(s);
  assert.deepEqual(a, b);
  const c = makePlan({ ...s, seed: 99 });
  assert.notDeepEqual(a.submissions.map((x) => x.rcpt), c.submissions.map((x) => x.rcpt));
});

test('the default plan: tenant mix, labels, bad phases and recipients', () => {
  const s = loadScenario(DEFAULT);
  const p = makePlan(s);
  const kinds = (k: string): number => p.tenants.filter((t) => t.kind === k).length;
  assert.deepEqual([kinds('transactional'), kinds('newsletter'), kinds('compromised'), kinds('spammer')], [30, 10, 3, 2]);
  assert.equal(new Set(p.tenants.map((t) => t.domain)).size, p.tenants.length, 'one domain per tenant');
  assert.equal(new Set(p.submissions.map((x) => x.mid)).size, p.submissions.length, 'Message-IDs are unique');
  const byId = new Map(p.tenants.map((t) => [t.id, t]));
  const rcv = new Map(s.receivers.map((r) => [r.domain, r]));
  for (const x of p.submissions) {
    const t = byId.get(x.tenant)!;
    assert.ok(x.at >= 0 && x.at < s.duration);
    assert.equal(x.valid, mailboxExists(rcv.get(x.rcpt.split('@')[1]!)!, x.rcpt), 'valid means the mailbox exists');
    if (t.kind === 'transactional' || t.kind === 'newsletter') assert.ok(!x.spam && x.phase === 'honest' && !x.group.startsWith('spam'));
    if (t.kind === 'transactional') assert.ok(x.valid, 'transactional senders write to existing mailboxes');
    if (x.spam) assert.ok(x.group.startsWith('spam') && x.phase === 'bad');
    if (t.kind === 'compromised') assert.equal(x.phase, x.at >= t.badFrom! ? 'bad' : 'honest');
  }
  for (const t of p.tenants.filter((t) => t.kind === 'compromised')) {
    assert.ok(t.badFrom! >= 15_000 && t.badFrom! <= 25_000);
    const spam = p.submissions.filter((x) => x.tenant === t.id && x.spam);
    assert.ok(spam.length > 150, `${t.id} sends a spike of spam (${spam.length})`);
    const unknown = spam.filter((x) => !x.valid).length / spam.length;
    assert.ok(unknown > 0.15 && unknown < 0.45, `many unknown recipients (${unknown})`);
  }
  const unknownRcpts = p.submissions.filter((x) => !x.valid && x.kind !== 'newsletter').map((x) => x.rcpt);
  assert.equal(new Set(unknownRcpts).size, unknownRcpts.length, 'unknown addresses are unique per message');
  const nl = p.submissions.filter((x) => x.kind === 'newsletter');
  assert.ok(nl.every((x) => x.bulk));
  const stale = nl.filter((x) => !x.valid).length / nl.length;
  assert.ok(stale > 0 && stale < 0.1, `a few stale addresses (${stale})`);
});

test('a compromised tenant with a fixed turn time turns exactly then', () => {
  const s = parseScenario({ receivers: [{ domain: 'a.test' }], tenants: [{ kind: 'compromised', count: 1, turnAt: '3s', rate: 5 }], runs: [{ name: 'x' }], duration: '6s' });
  const p = makePlan(s);
  assert.equal(p.tenants[0]!.badFrom, 3000);
  assert.ok(p.submissions.some((x) => x.phase === 'honest') && p.submissions.some((x) => x.phase === 'bad'));
});
