/**
 * Signing in the processing stage: wraps whatever Decider is in use (scan,
 * basic, a test's) and, for messages routed for delivery, asks the signer for
 * the header block to prepend (RouteDecision.prefix): Feedback-ID, the tenant
 * DKIM signature and the platform DKIM signature.
 *
 * - Tenant signature: only when the tenant has an active key for exactly the
 *   header From domain and still owns that domain, so d= is aligned with From.
 * - Platform signature: always (d = platform.domain).
 * - Bounces (source 'bounce') get the platform signature only.
 * - Feedback-ID: `<campaign>:<tenant>:<mail type>:<senderId>`; campaign from
 *   the client's X-Campaign header, mail type from X-Mail-Type ('bounce' for
 *   bounces), both reduced to [A-Za-z0-9._-] (at most 64 characters), 'none'
 *   and 'mail' when absent.
 * Invariants: cleanup already removed client Feedback-ID / CFBL-* fields, so
 * the stored body is what gets signed and sent; if the signer still finds
 * some (a body spooled before that), signing fails rather than send a message
 * whose signatures do not verify. Any signing failure throws: the processor
 * logs it, records a processing-error event and leaves the message in the
 * spool (retried after a restart) — mail is deferred, never lost and never
 * sent unsigned.
 * Limits: the tenant key must be for the From domain itself (no signing of
 * a subdomain's mail with the parent's key).
 */
import { domainOf } from '../core/address.js';
import type { TenantId } from '../core/types.js';
import { parseMailboxes } from '../mail/addresses.js';
import { fieldValue, getField, splitMessage } from '../mail/headers.js';
import { formatFeedbackId, type SigningKey, type Signer } from '../sign/index.js';
import type { RouteDecision, SpoolEvent } from '../spool/spool.js';
import type { Decider } from './processor.js';

export interface SignDeciderOptions {
  readonly signer: Signer;
  /** The active key of a domain (DkimKeyStore.active). */
  readonly tenantKey: (domain: string) => SigningKey | null;
  /** Does the tenant (still) own this verified domain? */
  readonly ownsDomain: (tenantId: TenantId, domain: string) => boolean;
  /** The Feedback-ID SenderId (config platform.senderId). */
  readonly senderId: string;
  /** RFC 9477: CFBL-Address for tenant mail (the platform's FBL address), covered by both signatures. */
  readonly cfblAddress?: string;
  /** CFBL-Feedback-ID for a routed message (the VERP token); the Feedback-ID when it returns undefined. */
  readonly cfblFeedbackId?: (d: RouteDecision) => string | undefined;
}

function token(v: string | undefined, fallback: string): string {
  const t = (v ?? '').trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return t === '' ? fallback : t;
}

/**
 * What was signed goes into the `routed` event (`signed: {feedbackId,
 * signatures}`): one spool row per message fewer than an event of its own,
 * on the spool writer's hot path. A decider that records no `routed` event
 * gets a `signed` event instead.
 */
function withSigned(events: readonly SpoolEvent[], signed: Record<string, unknown>): SpoolEvent[] {
  const i = events.findIndex((e) => e.type === 'routed');
  if (i < 0) return [...events, { type: 'signed', data: signed }];
  return events.map((e, j) => (j === i ? { ...e, data: { ...e.data, signed } } : e));
}

export function withSigning(inner: Decider, o: SignDeciderOptions): Decider {
  return async (m, body) => {
    const d = await inner(m, body);
    if (d.route.kind !== 'deliver') return d;
    const { fields } = splitMessage(body);
    const header = (k: string): string | undefined => {
      const f = getField(fields, k);
      return f ? fieldValue(f) : undefined;
    };
    const bounce = m.source === 'bounce';
    const feedbackId = formatFeedbackId({
      campaign: token(header('x-campaign'), 'none'),
      tenantId: m.tenantId,
      mailType: bounce ? 'bounce' : token(header('x-mail-type'), 'mail'),
      senderId: o.senderId,
    });
    let tenantKey: SigningKey | null = null;
    if (!bounce) {
      const from = parseMailboxes(header('from') ?? '')[0];
      const fromDomain = from ? domainOf(from.address).toLowerCase() : undefined;
      if (fromDomain && o.ownsDomain(m.tenantId, fromDomain)) tenantKey = o.tenantKey(fromDomain);
    }
    const cfblId = !bounce && o.cfblAddress ? o.cfblFeedbackId?.(d) : undefined;
    const cfbl = !bounce && o.cfblAddress ? { cfblAddress: o.cfblAddress, ...(cfblId ? { cfblFeedbackId: cfblId } : {}) } : {};
    const r = await o.signer.sign({ raw: body, tenant: { id: m.tenantId, ...(tenantKey ?? {}) }, feedbackId, ...cfbl });
    if (r.strippedRaw) throw new Error('stored message still carries client Feedback-ID/CFBL fields; not sending it with signatures that would not verify');
    const signatures = r.signatures.map((s) => ({ role: s.role, d: s.domain, s: s.selector, a: s.algorithm }));
    return { ...d, prefix: d.prefix ? Buffer.concat([r.headerPrefix, d.prefix]) : r.headerPrefix, events: withSigned(d.events ?? [], { feedbackId, signatures }) };
  };
}
