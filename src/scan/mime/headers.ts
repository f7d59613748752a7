/**
 * Header block parsing: unfolding, RFC 2047 encoded-words, structured
 * parameters (Content-Type / Content-Disposition, incl. RFC 2231 continuations)
 * and address lists (display name + address, good enough for rules).
 *
 * Invariants: never throws; bounded (at most MAX_HEADERS headers, each value
 * cut at MAX_VALUE characters). Header names are lower-cased.
 * Limits: address parsing is pragmatic (quoted names, angle addresses, bare
 * addresses, groups flattened), not a full RFC 5322 grammar.
 */
import { decodeCharset } from './charset.js';

export interface Header {
  /** Lower-cased name. */
  readonly name: string;
  readonly value: string;
  /** Name as written (its capitalisation is a mailer fingerprint). */
  readonly rawName: string;
}

export const MAX_HEADERS = 500;
export const MAX_VALUE = 8192;

export interface HeaderParse {
  readonly headers: Header[];
  /** Some header was cut or the block had too many headers / no colon lines. */
  readonly defects: string[];
}

/** Parse an already-decoded header block (lines separated by LF or CRLF). */
export function parseHeaderBlock(block: string): HeaderParse {
  const headers: Header[] = [];
  const defects: string[] = [];
  const lines = block.split('\n');
  let name = '';
  let rawName = '';
  let value = '';
  let junk = 0;
  const flush = (): void => {
    if (name === '') return;
    if (headers.length >= MAX_HEADERS) {
      if (!defects.includes('too-many-headers')) defects.push('too-many-headers');
      return;
    }
    if (value.length > MAX_VALUE) {
      value = value.slice(0, MAX_VALUE);
      if (!defects.includes('huge-header')) defects.push('huge-header');
    }
    headers.push({ name, value: value.trim(), rawName });
  };
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (i === 0 && line.startsWith('From ')) continue; // mbox envelope line
    const c = line.charCodeAt(0);
    if ((c === 32 || c === 9) && name !== '') {
      if (value.length <= MAX_VALUE) value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || colon > 76 || /\s/.test(line.slice(0, colon).trimEnd())) {
      if (line.trim() !== '') junk++;
      continue;
    }
    flush();
    rawName = line.slice(0, colon).trim();
    name = rawName.toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  if (junk > 0) defects.push('header-junk');
  return { headers, defects };
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** Decode RFC 2047 encoded-words; whitespace between adjacent words is dropped. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  const out = value.replace(ENCODED_WORD, (_m, charset: string, enc: string, text: string) => {
    const cs = charset.split('*')[0] ?? 'utf-8';
    let bytes: Buffer;
    if (enc === 'b' || enc === 'B') bytes = Buffer.from(text, 'base64');
    else {
      const s = text.replace(/_/g, ' ');
      const arr: number[] = [];
      for (let i = 0; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        if (ch === 61 && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
          arr.push(parseInt(s.slice(i + 1, i + 3), 16));
          i += 2;
        } else arr.push(ch & 0xff);
      }
      bytes = Buffer.from(arr);
    }
    return '\u0000' + decodeCharset(bytes, cs).text + '\u0000';
  });
  // Join adjacent encoded words separated only by whitespace.
  return out.replace(/\u0000\s*\u0000/g, '').replace(/\u0000/g, '');
}

export interface Structured {
  /** Lower-cased main value, e.g. "text/html" or "attachment". */
  readonly value: string;
  /** Lower-cased parameter names -> decoded values. */
  readonly params: Record<string, string>;
}

/** Split on ';' outside quotes. */
function splitParams(v: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '"') q = !q;
    if (c === '\\' && q && i + 1 < v.length) {
      cur += c + v[i + 1];
      i++;
      continue;
    }
    if (c === ';' && !q) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

function percentDecode(v: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 37 && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return decodeCharset(Uint8Array.from(bytes), charset || 'utf-8').text;
}

/** Parse "value; a=b; c*=utf-8''x%20y; d*0=..; d*1=.." into value + params. */
export function parseStructured(raw: string | undefined): Structured {
  if (raw === undefined) return { value: '', params: {} };
  const parts = splitParams(raw);
  const value = (parts[0] ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  const continued = new Map<string, { idx: number; val: string; enc: boolean }[]>();
  for (let i = 1; i < parts.length && i < 64; i++) {
    const p = parts[i]!;
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let key = p.slice(0, eq).trim().toLowerCase();
    const val = unquote(p.slice(eq + 1));
    const m = /^([^*]+)\*(\d+)(\*?)$/.exec(key);
    if (m) {
      const list = continued.get(m[1]!) ?? [];
      list.push({ idx: Number(m[2]), val, enc: m[3] === '*' });
      continued.set(m[1]!, list);
      continue;
    }
    if (key.endsWith('*')) {
      key = key.slice(0, -1);
      const q = /^([^']*)'[^']*'(.*)$/.exec(val);
      params[key] = q ? percentDecode(q[2]!, q[1]!) : val;
      continue;
    }
    params[key] = decodeWords(val);
  }
  for (const [key, list] of continued) {
    list.sort((a, b) => a.idx - b.idx);
    let charset = '';
    let joined = '';
    for (const item of list) {
      let v = item.val;
      if (item.enc) {
        if (item.idx === 0) {
          const q = /^([^']*)'[^']*'(.*)$/.exec(v);
          if (q) {
            charset = q[1]!;
            v = q[2]!;
          }
        }
        joined += percentDecode(v, charset);
      } else joined += v;
    }
    params[key] = joined;
  }
  return { value, params };
}

export interface Address {
  readonly name: string;
  readonly address: string;
}

/** Pragmatic address-list parsing: "Name" <a@b>, a@b (Name), groups. */
export function parseAddresses(raw: string | undefined): Address[] {
  if (raw === undefined || raw.trim() === '') return [];
  const decoded = decodeWords(raw);
  const out: Address[] = [];
  let cur = '';
  let q = false;
  let angle = 0;
  const items: string[] = [];
  for (let i = 0; i < decoded.length && i < MAX_VALUE; i++) {
    const c = decoded[i]!;
    if (c === '"') q = !q;
    else if (!q && c === '<') angle++;
    else if (!q && c === '>') angle = Math.max(0, angle - 1);
    if (!q && angle === 0 && (c === ',' || c === ';')) {
      items.push(cur);
      cur = '';
    } else cur += c;
  }
  items.push(cur);
  for (let item of items) {
    item = item.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    if (colon > 0 && !item.slice(0, colon).includes('<') && !item.slice(0, colon).includes('@')) item = item.slice(colon + 1).trim();
    if (item === '') continue;
    const lt = item.lastIndexOf('<');
    const gt = item.lastIndexOf('>');
    if (lt >= 0 && gt > lt) {
      const address = item.slice(lt + 1, gt).trim();
      const name = unquote(item.slice(0, lt).trim());
      out.push({ name, address: address.toLowerCase() });
      continue;
    }
    const paren = /^([^\s(]+)\s*\((.*)\)\s*$/.exec(item);
    if (paren) out.push({ name: paren[2]!.trim(), address: paren[1]!.toLowerCase() });
    else if (item.includes('@')) out.push({ name: '', address: item.replace(/\s+/g, '').toLowerCase() });
    else out.push({ name: unquote(item), address: '' });
    if (out.length >= 1000) break;
  }
  return out;
}

/** Domain part of an address, lower-cased ('' when none). */
export function addressDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/[>\s.]+$/, '');
}
