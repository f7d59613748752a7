/**
 * Incremental parser for SMTP server replies (RFC 5321 §4.2): bytes in,
 * complete (possibly multi-line) replies out.
 *
 * Invariants: memory is bounded whatever the server sends. A line longer than
 * `maxLineBytes` is cut (the rest is read and discarded); a reply with more
 * than `maxLines` lines keeps its first lines and its last line. A line that
 * does not start with a three-digit code 2xx-5xx followed by ' ', '-' or the
 * end of line is a protocol error (ReplyProtocolError): after that the stream
 * cannot be trusted and the caller must drop the connection.
 *
 * Known limits: text is decoded as UTF-8 (invalid bytes become U+FFFD); a
 * reply whose lines carry different codes takes the first line's code. Bare
 * LF is accepted as a line end.
 */
import { parseReplyText, type SmtpReply } from '../../core/smtp-reply.js';

export interface RawReply {
  readonly code: number;
  /** Full lines, code included ("250-PIPELINING"), without line ends. */
  readonly lines: readonly string[];
  /** Bytes this reply held in memory (for the caller's queue bound). */
  readonly bytes: number;
}

export interface ReplyLimits {
  readonly maxLineBytes: number;
  readonly maxLines: number;
}

export const defaultReplyLimits: ReplyLimits = { maxLineBytes: 4096, maxLines: 100 };

export class ReplyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyProtocolError';
  }
}

export function toSmtpReply(raw: RawReply): SmtpReply {
  return parseReplyText(raw.lines.join('\r\n'));
}

export class ReplyReader {
  private readonly limits: ReplyLimits;
  /** Bytes of the current, unfinished line (at most maxLineBytes in total). */
  private partial: Buffer[] = [];
  private partialLen = 0;
  private lines: string[] = [];
  private replyBytes = 0;

  constructor(limits: ReplyLimits = defaultReplyLimits) {
    this.limits = limits;
  }

  /** True when bytes of an unfinished reply are held (used to refuse data sent before a TLS handshake). */
  get pending(): boolean {
    return this.partialLen > 0 || this.lines.length > 0;
  }

  /** Feeds bytes; appends each completed reply to `out`. Throws ReplyProtocolError on a malformed line. */
  push(chunk: Buffer, out: RawReply[]): void {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      const lf = chunk.indexOf(0x0a, pos);
      if (lf === -1) {
        this.keep(chunk, pos, n);
        return;
      }
      let line: string;
      if (this.partialLen === 0) {
        const end = Math.min(lf, pos + this.limits.maxLineBytes + 1);
        line = chunk.toString('utf8', pos, end);
      } else {
        this.keep(chunk, pos, lf);
        line = Buffer.concat(this.partial, this.partialLen).toString('utf8');
        this.partial = [];
        this.partialLen = 0;
      }
      pos = lf + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.length > this.limits.maxLineBytes) line = line.slice(0, this.limits.maxLineBytes);
      this.line(line, out);
    }
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    // +1 so a CR just before the cap is not mistaken for content; the cap is applied again per line.
    const room = this.limits.maxLineBytes + 1 - this.partialLen;
    if (room <= 0) return;
    const end = Math.min(to, from + room);
    if (end > from) {
      this.partial.push(chunk.subarray(from, end));
      this.partialLen += end - from;
    }
  }

  private line(line: string, out: RawReply[]): void {
    const c0 = line.charCodeAt(0);
    const c1 = line.charCodeAt(1);
    const c2 = line.charCodeAt(2);
    const sep = line.length > 3 ? line.charCodeAt(3) : 0x20;
    const ok =
      c0 >= 0x32 && c0 <= 0x35 && c1 >= 0x30 && c1 <= 0x39 && c2 >= 0x30 && c2 <= 0x39 && (sep === 0x20 || sep === 0x2d);
    if (!ok) throw new ReplyProtocolError(`malformed reply line: ${JSON.stringify(line.slice(0, 80))}`);
    if (sep === 0x2d) {
      if (this.lines.length < this.limits.maxLines - 1) {
        this.lines.push(line);
        this.replyBytes += line.length;
      }
      return;
    }
    this.lines.push(line);
    this.replyBytes += line.length;
    const code = (c0 - 0x30) * 100 + (c1 - 0x30) * 10 + (c2 - 0x30);
    const first = this.lines[0]!;
    const firstCode = first === line ? code : Number.parseInt(first.slice(0, 3), 10);
    out.push({ code: firstCode, lines: this.lines, bytes: this.replyBytes });
    this.lines = [];
    this.replyBytes = 0;
  }
}
