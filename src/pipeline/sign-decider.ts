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
 * Signing ahead (sign-ahead.ts, when given): the request is built before the
 * route is decided (nothing in it depends on the route) and registered, so
 * the scan signs the message in the same worker turn; a message routed for
 * delivery without such a signature (not scanned, skipped, failed) is
 * signed here as before.
 * Limits: the tenant key must be for the From domain itself (no signing of
 * a subdomain's mail with the parent's key).
 */
import { domainOf } from '../core/address.js';
import type { TenantId } from '../core/types.js';
import { parseMailboxes } from '../mail/addresses.js';
import { fieldValue, getField, splitMessage } from '../mail/headers.js';
import { formatFeedbackId, type SigningKey, type Signer } from '../sign/index.js';
import type { SignRequest } from '../sign/signer.js';
import type { IncomingMessage, SpoolEvent } from '../spool/spool.js';
import type { Decider } from './processor.js';
import type { SignAhead } from './sign-ahead.js';

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
  /** CFBL-Feedback-ID of a message (its VERP token, feedback/return-path.ts); the Feedback-ID when it returns undefined. */
  readonly cfblFeedbackId?: (m: IncomingMessage) => string | undefined;
  /** Sign in the scan's worker turn (sign-ahead.ts); without it, every routed message is signed after the decision. */
  readonly ahead?: SignAhead;
}

function token(v: string | undefined, fallback: string): string {
  const t = (v ?? '').trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return t === '' ? fallback : t;
}

/**
 * What was signed goes into the `routed` event (`signed: {feedbackId,
 * signatures, withScan}`; withScan: signed in the scan's worker turn): one
 * spool row per message fewer than an event of its own, on the spool
 * writer's hot path. A decider that records no `routed` event gets a
 * `signed` event instead.
 */
function withSigned(events: readonly SpoolEvent[], signed: Record<string, unknown>): SpoolEvent[] {
  const i = events.findIndex((e) => e.type === 'routed');
  if (i < 0) return [...events, { type: 'signed', data: signed }];
  return events.map((e, j) => (j === i ? { ...e, data: { ...e.data, signed } } : e));
}

/** The sign request of a message; depends on the message alone, not on its route. */
function signRequest(m: IncomingMessage, body: Buffer, o: SignDeciderOptions): SignRequest {
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
  const cfblId = !bounce && o.cfblAddress ? o.cfblFeedbackId?.(m) : undefined;
  const cfbl = !bounce && o.cfblAddress ? { cfblAddress: o.cfblAddress, ...(cfblId ? { cfblFeedbackId: cfblId } : {}) } : {};
  return { raw: body, tenant: { id: m.tenantId, ...(tenantKey ?? {}) }, feedbackId, ...cfbl };
}

export function withSigning(inner: Decider, o: SignDeciderOptions): Decider {
  return async (m, body) => {
    const req = signRequest(m, body, o);
    const ticket = o.ahead?.expect(m.id, req);
    let d;
    try {
      d = await inner(m, body);
    } finally {
      ticket?.close();
    }
    if (d.route.kind !== 'deliver') return d;
    const withScan = ticket?.result != null;
    const r = ticket?.result ?? (await o.signer.sign(req));
    if (r.strippedRaw) throw new Error('stored message still carries client Feedback-ID/CFBL fields; not sending it with signatures that would not verify');
    const signatures = r.signatures.map((s) => ({ role: s.role, d: s.domain, s: s.selector, a: s.algorithm }));
    return { ...d, prefix: d.prefix ? Buffer.concat([r.headerPrefix, d.prefix]) : r.headerPrefix, events: withSigned(d.events ?? [], { feedbackId: req.feedbackId, signatures, withScan }) };
  };
}
