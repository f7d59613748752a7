/**
 * The headers Outpost adds to name the tenant to receivers, added before
 * signing so the DKIM signatures cover them:
 *   Feedback-ID: <campaign>:<tenant>:<mail type>:<sender id>   (Gmail FBL)
 *   CFBL-Address: <address>; report=arf                          (RFC 9477)
 *   CFBL-Feedback-ID: <same value as Feedback-ID>                (RFC 9477 3.2)
 * Invariants: values never contain CR, LF or control characters; Gmail's
 * Feedback-ID has at most four colon-separated fields, the last (SenderId) is
 * 5-15 characters; client-supplied copies are removed by the signer
 * (STRIPPED_FIELDS) so each appears exactly once.
 * Limits: Gmail documents no character set for the fields; we allow
 * [A-Za-z0-9._-] so values survive every relay and log format.
 */
import { parseAddress } from '../core/address.js';
import { SignError } from './errors.js';

export const STRIPPED_FIELDS: ReadonlySet<string> = new Set(['feedback-id', 'cfbl-address', 'cfbl-feedback-id']);

const FIELD = /^[A-Za-z0-9._-]*$/;

export interface FeedbackIdParts {
  /** Campaign or other grouping chosen by the tenant; '' when none. */
  readonly campaign?: string;
  readonly tenantId: string;
  /** e.g. 'transactional', 'marketing'; '' when unknown. */
  readonly mailType?: string;
  /** The platform's stable SenderId, 5-15 characters. */
  readonly senderId: string;
}

export function formatFeedbackId(p: FeedbackIdParts): string {
  const value = [p.campaign ?? '', p.tenantId, p.mailType ?? '', p.senderId].join(':');
  validateFeedbackId(value);
  return value;
}

/** Throws SignError('bad-option') unless the value is a well-formed Gmail Feedback-ID. */
export function validateFeedbackId(value: string): void {
  const parts = value.split(':');
  const sender = parts[parts.length - 1] ?? '';
  if (parts.length < 2 || parts.length > 4 || !parts.every((p) => FIELD.test(p)) || sender.length < 5 || sender.length > 15) {
    throw new SignError('bad-option', `malformed Feedback-ID "${value.replace(/[^\x20-\x7e]/g, '?')}": 2-4 fields of [A-Za-z0-9._-], SenderId last, 5-15 characters`);
  }
}

/** Parses a Feedback-ID value into its parts (SenderId is always the last field). */
export function parseFeedbackId(value: string): FeedbackIdParts | null {
  const parts = value.trim().split(':');
  if (parts.length < 2 || parts.length > 4) return null;
  const senderId = parts[parts.length - 1]!;
  if (parts.length === 4) return { campaign: parts[0]!, tenantId: parts[1]!, mailType: parts[2]!, senderId };
  if (parts.length === 3) return { campaign: parts[0]!, tenantId: parts[1]!, senderId };
  return { tenantId: parts[0]!, senderId };
}

/** The header block (CRLF-terminated) to put in front of the message before signing. */
/**
 * Feedback-ID, and with a CFBL address the RFC 9477 fields. CFBL-Feedback-ID
 * is `cfblFeedbackId` when given (the gateway passes the message's
 * HMAC-authenticated VERP token, so a complaint names the message), else the
 * Feedback-ID.
 */
export function tenantHeaderLines(feedbackId: string, cfblAddress?: string, cfblFeedbackId?: string): string {
  validateFeedbackId(feedbackId);
  let out = `Feedback-ID: ${feedbackId}\r\n`;
  if (cfblAddress !== undefined) {
    if (!parseAddress(cfblAddress)) throw new SignError('bad-option', 'malformed CFBL address');
    if (cfblFeedbackId !== undefined && !/^[A-Za-z0-9+._:-]{1,200}$/.test(cfblFeedbackId)) throw new SignError('bad-option', 'malformed CFBL-Feedback-ID');
    out += `CFBL-Address: ${cfblAddress}; report=arf\r\nCFBL-Feedback-ID: ${cfblFeedbackId ?? feedbackId}\r\n`;
  }
  return out;
}
