/**
 * Small MIME text helpers for generated reports (DSNs, later ARF): RFC 5322
 * dates, header folding, 7-bit sanitising, word wrapping and quoted-printable.
 *
 * Invariants: every function returns US-ASCII unless its name says otherwise,
 * uses CRLF line breaks, and never produces a line longer than 998 octets
 * (RFC 5322 §2.1.1); quoted-printable lines are at most 76 characters
 * (RFC 2045 §6.7).
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC, e.g. "Thu, 01 Jan 2026 00:00:00 +0000". */
export function rfc5322Date(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** One line of printable US-ASCII: control characters and line breaks become spaces, other bytes '?'. */
export function toPrintableAscii(s: string): string {
  return s
    .replace(/[\r\n\t\v\f]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Folds "Name: value" at spaces so lines stay near `width` (continuations start
 * with one space). A word longer than the 998 limit is split hard.
 */
export function foldHeader(name: string, value: string, width = 78): string {
  const words = value.split(' ').flatMap((w) => (w.length > 900 ? (w.match(/.{1,900}/g) ?? []) : [w]));
  const lines: string[] = [];
  let line = `${name}:`;
  for (const w of words) {
    if (w === '') continue;
    if (line.length + 1 + w.length > width && line !== `${name}:`) {
      lines.push(line);
      line = ` ${w}`;
    } else line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** Wraps plain text to `width` columns at spaces (keeps existing line breaks); returns CRLF lines. */
export function wrapText(text: string, width = 76): string[] {
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    if (para.length <= width) {
      out.push(para);
      continue;
    }
    const indent = /^\s*/.exec(para)?.[0] ?? '';
    let line = '';
    for (const word of para.trim().split(/ +/)) {
      const parts = word.length > 900 ? (word.match(/.{1,900}/g) ?? []) : [word];
      for (const w of parts) {
        if (line === '') line = indent + w;
        else if (line.length + 1 + w.length > width) {
          out.push(line);
          line = indent + w;
        } else line += ' ' + w;
      }
    }
    out.push(line);
  }
  return out;
}

/** True when every byte is 7-bit, there is no NUL or bare CR/LF, and no line exceeds 998 octets. */
export function isSevenBitSafe(buf: Buffer): boolean {
  let lineLen = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0 || b > 127) return false;
    if (b === 13) {
      if (buf[i + 1] !== 10) return false;
      i++;
      lineLen = 0;
      continue;
    }
    if (b === 10) return false;
    if (++lineLen > 998) return false;
  }
  return true;
}

/** Quoted-printable (RFC 2045 §6.7) of CRLF-separated text; line breaks stay hard breaks. */
export function quotedPrintable(buf: Buffer): string {
  const hex = (b: number): string => '=' + b.toString(16).toUpperCase().padStart(2, '0');
  const out: string[] = [];
  const text = buf.toString('latin1');
  for (const rawLine of text.split('\r\n')) {
    let line = '';
    for (let i = 0; i < rawLine.length; i++) {
      const b = rawLine.charCodeAt(i);
      const last = i === rawLine.length - 1;
      let enc: string;
      if ((b === 32 || b === 9) && !last) enc = rawLine[i]!;
      else if (b >= 33 && b <= 126 && b !== 61) enc = rawLine[i]!;
      else enc = hex(b);
      if (line.length + enc.length > 75) {
        out.push(line + '=');
        line = '';
      }
      line += enc;
    }
    out.push(line);
  }
  return out.join('\r\n');
}

/** Converts bare LF or CR line breaks to CRLF. */
export function toCrlf(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}
