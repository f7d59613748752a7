/**
 * Mail address helpers for envelope addresses (RFC 5321 Mailbox). Deliberately
 * strict: ingress rejects what it cannot route rather than guessing. Quoted
 * local parts are accepted; address literals ([1.2.3.4]) are not routable here.
 */

export interface ParsedAddress {
  local: string;
  /** Lower-cased, IDNA left to the caller. */
  domain: string;
}

const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;
const DOT_ATOM_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const QUOTED_RE = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

export function parseAddress(addr: string): ParsedAddress | null {
  if (addr.length > 254) return null;
  const at = addr.lastIndexOf('@');
  if (at <= 0 || at === addr.length - 1) return null;
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1).toLowerCase();
  if (local.length > 64) return null;
  if (!DOT_ATOM_RE.test(local) && !QUOTED_RE.test(local)) return null;
  if (!isDomainName(domain)) return null;
  return { local, domain };
}

export function isDomainName(d: string): boolean {
  return DOMAIN_RE.test(d);
}

export function domainOf(addr: string): string {
  const at = addr.lastIndexOf('@');
  return at < 0 ? '' : addr.slice(at + 1).toLowerCase();
}
