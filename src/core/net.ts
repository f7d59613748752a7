/**
 * Network address helpers. Loopback means 127.0.0.0/8, ::1, or an
 * IPv4-mapped loopback (::ffff:127.x.y.z) as Node reports dual-stack peers.
 */
export function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}
