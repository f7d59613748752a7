/**
 * Progress of long CLI operations (bulk quarantine release/delete,
 * suppression import, training): on a terminal a `cli-progress` bar on
 * stderr; otherwise (a pipe, a log file, CI) plain lines on stderr each time
 * another 10 % is done or 2 s have passed, and one final line — so logs get a
 * few readable lines instead of carriage-return noise. stdout stays free for
 * the command's result.
 * Limits: one bar at a time; an unknown total (0) prints counts only.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` items of `total` (total may change, e.g. once it is known). */
  update(done: number, total?: number): void;
  /** Final state: the bar ends / the last line is printed. Idempotent. */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  /** Unit after the counts, e.g. "messages". */
  readonly unit?: string;
  /** Default: whether stderr is a terminal. */
  readonly tty?: boolean;
  /** Where plain lines go (default: stderr). */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
  /** Plain mode: at most one line per this many ms unless another 10 % is done (default 2000). */
  readonly everyMs?: number;
}

export function createProgress(o: ProgressOptions): Progress {
  const tty = o.tty ?? process.stderr.isTTY === true;
  return tty ? barProgress(o) : lineProgress(o);
}

function barProgress(o: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${o.label} [{bar}] {percentage}% {value}/{total} ${o.unit ?? ''} {duration_formatted} (eta {eta_formatted})`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(o.total, 0);
  let stopped = false;
  return {
    update(done, total) {
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

function lineProgress(o: ProgressOptions): Progress {
  const write = o.write ?? ((l: string) => process.stderr.write(l + '\n'));
  const now = o.now ?? Date.now;
  const every = o.everyMs ?? 2000;
  const t0 = now();
  let total = o.total;
  let done = 0;
  let lastAt = t0;
  let lastTenth = 0;
  let lastDone = 0;
  let stopped = false;
  const line = (): void => {
    const secs = ((now() - t0) / 1000).toFixed(1);
    const unit = o.unit ? ` ${o.unit}` : '';
    write(total > 0 ? `${o.label}: ${done}/${total}${unit} (${Math.floor((100 * done) / total)} %) in ${secs} s` : `${o.label}: ${done}${unit} in ${secs} s`);
    lastAt = now();
    lastDone = done;
  };
  return {
    update(d, t) {
      if (t !== undefined) total = t;
      done = d;
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (tenth > lastTenth || now() - lastAt >= every) {
        lastTenth = Math.max(lastTenth, tenth);
        if (done !== lastDone) line();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (done !== lastDone) line();
    },
  };
}
