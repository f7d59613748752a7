/**
 * DKIM key rotation, the part that needs DNS: a pending key (created by
 * `outpost dkim rotate`) becomes active only once the TXT record at
 * `<selector>._domainkey.<domain>` matches it, seen through the configured
 * resolver; retiring keys become retired after their grace period. Run by
 * `outpost dkim rotate --check`, `outpost dkim check` and, every
 * platform.dkimCheckInterval, by the gateway. Cheap: one TXT lookup per
 * pending key (usually none).
 * Invariants: a key is never activated on a failed, empty or mismatching
 * lookup; activation and retirement are idempotent across processes (the
 * store's transactions and unique indexes decide).
 */
import type { DnsResult } from '../dns/types.js';
import { dnsValueMatches } from './dkim-key.js';
import type { DkimKeyStore } from './key-store.js';

export interface RotationChange {
  readonly domain: string;
  readonly selector: string;
  /** activated: the pending key is now in use; waiting: its record is not (yet) visible; retired: the grace period of an old key ended. */
  readonly change: 'activated' | 'waiting' | 'retired';
  readonly detail?: string;
}

export async function checkRotations(
  keys: DkimKeyStore,
  txt: (name: string) => Promise<DnsResult<string>>,
  now: number,
  domain?: string,
): Promise<RotationChange[]> {
  const out: RotationChange[] = [];
  for (const k of keys.pending(domain)) {
    const r = await txt(k.recordName);
    if (r.kind === 'ok' && r.records.some((v) => dnsValueMatches(v, k.publicDnsValue))) {
      keys.activate(k.domain, k.selector);
      out.push({ domain: k.domain, selector: k.selector, change: 'activated' });
    } else {
      const detail = r.kind === 'ok' ? 'the published record does not match the key' : r.kind === 'error' ? `lookup failed (${r.detail})` : r.kind === 'nxdomain' ? 'the name does not exist' : 'no TXT record yet';
      out.push({ domain: k.domain, selector: k.selector, change: 'waiting', detail });
    }
  }
  for (const k of keys.retireDue(now)) if (domain === undefined || k.domain === domain) out.push({ domain: k.domain, selector: k.selector, change: 'retired' });
  return out;
}
