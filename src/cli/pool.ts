/**
 * `outpost pool list|show IP|disable IP|enable IP`: each pool IP, in or out of
 * rotation and why (operator, DNSBL listing, warm-up quota, blocked replies,
 * monitor health; see pools/explain.ts). State is shared with a running
 * gateway through the state database (it re-reads rotation every second).
 * `status` is the old name of `list`.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { setRotation } from '../admin/pools.js';
import { explainAll, explainIp, formatExplanation } from '../pools/explain.js';
import { openIpHealth } from '../pools/ip-health.js';
import { CliError, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' } } as const;
const USAGE = 'usage: outpost pool list | show IP | disable IP [--reason TEXT] | enable IP';

export async function poolCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, ip] = positionals;
  const config = loadConfig(values.config);
  return withState(config, (db) => {
    const health = openIpHealth(db, config, systemClock);
    const pools = health.pools;
    switch (sub) {
      case undefined:
      case 'list':
      case 'status': {
        const all = explainAll(health);
        if (values.json) io.out(JSON.stringify(all));
        else io.out(table([['IP', 'POOLS', 'HELO', 'ROTATION', 'WHY'], ...all.map((x) => [x.ip, x.pools.join(','), x.helo, x.rotation === 'in' ? 'in' : x.rotation === 'out' ? 'OUT' : 'QUOTA', x.why[0] ?? '-'])]));
        return 0;
      }
      case 'show': {
        if (!ip) throw new CliError('usage: outpost pool show IP');
        const e = explainIp(health, ip);
        io.out(values.json ? JSON.stringify(e) : formatExplanation(e));
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!ip) throw new CliError(`usage: outpost pool ${sub} IP${sub === 'disable' ? ' [--reason TEXT]' : ''}`);
        setRotation(pools, ip, sub === 'enable', values.reason);
        const now = pools.all().find((x) => x.ip === ip)!;
        if (sub === 'disable') io.out(`${ip} is out of rotation`);
        else io.out(now.enabled ? `${ip} is back in rotation` : `${ip}: operator disable lifted, but it stays out of rotation: ${now.reason}`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
