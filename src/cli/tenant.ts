/**
 * `outpost tenant …`: create, list, show, enable/disable tenants, manage
 * their verified domains, and issue credentials (printed once, stored hashed).
 * The operations are the shared service functions of src/admin/tenants.ts,
 * the same the admin API calls.
 */
import { parseArgs } from 'node:util';
import type { Tenant } from '../tenants/store.js';
import { changeDomain, createTenant, issueCredential, setTenantEnabled } from '../admin/tenants.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';
import { policyCommand } from './policy.js';
import { limitsCommand } from './limits.js';
import { reputationCommand } from './reputation.js';
import { stateHistory } from '../admin/reputation-history.js';
import { ReputationStore } from '../reputation/store.js';

const options = {
  config: { type: 'string' },
  domain: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  api: { type: 'boolean' },
  smtp: { type: 'boolean' },
  user: { type: 'string' },
  reason: { type: 'string' },
  limit: { type: 'string' },
} as const;

function showTenant(t: Tenant, io: Io): void {
  io.out(`tenant:   ${t.id}`);
  io.out(`state:    ${t.enabled ? 'enabled' : 'disabled'}`);
  io.out(`created:  ${iso(t.createdAt)}`);
  io.out(`domains:  ${t.domains.join(', ')}`);
}

export async function tenantCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  // `tenant policy NAME [CLASS=ACTION…]`, `tenant limits NAME [KEY=VALUE…]`, `tenant unblock NAME`: same as the policy / limits commands.
  const [first, second, ...more] = args;
  if (first === 'policy') return policyCommand(more.some((a) => /^[^-].*=/.test(a)) ? ['set', ...(second ? [second] : []), ...more] : ['show', ...args.slice(1)], io, loadConfig);
  if (first === 'limits') return limitsCommand(more.some((a) => /^[^-].*=/.test(a)) ? ['set', ...(second ? [second] : []), ...more] : ['show', ...args.slice(1)], io, loadConfig);
  if (first === 'unblock') return limitsCommand(args, io, loadConfig);
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const config = loadConfig(values.config);
  const [sub, name, extra] = positionals;
  const need = (what: string | undefined, usage: string): string => {
    if (!what) throw new CliError(`usage: outpost ${usage}`);
    return what;
  };
  switch (sub) {
    case 'add': {
      const id = need(name, 'tenant add NAME --domain DOMAIN [--domain …]');
      const t = await withState(config, (_db, tenants) => createTenant(tenants, id, values.domain ?? []));
      if (values.json) io.out(JSON.stringify(t));
      else io.out(`created tenant ${t.id} with domains ${t.domains.join(', ')}\nnext: outpost tenant credentials ${t.id}`);
      return 0;
    }
    case 'list': {
      const list = await withState(config, (_db, tenants) => tenants.list());
      if (values.json) io.out(JSON.stringify(list));
      else io.out(table([['TENANT', 'STATE', 'DOMAINS', 'CREATED'], ...list.map((t) => [t.id, t.enabled ? 'enabled' : 'disabled', t.domains.join(','), iso(t.createdAt)])]) || 'no tenants');
      return 0;
    }
    case 'show': {
      const id = need(name, 'tenant show NAME');
      const { t, creds } = await withState(config, (_db, tenants) => ({ t: tenants.require(id), creds: tenants.credentials(id) }));
      if (values.json) {
        io.out(JSON.stringify({ ...t, credentials: creds }));
        return 0;
      }
      showTenant(t, io);
      io.out('credentials:');
      io.out(table([['  ID', 'KIND', 'USER', 'CREATED', 'REVOKED'], ...creds.map((c) => [`  ${c.id}`, c.kind, c.username ?? '-', iso(c.createdAt), iso(c.revokedAt)])]));
      return 0;
    }
    case 'disable':
    case 'enable': {
      const id = need(name, `tenant ${sub} NAME`);
      const t = await withState(config, (_db, tenants) => setTenantEnabled(tenants, id, sub === 'enable'));
      io.out(`tenant ${t.id} ${t.enabled ? 'enabled' : 'disabled'}`);
      return 0;
    }
    case 'domain': {
      const op = name;
      const id = need(extra, 'tenant domain add|remove NAME DOMAIN');
      const domain = need(positionals[3], 'tenant domain add|remove NAME DOMAIN');
      if (op !== 'add' && op !== 'remove') throw new CliError('usage: outpost tenant domain add|remove NAME DOMAIN');
      const t = await withState(config, (_db, tenants) => changeDomain(tenants, id, op, domain));
      io.out(`tenant ${t.id} domains: ${t.domains.join(', ')}`);
      return 0;
    }
    case 'credentials': {
      const id = need(name, 'tenant credentials NAME [--api | --smtp [--user U]]');
      if (values.api && values.smtp) throw new CliError('choose one of --api or --smtp');
      const c = await withState(config, (_db, tenants) => issueCredential(tenants, id, values.api ? 'api' : 'smtp', values.user ?? id));
      if (values.json) io.out(JSON.stringify(c.kind === 'api' ? { api: { id: c.id, key: c.key } } : { smtp: { username: c.username, password: c.password } }));
      else if (c.kind === 'api') io.out(`API key for ${id} (shown once, store it now):\n${c.key}`);
      else io.out(`SMTP credentials for ${id} (shown once, store them now):\nusername: ${c.username}\npassword: ${c.password}`);
      return 0;
    }
    case 'history': {
      const id = need(name, 'tenant history NAME [--limit N] [--json]');
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit <= 0 || limit > 10_000) throw new CliError(`--limit: expected a whole number 1..10000, got "${values.limit}"`);
      const { items } = await withState(config, (db, tenants) => stateHistory(tenants, new ReputationStore(db), id, limit));
      if (values.json) io.out(JSON.stringify(items));
      else if (items.length === 0) io.out(`tenant ${id}: no standing changes recorded`);
      else {
        for (const h of items) {
          io.out(`${h.at.replace(/\.\d{3}Z$/, 'Z')}  ${h.from} → ${h.to}  by ${h.by} (${h.trigger}): ${h.reason}`);
          for (const e of h.evidence) io.out(`    ${JSON.stringify(e)}`);
        }
      }
      return 0;
    }
    case 'reputation':
    case 'reinstate':
    case 'suspend':
      return reputationCommand(sub, need(name, `tenant ${sub} NAME`), { ...(values.json ? { json: true } : {}), ...(values.reason ? { reason: values.reason } : {}) }, config, io);
    default:
      throw new CliError('usage: outpost tenant add|list|show|disable|enable|domain|credentials|policy|limits|unblock|reputation|history|reinstate|suspend …');
  }
}
