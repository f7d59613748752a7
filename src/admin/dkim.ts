/**
 * DKIM key operations shared by the CLI (`outpost dkim generate|list`) and
 * the APIs: which domains may get a key (a tenant's verified domain or the
 * platform domain), the default selector, and the record to publish.
 * The key store (src/sign/key-store.ts) keeps the keys; private keys never
 * leave it through here.
 */
import type { DkimKeyRecord, DkimKeyStore } from '../sign/index.js';
import { dnsTxtStrings } from '../sign/index.js';
import type { TenantStore } from '../tenants/store.js';
import { ServiceError } from './errors.js';

export interface DkimKeyView {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: string;
  readonly state: DkimKeyRecord['state'];
  readonly createdAt: string;
  readonly sealed: boolean;
  /** The TXT record to publish. */
  readonly record: { readonly name: string; readonly type: 'TXT'; readonly value: string; readonly zoneFile: string };
}

/** Default selector: `s` + year and month, e.g. s202611 (a new one per rotation). */
export function defaultSelector(now: number): string {
  const d = new Date(now);
  return `s${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function dkimKeyView(k: DkimKeyRecord): DkimKeyView {
  return {
    domain: k.domain, selector: k.selector, algorithm: k.algorithm, state: k.state, createdAt: new Date(k.createdAt).toISOString(), sealed: k.sealed,
    record: { name: k.recordName, type: 'TXT', value: k.publicDnsValue, zoneFile: `${k.recordName}. IN TXT ${dnsTxtStrings(k.publicDnsValue).map((s) => `"${s}"`).join(' ')}` },
  };
}

export interface DkimDeps {
  readonly keys: DkimKeyStore;
  readonly tenants: TenantStore;
  readonly platformDomain: string;
  readonly now: () => number;
}

/** The tenant that owns `domain`, or null (platform domain or nobody's). */
export function ownerOf(tenants: TenantStore, domain: string): string | null {
  return tenants.ownerOfDomain(domain);
}

/**
 * Generates a new active key for `domain`. With `tenantId`, the domain must be
 * one of that tenant's verified domains (tenant API); without, any tenant's
 * domain or the platform domain (operator).
 */
export async function generateKey(d: DkimDeps, domain: string, o: { selector?: string; algo?: string; tenantId?: string }): Promise<{ key: DkimKeyRecord; owner: string | null }> {
  const dom = domain.toLowerCase();
  const algo = o.algo ?? 'rsa2048';
  if (algo !== 'rsa2048' && algo !== 'ed25519') throw new ServiceError(`unknown algorithm "${algo}": use rsa2048 or ed25519`, 'invalid');
  if (o.tenantId !== undefined) {
    if (!d.tenants.ownsDomain(o.tenantId, dom)) throw new ServiceError(`${dom} is not a verified domain of this tenant`, 'not-found');
  } else if (dom !== d.platformDomain.toLowerCase() && ownerOf(d.tenants, dom) === null) {
    throw new ServiceError(`${dom} is not a verified domain of any tenant (add it with: outpost tenant domain add NAME ${dom})`, 'not-found');
  }
  const key = await d.keys.generate(dom, { selector: o.selector ?? defaultSelector(d.now()), algo });
  return { key, owner: o.tenantId ?? ownerOf(d.tenants, dom) };
}

/** Keys of the given domains (a tenant's), or all keys. */
export function listKeys(keys: DkimKeyStore, domains?: readonly string[]): DkimKeyRecord[] {
  if (domains === undefined) return keys.list();
  return domains.flatMap((dom) => keys.list(dom));
}
