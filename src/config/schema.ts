/**
 * The configuration schema: every key Outpost reads, its type and its default.
 * One YAML file (`outpost start --config FILE`) is validated against it at start;
 * unknown keys are errors (a typo must not silently fall back to a default).
 * docs/configuration.md documents each key; keep the two in step.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './duration.js';

/** Length in bytes of a master key written as hex (64 digits) or base64; -1 when it is neither. */
function masterKeyBytes(s: string): number {
  const t = s.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return 32;
  return /^[A-Za-z0-9+/]+={0,2}$/.test(t) ? Buffer.from(t, 'base64').length : -1;
}

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:]+):\d{1,5}$/, 'expected "host:port"');
const ipAddress = z.string().refine((s) => isIP(s) !== 0, 'expected an IPv4 or IPv6 address');
const port = z.number().int().min(0).max(65535);

const listener = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port,
  /** starttls: plain with STARTTLS offered; implicit: TLS from the first byte (port 465 style). */
  tls: z.enum(['starttls', 'implicit']).default('starttls'),
});

const smtp = z.strictObject({
  listen: z.array(listener).min(1).default([
    { host: '127.0.0.1', port: 2587, tls: 'starttls' },
    { host: '127.0.0.1', port: 2465, tls: 'implicit' },
  ]),
  maxMessageBytes: z.number().int().positive().default(25 * 1024 * 1024),
  maxRecipients: z.number().int().positive().default(100),
  maxClients: z.number().int().positive().default(1000),
  maxConnectionsPerTenant: z.number().int().positive().default(50),
  maxConnectionsPerIp: z.number().int().positive().default(50),
  /** Allow AUTH without TLS, but only from loopback clients. For tests and local tools. */
  allowPlainAuthOnLoopback: z.boolean().default(false),
  authFailures: z
    .strictObject({ max: z.number().int().positive().default(5), window: duration.prefault('5m'), lockout: duration.prefault('15m') })
    .prefault({}),
  socketTimeout: duration.prefault('60s'),
});

const http = z.strictObject({
  listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: port.default(8025) }).default({ host: '127.0.0.1', port: 8025 }),
  maxBodyBytes: z.number().int().positive().default(30 * 1024 * 1024),
});

const poolIp = z.strictObject({
  ip: ipAddress,
  /** The EHLO name: a host name (it should match the IP's PTR record). */
  helo: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'expected a host name (letters, digits, dots and hyphens)'),
});
const pool = z.strictObject({
  ips: z.array(poolIp).min(1),
  /** Simultaneous connections from one IP of this pool to one destination. */
  maxConnectionsPerDestination: z.number().int().positive().default(4),
  /** Simultaneous outbound connections from one IP of this pool, all destinations. */
  maxConnectionsPerIp: z.number().int().positive().default(100),
  messagesPerConnection: z.number().int().positive().default(100),
});

const staticRoute = z.strictObject({ match: z.string().min(1), host: z.string().min(1), port: z.number().int().min(1).max(65535).default(25) });

const delivery = z.strictObject({
  /** Keep everything queued and make no delivery attempts (maintenance, benchmarks of ingress alone). */
  hold: z.boolean().default(false),
  retrySchedule: z.array(duration).min(1).prefault(['5m', '10m', '20m', '40m', '1h', '2h', '4h']),
  maxQueueAge: duration.prefault('5d'),
  /** Send a delay warning DSN once a message has waited this long; 0 disables. */
  delayWarningAfter: duration.prefault('4h'),
  port: port.default(25),
  tls: z
    .strictObject({ mode: z.enum(['opportunistic', 'required', 'none']).default('opportunistic'), verify: z.boolean().default(false) })
    .prefault({}),
  /** Initial pause for an (IP, destination) after a "slow down" reply; doubles up to slowDownMax. */
  slowDownInitial: duration.prefault('1m'),
  slowDownMax: duration.prefault('1h'),
  connectTimeout: duration.prefault('30s'),
  /** An open connection with nothing to send waits this long for more before QUIT (0: close at once). */
  idleConnectionTime: duration.prefault('2s'),
  commandTimeout: duration.prefault('5m'),
  /** Jobs held in memory, ready to send, across all destinations (the rest waits on disk). */
  maxReady: z.number().int().positive().default(5000),
  /** How long SIGTERM waits for in-flight transactions before stopping anyway. */
  shutdownGrace: duration.prefault('30s'),
});

