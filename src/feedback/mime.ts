/**
 * The MIME structure of a received report, read with postal-mime.
 *
 * Gives the top-level header fields, the readable text (text/plain parts,
 * or text/html flattened when there is no plain part) and every non-text
 * part with its content type and decoded content. message/rfc822 parts are
 * kept as parts (not inlined), so the returned original stays separate from
 * the report text.
 * Invariants: never throws (readMime resolves to null when postal-mime
 * cannot parse the input); part contents are decoded from their transfer
 * encoding; text is decoded from its charset by postal-mime.
 * Limits: the part tree is flattened (postal-mime's model); a report whose
 * MIME boundaries are broken comes back as one text part, which parse.ts
 * handles by scanning the text for report fields.
 */
import PostalMime, { type Email } from 'postal-mime';
import type { Fields } from './fields.js';

export interface MimePart {
  /** Lower-cased media type, e.g. "message/delivery-status". */
  readonly type: string;
  readonly text: string;
  readonly bytes: Uint8Array;
}

export interface MimeView {
  readonly headers: Fields;
  readonly subject: string;
  readonly from: string;
  readonly text: string;
  readonly parts: readonly MimePart[];
}

const utf8 = new TextDecoder('utf-8');

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

export async function readMime(raw: Buffer): Promise<MimeView | null> {
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
  } catch {
    return null;
  }
  const headers: Fields = new Map();
  for (const h of email.headers) {
    const list = headers.get(h.key);
    const v = h.value.replace(/\r?\n[ \t]*/g, ' ').trim();
    if (list) list.push(v);
    else headers.set(h.key, [v]);
  }
  const parts: MimePart[] = email.attachments.map((a) => {
    const bytes = typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : new Uint8Array(a.content);
    return { type: a.mimeType.toLowerCase(), text: utf8.decode(bytes), bytes };
  });
  const from = email.from && 'address' in email.from && email.from.address ? email.from.address.toLowerCase() : '';
  const text = email.text ?? (email.html ? htmlToText(email.html) : '');
  return { headers, subject: email.subject ?? '', from, text, parts };
}
