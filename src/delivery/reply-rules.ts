/**
 * Reading a receiver's SMTP reply: delivered, transient, permanent, or one of
 * the two IP-level signals the scheduler acts on (slow-down, ip-blocked).
 *
 * The patterns are data: reply-rules.yaml beside this file (documented in
 * docs/reply-rules.md), validated with zod at load; configuration may add
 * rules in front of them (combineReplyRules). This file is only mechanism:
 *
 * - 2xx (and 3xx) → delivered, without looking at rules.
 * - Otherwise the first rule whose code, enhanced code and text all match wins.
 *   Its class `slow-down` or `ip-blocked` becomes the outcome; any other class
 *   (mailbox-unknown, content, ...) is reported as `category` and the outcome
 *   follows the basic code: 4xx → transient, 5xx → permanent.
 * - No rule matches → transient / permanent by the basic code. Codes outside
 *   200-599 (e.g. 0 for "no reply") are transient.
 *
 * Invariants: a `slow-down` rule can only match 4xx replies (checked at load),
 * so a permanent failure is never kept queued as a slow-down. Rules are
 * immutable once compiled. Text is matched case-insensitively after removing
 * line breaks and repeated "421-4.7.0 " line prefixes (flattened multi-line
 * replies as they appear in logs).
 *
 * The shipped file is found next to this module (src/ when run from source) or,
 * from the compiled dist/src/delivery/, at ../../../src/delivery/ — the build
 * does not copy it. Known limits: regexes are trusted operator input (no
 * protection against catastrophic backtracking).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseReplyText, type SmtpReply } from '../core/smtp-reply.js';

export const REPLY_RULE_CLASSES = [
  'slow-down',
  'ip-blocked',
  'mailbox-unknown',
  'mailbox-disabled',
  'mailbox-full',
  'recipient-throttled',
  'greylisted',
  'authentication',
  'sender-reputation',
  'content',
  'message-too-large',
  'tls-required',
  'policy',
] as const;

export type ReplyRuleClass = (typeof REPLY_RULE_CLASSES)[number];
export type ReplyOutcome = 'delivered' | 'transient' | 'permanent' | 'slow-down' | 'ip-blocked';

export interface ReplyClassification {
  readonly class: ReplyOutcome;
  /** Name of the rule that matched, if any. */
  readonly rule?: string;
  /** The matched rule's class, e.g. 'mailbox-unknown' (suppress) or 'content'. */
  readonly category?: ReplyRuleClass;
}

const CODE = /^[245][0-9x][0-9x]$/;
const ENHANCED = /^(none|[245x]\.(\d{1,3}|x)\.(\d{1,3}|x))$/;

const codePattern = z.union([z.string(), z.number().int()]).transform(String).pipe(z.string().regex(CODE, 'code must look like 421, 4xx or 45x'));
const enhancedPattern = z.string().regex(ENHANCED, "enhanced must look like 4.7.28, 5.7.x or 'none'");
const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);

export const ReplyRuleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'name must be lower-case kebab-case'),
    class: z.enum(REPLY_RULE_CLASSES),
    match: z
      .object({
        code: oneOrMany(codePattern).optional(),
        enhanced: oneOrMany(enhancedPattern).optional(),
        text: z.string().min(1).optional(),
      })
      .strict()
      .refine((m) => m.code !== undefined || m.enhanced !== undefined || m.text !== undefined, 'match needs code, enhanced or text'),
    description: z.string().min(1),
    source: z.string().min(1),
    examples: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type ReplyRuleInput = z.input<typeof ReplyRuleSchema>;

const ReplyRulesFileSchema = z.object({ version: z.literal(1), rules: z.array(ReplyRuleSchema) }).strict();

export interface CompiledReplyRule {
  readonly name: string;
  readonly class: ReplyRuleClass;
  readonly description: string;
  readonly source: string;
  readonly examples: readonly string[];
  test(code: string, enhanced: string | undefined, text: string): boolean;
}

export interface ReplyRules {
  readonly rules: readonly CompiledReplyRule[];
}

export class ReplyRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyRulesError';
  }
}

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** Enhanced-code patterns: '5.7.x' matches 5.7.1 and 5.7.606; 'x.1.1' matches 4.1.1 and 5.1.1. */
function enhancedMatcher(patterns: readonly string[]): (value: string) => boolean {
  const res = patterns.map((p) => new RegExp('^' + p.replace(/\./g, '\\.').replace(/x/g, '\\d+') + '$'));
  return (value) => res.some((re) => re.test(value));
}

