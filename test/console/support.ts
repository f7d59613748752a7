/**
 * The world the console's browser tests drive: a DNS server and an SMTP sink
 * standing in for the destination's MX, a real gateway (with an operator
 * token) delivering to it, and headless Debian Chromium through
 * playwright-core (never a downloaded browser). `chromiumMissing()` tells the
 * tests to skip, with the reason, when /usr/bin/chromium is not installed
 * (CI installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../api-support.js';
import { deepMerge } from '../support/gateway.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { startSink, type Sink } from '../support/smtp-sink.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; CI installs it): browser tests skipped`;
}

export interface BrowserHandle {
  readonly browser: Browser;
  /** A page in a fresh context; `errors` collects the page's uncaught script errors as they happen. */
  newPage(o?: { width?: number; height?: number; dark?: boolean }): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium. chromium.launch gives every launch a fresh temporary
 * user-data-dir of its own (and removes it on close); playwright refuses an
 * explicit --user-data-dir here. TMPDIR points it at a directory of ours.
 */
export async function launchBrowser(): Promise<BrowserHandle> {
  const profile = mkdtempSync(join(tmpdir(), 'outpost-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000, env: { ...process.env, TMPDIR: profile } });
  return {
    browser,
    newPage: async (o = {}) => {
      const context = await browser.newContext({ viewport: { width: o.width ?? 1360, height: o.height ?? 900 }, colorScheme: o.dark ? 'dark' : 'light', deviceScaleFactor: 1 });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      return { context, page, errors };
    },
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ConsoleWorld {
  readonly t: ApiGateway;
  readonly sink: Sink;
  readonly dns: DnsTestServer;
  /** Submits a message through the HTTP API as tenant `acme` (or the key given). */
  send(to: string, subject: string, key?: string, from?: string): Promise<string>;
  close(): Promise<void>;
}

/** `net` is the third octet of the 127.0.N.x addresses the world uses. */
export async function startConsoleWorld(net: number, config: Record<string, unknown> = {}): Promise<ConsoleWorld> {
  const sink = await startSink({ host: `127.0.${net}.10` });
  const mx = { MX: [{ exchange: 'mx.sink.test', priority: 10 }] };
  const dns = await startDnsServer({ host: `127.0.${net}.53`, zone: { 'dest.test': mx, 'mx.sink.test': { A: [`127.0.${net}.10`] } } });
  const t = await startApiGateway({
    host: `127.0.${net}.20`,
    config: deepMerge(
      {
        dns: { servers: [dns.server], timeout: '2s' },
        delivery: { port: sink.port, tls: { mode: 'none' }, retrySchedule: ['1s'], idleConnectionTime: 0 },
        pools: { default: { ips: [{ ip: `127.0.${net}.1`, helo: 'out.test' }] }, 'high-risk': { ips: [{ ip: `127.0.${net}.2`, helo: 'out-hr.test' }] } },
        policy: { checkSenderDomain: false },
        events: { flushInterval: '100ms' },
      },
      config,
    ),
  });
  const send = async (to: string, subject: string, key = t.tenant.apiKey, from = 'ann@acme.test'): Promise<string> => {
    const r = await t.call('POST', '/v1/messages', { key, body: { from, to: [to], subject, text: `Hello,\n\nthis is "${subject}".\n` } });
    if (r.status !== 202) throw new Error(`submission failed: ${r.status} ${r.text}`);
    return r.body.id as string;
  };
  return {
    t, sink, dns, send,
    close: async () => {
      await t.stop();
      await sink.close();
      await dns.close();
    },
  };
}

/** Opens the console and signs in with `token`. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.side');
}
