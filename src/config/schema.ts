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

/** IP warm-up (src/pools/warmup.ts): messages per UTC day, rising until the schedule ends. */
const warmup = z
  .strictObject({
    /** Messages on day 1; day d allows start × growth^(d-1), for `days` days. */
    start: z.number().int().positive().optional(),
    growth: z.number().min(1).max(10).default(1.25),
    days: z.number().int().min(1).max(366).default(30),
    /** Explicit daily limits, day 1 first (instead of start/growth/days). */
    schedule: z.array(z.number().int().nonnegative()).min(1).max(366).optional(),
    /** First day of the schedule (UTC, YYYY-MM-DD); default: the first day the gateway runs with it. */
    since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
  })
  .refine((w) => (w.start === undefined) !== (w.schedule === undefined), 'warmup needs either start (messages on day 1) or schedule (a list of daily limits), not both');
const poolIp = z.strictObject({
  ip: ipAddress,
  /** The EHLO name: a host name (it should match the IP's PTR record). */
  helo: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'expected a host name (letters, digits, dots and hyphens)'),
  warmup: warmup.optional(),
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
  /** Own-IP health: blocklist (DNSBL) checks of every pool IP (src/dnsbl/). */
  dnsbl: z
    .strictObject({
      /** Time between checks of every pool IP against every zone. */
      interval: duration.prefault('15m'),
      zones: z
        .array(
          z.strictObject({
            name: z.string().regex(/^(?!-)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+\.?$/, 'expected a DNS zone name such as zen.spamhaus.org'),
            /** Meanings of listing codes (127.0.0.x → text), over the built-in ones for known zones. */
            codes: z.record(z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'expected a 127.x.y.z return code'), z.string().min(1)).optional(),
            /** Take a listed IP out of rotation (never a pool's last one); false: alert only. */
            removeFromRotation: z.boolean().default(true),
          }),
        )
        .default([]),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type PoolConfig = z.output<typeof pool>;