function compile(rule: z.output<typeof ReplyRuleSchema>, origin: string): CompiledReplyRule {
  const where = `${origin}: rule "${rule.name}"`;
  const codes = list(rule.match.code);
  const enhanced = list(rule.match.enhanced);
  if (rule.class === 'slow-down' && (!codes || codes.some((c) => !c.startsWith('4')))) {
    throw new ReplyRulesError(`${where}: a slow-down rule must restrict code to 4xx replies`);
  }
  let text: RegExp | undefined;
  if (rule.match.text !== undefined) {
    try {
      text = new RegExp(rule.match.text, 'i');
    } catch (err) {
      throw new ReplyRulesError(`${where}: invalid text regex: ${(err as Error).message}`);
    }
  }
  const codeRes = codes?.map((c) => new RegExp('^' + c.replace(/x/g, '\\d') + '$'));
  const codeOk = codeRes ? (c: string) => codeRes.some((re) => re.test(c)) : undefined;
  const wantsNone = enhanced?.includes('none') ?? false;
  const enhancedOk = enhanced ? enhancedMatcher(enhanced.filter((e) => e !== 'none')) : undefined;
  return Object.freeze({
    name: rule.name,
    class: rule.class,
    description: rule.description,
    source: rule.source,
    examples: Object.freeze([...(rule.examples ?? [])]),
    test(code: string, enh: string | undefined, t: string): boolean {
      if (codeOk && !codeOk(code)) return false;
      if (enhancedOk && !(enh === undefined ? wantsNone : enhancedOk(enh))) return false;
      if (text && !text.test(t)) return false;
      return true;
    },
  });
}

function fromRuleList(rules: Array<z.output<typeof ReplyRuleSchema>>, origin: string): ReplyRules {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.name)) throw new ReplyRulesError(`${origin}: duplicate rule name "${r.name}"`);
    seen.add(r.name);
  }
  return Object.freeze({ rules: Object.freeze(rules.map((r) => compile(r, origin))) });
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Validates a parsed rules document ({ version: 1, rules: [...] }). */
export function parseReplyRules(doc: unknown, origin = 'reply rules'): ReplyRules {
  const parsed = ReplyRulesFileSchema.safeParse(doc);
  if (!parsed.success) throw new ReplyRulesError(`${origin}: ${zodMessage(parsed.error)}`);
  return fromRuleList(parsed.data.rules, origin);
}

/** Validates a bare list of rules, e.g. the `add` list from configuration. */
export function parseReplyRuleList(rules: unknown, origin = 'configured reply rules'): ReplyRules {
  const parsed = z.array(ReplyRuleSchema).safeParse(rules);
  if (!parsed.success) throw new ReplyRulesError(`${origin}: ${zodMessage(parsed.error)}`);
  return fromRuleList(parsed.data, origin);
}

/** `first` rules are tried before `then` rules (configuration before the shipped file). */
export function combineReplyRules(first: ReplyRules, then: ReplyRules): ReplyRules {
  const names = new Set(first.rules.map((r) => r.name));
  const dup = then.rules.find((r) => names.has(r.name));
  if (dup) throw new ReplyRulesError(`duplicate rule name "${dup.name}" (rename the added rule)`);
  return Object.freeze({ rules: Object.freeze([...first.rules, ...then.rules]) });
}

/** Where the shipped rules file is: beside this module, or in src/ when running from dist/. */
export function shippedReplyRulesPath(): string {
  const candidates = [new URL('./reply-rules.yaml', import.meta.url), new URL('../../../src/delivery/reply-rules.yaml', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return p;
  }
  throw new ReplyRulesError(`reply-rules.yaml not found (looked in ${candidates.map((c) => fileURLToPath(c)).join(', ')})`);
}

/** Reads and validates a YAML (or JSON) rules file. */
export function loadReplyRules(path: string = shippedReplyRulesPath()): ReplyRules {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ReplyRulesError(`${path}: ${(err as Error).message}`);
  }
  return parseReplyRules(doc, path);
}

let shipped: ReplyRules | undefined;
/** The shipped rules, read once (they are immutable data). */
export function defaultReplyRules(): ReplyRules {
  shipped ??= loadReplyRules();
  return shipped;
}

const FLATTENED_PREFIX = /(^|\s)[245]\d\d[- ][245]\.\d{1,3}\.\d{1,3}(?=\s|$)/g;

/** The text rules see: one line, flattened "421-4.7.0" continuation prefixes removed. */
export function normaliseReplyText(text: string): string {
  return text.replace(FLATTENED_PREFIX, ' ').replace(/\s+/g, ' ').trim();
}

export function classifyReply(reply: SmtpReply, rules: ReplyRules = defaultReplyRules()): ReplyClassification {
  const code = reply.code;
  if (code >= 200 && code < 400) return { class: 'delivered' };
  const byCode: ReplyOutcome = code >= 500 && code < 600 ? 'permanent' : 'transient';
  const codeText = String(code);
  const text = normaliseReplyText(reply.text);
  for (const rule of rules.rules) {
    if (!rule.test(codeText, reply.enhanced, text)) continue;
    const outcome: ReplyOutcome = rule.class === 'slow-down' || rule.class === 'ip-blocked' ? rule.class : byCode;
    return { class: outcome, rule: rule.name, category: rule.class };
  }
  return { class: byCode };
}

/** Rules whose own examples are not classified by themselves (for tests and `config check`). */
export function checkRuleExamples(rules: ReplyRules): Array<{ rule: string; example: string; matched: string | undefined }> {
  const problems: Array<{ rule: string; example: string; matched: string | undefined }> = [];
  for (const rule of rules.rules) {
    for (const example of rule.examples) {
      const got = classifyReply(parseReplyText(example), rules);
      if (got.rule !== rule.name) problems.push({ rule: rule.name, example, matched: got.rule });
    }
  }
  return problems;
}
