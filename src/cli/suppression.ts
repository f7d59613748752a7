/**
 * `outpost suppression list|add|remove|import|export TENANT …`: a tenant's
 * suppression list (src/suppression/store.ts) in the state database, shared
 * with a running gateway (changes apply to the next submission).
 *
 *   list TENANT [--json]
 *   add TENANT ADDRESS [--reason R]      (reason default 'manual')
 *   remove TENANT ADDRESS
 *   import TENANT FILE                   CSV recipient,reason,date (header optional)
 *   export TENANT [FILE]                 CSV to FILE or stdout
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { CsvError, formatCsv, parseCsv } from '../suppression/csv.js';
import { SuppressionStore } from '../suppression/store.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const USAGE = 'usage: outpost suppression list TENANT | add TENANT ADDRESS [--reason R] | remove TENANT ADDRESS | import TENANT FILE | export TENANT [FILE]';

export async function suppressionCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' } }, allowPositionals: true });
  const [sub, tenant, arg] = positionals;
  if (!sub || !tenant) throw new CliError(USAGE);
  const config = loadConfig(values.config);
  return withState(config, (db, tenants) => {
    if (!tenants.get(tenant)) throw new CliError(`no tenant named "${tenant}"`, 1);
    const store = new SuppressionStore(db, systemClock);
    switch (sub) {
      case 'list': {
        const rows = store.list(tenant);
        if (values.json) io.out(JSON.stringify(rows));
        else io.out(rows.length === 0 ? `no suppressed recipients for ${tenant}` : table([['RECIPIENT', 'REASON', 'SOURCE', 'SINCE', 'MESSAGE'], ...rows.map((r) => [r.rcpt, r.reason, r.source, iso(r.createdAt), r.messageId ?? '-'])]));
        return 0;
      }
      case 'add': {
        if (!arg) throw new CliError(USAGE);
        if (!/^[^@\s]+@[^@\s]+$/.test(arg)) throw new CliError(`"${arg}" is not an e-mail address`);
        const added = store.add({ tenantId: tenant, rcpt: arg, reason: values.reason ?? 'manual', source: 'cli' });
        io.out(added ? `${arg.toLowerCase()} suppressed for ${tenant}` : `${arg.toLowerCase()} was already suppressed for ${tenant}`);
        return 0;
      }
      case 'remove': {
        if (!arg) throw new CliError(USAGE);
        if (!store.remove(tenant, arg)) throw new CliError(`${arg} is not on the suppression list of ${tenant}`, 1);
        io.out(`${arg.toLowerCase()} removed from the suppression list of ${tenant}`);
        return 0;
      }
      case 'import': {
        if (!arg) throw new CliError(USAGE);
        let rows;
        try {
          rows = parseCsv(readFileSync(arg, 'utf8'), systemClock.now());
        } catch (e) {
          if (e instanceof CsvError) throw new CliError(`${arg}: ${e.message}`, 1);
          throw new CliError(`cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
        }
        let added = 0;
        db.transaction(() => {
          for (const r of rows) if (store.add({ tenantId: tenant, rcpt: r.rcpt, reason: r.reason, source: 'import', at: r.at })) added++;
        })();
        io.out(`imported ${rows.length} rows for ${tenant}: ${added} added, ${rows.length - added} already suppressed`);
        return 0;
      }
      case 'export': {
        const csv = formatCsv(store.list(tenant));
        if (arg) {
          writeFileSync(arg, csv);
          io.out(`wrote ${store.count(tenant)} rows to ${arg}`);
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
