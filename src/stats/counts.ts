/**
 * What each platform event adds to the console's counters: one pure function
 * shared by the rollup writer (stats/rollup.ts, on the event store's writer
 * thread) and the in-memory 24-hour tenant counters (stats/tenant-day.ts, on
 * the main thread), so both always count the same way.
 * Outcomes count recipients for delivery events (one attempt event lists its
 * recipients) and messages otherwise. Bounces and alert mails the platform
 * itself submits are not the tenant's "sent" volume.
 */
import type { PlatformEvent } from '../events/bus.js';

/** Keys of the per-minute series. `pool:NAME` counts delivered recipients per pool. */
export const OUTCOMES = ['received', 'delivered', 'deferred', 'bounced', 'quarantined', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Keys of the per-hour tenant figures (the overview). */
export const HOUR_KEYS = ['sent', 'delivered', 'bounced', 'complained', 'scanned', 'spam'] as const;
export type HourKey = (typeof HOUR_KEYS)[number];

export interface Increments {
  /** Per-minute keys (platform and tenant series). */
  readonly minute: ReadonlyArray<readonly [string, number]>;
  /** Per-hour tenant keys. */
  readonly hour: ReadonlyArray<readonly [HourKey, number]>;
}

const NONE: Increments = { minute: [], hour: [] };
const SPAM_CLASSES = new Set(['spam', 'suspect']);

function recipients(data: Readonly<Record<string, unknown>>): number {
  const r = data['recipients'];
  return Array.isArray(r) ? r.length : 1;
}

export function incrementsOf(e: PlatformEvent): Increments {
  const d = e.data;
  switch (e.type) {
    case 'received': {
      const own = d['source'] !== 'bounce' && d['source'] !== 'alert';
      return { minute: [['received', 1]], hour: own ? [['sent', 1]] : [] };
    }
    case 'delivered': {
      const n = recipients(d);
      const pool = typeof d['pool'] === 'string' && d['pool'] ? [[`pool:${d['pool']}`, n] as const] : [];
      return { minute: [['delivered', n], ...pool], hour: [['delivered', n]] };
    }
    case 'deferred':
      return { minute: [['deferred', recipients(d)]], hour: [] };
    case 'bounced': {
      const n = recipients(d);
      return { minute: [['bounced', n]], hour: [['bounced', n]] };
    }
    case 'quarantined':
      return { minute: [['quarantined', 1]], hour: [] };
    case 'routed':
      return d['route'] === 'reject' ? { minute: [['rejected', 1]], hour: [] } : NONE;
    case 'scanned': {
      const spam = SPAM_CLASSES.has(String(d['class'])) ? 1 : 0;
      return { minute: spam ? [['scanned', 1], ['spam', 1]] : [['scanned', 1]], hour: spam ? [['scanned', 1], ['spam', 1]] : [['scanned', 1]] };
    }
    case 'complained':
      return d['feedbackType'] === 'not-spam' ? NONE : { minute: [], hour: [['complained', 1]] };
    default:
      return NONE;
  }
}
