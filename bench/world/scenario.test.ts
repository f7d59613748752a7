import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, parseScenario, ScenarioError } from './scenario.js';

const DEFAULT = fileURLToPath(new URL('../../../bench/scenarios/default.yaml', import.meta.url));
const minimal = { receivers: [{ domain: 'a.test' }], tenants: [{ kind: 'transactional', count: 1 }], runs: [{ name: 'one' }] };

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, 'x.yaml');
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e));
    return e.problems;
  }
  assert.fail('expected a ScenarioError');
}

test('the default scenario parses and has the mix issue 8 asks for', () => {
  const s = loadScenario(DEFAULT);
  const count = (k: string): number => s.tenants.filter((t) => t.kind === k).reduce((n, t) => n + t.count, 0);
  assert.ok(count('transactional') + count('newsletter') >= 40);
  assert.ok(count('newsletter') > 0);
  assert.equal(count('compromised'), 3);
  assert.equal(count('spammer'), 2);
  assert.equal(s.receivers.length, 4);
  assert.ok(s.network.defaultPoolIps >= 3 && s.network.highRiskPoolIps >= 1);
  assert.deepEqual(s.runs.map((r) => r.name), ['outpost', 'relay']);
  assert.equal(s.duration, 50_000);
  assert.equal(s.receivers[0]!.reputation.window, 10_000);
});

test('defaults fill a minimal scenario', () => {
  const s = parseScenario(minimal);
  assert.equal(s.receivers[0]!.style, 'generic');
  assert.equal(s.receivers[0]!.reputation.spamShare, 0.3);
  assert.equal(s.tenants[0]!.kind, 'transactional');
  assert.deepEqual(s.network.prefix, [127, 88]);
});

test('errors name the key and the problem', () => {
  assert.deepEqual(problems({ ...minimal, tenant: [] }), ['x.yaml: unknown key tenant']);
  assert.match(problems({ ...minimal, tenants: [{ kind: 'phisher', count: 1 }] })[0]!, /^x\.yaml: tenants\[0\]\.kind: expected kind: transactional, newsletter, compromised or spammer/);
  assert.match(problems({ ...minimal, duration: '5 minutes' })[0]!, /^x\.yaml: duration: invalid duration "5 minutes"/);
  assert.match(problems({ ...minimal, receivers: [{ domain: 'a.test', reputation: { spamShare: 2 } }] })[0]!, /^x\.yaml: receivers\[0\]\.reputation\.spamShare: /);
  assert.match(problems({ ...minimal, receivers: [{ domain: 'A_B' }] })[0]!, /receivers\[0\]\.domain: expected a lower-case domain name/);
  assert.match(problems({ ...minimal, tenants: [{ kind: 'newsletter', count: 1, content: ['spam-1'] }] })[0]!, /tenants\[0\]\.content\[0\]: expected a ham group/);
  assert.match(problems({ ...minimal, receivers: [] })[0]!, /receivers: /);
  assert.deepEqual(problems({ ...minimal, receivers: [{ domain: 'a.test' }, { domain: 'a.test' }] }), ['x.yaml: receivers[1].domain: a.test appears twice']);
  assert.deepEqual(problems({ ...minimal, tenants: [{ kind: 'compromised', count: 1, turnAt: ['20s', '10s'] }] }), ['x.yaml: tenants[0].turnAt: the range [min, max] has min > max']);
  assert.deepEqual(problems({ ...minimal, tenants: [{ kind: 'spammer', count: 0 }] }), ['x.yaml: tenants: every group has count 0']);
});

test('loadScenario reports unreadable files and bad YAML in one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'world-scn-'));
  assert.throws(() => loadScenario(join(dir, 'missing.yaml')), /missing\.yaml: cannot read: ENOENT/);
  writeFileSync(join(dir, 'bad.yaml'), 'receivers: [\n');
  assert.throws(() => loadScenario(join(dir, 'bad.yaml')), /bad\.yaml: not valid YAML/);
});
