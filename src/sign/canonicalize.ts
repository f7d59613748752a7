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

/** Anything relaxed body canonicalisation would change, other than trailing empty lines. */
const NEEDS_REWRITE = /\t| [ \r\n]|(?<!\r)\n| $/;

/**
 * SHA-256 over the relaxed body, base64 (the bh= value). One regex pass
 * decides whether anything needs rewriting: encoded bodies (base64,
 * quoted-printable) and most text are canonical already, and are hashed
 * as they are, without copies.
 */
export function relaxedBodyHash(body: Buffer): string {
  const hash = createHash('sha256');
  const text = body.toString('latin1');
  if (!NEEDS_REWRITE.test(text)) {
    let end = body.length;
    while (end >= 2 && body[end - 1] === 10 && body[end - 2] === 13) end -= 2;
    if (end > 0) hash.update(body.subarray(0, end)).update('\r\n');
    return hash.digest('base64');
  }
  // Line ends first, so that a lone CR before trailing white space never joins a following LF.
  let t = text.replace(/\r?\n/g, '\r\n').replace(WSP_RUN, ' ').replace(/ (?=\r\n)| $/g, '');
  let end = t.length;
  while (end >= 2 && t.charCodeAt(end - 1) === 10 && t.charCodeAt(end - 2) === 13) end -= 2;
  t = t.slice(0, end);
  if (t.length > 0) hash.update(t, 'latin1').update('\r\n');
  return hash.digest('base64');
}
