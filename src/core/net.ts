/**
 * Network address helpers. Loopback means 127.0.0.0/8, ::1, or an
 * IPv4-mapped loopback (::ffff:127.x.y.z) as Node reports dual-stack peers.
 */
export function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

const V4_NON_PUBLIC: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8 private
  [0x64400000, 10], // 100.64/10 shared (CGNAT)
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local
  [0xac100000, 12], // 172.16/12 private
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc0a80000, 16], // 192.168/16 private
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 3], // 224/4 multicast and 240/4 reserved
];

/**
 * Addresses no public mail server has: loopback, private (RFC 1918, ULA),
 * link-local, CGNAT, multicast, reserved (IPv4 and IPv6, including
 * IPv4-mapped). Used to refuse MX hosts that would make the gateway connect
 * into its own network.
 */
export function isNonPublicAddress(ip: string): boolean {
  const lower = ip.toLowerCase();
  const mapped = lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : undefined;
  const v4 = mapped ?? (lower.includes(':') ? undefined : lower);
  if (v4 !== undefined) {
    const parts = v4.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return true;
    const n = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
    return V4_NON_PUBLIC.some(([net, bits]) => n >>> (32 - bits) === net >>> (32 - bits));
  }
  if (lower === '::' || lower === '::1') return true;
  const first = parseInt(lower.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 /* fc00::/7 ULA */ || (first & 0xffc0) === 0xfe80 /* link-local */ || (first & 0xff00) === 0xff00 /* multicast */;
}
