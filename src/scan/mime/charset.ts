/**
 * Byte -> string decoding for MIME charsets, with a cache of TextDecoders.
 *
 * Invariants: never throws. Unknown charset labels fall back to UTF-8 when the
 * bytes are valid UTF-8, else windows-1252, and report `known: false` so the
 * caller can record a defect. Node's ICU build supports the WHATWG encodings
 * (ISO-8859-*, windows-125x, KOI8, GBK/GB18030, Big5, Shift_JIS, EUC-JP/KR,
 * ISO-2022-JP).
 * Limits: UTF-7 and other non-WHATWG charsets are decoded by the fallback.
 */

const decoders = new Map<string, TextDecoder | null>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

const ALIASES: Record<string, string> = {
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'ansi_x3.4-1968': 'utf-8',
  '7bit': 'utf-8',
  '8bit': 'utf-8',
  'iso-8859-8-i': 'iso-8859-8',
  ks_c_5601: 'euc-kr',
  'ks_c_5601-1987': 'euc-kr',
  'x-user-defined': 'windows-1252',
  latin1: 'windows-1252',
  cp1252: 'windows-1252',
  cp1251: 'windows-1251',
  cp1250: 'windows-1250',
  'x-sjis': 'shift_jis',
  'x-gbk': 'gbk',
};

function decoderFor(label: string): TextDecoder | null {
  const key = label.toLowerCase().trim();
  let d = decoders.get(key);
  if (d !== undefined) return d;
  const name = ALIASES[key] ?? key;
  try {
    d = new TextDecoder(name);
  } catch {
    d = null;
  }
  if (decoders.size < 256) decoders.set(key, d);
  return d;
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}

export interface Decoded {
  readonly text: string;
  /** false when the label was unknown and a fallback was used. */
  readonly known: boolean;
}

/** Decode bytes in the given charset (default UTF-8). */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): Decoded {
  if (bytes.length === 0) return { text: '', known: true };
  const label = (charset ?? 'utf-8').toLowerCase();
  if (label === 'utf-8' || label === 'utf8' || label === 'us-ascii' || label === 'ascii' || label === '') {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), known: true };
  }
  const d = decoderFor(label);
  if (d !== null) {
    if ((d.encoding === 'windows-1252' || d.encoding.startsWith('iso-8859')) && isAscii(bytes)) {
      return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), known: true };
    }
    return { text: d.decode(bytes), known: true };
  }
  try {
    return { text: strictUtf8.decode(bytes), known: false };
  } catch {
    return { text: cp1252.decode(bytes), known: false };
  }
}

/** Decode a raw header block: UTF-8 when valid (RFC 6532), else windows-1252. */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}
