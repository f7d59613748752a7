/**
 * Link features: each distinct registrable domain (or "IP") and its TLD, URLs
 * with user-info, and whether the links point at the sender's own domain
 * (legitimate newsletters mostly do; spam rarely does).
 */
import { addressDomain } from '../mime/headers.js';
import type { MessageView } from '../view.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

export function addLinkFeatures(sink: FeatureSink, view: MessageView): Set<string> {
  const domains = new Set<string>();
  for (const u of view.urls) {
    if (domains.has(u.domain)) continue;
    domains.add(u.domain);
    sink.tok(SEED.urlDomain, u.ip ? 'IP' : u.domain, 'url');
    const dot = u.domain.lastIndexOf('.');
    if (!u.ip && dot >= 0) sink.tok(SEED.urlTld, u.domain.slice(dot + 1), 'tld');
    if (u.userinfo) sink.tok(SEED.shape, 'url-userinfo', 'shape');
  }
  const msg = view.msg;
  const fromDom = msg.from !== null ? addressDomain(msg.from.address) : '';
  if (view.urls.length > 0 && fromDom !== '') {
    let aligned = 0;
    for (const u of view.urls) if (u.domain !== '' && (fromDom === u.domain || fromDom.endsWith('.' + u.domain))) aligned++;
    const share = aligned === 0 ? 'none' : aligned === view.urls.length ? 'all' : aligned * 2 >= view.urls.length ? 'most' : 'some';
    sink.tok(SEED.shape, 'url-align:' + share, 'shape');
  }
  return domains;
}
