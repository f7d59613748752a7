/**
 * Alternative parser: postal-mime (maintained, complete, ~10x slower here; see
 * parse.ts). Produces the same ParsedMessage so the rest of the scanner is
 * unchanged; selected with the scanner option `parser: 'postal-mime'`, and used
 * by tests as the reference the fast parser is compared with.
 *
 * Invariants: never throws (a postal-mime exception gives an unparseable
 * message); text is cut to limits.maxText characters.
 * Limits: postal-mime does not report part structure or decoding defects, so
 * `parts` holds only the top-level type and `defects` stays mostly empty.
 */
import PostalMime from 'postal-mime';
import type { Email } from 'postal-mime';
import { parseHeaderBlock, parseStructured } from './headers.js';
import type { Address } from './headers.js';
import type { Attachment, ParsedMessage } from './message.js';
import type { ParseLimits } from './parse.js';
import { DEFAULT_PARSE_LIMITS } from './parse.js';

function mailbox(a: Email['from']): Address | null {
  if (a === undefined) return null;
  if (a.address !== undefined) return { name: a.name, address: a.address.toLowerCase() };
  const first = a.group[0];
  return first ? { name: first.name, address: first.address.toLowerCase() } : null;
}

function mailboxes(list: Email['to']): Address[] {
  const out: Address[] = [];
  for (const a of list ?? []) {
    if (a.address !== undefined) out.push({ name: a.name, address: a.address.toLowerCase() });
    else for (const m of a.group) out.push({ name: m.name, address: m.address.toLowerCase() });
  }
  return out;
}

export async function parseWithPostalMime(raw: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedMessage> {
  const empty: ParsedMessage = { headers: [], subject: '', from: null, replyTo: null, to: [], cc: [], texts: [], htmls: [], attachments: [], parts: [], defects: ['unparseable'], size: raw.length, unparseable: true };
  if (raw.length === 0) return empty;
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    return { ...empty, defects: ['unparseable', 'parser-error:' + String(err).slice(0, 80)] };
  }
  const { headers } = parseHeaderBlock(email.headerLines.map((h) => h.line).join('\n'));
  if (headers.length === 0) return empty;
  let left = limits.maxText;
  const cut = (s: string | undefined): string[] => {
    if (s === undefined || s === '' || left <= 0) return [];
    const t = s.slice(0, left);
    left -= t.length;
    return [t];
  };
  const texts = cut(email.text);
  const htmls = cut(email.html);
  const attachments: Attachment[] = email.attachments.map((a) => {
    const content = typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : Buffer.from(a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : a.content);
    return { filename: a.filename ?? '', contentType: a.mimeType.toLowerCase(), size: content.length, head: content.subarray(0, limits.attachmentHead) };
  });
  const ct = parseStructured(headers.find((h) => h.name === 'content-type')?.value ?? 'text/plain');
  return {
    headers,
    subject: email.subject ?? '',
    from: mailbox(email.from),
    replyTo: mailbox(email.replyTo?.[0]),
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    texts,
    htmls,
    attachments,
    parts: [{ contentType: ct.value, charset: ct.params['charset'] ?? '', encoding: '7bit', depth: 0 }],
    defects: texts.length + htmls.length + attachments.length === 0 ? ['no-body'] : [],
    size: raw.length,
    unparseable: false,
  };
}
