/**
 * SMTP replies as typed values, and the one error type that carries them.
 *
 * Every stage that refuses or defers something says so with an SmtpReply
 * (basic code, RFC 3463 enhanced code, text). Ingress turns a thrown
 * SmtpError into the wire reply; HTTP maps it to a status code. Errors are
 * immutable: build a new one rather than editing a caught one.
 */

export interface SmtpReply {
  readonly code: number;
  /** RFC 3463 enhanced status code, e.g. "5.7.1"; absent when the peer gave none. */
  readonly enhanced?: string;
  readonly text: string;
}

export function formatReply(r: SmtpReply): string {
  return r.enhanced ? `${r.code} ${r.enhanced} ${r.text}` : `${r.code} ${r.text}`;
}

/** Parses "550 5.1.1 text" / "550-5.1.1 text" style reply text (one or more lines). */
export function parseReplyText(raw: string): SmtpReply {
  const lines = raw.split(/\r?\n/).filter((l) => l.length > 0);
  const first = lines[0] ?? '';
  const code = Number.parseInt(first.slice(0, 3), 10);
  const texts = lines.map((l) => l.slice(4));
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})\s*/.exec(texts[0] ?? '');
  const enhanced = m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
  const text = texts
    .map((t) => (enhanced && t.startsWith(enhanced) ? t.slice(enhanced.length).trimStart() : t))
    .join(' ')
    .trim();
  return { code: Number.isFinite(code) ? code : 0, ...(enhanced ? { enhanced } : {}), text };
}

export class SmtpError extends Error {
  readonly reply: SmtpReply;
  constructor(code: number, enhanced: string, text: string) {
    super(`${code} ${enhanced} ${text}`);
    this.name = 'SmtpError';
    this.reply = Object.freeze({ code, enhanced, text });
  }
  get responseCode(): number {
    return this.reply.code;
  }
}

/** Replies used in several places; keep wording in one spot. */
export const Replies = {
  tempStorage: (): SmtpError => new SmtpError(451, '4.3.0', 'Temporary local problem storing the message, try again later'),
  noStorage: (): SmtpError => new SmtpError(452, '4.3.1', 'Insufficient system storage, try again later'),
};
