/**
 * Starts a real gateway for tests: a fresh data directory, listeners on port 0
 * of a given loopback address, pools on other loopback addresses, plain AUTH
 * allowed from loopback, and one tenant with SMTP and API credentials.
 * Overrides are merged into the config before validation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../src/core/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/gateway.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import type { Decider } from '../../src/pipeline/processor.js';
import type { ReputationSignals } from '../../src/reputation/signals.js';

export interface TestGateway {
  readonly gw: Gateway;
  readonly host: string;
  readonly smtpPort: number;
  readonly smtpsPort: number;
  readonly httpPort: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly tenant: { id: string; domain: string; user: string; password: string; apiKey: string };
  /** Every log line written so far (JSON), for assertions about logging. */
  readonly logLines: string[];
  addTenant(id: string, domain: string): Promise<{ user: string; password: string; apiKey: string }>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Loopback address for the listeners, e.g. 127.0.10.1. */
  readonly host: string;
  readonly config?: Record<string, unknown>;
  readonly clock?: Clock;
  readonly decide?: Decider;
  readonly reputation?: ReputationSignals;
  readonly dataDir?: string;
  readonly tenant?: { id: string; domain: string };
}

export async function startTestGateway(o: TestGatewayOptions): Promise<TestGateway> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'outpost-gw-'));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const log: Logger = createLogger('debug', sink);
  const base = {
    dataDir,
    log: { level: 'debug' },
    smtp: {
      listen: [
        { host: o.host, port: 0, tls: 'starttls' },
        { host: o.host, port: 0, tls: 'implicit' },
      ],
      allowPlainAuthOnLoopback: true,
    },
    http: { listen: { host: o.host, port: 0 } },
    feedback: { listen: { host: o.host, port: 0 } },
    dns: { servers: ['127.0.0.1:1'], timeout: '500ms' },
    // Receivers in tests are MX hosts on 127.x.
    delivery: { allowPrivateMx: true },
    // Tests of other stages route everything from `default`; scanning has its own tests.
    scan: { enabled: false },
    // Sending limits (30 messages a minute by default) have their own tests.
    limits: { enabled: false },
    // Reputation (standings, throttles) has its own tests, which switch it on.
    reputation: { enabled: false },
    pools: {
      default: { ips: [{ ip: '127.0.0.1', helo: 'out-default.test' }] },
      'high-risk': { ips: [{ ip: '127.0.0.1', helo: 'out-highrisk.test' }] },
    },
  };
  const config = parseConfig(deepMerge(base, o.config ?? {}));
  const gw = await startGateway({ config, log, ...(o.clock ? { clock: o.clock } : {}), ...(o.decide ? { decide: o.decide } : {}), ...(o.reputation ? { reputation: o.reputation } : {}) });
  const addTenant = async (id: string, domain: string): Promise<{ user: string; password: string; apiKey: string }> => {
    if (!gw.tenants.get(id)) gw.tenants.add(id, [domain]);
    const smtp = await gw.tenants.newSmtpPassword(id);
    const api = await gw.tenants.newApiKey(id);
    return { user: smtp.username, password: smtp.password, apiKey: api.key };
  };
  const t = o.tenant ?? { id: 'acme', domain: 'acme.test' };
  const creds = await addTenant(t.id, t.domain);
  return {
    gw, host: o.host, dataDir, logLines, addTenant,
    smtpPort: gw.smtpAddresses[0]!.port,
    smtpsPort: gw.smtpAddresses[1]!.port,
    httpPort: gw.httpAddress.port,
    baseUrl: `http://${o.host}:${gw.httpAddress.port}`,
    tenant: { ...t, ...creds },
    stop: () => gw.stop(),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}
