import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executableAttachment } from './executable-attachment.js';
import { ruleInput, withAttachment, zipWith } from '../testing.js';

test('executable-attachment: executables, double extensions, macro Office, executables inside a zip', () => {
  assert.match(executableAttachment.check(ruleInput(withAttachment('invoice.pdf.exe', Buffer.from('MZ...')))) ?? '', /invoice\.pdf\.exe/);
  assert.match(executableAttachment.check(ruleInput(withAttachment('Q3 figures.xlsm', Buffer.from('PK')))) ?? '', /xlsm/);
  assert.match(executableAttachment.check(ruleInput(withAttachment('scan.zip', zipWith(['readme.txt', 'scan_0042.js']), 'application/zip'))) ?? '', /scan_0042\.js inside scan\.zip/);
});

test('executable-attachment: documents and harmless zips do not fire', () => {
  assert.equal(executableAttachment.check(ruleInput(withAttachment('report.pdf', Buffer.from('%PDF-1.4')))), null);
  assert.equal(executableAttachment.check(ruleInput(withAttachment('photos.zip', zipWith(['a.jpg', 'b.jpg']), 'application/zip'))), null);
});
