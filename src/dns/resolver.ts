/**
 * A caching stub resolver: asks the configured recursive servers and returns
 * typed results (see types.ts) with their TTLs.
 *
 * Why not node:dns: its Resolver reports TTLs only for A/AAAA (resolve4 with
 * {ttl: true}), never for MX or TXT, and it hides the SOA of negative answers.
 * We send our own queries (transport.ts), using the `dns2` package's Packet
 * encoder/decoder, so every answer carries its TTL and negative TTL.
 *
 * Behaviour:
 * - Servers are tried in order; a timeout, network error, SERVFAIL or REFUSED
 *   moves to the next server; the whole list is tried `rounds` times (default 2).
 *   If none gives an answer the result is `error` (transient).
 * - Positive answers are cached for their TTL (minimum over the answer RRs,
 *   CNAMEs included), clamped to [minTtlSec, maxTtlSec]. NXDOMAIN and NODATA
 *   are cached for the SOA negative TTL (min of SOA TTL and MINIMUM, RFC 2308),
 *   capped at negativeTtlSec (default 60 s). Errors are never cached.
 * - Concurrent identical questions share one query.
 * - Cache is LRU-bounded (maxEntries, default 10,000 answers).
 *
 * Known limits: names are lower-cased ASCII: IDNs must be converted to
 * punycode by the caller; no DNSSEC validation; no search domains.
 */
import { systemClock, type Clock } from '../core/clock.js';
import type { Packet as PacketT, Resource } from 'dns2';
import { TtlLruCache } from './ttl-cache.js';
import { DnsTransportError, parseServerAddress, queryServer, typeCode, type ServerAddress } from './transport.js';
import type { DnsRecordType, DnsResult, MxRecord, Resolver } from './types.js';

export interface ResolverOptions {
  /** 'host:port' of recursive resolvers; at least one. */
  servers: readonly string[];
  /** Per-server attempt timeout (UDP plus a TCP retry if truncated). */
  timeoutMs: number;
  clock?: Clock;
  /** Upper bound on how long an answer is cached (default 3600). */
  maxTtlSec?: number;
  /** Lower bound on how long a positive answer is cached (default 0: TTL 0 is not cached). */
  minTtlSec?: number;
  /** Cap on negative caching of NXDOMAIN / NODATA (default 60). */
  negativeTtlSec?: number;
  /** How many times the server list is walked before giving up (default 2). */
  rounds?: number;
  /** Maximum cached answers (default 10,000). */
  maxEntries?: number;
}

export interface ResolverStats {
  hits: number;
  misses: number;
  queriesSent: number;
  entries: number;
}

export interface CachingResolver extends Resolver {
  stats(): ResolverStats;
  clearCache(): void;
}

type Raw = Resource;
type Cached = { kind: 'ok'; records: readonly unknown[] } | { kind: 'nxdomain' } | { kind: 'nodata' };

const RCODE_NAMES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 4: 'NOTIMP', 5: 'REFUSED' };

