/**
 * Rule: the From display name claims a brand (or shows an e-mail address) while
 * the actual From address is on an unrelated domain:
 *   "PayPal Security" <alerts@random-host.example>, "service@paypal.com" <x@evil.example>.
 */
import type { Rule } from './rule.js';
import { BRANDS, CUE_WORDS, isBrandDomain } from './brands.js';
import { addressDomain } from '../mime/headers.js';
import type { Address } from '../mime/headers.js';
import type { UrlAnalyzer } from '../urls.js';
import { skeleton } from './skeleton.js';

export const brandImpersonation: Rule = {
  name: 'brand-impersonation',
  summary: 'From display name names a brand or address the sender is not',
  check({ view, urls }) {
    const from = view.msg.from;
    if (from === null || from.name === '' || from.address === '') return null;
    return urls.memo('brand:' + from.name + '\u0000' + from.address, () => impersonates(from, urls));
  },
};

function impersonates(from: Address, urls: UrlAnalyzer): string | null {
  {
    const domain = addressDomain(from.address);
    if (domain === '') return null;
    const facts = urls.hostFacts(domain);
    const label = facts.domain.split('.')[0] ?? '';
    const name = from.name.toLowerCase();
    // A display name that shows an address on another domain.
    const shown = /[a-z0-9._%+-]+@([a-z0-9.-]+\.[a-z]{2,})/i.exec(name);
    if (shown !== null) {
      const shownDomain = urls.hostFacts(shown[1]!.toLowerCase()).domain;
      if (shownDomain !== facts.domain) return `display name shows ${shown[0]} but the address is ${from.address}`;
    }
    const words = ' ' + name.replace(/[^\p{L}\p{N}]+/gu, ' ') + ' ';
    const squashed = skeleton(name);
    for (const b of BRANDS) {
      const named = b.names.some((n) => words.includes(' ' + n + ' ')) || (!b.ambiguous && b.label.length >= 6 && squashed.includes(b.label));
      if (!named) continue;
      if (b.ambiguous && !CUE_WORDS.test(name)) continue;
      if (isBrandDomain(b, facts.domain, label)) continue;
      return `display name "${from.name.slice(0, 60)}" claims ${b.name} but the address is ${from.address}`;
    }
    return null;
  }
}
