/**
 * Retry timing as data: the configured schedule (5m, 10m, 20m, … by default)
 * gives the wait after each failed attempt; past its end the last step
 * repeats. A recipient still undelivered at maxQueueAge expires and bounces.
 */

export interface RetryPolicy {
  readonly schedule: readonly number[];
  readonly maxQueueAge: number;
}

/** Wait before the next attempt, after `attempt` attempts have failed (1-based). */
export function retryDelay(attempt: number, schedule: readonly number[]): number {
  if (schedule.length === 0) throw new RangeError('retry schedule is empty');
  const i = Math.min(Math.max(attempt, 1), schedule.length) - 1;
  return schedule[i]!;
}

/** When to try again, or null when the message is too old to keep trying. */
export function nextAttemptAt(p: RetryPolicy, attemptsSoFar: number, receivedAt: number, now: number): number | null {
  if (now - receivedAt >= p.maxQueueAge) return null;
  const at = now + retryDelay(attemptsSoFar, p.schedule);
  // Never schedule past expiry by more than needed: one last try at the deadline.
  return Math.min(at, receivedAt + p.maxQueueAge);
}
