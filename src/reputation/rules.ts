/**
 * Threshold rules: policy as data. Each rule tests one signal over one named
 * window and lists, per standing, the value at which the tenant is moved
 * there; an optional `when` gate must also hold (e.g. "unknown-recipient rate
 * — only while volume is ≥ 5× the baseline"). A rate is ignored while its
 * volume is below the rule's floor (`minVolume`, else reputation.minVolume),
 * so three messages never decide anything.
 *
 * evaluateRules() gives the most severe level any rule reaches (escalation)
 * and the most severe level reached with every threshold scaled by the
 * hysteresis factor (a tenant recovers only once it is below that), with the
 * evidence: every rule at a level, its numbers and thresholds.
 */
import { LEVEL_NAMES, STANDINGS, type LevelName, type SignalName, type WindowName } from './names.js';
import type { TenantStanding } from './signals.js';
import type { SignalValue } from './figures.js';

export interface ThresholdRule {
  readonly name: string;
  readonly signal: SignalName;
  readonly window: WindowName;
  /** Volume floor for this rule; undefined = the engine's minVolume. */
  readonly minVolume?: number;
  readonly levels: Partial<Record<LevelName, number>>;
  readonly when?: { readonly signal: SignalName; readonly window?: WindowName; readonly atLeast: number };
  readonly enabled?: boolean;
}

/** The shipped rules (docs/reputation.md has the table and the reasoning). */
export const DEFAULT_RULES: readonly ThresholdRule[] = [
  { name: 'spam-share', signal: 'spamShare', window: 'short', minVolume: 20, levels: { watch: 0.02, throttled: 0.05, 'high-risk-only': 0.1, suspended: 0.5 } },
  // The scanner's suspect class is noisy: on its own it only puts a tenant on watch.
  { name: 'suspect-share', signal: 'suspectShare', window: 'short', minVolume: 50, levels: { watch: 0.3 } },
  // Floor 200: with 50 messages, a list with an honest 3 % of stale addresses shows ≥ 5 % about one time in five
  // (binomial); with 200, about one time in thirty. In bench:world a floor of 50 throttled honest newsletters.
  { name: 'bounce-rate', signal: 'bounceRate', window: 'hour', minVolume: 200, levels: { watch: 0.02, throttled: 0.05, 'high-risk-only': 0.1 } },
  {
    // 10 % / 20 % over at least 100: a newsletter burst (its own volume × 5) to a list with a few per cent of
    // stale addresses crossed 5 % of 99 in bench:world; compromised accounts and bought lists run at 20-50 %.
    name: 'unknown-recipient-spike', signal: 'unknownRecipientRate', window: 'short', minVolume: 100,
    levels: { throttled: 0.1, 'high-risk-only': 0.2 }, when: { signal: 'volumeRatio', window: 'short', atLeast: 5 },
  },
  { name: 'complaint-rate', signal: 'complaintRate', window: 'day', minVolume: 1000, levels: { watch: 0.0005, throttled: 0.001, 'high-risk-only': 0.003, suspended: 0.005 } },
  { name: 'campaign-share', signal: 'campaignShare', window: 'short', minVolume: 20, levels: { watch: 0.1, throttled: 0.3, 'high-risk-only': 0.6 } },
  { name: 'receiver-pushback', signal: 'pushbackRate', window: 'short', minVolume: 50, levels: { watch: 0.05, throttled: 0.2 } },
  { name: 'new-destinations', signal: 'newDestinationShare', window: 'short', minVolume: 100, levels: { watch: 0.5 }, when: { signal: 'volumeRatio', window: 'short', atLeast: 5 } },
  { name: 'volume-spike', signal: 'volumeRatio', window: 'short', minVolume: 100, levels: { watch: 10 } },
];

/** A rule as written in configuration: every field optional; a new rule needs signal, window and levels. */
export interface RuleOverride {
  readonly signal?: SignalName | undefined;
  readonly window?: WindowName | undefined;
  readonly minVolume?: number | undefined;
  readonly levels?: Partial<Record<LevelName, number | undefined>> | undefined;
  readonly when?: { readonly signal: SignalName; readonly window?: WindowName | undefined; readonly atLeast: number } | undefined;
  readonly enabled?: boolean | undefined;
}

/** The defaults with configuration applied: same-named rules are changed field by field, new names added. */
export function mergeRules(overrides: Readonly<Record<string, RuleOverride>>, base: readonly ThresholdRule[] = DEFAULT_RULES): ThresholdRule[] {
  const out = base.map((r) => ({ ...r }));
  for (const [name, o] of Object.entries(overrides)) {
    const i = out.findIndex((r) => r.name === name);
    const prev = i >= 0 ? out[i] : undefined;
    const signal = o.signal ?? prev?.signal;
    const window = o.window ?? prev?.window;
    if (!signal || !window) throw new Error(`reputation.rules.${name}: a new rule needs signal and window`);
    const levels: Partial<Record<LevelName, number>> = { ...(prev && (!o.signal || o.signal === prev.signal) ? prev.levels : {}) };
    for (const [k, v] of Object.entries(o.levels ?? {})) if (v !== undefined) levels[k as LevelName] = v;
    if (Object.keys(levels).length === 0 && o.enabled !== false) throw new Error(`reputation.rules.${name}: a rule needs at least one level (watch, throttled, high-risk-only, suspended)`);
    const minVolume = o.minVolume ?? prev?.minVolume;
    const when = o.when ? { signal: o.when.signal, atLeast: o.when.atLeast, ...(o.when.window ? { window: o.when.window } : {}) } : prev?.when;
    const rule: ThresholdRule = {
      name, signal, window, levels,
      ...(minVolume !== undefined ? { minVolume } : {}),
      ...(when ? { when } : {}),
      ...(o.enabled !== undefined ? { enabled: o.enabled } : prev?.enabled !== undefined ? { enabled: prev.enabled } : {}),
    };
    if (i >= 0) out[i] = rule;
    else out.push(rule);
  }
  return out;
}

