/**
 * The configuration schema: every key Outpost reads, its type and its default.
 * One YAML file (`outpost start --config FILE`) is validated against it at start;
 * unknown keys are errors (a typo must not silently fall back to a default).
 * docs/configuration.md documents each key; keep the two in step.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './duration.js';
import { LEVEL_NAMES, SIGNAL_NAMES, WINDOW_NAMES } from '../reputation/names.js';
import { DEFAULT_RULES } from '../reputation/rules.js';

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
  /** Serve the web console at / (src/console/). */
  console: z.boolean().default(true),
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
  /** Connect to MX hosts on private, loopback or our own pool addresses (tests and labs only). */
  allowPrivateMx: z.boolean().default(false),
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

/** A policy action: `deliver:POOL`, `quarantine`, `reject` or `drop` (see src/policy/action.ts). */
const policyAction = z.string().regex(/^(deliver:[a-z0-9][a-z0-9-]*|quarantine|reject|drop)$/, 'expected deliver:POOL, quarantine, reject or drop');
const poolName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pool names are lower-case letters, digits and -');

/** Routing by scanner class (src/policy); tenants override rows with `outpost policy set`. */
const policy = z.strictObject({
  clean: policyAction.default('deliver:default'),
  /** Absent: `deliver:bulk` when a `bulk` pool is configured, else `deliver:default`. */
  bulk: policyAction.optional(),
  suspect: policyAction.default('deliver:high-risk'),
  spam: policyAction.default('deliver:high-risk'),
  /** Pool every generated bounce (DSN) leaves from. */
  bouncePool: poolName.default('high-risk'),
  /** Pool for mail whose sender domain has no MX and no A/AAAA record (where bounces cannot go). */
  noMailDomainPool: poolName.default('high-risk'),
  /** Look the sender domain up (MX, then A/AAAA) for every message; cached. */
  checkSenderDomain: z.boolean().default(true),
});

const quarantine = z.strictObject({
  /** Held mail older than this expires: final event, recipients `expired`, body deleted. */
  expireAfter: duration.prefault('30d'),
  /** Send the sender a failure DSN when quarantined mail expires. */
  notifySenderOnExpiry: z.boolean().default(true),
  /** How often the gateway looks for expired quarantined mail. */
  sweepInterval: duration.prefault('1m'),
  /** May a tenant release its own quarantined mail over the tenant API (it always may list, show and delete it)? */
  tenantRelease: z.boolean().default(false),
});

/** Sliding-window sending limits; 0 = no limit. */
const limitSet = z.strictObject({
  recipientsPerHour: z.number().int().nonnegative().default(500),
  recipientsPerDay: z.number().int().nonnegative().default(1000),
  messagesPerMinute: z.number().int().nonnegative().default(30),
});
const limits = z.strictObject({
  enabled: z.boolean().default(true),
  /** Totals over all of a tenant's credentials. */
  tenant: limitSet.prefault({}),
  /** Each credential (SMTP user or API key) of a tenant on its own. */
  user: limitSet.prefault({}),
  /** What a breach does: throttle (451 4.7.1 until the window allows), block-until-tomorrow (next UTC day), block (until `outpost tenant unblock`). */
  action: z.enum(['throttle', 'block-until-tomorrow', 'block']).default('throttle'),
});

const signalName = z.enum(SIGNAL_NAMES);
const windowName = z.enum(WINDOW_NAMES);
/** A threshold rule (docs/reputation.md): overrides a shipped rule of the same name field by field, or adds one. */
const reputationRule = z.strictObject({
  signal: signalName.optional(),
  window: windowName.optional(),
  minVolume: z.number().int().nonnegative().optional(),
  levels: z.strictObject(Object.fromEntries(LEVEL_NAMES.map((l) => [l, z.number().nonnegative().optional()])) as Record<(typeof LEVEL_NAMES)[number], z.ZodOptional<z.ZodNumber>>).optional(),
  when: z.strictObject({ signal: signalName, window: windowName.optional(), atLeast: z.number().nonnegative() }).optional(),
  enabled: z.boolean().optional(),
});

