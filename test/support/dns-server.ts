/**
 * A real DNS server on loopback for tests, serving a declarative zone object.
 *
 * Built on the `dns2` package's UDP and TCP servers (same port for both, so a
 * client that gets a truncated UDP answer can retry over TCP). The zone is a
 * plain, mutable map of names to record sets; tests change it while the server
 * runs (`set`, `delete`, or by editing the object passed in) to simulate DNS
 * changes between delivery attempts.
 *
 *   const dns = await startDnsServer({ host: '127.0.53.1', zone: {
 *     'example.test': { MX: [{ exchange: 'mx1.example.test', priority: 10 }] },
 *     'mx1.example.test': { A: ['127.0.1.1'] },
 *     'nomail.test': { MX: [{ exchange: '.', priority: 0 }] },   // RFC 7505 null MX
 *     'broken.test': { rcode: 'SERVFAIL' },
 *     'slow.test': { drop: true },                                // never answers: client times out
 *     '*.dnsbl.test': { A: ['127.0.0.2'] },                       // wildcard
 *   }});
 *   resolverOptions.servers = [dns.server];   // '127.0.53.1:PORT'
 *
 * Invariants: names are matched case-insensitively without the trailing dot;
 * a name absent from the zone (and not covered by a wildcard) answers NXDOMAIN;
 * a present name without records of the asked type answers NOERROR/NODATA; both
 * negative answers carry an SOA in the authority section whose minimum is
 * `negativeTtl` (default 60 s), as RFC 2308 negative caching expects. TXT
 * strings longer than 255 bytes are split into several character-strings of one
 * record (as DKIM keys are published). CNAME is followed within the zone.
 *
 * Known limits: one zone, no delegation, no DNSSEC, no zone apex semantics
 * (every name is its own "zone" for the SOA); IPv4 listening only by default.
 */
import dns2 from 'dns2';
import type { DnsHandler, Packet as PacketT, Resource, TCPServer } from 'dns2';
import type { Socket } from 'node:net';

const { Packet } = dns2;
/** RFC 1035 §4.1.1 response codes (dns2 has them at run time but not in its typings). */
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface MxEntry {
  exchange: string;
  priority: number;
}

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  MX?: MxEntry[];
  /** One item per TXT record: a string (split at 255 bytes) or explicit character-strings. */
  TXT?: Array<string | string[]>;
  /** Alias: queries for other types are answered with the CNAME and the target's records. */
  CNAME?: string;
  PTR?: string[];
  /** TTL in seconds for every record of this name (default: the server's `ttl`). */
  ttl?: number;
  /** Answer every query for this name with this response code. */
  rcode?: 'SERVFAIL' | 'REFUSED' | 'NXDOMAIN' | 'FORMERR' | 'NOTIMP';
  /** Never answer queries for this name (the client times out). */
  drop?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type Zone = Record<string, ZoneEntry>;

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'SOA' | 'OTHER';

export interface QueryLogEntry {
  name: string;
  type: RecordType;
  transport: 'udp' | 'tcp';
}

export interface StartDnsServerOptions {
  host: string;
  /** 0 (default) picks a free port; UDP and TCP share it. */
  port?: number;
  zone?: Zone;
  /** Default TTL for records (seconds). Default 300. */
  ttl?: number;
  /** SOA minimum / TTL used for NXDOMAIN and NODATA answers. Default 60. */
  negativeTtl?: number;
  /** Also serve over TCP on the same port. Default true. */
  tcp?: boolean;
}

