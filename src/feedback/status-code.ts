/**
 * SMTP reply codes and RFC 3463 enhanced status codes found in report text.
 *
 * Invariants: an enhanced code is <class 2|4|5>.<subject 1-3 digits>.<detail
 * 1-3 digits> not embedded in a longer dotted number, so IP addresses
 * ("10.5.1.1") and versions ("Postfix 2.11.3") do not match.
 * Limits: a code quoted inside a sentence about another code is taken at face
 * value; the first plausible code wins.
 */

const ENHANCED = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/g;
const REPLY = /(?<![\w.\-:/#])([245][0-5]\d)(?=[ -]|$|\)|:)/gm;

export function enhancedCodes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(ENHANCED)) {
    if (Number(m[2]) > 7 || m[2]!.length > 1) continue; // subjects are 0-7 (RFC 3463 and its registry)
    out.push(`${m[1]}.${Number(m[2])}.${Number(m[3])}`);
  }
  return out;
}

const AFTER_REPLY = /(?<![\w.])[245]\d\d[\s-]+['"(]?([245])\.(\d)\.(\d{1,3})(?!\.?\d)/;

/**
 * The receiver's enhanced code: one that follows an SMTP reply code
 * ("550 5.1.1", "550-'5.7.1") wins over a bare one (often the relaying
 * MTA's own summary, as in "5.1.0 - Unknown address error 550-'5.7.1 ..."),
 * else the first; 2.x.x only when nothing else is present.
 */
export function firstEnhanced(text: string): string | undefined {
  const m = AFTER_REPLY.exec(text);
  if (m && m[1] !== '2') return `${m[1]}.${m[2]}.${Number(m[3])}`;
  const all = enhancedCodes(text);
  return all.find((c) => c[0] !== '2') ?? all[0];
}

/** The first SMTP reply code (2xx/4xx/5xx) in the text. */
export function firstReplyCode(text: string): number | undefined {
  for (const m of text.matchAll(REPLY)) {
    const n = Number(m[1]);
    if (n >= 200 && n < 600) return n;
  }
  return undefined;
}

export function statusClass(status: string | undefined): 2 | 4 | 5 | undefined {
  const c = status?.[0];
  return c === '2' ? 2 : c === '4' ? 4 : c === '5' ? 5 : undefined;
}

/** Normalises a DSN Status value ("5.1.1 (user unknown)", "5.01.001") to "5.1.1"; undefined if none. */
export function normaliseStatus(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^\s*([245])\.(\d{1,3})\.(\d{1,3})/.exec(v);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : undefined;
}

/** Replaces the class of a status code ("5.2.2", 4 → "4.2.2"). */
export function withClass(status: string, cls: 4 | 5): string {
  return `${cls}${status.slice(1)}`;
}
