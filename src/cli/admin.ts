/**
 * `outpost admin token create NAME | list | revoke ID`: operator tokens for
 * the admin API (src/admin/operator-tokens.ts), printed once, stored hashed.
 * `outpost events [--tenant T] [--type a,b] [--limit N]`: recent platform
 * events from the event store (newest first), the same query as
 * GET /v1/admin/events.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { EVENT_TYPES, type EventType } from '../events/bus.js';
import { EventStore, eventJson } from '../events/store.js';
import { OperatorTokens } from '../admin/operator-tokens.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const USAGE = 'usage: outpost admin token create NAME | token list | token revoke ID';

export async function adminCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
  const [what, sub, arg] = positionals;
  if (what !== 'token') throw new CliError(USAGE);
  const config = loadConfig(values.config);
  return withState(config, (db) => {
    const tokens = new OperatorTokens(db, systemClock);
    switch (sub) {
      case 'create': {
        if (!arg) throw new CliError(USAGE);
        const t = tokens.create(arg);
        if (values.json) io.out(JSON.stringify(t));
        else io.out(`operator token ${t.id} (${arg}), shown once, store it now:\n${t.token}`);
        return 0;
      }
      case 'list': {
        const all = tokens.list();
        if (values.json) io.out(JSON.stringify(all));
        else io.out(all.length === 0 ? 'no operator tokens' : table([['ID', 'NAME', 'CREATED', 'REVOKED'], ...all.map((t) => [t.id, t.name, iso(t.createdAt), iso(t.revokedAt)])]));
        return 0;
      }
      case 'revoke': {
        if (!arg) throw new CliError(USAGE);
        tokens.revoke(arg);
        io.out(`operator token ${arg} revoked`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}

export async function eventsCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' }, tenant: { type: 'string' }, type: { type: 'string' }, limit: { type: 'string' } } });
  const config = loadConfig(values.config);
  const types = (values.type ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of types) if (!(EVENT_TYPES as readonly string[]).includes(t)) throw new CliError(`unknown event type "${t}" (one of ${EVENT_TYPES.join(', ')})`);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be an integer from 1 to 10000');
  const store = new EventStore(EventStore.fileIn(config.dataDir), systemClock, { retentionMs: config.events.retention, flushIntervalMs: config.events.flushInterval });
  try {
    const rows = store.list({ ...(values.tenant ? { tenantId: values.tenant } : {}), ...(types.length ? { types: types as EventType[] } : {}) }, limit);
    if (values.json) io.out(JSON.stringify(rows.map(eventJson)));
    else io.out(rows.length === 0 ? 'no events' : table(rows.map((e) => [String(e.id), iso(e.at), e.type, e.tenantId ?? '-', e.messageId ?? '-', JSON.stringify(e.data).slice(0, 120)])));
    return 0;
  } finally {
    store.close();
  }
}
