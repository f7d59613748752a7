/**
 * `outpost message show ID`, `outpost queue [retry|delete ID]` and
 * `outpost queue list [filters]`: the spool's inspection interface and its
 * operator actions, through the shared service functions (src/admin/queue.ts,
 * src/admin/queue-search.ts) that the admin API uses.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { formatReply } from '../core/smtp-reply.js';
import { join } from 'node:path';
import { deleteMessage, retryMessage } from '../admin/queue.js';
import { QueueSearch } from '../admin/queue-search.js';
import type { MessageState } from '../core/types.js';
import type { MessageView, Spool } from '../spool/spool.js';
import { CliError, iso, table, withSpool, type ConfigLoader, type Io } from './io.js';

const options = {
  config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' },
  tenant: { type: 'string' }, rcpt: { type: 'string' }, state: { type: 'string' }, destination: { type: 'string' }, limit: { type: 'string' },
} as const;
const STATES = ['incoming', 'processing', 'active', 'quarantined', 'done'] as const;

export async function messageCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, id] = positionals;
  if (sub !== 'show' || !id) throw new CliError('usage: outpost message show ID');
  return withSpool(loadConfig(values.config), (spool) => showMessage(spool, id, io, values.json === true));
}

/**
 * One message with its verdict (and reasons), route, recipients and event
 * history, as text or JSON: `outpost message show` and `outpost quarantine show`.
 */
export async function showMessage(spool: Spool, id: string, io: Io, json: boolean, stateNote: (m: MessageView) => string = () => ''): Promise<number> {
  const m = await spool.getMessage(id);
  if (!m) throw new CliError(`no message ${id}`, 1);
  const events = await spool.events(id);
  if (json) {
    io.out(JSON.stringify({ ...m, events }));
    return 0;
  }
  io.out(`message:   ${m.id}`);
  io.out(`tenant:    ${m.tenantId}   source: ${m.source}   client: ${m.clientIp}`);
  io.out(`state:     ${m.state}${stateNote(m)}`);
  io.out(`received:  ${iso(m.receivedAt)}   size: ${m.size} bytes`);
  io.out(`from:      <${m.mailFrom}>   header From: ${m.summary.from ?? '-'}`);
  io.out(`subject:   ${m.summary.subject ?? '-'}`);
  if (m.route) io.out(`route:     ${m.route.kind}${m.route.kind === 'deliver' ? ` via pool ${m.route.pool}` : ''} (${m.route.why})`);
  if (m.verdict) {
    io.out(`verdict:   ${m.verdict.class} score ${m.verdict.score.toFixed(3)}`);
    for (const r of m.verdict.reasons.slice(0, 10)) io.out(`  ${r.weight >= 0 ? '+' : ''}${r.weight.toFixed(2)}  ${r.rule}  ${r.detail}`);
  }
  io.out('recipients:');
  io.out(table(m.recipients.map((r) => [`  ${r.rcpt}`, r.state, r.reply ? formatReply(r.reply) : ''])));
  io.out('events:');
  for (const e of events) io.out(`  ${iso(e.at)}  ${e.type.padEnd(20)} ${e.data ? JSON.stringify(e.data) : ''}`);
  return 0;
}

export async function queueCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, id] = positionals;
  const config = loadConfig(values.config);
  return withSpool(config, async (spool) => {
    if (sub === 'retry' || sub === 'delete') {
      if (!id) throw new CliError(`usage: outpost queue ${sub} ID`);
      if (sub === 'retry') await retryMessage(spool, id, systemClock.now());
      else await deleteMessage(spool, id, systemClock.now(), values.reason ?? 'deleted by operator');
      io.out(sub === 'retry' ? `message ${id}: queued jobs are due now` : `message ${id} deleted from the queue`);
      return 0;
    }
    if (sub === 'list') return queueList(values, join(config.dataDir, 'spool.db'), io);
    if (sub !== undefined) throw new CliError('usage: outpost queue [list [--tenant T] [--rcpt A] [--state S] [--destination D] [--limit N] | retry ID | delete ID]');
    const c = await spool.counts();
    if (values.json) {
      io.out(JSON.stringify(c));
      return 0;
    }
    const states = (o: Readonly<Record<string, number>>): string => Object.entries(o).map(([k, v]) => `${k}=${v}`).join('  ') || 'none';
    io.out(`messages:    ${states(c.messages)}`);
    io.out(`recipients:  ${states(c.recipients)}`);
    const byPool = new Map<string, number>();
    for (const d of c.byDestination) byPool.set(d.pool, (byPool.get(d.pool) ?? 0) + d.queued + d.inflight);
    io.out(`by pool:     ${[...byPool].map(([p, n]) => `${p}=${n}`).join('  ') || 'none'}`);
    if (c.byDestination.length > 0) {
      io.out('by destination:');
      io.out(table([['  DESTINATION', 'POOL', 'QUEUED', 'IN FLIGHT', 'OLDEST'], ...c.byDestination.map((d) => [`  ${d.domain}`, d.pool, d.queued, d.inflight, iso(d.oldest)])]));
    }
    return 0;
  });
}

function queueList(v: { tenant?: string; rcpt?: string; state?: string; destination?: string; limit?: string; json?: boolean }, spoolFile: string, io: Io): number {
  if (v.state !== undefined && !(STATES as readonly string[]).includes(v.state)) throw new CliError(`unknown --state "${v.state}": use ${STATES.join(', ')}`);
  const limit = v.limit === undefined ? 50 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be an integer from 1 to 10000');
  const q = new QueueSearch(spoolFile);
  try {
    const rows = q.search(
      { ...(v.tenant ? { tenantId: v.tenant } : {}), ...(v.rcpt ? { rcpt: v.rcpt } : {}), ...(v.state ? { state: v.state as MessageState } : {}), ...(v.destination ? { destination: v.destination } : {}) },
      limit,
    );
    if (v.json) io.out(JSON.stringify(rows));
    else io.out(table([['ID', 'TENANT', 'STATE', 'RECEIVED', 'FROM', 'RCPTS', 'SUBJECT'], ...rows.map((r) => [r.id, r.tenantId, r.state, iso(r.receivedAt), r.mailFrom || '<>', r.recipients, r.subject ?? ''])]) + (rows.length === 0 ? '\nno messages' : ''));
    return 0;
  } finally {
    q.close();
  }
}
