/**
 * Rule: a link whose visible text shows one domain while its href goes to
 * another registrable domain (<a href="http://evil.example">www.mybank.com</a>).
 * Limits: tracking redirectors of the sender's own ESP also trip this when the
 * text shows a URL; that is why its weight is moderate.
 */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';
import { displayedHost } from '../urls.js';

export const linkTextMismatch: Rule = {
  name: 'link-text-mismatch',
  summary: 'link text shows one domain, the link goes to another',
  check({ view, urls: analyzer }) {
    const hits: string[] = [];
    for (const l of view.links) {
      const shown = displayedHost(l.text);
      if (shown === null) continue;
      const target = analyzer.analyse(l.href, 'href');
      if (target === null) continue;
      const shownDomain = analyzer.hostFacts(shown).domain;
      if (shownDomain === target.domain) continue;
      // Click-tracking redirectors usually carry the destination in the URL: not a disguise.
      let href = l.href.toLowerCase();
      try {
        href = decodeURIComponent(href);
      } catch {
        // keep the raw form
      }
      if (href.includes(shownDomain)) continue;
      hits.push(`"${shown}" -> ${target.host}`);
      if (hits.length >= 5) break;
    }
    return hits.length === 0 ? null : `link text shows a different domain: ${listSome(hits, 2)}`;
  },
};
