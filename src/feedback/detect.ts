/**
 * Message-level signals: is this a bounce at all, a delay warning, or an
 * auto-reply? Used when the structure (delivery-status or feedback-report
 * part) does not already say so.
 *
 * Why heuristics: RFC 3464/3834 give bounces and auto-replies no mandatory
 * marker that non-standard MTAs honour; subjects, daemon senders, the null
 * return path and stock phrases are what they have in common.
 * Invariants: pure; a report is bounce-like only with at least two
 * independent signals (or X-Failed-Recipients), so ordinary mail that
 * merely says "delivery" is left alone.
 * Limits: English, German and French subjects; other languages rely on the
 * daemon sender plus the null return path.
 */
import { first, type Fields } from './fields.js';

const BOUNCE_SUBJECT =
  /undeliver|delivery (status|fail|notification|problem|report|has failed|error)|returned mail|failure notice|mail delivery|could not be delivered|non[- ]?delivery|non-?deliverable|\bbounce|rejected|not delivered|delivery error|unzustellbar|nicht zustellbar|non remis|error sending|mail error|^warning:|delayed mail|message not delivered|returned to sender|not (a )?member|loop alert|mail system error|delivery notification|mail failed|failed mail|returning (message )?to sender/i;
const DAEMON_FROM = /^(mailer-daemon|mail-daemon|mailerdaemon|post_?master|mailer|mdaemon|bounces?|mail[-._]?delivery([-._]?(system|subsystem))?|[\w.-]+-(admin|owner|request))@/i;
const FAILURE_TEXT =
  /(could not|couldn['’]?t|cannot|can['’]?t|unable to|wasn['’]?t able to|failed to|was not able to|was not|were not) (be )?deliver|delivery (to the following|has failed|failed|problems?)|undeliverable|permanent (error|failure)|did not reach|not (yet )?(been )?delivered|has been delayed|error (occurred )?(while )?(trying to )?deliver|returned to (the )?sender|delivery errors?|rejected by|following address(es)? failed|failed addresses|no valid recipients|not a member|duplicated message-id|was rejected|could not send/i;
/** An SMTP error reply quoted in the text ("550 5.1.1 ...", "550 - Requested action not taken"). */
const SMTP_ERROR = /(?:^|\s)[45][0-5]\d(?:[ -]+[45]\.\d\.\d+|\s+-\s|[ -][A-Za-z<])/m;

const DELAY_SUBJECT = /\(delay\)|\bdelayed\b|warning: could not send|delivery (status notification )?\(delay\)|^warning:|verzögert|retardée?/i;
const DELAY_TEXT =
  /this is a warning (message )?only|has not yet been delivered|has been delayed|will be retried|delivery attempts will continue|will keep trying|not been delivered for more than|could not be delivered for more than|message (is|has been) delayed|no action is required on your part/i;

export interface Signals {
  readonly headers: Fields;
  readonly subject: string;
  readonly from: string;
  readonly text: string;
}

export function isNullSender(headers: Fields): boolean {
  const rp = first(headers, 'return-path');
  return rp !== undefined && /^\s*<\s*>\s*$/.test(rp);
}

export function isBounceLike(s: Signals): boolean {
  if (s.headers.has('x-failed-recipients')) return true;
  let score = 0;
  if (BOUNCE_SUBJECT.test(s.subject)) score++;
  const rp = first(s.headers, 'return-path') ?? '';
  if (DAEMON_FROM.test(s.from) || DAEMON_FROM.test(rp.replace(/^\s*<|>\s*$/g, ''))) score++;
  if (SMTP_ERROR.test(s.text.slice(0, 4000))) score++;
  if (FAILURE_TEXT.test(s.text.slice(0, 4000))) score++;
  if (isNullSender(s.headers)) score++;
  return score >= 2;
}

export function isDelay(s: Pick<Signals, 'subject' | 'text'>): boolean {
  return DELAY_SUBJECT.test(s.subject) || DELAY_TEXT.test(s.text.slice(0, 4000));
}

/** RFC 3834 auto-replies (vacation / out-of-office) that are not bounces. */
export function isAutoReply(s: Signals): boolean {
  const auto = (first(s.headers, 'auto-submitted') ?? '').toLowerCase();
  const autoSubject = /^(auto(matic)?[- ]?(reply|response|antwort)|out of (the )?office|away\b|vacation|abwesen|absence|r[ée]ponse automatique)|\b(out of (the )?office|away until|on vacation|on leave)\b/i;
  const xAuto = s.headers.has('x-autoreply') || s.headers.has('x-autorespond') || /auto[_-]?reply/i.test(first(s.headers, 'precedence') ?? '');
  if (autoSubject.test(s.subject)) return true;
  return (auto.startsWith('auto-replied') || xAuto) && !BOUNCE_SUBJECT.test(s.subject) && !DAEMON_FROM.test(s.from);
}
