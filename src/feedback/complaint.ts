/**
 * Complaint reports: RFC 5965 ARF (message/feedback-report), and the two
 * non-ARF forms still seen: Microsoft's JMRP (a message/rfc822 attachment
 * carrying X-HmXmrOriginalRecipient) and Apple Mail's unsubscribe message
 * (X-Apple-Unsubscribe: true).
 *
 * Recipients: Original-Rcpt-To (ARF) or Removal-Recipient (pre-RFC drafts);
 * else the complainant named by the non-ARF form; else the To of the
 * attached original when it holds exactly one address.
 * Invariants: never throws; feedbackType lower case ('abuse' when absent).
 */
import { addressValue, first, type Fields } from './fields.js';
import { originalRecipients } from './original.js';
import type { ComplaintInfo, FeedbackRecipient, OriginalMessage } from './types.js';

function complainants(addrs: Array<string | undefined>): FeedbackRecipient[] {
  const seen = new Set<string>();
  const out: FeedbackRecipient[] = [];
  for (const a of addrs) {
    if (!a || seen.has(a)) continue;
    seen.add(a);
    out.push({ rcpt: a, hard: undefined, reason: 'feedback' });
  }
  return out;
}

/** Fields of a message/feedback-report part → complaint details and recipients. */
export function readArf(f: Fields, original: OriginalMessage | undefined): { complaint: ComplaintInfo; recipients: FeedbackRecipient[] } {
  const complaint: ComplaintInfo = { feedbackType: (first(f, 'feedback-type') ?? 'abuse').trim().toLowerCase() };
  const set = <K extends keyof ComplaintInfo>(k: K, v: ComplaintInfo[K] | undefined): void => {
    if (v !== undefined && v !== '') complaint[k] = v;
  };
  set('userAgent', first(f, 'user-agent'));
  set('sourceIp', first(f, 'source-ip'));
  set('arrivalDate', first(f, 'arrival-date') ?? first(f, 'received-date'));
  set('originalMailFrom', addressValue(first(f, 'original-mail-from')));
  set('reportedDomain', first(f, 'reported-domain'));
  set('reportingMta', first(f, 'reporting-mta'));
  const rcptTo = [...(f.get('original-rcpt-to') ?? []), ...(f.get('removal-recipient') ?? [])].map((v) => addressValue(v));
  if (rcptTo.some(Boolean)) set('originalRcptTo', rcptTo.filter((x): x is string => !!x));
  let recipients = complainants(rcptTo);
  if (recipients.length === 0) {
    const to = originalRecipients(original);
    if (to.length === 1) recipients = complainants(to);
  }
  return { complaint, recipients };
}

/** Microsoft JMRP: the complaint is the attached original with X-HmXmrOriginalRecipient. */
export function readJmrp(original: OriginalMessage | undefined, subject: string): { complaint: ComplaintInfo; recipients: FeedbackRecipient[] } | null {
  const rcpt = addressValue(original?.headers['x-hmxmroriginalrecipient']?.[0]);
  if (!original || !rcpt) return null;
  const complaint: ComplaintInfo = { feedbackType: 'abuse', userAgent: 'Microsoft JMRP' };
  const ip = /\bfrom\s+(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+:[0-9a-f:]+)/i.exec(subject)?.[1] ?? original.headers['x-reporter-ip']?.[0];
  if (ip) complaint.sourceIp = ip;
  complaint.originalRcptTo = [rcpt];
  return { complaint, recipients: complainants([rcpt]) };
}

/** Apple Mail's "unsubscribe" message: the complainant is its sender. */
export function readAppleUnsubscribe(headers: Fields, from: string): { complaint: ComplaintInfo; recipients: FeedbackRecipient[] } | null {
  if ((first(headers, 'x-apple-unsubscribe') ?? '').trim().toLowerCase() !== 'true' || !from) return null;
  return { complaint: { feedbackType: 'opt-out', userAgent: 'Apple Mail' }, recipients: complainants([from]) };
}
