/**
 * Loading configuration: YAML file (or nothing) → validated Config.
 * Errors are ConfigError with one line per problem, naming the key path and
 * what is wrong, so `outpost start` can print them without a stack trace.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { compileRoutes, RouteConfigError } from '../delivery/routes.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], where: string): string[] {
  return issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      const keys = i.keys.map((k) => (i.path.length ? `${pathOf(i.path)}.${k}` : k));
      return `${where}: unknown key ${keys.join(', ')}`;
    }
    return `${where}: ${pathOf(i.path)}: ${i.message.replace(/^Invalid input: /, '')}`;
  });
}

/** Validates a plain object (already parsed YAML, or overrides built in code). */
export function parseConfig(input: unknown, where = 'config'): Config {
  const r = configSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, where));
  if (!r.data.pools['default']) throw new ConfigError([`${where}: pools: a pool named "default" is required`]);
  if (!r.data.pools['high-risk']) throw new ConfigError([`${where}: pools: a pool named "high-risk" is required`]);
  if (!r.data.pools[r.data.reputation.highRiskPool]) throw new ConfigError([`${where}: reputation.highRiskPool: no pool named "${r.data.reputation.highRiskPool}"`]);
  try {
    compileRoutes(r.data.routes);
  } catch (e) {
    if (e instanceof RouteConfigError) throw new ConfigError([`${where}: ${e.message}`]);
    throw e;
  }
  return r.data;
}

export function loadConfig(file?: string): Config {
  if (!file) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError([`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return parseConfig(doc, file);
}