export interface DnsTestServer {
  readonly host: string;
  readonly port: number;
  /** 'host:port', ready for a resolver's `servers` list. */
  readonly server: string;
  /** The live zone object; editing it changes answers immediately. */
  readonly zone: Zone;
  set(name: string, entry: ZoneEntry): void;
  delete(name: string): void;
  /** Number of queries answered or dropped, optionally only for a name and/or type. */
  queryCount(name?: string, type?: RecordType): number;
  readonly queries: readonly QueryLogEntry[];
  resetQueries(): void;
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, RecordType> = {
  [Packet.TYPE.A]: 'A',
  [Packet.TYPE.AAAA]: 'AAAA',
  [Packet.TYPE.MX]: 'MX',
  [Packet.TYPE.TXT]: 'TXT',
  [Packet.TYPE.CNAME]: 'CNAME',
  [Packet.TYPE.PTR]: 'PTR',
  [Packet.TYPE.SOA]: 'SOA',
};

const RCODES = {
  SERVFAIL: RCODE.SERVFAIL,
  REFUSED: RCODE.REFUSED,
  NXDOMAIN: RCODE.NXDOMAIN,
  FORMERR: RCODE.FORMERR,
  NOTIMP: RCODE.NOTIMP,
} as const;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Splits a TXT value into character-strings of at most 255 bytes (UTF-8 safe for ASCII keys). */
export function splitTxt(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length === 0) return [Buffer.alloc(0)];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  return out;
}

function lookup(zone: Zone, name: string): { owner: string; entry: ZoneEntry } | undefined {
  const n = norm(name);
  for (const [k, v] of Object.entries(zone)) if (norm(k) === n) return { owner: n, entry: v };
  // Wildcard: the closest '*.suffix' that covers the name.
  const labels = n.split('.');
  for (let i = 1; i < labels.length; i++) {
    const wild = '*.' + labels.slice(i).join('.');
    for (const [k, v] of Object.entries(zone)) if (norm(k) === wild) return { owner: n, entry: v };
  }
  return undefined;
}

type Res = Resource;

function recordsOf(owner: string, entry: ZoneEntry, qtype: number, ttl: number): Res[] {
  const base = { name: owner, class: Packet.CLASS.IN, ttl };
  const out: Array<Record<string, unknown>> = [];
  switch (qtype) {
    case Packet.TYPE.A:
      for (const address of entry.A ?? []) out.push({ ...base, type: Packet.TYPE.A, address });
      break;
    case Packet.TYPE.AAAA:
      for (const address of entry.AAAA ?? []) out.push({ ...base, type: Packet.TYPE.AAAA, address });
      break;
    case Packet.TYPE.MX:
      for (const mx of entry.MX ?? [])
        out.push({ ...base, type: Packet.TYPE.MX, exchange: mx.exchange === '.' ? '' : mx.exchange, priority: mx.priority });
      break;
    case Packet.TYPE.TXT:
      for (const t of entry.TXT ?? [])
        out.push({ ...base, type: Packet.TYPE.TXT, data: Array.isArray(t) ? t.map((s) => Buffer.from(s, 'utf8')) : splitTxt(t) });
      break;
    case Packet.TYPE.PTR:
      for (const domain of entry.PTR ?? []) out.push({ ...base, type: Packet.TYPE.PTR, domain });
      break;
    case Packet.TYPE.CNAME:
      if (entry.CNAME) out.push({ ...base, type: Packet.TYPE.CNAME, domain: entry.CNAME });
      break;
  }
  return out as unknown as Res[];
}

function soaFor(owner: string, negativeTtl: number): Res {
  return {
    name: owner,
    type: Packet.TYPE.SOA,
    class: Packet.CLASS.IN,
    ttl: negativeTtl,
    primary: 'ns.test',
    admin: 'hostmaster.test',
    serial: 1,
    refresh: 3600,
    retry: 600,
    expiration: 86400,
    minimum: negativeTtl,
  } as unknown as Res;
}

