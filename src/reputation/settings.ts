/**
 * The engine's settings: window lengths, floors, baseline, hysteresis and
 * cool-downs, and the threshold rules (defaults from rules.ts with
 * configuration applied). Built from `reputation` in the config; the
 * defaults here are the ones documented in docs/reputation.md.
 */
import type { Config } from '../config/schema.js';
import type { WindowName } from './names.js';
import { DEFAULT_RULES, mergeRules, type ThresholdRule } from './rules.js';

export interface ReputationSettings {
  readonly windows: Readonly<Record<WindowName, number>>;
  /** Slices per window (resolution of the sliding windows). */
  readonly buckets: number;
  /** Volume floor for rules that set none. */
  readonly minVolume: number;
  /** Baseline: exponentially weighted recipients per period; `floor` is the least baseline a ratio is computed against. */
  readonly baseline: { readonly period: number; readonly alpha: number; readonly floor: number };
  /** Thresholds are scaled by this factor for recovery (0.5: a tenant recovers only below half the threshold). */
  readonly hysteresis: number;
  readonly coolDown: number;
  readonly suspendAfter: number;
  readonly campaign: { readonly window: number; readonly minTenants: number };
  /** Destination domains remembered per tenant (least recently used forgotten first). */
  readonly knownDomains: number;
  readonly rules: readonly ThresholdRule[];
}

export const DEFAULT_SETTINGS: ReputationSettings = {
  windows: { minute: 60_000, short: 600_000, hour: 3_600_000, day: 86_400_000 },
  buckets: 20,
  minVolume: 20,
  baseline: { period: 3_600_000, alpha: 0.1, floor: 100 },
  hysteresis: 0.5,
  coolDown: 3_600_000,
  suspendAfter: 600_000,
  campaign: { window: 3_600_000, minTenants: 3 },
  knownDomains: 10_000,
  rules: DEFAULT_RULES,
};

export function settingsFromConfig(r: Config['reputation']): ReputationSettings {
  return {
    windows: { ...r.windows },
    buckets: r.buckets,
    minVolume: r.minVolume,
    baseline: { ...r.baseline },
    hysteresis: r.hysteresis,
    coolDown: r.coolDown,
    suspendAfter: r.suspendAfter,
    campaign: { ...r.campaign },
    knownDomains: r.knownDomains,
    rules: mergeRules(r.rules),
  };
}
