/**
 * Campaign fingerprints seen at several tenants at once. Each scanned
 * message's 64-bit SimHash is filed under its four 16-bit bands (two
 * fingerprints within Hamming distance 3 share a band); see() returns how
 * many distinct tenants sent a near-copy (distance ≤ 3) within the window,
 * this tenant included.
 *
 * Bounded: at most `maxBands` band keys (least recently used dropped first)
 * and `perBand` tenants per band (oldest dropped), so memory and the cost of
 * one call stay flat whatever the volume. Limits: a tenant keeps one
 * fingerprint per band (its latest), so a tenant alternating two near-copies
 * may be counted for only one of them; fingerprints are in memory only (the
 * signal is about "at once", a restart forgets it).
 */
import { fingerprintBands } from '../scan/fingerprint.js';
import type { TenantId } from '../core/types.js';

const NEAR = 3;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface Seen {
  readonly hi: number;
  readonly lo: number;
  readonly at: number;
}

export class CampaignTracker {
  private readonly bands = new Map<string, Map<TenantId, Seen>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxBands = 400_000,
    private readonly perBand = 32,
  ) {}

  see(tenant: TenantId, fp: string, at: number): number {
    const keys = fingerprintBands(fp);
    if (keys.length === 0) return 1;
    const since = at - this.windowMs;
    const hi = parseInt(fp.slice(0, 8), 16);
    const lo = parseInt(fp.slice(8), 16);
    const tenants = new Set<TenantId>([tenant]);
    for (const k of keys) {
      let m = this.bands.get(k);
      if (m) this.bands.delete(k);
      else m = new Map();
      this.bands.set(k, m);
      // Oldest first (entries are re-inserted on update): drop what left the window.
      for (const [t, e] of m) {
        if (e.at >= since && m.size <= this.perBand) break;
        m.delete(t);
      }
      for (const [t, e] of m) if (!tenants.has(t) && popcount32((e.hi ^ hi) >>> 0) + popcount32((e.lo ^ lo) >>> 0) <= NEAR) tenants.add(t);
      m.delete(tenant);
      m.set(tenant, { hi, lo, at });
    }
    while (this.bands.size > this.maxBands) this.bands.delete(this.bands.keys().next().value!);
    return tenants.size;
  }
}