export function createResolver(opts: ResolverOptions): CachingResolver {
  if (opts.servers.length === 0) throw new RangeError('createResolver: at least one DNS server is required');
  const servers: ServerAddress[] = opts.servers.map(parseServerAddress);
  const clock = opts.clock ?? systemClock;
  const maxTtl = opts.maxTtlSec ?? 3600;
  const minTtl = Math.min(opts.minTtlSec ?? 0, maxTtl);
  const negCap = opts.negativeTtlSec ?? 60;
  const rounds = Math.max(1, opts.rounds ?? 2);
  const cache = new TtlLruCache<Cached>(opts.maxEntries ?? 10_000, clock);
  const inflight = new Map<string, Promise<DnsResult<unknown>>>();
  const counters = { hits: 0, misses: 0, queriesSent: 0 };

  async function ask(name: string, type: DnsRecordType): Promise<DnsResult<unknown>> {
    let lastProblem = 'no servers';
    for (let round = 0; round < rounds; round++) {
      for (const server of servers) {
        counters.queriesSent++;
        let res: PacketT;
        try {
          res = await queryServer(server, name, type, opts.timeoutMs);
        } catch (err) {
          if (!(err instanceof DnsTransportError)) throw err;
          lastProblem = err.message;
          if (err.reason === 'malformed' && err.message.startsWith('cannot encode')) {
            return { kind: 'error', transient: true, detail: err.message };
          }
          continue;
        }
        const rcode = res.header.rcode;
        if (rcode === 0) return store(name, type, res);
        if (rcode === 3) return store(name, type, res);
        lastProblem = `${server.host}:${server.port} answered ${RCODE_NAMES[rcode] ?? `rcode ${rcode}`} for ${name}/${type}`;
      }
    }
    return { kind: 'error', transient: true, detail: lastProblem };
  }

  function store(name: string, type: DnsRecordType, res: PacketT): DnsResult<unknown> {
    const key = `${type} ${name}`;
    if (res.header.rcode === 3) {
      cache.set(key, { kind: 'nxdomain' }, negativeTtl(res) * 1000);
      return { kind: 'nxdomain' };
    }
    const wanted = typeCode(type);
    const rrs = res.answers.filter((r) => r && r.type === wanted);
    if (rrs.length === 0) {
      cache.set(key, { kind: 'nodata' }, negativeTtl(res) * 1000);
      return { kind: 'nodata' };
    }
    const ttlRaw = Math.min(...res.answers.filter((r) => r).map((r) => r.ttl));
    const ttl = Math.min(Math.max(ttlRaw, minTtl), maxTtl);
    const records = rrs.map((r) => convert(type, r));
    cache.set(key, { kind: 'ok', records }, ttl * 1000);
    return { kind: 'ok', records, ttl };
  }

  function negativeTtl(res: PacketT): number {
    const soa = res.authorities.find((r) => r && r.type === typeCode('SOA'));
    if (!soa) return negCap;
    return Math.max(0, Math.min(soa.ttl, soa.minimum ?? soa.ttl, negCap));
  }

  async function lookup<T>(rawName: string, type: DnsRecordType): Promise<DnsResult<T>> {
    const name = rawName.trim().toLowerCase().replace(/\.$/, '');
    if (name === '') return { kind: 'error', transient: true, detail: 'empty DNS name' };
    const key = `${type} ${name}`;
    const hit = cache.get(key);
    if (hit) {
      counters.hits++;
      const v = hit.value;
      if (v.kind === 'ok') return { kind: 'ok', records: v.records as T[], ttl: Math.ceil(hit.remainingMs / 1000) };
      return v;
    }
    counters.misses++;
    let p = inflight.get(key);
    if (!p) {
      p = ask(name, type).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return (await p) as DnsResult<T>;
  }

  return {
    mx: (d) => lookup<MxRecord>(d, 'MX'),
    a: (h) => lookup<string>(h, 'A'),
    aaaa: (h) => lookup<string>(h, 'AAAA'),
    txt: (n) => lookup<string>(n, 'TXT'),
    ptr: (n) => lookup<string>(n, 'PTR'),
    stats: () => ({ ...counters, entries: cache.size() }),
    clearCache: () => cache.clear(),
  };
}

function hostName(n: string | undefined): string {
  const s = (n ?? '').toLowerCase().replace(/\.$/, '');
  return s === '' ? '.' : s;
}

function convert(type: DnsRecordType, r: Raw): unknown {
  switch (type) {
    case 'A':
    case 'AAAA':
      return r.address ?? '';
    case 'MX':
      return { exchange: hostName(r.exchange), priority: r.priority ?? 0 } satisfies MxRecord;
    case 'TXT':
      return Array.isArray(r.data) ? r.data.join('') : (r.data ?? '');
    case 'PTR':
      return hostName(r.domain);
  }
}
