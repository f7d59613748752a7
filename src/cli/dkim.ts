/**
 * `outpost dkim generate DOMAIN [--selector S] [--algo rsa2048|ed25519]`,
 * `outpost dkim list`, `outpost dkim check DOMAIN`: DKIM keys in the state
 * database (src/sign/key-store.ts), shared with a running gateway.
 *
 * generate prints the TXT record to publish (name and value, the value also
 * split into 255-octet strings for zone files); the private key is never
 * printed. A key may be made for a verified domain of some tenant or for
 * platform.domain. check asks the configured dns.servers (the gateway's own
 * resolver) and exits 0 only when the published record matches the active key.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { dnsServers } from '../delivery/wiring.js';
import { createResolver } from '../dns/resolver.js';
import { DkimKeyStore, dnsTxtStrings, dnsValueMatches, type DkimKeyRecord } from '../sign/index.js';
import { generateKey, listKeys } from '../admin/dkim.js';
import { CliError, iso, table, withState, type ConfigLoader, type Io } from './io.js';

const options = { config: { type: 'string' }, json: { type: 'boolean' }, selector: { type: 'string' }, algo: { type: 'string' } } as const;
const USAGE = 'usage: outpost dkim generate DOMAIN [--selector S] [--algo rsa2048|ed25519] | list | check DOMAIN';

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
      case 'list': {
        const all = listKeys(keys);
        if (values.json) io.out(JSON.stringify(all));
        else io.out(all.length === 0 ? 'no DKIM keys' : table([['DOMAIN', 'SELECTOR', 'ALGORITHM', 'STATE', 'CREATED', 'AT REST'], ...all.map((k) => [k.domain, k.selector, k.algorithm, k.state, iso(k.createdAt), k.sealed ? 'sealed' : 'plain'])]));
        return 0;
      }
      case 'check': {
        if (!domainArg) throw new CliError(USAGE);
        const domain = domainArg.toLowerCase();
        const active = keys.list(domain).filter((k) => k.state === 'active');
        if (active.length === 0) throw new CliError(`${domain} has no active DKIM key (create one with: outpost dkim generate ${domain})`, 1);
        const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout });
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
