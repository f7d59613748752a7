/** Rule: the message could not be parsed as RFC 5322 mail (no header block, binary junk, empty). */
import type { Rule } from './rule.js';

export const unparseable: Rule = {
  name: 'unparseable',
  summary: 'message could not be parsed',
  check({ view }) {
    if (!view.msg.unparseable) return null;
    const why = view.msg.defects.filter((d) => d !== 'unparseable');
    return view.msg.size === 0 ? 'empty message' : `no RFC 5322 header block${why.length ? ' (' + why.join(', ') + ')' : ''}`;
  },
};
