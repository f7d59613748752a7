/**
 * The V8 heap settings the gateway's memory figures rely on.
 *
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

/**
 * The main isolate's young generation: V8 lets it grow to 2 × 16 MB, all of
 * it resident once used. `--max-semi-space-size=4` (npm start, bin/outpost.js)
 * keeps it at 8 MB; measured 30–35 MB less peak RSS with 200,000 queued and no
 * slower (docs/benchmarks.md, session 5). It can only be given on the node
 * command line (or NODE_OPTIONS): V8 sizes the heap before any code runs.
 * The flag is process-wide: it also overrides the young generation the worker
 * threads ask for in their resourceLimits, so with it every isolate's new
 * space may reach 2 × 4 MB (without it, the workers' own, smaller limits hold).
 * Returns a hint for the log when the flag is missing, else null.
 */
export function youngGenerationHint(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS'] ?? ''): string | null {
  if ([...execArgv, nodeOptions].some((a) => a.includes('--max-semi-space-size'))) return null;
  return 'node runs without --max-semi-space-size: the main thread may hold ~30 MB more memory (npm start and bin/outpost.js pass --max-semi-space-size=4)';
}
