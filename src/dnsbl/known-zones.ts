/**
 * What the return codes of well-known IP blocklists mean, as data. A zone in
 * `dnsbl.zones` whose name is (or ends with) one of these names gets these
 * meanings; the zone's own `codes` in the config override or extend them.
 * Sources: each list's published return-code table (Spamhaus "DNSBL return
 * codes", SpamCop, Barracuda, Mailspike, PSBL, UCEPROTECT). A code not listed
 * here is still a listing; its meaning is then "listed (code 127.0.0.x)".
 *
 * Refusal codes (127.255.255.x) are never listings: they say the query was
 * not answered (see interpret.ts). The meanings below name the usual cause.
 */

export interface KnownZone {
  /** The zone name, or a suffix of it (Spamhaus DQS: `<key>.zen.dq.spamhaus.net`). */
  readonly name: string;
  /** Listing codes (127.0.0.x) → meaning. */
  readonly codes: Readonly<Record<string, string>>;
}

const SPAMHAUS_ZEN: Record<string, string> = {
  '127.0.0.2': 'Spamhaus SBL: direct spam source or spam operation',
  '127.0.0.3': 'Spamhaus SBL CSS: snowshoe or low-reputation sending',
  '127.0.0.4': 'Spamhaus XBL (CBL): host exploited by malware, bot or open proxy',
  '127.0.0.5': 'Spamhaus XBL: exploited host',
  '127.0.0.6': 'Spamhaus XBL: exploited host',
  '127.0.0.7': 'Spamhaus XBL: exploited host',
  '127.0.0.9': 'Spamhaus DROP/EDROP: hijacked or criminal network',
  '127.0.0.10': 'Spamhaus PBL (ISP maintained): address should not send mail directly',
  '127.0.0.11': 'Spamhaus PBL (Spamhaus maintained): address should not send mail directly',
};

export const KNOWN_ZONES: readonly KnownZone[] = [
  { name: 'zen.spamhaus.org', codes: SPAMHAUS_ZEN },
  { name: 'zen.dq.spamhaus.net', codes: SPAMHAUS_ZEN },
  { name: 'sbl.spamhaus.org', codes: { '127.0.0.2': SPAMHAUS_ZEN['127.0.0.2']!, '127.0.0.3': SPAMHAUS_ZEN['127.0.0.3']!, '127.0.0.9': SPAMHAUS_ZEN['127.0.0.9']! } },
  { name: 'xbl.spamhaus.org', codes: { '127.0.0.4': SPAMHAUS_ZEN['127.0.0.4']! } },
  { name: 'pbl.spamhaus.org', codes: { '127.0.0.10': SPAMHAUS_ZEN['127.0.0.10']!, '127.0.0.11': SPAMHAUS_ZEN['127.0.0.11']! } },
  { name: 'bl.spamcop.net', codes: { '127.0.0.2': 'SpamCop: reported as a spam source by SpamCop users (expires about 24 h after the last report)' } },
  { name: 'b.barracudacentral.org', codes: { '127.0.0.2': 'Barracuda Reputation Block List: poor sending reputation' } },
  { name: 'psbl.surriel.com', codes: { '127.0.0.2': 'PSBL: sent mail to spam traps' } },
  {
    name: 'bl.mailspike.net',
    codes: {
      '127.0.0.2': 'Mailspike: listed (spam source)',
      '127.0.0.10': 'Mailspike L5: worst reputation',
      '127.0.0.11': 'Mailspike L4: very bad reputation',
      '127.0.0.12': 'Mailspike L3: bad reputation',
      '127.0.0.13': 'Mailspike L2: suspicious reputation',
      '127.0.0.14': 'Mailspike L1: neutral-to-low reputation',
    },
  },
  { name: 'dnsbl-1.uceprotect.net', codes: { '127.0.0.2': 'UCEPROTECT level 1: this IP sent to spam traps' } },
  { name: 'dnsbl-2.uceprotect.net', codes: { '127.0.0.2': 'UCEPROTECT level 2: the IP\'s allocation has many level-1 listings' } },
  { name: 'dnsbl-3.uceprotect.net', codes: { '127.0.0.2': 'UCEPROTECT level 3: the IP\'s network (ASN) has many level-1 listings' } },
];

/** Meanings of refusal codes (127.255.255.x), as Spamhaus and others use them. */
export const REFUSAL_CODES: Readonly<Record<string, string>> = {
  '127.255.255.250': 'query refused: invalid or unknown access key (DQS)',
  '127.255.255.252': 'query refused: typing error in the zone name',
  '127.255.255.254': 'query refused: query via a public or open resolver (use your own recursive resolver)',
  '127.255.255.255': 'query refused: excessive number of queries',
};

/** The built-in meanings for a zone name (exact name or a known suffix), or {} when unknown. */
export function knownCodes(zone: string): Readonly<Record<string, string>> {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const hit = KNOWN_ZONES.find((k) => z === k.name || z.endsWith('.' + k.name));
  return hit?.codes ?? {};
}