export const rank = (s: TenantStanding): number => STANDINGS.indexOf(s);

/** One rule's reading at evaluation time. */
export interface RuleReading {
  readonly rule: string;
  readonly signal: SignalName;
  readonly window: WindowName;
  readonly value: number;
  readonly volume: number;
  readonly floor: number;
  /** The most severe standing this rule's value reaches ('normal' = none), and the threshold it met. */
  readonly level: TenantStanding;
  readonly threshold?: number;
  /** The level reached with thresholds scaled by the hysteresis factor. */
  readonly holdLevel: TenantStanding;
  /** Why the rule did not count: below the volume floor or its `when` gate not met. */
  readonly skipped?: 'below-floor' | 'gate';
  readonly gate?: { readonly signal: SignalName; readonly value: number; readonly atLeast: number };
}

export interface Evaluation {
  readonly level: TenantStanding;
  readonly holdLevel: TenantStanding;
  readonly readings: readonly RuleReading[];
}

export type SignalReader = (signal: SignalName, window: WindowName) => SignalValue;

/** The level index (0 = normal) a value reaches, thresholds scaled by `scale`; allocation-free. */
function levelIndex(levels: ThresholdRule['levels'], value: number, scale: number): number {
  if (!(value > 0)) return 0;
  for (let i = LEVEL_NAMES.length - 1; i >= 0; i--) {
    const t = levels[LEVEL_NAMES[i]!];
    if (t !== undefined && value >= t * scale) return i + 1;
  }
  return 0;
}

/**
 * The hot-path form of evaluateRules: only the two levels, no readings (no
 * allocation beyond the signal values). evaluateRules gives the same levels.
 */
export function evaluateLevels(rules: readonly ThresholdRule[], read: SignalReader, o: { minVolume: number; hysteresis: number }): { level: TenantStanding; holdLevel: TenantStanding } {
  let level = 0;
  let hold = 0;
  for (const r of rules) {
    if (r.enabled === false) continue;
    const v = read(r.signal, r.window);
    if (v.volume < (r.minVolume ?? o.minVolume)) continue;
    if (r.when && read(r.when.signal, r.when.window ?? r.window).value < r.when.atLeast) continue;
    level = Math.max(level, levelIndex(r.levels, v.value, 1));
    hold = Math.max(hold, levelIndex(r.levels, v.value, o.hysteresis));
  }
  return { level: STANDINGS[level]!, holdLevel: STANDINGS[hold]! };
}

function reached(levels: ThresholdRule['levels'], value: number, scale: number): { level: TenantStanding; threshold?: number } {
  for (let i = LEVEL_NAMES.length - 1; i >= 0; i--) {
    const name = LEVEL_NAMES[i]!;
    const t = levels[name];
    if (t !== undefined && value >= t * scale && value > 0) return { level: name, threshold: t };
  }
  return { level: 'normal' };
}

export function evaluateRules(rules: readonly ThresholdRule[], read: SignalReader, o: { minVolume: number; hysteresis: number }): Evaluation {
  let level = 0;
  let hold = 0;
  const readings: RuleReading[] = [];
  for (const r of rules) {
    if (r.enabled === false) continue;
    const v = read(r.signal, r.window);
    const floor = r.minVolume ?? o.minVolume;
    const base = { rule: r.name, signal: r.signal, window: r.window, value: v.value, volume: v.volume, floor };
    if (v.volume < floor) {
      readings.push({ ...base, level: 'normal', holdLevel: 'normal', skipped: 'below-floor' });
      continue;
    }
    let gate: RuleReading['gate'];
    if (r.when) {
      const g = read(r.when.signal, r.when.window ?? r.window);
      gate = { signal: r.when.signal, value: g.value, atLeast: r.when.atLeast };
      if (g.value < r.when.atLeast) {
        readings.push({ ...base, level: 'normal', holdLevel: 'normal', skipped: 'gate', gate });
        continue;
      }
    }
    const at = reached(r.levels, v.value, 1);
    const held = reached(r.levels, v.value, o.hysteresis);
    level = Math.max(level, rank(at.level));
    hold = Math.max(hold, rank(held.level));
    readings.push({ ...base, level: at.level, ...(at.threshold !== undefined ? { threshold: at.threshold } : {}), holdLevel: held.level, ...(gate ? { gate } : {}) });
  }
  return { level: STANDINGS[level]!, holdLevel: STANDINGS[hold]!, readings };
}

/** One line for a reading that reached a level: "spam-share: spamShare 0.62 ≥ 0.10 (short window, 48 events)". */
export function describeReading(r: RuleReading): string {
  const fmt = (x: number): string => (Math.abs(x) >= 10 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x < 0.01 ? x.toPrecision(2) : x.toFixed(3));
  const gate = r.gate ? `, with ${r.gate.signal} ${fmt(r.gate.value)} >= ${fmt(r.gate.atLeast)}` : '';
  return `${r.rule}: ${r.signal} ${fmt(r.value)} >= ${fmt(r.threshold ?? 0)} over the ${r.window} window (${r.volume} events${gate})`;
}
