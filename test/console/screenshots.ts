/**
 * `npm run console:screenshots`: starts a gateway with a sink, seeds it with
 * mail from a dozen tenants over a few minutes (deliveries, deferrals,
 * bounces, scanner-quarantined mail, a tenant the reputation engine
 * restricts for spam, a DNSBL listing and a warming-up IP), then saves the console's main pages to docs/console/*.png
 * (light theme; the dashboard also in dark). Takes about three minutes:
 * the dashboard's per-minute charts need a few minutes of traffic.
 * Needs /usr/bin/chromium. Addresses 127.0.186.x.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStateDb } from '../../src/gateway.js';
import { TenantPolicyStore } from '../../src/policy/store.js';
import { eventually } from '../api-support.js';
import { reply } from '../support/smtp-sink.js';
import { chromiumMissing, launchBrowser, signIn, startConsoleWorld } from './support.js';

const OUT = fileURLToPath(new URL('../../../docs/console/', import.meta.url));
const WAVES = Number(process.env['WAVES'] ?? 7);
const WAVE_MS = 25_000;

const TENANTS: Array<[string, number]> = [
  ['acme', 9], ['globex', 6], ['initech', 4], ['umbrella', 3], ['hooli', 7], ['stark', 2], ['wayne', 5], ['wonka', 1], ['tyrell', 3], ['cyberdyne', 2], ['soylent', 1], ['gringotts', 2],
];
const SPAM = [
  'URGENT: your account is suspended!! Verify your password now at http://bit.ly/verify-acc0unt or lose access. Click here, act now, limited time, 100% free bonus, winner!!!',
  'Congratulations WINNER!!! You have won $1,000,000 USD. Send your bank details and password to claim your prize now. Click http://tinyurl.com/claim-now !!!',
];

async function main(): Promise<void> {
  const skip = chromiumMissing();
  if (skip) throw new Error(skip);
  mkdirSync(OUT, { recursive: true });
  const w = await startConsoleWorld(186, {
    scan: { enabled: true },
    reputation: { enabled: true },
    delivery: { retrySchedule: ['5m'] },
    policy: { suspect: 'quarantine', spam: 'quarantine' },
    pools: {
      default: { ips: [{ ip: '127.0.186.1', helo: 'mta1.outpost.test' }, { ip: '127.0.186.3', helo: 'mta3.outpost.test' }] },
      bulk: { ips: [{ ip: '127.0.186.4', helo: 'bulk1.outpost.test', warmup: { start: 200, growth: 1.5, days: 20 } }] },
      'high-risk': { ips: [{ ip: '127.0.186.2', helo: 'hr1.outpost.test' }] },
    },
    dnsbl: { interval: '24h', zones: [{ name: 'zen.spamhaus.org' }, { name: 'bl.spamcop.net' }] },
  });
  w.sink.script('nobody@dest.test', reply(550, '5.1.1 The email account that you tried to reach does not exist'));
  w.sink.script('busy@dest.test', reply(451, '4.2.1 Mailbox busy, try again later'));
  const keys = new Map<string, string>([['acme', w.t.tenant.apiKey]]);
  for (const [id] of TENANTS) if (id !== 'acme') keys.set(id, (await w.t.addTenant(id, `${id}.test`)).apiKey);
  // One tenant's bulk mail leaves from the warming-up pool.
  const state = openStateDb(w.t.dataDir);
  new TenantPolicyStore(state, { now: () => Date.now() }).set('hooli', 'clean', { action: 'deliver', pool: 'bulk' });
  // An IP listed on one zone (as the DNSBL monitor records it) and held out of rotation.
  w.t.gw.ipHealth.incidents.listed('127.0.186.3', 'bl.spamcop.net', '127.0.0.2', 'Listed in bl.spamcop.net');
  w.t.gw.pools.hold('127.0.186.3', 'dnsbl:bl.spamcop.net', 'listed on bl.spamcop.net (127.0.0.2)');

  const send = async (tenant: string, to: string, subject: string, text?: string): Promise<void> => {
    const r = await w.t.call('POST', '/v1/messages', { key: keys.get(tenant)!, body: { from: `news@${tenant}.test`, to: [to], subject, text: text ?? `Hello,\n\nyour ${subject.toLowerCase()} is ready.\n\nBest regards,\n${tenant}` } });
    if (r.status !== 202) process.stderr.write(`${tenant}: ${r.status} ${r.text}\n`);
  };
  for (let wave = 0; wave < WAVES; wave++) {
    const started = Date.now();
    for (const [id, n] of TENANTS) {
      const count = Math.max(1, Math.round(n * (0.6 + 0.8 * Math.abs(Math.sin(wave + n)))));
      for (let i = 0; i < count; i++) await send(id, i % 9 === 8 ? 'busy@dest.test' : `reader${i}@dest.test`, ['Weekly digest', 'Invoice', 'Order confirmation', 'Password reset'][(i + wave) % 4]!);
    }
    if (wave % 2 === 0) await send('umbrella', 'nobody@dest.test', 'Account notice');
    if (wave % 3 === 1) await send('tyrell', 'winner@dest.test', 'You are a WINNER', SPAM[wave % 2]);
    // initech's account is taken over half-way: the reputation engine restricts it on the evidence.
    for (let k = 0; k < (wave >= WAVES / 2 ? 6 : 1); k++) await send('initech', `lead${k}@dest.test`, 'Verify your account now', SPAM[k % 2]);
    process.stdout.write(`wave ${wave + 1}/${WAVES}\n`);
    if (wave < WAVES - 1) await new Promise((r) => setTimeout(r, Math.max(0, WAVE_MS - (Date.now() - started))));
  }
  state.close();
  await eventually(async () => (await w.t.call('GET', '/v1/admin/quarantine')).body.data.length > 0, 10_000, 'quarantined mail');

  const b = await launchBrowser();
  const shoot = async (name: string, hash: string, ready: string, o: { dark?: boolean; setup?: (p: import('playwright-core').Page) => Promise<void> } = {}): Promise<void> => {
    const { page, context } = await b.newPage({ dark: o.dark === true });
    await signIn(page, w.t.baseUrl, w.t.operatorToken);
    await page.goto(`${w.t.baseUrl}/${hash}`);
    await page.waitForSelector(ready);
    await o.setup?.(page);
    await page.waitForTimeout(700);
    // The whole page at once, with the viewport grown to it (the sidebar stays put).
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1360, height: Math.min(Math.max(h, 900), 2400) });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}${name}.png` });
    await context.close();
    process.stdout.write(`docs/console/${name}.png\n`);
  };
  const pick15 = async (p: import('playwright-core').Page): Promise<void> => {
    await p.click('button.seg-btn:has-text("15 min")');
    await p.waitForTimeout(800);
  };
  await shoot('dashboard', '#/', '[data-chart=outcomes] .uplot', { setup: pick15 });
  await shoot('dashboard-dark', '#/', '[data-chart=outcomes] .uplot', { dark: true, setup: pick15 });
  await shoot('tenants', '#/tenants', '[data-table=tenants] tbody tr');
  // The tenant in the worst standing (the engine's own decision, with its evidence).
  const worst = (await w.t.call('GET', '/v1/admin/tenants/overview?sort=state&limit=1')).body.data[0].id as string;
  await shoot('tenant', `#/tenants/${worst}`, '[data-section=why] [data-why]');
  await shoot('quarantine', '#/quarantine', '[data-table=quarantine] tbody tr');
  const held = (await w.t.call('GET', '/v1/admin/quarantine')).body.data[0].id as string;
  await shoot('quarantine-message', `#/quarantine/${held}`, '[data-preview]');
  await shoot('pools', '#/pools', '[data-pool=default]', { setup: async (p) => void (await p.click('[data-ip="127.0.186.3"] button.th-sort')) });
  const delivered = (await w.t.call('GET', '/v1/admin/queue?tenant=umbrella&limit=50')).body.data.find((m: { subject: string }) => m.subject === 'Account notice')?.id as string;
  await shoot('message', `#/messages/${delivered}`, '[data-timeline]');
  await b.close();
  await w.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
