/**
 * Which webhook URLs are accepted: http or https, no credentials in the URL,
 * at most 2048 characters. Unless `webhooks.allowPrivateTargets` is set,
 * tenant subscriptions may not point at loopback, private, link-local or
 * unique-local addresses written as literals or at `localhost` (the gateway
 * must not become a way into the operator's network).
 * Limit: a public host name that resolves to a private address is not caught
 * here (no DNS lookup at subscription time).
 */
import { isIP } from 'node:net';
import { ServiceError } from '../admin/errors.js';

function privateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v = isIP(h);
  if (v === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (v === 6) return h === '::1' || h === '::' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h.startsWith('::ffff:');
  return false;
}

export function checkTarget(url: string, o: { tenant: boolean; allowPrivate: boolean }): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ServiceError('body: url: not a valid URL', 'invalid');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ServiceError('body: url: must be http or https', 'invalid');
  if (u.username || u.password) throw new ServiceError('body: url: must not contain credentials', 'invalid');
  if (o.tenant && !o.allowPrivate && privateHost(u.hostname)) throw new ServiceError('body: url: private and loopback addresses are not allowed for tenant webhooks', 'invalid');
  return u.toString();
}
