/**
 * Pool and IP operations shared by the CLI (`outpost pool …`) and the admin
 * API: the pools with their IPs and rotation state, and taking an IP out of
 * rotation or back in (PoolRegistry keeps the state in the state database).
 */
import type { PoolIp, PoolRegistry } from '../pools/registry.js';

export interface IpView {
  readonly pool: string;
  readonly ip: string;
  readonly helo: string;
  readonly rotation: 'in' | 'out';
  readonly reason: string;
  readonly changedAt: string | null;
}

export function ipView(x: PoolIp): IpView {
  return { pool: x.pool, ip: x.ip, helo: x.helo, rotation: x.enabled ? 'in' : 'out', reason: x.reason, changedAt: x.changedAt === null ? null : new Date(x.changedAt).toISOString() };
}

export function listPools(pools: PoolRegistry): Array<{ name: string; maxConnectionsPerDestination: number; maxConnectionsPerIp: number; messagesPerConnection: number; ips: IpView[] }> {
  return pools.names().map((name) => {
    const s = pools.settings(name);
    return { name, maxConnectionsPerDestination: s.maxConnectionsPerDestination, maxConnectionsPerIp: s.maxConnectionsPerIp, messagesPerConnection: s.messagesPerConnection, ips: pools.ips(name).map(ipView) };
  });
}

/** Takes `ip` out of rotation (new connections stop; open ones finish) or puts it back. */
export function setRotation(pools: PoolRegistry, ip: string, inRotation: boolean, reason?: string): IpView[] {
  if (inRotation) pools.enable(ip);
  else pools.disable(ip, reason ?? 'disabled by operator');
  return pools.all().filter((x) => x.ip === ip).map(ipView);
}
