/**
 * How far V8 lets a heap grow past its live data before the next full
 * collection (config `memory.heapGrowthPercent`).
 *
 * V8's default factor scales with allocation speed, up to 4× the live set: at
 * thousands of messages a second the main thread's old space settled at
 * 80–100 MB over 30–50 MB live. Capping the factor makes full collections
 * more frequent but each is small (the live set is), and measured no slower
 * (docs/benchmarks.md, session 4: memory and the ingress A/B). Unlike
 * --max-old-space-size this is no hard limit: the heap still grows as far as
 * the live data needs.
 *
 * Limits: a V8 flag is process-wide and applies to isolates created after it
 * is set (worker threads) and to the main heap from its next collection on;
 * it cannot be unset (0 at a later start keeps the earlier value).
 */
import { setFlagsFromString } from 'node:v8';

/** Applies the growth cap; 0 leaves V8's own heuristics. */
export function capHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
