/**
 * Helpers for the scanner's tests: build raw messages and message views.
 * Not used by production code.
 */
import { parseMessage } from './mime/parse.js';
import type { RuleInput } from './rules/rule.js';
import { createUrlAnalyzer } from './urls.js';
import { buildView } from './view.js';
import type { MessageView } from './view.js';

export const TEST_DATE = 'Tue, 05 Mar 2024 10:00:00 +0000';
export const TEST_NOW = Date.UTC(2024, 2, 5, 10, 5, 0);

/** A raw message from header lines and a body (CRLF line ends). */
export function mail(headers: Record<string, string> | string[], body = ''): Buffer {
  const lines = Array.isArray(headers) ? headers : Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body.replace(/\r?\n/g, '\r\n'), 'utf8');
}

/** A plausible, clean message with the given overrides. */
export function basicMail(over: Record<string, string | undefined> = {}, body = 'Hi Anna,\nthe minutes of Tuesday are attached below.\nSee you next week,\nBob\n'): Buffer {
  const h: Record<string, string> = {
    From: 'Bob Example <bob@example.org>',
    To: 'anna@example.net',
    Subject: 'Minutes',
    Date: TEST_DATE,
    'Message-ID': '<abc123@example.org>',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete h[k];
    else h[k] = v;
  }
  return mail(h, body);
}

export function viewOf(raw: Buffer): MessageView {
  return buildView(parseMessage(raw), createUrlAnalyzer(), 65536, 100);
}

export function ruleInput(raw: Buffer, over: Partial<RuleInput> = {}): RuleInput {
  return { view: viewOf(raw), ctx: { recipientCount: 1, mailFrom: 'bob@example.org' }, now: TEST_NOW, recipientLimit: 100, urls: createUrlAnalyzer(), ...over };
}

/** A minimal ZIP local file header + data for one entry (stored, optionally "encrypted"). */
export function zipWith(names: string[], encrypted = false): Buffer {
  const parts: Buffer[] = [];
  for (const name of names) {
    const data = Buffer.from('hello');
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(encrypted ? 1 : 0, 6);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(Buffer.byteLength(name), 26);
    h.writeUInt16LE(0, 28);
    parts.push(h, Buffer.from(name), data);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  parts.push(eocd);
  return Buffer.concat(parts);
}

/** A multipart/mixed message with one text part and one base64 attachment. */
export function withAttachment(filename: string, content: Buffer, type = 'application/octet-stream', text = 'Please see the attached file.'): Buffer {
  const b = 'BOUNDARY-42';
  const body = [
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${b}`,
    `Content-Type: ${type}; name="${filename}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${filename}"`,
    '',
    content.toString('base64').replace(/.{76}/g, '$&\n'),
    `--${b}--`,
    '',
  ].join('\n');
  return basicMail({ 'Content-Type': `multipart/mixed; boundary="${b}"` }, body);
}
