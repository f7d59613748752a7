/**
 * `outpost message show ID` and `outpost queue [retry|delete ID]`: read the
 * spool's inspection interface and its two operator actions.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { formatReply } from '../core/smtp-reply.js';
import { CliError, iso, table, withSpool, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' } } as const;

export async function messageCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, id] = positionals;
  if (sub !== 'show' || !id) throw new CliError('usage: outpost message show ID');
  const config = loadConfig(values.config);
  return withSpool(config, async (spool) => {
    const m = await spool.getMessage(id);
    if (!m) throw new CliError(`no message ${id}`, 1);
    const events = await spool.events(id);
    if (values.json) {
      io.out(JSON.stringify({ ...m, events }));
      return 0;
    }
    io.out(`message:   ${m.id}`);
    io.out(`tenant:    ${m.tenantId}   source: ${m.source}   client: ${m.clientIp}`);
    io.out(`state:     ${m.state}`);
    io.out(`received:  ${iso(m.receivedAt)}   size: ${m.size} bytes`);
    io.out(`from:      <${m.mailFrom}>   header From: ${m.summary.from ?? '-'}`);
    io.out(`subject:   ${m.summary.subject ?? '-'}`);
    if (m.route) io.out(`route:     ${m.route.kind}${m.route.kind === 'deliver' ? ` via pool ${m.route.pool}` : ''} (${m.route.why})`);
    if (m.verdict) io.out(`verdict:   ${m.verdict.class} score ${m.verdict.score.toFixed(3)}`);
    io.out('recipients:');
    io.out(table(m.recipients.map((r) => [`  ${r.rcpt}`, r.state, r.reply ? formatReply(r.reply) : ''])));
    io.out('events:');
    for (const e of events) io.out(`  ${iso(e.at)}  ${e.type.padEnd(18)} ${e.data ? JSON.stringify(e.data) : ''}`);
    return 0;
  });
}

export async function queueCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, id] = positionals;
  const config = loadConfig(values.config);
  return withSpool(config, async (spool) => {
    if (sub === 'retry' || sub === 'delete') {
      if (!id) throw new CliError(`usage: outpost queue ${sub} ID`);
      const ok = sub === 'retry' ? await spool.retryNow(id, systemClock.now()) : await spool.remove(id, systemClock.now(), values.reason ?? 'deleted by operator');
      if (!ok) throw new CliError(sub === 'retry' ? `message ${id} has nothing queued to retry` : `message ${id} is not in the queue`, 1);
      io.out(sub === 'retry' ? `message ${id}: queued jobs are due now` : `message ${id} deleted from the queue`);
      return 0;
    }
    if (sub !== undefined) throw new CliError('usage: outpost queue [retry ID | delete ID]');
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
