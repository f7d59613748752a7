/**
 * The header section of a raw message as byte ranges, for signing.
 *
 * Works on the raw bytes (as latin1 text, one character per byte) so that
 * 8-bit header content passes through untouched and offsets are byte offsets.
 * Accepts CRLF and bare-LF line ends (a message stored with LF goes out with
 * CRLF; DKIM canonicalisation treats both the same).
 * Invariants: `fields` are in message order; `start`/`end` cover the field
 * including its final line break, so removing ranges never leaves debris.
 * Limits: a first line that is not a header field (e.g. an mbox "From " line)
 * ends the header section, as in RFC 5322.
 */

export interface HeaderField {
  /** Lower-cased field name. */
  readonly key: string;
  /** The field as in the message, folding kept, without the final line break. */
  readonly line: string;
  readonly start: number;
  readonly end: number;
}

export interface SplitMessage {
  readonly fields: readonly HeaderField[];
  /** Byte offset where the body starts (after the blank line); raw.length if none. */
  readonly bodyStart: number;
}

const FIELD_NAME = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/;

/** Bytes up to and including the first empty line (the whole message when there is none): all splitMessage reads. */
function headerSectionLength(raw: Buffer): number {
  if (raw[0] === 10) return 1;
  if (raw[0] === 13 && raw[1] === 10) return 2;
  const crlf = raw.indexOf('\n\r\n');
  // Bare-LF blank line only before the CRLF one (a CRLF message is not searched to its end for "\n\n").
  const lf = raw.subarray(0, crlf === -1 ? raw.length : crlf).indexOf('\n\n');
  if (lf !== -1) return lf + 2;
  return crlf === -1 ? raw.length : crlf + 3;
}

export function splitMessage(raw: Buffer): SplitMessage {
  // Only the header section becomes a string: a 100 KB body as latin1 text is ~70 µs of copying and garbage for a small young generation.
  const text = raw.toString('latin1', 0, headerSectionLength(raw));
  const fields: HeaderField[] = [];
  let pos = 0;
  let current: { key: string; start: number; lineEnd: number; end: number } | null = null;
  const flush = (): void => {
    if (current) fields.push({ key: current.key, line: text.slice(current.start, current.lineEnd), start: current.start, end: current.end });
    current = null;
  };
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl + 1;
    const lineEnd = nl < 0 ? text.length : nl > pos && text[nl - 1] === '\r' ? nl - 1 : nl;
    const line = text.slice(pos, lineEnd);
    if (line.length === 0) {
      flush();
      return { fields, bodyStart: end };
    }
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      current.lineEnd = lineEnd;
      current.end = end;
    } else {
      const m = FIELD_NAME.exec(line);
      if (!m) {
        flush();
        return { fields, bodyStart: pos };
      }
      flush();
      current = { key: m[1]!.toLowerCase(), start: pos, lineEnd, end };
    }
    pos = end;
  }
  flush();
  return { fields, bodyStart: text.length };
}

/** The raw message without the given fields (by lower-case name). Returns null when none was present. */
export function removeFields(raw: Buffer, split: SplitMessage, keys: ReadonlySet<string>): Buffer | null {
  const drop = split.fields.filter((f) => keys.has(f.key));
  if (drop.length === 0) return null;
  const parts: Buffer[] = [];
  let at = 0;
  for (const f of drop) {
    parts.push(raw.subarray(at, f.start));
    at = f.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

/** The value of a field (after the colon), unfolded. */
export function fieldValue(f: HeaderField): string {
  return f.line.slice(f.line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '');
}
