/**
 * `outpost policy show [TENANT] | set TENANT CLASS=ACTION… | reset TENANT [CLASS]`
 * (also `outpost tenant policy NAME [CLASS=ACTION…]`): the routing table per
 * scanner class — configured defaults and a tenant's overrides in the state
 * database. A running gateway applies a change within a few seconds.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { CLASSES, isClass } from '../policy/action.js';
import { policyView, resetPolicy, setPolicy } from '../admin/policy.js';
import { TenantPolicyStore } from '../policy/store.js';
import { CliError, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' } } as const;
const USAGE = 'usage: outpost policy show [TENANT] | set TENANT CLASS=ACTION… | reset TENANT [CLASS]   (ACTION: deliver:POOL, quarantine, reject, drop)';

/** CLASS=ACTION words → {class: action} for the shared service (which checks them). */
function toPairs(words: readonly string[]): Record<string, string> {
  if (words.length === 0) throw new CliError(USAGE);
  const out: Record<string, string> = {};
  for (const p of words) {
    const m = /^([a-z]+)=(.+)$/.exec(p);
    if (!m || !isClass(m[1]!)) throw new CliError(`"${p}": expected CLASS=ACTION with CLASS one of ${CLASSES.join(', ')}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export async function policyCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, tenant, ...rest] = positionals;
  const config = loadConfig(values.config);
  return withState(config, (db, tenants) => {
    const store = new TenantPolicyStore(db, systemClock);
    switch (sub) {
      case undefined:
      case 'show': {
        const v = policyView(config, store, tenants, tenant);
        if (values.json) {
          io.out(JSON.stringify(v));
          return 0;
        }
        io.out(table([['CLASS', 'DEFAULT', ...(tenant ? [`TENANT ${tenant}`, 'EFFECTIVE'] : [])], ...v.rows.map((r) => [r.class, r.default, ...(tenant ? [r.tenant ?? '-', r.effective] : [])])]));
        io.out(`bounces (DSNs) always leave from ${v.bouncePool}; mail from sender domains with no MX and no A/AAAA from ${v.noMailDomainPool}${config.policy.checkSenderDomain ? '' : ' (check off)'}`);
        return 0;
      }
      case 'set': {
        if (!tenant) throw new CliError(USAGE);
        const pairs = toPairs(rest);
        const v = setPolicy(config, store, tenants, tenant, pairs);
        for (const c of Object.keys(pairs)) {
          const row = v.rows.find((r) => r.class === c)!;
          io.out(`tenant ${tenant}: ${c} → ${row.tenant}`);
          if (row.tenant === 'drop') io.err(`outpost: warning: "drop" discards ${c} mail without telling the sender; quarantine or reject is usually better`);
        }
        return 0;
      }
      case 'reset': {
        if (!tenant) throw new CliError(USAGE);
        const n = resetPolicy(store, tenants, tenant, rest[0]);
        io.out(`tenant ${tenant}: ${n} override(s) removed; the defaults apply`);
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
