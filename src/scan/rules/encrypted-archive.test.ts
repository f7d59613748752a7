import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptedArchive } from './encrypted-archive.js';
import { ruleInput, withAttachment, zipWith } from '../testing.js';

test('encrypted-archive fires on password-protected zips only', () => {
  assert.match(encryptedArchive.check(ruleInput(withAttachment('docs.zip', zipWith(['invoice.doc'], true), 'application/zip', 'Password: 4411'))) ?? '', /docs\.zip/);
  assert.equal(encryptedArchive.check(ruleInput(withAttachment('docs.zip', zipWith(['invoice.doc'], false), 'application/zip'))), null);
});
