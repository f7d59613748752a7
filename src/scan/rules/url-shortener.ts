/** Rule: links through public URL shorteners, which hide the destination (common in credential phishing). */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';

export const SHORTENERS = new Set([
  'bit.ly', 'bitly.com', 'bitly.ws', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'v.gd', 'buff.ly', 'rebrand.ly',
  'cutt.ly', 'shorturl.at', 'tiny.cc', 'rb.gy', 't.ly', 's.id', 'bl.ink', 'lnkd.in', 'shorte.st', 'adf.ly', 'qrco.de',
  'short.gy', 'clck.ru', 'u.to', 'soo.gd', 'x.co', 'tiny.one', 'shorturl.com', 'urlz.fr', 'kutt.it', 'snip.ly', 'tr.im',
  'zpr.io', 'surl.li', 'did.li', 'gg.gg', 'han.gl', 'hyperurl.co', 'n9.cl', 'linktr.ee',
]);

export const urlShortener: Rule = {
  name: 'url-shortener',
  summary: 'link through a URL shortener',
  check({ view }) {
    const hits = view.urls.filter((u) => SHORTENERS.has(u.domain) || SHORTENERS.has(u.host)).map((u) => u.host);
    return hits.length === 0 ? null : `URL shortener ${listSome(hits)}`;
  },
};
