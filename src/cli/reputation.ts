/**
 * `outpost tenant reputation NAME`: the tenant's standing and why, its
 * figures per window, every threshold rule with its current value, volume,
 * floor and levels, and recent transitions with their evidence.
 * `outpost tenant reinstate NAME` / `outpost tenant suspend NAME`: operator
 * transitions, written to the state database; a running gateway adopts them
 * within a second (and sends the event and alert). Reinstating starts the
 * tenant's figures afresh, so the old evidence does not restrict it again.
 * Figures come from the last snapshot the gateway saved (every
 * reputation.persistEvery), evaluated at the current time.
 */
import { systemClock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { ReputationReport } from '../reputation/engine.js';
import { reputationReport } from '../reputation/report.js';
import { C } from '../reputation/figures.js';
import { LEVEL_NAMES } from '../reputation/names.js';
import { ReputationStore } from '../reputation/store.js';
import { formatDuration } from '../config/duration.js';
import { CliError, iso, table, withState, type Io } from './io.js';

const ROWS: ReadonlyArray<[string, keyof typeof C]> = [
  ['messages', 'messages'], ['recipients', 'recipients'], ['scanned', 'scanned'], ['spam', 'spam'], ['suspect', 'suspect'],
  ['delivered', 'delivered'], ['hard bounces', 'hard'], ['unknown recipients', 'unknown'], ['soft bounces', 'soft'],
  ['slow-down replies', 'slowDown'], ['blocked replies', 'blocked'], ['complaints', 'complaints'],
  ['recipient domains', 'domainObs'], ['new domains', 'newDomains'], ['distinct domains', 'distinctDomains'], ['campaign hits', 'campaign'],
];

const num = (x: number | undefined): string => (x === undefined ? '-' : Number.isInteger(x) ? String(x) : x < 0.01 ? x.toPrecision(2) : x.toFixed(3));

export function printReport(r: ReputationReport, io: Io): void {
  io.out(`tenant:     ${r.tenantId}`);
  io.out(`standing:   ${r.standing}${r.standing !== 'normal' || r.history.length > 0 ? ` since ${iso(r.since)}` : ''}`);
  if (r.reason) io.out(`why:        ${r.reason}`);
  if (r.standing !== 'normal' && r.standing !== 'suspended') io.out(`clean since: ${iso(r.cleanSince)}`);
  io.out(`baseline:   ${num(r.baseline.value)} recipients per ${formatDuration(r.baseline.periodMs)} (ratios use at least ${r.baseline.floor})`);
  io.out('');
  io.out(table([['FIGURE', ...r.windows.map((w) => `${w.window} (${formatDuration(w.lengthMs)})`)], ...ROWS.map(([label, k]) => [label, ...r.windows.map((w) => num(w.counts[k]))])]));
  io.out('');
  io.out('rules (a rate counts only at or above its volume floor):');
  io.out(
    table([
      ['RULE', 'SIGNAL', 'WINDOW', 'VALUE', 'VOLUME/FLOOR', ...LEVEL_NAMES.map((l) => l.toUpperCase()), 'NOW'],
      ...r.evaluation.readings.map((x) => [
        x.rule, x.signal, x.window, num(x.value), `${x.volume}/${x.floor}`,
        ...LEVEL_NAMES.map((l) => num(r.rules.find((y) => y.name === x.rule)?.levels[l])),
        x.skipped === 'below-floor' ? 'below floor' : x.skipped === 'gate' ? `gate: ${x.gate?.signal} ${num(x.gate?.value)} < ${num(x.gate?.atLeast)}` : x.level,
      ]),
    ]),
  );
  io.out('');
  if (r.history.length === 0) {
    io.out('no transitions yet');
    return;
  }
  io.out('recent transitions (newest first):');
  for (const h of r.history) {
    io.out(`  ${iso(h.at)}  ${h.from} -> ${h.to}  (${h.trigger}, by ${h.actor})`);
    if (h.reason) io.out(`    why: ${h.reason}`);
    for (const e of h.evidence as Array<Record<string, unknown>>) {
      if (e['level'] === 'normal' && h.trigger === 'evidence') continue;
      io.out(`    ${String(e['rule'])}: ${String(e['signal'])} = ${num(e['value'] as number)} (threshold ${num(e['threshold'] as number | undefined)}, ${String(e['volume'])} events, floor ${String(e['floor'])}, ${String(e['window'])} window) -> ${String(e['level'])}`);
    }
  }
}

export async function reputationCommand(sub: 'reputation' | 'reinstate' | 'suspend', id: string, o: { json?: boolean; reason?: string }, config: Config, io: Io): Promise<number> {
  return withState(config, (db, tenants) => {
    tenants.require(id);
    const store = new ReputationStore(db);
    const now = systemClock.now();
    if (sub === 'reputation') {
      const report = reputationReport({ db, config, clock: systemClock }, id);
      if (o.json) io.out(JSON.stringify(report));
      else printReport(report, io);
      return 0;
    }
    const from = store.standing(id)?.state ?? 'normal';
    const to = sub === 'reinstate' ? 'normal' : 'suspended';
    if (from === to) throw new CliError(`tenant ${id} is already ${to}`, 1);
    if (sub === 'suspend' && !o.reason) throw new CliError('usage: outpost tenant suspend NAME --reason "why" (the reason is shown to the tenant)');
    const reason = o.reason ?? 'reinstated by an operator';
    store.transition({ tenantId: id, at: now, from, to, trigger: sub === 'reinstate' ? 'reinstate' : 'operator', actor: 'operator', reason, evidence: [] }, { resetFigures: sub === 'reinstate' });
    io.out(`tenant ${id}: ${from} -> ${to} (a running gateway applies this within a second)`);
    return 0;
  });
}
