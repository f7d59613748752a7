/** Rule: HTML/SVG attachments, the usual carrier of invoice and voicemail lures that open a fake login page locally. */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';
import { extensionOf } from './executable-attachment.js';

const HTML_EXT = new Set(['htm', 'html', 'shtml', 'xhtml', 'svg', 'mht', 'mhtml']);

export const htmlAttachment: Rule = {
  name: 'html-attachment',
  summary: 'HTML or SVG attachment',
  check({ view }) {
    const hits = view.msg.attachments
      .filter((a) => a.filename !== '' && (HTML_EXT.has(extensionOf(a.filename)) || a.contentType === 'text/html' || a.contentType === 'image/svg+xml'))
      .map((a) => a.filename);
    return hits.length === 0 ? null : `HTML attachment ${listSome(hits)}`;
  },
};
