/**
 * Browser test (headless Chromium): the policy holds every message (clean →
 * quarantine); the operator opens the quarantine, previews a held message
 * (reason, header fields, text), releases it from the `default` pool and
 * follows it to the message page until the loopback sink has it and the
 * page says delivered; then deletes the others in bulk. Addresses 127.0.185.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../api-support.js';
import { chromiumMissing, launchBrowser, signIn, startConsoleWorld, type BrowserHandle, type ConsoleWorld } from './support.js';

const skip = chromiumMissing();
let w: ConsoleWorld;
let b: BrowserHandle;
const ids: string[] = [];

before(async () => {
  if (skip) return;
  w = await startConsoleWorld(185, { policy: { clean: 'quarantine' } });
  for (const s of ['Quarterly invoice', 'Second note', 'Third note']) ids.push(await w.send('ann.reader@dest.test', s));
  await eventually(async () => (await w.t.call('GET', '/v1/admin/quarantine')).body.data.length === 3, 10_000, 'three held messages');
  b = await launchBrowser();
});
after(async () => {
  await b?.close();
  await w?.close();
});

test('preview a held message, release it and see it delivered', { skip, timeout: 90_000 }, async () => {
  const { page, errors } = await b.newPage();
  page.on('dialog', (d) => void d.accept());
  await signIn(page, w.t.baseUrl, w.t.operatorToken);
  await page.click('nav >> text=Quarantine');
  await page.waitForSelector('[data-table=quarantine] tbody tr');
  assert.equal(await page.locator('[data-table=quarantine] tbody tr').count(), 3);
  await page.click('text=Quarterly invoice');

  await page.waitForSelector('[data-preview]');
  assert.match((await page.textContent('[data-preview]')) ?? '', /this is "Quarterly invoice"/);
  assert.match((await page.textContent('.page')) ?? '', /Held by policy|default policy|quarantine/i);
  assert.match((await page.textContent('table')) ?? '', /subject\s*Quarterly invoice/i, 'the header fields');
  assert.equal(w.sink.messages.length, 0);

  await page.selectOption('select[aria-label="Release to"]', 'default');
  await page.click('[data-action=release]');
  await page.waitForSelector('[data-done=released]');
  await w.sink.waitFor(1, 15_000);
  assert.match(w.sink.messages[0]!.raw.toString(), /Subject: Quarterly invoice/);

  await page.click('text=Follow the message');
  await page.waitForSelector('[data-timeline]');
  await eventually(async () => /delivered/.test((await page.textContent('[data-timeline]')) ?? ''), 15_000, 'the message page shows the delivery');
  const timeline = (await page.textContent('[data-timeline]')) ?? '';
  for (const step of [/clean → quarantine/, /released/, /forced pool default/, /delivered/]) assert.match(timeline, step);
  assert.deepEqual(errors, []);
});

test('bulk delete the rest', { skip, timeout: 60_000 }, async () => {
  const { page } = await b.newPage();
  page.on('dialog', (d) => void d.accept());
  await signIn(page, w.t.baseUrl, w.t.operatorToken);
  await page.goto(`${w.t.baseUrl}/#/quarantine`);
  await page.waitForSelector('[data-table=quarantine] tbody tr');
  assert.equal(await page.locator('[data-table=quarantine] tbody tr').count(), 2);
  await page.check('input[aria-label="Select all on this page"]');
  await page.click('[data-bulk=delete]');
  await page.waitForSelector('.notice');
  assert.match((await page.textContent('.notice')) ?? '', /Deleted 2 message/);
  await page.waitForSelector('text=Nothing is held');
  const left = await w.t.call('GET', '/v1/admin/quarantine');
  assert.equal(left.body.data.length, 0);
  assert.equal(w.sink.messages.length, 1, 'deleted mail is not delivered');
});
