/**
 * Scanner options (plain, structured-cloneable data so they can cross into
 * worker threads) and their defaults.
 *
 * Weights are in log-odds units: the final score is
 *   sigmoid(weights.model * modelLogit + sum(rule weights that fired) + adapter terms)
 * so a weight of +2 multiplies the odds of spam by e^2 ≈ 7.4, and 0 disables a rule.
 * Thresholds are on that 0..1 score; see docs/scanner.md for how the shipped ones
 * were chosen (cross-validated ham false-positive rates on the SpamAssassin corpus).
 */

export const defaultRuleWeights = {
  /** Multiplier on the statistical model's log-odds. */
  model: 1,
  'url-ip-literal': 2,
  'url-userinfo': 2,
  'link-text-mismatch': 1.5,
  'url-shortener': 1,
  'executable-attachment': 4,
  'encrypted-archive': 3,
  'html-attachment': 1.5,
  'credential-form': 3,
  'date-missing': 1,
  'date-forged': 1.5,
  'date-stale': 1.5,
  'message-id-missing': 1,
  'message-id-forged': 1,
  'brand-impersonation': 3,
  'lookalike-domain': 3,
  'excessive-recipients': 1,
  'html-only-little-text': 1.5,
  'hidden-text': 1,
  'uribl-listed': 4,
  unparseable: 3,
  /** Multipliers on the adapters' normalised scores (see adapters/combine.ts). */
  rspamd: 3,
  spamassassin: 3,
} as const;

export type RuleName = keyof typeof defaultRuleWeights;
export type RuleWeights = Readonly<Record<RuleName, number>>;

export interface Thresholds {
  /** Minimum bulk-signal weight (List-Unsubscribe, List-Id, Precedence, many recipients) for class "bulk". */
  readonly bulk?: number;
  /** Score at or above which a message is "suspect". */
  readonly suspect: number;
  /** Score at or above which a message is "spam". */
  readonly spam: number;
}

export const defaultThresholds: Required<Thresholds> = { bulk: 1, suspect: 0.5, spam: 0.95 };

export interface UriBlocklistOptions {
  /** DNS zones, e.g. "dbl.example.org"; a domain is listed when domain.zone has an A record in 127/8. */
  readonly zones: readonly string[];
  /** Resolver addresses "host:port" (default: the system resolver). */
  readonly servers?: readonly string[];
  /** Total time budget per message for all lookups. */
  readonly timeoutMs: number;
  /** Registrable domains looked up per message (default 8). */
  readonly maxLookups?: number;
}

export interface AdapterOptions {
  readonly rspamd?: { readonly url: string; readonly timeoutMs: number };
  readonly spamassassin?: { readonly host: string; readonly port: number; readonly timeoutMs: number };
}

export interface ScannerOptions {
  /** Overrides merged onto defaultRuleWeights. */
  readonly weights?: Partial<Record<RuleName, number>>;
  readonly thresholds?: Partial<Thresholds>;
  readonly uriBlocklist?: UriBlocklistOptions;
  readonly adapters?: AdapterOptions;
  /** Characters of decoded text scanned per message (default 65,536). */
  readonly maxTextLength?: number;
  /** URLs analysed per message (default 100). */
  readonly maxUrls?: number;
  /** Envelope recipients above which "excessive-recipients" fires (default 100). */
  readonly recipientLimit?: number;
  /** Envelope recipients at which a message counts as bulk (default 20). */
  readonly bulkRecipients?: number;
  /** Model file path (default: the shipped src/scan/model/model.bin). */
  readonly modelPath?: string;
  /** MIME parser: our bounded fast parser (default) or postal-mime (slower, for comparison). */
  readonly parser?: 'fast' | 'postal-mime';
}

export interface ScanContext {
  readonly tenantId?: string;
  /** The message's spool id (not used by the scanner; lets the stage sign ahead, pipeline/sign-ahead.ts). */
  readonly messageId?: string;
  readonly recipientCount: number;
  readonly mailFrom: string;
  /** When the gateway received the message (epoch ms), for Date checks; default: now. */
  readonly receivedAt?: number;
}

export interface ResolvedOptions {
  readonly weights: RuleWeights;
  readonly thresholds: Required<Thresholds>;
  readonly maxTextLength: number;
  readonly maxUrls: number;
  readonly recipientLimit: number;
  readonly bulkRecipients: number;
}

export class ScannerConfigError extends Error {
  override readonly name = 'ScannerConfigError';
}

export function resolveOptions(o: ScannerOptions): ResolvedOptions {
  const weights: Record<string, number> = { ...defaultRuleWeights };
  for (const [k, v] of Object.entries(o.weights ?? {})) {
    if (!(k in defaultRuleWeights)) throw new ScannerConfigError(`unknown scanner rule weight "${k}"`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScannerConfigError(`weight for "${k}" must be a finite number`);
    weights[k] = v;
  }
  const thresholds = { ...defaultThresholds, ...(o.thresholds ?? {}) };
  if (!(thresholds.suspect > 0 && thresholds.suspect <= thresholds.spam && thresholds.spam <= 1)) {
    throw new ScannerConfigError('thresholds must satisfy 0 < suspect <= spam <= 1');
  }
  const pos = (v: number | undefined, d: number, name: string): number => {
    if (v === undefined) return d;
    if (!Number.isInteger(v) || v <= 0) throw new ScannerConfigError(`${name} must be a positive integer`);
    return v;
  };
  return {
    weights: weights as RuleWeights,
    thresholds,
    maxTextLength: pos(o.maxTextLength, 65536, 'maxTextLength'),
    maxUrls: pos(o.maxUrls, 100, 'maxUrls'),
    recipientLimit: pos(o.recipientLimit, 100, 'recipientLimit'),
    bulkRecipients: pos(o.bulkRecipients, 20, 'bulkRecipients'),
  };
}
