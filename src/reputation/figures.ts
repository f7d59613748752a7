/**
 * The counters kept per tenant and window, and the signals (rates, ratios,
 * counts) computed from them. A signal comes with its volume — the
 * denominator it was computed over — so rules can ignore rates measured on
 * too few events (the volume floor).
 */
import type { SignalName } from './names.js';
import type { SlidingCounters } from './window.js';

/** Counter indices in a tenant's sliding windows. */
export const C = {
  messages: 0,
  recipients: 1,
  scanned: 2,
  spam: 3,
  suspect: 4,
  /** Final recipient outcomes: delivered + hard bounces (unknown recipients included). */
  final: 5,
  delivered: 6,
  hard: 7,
  unknown: 8,
  soft: 9,
  slowDown: 10,
  blocked: 11,
  /** Every recipient attempt outcome reported (deferrals included). */
  attempts: 12,
  complaints: 13,
  /** Recipient domains of submitted messages (distinct per message). */
  domainObs: 14,
  newDomains: 15,
  distinctDomains: 16,
  campaign: 17,
} as const;
export const COUNTERS = 18;

export interface SignalValue {
  readonly value: number;
  /** What the value was computed over (the denominator, or the count itself). */
  readonly volume: number;
}


const share = (num: number, den: number): SignalValue => ({ value: den > 0 ? Math.min(1, num / den) : 0, volume: den });
const count = (n: number): SignalValue => ({ value: n, volume: n });

/**
 * One signal over one window. `volumeRatio` needs the window length and the
 * tenant's baseline (recipients per baseline period, floored).
 */
export function signal(name: SignalName, w: SlidingCounters, at: number, ctx: { readonly baselinePeriodMs: number; readonly baseline: number }): SignalValue {
  const sum = (c: number): number => w.sum(c, at);
  switch (name) {
    case 'spamShare':
      return share(sum(C.spam), sum(C.scanned));
    case 'suspectShare':
      return share(sum(C.spam) + sum(C.suspect), sum(C.scanned));
    case 'bounceRate':
      return share(sum(C.hard), sum(C.final));
    case 'unknownRecipientRate':
      return share(sum(C.unknown), sum(C.final));
    case 'complaintRate':
      return share(sum(C.complaints), sum(C.delivered));
    case 'pushbackRate':
      return share(sum(C.slowDown) + sum(C.blocked), sum(C.attempts));
    case 'newDestinationShare':
      return share(sum(C.newDomains), sum(C.domainObs));
    case 'campaignShare':
      return share(sum(C.campaign), sum(C.scanned));
    case 'volumeRatio': {
      const r = sum(C.recipients);
      const perPeriod = (r * ctx.baselinePeriodMs) / w.lengthMs;
      return { value: ctx.baseline > 0 ? perPeriod / ctx.baseline : 0, volume: r };
    }
    case 'messages':
      return count(sum(C.messages));
    case 'recipients':
      return count(sum(C.recipients));
    case 'distinctDomains':
      return count(sum(C.distinctDomains));
  }
}
