/**
 * Browser test (headless Chromium): an operator signs in with a token, sees
 * the dashboard, sends mail through the gateway and watches the live numbers
 * and the chart data move without reloading; the token is kept in
 * sessionStorage only, never in the URL or the gateway's log; the page runs
 * under the strict CSP without violations. Addresses 127.0.181.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../api-support.js';
import { chromiumMissing, launchBrowser, signIn, startConsoleWorld, type BrowserHandle, type ConsoleWorld } from './support.js';

const skip = chromiumMissing();
let w: ConsoleWorld;
let b: BrowserHandle;

before(async () => {
  if (skip) return;
  w = await startConsoleWorld(181);
  b = await launchBrowser();
});
after(async () => {
  await b?.close();
  await w?.close();
});

test('log in, see the dashboard, send mail and watch the live numbers', { skip, timeout: 90_000 }, async () => {
  const { page, errors: problems } = await b.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

  await page.goto(`${w.t.baseUrl}/`);
  await page.fill('input[name=token]', 'op_wrong_token');
  await page.click('button[type=submit]');
  await page.waitForSelector('.login .error');
  assert.match(await page.textContent('.login .error') ?? '', /not accepted/);
  problems.length = 0; // the refused sign-in logs a 401 fetch in the console

  await signIn(page, w.t.baseUrl, w.t.operatorToken);
  await page.waitForSelector('[data-stat=received] .stat-value');
  const received = async (): Promise<number> => Number((await page.textContent('[data-stat=received] .stat-value'))!.replace(/\D/g, '') || 0);
  const delivered = async (): Promise<number> => Number((await page.textContent('[data-stat=delivered] .stat-value'))!.replace(/\D/g, '') || 0);
  assert.equal(await received(), 0);
  // uPlot draws in an effect after the first render: wait for it rather than race it.
  for (const chart of ['outcomes', 'pools', 'queue']) await page.waitForSelector(`[data-chart=${chart}] .uplot`, { timeout: 10_000 });

  for (let i = 0; i < 3; i++) await w.send(`rcpt${i}@dest.test`, `hello ${i}`);
  await w.sink.waitFor(3, 10_000);
  // No reload: the page polls every 5 s.
  await eventually(async () => (await received()) === 3 && (await delivered()) === 3, 20_000, 'live numbers: 3 received, 3 delivered');
  // The per-pool series can arrive one poll after the totals.
  await eventually(async () => /default/.test((await page.textContent('[data-chart=pools]')) ?? ''), 20_000, 'deliveries per pool name the pool');

  const url = page.url();
  assert.ok(!url.includes(w.t.operatorToken), 'the token is not in the URL');
  const stored = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage), cookie: document.cookie }));
  assert.ok(stored.session.includes(w.t.operatorToken), 'the token is in sessionStorage');
  assert.ok(!stored.local.includes(w.t.operatorToken) && !stored.cookie.includes(w.t.operatorToken), 'and nowhere else');
  assert.ok(!w.t.logLines.some((l) => l.includes(w.t.operatorToken)), 'the token never reaches the log');
  assert.deepEqual(problems, [], 'no console errors or CSP violations');

  // Signing out forgets the token.
  await page.click('text=Sign out');
  await page.waitForSelector('input[name=token]');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

test('a tenant signs in with its API key and sees only its own dashboard', { skip, timeout: 60_000 }, async () => {
  const other = await w.t.addTenant('globex', 'globex.test');
  await w.send('x@dest.test', 'from globex', other.apiKey, 'bob@globex.test');
  const { page } = await b.newPage();
  await signIn(page, w.t.baseUrl, other.apiKey);
  assert.match((await page.textContent('.who-name')) ?? '', /globex/);
  assert.equal(await page.$('a[href="#/tenants"]'), null, 'no tenants page for a tenant');
  await eventually(async () => (await page.textContent('[data-stat=received] .stat-value'))?.trim() === '1', 15_000, "globex's one message");
  assert.equal(await page.$('[data-chart=pools]'), null, 'no pools chart for a tenant');
  // Its suppression list: add an address, see it listed.
  await page.click('nav >> text=Suppression');
  await page.waitForSelector('text=No suppressed recipients');
  await page.fill('input[type=email]', 'gone@dest.test');
  await page.click('button:has-text("Add")');
  await page.waitForSelector('td:has-text("gone@dest.test")');
  const list = await w.t.call('GET', '/v1/suppressions', { key: other.apiKey });
  assert.deepEqual(list.body.data.map((x: { address: string }) => x.address), ['gone@dest.test']);
});
