/**
 * The policy decider (replaces the earlier scan decider): scan the message
 * (worker threads), look the sender domain up, and route it by the tenant's
 * policy on top of the configured defaults (decide.ts). The verdict is stored
 * on the message; two events explain it: `scanned` (class, score, reasons,
 * fingerprint) and `routed` (the RouteExplanation: which row, which override,
 * which adjustments — "why this route").
 *
 * Generated bounces and alerts are never scanned. A released message
 * (quarantine release) is always scanned again; a forced pool only changes
 * where it goes. A scanner fault yields a clean verdict with a
 * `scanner-error` reason (the scanner's own contract): it never blocks mail.
 * A DNS fault on the sender-domain lookup is recorded as status `unknown`
 * and changes nothing.
 */
import { domainOf } from '../core/address.js';
import type { MessageId, PoolName, TenantId, Verdict } from '../core/types.js';
import type { Decider } from '../pipeline/processor.js';
import type { ReleaseRequest } from '../quarantine/types.js';
import type { ScanContext } from '../scan/index.js';
import type { RouteDecision, SpoolEvent } from '../spool/spool.js';
import type { PolicyOverrides, PolicyTable } from './action.js';
import { decideRoute, type RouteExplanation } from './decide.js';
import type { SenderDomainCheck } from './sender-domain.js';

export interface PolicyDeciderOptions {
  /** The scanner; absent when scanning is off (every message counts as clean). */
  readonly scan?: (raw: Buffer, ctx: ScanContext) => Promise<Verdict>;
  readonly defaults: PolicyTable;
  readonly overrides: (tenantId: TenantId) => PolicyOverrides;
  readonly bouncePool: PoolName;
  readonly noMailDomainPool: PoolName;
  /** Sender-domain lookup (MX, A/AAAA); absent: not checked. */
  readonly senderDomain?: SenderDomainCheck;
  /** The operator's release request for a message, if it was released from quarantine. */
  readonly releaseOf?: (id: MessageId) => ReleaseRequest | null | Promise<ReleaseRequest | null>;
}

export interface PolicyStats {
  readonly deliver: number;
  readonly quarantine: number;
  readonly reject: number;
  readonly drop: number;
}

export type PolicyDecider = Decider & { stats(): PolicyStats };

export function scannedEvent(v: Verdict): SpoolEvent {
  return {
    type: 'scanned',
    data: { class: v.class, score: Math.round(v.score * 1000) / 1000, fingerprint: v.fingerprint, reasons: v.reasons.slice(0, 8).map((r) => ({ rule: r.rule, weight: r.weight, detail: r.detail })) },
  };
}

export function routedEvent(e: RouteExplanation): SpoolEvent {
  return { type: 'routed', data: { ...e } };
}

export function createPolicyDecider(o: PolicyDeciderOptions): PolicyDecider {
  const counts = { deliver: 0, quarantine: 0, reject: 0, drop: 0 };
  const decide = async (m: Parameters<Decider>[0], body: Buffer): Promise<RouteDecision> => {
    const internal = m.source === 'bounce' || m.source === 'alert';
    // Only a message claimed from the spool can carry a release (a fresh one was never quarantined): no read per new message.
    const release = internal || m.fresh || !o.releaseOf ? null : await o.releaseOf(m.id);
    let verdict: Verdict | undefined;
    let senderDomain: { domain: string; status: Awaited<ReturnType<SenderDomainCheck>> } | undefined;
    if (!internal) {
      const domain = m.envelope.mailFrom.includes('@') ? domainOf(m.envelope.mailFrom).toLowerCase() : '';
      const [v, status] = await Promise.all([
        o.scan ? o.scan(body, { tenantId: m.tenantId, messageId: m.id, recipientCount: m.envelope.rcptTo.length, mailFrom: m.envelope.mailFrom, receivedAt: m.receivedAt }) : undefined,
        o.senderDomain && domain ? o.senderDomain(domain) : undefined,
      ]);
      verdict = v;
      if (status) senderDomain = { domain, status };
    }
    const { route, explanation } = decideRoute({
      source: m.source, defaults: o.defaults, overrides: internal ? {} : o.overrides(m.tenantId),
      bouncePool: o.bouncePool, noMailDomainPool: o.noMailDomainPool,
      ...(verdict ? { verdict } : {}), ...(senderDomain ? { senderDomain } : {}),
      ...(release ? { release } : {}),
    });
    counts[route.kind === 'deliver' ? 'deliver' : route.kind]++;
    return { route, ...(verdict ? { verdict } : {}), events: [...(verdict ? [scannedEvent(verdict)] : []), routedEvent(explanation)] };
  };
  return Object.assign(decide, { stats: (): PolicyStats => ({ ...counts }) });
}
