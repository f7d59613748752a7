/**
 * Content-Transfer-Encoding decoders (base64, quoted-printable), bounded.
 *
 * Invariants: never throw; decode at most `maxOut` output bytes, and report when
 * input was malformed (bad characters, truncated escapes) or cut short.
 * Limits: base64 decoding is lenient (Node ignores characters outside the
 * alphabet), so garbage decodes to garbage rather than failing.
 */

export interface TransferResult {
  readonly bytes: Buffer;
  readonly malformed: boolean;
  readonly truncated: boolean;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export function decodeQuotedPrintable(src: Uint8Array, maxOut: number): TransferResult {
  const out = Buffer.allocUnsafe(Math.min(src.length, maxOut));
  let o = 0;
  let malformed = false;
  let i = 0;
  const n = src.length;
  while (i < n && o < out.length) {
    const c = src[i]!;
    if (c !== 61 /* = */) {
      out[o++] = c;
      i++;
      continue;
    }
    // soft line break: "=" then optional whitespace then CRLF/LF
    let j = i + 1;
    while (j < n && (src[j] === 32 || src[j] === 9)) j++;
    if (j < n && (src[j] === 13 || src[j] === 10)) {
      i = src[j] === 13 && src[j + 1] === 10 ? j + 2 : j + 1;
      continue;
    }
    if (j >= n) {
      i = n;
      continue;
    }
    const a = hexVal(src[i + 1] ?? 0);
    const b = hexVal(src[i + 2] ?? 0);
    if (a >= 0 && b >= 0) {
      out[o++] = (a << 4) | b;
      i += 3;
    } else {
      malformed = true;
      out[o++] = c;
      i++;
    }
  }
  return { bytes: out.subarray(0, o), malformed, truncated: i < n };
}

export function decodeBase64(src: Uint8Array, maxOut: number): TransferResult {
  // 4 input chars -> 3 bytes; take enough input for maxOut (plus line breaks).
  const maxIn = Math.ceil(maxOut / 3) * 4 * 1.05 + 16;
  const truncated = src.length > maxIn;
  const slice = truncated ? src.subarray(0, Math.floor(maxIn)) : src;
  const s = Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('latin1');
  let bytes = Buffer.from(s, 'base64');
  if (bytes.length > maxOut) bytes = bytes.subarray(0, maxOut);
  let malformed = false;
  // Cheap sanity check on a prefix: characters outside the base64 alphabet.
  const probe = Math.min(s.length, 512);
  for (let i = 0; i < probe; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 13 || c === 10 || c === 32 || c === 9 || c === 45 || c === 95;
    if (!ok) {
      malformed = true;
      break;
    }
  }
  if (!malformed && slice.length > 0 && bytes.length === 0) malformed = true;
  return { bytes, malformed, truncated };
}

/** Decode per the named transfer encoding; unknown encodings pass through. */
export function decodeTransfer(encoding: string, src: Uint8Array, maxOut: number): TransferResult {
  switch (encoding) {
    case 'base64':
      return decodeBase64(src, maxOut);
    case 'quoted-printable':
      return decodeQuotedPrintable(src, maxOut);
    default: {
      const truncated = src.length > maxOut;
      const b = truncated ? src.subarray(0, maxOut) : src;
      return { bytes: Buffer.from(b.buffer, b.byteOffset, b.byteLength), malformed: false, truncated };
    }
  }
}
