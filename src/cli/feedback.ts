/**
 * `outpost feedback import FILE… | list | show ID`: the feedback intake from
 * the command line.
 *
 * import feeds saved reports (single .eml files or mbox files) through the
 * same intake as the SMTP listener (src/feedback/intake.ts): attribution,
 * message events in the spool, suppression, stored reports. A running
 * gateway's reputation engine lives in that process and does not hear
 * imported reports; send them to the feedback port instead when it must.
 * list shows stored reports (--outcome unattributed|malformed|ignored|attributed);
 * show ID prints one, --raw its stored bytes (kept for reports that were not attributed).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { EventBus } from '../events/bus.js';
import { importFeedback } from '../feedback/import.js';
import type { ReportOutcome } from '../feedback/report-store.js';
import { listReports, showReport } from '../admin/feedback.js';
import { buildFeedback } from '../feedback/wiring.js';
import { createLogger } from '../log/logger.js';
import { noReputation } from '../reputation/signals.js';
import { CliError, table, withSpool, withState, type ConfigLoader, type Io } from './io.js';

const USAGE = 'usage: outpost feedback import FILE… | list [--outcome O] [--limit N] | show ID [--raw]';
const OUTCOMES = ['attributed', 'unattributed', 'ignored', 'malformed'];

export async function feedbackCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { config: { type: 'string' }, json: { type: 'boolean' }, outcome: { type: 'string' }, limit: { type: 'string' }, raw: { type: 'boolean' } },
  });
  const [sub, ...rest] = positionals;
  const config = loadConfig(values.config);
  if (sub === 'import') {
    if (rest.length === 0) throw new CliError(USAGE);
    const files = rest.map((f) => {
      try {
        return { f, raw: readFileSync(f) };
      } catch (e) {
        throw new CliError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
      }
    });
    return withState(config, (state, tenants) =>
      withSpool(config, async (spool) => {
        const parts = buildFeedback({ config, state, spool, tenants, events: new EventBus(), reputation: noReputation, clock: systemClock, log: createLogger('silent') });
        const counts: Record<string, number> = {};
        let suppressed = 0;
        for (const { f, raw } of files) {
          for (const r of await importFeedback(parts.intake, raw)) {
            counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
            suppressed += r.suppressed.length;
            if (values.json) io.out(JSON.stringify({ file: f, ...r }));
            else io.out(`${f}: report ${r.reportId} ${r.kind} ${r.outcome}${r.tenantId ? ` tenant ${r.tenantId}` : ''}${r.messageId ? ` message ${r.messageId}` : ''}${r.method ? ` (by ${r.method})` : ''}${r.suppressed.length ? `, suppressed ${r.suppressed.join(', ')}` : ''}${r.forgedToken ? ', forged VERP token ignored' : ''}`);
          }
        }
        if (!values.json) io.out(`${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ') || 'no reports'}; ${suppressed} recipients suppressed`);
        return 0;
      }),
    );
  }
  return withState(config, (state, tenants) =>
    withSpool(config, async (spool) => {
      const { reports } = buildFeedback({ config, state, spool, tenants, events: new EventBus(), reputation: noReputation, clock: systemClock, log: createLogger('silent') });
      if (sub === 'list') {
        if (values.outcome && !OUTCOMES.includes(values.outcome)) throw new CliError(`unknown --outcome "${values.outcome}": use ${OUTCOMES.join(', ')}`);
        const limit = values.limit ? Number.parseInt(values.limit, 10) : 50;
        if (!Number.isInteger(limit) || limit <= 0) throw new CliError(`invalid --limit "${values.limit}"`);
        const rows = listReports(reports, { ...(values.outcome ? { outcome: values.outcome as ReportOutcome } : {}) }, limit).items;
        if (values.json) io.out(JSON.stringify({ counts: reports.counts(), reports: rows }));
        else {
          io.out(Object.entries(reports.counts()).map(([k, n]) => `${k}: ${n}`).join('  '));
          if (rows.length) io.out(table([['ID', 'RECEIVED', 'SOURCE', 'OUTCOME', 'KIND', 'FORMAT', 'TENANT', 'BY', 'RECIPIENTS'], ...rows.map((r) => [r.id, r.receivedAt.replace(/\.\d{3}Z$/, 'Z'), r.source ?? '-', r.outcome, r.kind, r.format, r.tenant ?? '-', r.method ?? '-', r.recipients.map((x) => `${x.rcpt || '?'}${x.status ? ` ${x.status}` : ''}`).join(',') || '-'])]));
        }
        return 0;
      }
      if (sub === 'show') {
        const id = Number.parseInt(rest[0] ?? '', 10);
        if (!Number.isInteger(id)) throw new CliError(USAGE);
        if (values.raw) {
          const raw = reports.raw(id);
          if (!raw) throw new CliError(`report ${id} has no stored copy (only unattributed, ignored and malformed reports keep one)`, 1);
          process.stdout.write(raw);
          return 0;
        }
        io.out(JSON.stringify(showReport(reports, id), null, 2));
        return 0;
      }
      throw new CliError(USAGE);
    }),
  );
}
