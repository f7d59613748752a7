/** Rule: HTML without a real text alternative and almost no visible text (image spam, link-only lures). */
import type { Rule } from './rule.js';

export const htmlOnlyLittleText: Rule = {
  name: 'html-only-little-text',
  summary: 'HTML-only message with almost no visible text',
  check({ view }) {
    if (view.msg.htmls.length === 0 || view.plainChars >= 20) return null;
    let letters = 0;
    const t = view.text;
    for (let i = 0; i < t.length && letters < 60; i++) {
      const c = t.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000)) letters++;
    }
    if (letters >= 60) return null;
    return `HTML-only with ${letters} letters of visible text, ${view.images} image(s), ${view.links.length} link(s)`;
  },
};
