/**
 * The original message a report returns (whole, headers only, or pasted
 * into the text after a "copy of the message" line), reduced to what
 * attribution needs: Message-ID, From, Return-Path (VERP token),
 * Feedback-ID and the DKIM signatures' d=/s=.
 * Invariants: never throws; header names lower-cased; values unfolded.
 * Limits: only the first header section is read; encoded words are left
 * as they are (the fields used for attribution are ASCII).
 */
import { addressValue, parseHeaderSection, type Fields } from './fields.js';
import type { OriginalMessage } from './types.js';

/** Reads the header section at the start of `text`. Returns undefined when it has no header fields. */
export function readOriginal(text: string): OriginalMessage | undefined {
  const headerEnd = text.search(/\r?\n\r?\n/);
  const headerText = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const fields = parseHeaderSection(headerText);
  if (fields.size === 0) return undefined;
  return fromFields(fields, Buffer.from(headerText, 'utf8'));
}

function fromFields(fields: Fields, rawHeaders: Buffer): OriginalMessage {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of fields) headers[k] = v;
  const one = (k: string): string | undefined => fields.get(k)?.[0];
  const out: OriginalMessage = { headers, rawHeaders };
  const mid = one('message-id');
  if (mid) out.messageId = (/<([^<>]+)>/.exec(mid)?.[1] ?? mid).trim();
  const from = addressValue(one('from'));
  if (from) out.from = from;
  const rp = one('return-path');
  if (rp !== undefined) {
    const a = addressValue(rp);
    if (a) out.returnPath = a;
  }
  const fbid = one('feedback-id');
  if (fbid) out.feedbackId = fbid.trim();
  const sigs = (fields.get('dkim-signature') ?? [])
    .map((v) => {
      const tag = (t: string): string | undefined => new RegExp(`(?:^|;)\\s*${t}\\s*=\\s*([^;\\s]+)`).exec(v)?.[1];
      const d = tag('d');
      const s = tag('s');
      return d && s ? { d: d.toLowerCase(), s } : null;
    })
    .filter((x): x is { d: string; s: string } => x !== null);
  if (sigs.length) out.dkimSignatures = sigs;
  return out;
}

/** Addresses in the original's To and Cc (lower case). */
export function originalRecipients(o: OriginalMessage | undefined): string[] {
  if (!o) return [];
  const out: string[] = [];
  for (const k of ['to', 'cc']) {
    for (const v of o.headers[k] ?? []) {
      for (const m of v.matchAll(/[^\s<>"(),;:]+@[^\s<>"(),;:]+/g)) out.push(m[0].toLowerCase().replace(/\.$/, ''));
    }
  }
  return [...new Set(out)];
}
