/**
 * One DNS question to one server: UDP first (with EDNS0, 1232-byte payload),
 * then TCP when the UDP answer is truncated. Returns the decoded packet or a
 * typed transport failure; it never retries (the resolver decides that).
 *
 * Why not dns2's UDPClient/TCPClient: they do not let us bound the TCP retry
 * after a truncated answer (its TCP client has no timeout), do not advertise
 * EDNS0 (so DKIM keys over 512 bytes always fall back to TCP), and do not check
 * that the answer matches our question. We keep dns2 for what it does well:
 * encoding and decoding DNS packets (Packet).
 *
 * Invariants: a UDP answer is accepted only from the queried address and port,
 * with our random 16-bit id, QR set and the same question (RFC 5452 §3); every
 * socket is closed before the promise settles; the whole exchange (UDP + TCP)
 * is bounded by `timeoutMs`.
 *
 * Known limits: one socket per question (no connection reuse); no DNS cookies,
 * no DNSSEC validation (we trust the configured recursive resolver).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import dns2 from 'dns2';
import type { Packet as PacketT, Question, Resource } from 'dns2';
import type { DnsRecordType } from './types.js';

const { Packet } = dns2;

export type DnsPacket = PacketT;

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export class DnsTransportError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'malformed',
    detail: string,
  ) {
    super(detail);
    this.name = 'DnsTransportError';
  }
}

export class DnsConfigError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'DnsConfigError';
  }
}

/** Parses 'host:port', '[v6]:port', 'host' or 'v6' (port 53). */
export function parseServerAddress(s: string): ServerAddress {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return checked(v6[1]!, v6[2]);
  if (net.isIPv6(s)) return checked(s, undefined);
  const i = s.lastIndexOf(':');
  return i < 0 ? checked(s, undefined) : checked(s.slice(0, i), s.slice(i + 1));
}

function checked(host: string, portText: string | undefined): ServerAddress {
  const port = portText === undefined ? 53 : Number(portText);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DnsConfigError(`invalid DNS server address "${host}${portText ? ':' + portText : ''}"`);
  }
  return { host, port };
}

const TYPE_CODES: Record<DnsRecordType | 'SOA' | 'CNAME', number> = {
  A: Packet.TYPE.A,
  AAAA: Packet.TYPE.AAAA,
  MX: Packet.TYPE.MX,
  TXT: Packet.TYPE.TXT,
  PTR: Packet.TYPE.PTR,
  SOA: Packet.TYPE.SOA,
  CNAME: Packet.TYPE.CNAME,
};

export function typeCode(t: keyof typeof TYPE_CODES): number {
  return TYPE_CODES[t];
}

function buildQuery(id: number, name: string, type: DnsRecordType): Buffer {
  const q = new Packet();
  q.header.id = id;
  q.header.rd = 1;
  q.questions.push({ name, type: TYPE_CODES[type], class: Packet.CLASS.IN } as Question);
  // dns2's typings omit EDNS's second (options) parameter; it exists at run time.
  const edns = Packet.Resource.EDNS as unknown as (rdata: object[], o: { udpPayloadSize: number }) => Resource;
  q.additionals.push(edns([], { udpPayloadSize: 1232 }));
  return q.toBuffer();
}

function matches(res: PacketT, id: number, name: string, type: DnsRecordType): boolean {
  const q = res.questions[0];
  return (
    res.header.id === id &&
    res.header.qr === 1 &&
    q !== undefined &&
    q.type === TYPE_CODES[type] &&
    q.name.toLowerCase().replace(/\.$/, '') === name
  );
}

/** Sends one question; resolves with the server's answer (any rcode) or rejects with DnsTransportError. */
export async function queryServer(
  server: ServerAddress,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
): Promise<DnsPacket> {
  const deadline = Date.now() + timeoutMs;
  const id = randomInt(0x10000);
  let query: Buffer;
  try {
    query = buildQuery(id, name, type);
  } catch (err) {
    throw new DnsTransportError('malformed', `cannot encode query for "${name}": ${(err as Error).message}`);
  }
  const udpAnswer = await udpExchange(server, query, id, name, type, timeoutMs);
  if (!udpAnswer.header.tc) return udpAnswer;
  const left = deadline - Date.now();
  if (left <= 0) throw new DnsTransportError('timeout', `truncated answer from ${server.host}:${server.port} and no time left for TCP`);
  return tcpExchange(server, query, id, name, type, left);
}

function udpExchange(
  server: ServerAddress,
  query: Buffer,
  id: number,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
): Promise<DnsPacket> {
  const where = `${server.host}:${server.port}`;
  const checkAddress = net.isIP(server.host) !== 0;
  const sock = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
  return new Promise<DnsPacket>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, res?: DnsPacket): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.removeAllListeners('message');
      sock.on('error', () => undefined);
      sock.close();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new DnsTransportError('timeout', `no answer from ${where} within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (err) => finish(new DnsTransportError('network', `${where}: ${err.message}`)));
    sock.on('message', (msg, rinfo) => {
      if (rinfo.port !== server.port || (checkAddress && rinfo.address !== server.host)) return;
      let res: DnsPacket;
      try {
        res = Packet.parse(msg);
      } catch {
        return; // garbage: keep waiting for the real answer until the timeout
      }
      if (matches(res, id, name, type)) finish(null, res);
    });
    sock.send(query, server.port, server.host, (err) => {
      if (err) finish(new DnsTransportError('network', `${where}: ${err.message}`));
    });
  });
}

function tcpExchange(
  server: ServerAddress,
  query: Buffer,
  id: number,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
): Promise<DnsPacket> {
  const where = `tcp ${server.host}:${server.port}`;
  return new Promise<DnsPacket>((resolve, reject) => {
    let done = false;
    let buf = Buffer.alloc(0);
    const sock = net.connect({ host: server.host, port: server.port });
    const finish = (err: Error | null, res?: DnsPacket): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new DnsTransportError('timeout', `no answer from ${where} within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (err) => finish(new DnsTransportError('network', `${where}: ${err.message}`)));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const n = buf.readUInt16BE(0);
        if (buf.length < 2 + n) return;
        const msg = buf.subarray(2, 2 + n);
        buf = buf.subarray(2 + n);
        let res: DnsPacket;
        try {
          res = Packet.parse(msg);
        } catch {
          finish(new DnsTransportError('malformed', `${where}: undecodable answer`));
          return;
        }
        if (matches(res, id, name, type)) {
          finish(null, res);
          return;
        }
      }
    });
    sock.on('end', () => finish(new DnsTransportError('network', `${where}: connection closed before an answer`)));
  });
}
