/**
 * "Name: value" field blocks as found in message/delivery-status (RFC 3464),
 * message/feedback-report (RFC 5965) and header sections (RFC 5322).
 *
 * These are structured data, not free text, so a small reader suffices:
 * continuation lines (leading white space) are unfolded, names lower-cased,
 * repeated names kept in order. Blocks are separated by blank lines.
 * Invariants: never throws; a line that is neither a field nor a
 * continuation ends nothing and is skipped (reports in the wild contain
 * stray text between fields).
 * Limits: no RFC 2047 decoding (the values we read are addresses, codes and
 * SMTP text, which are ASCII).
 */

export type Fields = Map<string, string[]>;

const FIELD = /^([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*:[ \t]*(.*)$/;

/**
 * Splits text into blank-line separated blocks of fields; empty blocks dropped.
 * A name in `repeatStartsBlock` that appears again inside a block starts a
 * new block (DSNs that forget the blank line between recipients).
 */
export function parseFieldBlocks(text: string, repeatStartsBlock: ReadonlySet<string> = new Set()): Fields[] {
  const blocks: Fields[] = [];
  let cur: Fields = new Map();
  let lastKey: string | null = null;
  const close = (): void => {
    if (cur.size) blocks.push(cur);
    cur = new Map();
    lastKey = null;
  };
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.trim() === '') {
      close();
      continue;
    }
    if (/^[ \t]/.test(line) && lastKey) {
      const vals = cur.get(lastKey)!;
      vals[vals.length - 1] = `${vals[vals.length - 1]} ${line.trim()}`.trim();
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) {
      lastKey = null;
      continue;
    }
    const key = m[1]!.toLowerCase();
    if (repeatStartsBlock.has(key) && cur.has(key)) close();
    const list = cur.get(key);
    if (list) list.push(m[2]!.trim());
    else cur.set(key, [m[2]!.trim()]);
    lastKey = key;
  }
  close();
  return blocks;
}

/** One header section (up to the first blank line) as fields. */
export function parseHeaderSection(text: string): Fields {
  const end = text.search(/\r?\n\r?\n/);
  return parseFieldBlocks(end < 0 ? text : text.slice(0, end))[0] ?? new Map();
}

export function first(f: Fields, key: string): string | undefined {
  return f.get(key)?.[0];
}

/** "rfc822; user@example.com" → "user@example.com" (type prefix and angle brackets removed). */
export function addressValue(v: string | undefined): string | undefined {
  if (!v) return undefined;
  let s = v.includes(';') ? v.slice(v.indexOf(';') + 1) : v;
  s = s.trim().replace(/^<|>$/g, '').trim();
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(s) ?? /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(s);
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : undefined;
}