export const configSchema = z.strictObject({
  dataDir: z.string().default('./var'),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') }).default({ level: 'info' }),
  platform: z
    .strictObject({
      /** Name used in SMTP banners, Received headers and DSNs. */
      hostname: z.string().default('outpost.localhost'),
      /** The platform's own domain: platform DKIM d=, bounce and FBL addresses. */
      domain: z.string().default('outpost.localhost'),
      /** Selector of the platform DKIM key generated on first start. */
      dkimSelector: z.string().regex(/^[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*$/, 'expected a DKIM selector (letters, digits, - and _)').default('outpost'),
      /** The Feedback-ID SenderId (Gmail: stable, 5-15 characters). */
      senderId: z.string().regex(/^[A-Za-z0-9._-]{5,15}$/, 'expected 5-15 letters, digits, ".", "_" or "-"').default('outpost'),
      /** Add the DKIM signatures and Feedback-ID to outgoing mail. */
      signing: z.boolean().default(true),
      /** 32-byte key (64 hex digits or base64) sealing DKIM private keys at rest. */
      masterKey: z
        .string()
        .refine((s) => masterKeyBytes(s) === 32, 'expected 32 bytes written as 64 hex digits or base64')
        .optional(),
    })
    .prefault({}),
  tls: z
    .strictObject({ cert: z.string(), key: z.string() })
    .optional()
    .describe('PEM files; when absent a self-signed pair is generated under dataDir on first start'),
  smtp: smtp.prefault({}),
  http: http.prefault({}),
  dns: z
    .strictObject({ servers: z.array(hostPort).default([]), timeout: duration.prefault('5s') })
    .prefault({}),
  scan: z
    .strictObject({
      /** Scan every outgoing message (verdict recorded on the message, used for routing). */
      enabled: z.boolean().default(true),
      /** Scanner worker threads (off the event loop). */
      threads: z.number().int().min(1).max(16).default(1),
      /** Characters of decoded text scanned per message; bounds the cost of large messages. */
      maxTextLength: z.number().int().min(1000).max(10_000_000).default(16_384),
      /** Score thresholds for the classes (0..1). */
      thresholds: z
        .strictObject({ bulk: z.number().min(0).max(1).optional(), suspect: z.number().min(0).max(1).optional(), spam: z.number().min(0).max(1).optional() })
        .optional(),
      /** Per-rule weight overrides, e.g. { url-shortener: 0.2 } (see docs/scanner.md for names). */
      weights: z.record(z.string(), z.number()).optional(),
      /** URI blocklist zones (DBL/SURBL style) looked up through dns.servers. */
      uriBlocklistZones: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  spool: z
    .strictObject({
      /** Cap on the spool database size in MiB; past it submissions get 452 4.3.1. 0 = only the disk limits it. */
      maxSizeMb: z.number().int().nonnegative().default(0),
    })
    .prefault({}),
  routes: z.array(staticRoute).default([]),
  pools: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pool names are lower-case letters, digits and -'), pool).default({
    default: pool.parse({ ips: [{ ip: '127.0.0.1', helo: 'localhost' }] }),
    'high-risk': pool.parse({ ips: [{ ip: '127.0.0.2', helo: 'localhost' }] }),
  }),
  delivery: delivery.prefault({}),
  events: z
    .strictObject({
      /** How long platform events are kept in dataDir/events.db. */
      retention: duration.prefault('30d'),
      /** Buffered events are written at least this often (one transaction per flush). */
      flushInterval: duration.prefault('200ms'),
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      timeout: duration.prefault('10s'),
      /** Webhook HTTP requests in flight at once, all subscriptions together. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** Back-off after a failed delivery: retryInitial doubling per consecutive failure, at most retryMax. */
      retryInitial: duration.prefault('30s'),
      retryMax: duration.prefault('1h'),
      /** A delivery still failing after this long is given up (marked expired in the log). */
      maxAge: duration.prefault('3d'),
      /** Disable a subscription after this many consecutive failures spanning at least `window`. */
      disableAfter: z.strictObject({ failures: z.number().int().min(1).default(20), window: duration.prefault('24h') }).prefault({}),
      /** How long the delivery log and finished outbox rows are kept. */
      logRetention: duration.prefault('7d'),
      /** Let tenant webhooks target loopback and private addresses (tests, single-tenant setups). */
      allowPrivateTargets: z.boolean().default(false),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Serve Prometheus metrics at /metrics on the HTTP listener. */
      enabled: z.boolean().default(true),
      /** Require an operator token (Authorization: Bearer) for /metrics. */
      requireToken: z.boolean().default(false),
      /** How often queue depth/age and the webhook backlog are sampled. */
      sampleInterval: duration.prefault('15s'),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type PoolConfig = z.output<typeof pool>;
