import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { youngGenerationHint } from './heap.js';

test('young generation hint: null when the flag is on the command line or in NODE_OPTIONS, a hint naming the flag otherwise', () => {
  assert.equal(youngGenerationHint(['--max-semi-space-size=4'], ''), null);
  assert.equal(youngGenerationHint([], '--max-semi-space-size=4 --trace-warnings'), null);
  assert.match(youngGenerationHint(['--enable-source-maps'], '') ?? '', /--max-semi-space-size=4/);
});

test('bin/outpost.js runs as an executable with the flag from its #! line, and the CLI then gives no hint', () => {
  const bin = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));
  assert.equal(readFileSync(bin, 'latin1').split('\n')[0], '#!/usr/bin/env -S node --max-semi-space-size=4');
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage: outpost/);
});
