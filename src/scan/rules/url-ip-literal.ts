/** Rule: a link whose host is an IP address (dotted, decimal, hex or IPv6) instead of a name. */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';

export const urlIpLiteral: Rule = {
  name: 'url-ip-literal',
  summary: 'URL whose host is a bare IP address',
  check({ view }) {
    const hosts = view.urls.filter((u) => u.ip).map((u) => u.host);
    return hosts.length === 0 ? null : `link to IP address ${listSome(hosts)}`;
  },
};
