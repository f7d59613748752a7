/**
 * Fast bounded MIME parser: raw bytes -> ParsedMessage.
 *
 * Why our own: postal-mime (the maintained parser we compared against) runs at
 * ~650 messages/s per core on the SpamAssassin corpus here, most of it spent in
 * Blob creation inside its decoders; this parser runs at several thousand and
 * is checked against postal-mime by a differential test (parse.test.ts).
 * postal.ts keeps postal-mime available as an alternative (option `parser`).
 *
 * Invariants: never throws; work is bounded: at most MAX_DEPTH nesting levels,
 * MAX_PARTS parts, `maxText` characters of decoded text in total and
 * `attachmentHead` decoded bytes per attachment. Boundary search uses
 * Buffer.indexOf, so a 10 MB attachment costs one native scan, not a decode.
 * Limits: no streaming (the gateway hands us the spooled message as a Buffer);
 * uuencode, BinHex and TNEF are not decoded; the zip inspection sees only the
 * attachment's head.
 */
import { decodeCharset, decodeHeaderBytes } from './charset.js';
import { decodeWords, parseAddresses, parseHeaderBlock, parseStructured } from './headers.js';
import type { Header } from './headers.js';
import type { Attachment, ParsedMessage, PartInfo } from './message.js';
import { decodeTransfer } from './transfer.js';

export interface ParseLimits {
  /** Total decoded characters of text/html kept. */
  readonly maxText: number;
  /** Decoded bytes kept per attachment for inspection. */
  readonly attachmentHead: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxText: 65536, attachmentHead: 65536 };

const MAX_DEPTH = 8;
const MAX_PARTS = 64;
const MAX_HEADER_BYTES = 64 * 1024;
const VALID_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
const LEADING_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+/;

interface Ctx {
  readonly buf: Buffer;
  readonly limits: ParseLimits;
  textLeft: number;
  partCount: number;
  readonly texts: string[];
  readonly htmls: string[];
  readonly attachments: Attachment[];
  readonly parts: PartInfo[];
  readonly defects: Set<string>;
}

/** Locate the blank line ending the header block in [start, end). */
function splitHead(buf: Buffer, start: number, end: number): { headEnd: number; bodyStart: number } {
  if (buf[start] === 10) return { headEnd: start, bodyStart: start + 1 };
  if (buf[start] === 13 && buf[start + 1] === 10) return { headEnd: start, bodyStart: start + 2 };
  const limit = Math.min(end, start + MAX_HEADER_BYTES);
  let a = buf.indexOf('\n\n', start);
  let b = buf.indexOf('\n\r\n', start);
  if (a < 0 || a >= limit) a = -1;
  if (b < 0 || b >= limit) b = -1;
  if (a < 0 && b < 0) {
    if (end - start > MAX_HEADER_BYTES) return { headEnd: limit, bodyStart: limit };
    return { headEnd: end, bodyStart: end };
  }
  if (b < 0 || (a >= 0 && a < b)) return { headEnd: a + 1, bodyStart: a + 2 };
  return { headEnd: b + 1, bodyStart: b + 3 };
}

function get(headers: readonly Header[], name: string): string | undefined {
  for (const h of headers) if (h.name === name) return h.value;
  return undefined;
}

function isBoundaryEnd(c: number | undefined): boolean {
  return c === undefined || c === 13 || c === 10 || c === 32 || c === 9;
}

