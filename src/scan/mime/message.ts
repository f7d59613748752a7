/**
 * The parsed form of a message that every later step (features, rules, URLs,
 * fingerprint) reads. Plain data; built by parse.ts (or postal.ts).
 *
 * Invariants: text is bounded by the parser's text budget; attachments carry
 * only a decoded prefix (`head`), never the whole content.
 */
import type { Address, Header } from './headers.js';

export interface Attachment {
  /** Decoded file name ('' when none). */
  readonly filename: string;
  /** Lower-cased MIME type, e.g. "application/zip". */
  readonly contentType: string;
  /** Estimated decoded size in bytes. */
  readonly size: number;
  /** Decoded prefix (at most the parser's attachment head budget). */
  readonly head: Buffer;
}

export interface PartInfo {
  readonly contentType: string;
  readonly charset: string;
  readonly encoding: string;
  readonly depth: number;
}

export interface ParsedMessage {
  /** Top-level headers in order, names lower-cased, values unfolded (not 2047-decoded). */
  readonly headers: readonly Header[];
  readonly subject: string;
  readonly from: Address | null;
  readonly replyTo: Address | null;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  /** Decoded text/plain bodies. */
  readonly texts: readonly string[];
  /** Decoded text/html bodies (inline ones and HTML attachments). */
  readonly htmls: readonly string[];
  readonly attachments: readonly Attachment[];
  readonly parts: readonly PartInfo[];
  /** Parser complaints: 'no-body', 'bad-base64', 'unknown-charset', ... */
  readonly defects: readonly string[];
  /** Bytes of the raw message. */
  readonly size: number;
  /** The parser gave up: no header block could be found. */
  readonly unparseable: boolean;
}

/** First header with that (lower-case) name. */
export function headerValue(msg: Pick<ParsedMessage, 'headers'>, name: string): string | undefined {
  for (const h of msg.headers) if (h.name === name) return h.value;
  return undefined;
}

export function headerCount(msg: Pick<ParsedMessage, 'headers'>, name: string): number {
  let n = 0;
  for (const h of msg.headers) if (h.name === name) n++;
  return n;
}
