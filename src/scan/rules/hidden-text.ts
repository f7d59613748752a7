/** Rule: text hidden from the reader with CSS or attributes (filter-busting word stuffing). */
import type { Rule } from './rule.js';

export const hiddenText: Rule = {
  name: 'hidden-text',
  summary: 'HTML text hidden from the reader',
  check({ view }) {
    if (view.hiddenChars < 120) return null;
    return `${view.hiddenChars} characters of hidden HTML text`;
  },
};
