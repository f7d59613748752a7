/** Rules on the Message-ID header: missing, or not shaped like <local@domain>. */
import type { Rule } from './rule.js';
import { headerValue } from '../mime/message.js';

const SHAPE = /^<[^<>@\s]+@[^<>@\s]+>$/;

export const messageIdMissing: Rule = {
  name: 'message-id-missing',
  summary: 'no Message-ID header',
  check({ view }) {
    if (view.msg.unparseable) return null;
    return headerValue(view.msg, 'message-id') === undefined ? 'message has no Message-ID header' : null;
  },
};

export const messageIdForged: Rule = {
  name: 'message-id-forged',
  summary: 'Message-ID not shaped like <local@domain>',
  check({ view }) {
    const v = headerValue(view.msg, 'message-id');
    if (v === undefined) return null;
    const t = v.trim();
    if (SHAPE.test(t)) return null;
    return `malformed Message-ID "${t.slice(0, 60)}"`;
  },
};
