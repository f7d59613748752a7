/**
 * Human durations in configuration: "250ms", "30s", "5m", "2h", "5d" → milliseconds.
 * A bare number is taken as milliseconds. Anything else is a validation error
 * that names the accepted forms.
 */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(s);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

export const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${v}" (use e.g. 500ms, 30s, 5m, 2h, 1d)` });
    return z.NEVER;
  }
  return ms;
});

export function formatDuration(ms: number): string {
  for (const [u, f] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}
