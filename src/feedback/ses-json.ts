/**
 * Amazon SES notifications delivered by e-mail (SNS e-mail subscriptions):
 * a JSON body, either the SES notification itself or an SNS envelope whose
 * "Message" field holds it as a string.
 *
 * Invariants: never throws; returns null unless the body parses as JSON
 * with a notificationType of Bounce, Complaint or Delivery.
 * Limits: SNS wraps long lines of the e-mail body with "!" + line break +
 * space; those are removed before parsing, which would corrupt a JSON
 * string that genuinely contains "!" followed by a line break (never seen).
 */
import { classify } from './classify.js';
import { normaliseStatus } from './status-code.js';
import type { ComplaintInfo, FeedbackRecipient, FeedbackReport } from './types.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseJson(text: string): Json | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return obj(JSON.parse(text.slice(start, end + 1).replace(/!\r?\n /g, '')));
  } catch {
    return undefined;
  }
}

export function readSesNotification(body: string): Omit<FeedbackReport, 'original'> | null {
  if (!body.includes('notificationType')) return null;
  let n = parseJson(body);
  const inner = n && str(n['Message']);
  if (inner) n = parseJson(inner);
  const type = n && str(n['notificationType']);
  if (!n || !type) return null;

  if (type === 'Bounce') {
    const b = obj(n['bounce']) ?? {};
    const permanent = str(b['bounceType']) === 'Permanent';
    const recipients: FeedbackRecipient[] = arr(b['bouncedRecipients']).map((r) => {
      const rr = obj(r) ?? {};
      const diagnostic = str(rr['diagnosticCode'])?.replace(/^\s*[\w-]+\s*;\s*/, '');
      const statusField = normaliseStatus(str(rr['status']));
      const c = classify({ ...(diagnostic ? { diagnostic } : {}), ...(statusField ? { statusField } : {}), context: str(b['bounceSubType']) ?? '', defaultClass: permanent ? 5 : 4 });
      return {
        rcpt: (str(rr['emailAddress']) ?? '').toLowerCase(),
        action: str(rr['action']) ?? (permanent ? 'failed' : 'delayed'),
        status: c.status,
        reason: c.reason,
        hard: c.hard,
        ...(diagnostic ? { diagnostic } : {}),
        ...(c.replyCode ? { replyCode: c.replyCode } : {}),
      };
    });
    const mta = str(b['reportingMTA']);
    return { kind: permanent ? 'bounce' : 'delay', format: 'ses-json', recipients, ...(mta ? { reportingMta: mta } : {}) };
  }
  if (type === 'Complaint') {
    const c = obj(n['complaint']) ?? {};
    const recipients: FeedbackRecipient[] = arr(c['complainedRecipients']).map((r) => ({
      rcpt: (str(obj(r)?.['emailAddress']) ?? '').toLowerCase(),
      hard: undefined,
      reason: 'feedback',
    }));
    const ua = str(c['userAgent']);
    const complaint: ComplaintInfo = { feedbackType: (str(c['complaintFeedbackType']) ?? 'abuse').toLowerCase(), ...(ua ? { userAgent: ua } : {}) };
    const mail = obj(n['mail']);
    const from = mail && str(mail['source']);
    if (from) complaint.originalMailFrom = from;
    return { kind: 'complaint', format: 'ses-json', recipients, complaint };
  }
  if (type === 'Delivery') {
    const d = obj(n['delivery']) ?? {};
    const mail = obj(n['mail']) ?? {};
    const rcpts = arr(d['recipients']).length ? arr(d['recipients']) : arr(mail['destination']);
    const smtp = str(d['smtpResponse']) ?? '';
    const status = normaliseStatus(/\b2\.\d\.\d+\b/.exec(smtp)?.[0]) ?? '2.0.0';
    const recipients: FeedbackRecipient[] = rcpts.map((r) => ({ rcpt: String(r).toLowerCase(), action: 'delivered', status, hard: undefined, reason: 'delivered' }));
    return { kind: 'not-feedback', format: 'ses-json', recipients, detail: 'delivery notification' };
  }
  return null;
}
