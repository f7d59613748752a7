/**
 * `outpost policy show [TENANT] | set TENANT CLASS=ACTION… | reset TENANT [CLASS]`
 * (also `outpost tenant policy NAME [CLASS=ACTION…]`): the routing table per
 * scanner class — configured defaults and a tenant's overrides in the state
 * database. A running gateway applies a change within a few seconds.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { VerdictClass } from '../core/types.js';
import { CLASSES, checkPoolsExist, defaultTable, formatAction, isClass, parseAction, PolicyError, type PolicyAction } from '../policy/action.js';
import { TenantPolicyStore } from '../policy/store.js';
import { CliError, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' } } as const;
const USAGE = 'usage: outpost policy show [TENANT] | set TENANT CLASS=ACTION… | reset TENANT [CLASS]   (ACTION: deliver:POOL, quarantine, reject, drop)';

function parsePairs(pairs: readonly string[], config: Config): Array<[VerdictClass, PolicyAction]> {
  if (pairs.length === 0) throw new CliError(USAGE);
  const out: Array<[VerdictClass, PolicyAction]> = [];
  for (const p of pairs) {
    const m = /^([a-z]+)=(.+)$/.exec(p);
    if (!m || !isClass(m[1]!)) throw new CliError(`"${p}": expected CLASS=ACTION with CLASS one of ${CLASSES.join(', ')}`);
    try {
      out.push([m[1] as VerdictClass, parseAction(m[2]!)]);
    } catch (e) {
      throw new CliError((e as PolicyError).message);
    }
  }
  try {
    checkPoolsExist(out.map((x) => x[1]), Object.keys(config.pools), 'policy');
  } catch (e) {
    throw new CliError((e as PolicyError).message);
  }
  return out;
}

export async function policyCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, tenant, ...rest] = positionals;
  const config = loadConfig(values.config);
  return withState(config, (db, tenants) => {
    const store = new TenantPolicyStore(db, systemClock);
    const defaults = defaultTable(config.policy, Object.keys(config.pools));
    switch (sub) {
      case undefined:
      case 'show': {
        if (tenant) tenants.require(tenant);
        const o = tenant ? store.overrides(tenant) : {};
        const rows = CLASSES.map((c) => ({ class: c, default: formatAction(defaults[c]), tenant: o[c] ? formatAction(o[c]) : null, effective: formatAction(o[c] ?? defaults[c]) }));
        if (values.json) {
          io.out(JSON.stringify({ tenant: tenant ?? null, rows, bouncePool: config.policy.bouncePool, noMailDomainPool: config.policy.noMailDomainPool }));
          return 0;
        }
        io.out(table([['CLASS', 'DEFAULT', ...(tenant ? [`TENANT ${tenant}`, 'EFFECTIVE'] : [])], ...rows.map((r) => [r.class, r.default, ...(tenant ? [r.tenant ?? '-', r.effective] : [])])]));
        io.out(`bounces (DSNs) always leave from ${config.policy.bouncePool}; mail from sender domains with no MX and no A/AAAA from ${config.policy.noMailDomainPool}${config.policy.checkSenderDomain ? '' : ' (check off)'}`);
        return 0;
      }
      case 'set': {
        if (!tenant) throw new CliError(USAGE);
        tenants.require(tenant);
        const pairs = parsePairs(rest, config);
        for (const [c, a] of pairs) store.set(tenant, c, a);
        for (const [c, a] of pairs) {
          io.out(`tenant ${tenant}: ${c} → ${formatAction(a)}`);
          if (a.action === 'drop') io.err(`outpost: warning: "drop" discards ${c} mail without telling the sender; quarantine or reject is usually better`);
        }
        return 0;
      }
      case 'reset': {
        if (!tenant) throw new CliError(USAGE);
        tenants.require(tenant);
        const cls = rest[0];
        if (cls !== undefined && !isClass(cls)) throw new CliError(`unknown class "${cls}" (${CLASSES.join(', ')})`);
        const n = store.reset(tenant, cls as VerdictClass | undefined);
        io.out(`tenant ${tenant}: ${n} override(s) removed; the defaults apply`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
