/**
 * Rule: a link or the From address uses a domain that imitates a brand's:
 * homoglyphs / punycode (pаypal.com with a Cyrillic a), digit swaps (paypa1),
 * one-letter typos (arnazon), the brand as a hyphenated word (paypal-secure.com),
 * or the brand's domain as a subdomain of another (paypal.com.account-check.ru).
 */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';
import { addressDomain } from '../mime/headers.js';
import { editDistance, skeleton } from './skeleton.js';
import { isBrandDomain, lookalikeTargets } from './brands.js';
import type { Brand } from './brands.js';

function imitated(host: string, domain: string): Brand | null {
  const label = domain.split('.')[0] ?? '';
  if (label === '') return null;
  const skel = skeleton(label);
  const parts = label.split(/[-_.]+/).filter((p) => p.length > 0).map(skeleton);
  const sub = host.length > domain.length ? host.slice(0, host.length - domain.length - 1).split('.').map(skeleton) : [];
  for (const b of lookalikeTargets()) {
    if (skel === b.label || (parts.length > 1 && parts.includes(b.label)) || sub.includes(b.label)) {
      if (!isBrandDomain(b, domain, label)) return b;
      continue;
    }
    if (b.label.length >= 6 && skel.length >= 5 && Math.abs(skel.length - b.label.length) <= 1 && editDistance(skel, b.label, 1) <= 1 && !isBrandDomain(b, domain, label)) return b;
  }
  return null;
}

export const lookalikeDomain: Rule = {
  name: 'lookalike-domain',
  summary: 'domain imitating a well-known brand',
  check({ view, urls }) {
    const hits: string[] = [];
    const seen = new Set<string>();
    const candidates: { host: string; domain: string; where: string }[] = [];
    if (view.msg.from !== null) {
      const d = addressDomain(view.msg.from.address);
      if (d !== '') candidates.push({ host: d, domain: urls.hostFacts(d).domain, where: 'From' });
    }
    for (const u of view.urls) if (!u.ip) candidates.push({ host: u.host, domain: u.domain, where: 'link' });
    for (const c of candidates) {
      if (seen.has(c.host) || seen.size > 50) continue;
      seen.add(c.host);
      const b = urls.memo('lookalike:' + c.host, () => imitated(c.host, c.domain));
      if (b !== null) hits.push(`${c.where} ${c.host} imitates ${b.name}`);
    }
    return hits.length === 0 ? null : listSome(hits, 2);
  },
};
