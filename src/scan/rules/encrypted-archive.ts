/** Rule: password-protected ZIP attachments (content filters cannot look inside; a favourite malware wrapper). */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';
import { isZip, peekZip } from './archive.js';

export const encryptedArchive: Rule = {
  name: 'encrypted-archive',
  summary: 'password-protected archive attachment',
  check({ view }) {
    const hits: string[] = [];
    for (const a of view.msg.attachments) if (isZip(a.head) && peekZip(a.head).encrypted) hits.push(a.filename || 'zip');
    return hits.length === 0 ? null : `password-protected archive ${listSome(hits)}`;
  },
};
