/**
 * DKIM "relaxed" canonicalisation (RFC 6376 3.4.2 and 3.4.4) and the body hash.
 *
 * Text is handled as latin1 (one character per byte) so 8-bit content is
 * hashed byte for byte. Bare LF counts as a line break like CRLF, because the
 * message is sent with CRLF on the wire.
 * Invariants: relaxed body of an empty body is the empty string; trailing
 * empty lines are dropped; a non-empty body ends with exactly one CRLF.
 * Limits: "simple" canonicalisation is not implemented (relaxed survives more
 * relays and is what every large sender uses); no l= body length.
 */
import { createHash } from 'node:crypto';

const WSP_RUN = /[ \t]+/g;
const EDGE_WSP = /^[ \t]+|[ \t]+$/g;

/** One header field (as in the message, folded) → "name:value" relaxed, without CRLF. */
export function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).replace(EDGE_WSP, '').toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n$/, '')
    .replace(WSP_RUN, ' ')
    .replace(EDGE_WSP, '');
  return `${name}:${value}`;
}

/** A space before a space, CR or LF (tabs are looked for apart: one alternation makes the scan twice as slow). */
const SPACE_PAIR = / [ \r\n]/;
/** Bytes looked at as one latin1 string: a short-lived string this size is cheap for a small young generation. */
const CHUNK = 16 * 1024;

/**
 * Whether relaxed body canonicalisation would change anything but trailing
 * empty lines: a tab, a space before a space, CR or LF or at the very end, an
 * LF without a CR before it. Looks at 16 KiB at a time (chunks overlap by a
 * byte, so no pair is missed), with three scans per chunk: indexOf for a tab,
 * one single-pattern regular expression for the space pairs, and indexOf from
 * LF to LF for a bare one. With SHA-256 the body hash of 100 KB of text
 * costs ~125 µs, against ~171 with the tab as an alternative in the regular
 * expression (V8 scans that twice as slowly); indexOf with the two-character
 * patterns was slower still (docs/benchmarks.md, session 7). No whole-body
 * strings: in the signing workers, whose young generation is 4 MB, those
 * cost the pool ~600 µs per 100 KB message in collections (session 6).
 */
function needsRewrite(body: Buffer): boolean {
  for (let start = 0; start < body.length; start += CHUNK) {
    const s = body.toString('latin1', start, Math.min(body.length, start + CHUNK + 1));
    if (s.indexOf('\t') !== -1 || SPACE_PAIR.test(s)) return true;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) {
      const before = i > 0 ? s.charCodeAt(i - 1) : start > 0 ? body[start - 1] : -1;
      if (before !== 13) return true;
    }
  }
  return body.length > 0 && body[body.length - 1] === 32;
}

/**
 * SHA-256 over the relaxed body, base64 (the bh= value). One pass decides
 * whether anything needs rewriting: encoded bodies (base64, quoted-printable)
 * and most text are canonical already, and are hashed as they are, from the
 * bytes.
 */
export function relaxedBodyHash(body: Buffer): string {
  const hash = createHash('sha256');
  if (!needsRewrite(body)) {
    let end = body.length;
    while (end >= 2 && body[end - 1] === 10 && body[end - 2] === 13) end -= 2;
    if (end > 0) hash.update(body.subarray(0, end)).update('\r\n');
    return hash.digest('base64');
  }
  const text = body.toString('latin1');
  // Line ends first, so that a lone CR before trailing white space never joins a following LF.
  let t = text.replace(/\r?\n/g, '\r\n').replace(WSP_RUN, ' ').replace(/ (?=\r\n)| $/g, '');
  let end = t.length;
  while (end >= 2 && t.charCodeAt(end - 1) === 10 && t.charCodeAt(end - 2) === 13) end -= 2;
  t = t.slice(0, end);
  if (t.length > 0) hash.update(t, 'latin1').update('\r\n');
  return hash.digest('base64');
}
