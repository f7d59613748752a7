/**
 * `outpost suppression list|add|remove|import|export TENANT …`: a tenant's
 * suppression list, through the service functions the API uses
 * (src/admin/suppression.ts), in the state database shared with a running
 * gateway (changes apply to the next submission).
 *
 *   list TENANT [--reason R] [--prefix P] [--limit N] [--json]
 *   add TENANT ADDRESS [--reason R]      (reason default 'manual')
 *   remove TENANT ADDRESS
 *   import TENANT FILE                   CSV recipient,reason,date (header optional); progress on stderr
 *   export TENANT [FILE]                 CSV to FILE or stdout
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { addSuppression, exportSuppressions, importSuppressions, listSuppressions, removeSuppression } from '../admin/suppression.js';
import { SuppressionStore } from '../suppression/store.js';
import { CliError, table, withState, type ConfigLoader, type Io } from './io.js';
import { createProgress } from './progress.js';

const USAGE = 'usage: outpost suppression list TENANT [--reason R] [--prefix P] [--limit N] | add TENANT ADDRESS [--reason R] | remove TENANT ADDRESS | import TENANT FILE | export TENANT [FILE]';

export async function suppressionCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' }, prefix: { type: 'string' }, limit: { type: 'string' } },
  });
  const [sub, tenant, arg] = positionals;
  if (!sub || !tenant) throw new CliError(USAGE);
  const config = loadConfig(values.config);
  return withState(config, (db, tenants) => {
    const store = new SuppressionStore(db, systemClock);
    switch (sub) {
      case 'list': {
        const limit = values.limit === undefined ? 100_000 : Number(values.limit);
        if (!Number.isInteger(limit) || limit <= 0) throw new CliError(`--limit: expected a positive whole number, got "${values.limit}"`);
        const { items } = listSuppressions(tenants, store, tenant, { ...(values.reason ? { reason: values.reason } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) }, limit);
        if (values.json) io.out(JSON.stringify(items));
        else io.out(items.length === 0 ? `no suppressed recipients for ${tenant}` : table([['RECIPIENT', 'REASON', 'SOURCE', 'SINCE', 'MESSAGE'], ...items.map((r) => [r.address, r.reason, r.source, r.createdAt.replace(/\.\d{3}Z$/, 'Z'), r.messageId ?? '-'])]));
        return 0;
      }
      case 'add': {
        if (!arg) throw new CliError(USAGE);
        const r = addSuppression(tenants, store, tenant, arg, values.reason ?? 'manual', 'cli');
        io.out(r.added ? `${r.entry.address} suppressed for ${tenant}` : `${r.entry.address} was already suppressed for ${tenant}`);
        return 0;
      }
      case 'remove': {
        if (!arg) throw new CliError(USAGE);
        removeSuppression(tenants, store, tenant, arg);
        io.out(`${arg.toLowerCase()} removed from the suppression list of ${tenant}`);
        return 0;
      }
      case 'import': {
        if (!arg) throw new CliError(USAGE);
        let text: string;
        try {
          text = readFileSync(arg, 'utf8');
        } catch (e) {
          throw new CliError(`cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
        }
        const progress = createProgress({ label: `importing into ${tenant}`, total: 0, unit: 'rows' });
        try {
          const r = importSuppressions(tenants, store, tenant, text, systemClock.now(), { onProgress: (done, total) => progress.update(done, total) });
          progress.stop();
          io.out(`imported ${r.rows} rows for ${tenant}: ${r.added} added, ${r.existing} already suppressed`);
        } catch (e) {
          progress.stop();
          if (e instanceof Error && e.name === 'ServiceError') throw new CliError(`${arg}: ${e.message.replace(/^csv: /, '')}`, 1);
          throw e;
        }
        return 0;
      }
      case 'export': {
        const { csv, rows } = exportSuppressions(tenants, store, tenant);
        if (arg) {
          writeFileSync(arg, csv);
          io.out(`wrote ${rows} rows to ${arg}`);
        } else {
          io.out(csv.trimEnd());
        }
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
