/**
 * The tenant's standing in the processing stage: wraps the routing decider
 * (composed like withSigning: withSigning(withStanding(route))).
 * - high-risk-only: mail routed for delivery leaves from the high-risk pool
 *   instead, with the reason added to the route;
 * - suspended: new mail is held in quarantine (the verdict is still recorded)
 *   with a clear why; it is released by an operator like any quarantined mail;
 * - other standings, generated bounces and the platform's alerts pass through.
 * Routes other than deliver (quarantine, reject, drop) are never loosened.
 */
import type { ReputationSignals } from '../reputation/signals.js';
import type { Decider } from './processor.js';

export interface StandingDeciderOptions {
  /** The pool high-risk-only tenants' mail leaves from (config reputation.highRiskPool). */
  readonly highRiskPool: string;
}

export function withStanding(inner: Decider, rep: ReputationSignals, o: StandingDeciderOptions): Decider {
  return async (m, body) => {
    const d = await inner(m, body);
    if (m.source === 'bounce' || m.source === 'alert') return d;
    const standing = rep.standing(m.tenantId);
    if (standing !== 'suspended' && standing !== 'high-risk-only') return d;
    const reason = rep.explain?.(m.tenantId)?.reason ?? '';
    const because = `tenant ${m.tenantId} is ${standing}${reason ? ` (${reason})` : ''}`;
    if (standing === 'suspended') {
      if (d.route.kind !== 'deliver') return d;
      const why = `held: ${because}; released when an operator reinstates the tenant`;
      return { ...d, route: { kind: 'quarantine', why }, events: [...(d.events ?? []), { type: 'standing', data: { standing, action: 'quarantine', why } }] };
    }
    if (d.route.kind !== 'deliver' || d.route.pool === o.highRiskPool) return d;
    const why = `${d.route.why}; pool ${o.highRiskPool} because ${because}`;
    return {
      ...d,
      route: { kind: 'deliver', pool: o.highRiskPool, why },
      events: [...(d.events ?? []), { type: 'standing', data: { standing, action: 'reroute', from: d.route.pool, pool: o.highRiskPool, why } }],
    };
  };
}