const reputation = z.strictObject({
  /** Per-tenant reputation and the tenant state machine (docs/reputation.md). */
  enabled: z.boolean().default(true),
  windows: z
    .strictObject({ minute: duration.prefault('1m'), short: duration.prefault('10m'), hour: duration.prefault('1h'), day: duration.prefault('1d') })
    .prefault({}),
  buckets: z.number().int().min(2).max(600).default(20),
  minVolume: z.number().int().nonnegative().default(20),
  baseline: z
    .strictObject({ period: duration.prefault('1h'), alpha: z.number().gt(0).max(1).default(0.1), floor: z.number().nonnegative().default(100) })
    .prefault({}),
  hysteresis: z.number().gt(0).max(1).default(0.5),
  coolDown: duration.prefault('1h'),
  suspendAfter: duration.prefault('10m'),
  campaign: z.strictObject({ window: duration.prefault('1h'), minTenants: z.number().int().min(2).default(3) }).prefault({}),
  knownDomains: z.number().int().positive().default(10_000),
  throttle: z.strictObject({ messagesPerMinute: z.number().int().nonnegative().default(10) }).prefault({}),
  highRiskPool: z.string().default('high-risk'),
  persistEvery: duration.prefault('30s'),
  rules: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule names are lower-case letters, digits and -'), reputationRule)
    .superRefine((rules, ctx) => {
      for (const [name, r] of Object.entries(rules)) {
        if (DEFAULT_RULES.some((d) => d.name === name)) continue;
        if (!r.signal || !r.window || !r.levels || Object.values(r.levels).every((v) => v === undefined)) {
          ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a shipped rule: a new rule needs signal, window and at least one level` });
        }
      }
    })
    .default({}),
});

const alerts = z.strictObject({
  /** Operator alerts (tenant state changes) are mailed here through the gateway; absent = events only. */
  email: z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address').optional(),
  /** Sender of alert e-mails; default alerts@<platform.domain>. */
  from: z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address').optional(),
});

const feedback = z.strictObject({
  /** Run the feedback listener (bounces and FBL reports) and rewrite envelope senders to VERP addresses. */
  enabled: z.boolean().default(true),
  listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: port.default(2525) }).default({ host: '127.0.0.1', port: 2525 }),
  /** Domain of the VERP return paths and FBL addresses; default platform.domain. Its MX must reach the listener. */
  bounceDomain: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'expected a domain name').optional(),
  /** Local part before the '+' of VERP addresses. */
  verpLocalPart: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,15}$/, 'expected 1-16 lower-case letters, digits, ".", "_" or "-"').default('bounces'),
  /** Rewrite the envelope sender of tenant mail to bounces+TOKEN@bounceDomain. */
  verp: z.boolean().default(true),
  /** HMAC secret of VERP tokens (at least 16 characters); when absent one is generated and kept in state.db. */
  verpSecret: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Addresses that accept FBL/ARF reports; default fbl@<bounceDomain>. */
  fblAddresses: z.array(z.string().regex(/^[^@\s]+@[^@\s]+$/, 'expected an address')).default([]),
  maxMessageBytes: z.number().int().positive().default(10 * 1024 * 1024),
  /** Reports accepted per client IP per minute (more get 450 4.7.0). */
  ratePerMinute: z.number().int().positive().default(120),
  /** Simultaneous connections per client IP. */
  maxConnectionsPerIp: z.number().int().positive().default(10),
});

export const configSchema = z.strictObject({
  dataDir: z.string().default('./var'),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') }).default({ level: 'info' }),
  memory: z
    .strictObject({
      /** How far a JS heap may grow past its live data before a full collection, in percent (V8 --heap-growing-percent). 0 = V8's own (up to 300). */
      heapGrowthPercent: z.number().int().min(0).max(300).default(50),
    })
    .prefault({}),
  flowControl: z
    .strictObject({
      /** Accepted messages not yet processed (scan, policy, signing) at which new SMTP transactions and HTTP submissions wait; 0 disables. */
      maxBacklog: z.number().int().nonnegative().default(1000),
      /** The longest one transaction waits for the backlog to shrink before it goes ahead (Postfix in_flow_delay). */
      maxDelay: duration.prefault('1s'),
    })
    .prefault({}),
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
      /** Worker threads that canonicalise, hash and sign (off the event loop). */
      signingThreads: z.number().int().min(1).max(16).default(2),
      /** How often the gateway looks up pending DKIM keys (rotation) and retires old ones; 0 disables. */
      dkimCheckInterval: duration.prefault('10m'),
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
  policy: policy.prefault({}),
  quarantine: quarantine.prefault({}),
  limits: limits.prefault({}),
  reputation: reputation.prefault({}),
  alerts: alerts.prefault({}),
  feedback: feedback.prefault({}),
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
export type LimitSetConfig = z.output<typeof limitSet>;
