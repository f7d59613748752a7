/**
 * Small measurement helpers for benchmarks: percentiles, median, and a child
 * process's peak RSS and CPU time read from /proc (Linux).
 */
import { readdirSync, readFileSync } from 'node:fs';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

/** Peak resident set size of a process in MB (VmHWM), or NaN when unreadable. */
export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, including reaped children. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds of each thread of a process (/proc/PID/task), in thread-creation order: main first, then V8/libuv helpers and worker threads. */
export function threadCpuSeconds(pid: number): Array<{ tid: number; name: string; seconds: number }> {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .sort((a, b) => a - b)
      .map((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') '));
        return { tid, name, seconds: (Number(f[11]) + Number(f[12])) / 100 };
      });
  } catch {
    return [];
  }
}

/**
 * CPU between two threadCpuSeconds() snapshots, per thread group: `main` (the
 * event loop), each named stage (outpost-spool, outpost-sign…, summed over
 * its threads; core/thread-name.ts), and `helpers` (V8's GC and compiler
 * threads, libuv's pool). Threads that ended between the snapshots are lost.
 */
export function cpuByThreadGroup(pid: number, before: ReturnType<typeof threadCpuSeconds>, after: ReturnType<typeof threadCpuSeconds>): Map<string, number> {
  const start = new Map(before.map((t) => [t.tid, t.seconds]));
  const out = new Map<string, number>();
  for (const t of after) {
    const group = t.tid === pid ? 'main' : t.name.startsWith('outpost-') ? t.name : 'helpers';
    out.set(group, (out.get(group) ?? 0) + t.seconds - (start.get(t.tid) ?? 0));
  }
  return out;
}
