/**
 * `outpost dkim generate DOMAIN [--selector S] [--algo rsa2048|ed25519]`,
 * `outpost dkim list`, `outpost dkim check DOMAIN`,
 * `outpost dkim rotate DOMAIN [--selector S] [--algo A] [--grace 7d] | --check`:
 * DKIM keys in the state database (src/sign/key-store.ts), shared with a
 * running gateway. rotate creates a pending key and prints its record; the
 * key becomes active once the record is seen (rotate --check, check, or the
 * gateway's periodic check — sign/rotation.ts), and the old key stays
 * published-but-unused for the grace period, then is retired.
 *
 * generate prints the TXT record to publish (name and value, the value also
 * split into 255-octet strings for zone files); the private key is never
 * printed. A key may be made for a verified domain of some tenant or for
 * platform.domain. check asks the configured dns.servers (the gateway's own
 * resolver) and exits 0 only when the published record matches the active key.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import { checkRotations, type RotationChange } from '../sign/rotation.js';
import { systemClock } from '../core/clock.js';
import { dnsServers } from '../delivery/wiring.js';
import { createResolver } from '../dns/resolver.js';
import { DkimKeyStore, dnsTxtStrings, dnsValueMatches, type DkimKeyRecord } from '../sign/index.js';
import { defaultSelector, generateKey, listKeys } from '../admin/dkim.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const options = {
  config: { type: 'string' }, json: { type: 'boolean' }, selector: { type: 'string' }, algo: { type: 'string' }, grace: { type: 'string' }, check: { type: 'boolean' },
} as const;
const USAGE = 'usage: outpost dkim generate DOMAIN [--selector S] [--algo rsa2048|ed25519] | list | check DOMAIN | rotate DOMAIN [--selector S] [--algo A] [--grace 7d] | rotate DOMAIN --check';

function printChanges(io: Io, changes: readonly RotationChange[]): void {
  for (const c of changes) {
    if (c.change === 'activated') io.out(`ACTIVATED ${c.selector}._domainkey.${c.domain}: its record is published; new mail is signed with it and the previous key is kept published until its grace period ends`);
    else if (c.change === 'waiting') io.out(`PENDING ${c.selector}._domainkey.${c.domain}: ${c.detail ?? 'record not seen yet'}; the current key stays active`);
    else io.out(`RETIRED ${c.selector}._domainkey.${c.domain}: grace period over; its TXT record may be removed`);
  }
}

function printRecord(io: Io, k: DkimKeyRecord): void {
  io.out(`${k.recordName}. IN TXT ${dnsTxtStrings(k.publicDnsValue).map((s) => `"${s}"`).join(' ')}`);
}

export async function dkimCommand(args: string[], io: Io, loadConfig: ConfigLoader): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, domainArg] = positionals;
  const config = loadConfig(values.config);
  return withState(config, async (db, tenants) => {
    const keys = new DkimKeyStore(db, systemClock, config.platform.masterKey);
    switch (sub) {
      case 'generate': {
        if (!domainArg) throw new CliError(USAGE);
        const algo = values.algo ?? 'rsa2048';
        if (algo !== 'rsa2048' && algo !== 'ed25519') throw new CliError(`unknown --algo "${algo}": use rsa2048 or ed25519`);
        const { key: k, owner } = await generateKey(
          { keys, tenants, platformDomain: config.platform.domain, now: () => systemClock.now() },
          domainArg,
          { ...(values.selector !== undefined ? { selector: values.selector } : {}), algo },
        );
        if (values.json) {
          io.out(JSON.stringify({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, name: k.recordName, type: 'TXT', value: k.publicDnsValue, sealed: k.sealed }));
          return 0;
        }
        io.out(`created ${k.algorithm} key for ${k.domain} (selector ${k.selector}${owner ? `, tenant ${owner}` : ', platform'}${k.sealed ? ', sealed with the master key' : ''})`);
        io.out('publish this DNS TXT record:');
        io.out(`name:  ${k.recordName}`);
        io.out(`value: ${k.publicDnsValue}`);
        io.out('zone-file form:');
        printRecord(io, k);
        return 0;
      }
      case 'rotate': {
        if (!domainArg) throw new CliError(USAGE);
        const domain = domainArg.toLowerCase();
        const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout });
        if (values.check) {
          const changes = await checkRotations(keys, (n) => resolver.txt(n), systemClock.now(), domain);
          if (values.json) io.out(JSON.stringify(changes));
          else if (changes.length === 0) io.out(`${domain}: no rotation in progress`);
          else printChanges(io, changes);
          return changes.some((c) => c.change === 'waiting') ? 1 : 0;
        }
        const algo = values.algo ?? keys.list(domain).find((k) => k.state === 'active')?.algorithm.replace('rsa-sha256', 'rsa2048').replace('ed25519-sha256', 'ed25519') ?? 'rsa2048';
        if (algo !== 'rsa2048' && algo !== 'ed25519') throw new CliError(`unknown --algo "${algo}": use rsa2048 or ed25519`);
        const graceMs = parseDuration(values.grace ?? '7d');
        if (graceMs === null) throw new CliError(`invalid --grace "${values.grace ?? ''}" (use e.g. 2d, 7d, 12h)`);
        const taken = new Set(keys.list(domain).map((k) => k.selector));
        let selector = values.selector ?? defaultSelector(systemClock.now());
        if (!values.selector) for (let n = 2; taken.has(selector); n++) selector = `${defaultSelector(systemClock.now())}-${n}`;
        const k = await keys.rotate(domain, { selector, algo, graceMs });
        if (values.json) {
          io.out(JSON.stringify({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, state: k.state, name: k.recordName, type: 'TXT', value: k.publicDnsValue, graceMs, sealed: k.sealed }));
          return 0;
        }
        io.out(`created pending ${k.algorithm} key for ${k.domain} (selector ${k.selector}${k.sealed ? ', sealed with the master key' : ''})`);
        io.out('publish this DNS TXT record; the key becomes active once it is seen (outpost dkim rotate ' + k.domain + ' --check, or the gateway within platform.dkimCheckInterval):');
        io.out(`name:  ${k.recordName}`);
        io.out(`value: ${k.publicDnsValue}`);
        io.out('zone-file form:');
        printRecord(io, k);
        io.out(`the current key stays published and unused for ${values.grace ?? '7d'} after the switch, then is retired`);
        return 0;
      }
      case 'list': {
        const all = listKeys(keys);
        if (values.json) io.out(JSON.stringify(all));
        else io.out(all.length === 0 ? 'no DKIM keys' : table([['DOMAIN', 'SELECTOR', 'ALGORITHM', 'STATE', 'CREATED', 'AT REST', 'RETIRES'], ...all.map((k) => [k.domain, k.selector, k.algorithm, k.state, iso(k.createdAt), k.sealed ? 'sealed' : 'plain', k.state === 'retiring' ? iso(k.retireAt) : '-'])]));
        return 0;
      }
      case 'check': {
        if (!domainArg) throw new CliError(USAGE);
        const domain = domainArg.toLowerCase();
        const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout });
        // A pending rotation whose record is now visible is activated first.
        const changes = await checkRotations(keys, (n) => resolver.txt(n), systemClock.now(), domain);
        printChanges(io, changes);
        const active = keys.list(domain).filter((k) => k.state === 'active' || k.state === 'retiring');
        if (active.length === 0) throw new CliError(`${domain} has no active DKIM key (create one with: outpost dkim generate ${domain})`, 1);
        let ok = true;
        for (const k of active) {
          const r = await resolver.txt(k.recordName);
          if (r.kind === 'ok') {
            const match = r.records.some((v) => dnsValueMatches(v, k.publicDnsValue));
            ok &&= match;
            io.out(match ? `OK ${k.recordName}: the published TXT record matches the stored ${k.algorithm} key` : `MISMATCH ${k.recordName}: the published TXT record is not the stored key; publish:\n  ${k.publicDnsValue}`);
          } else {
            ok = false;
            const why = r.kind === 'error' ? `lookup failed (${r.detail})` : r.kind === 'nxdomain' ? 'the name does not exist' : 'the name has no TXT record';
            io.out(`MISSING ${k.recordName}: ${why}; publish:\n  ${k.publicDnsValue}`);
          }
        }
        return ok ? 0 : 1;
      }
      default:
        throw new CliError(USAGE);
    }
  });
}
