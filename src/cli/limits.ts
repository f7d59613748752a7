/**
 * `outpost limits show TENANT | set TENANT KEY=VALUE… | reset TENANT | blocks`
 * and `outpost tenant unblock NAME [--user U]`: per-tenant sending limits
 * (overrides of config `limits` in the state database), active blocks, and
 * the counters the gateway last saved (at most 30 s old). A running gateway
 * applies changes and unblocks within about two seconds.
 *
 * Keys: messagesPerMinute, recipientsPerHour, recipientsPerDay (tenant
 * totals; also written tenant.X), user.X (each credential), action.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { effectiveLimits } from '../limits/check.js';
import { LIMIT_ACTIONS, LIMIT_NAMES, LimitStore, type LimitAction, type LimitName, type LimitOverrides } from '../limits/store.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, user: { type: 'string' } } as const;
const USAGE = `usage: outpost limits show TENANT | set TENANT KEY=VALUE… | reset TENANT | blocks
  keys: [tenant.|user.]messagesPerMinute|recipientsPerHour|recipientsPerDay (0 = none), action=throttle|block-until-tomorrow|block`;

function applyPairs(o: LimitOverrides, pairs: readonly string[]): LimitOverrides {
  if (pairs.length === 0) throw new CliError(USAGE);
  const tenant = { ...o.tenant };
  const user = { ...o.user };
  let action = o.action;
  for (const p of pairs) {
    const m = /^(?:(tenant|user)\.)?([A-Za-z]+)=(.+)$/.exec(p);
    if (!m) throw new CliError(`"${p}": expected KEY=VALUE\n${USAGE}`);
    const [, scope, key, value] = m;
    if (key === 'action' && !scope) {
      if (!(LIMIT_ACTIONS as readonly string[]).includes(value!)) throw new CliError(`action: expected ${LIMIT_ACTIONS.join(', ')}, got "${value}"`);
      action = value as LimitAction;
      continue;
    }
    if (!(LIMIT_NAMES as readonly string[]).includes(key!)) throw new CliError(`unknown limit "${key}" (${LIMIT_NAMES.join(', ')}, action)`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${p}: expected a whole number ≥ 0 (0 = no limit)`);
    (scope === 'user' ? user : tenant)[key as LimitName] = n;
  }
  return { tenant, user, ...(action ? { action } : {}) };
}

export async function limitsCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, tenant, ...rest] = positionals;
  const config = loadConfig(values.config);
  return withState(config, (db, tenants) => {
    const store = new LimitStore(db);
    const now = systemClock.now();
    switch (sub) {
      case 'show': {
        if (!tenant) throw new CliError(USAGE);
        tenants.require(tenant);
        const o = store.overrides(tenant);
        const eff = effectiveLimits(config.limits, o);
        const blocks = store.blocks().filter((b) => b.tenantId === tenant && (b.until === null || b.until > now));
        const saved = store.loadCounters().filter((c) => c.subject === `t:${tenant}` || c.subject.startsWith(`u:${tenant}:`));
        if (values.json) {
          io.out(JSON.stringify({ tenant, enabled: config.limits.enabled, effective: eff, overrides: o, blocks, savedCounters: saved }));
          return 0;
        }
        io.out(`tenant ${tenant}: limits ${config.limits.enabled ? 'on' : 'OFF (config limits.enabled)'}; on breach: ${eff.action}${o.action ? ' (tenant)' : ''}`);
        io.out(table([
          ['LIMIT', 'TENANT TOTAL', 'EACH USER'],
          ...LIMIT_NAMES.map((l) => [l, `${eff.tenant[l] || 'none'}${o.tenant?.[l] !== undefined ? ' (tenant)' : ''}`, `${eff.user[l] || 'none'}${o.user?.[l] !== undefined ? ' (tenant)' : ''}`]),
        ]));
        if (saved.length > 0) {
          io.out('last saved counts (the gateway saves every 30 s):');
          for (const c of saved) io.out(`  ${c.subject.startsWith('u:') ? `user ${c.subject.split(':').slice(2).join(':')}` : 'tenant'}  ${c.window}: ${c.data.reduce((a, [, n]) => a + n, 0)}`);
        }
        io.out(blocks.length === 0 ? 'not blocked' : 'BLOCKED:');
        for (const b of blocks) io.out(`  ${b.user ? `user ${b.user}` : 'tenant'} since ${iso(b.since)} until ${b.until === null ? 'an operator unblocks' : iso(b.until)}: ${b.reason}`);
        return 0;
      }
      case 'set': {
        if (!tenant) throw new CliError(USAGE);
        tenants.require(tenant);
        const o = applyPairs(store.overrides(tenant), rest);
        store.setOverrides(tenant, o, now);
        const eff = effectiveLimits(config.limits, o);
        io.out(`tenant ${tenant}: ${LIMIT_NAMES.map((l) => `${l}=${eff.tenant[l]}`).join(' ')}; user ${LIMIT_NAMES.map((l) => `${l}=${eff.user[l]}`).join(' ')}; action=${eff.action}`);
        return 0;
      }
      case 'reset': {
        if (!tenant) throw new CliError(USAGE);
        tenants.require(tenant);
        io.out(store.resetOverrides(tenant) ? `tenant ${tenant}: overrides removed; config limits apply` : `tenant ${tenant} had no overrides`);
        return 0;
      }
      case 'blocks': {
        const blocks = store.blocks().filter((b) => b.until === null || b.until > now);
        if (values.json) io.out(JSON.stringify(blocks));
        else io.out(blocks.length === 0 ? 'no blocks' : table([['TENANT', 'USER', 'SINCE', 'UNTIL', 'REASON'], ...blocks.map((b) => [b.tenantId, b.user ?? '-', iso(b.since), b.until === null ? 'operator' : iso(b.until), b.reason])]));
        return 0;
      }
      case 'unblock': {
        if (!tenant) throw new CliError('usage: outpost tenant unblock NAME [--user U]');
        tenants.require(tenant);
        const n = store.unblock(tenant, values.user);
        io.out(n === 0 ? `tenant ${tenant}${values.user ? ` user ${values.user}` : ''} was not blocked` : `tenant ${tenant}${values.user ? ` user ${values.user}` : ''}: ${n} block(s) lifted; a running gateway accepts its mail again within about 2 s`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
