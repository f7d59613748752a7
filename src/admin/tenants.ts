/**
 * Tenant operations shared by the CLI (`outpost tenant …`) and the admin API:
 * thin rules over TenantStore (which stays the only writer of tenant rows),
 * so both paths validate, refuse and answer the same way. New credentials are
 * returned once and never stored in the clear.
 */
import type { CredentialInfo, Tenant, TenantStore } from '../tenants/store.js';

export interface TenantView {
  readonly id: string;
  readonly state: 'enabled' | 'disabled';
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly domains: readonly string[];
}

export interface CredentialView {
  readonly id: string;
  readonly kind: 'smtp' | 'api';
  readonly username: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type NewCredential =
  | { readonly kind: 'api'; readonly id: string; readonly key: string }
  | { readonly kind: 'smtp'; readonly username: string; readonly password: string };

const iso = (ms: number): string => new Date(ms).toISOString();

export function tenantView(t: Tenant): TenantView {
  return { id: t.id, state: t.enabled ? 'enabled' : 'disabled', enabled: t.enabled, createdAt: iso(t.createdAt), domains: t.domains };
}

export function credentialView(c: CredentialInfo): CredentialView {
  return { id: c.id, kind: c.kind, username: c.username, createdAt: iso(c.createdAt), revokedAt: c.revokedAt === null ? null : iso(c.revokedAt) };
}

export function createTenant(tenants: TenantStore, id: string, domains: readonly string[]): Tenant {
  return tenants.add(id, domains);
}

export function setTenantEnabled(tenants: TenantStore, id: string, enabled: boolean): Tenant {
  return tenants.setEnabled(id, enabled);
}

export function changeDomain(tenants: TenantStore, id: string, op: 'add' | 'remove', domain: string): Tenant {
  return op === 'add' ? tenants.addDomain(id, domain) : tenants.removeDomain(id, domain);
}

/** A new API key, or a new SMTP password (revoking the user's previous one). Returned once. */
export async function issueCredential(tenants: TenantStore, id: string, kind: 'api' | 'smtp', username?: string): Promise<NewCredential> {
  if (kind === 'api') return { kind: 'api', ...(await tenants.newApiKey(id)) };
  return { kind: 'smtp', ...(await tenants.newSmtpPassword(id, username ?? id)) };
}

/** Tenants ordered by id, after `afterId` (cursor pagination), optionally only enabled or disabled ones. */
export function listTenants(tenants: TenantStore, limit: number, afterId?: string, enabled?: boolean): Tenant[] {
  return tenants.listPage(limit, afterId, enabled);
}
