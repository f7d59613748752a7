/**
 * Browser test (headless Chromium): the operator finds a suspended tenant in
 * the tenants table (state filter), opens it and reads why — the reason, the
 * evidence the engine recorded (rule, value, threshold, window, volume) and
 * the history — and the tenant itself reads the same explanation with its
 * own key. Addresses 127.0.184.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStateDb } from '../../src/gateway.js';
import { ReputationStore } from '../../src/reputation/store.js';
import { chromiumMissing, launchBrowser, signIn, startConsoleWorld, type BrowserHandle, type ConsoleWorld } from './support.js';

const skip = chromiumMissing();
let w: ConsoleWorld;
let b: BrowserHandle;
let globexKey = '';

before(async () => {
  if (skip) return;
  w = await startConsoleWorld(184);
  globexKey = (await w.t.addTenant('globex', 'globex.test')).apiKey;
  await w.t.addTenant('initech', 'initech.test');
  await w.send('a@dest.test', 'hello');
  // What the reputation engine records when the spam-share rule crosses its suspension threshold.
  const db = openStateDb(w.t.dataDir);
  const store = new ReputationStore(db);
  const at = Date.now() - 60_000;
  store.transition({
    tenantId: 'globex', at: at - 600_000, from: 'normal', to: 'watch', trigger: 'evidence', actor: 'engine', reason: 'spam-share: spamShare 3.1% ≥ 2% (short window)',
    evidence: [{ rule: 'spam-share', signal: 'spamShare', window: 'short', windowMs: 600_000, value: 0.031, volume: 130, floor: 20, level: 'watch', threshold: 0.02 }],
  });
  store.transition({
    tenantId: 'globex', at, from: 'watch', to: 'suspended', trigger: 'evidence', actor: 'engine', reason: 'spam-share: spamShare 62.5% ≥ 50% (short window)',
    evidence: [{ rule: 'spam-share', signal: 'spamShare', window: 'short', windowMs: 600_000, value: 0.625, volume: 240, floor: 20, level: 'suspended', threshold: 0.5 }],
  });
  db.close();
  b = await launchBrowser();
});
after(async () => {
  await b?.close();
  await w?.close();
});

test('open a suspended tenant from the tenants table and read why', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await b.newPage();
  await signIn(page, w.t.baseUrl, w.t.operatorToken);
  await page.click('nav >> text=Tenants');
  await page.waitForSelector('[data-table=tenants] tbody tr');
  assert.equal(await page.locator('[data-table=tenants] tbody tr').count(), 3);
  await page.selectOption('select[aria-label=State]', 'suspended');
  await page.waitForFunction(() => document.querySelectorAll('[data-table=tenants] tbody tr').length === 1);
  const row = page.locator('[data-table=tenants] tbody tr');
  assert.match((await row.textContent()) ?? '', /globex.*suspended/);
  await row.click();

  await page.waitForSelector('[data-section=why] [data-why]');
  assert.match(page.url(), /#\/tenants\/globex$/);
  const why = (await page.textContent('[data-section=why]')) ?? '';
  assert.match(why, /suspended/);
  assert.match(why, /spam-share: spamShare 62\.5% ≥ 50% \(short window\)/, 'the reason');
  assert.match(why, /spamShare was 62\.50 % over the short window \(10 min\), threshold 50\.00 %/, 'the evidence, in words');
  assert.match(why, /on 240 events/);
  const history = (await page.textContent('[data-section=history]')) ?? '';
  assert.match(history, /watch\s*→\s*suspended/);
  assert.match(history, /normal\s*→\s*watch/);
  assert.match(history, /engine/);
  assert.ok(history.indexOf('suspended') < history.indexOf('normal'), 'newest first');
  assert.deepEqual(errors, []);
});

test('the suspended tenant reads the same explanation with its own key', { skip, timeout: 60_000 }, async () => {
  const { page } = await b.newPage();
  await signIn(page, w.t.baseUrl, globexKey);
  await page.click('nav >> text=Standing');
  await page.waitForSelector('[data-section=why] [data-why]');
  assert.match((await page.textContent('[data-section=why]')) ?? '', /62\.5% ≥ 50%/);
  assert.match((await page.textContent('[data-section=history]')) ?? '', /watch\s*→\s*suspended/);
});
