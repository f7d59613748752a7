/**
 * Attribution: which tenant, message and recipients a received report is
 * about. Tried in order, first hit wins:
 *   1. VERP token — the address the report was sent to (SMTP envelope),
 *      the Return-Path / Original-Mail-From of the returned original, or
 *      its signed CFBL-Feedback-ID (RFC 9477; the same token). A token that
 *      does not verify (forged, altered, old secret) is ignored and noted
 *      (`forgedToken`).
 *   2. Feedback-ID of the original (`campaign:tenant:type:senderId`), only
 *      when the SenderId is ours and the tenant exists.
 *   3. DKIM: the original carries the platform signature (d=platform domain)
 *      and a signature whose d= is a domain verified for a tenant.
 *   4. Message-ID of the original, when it is one cleanup assigned
 *      (`<ID@hostname>`) and the spool knows that message.
 * Methods 2-4 also use the Message-ID to find the message when they can.
 * Recipients: a token naming a recipient index wins; otherwise the
 * report's recipients, kept only if they are in the message's envelope when
 * the message is known; a known single-recipient message fills in a report
 * that names nobody (redacted ARF).
 * Invariants: never throws for any report; unknown → { tenantId: undefined }.
 */
import { isMessageId } from '../core/ids.js';
import type { TenantId } from '../core/types.js';
import { parseFeedbackId } from '../sign/index.js';
import type { MessageView } from '../spool/spool.js';
import { tenantTag } from './return-path.js';
import type { FeedbackReport, FeedbackRecipient } from './types.js';
import type { Verp, VerpRef } from './verp.js';

export type AttributionMethod = 'verp' | 'feedback-id' | 'dkim' | 'message-id';

export interface Attribution {
  readonly tenantId?: TenantId;
  readonly messageId?: string;
  readonly method?: AttributionMethod;
  /** Recipients the report is about, each with what the report says of it. */
  readonly recipients: FeedbackRecipient[];
  /** A VERP address was offered whose token did not verify. */
  readonly forgedToken?: boolean;
}

export interface AttributionDeps {
  readonly verp: Verp;
  readonly platformDomain: string;
  readonly senderId: string;
  readonly getMessage: (id: string) => Promise<MessageView | null>;
  readonly tenantExists: (id: string) => boolean;
  /** Tenant that verified this domain, if any. */
  readonly domainOwner: (domain: string) => TenantId | undefined;
  /** Tenant whose tag (return-path.ts tenantTag) this is. */
  readonly tenantByTag: (tag: string) => TenantId | undefined;
}

function ourMessageId(headerId: string | undefined): string | undefined {
  const local = headerId?.split('@')[0]?.toUpperCase();
  return local && isMessageId(local) ? local : undefined;
}

export async function attribute(report: FeedbackReport, envelopeRcpts: readonly string[], d: AttributionDeps): Promise<Attribution> {
  let forgedToken = false;
  let ref: VerpRef | null = null;
  const offered = [...envelopeRcpts, report.original?.returnPath, report.complaint?.originalMailFrom].filter((a): a is string => !!a);
  for (const a of offered) {
    if (!d.verp.isVerpAddress(a)) continue;
    ref = d.verp.decode(a);
    if (ref) break;
    forgedToken = true;
  }
  // RFC 9477 complaints: the signed CFBL-Feedback-ID of the original carries the same token.
  for (const v of ref ? [] : report.original?.headers['cfbl-feedback-id'] ?? []) {
    ref = d.verp.decodeToken(v);
    if (ref) break;
    forgedToken = true;
  }
  const forged = forgedToken ? { forgedToken } : {};

  if (ref) {
    const msg = await d.getMessage(ref.messageId);
    if (msg && tenantTag(msg.tenantId) !== ref.tenantId) return { recipients: [], ...forged, forgedToken: true };
    const tenantId = msg?.tenantId ?? d.tenantByTag(ref.tenantId);
    if (tenantId) return { tenantId, messageId: ref.messageId, method: 'verp', recipients: pickRecipients(report, msg, ref.rcptIndex), ...forged };
  }

  const o = report.original;
  const byMid = ourMessageId(o?.messageId);
  const msg = byMid ? await d.getMessage(byMid) : null;
  const fbid = o?.feedbackId ? parseFeedbackId(o.feedbackId) : null;
  if (fbid && fbid.senderId === d.senderId && d.tenantExists(fbid.tenantId)) {
    const m = msg && msg.tenantId === fbid.tenantId ? msg : null;
    return { tenantId: fbid.tenantId, ...(m ? { messageId: m.id } : {}), method: 'feedback-id', recipients: pickRecipients(report, m), ...forged };
  }
  const sigs = o?.dkimSignatures ?? [];
  if (sigs.some((s) => s.d === d.platformDomain)) {
    for (const s of sigs) {
      const owner = s.d === d.platformDomain ? undefined : d.domainOwner(s.d);
      if (!owner) continue;
      const m = msg && msg.tenantId === owner ? msg : null;
      return { tenantId: owner, ...(m ? { messageId: m.id } : {}), method: 'dkim', recipients: pickRecipients(report, m), ...forged };
    }
  }
  if (msg) return { tenantId: msg.tenantId, messageId: msg.id, method: 'message-id', recipients: pickRecipients(report, msg), ...forged };
  return { recipients: report.recipients.filter((r) => r.rcpt !== ''), ...forged };
}

function pickRecipients(report: FeedbackReport, msg: MessageView | null, rcptIndex?: number): FeedbackRecipient[] {
  const named = report.recipients.filter((r) => r.rcpt !== '');
  const envelope = msg ? msg.recipients.map((r) => r.rcpt.toLowerCase()) : undefined;
  const base: FeedbackRecipient = report.recipients[0] ?? { rcpt: '', hard: undefined };
  if (rcptIndex !== undefined && envelope) {
    const rcpt = envelope[rcptIndex];
    if (rcpt === undefined) return [];
    // The report's line for this recipient (forwarding may have renamed it), else its first line.
    const line = named.find((r) => r.rcpt === rcpt) ?? base;
    return [{ ...line, rcpt }];
  }
  if (!envelope) return named;
  const inEnvelope = named.filter((r) => envelope.includes(r.rcpt));
  if (inEnvelope.length > 0) return inEnvelope;
  if (envelope.length === 1) return [{ ...base, rcpt: envelope[0]! }];
  return [];
}
