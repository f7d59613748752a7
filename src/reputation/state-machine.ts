/**
 * The tenant state machine, as a pure function of the current standing, the
 * latest evaluation and the time:
 *
 *   normal → watch → throttled → high-risk-only → suspended
 *
 * - Escalation: to the most severe level the evidence reaches, at once —
 *   except `suspended`, which needs the tenant to have been `high-risk-only`
 *   for `suspendAfter` with the evidence still at the suspension level
 *   (a burst restricts a tenant; only persistent abuse suspends it).
 * - Hysteresis: a tenant counts as clean only while the evidence, with every
 *   threshold scaled by the hysteresis factor, stays below its standing.
 * - Cool-down: after `coolDown` clean (and at least `coolDown` in the
 *   standing), it recovers one step; the next step needs another cool-down.
 * - `suspended` never recovers by itself: only an operator reinstates.
 */
import type { TenantStanding } from './signals.js';
import { rank } from './rules.js';
import { STANDINGS } from './names.js';

export interface StandingState {
  readonly state: TenantStanding;
  readonly since: number;
  /** Since when the evidence has been below the hysteresis level of the standing (null: it is not). */
  readonly cleanSince: number | null;
}

export interface MachineSettings {
  readonly coolDown: number;
  readonly suspendAfter: number;
}

export interface Step {
  readonly next: StandingState;
  /** Set when the standing changed. */
  readonly change?: { readonly from: TenantStanding; readonly to: TenantStanding; readonly trigger: 'evidence' | 'recovery' };
}

export function stepStanding(cur: StandingState, ev: { readonly level: TenantStanding; readonly holdLevel: TenantStanding }, now: number, s: MachineSettings): Step {
  let target = ev.level;
  if (target === 'suspended' && cur.state !== 'suspended') {
    const dwelt = cur.state === 'high-risk-only' && now - cur.since >= s.suspendAfter;
    if (!dwelt && s.suspendAfter > 0) target = 'high-risk-only';
  }
  if (rank(target) > rank(cur.state)) {
    return { next: { state: target, since: now, cleanSince: null }, change: { from: cur.state, to: target, trigger: 'evidence' } };
  }
  if (cur.state === 'normal') return { next: cur.cleanSince === null ? cur : { ...cur, cleanSince: null } };
  if (rank(ev.holdLevel) >= rank(cur.state)) return { next: cur.cleanSince === null ? cur : { ...cur, cleanSince: null } };
  const cleanSince = cur.cleanSince ?? now;
  if (cur.state !== 'suspended' && now - Math.max(cleanSince, cur.since) >= s.coolDown) {
    const to = STANDINGS[rank(cur.state) - 1]!;
    return { next: { state: to, since: now, cleanSince: now }, change: { from: cur.state, to, trigger: 'recovery' } };
  }
  return { next: cur.cleanSince === cleanSince ? cur : { ...cur, cleanSince } };
}
