/** Rule: a URL with user-info before the host (http://paypal.com@evil.example/), which hides the real host. */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';

export const urlUserinfo: Rule = {
  name: 'url-userinfo',
  summary: 'URL hides its real host behind user@ syntax',
  check({ view }) {
    const hits = view.urls.filter((u) => u.userinfo).map((u) => u.host);
    return hits.length === 0 ? null : `URL with user-info before the real host ${listSome(hits)}`;
  },
};
