/**
 * VERP return paths on the wire. Wraps the Decider: a tenant message routed
 * for delivery gets RouteDecision.wireMailFrom = bounces+TOKEN@bounceDomain.
 *
 * Per-recipient choice: the spool keeps one wire sender per message (jobs of
 * one message share it), and splitting every multi-recipient message into
 * one transaction per recipient (Postfix's VERP) would multiply connections
 * and DATA transfers. So the token names the message, the tenant and — when
 * the message has exactly one recipient — that recipient's index; for a
 * multi-recipient message it names the whole message, and the intake takes
 * the recipient from the DSN's own Final-Recipient (or ARF Original-Rcpt-To),
 * accepting only addresses that are in that message's envelope.
 *
 * The tenant appears as a tag (8 base32 characters of SHA-256 of its name),
 * not the name itself: names can be 63 characters and a local part only 64.
 * Bounces and other null-sender mail keep the null sender (a DSN is never
 * VERPed: RFC 5321 §4.5.5).
 */
import { createHash } from 'node:crypto';
import type { Decider } from '../pipeline/processor.js';
import type { IncomingMessage } from '../spool/spool.js';
import { base32Encode } from './base32.js';
import type { Verp } from './verp.js';

const tags = new Map<string, string>();

/** Short stable tag of a tenant name, carried in VERP tokens (memoised: one hash per tenant, not per message). */
export function tenantTag(tenantId: string): string {
  let tag = tags.get(tenantId);
  if (tag === undefined) {
    if (tags.size >= 10_000) tags.clear();
    tag = base32Encode(createHash('sha256').update(`outpost-tenant\0${tenantId}`).digest().subarray(0, 5));
    tags.set(tenantId, tag);
  }
  return tag;
}

/**
 * The VERP wire sender of a tenant message, or undefined (bounces and
 * null-sender mail keep theirs). Depends on the message alone, so the signer
 * can put its token in CFBL-Feedback-ID before the route is decided.
 */
export function verpAddressFor(verp: Verp, m: IncomingMessage): string | undefined {
  if (m.envelope.mailFrom === '' || m.source === 'bounce') return undefined;
  const single = m.envelope.rcptTo.length === 1;
  return verp.encode({ messageId: m.id, tenantId: tenantTag(m.tenantId), ...(single ? { rcptIndex: 0 } : {}) });
}

export function withVerp(inner: Decider, verp: Verp): Decider {
  return async (m, body) => {
    const d = await inner(m, body);
    if (d.route.kind !== 'deliver') return d;
    const wireMailFrom = verpAddressFor(verp, m);
    return wireMailFrom === undefined ? d : { ...d, wireMailFrom };
  };
}
