/**
 * Typed DNS answers shared by the resolver and its users (delivery next hop,
 * DNSBL monitor, DKIM key lookups). Lookups never throw for DNS outcomes: every
 * outcome is one of four results, so callers must decide what each means.
 *
 * - ok:       records of the asked type, and the seconds they may still be used.
 * - nxdomain: the name does not exist (authoritative, cacheable).
 * - nodata:   the name exists but has no record of that type (cacheable).
 * - error:    SERVFAIL, REFUSED, timeout, network or malformed answer: try later.
 */

export interface MxRecord {
  /** Lower-case host name without trailing dot; '.' for an RFC 7505 null MX. */
  readonly exchange: string;
  readonly priority: number;
}

export type DnsResult<T> =
  | { readonly kind: 'ok'; readonly records: readonly T[]; readonly ttl: number }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'error'; readonly transient: true; readonly detail: string };

export type DnsRecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR';

export interface Resolver {
  mx(domain: string): Promise<DnsResult<MxRecord>>;
  a(host: string): Promise<DnsResult<string>>;
  aaaa(host: string): Promise<DnsResult<string>>;
  /** Each TXT record's character-strings joined without separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
  txt(name: string): Promise<DnsResult<string>>;
  /** PTR targets, e.g. for forward-confirmed reverse DNS of our own IPs. */
  ptr(name: string): Promise<DnsResult<string>>;
}
