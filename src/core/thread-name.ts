/**
 * Names the calling OS thread (Linux: /proc/thread-self/comm), so that
 * `top -H`, `ps -L` and perf show which stage a busy thread belongs to
 * (outpost-sign, outpost-spool…) instead of a row of "node" threads.
 * Limits: Linux only (elsewhere it does nothing); the kernel keeps 15 bytes.
 */
import { writeFileSync } from 'node:fs';

export function nameThisThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // not Linux, or /proc not mounted: names are a convenience
  }
}
