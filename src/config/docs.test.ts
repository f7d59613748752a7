/**
 * Keeps docs/configuration.md in step with the schema (src/config/schema.ts).
 *
 * Walks configSchema (zod 4: `.def` of objects, arrays, records and the
 * wrappers optional/default/prefault/pipe) and lists every key path: `a.b`,
 * `a[].b` for keys of list items, `a.<name>.b` for keys of map entries. Then:
 * - every leaf key must have a row in a documentation table whose first
 *   column is headed `key`, with the key in backticks as its first cell;
 * - that row's default column must show the real default in backticks
 *   (durations in human form, e.g. `5m`; `60s` and `1m` both match), or say
 *   "required";
 * - every backticked key in the first cell of such a row must exist in the
 *   schema, so that removed keys leave the docs too;
 * - the ```yaml examples in the page and docs/outpost.example.yaml (if
 *   present) must pass loadConfig/parseConfig.
 * A failure lists every offending key, so adding a key to the schema tells
 * you exactly what to document.
 *
 * Limits: unions are walked only for their object options; type and meaning
 * columns are not checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { duration, formatDuration, parseDuration } from './duration.js';
import { loadConfig, parseConfig } from './load.js';
import { configSchema } from './schema.js';

// ---- walking the schema ----------------------------------------------------

/** The parts of a zod 4 definition the walker reads. */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
  readonly getter?: () => z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

function defOf(s: z.ZodType): Def {
  return s.def as unknown as Def;
}

/** Strips wrappers that do not change which keys exist; stops at `duration` (a leaf). */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    if (s === (duration as z.ZodType)) return s;
    const d = defOf(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else return s;
  }
}

/** Whether the operator writes keys inside this value (object, or list/map/union of such). */
function hasKeys(s: z.ZodType): boolean {
  const d = defOf(unwrap(s));
  if (d.type === 'object') return true;
  if (d.type === 'array' && d.element) return hasKeys(d.element);
  if (d.type === 'record' && d.valueType) return hasKeys(d.valueType);
  if (d.type === 'union' && d.options) return d.options.some(hasKeys);
  return false;
}

interface SchemaKey {
  readonly path: string;
  /** The schema as written at this key, wrappers (defaults) included. */
  readonly schema: z.ZodType;
  /** A value the operator writes directly (no keys inside). */
  readonly leaf: boolean;
}

function schemaKeys(root: z.ZodType): SchemaKey[] {
  const out = new Map<string, SchemaKey>();
  const walk = (s: z.ZodType, path: string, listed: boolean): void => {
    if (!hasKeys(s)) {
      if (path) out.set(path, { path, schema: s, leaf: true });
      return;
    }
    if (path && listed && !out.has(path)) out.set(path, { path, schema: s, leaf: false });
    const d = defOf(unwrap(s));
    if (d.type === 'object' && d.shape) {
      for (const [k, v] of Object.entries(d.shape)) walk(v, path ? `${path}.${k}` : k, true);
    } else if (d.type === 'array' && d.element) {
      walk(d.element, `${path}[]`, false);
    } else if (d.type === 'record' && d.valueType) {
      walk(d.valueType, `${path}.<name>`, true);
    } else if (d.type === 'union' && d.options) {
      for (const o of d.options) if (hasKeys(o)) walk(o, path, false);
    }
  };
  walk(root, '', false);
  return [...out.values()];
}

// ---- defaults ---------------------------------------------------------------

function isDurationValued(s: z.ZodType): boolean {
  const u = unwrap(s);
  if (u === (duration as z.ZodType)) return true;
  const d = defOf(u);
  return d.type === 'array' && d.element !== undefined && unwrap(d.element) === (duration as z.ZodType);
}

