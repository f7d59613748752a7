import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlAttachment } from './html-attachment.js';
import { ruleInput, withAttachment } from '../testing.js';

test('html-attachment fires on .html/.svg attachments, not on images', () => {
  assert.match(htmlAttachment.check(ruleInput(withAttachment('Invoice_8812.html', Buffer.from('<html>pay</html>'), 'text/html'))) ?? '', /Invoice_8812\.html/);
  assert.match(htmlAttachment.check(ruleInput(withAttachment('fax.svg', Buffer.from('<svg/>'), 'image/svg+xml'))) ?? '', /fax\.svg/);
  assert.equal(htmlAttachment.check(ruleInput(withAttachment('logo.png', Buffer.from([0x89, 0x50]), 'image/png'))), null);
});
