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
import { fingerprintBands, fingerprintDistance } from '../scan/fingerprint.js';
import type { TenantId } from '../core/types.js';

const NEAR = 3;

export class CampaignTracker {
  private readonly bands = new Map<string, Map<TenantId, { fp: string; at: number }>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxBands = 400_000,
    private readonly perBand = 64,
  ) {}

  see(tenant: TenantId, fp: string, at: number): number {
    const keys = fingerprintBands(fp);
    if (keys.length === 0) return 1;
    const since = at - this.windowMs;
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
      for (const [t, e] of m) if (!tenants.has(t) && fingerprintDistance(e.fp, fp) <= NEAR) tenants.add(t);
      m.delete(tenant);
      m.set(tenant, { fp, at });
    }
    while (this.bands.size > this.maxBands) this.bands.delete(this.bands.keys().next().value!);
    return tenants.size;
  }
}