function render(v: unknown, durations: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => render(x, durations)).join(', ')}]`;
  if (durations && typeof v === 'number') return formatDuration(v);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

function valueAt(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * What the default column must contain: the effective default (from parsing
 * an empty config) for plain paths, else the key's own default; "required"
 * when the key has none.
 */
function expectedDefault(key: SchemaKey, effective: unknown): string {
  const plain = !key.path.includes('[]') && !key.path.includes('<');
  let v = plain ? valueAt(effective, key.path) : undefined;
  if (v === undefined) {
    const r = key.schema.safeParse(undefined);
    if (!r.success) return 'required';
    if (r.data === undefined) return 'absent';
    v = r.data;
  }
  return '`' + render(v, isDurationValued(key.schema)) + '`';
}

// ---- reading the page ---------------------------------------------------------

interface DocRow {
  readonly key: string | null;
  readonly cells: readonly string[];
  readonly line: number;
}

function splitRow(line: string): string[] {
  const cells = line.trim().split(/(?<!\\)\|/).map((c) => c.trim());
  if (cells[0] === '') cells.shift();
  if (cells[cells.length - 1] === '') cells.pop();
  return cells;
}

/** Body rows of every table whose first header cell is "key" (outside code fences). */
function keyRows(md: string): DocRow[] {
  const rows: DocRow[] = [];
  let fenced = false;
  let inTable = false;
  let keyTable = false;
  md.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced || !line.startsWith('|')) {
      inTable = false;
      return;
    }
    const cells = splitRow(line);
    if (!inTable) {
      inTable = true;
      keyTable = cells[0]?.toLowerCase() === 'key';
      return;
    }
    if (!keyTable || /^\|[\s:|-]+$/.test(line)) return;
    const m = /^`([^`]+)`/.exec(cells[0] ?? '');
    rows.push({ key: m ? m[1]! : null, cells, line: i + 1 });
  });
  return rows;
}

/** Writes every duration inside backticks in one canonical form, so `60s` and `1m` compare equal. */
function sameDurations(cell: string): string {
  return cell.replace(/`[^`]*`/g, (code) =>
    code.replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|d)\b/g, (d) => {
      const ms = parseDuration(d);
      return ms === null ? d : formatDuration(ms);
    }),
  );
}

/** Everything wrong between the page and the schema, one line per problem. */
function checkDocs(md: string, keys: readonly SchemaKey[], effective: unknown): string[] {
  const rows = keyRows(md);
  const byKey = new Map<string, DocRow>();
  const problems: string[] = [];
  const known = new Set(keys.map((k) => k.path));
  for (const r of rows) {
    if (r.key === null) {
      problems.push(`line ${r.line}: a row of a key table must start with a \`key\`: ${r.cells[0] ?? ''}`);
      continue;
    }
    if (!known.has(r.key)) problems.push(`line ${r.line}: documents \`${r.key}\`, which the schema does not have`);
    if (byKey.has(r.key)) problems.push(`line ${r.line}: \`${r.key}\` is documented twice`);
    else byKey.set(r.key, r);
  }
  const missing = keys.filter((k) => k.leaf && !byKey.has(k.path)).map((k) => k.path);
  if (missing.length > 0) problems.push(`not documented (add a table row for each): ${missing.join(', ')}`);
  for (const k of keys) {
    const r = byKey.get(k.path);
    if (!k.leaf || !r) continue;
    const want = expectedDefault(k, effective);
    const cell = r.cells[2] ?? '';
    const ok = want === 'required' || want === 'absent' ? cell.toLowerCase().includes(want) : sameDurations(cell).includes(want);
    if (!ok) problems.push(`line ${r.line}: \`${k.path}\` default column is "${cell}", the schema's default is ${want}`);
  }
  return problems;
}

// ---- the tests ------------------------------------------------------------------

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'docs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('docs.test: cannot find the repository root');
    dir = up;
  }
  return dir;
}

const ROOT = repoRoot();
const PAGE = join(ROOT, 'docs', 'configuration.md');
const EXAMPLE = join(ROOT, 'docs', 'outpost.example.yaml');

