/**
 * SMTP dot-stuffing (RFC 5321 §4.5.2) and the end-of-data mark, without
 * copying the message.
 *
 * `dotStuff(chunks)` returns a list of Buffers to write after the 354: slices
 * of the input (subarray, zero-copy) with a one-byte "." Buffer inserted
 * before every line that starts with '.', followed by ".\r\n" (or
 * "\r\n.\r\n" when the body does not end with CRLF). The scan uses
 * Buffer#indexOf on "\n." so a body without such lines costs one native
 * search per chunk and no allocation besides the result array. Line starts
 * are tracked across chunk boundaries (the first byte of the body is one).
 *
 * Invariants: a dot is added after every LF, bare or not, so no input can form
 * an end-of-data sequence for a receiver that accepts bare LF ("SMTP
 * smuggling"); the output always ends with CRLF "." CRLF.
 *
 * Known limits: bare CR and bare LF are passed through unchanged (the input is
 * expected to be CRLF-normalised upstream); a strict receiver keeps the extra
 * dot after a bare LF.
 */

const NL_DOT = Buffer.from('\n.', 'latin1');
const DOT = Buffer.from('.', 'latin1');
const END_AFTER_CRLF = Buffer.from('.\r\n', 'latin1');
const END_NO_CRLF = Buffer.from('\r\n.\r\n', 'latin1');

export function dotStuff(chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let atLineStart = true;
  let last = -1;
  let beforeLast = -1;
  let total = 0;
  for (const chunk of chunks) {
    const n = chunk.length;
    if (n === 0) continue;
    total += n;
    if (atLineStart && chunk[0] === 0x2e) out.push(DOT);
    let from = 0;
    let i = chunk.indexOf(NL_DOT);
    while (i !== -1) {
      out.push(chunk.subarray(from, i + 1));
      out.push(DOT);
      from = i + 1;
      i = chunk.indexOf(NL_DOT, i + 2);
    }
    out.push(from === 0 ? chunk : chunk.subarray(from));
    beforeLast = n >= 2 ? chunk[n - 2]! : last;
    last = chunk[n - 1]!;
    atLineStart = last === 0x0a;
  }
  if (total === 0) out.push(END_AFTER_CRLF);
  else out.push(last === 0x0a && beforeLast === 0x0d ? END_AFTER_CRLF : END_NO_CRLF);
  return out;
}

/** Bytes `dotStuff` output would hold (for tests and accounting). */
export function stuffedLength(parts: readonly Buffer[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}