/** Split a multipart body into part ranges. */
function splitMultipart(ctx: Ctx, start: number, end: number, boundary: string): [number, number][] {
  const { buf } = ctx;
  const delim = '--' + boundary;
  const ranges: [number, number][] = [];
  let pos = start;
  let partStart = -1;
  let closed = false;
  while (pos < end) {
    const idx = buf.indexOf(delim, pos, 'latin1');
    if (idx < 0 || idx >= end) break;
    const atLineStart = idx === start || buf[idx - 1] === 10;
    const after = idx + delim.length;
    const isClose = buf[after] === 45 && buf[after + 1] === 45;
    if (!atLineStart || !(isClose || isBoundaryEnd(buf[after]))) {
      pos = idx + 1;
      continue;
    }
    if (partStart >= 0) {
      let pe = idx;
      if (buf[pe - 1] === 10) pe--;
      if (buf[pe - 1] === 13) pe--;
      ranges.push([partStart, Math.max(partStart, pe)]);
      if (ranges.length >= MAX_PARTS) {
        ctx.defects.add('too-many-parts');
        return ranges;
      }
    }
    if (isClose) {
      closed = true;
      break;
    }
    let nl = buf.indexOf(10, after);
    if (nl < 0 || nl >= end) nl = end - 1;
    partStart = nl + 1;
    pos = partStart;
  }
  if (!closed) {
    if (partStart >= 0) {
      ranges.push([partStart, end]);
      ctx.defects.add('multipart-unterminated');
    } else ctx.defects.add('multipart-no-boundary');
  }
  return ranges;
}

function fileNameOf(disp: ReturnType<typeof parseStructured>, ct: ReturnType<typeof parseStructured>): string {
  const n = disp.params['filename'] ?? ct.params['name'] ?? '';
  return decodeWords(n).trim();
}

function walk(ctx: Ctx, start: number, end: number, depth: number, defaultType: string): Header[] {
  const { buf } = ctx;
  const { headEnd, bodyStart } = splitHead(buf, start, end);
  const headBytes = buf.subarray(start, headEnd);
  const { headers, defects } = parseHeaderBlock(decodeHeaderBytes(headBytes));
  for (const d of defects) ctx.defects.add(d);
  ctx.partCount++;
  const ct = parseStructured(get(headers, 'content-type') ?? defaultType);
  let type = ct.value;
  if (!VALID_TYPE.test(type)) {
    // "text/plain charset=us-ascii", "text/html;;" and similar: keep the leading type/subtype.
    const m = LEADING_TYPE.exec(type);
    type = m !== null ? m[0] : defaultType;
    ctx.defects.add('bad-content-type');
  }
  const encoding = (get(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const charset = (ct.params['charset'] ?? '').toLowerCase();
  ctx.parts.push({ contentType: type, charset, encoding, depth });
  const bodyEnd = Math.max(bodyStart, end);

  if (type.startsWith('multipart/')) {
    const boundary = ct.params['boundary'];
    if (boundary === undefined || boundary === '') {
      ctx.defects.add('multipart-no-boundary');
      type = 'text/plain';
    } else if (depth >= MAX_DEPTH) {
      ctx.defects.add('depth-limit');
      return headers;
    } else {
      const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      const ranges = splitMultipart(ctx, bodyStart, bodyEnd, boundary);
      if (ranges.length === 0) {
        // No delimiter found: treat the whole body as text so its words still count.
        leaf(ctx, bodyStart, bodyEnd, 'text/plain', '7bit', charset, '', '');
      }
      for (const [s, e] of ranges) {
        if (ctx.partCount >= MAX_PARTS) {
          ctx.defects.add('too-many-parts');
          break;
        }
        walk(ctx, s, e, depth + 1, childDefault);
      }
      return headers;
    }
  }
  if (type === 'message/rfc822' || type === 'message/global') {
    if (depth >= MAX_DEPTH) {
      ctx.defects.add('depth-limit');
      return headers;
    }
    const inner = walk(ctx, bodyStart, bodyEnd, depth + 1, 'text/plain');
    const subj = get(inner, 'subject');
    if (subj !== undefined) pushText(ctx, decodeWords(subj), false);
    return headers;
  }
  const disp = parseStructured(get(headers, 'content-disposition'));
  leaf(ctx, bodyStart, bodyEnd, type, encoding, charset, disp.value, fileNameOf(disp, ct));
  return headers;
}

function pushText(ctx: Ctx, text: string, html: boolean): void {
  if (ctx.textLeft <= 0) {
    ctx.defects.add('text-truncated');
    return;
  }
  let t = text;
  if (t.length > ctx.textLeft) {
    t = t.slice(0, ctx.textLeft);
    ctx.defects.add('text-truncated');
  }
  ctx.textLeft -= t.length;
  (html ? ctx.htmls : ctx.texts).push(t);
}

function decodeText(ctx: Ctx, start: number, end: number, encoding: string, charset: string, maxOut: number): string {
  const r = decodeTransfer(encoding, ctx.buf.subarray(start, end), maxOut);
  if (r.malformed) ctx.defects.add(encoding === 'base64' ? 'bad-base64' : 'bad-quoted-printable');
  const d = decodeCharset(r.bytes, charset);
  if (!d.known) ctx.defects.add('unknown-charset');
  return d.text;
}

function leaf(ctx: Ctx, start: number, end: number, type: string, encoding: string, charset: string, disposition: string, filename: string): void {
  const isText = type === 'text/plain' || type === 'text/enriched' || type === 'text/richtext';
  const isHtml = type === 'text/html';
  const attached = disposition === 'attachment' || (filename !== '' && disposition !== 'inline') || (!isText && !isHtml);
  if (!attached) {
    if (ctx.textLeft <= 0) {
      ctx.defects.add('text-truncated');
      return;
    }
    // Budget in bytes: UTF-8 text can be up to 4 bytes per character.
    pushText(ctx, decodeText(ctx, start, end, encoding, charset, ctx.textLeft * 4), isHtml);
    return;
  }
  const raw = ctx.buf.subarray(start, end);
  const headBudget = ctx.limits.attachmentHead;
  const r = decodeTransfer(encoding, raw, headBudget);
  if (r.malformed && encoding === 'base64') ctx.defects.add('bad-base64');
  const size = encoding === 'base64' ? Math.floor((raw.length * 3) / 4 / 1.013) : raw.length;
  const lowerName = filename.toLowerCase();
  ctx.attachments.push({ filename, contentType: type, size, head: r.bytes });
  if (isHtml || /\.(s?html?|xhtml|svg)$/.test(lowerName)) {
    const d = decodeCharset(r.bytes, charset);
    pushText(ctx, d.text, true);
  }
}

function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 1024);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0 || (c < 9 && c !== 0)) bad++;
  }
  return bad > n / 20;
}