test('the walker finds keys in objects, list items and map entries', () => {
  const s = z.strictObject({
    a: z.string().default('x'),
    b: z.strictObject({ c: duration.prefault('5m'), d: z.array(z.string()).default([]) }).prefault({}),
    e: z.array(z.strictObject({ f: z.number() })).default([]),
    g: z.record(z.string(), z.strictObject({ h: z.boolean().default(true), i: z.array(z.strictObject({ j: z.string() })) })),
    k: z.strictObject({ l: z.string() }).optional(),
  });
  const keys = schemaKeys(s);
  assert.deepEqual(keys.filter((k) => k.leaf).map((k) => k.path), ['a', 'b.c', 'b.d', 'e[].f', 'g.<name>.h', 'g.<name>.i[].j', 'k.l']);
  assert.deepEqual(keys.filter((k) => !k.leaf).map((k) => k.path), ['b', 'e', 'g', 'g.<name>', 'g.<name>.i', 'k']);
  const eff = s.parse({ g: {} });
  const want = Object.fromEntries(keys.filter((k) => k.leaf).map((k) => [k.path, expectedDefault(k, eff)]));
  assert.deepEqual(want, { a: '`x`', 'b.c': '`5m`', 'b.d': '`[]`', 'e[].f': 'required', 'g.<name>.h': '`true`', 'g.<name>.i[].j': 'required', 'k.l': 'required' });
});

test('the checker reports missing, unknown, duplicated and wrong-default keys', () => {
  const s = z.strictObject({
    a: z.number().default(1),
    b: z.strictObject({ c: duration.prefault('30s'), d: z.boolean().default(false), e: duration.prefault('90s') }).prefault({}),
  });
  const md = [
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    '| `a` | integer | `1` | fine |',
    '| `b.c` | duration | `30000` | wrong form |',
    '| `b.gone` | string | `x` | removed key |',
    '| `b.e` | duration | `1.5m` | another form of the same duration: fine |',
    '| `a` | integer | `1` | twice |',
    '',
    '| other | table |',
    '|---|---|',
    '| `b.d` | not a key table, so b.d still counts as missing |',
  ].join('\n');
  const problems = checkDocs(md, schemaKeys(s), s.parse({}));
  assert.deepEqual(problems, [
    'line 5: documents `b.gone`, which the schema does not have',
    'line 7: `a` is documented twice',
    'not documented (add a table row for each): b.d',
    'line 4: `b.c` default column is "`30000`", the schema\'s default is `30s`',
  ]);
});

test('docs/configuration.md documents every key with its default, and no other keys', () => {
  const keys = schemaKeys(configSchema);
  const leaves = keys.filter((k) => k.leaf).map((k) => k.path);
  // The walker must see the real schema's depth, or the check below proves nothing.
  for (const p of ['dataDir', 'smtp.authFailures.lockout', 'smtp.listen[].tls', 'pools.<name>.ips[].ip', 'routes[].port', 'tls.cert', 'delivery.retrySchedule']) {
    assert.ok(leaves.includes(p), `schema walk did not find ${p}; found: ${leaves.join(', ')}`);
  }
  const problems = checkDocs(readFileSync(PAGE, 'utf8'), keys, parseConfig({}));
  assert.deepEqual(problems, [], `docs/configuration.md is out of step with src/config/schema.ts:\n  ${problems.join('\n  ')}`);
});

test('the YAML examples in docs/configuration.md are valid configurations', () => {
  const md = readFileSync(PAGE, 'utf8');
  const blocks = [...md.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  assert.ok(blocks.length >= 1, 'docs/configuration.md should show at least one ```yaml example');
  blocks.forEach((b, i) => parseConfig(parseYaml(b), `docs/configuration.md yaml block ${i + 1}`));
});

test('docs/outpost.example.yaml loads and shows every top-level section', { skip: !existsSync(EXAMPLE) }, () => {
  const c = loadConfig(EXAMPLE);
  assert.ok(c.pools['default'] && c.pools['high-risk']);
  const written = Object.keys(parseYaml(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>);
  const sections = Object.keys(configSchema.shape).filter((k) => !written.includes(k));
  assert.deepEqual(sections, [], `docs/outpost.example.yaml lacks top-level sections: ${sections.join(', ')}`);
});
