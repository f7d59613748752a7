/**
 * `outpost quarantine list|show|release|delete`: held messages with their
 * verdict and reasons, released (re-scanned and routed by the current policy
 * in the gateway) or deleted, one by one (IDs) or in bulk (`--all` with
 * filters: --tenant, --class, --older-than, --newer-than). Bulk work runs in
 * short batches with a progress bar on a terminal (plain lines otherwise, cli/progress.ts); see quarantine/admin.ts for
 * how this shares the spool with a running gateway.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { parseDuration } from '../config/duration.js';
import { isClass } from '../policy/action.js';
import { QuarantineAdmin, type BulkOp } from '../quarantine/admin.js';
import { listQuarantine } from '../admin/quarantine.js';
import type { QuarantineFilter } from '../quarantine/types.js';
import { CliError, table, withSpool, type ConfigLoader, type Io } from './io.js';
import { createProgress } from './progress.js';
import { showMessage } from './queue.js';

const options = {
  config: { type: 'string' }, json: { type: 'boolean' }, tenant: { type: 'string' }, class: { type: 'string' },
  'older-than': { type: 'string' }, 'newer-than': { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' },
  'force-pool': { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' }, batch: { type: 'string' }, rule: { type: 'string' },
} as const;

const USAGE = `usage: outpost quarantine list [--tenant T] [--class C] [--rule R] [--older-than D] [--newer-than D] [--limit N]
       outpost quarantine show ID
       outpost quarantine release ID… | --all [filters] [--force-pool POOL] [--by NAME]
       outpost quarantine delete ID… | --all [filters] [--reason TEXT] [--by NAME]`;

function age(s: string | undefined, flag: string): number | undefined {
  if (s === undefined) return undefined;
  const ms = parseDuration(s);
  if (ms === null) throw new CliError(`${flag}: invalid duration "${s}" (use e.g. 30m, 2h, 7d)`);
  return systemClock.now() - ms;
}

function positiveInt(s: string | undefined, flag: string, dflt: number): number {
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag}: expected a positive whole number, got "${s}"`);
  return n;
}

export async function quarantineCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, ...ids] = positionals;
  const config = loadConfig(values.config);
  if (values.class !== undefined && !isClass(values.class)) throw new CliError(`--class: expected clean, bulk, suspect or spam, got "${values.class}"`);
  const before = age(values['older-than'], '--older-than');
  const after = age(values['newer-than'], '--newer-than');
  const filter: QuarantineFilter = {
    ...(values.tenant ? { tenantId: values.tenant } : {}),
    ...(values.class && isClass(values.class) ? { cls: values.class } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(values.rule ? { reason: values.rule } : {}),
  };
  const by = `cli:${values.by ?? process.env['USER'] ?? 'operator'}`;

  if (sub === 'show') {
    const id = ids[0];
    if (!id) throw new CliError('usage: outpost quarantine show ID');
    return withSpool(config, (spool) => showMessage(spool, id, io, values.json === true, (m) => (m.state === 'quarantined' ? '' : ' (not in quarantine)')));
  }

  const admin = QuarantineAdmin.open(config.dataDir, systemClock);
  try {
    if (sub === 'list') {
      const limit = positiveInt(values.limit, '--limit', 50);
      const total = admin.count(filter);
      // The same list view as GET /v1/admin/quarantine (src/admin/quarantine.ts).
      const { items } = listQuarantine({ admin, expireAfter: config.quarantine.expireAfter }, filter, limit);
      if (values.json) {
        io.out(JSON.stringify({ total, messages: items }));
        return 0;
      }
      io.out(`${total} message(s) in quarantine match${total > items.length ? ` (showing the ${items.length} oldest; --limit N for more)` : ''}`);
      if (items.length > 0) {
        io.out(table([
          ['ID', 'TENANT', 'CLASS', 'SCORE', 'QUARANTINED', 'RCPTS', 'FROM', 'SUBJECT', 'TOP REASON'],
          ...items.map((r) => [r.id, r.tenant, r.class ?? '-', r.score === null ? '-' : r.score.toFixed(3), r.quarantinedAt.replace(/\.\d{3}Z$/, 'Z'), r.rcpts.length, r.from, (r.subject ?? '-').slice(0, 40), (r.reasons[0] ?? '-').slice(0, 40)]),
        ]));
      }
      return 0;
    }
    if (sub === 'release' || sub === 'delete') {
      const forcePool = values['force-pool'];
      if (forcePool !== undefined && sub === 'delete') throw new CliError('--force-pool only applies to release');
      if (forcePool !== undefined && !(forcePool in config.pools)) throw new CliError(`--force-pool: no pool named "${forcePool}" (pools: ${Object.keys(config.pools).join(', ')})`);
      const op: BulkOp = sub === 'release' ? { op: 'release', by, ...(forcePool ? { forcePool } : {}) } : { op: 'delete', by, why: values.reason ?? 'deleted by operator' };
      const verb = sub === 'release' ? 'released' : 'deleted';
      if (values.all) {
        if (ids.length > 0) throw new CliError('give either message IDs or --all with filters, not both');
        const progress = createProgress({ label: verb, total: 0, unit: 'messages' });
        let r;
        try {
          r = admin.bulk(filter, op, { batch: positiveInt(values.batch, '--batch', 500), onProgress: (p) => progress.update(p.done, p.total) });
        } finally {
          progress.stop();
        }
        if (values.json) io.out(JSON.stringify({ [verb]: r.done, ms: Math.round(r.elapsedMs) }));
        else io.out(`${verb} ${r.done} message(s) in ${(r.elapsedMs / 1000).toFixed(1)} s${sub === 'release' ? `; the gateway re-scans and routes them by the current policy${forcePool ? ` (forced pool ${forcePool})` : ''}` : ''}`);
        return 0;
      }
      if (ids.length === 0) throw new CliError(`usage: outpost quarantine ${sub} ID… | --all [filters]`);
      if (Object.keys(filter).length > 0) throw new CliError('filters (--tenant, --class, --rule, --older-than, --newer-than) apply only with --all');
      const n = admin.apply(ids, op);
      if (values.json) io.out(JSON.stringify({ [verb]: n, missing: ids.length - n }));
      else io.out(`${verb} ${n} of ${ids.length} message(s)${n < ids.length ? `; ${ids.length - n} not in quarantine` : ''}`);
      return n === ids.length ? 0 : 1;
    }
    throw new CliError(USAGE);
  } finally {
    admin.close();
  }
}
