/**
 * The shape of an explainable rule: a pure function from the message view and
 * scan context to either null (did not fire) or a human-readable detail.
 * The weight comes from configuration (options.ts), never from the rule.
 *
 * Invariants: rules never throw on odd input and do bounded work (they only
 * read the already-bounded MessageView).
 */
import type { RuleName, ScanContext } from '../options.js';
import type { UrlAnalyzer } from '../urls.js';
import type { MessageView } from '../view.js';

export interface RuleInput {
  readonly view: MessageView;
  readonly ctx: ScanContext;
  /** Reference time (epoch ms): ctx.receivedAt or the clock. */
  readonly now: number;
  readonly recipientLimit: number;
  /** The scanner's URL analyser (shared host cache). */
  readonly urls: UrlAnalyzer;
}

export interface Rule {
  readonly name: RuleName;
  /** One line for docs and --explain. */
  readonly summary: string;
  check(input: RuleInput): string | null;
}

/** Join up to n items for a detail string. */
export function listSome(items: readonly string[], n = 3): string {
  const uniq = [...new Set(items)];
  return uniq.slice(0, n).join(', ') + (uniq.length > n ? ` (+${uniq.length - n} more)` : '');
}
