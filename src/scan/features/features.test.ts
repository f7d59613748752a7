import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFeatureExtractor } from '../features.js';
import { basicMail, viewOf } from '../testing.js';

function names(raw: Buffer): Set<string> {
  const fx = createFeatureExtractor(20);
  const v = fx.extract(viewOf(raw), 1);
  return new Set(fx.explain([...v.idx]).values());
}

test('families: body words and bigrams, subject words and trigrams, header values by field, shapes', () => {
  const n = names(basicMail({ Subject: 'Cheap v1agra', Organization: 'Acme Widgets', 'X-Originating-IP': '[192.0.2.7]', 'Resent-From': 'list@example.org' }, 'Hello Anna, the minutes are attached.\n'));
  for (const f of ['w:hello', 'w2:hello anna', 's:cheap', 'sc3:v1a', 'sc3: ch', 'hv:organization:acme', 'hv:organization:widgets', 'hdr:organization', 'hdr:x-originating-ip', 'fromdom:example.org', 'msgid:dom=from', 'mime:text/plain']) {
    assert.ok(n.has(f), `${f} missing from ${[...n].join(' ')}`);
  }
  // Relay stamps keep their name feature but not their value words; trace headers are out entirely.
  assert.ok(![...n].some((f) => f.startsWith('hv:x-originating-ip') || f.startsWith('hv:resent-') || f.startsWith('hv:subject')), [...n].join(' '));
  const trace = names(basicMail({ Received: 'from relay.example by mx.example' }));
  assert.ok(![...trace].some((f) => f.includes('received')));
});

test('text is a unit-norm block of presence values; metadata has fixed values; deterministic', () => {
  const fx = createFeatureExtractor(20);
  const raw = basicMail({}, 'spam spam spam eggs\n');
  const a = fx.extract(viewOf(raw), 1);
  const b = fx.extract(viewOf(raw), 1);
  assert.deepEqual([...a.idx], [...b.idx]);
  assert.deepEqual([...a.val], [...b.val]);
  assert.equal(new Set(a.idx).size, a.idx.length, 'ids are merged');
  assert.ok(a.val.every((x) => x > 0));
});
