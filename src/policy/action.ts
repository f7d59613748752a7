/**
 * Policy actions as data: what happens to a message of one scanner class.
 * Written `deliver:POOL`, `quarantine`, `reject` or `drop` in config and on
 * the CLI; a policy table maps each class (clean, bulk, suspect, spam) to one.
 * Limits: a pool name is checked against the configured pools by
 * checkPoolsExist (start, CLI), not by the parser.
 */
import type { PoolName, VerdictClass } from '../core/types.js';

export type PolicyAction =
  | { readonly action: 'deliver'; readonly pool: PoolName }
  | { readonly action: 'quarantine' }
  | { readonly action: 'reject' }
  | { readonly action: 'drop' };

export type PolicyTable = Readonly<Record<VerdictClass, PolicyAction>>;
export type PolicyOverrides = Readonly<Partial<Record<VerdictClass, PolicyAction>>>;

export const CLASSES: readonly VerdictClass[] = ['clean', 'bulk', 'suspect', 'spam'];

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export function parseAction(s: string): PolicyAction {
  const t = s.trim();
  if (t === 'quarantine' || t === 'reject' || t === 'drop') return { action: t };
  const m = /^deliver:([a-z0-9][a-z0-9-]*)$/.exec(t);
  if (m) return { action: 'deliver', pool: m[1]! };
  throw new PolicyError(`invalid policy action "${s}": expected deliver:POOL, quarantine, reject or drop`);
}

export function formatAction(a: PolicyAction): string {
  return a.action === 'deliver' ? `deliver:${a.pool}` : a.action;
}

export function isClass(s: string): s is VerdictClass {
  return (CLASSES as readonly string[]).includes(s);
}

/** The configured default table (config `policy`): bulk goes to a `bulk` pool when one exists. */
export function defaultTable(
  p: { clean: string; bulk?: string | undefined; suspect: string; spam: string },
  pools: readonly PoolName[],
): PolicyTable {
  return {
    clean: parseAction(p.clean),
    bulk: parseAction(p.bulk ?? (pools.includes('bulk') ? 'deliver:bulk' : 'deliver:default')),
    suspect: parseAction(p.suspect),
    spam: parseAction(p.spam),
  };
}

/** Throws PolicyError naming every deliver action whose pool is not configured. */
export function checkPoolsExist(actions: Iterable<PolicyAction>, pools: readonly PoolName[], where: string): void {
  const missing = [...actions].filter((a) => a.action === 'deliver' && !pools.includes(a.pool)).map((a) => (a as { pool: string }).pool);
  if (missing.length > 0) throw new PolicyError(`${where}: pool ${[...new Set(missing)].join(', ')} is not configured (pools: ${pools.join(', ')})`);
}
