/**
 * The header block of an RFC 5322 message as raw bytes: split from the body,
 * list fields (with their folded continuation lines kept byte for byte),
 * read unfolded values, remove fields and prepend new ones.
 *
 * Hand-written because the libraries (mailsplit, postal-mime) either stream or
 * decode; cleanup and signing need exact bytes of a complete message in
 * memory, and this is ~100 lines. Header bytes are handled as latin1 strings,
 * so 8-bit (UTF-8) header values survive unchanged. Assumes CRLF line endings.
 */

export interface HeaderField {
  /** Name as written. */
  readonly name: string;
  /** Lower-cased name, for lookups. */
  readonly key: string;
  /** The whole field including folded lines and the final CRLF, latin1. */
  readonly raw: string;
}

export interface SplitMessage {
  readonly fields: HeaderField[];
  /** Everything after the blank line that ends the header (may be empty). */
  readonly body: Buffer;
  /** True when the message had a blank line separating header and body. */
  readonly hadSeparator: boolean;
}

export function splitMessage(raw: Buffer): SplitMessage {
  let end = raw.indexOf('\r\n\r\n');
  let hadSeparator = true;
  if (raw.subarray(0, 2).toString('latin1') === '\r\n') end = -2;
  else if (end < 0) {
    end = raw.length;
    hadSeparator = false;
  }
  const headerText = raw.subarray(0, Math.max(0, end + 2)).toString('latin1');
  const body = hadSeparator ? raw.subarray(end + 4) : Buffer.alloc(0);
  const fields: HeaderField[] = [];
  const lines = headerText.split('\r\n');
  for (const line of lines) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      fields[fields.length - 1] = { ...last, raw: `${last.raw}${line}\r\n` };
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : line;
    fields.push({ name, key: name.toLowerCase(), raw: `${line}\r\n` });
  }
  return { fields, body, hadSeparator };
}

/** Unfolded value of a field (after the colon, trimmed). */
export function fieldValue(f: HeaderField): string {
  const colon = f.raw.indexOf(':');
  return f.raw
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/\r\n$/, '')
    .trim();
}

export function getField(fields: readonly HeaderField[], key: string): HeaderField | undefined {
  return fields.find((f) => f.key === key);
}

export function makeField(name: string, value: string): HeaderField {
  return { name, key: name.toLowerCase(), raw: `${name}: ${value}\r\n` };
}

export function joinMessage(fields: readonly HeaderField[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(fields.map((f) => f.raw).join('') + '\r\n', 'latin1'), body]);
}

/** Header text as UTF-8 for display (subjects, From) — not for re-serialising. */
export function displayValue(f: HeaderField | undefined, max = 300): string | undefined {
  if (!f) return undefined;
  return Buffer.from(fieldValue(f), 'latin1').toString('utf8').slice(0, max);
}
