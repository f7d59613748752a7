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
import { LIMIT_ACTIONS, LIMIT_NAMES, LimitStore, type LimitAction } from '../limits/store.js';
import { limitsView, resetLimits, setLimits, unblockTenant, type LimitsPatch } from '../admin/limits.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, user: { type: 'string' } } as const;
const USAGE = `usage: outpost limits show TENANT | set TENANT KEY=VALUE… | reset TENANT | blocks
  keys: [tenant.|user.]messagesPerMinute|recipientsPerHour|recipientsPerDay (0 = none), action=throttle|block-until-tomorrow|block`;

/** KEY=VALUE words → a patch for the shared service (which checks values and names). */
function toPatch(pairs: readonly string[]): LimitsPatch {
  if (pairs.length === 0) throw new CliError(USAGE);
  const tenant: Record<string, number> = {};
  const user: Record<string, number> = {};
  let action: LimitAction | undefined;
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
    (scope === 'user' ? user : tenant)[key!] = n;
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
        const v = limitsView(config, store, tenants, tenant, now);
        if (values.json) {
          io.out(JSON.stringify(v));
          return 0;
        }
        const o = v.overrides;
        const eff = v.effective;
        io.out(`tenant ${tenant}: limits ${v.enabled ? 'on' : 'OFF (config limits.enabled)'}; on breach: ${eff.action}${o.action ? ' (tenant)' : ''}`);
        io.out(table([
          ['LIMIT', 'TENANT TOTAL', 'EACH USER'],
          ...LIMIT_NAMES.map((l) => [l, `${eff.tenant[l] || 'none'}${o.tenant?.[l] !== undefined ? ' (tenant)' : ''}`, `${eff.user[l] || 'none'}${o.user?.[l] !== undefined ? ' (tenant)' : ''}`]),
        ]));
        if (v.savedCounters.length > 0) {
          io.out('last saved counts (the gateway saves every 30 s):');
          for (const c of v.savedCounters) io.out(`  ${c.subject}  ${c.window}: ${c.count}`);
        }
        io.out(v.blocks.length === 0 ? 'not blocked' : 'BLOCKED:');
        for (const b of v.blocks) io.out(`  ${b.user ? `user ${b.user}` : 'tenant'} since ${b.since.replace('.000Z', 'Z')} until ${b.until === null ? 'an operator unblocks' : b.until.replace('.000Z', 'Z')}: ${b.reason}`);
        return 0;
      }
      case 'set': {
        if (!tenant) throw new CliError(USAGE);
        const o = setLimits(store, tenants, tenant, toPatch(rest), now);
        const eff = effectiveLimits(config.limits, o);
        io.out(`tenant ${tenant}: ${LIMIT_NAMES.map((l) => `${l}=${eff.tenant[l]}`).join(' ')}; user ${LIMIT_NAMES.map((l) => `${l}=${eff.user[l]}`).join(' ')}; action=${eff.action}`);
        return 0;
      }
      case 'reset': {
        if (!tenant) throw new CliError(USAGE);
        io.out(resetLimits(store, tenants, tenant) ? `tenant ${tenant}: overrides removed; config limits apply` : `tenant ${tenant} had no overrides`);
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
        const n = unblockTenant(store, tenants, tenant, values.user);
        io.out(n === 0 ? `tenant ${tenant}${values.user ? ` user ${values.user}` : ''} was not blocked` : `tenant ${tenant}${values.user ? ` user ${values.user}` : ''}: ${n} block(s) lifted; a running gateway accepts its mail again within about 2 s`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
