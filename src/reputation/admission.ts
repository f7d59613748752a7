/**
 * The standing's effect at submission (an AdmissionCheck, see
 * ingress/admission.ts), and the `submitted` signal:
 * - suspended: every submission is refused, 550 5.7.1, with the reason;
 * - throttled and high-risk-only: at most `messagesPerMinute` accepted
 *   messages in a sliding minute, beyond that 451 4.7.1 (try later);
 * - record() (after the message is durable) counts it for the throttle and
 *   tells the reputation engine (recipients and their domains).
 * Cheap: a map lookup and a 60-slice counter per restricted tenant.
 */
import { SmtpError } from '../core/smtp-reply.js';
import type { TenantId } from '../core/types.js';
import type { AdmissionCheck } from '../ingress/admission.js';
import type { ReputationSignals } from './signals.js';
import { SlidingCounters } from './window.js';

export interface StandingAdmissionOptions {
  /** Messages per minute a throttled (or high-risk-only) tenant may submit. */
  readonly messagesPerMinute: number;
}

function domainsOf(rcpts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of rcpts) {
    const at = r.lastIndexOf('@');
    if (at > 0) out.add(r.slice(at + 1).toLowerCase());
  }
  return [...out];
}

/** SMTP reply lines stay short and ASCII. */
function short(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const a = s.replace(/[^\x20-\x7e]/g, '?');
  return a.length > 240 ? `${a.slice(0, 237)}...` : a;
}

export function standingAdmission(rep: ReputationSignals, o: StandingAdmissionOptions): AdmissionCheck {
  const minute = new Map<TenantId, SlidingCounters>();
  const restricted = (s: string): boolean => s === 'throttled' || s === 'high-risk-only';
  return {
    name: 'standing',
    check(r) {
      const s = rep.standing(r.tenantId);
      if (s === 'normal' || s === 'watch') {
        minute.delete(r.tenantId);
        return;
      }
      const why = short(rep.explain?.(r.tenantId)?.reason);
      if (s === 'suspended') {
        throw new SmtpError(550, '5.7.1', `Sending is suspended for this account by the provider's abuse protection${why ? ` (${why})` : ''}; contact the provider to be reinstated`);
      }
      const c = minute.get(r.tenantId);
      if (c && c.sum(0, r.at) >= o.messagesPerMinute) {
        throw new SmtpError(451, '4.7.1', `This account is throttled to ${o.messagesPerMinute} messages per minute while its sending is reviewed${why ? ` (${why})` : ''}; try again later`);
      }
    },
    record(r) {
      if (restricted(rep.standing(r.tenantId))) {
        let c = minute.get(r.tenantId);
        if (!c) minute.set(r.tenantId, (c = new SlidingCounters(60_000, 60, 1)));
        c.add(r.at, 0, 1);
      }
      rep.submitted(r.tenantId, r.rcptTo.length, r.at, domainsOf(r.rcptTo));
    },
  };
}
