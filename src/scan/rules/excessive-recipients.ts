/** Rule: more envelope (or To/Cc header) recipients than the configured limit. */
import type { Rule } from './rule.js';

export const excessiveRecipients: Rule = {
  name: 'excessive-recipients',
  summary: 'more recipients than the configured limit',
  check({ view, ctx, recipientLimit }) {
    const header = view.msg.to.length + view.msg.cc.length;
    const n = Math.max(ctx.recipientCount, header);
    return n > recipientLimit ? `${n} recipients (limit ${recipientLimit})` : null;
  },
};
