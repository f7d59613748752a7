/**
 * `outpost pool status|disable IP|enable IP`: IP rotation state, shared with a
 * running gateway through the state database (it re-reads it every second).
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { PoolRegistry } from '../pools/registry.js';
import { setRotation } from '../admin/pools.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' } } as const;

export async function poolCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, ip] = positionals;
  const config = loadConfig(values.config);
  return withState(config, (db) => {
    const pools = new PoolRegistry(db, config.pools, systemClock);
    switch (sub) {
      case undefined:
      case 'status': {
        const all = pools.all();
        if (values.json) io.out(JSON.stringify(all));
        else io.out(table([['POOL', 'IP', 'HELO', 'ROTATION', 'SINCE', 'REASON'], ...all.map((x) => [x.pool, x.ip, x.helo, x.enabled ? 'in' : 'OUT', iso(x.changedAt), x.reason || '-'])]));
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!ip) throw new CliError(`usage: outpost pool ${sub} IP${sub === 'disable' ? ' [--reason TEXT]' : ''}`);
        setRotation(pools, ip, sub === 'enable', values.reason);
        io.out(`${ip} is ${sub === 'disable' ? 'out of' : 'back in'} rotation`);
        return 0;
      }
      default:
        throw new CliError('usage: outpost pool status | disable IP [--reason TEXT] | enable IP');
    }
  });
}