export async function startDnsServer(opts: StartDnsServerOptions): Promise<DnsTestServer> {
  const zone: Zone = opts.zone ?? {};
  const defaultTtl = opts.ttl ?? 300;
  const negativeTtl = opts.negativeTtl ?? 60;
  const withTcp = opts.tcp ?? true;
  const log: QueryLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const answer = (request: PacketT, transport: 'udp' | 'tcp'): PacketT | null => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    const q = request.questions[0];
    if (!q) {
      response.header.rcode = RCODE.FORMERR;
      return response;
    }
    log.push({ name: norm(q.name), type: TYPE_NAMES[q.type] ?? 'OTHER', transport });
    let found = lookup(zone, q.name);
    if (found?.entry.drop) return null;
    if (found?.entry.rcode) {
      response.header.rcode = RCODES[found.entry.rcode];
      return response;
    }
    // Follow CNAMEs within the zone (bounded), collecting the chain.
    for (let hops = 0; found && found.entry.CNAME && q.type !== Packet.TYPE.CNAME && hops < 8; hops++) {
      response.answers.push(...recordsOf(found.owner, found.entry, Packet.TYPE.CNAME, found.entry.ttl ?? defaultTtl));
      const target = lookup(zone, found.entry.CNAME);
      if (!target) {
        response.header.rcode = RCODE.NXDOMAIN;
        response.authorities.push(soaFor(norm(found.entry.CNAME), negativeTtl));
        return response;
      }
      found = target;
    }
    if (!found) {
      response.header.rcode = RCODE.NXDOMAIN;
      response.authorities.push(soaFor(norm(q.name), negativeTtl));
      return response;
    }
    const recs = recordsOf(found.owner, found.entry, q.type, found.entry.ttl ?? defaultTtl);
    response.answers.push(...recs);
    if (recs.length === 0) response.authorities.push(soaFor(found.owner, negativeTtl));
    return response;
  };

  const handler =
    (transport: 'udp' | 'tcp') =>
    (request: PacketT, send: (r: PacketT) => Promise<Buffer>): void => {
      const q = request.questions[0];
      const entry = q ? lookup(zone, q.name)?.entry : undefined;
      const reply = (): void => {
        if (closed) return;
        const r = answer(request, transport);
        if (r) send(r).catch(() => undefined);
      };
      const delay = entry?.delayMs ?? 0;
      if (delay > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, delay);
        timers.add(t);
      } else reply();
    };

  const udp = dns2.createUDPServer();
  udp.on('request', handler('udp') as unknown as DnsHandler);
  udp.on('requestError', () => undefined);
  udp.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(opts.port ?? 0, opts.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;

  let tcp: TCPServer | undefined;
  if (withTcp) {
    tcp = dns2.createTCPServer();
    tcp.on('request', handler('tcp') as unknown as DnsHandler);
    tcp.on('requestError', () => undefined);
    const t = tcp;
    try {
      await new Promise<void>((resolve, reject) => {
        t.once('error', reject);
        t.listen(port, opts.host, () => {
          t.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      // TCP port taken by someone else: serve UDP only rather than fail the test run.
      tcp = undefined;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        udp.close();
        throw err;
      }
    }
  }
  const tcpSockets = new Set<Socket>();
  tcp?.on('connection', (s: Socket) => {
    tcpSockets.add(s);
    s.on('close', () => tcpSockets.delete(s));
  });

  const remove = (name: string): void => {
    const n = norm(name);
    for (const k of Object.keys(zone)) if (norm(k) === n) delete zone[k];
  };

  return {
    host: opts.host,
    port,
    server: `${opts.host}:${port}`,
    zone,
    set(name, entry) {
      remove(name);
      zone[norm(name)] = entry;
    },
    delete: remove,
    queryCount(name, type) {
      const n = name === undefined ? undefined : norm(name);
      return log.filter((e) => (n === undefined || e.name === n) && (type === undefined || e.type === type)).length;
    },
    get queries() {
      return log;
    },
    resetQueries() {
      log.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const waits: Array<Promise<void>> = [new Promise((r) => udp.close(() => r()))];
      if (tcp) {
        const t = tcp;
        for (const s of tcpSockets) s.destroy();
        waits.push(new Promise((r) => t.close(() => r())));
      }
      await Promise.all(waits);
    },
  };
}