const EMPTY: ParsedMessage = {
  headers: [],
  subject: '',
  from: null,
  replyTo: null,
  to: [],
  cc: [],
  texts: [],
  htmls: [],
  attachments: [],
  parts: [],
  defects: ['unparseable'],
  size: 0,
  unparseable: true,
};

/** Parse a raw RFC 5322 message. Never throws. */
export function parseMessage(raw: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParsedMessage {
  if (raw.length === 0 || looksBinary(raw)) return { ...EMPTY, size: raw.length };
  const ctx: Ctx = {
    buf: raw,
    limits,
    textLeft: limits.maxText,
    partCount: 0,
    texts: [],
    htmls: [],
    attachments: [],
    parts: [],
    defects: new Set(),
  };
  let headers: Header[];
  try {
    headers = walk(ctx, 0, raw.length, 0, 'text/plain');
  } catch (err) {
    // Defensive: a parser bug must not take the gateway down.
    return { ...EMPTY, size: raw.length, defects: ['unparseable', 'parser-error:' + String(err).slice(0, 80)] };
  }
  if (headers.length === 0) return { ...EMPTY, size: raw.length, texts: ctx.texts, htmls: ctx.htmls };
  const textChars = ctx.texts.reduce((n, t) => n + t.trim().length, 0) + ctx.htmls.reduce((n, t) => n + t.length, 0);
  if (textChars === 0 && ctx.attachments.length === 0) ctx.defects.add('no-body');
  const from = parseAddresses(get(headers, 'from'))[0] ?? null;
  const replyTo = parseAddresses(get(headers, 'reply-to'))[0] ?? null;
  return {
    headers,
    subject: decodeWords(get(headers, 'subject') ?? ''),
    from,
    replyTo,
    to: parseAddresses(get(headers, 'to')),
    cc: parseAddresses(get(headers, 'cc')),
    texts: ctx.texts,
    htmls: ctx.htmls,
    attachments: ctx.attachments,
    parts: ctx.parts,
    defects: [...ctx.defects],
    size: raw.length,
    unparseable: false,
  };
}
