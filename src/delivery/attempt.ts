/**
 * Judging one delivery attempt: from what the receiver (or the network) said
 * for each recipient to what the spool records — delivered, failed (bounce),
 * deferred (retry at nextAt) or expired (too old: bounce) — plus the signals
 * the engine acts on: "slow down" (pause this IP for this destination) and
 * "IP blocked" (an IP incident; retry soon from another IP of the pool).
 *
 * Pure function: no I/O, the clock is a parameter. Rules:
 * - 2xx delivered. 5xx failed, never retried from another IP — except replies
 *   the rules class as ip-blocked, which are about our IP, not the recipient.
 * - 4xx and failures without a reply (timeouts, lost connections) defer.
 * - A deferral past maxQueueAge becomes expired.
 */
import type { SmtpReply } from '../core/smtp-reply.js';
import type { DeliveryJob, RecipientOutcome } from '../spool/spool.js';
import { nextAttemptAt, type RetryPolicy } from './retry.js';

export type ReplyVerdict = 'delivered' | 'transient' | 'permanent' | 'slow-down' | 'ip-blocked';
export type ReplyClassifier = (r: SmtpReply) => { readonly class: ReplyVerdict; readonly rule?: string };

export interface AttemptJudgement {
  readonly results: RecipientOutcome[];
  readonly nextAt?: number;
  readonly slowDown?: { readonly reply: SmtpReply; readonly rule?: string };
  readonly ipBlocked?: { readonly reply: SmtpReply; readonly rule?: string };
  /** Recipients that failed or expired in this attempt (they need a DSN). */
  readonly bounced: ReadonlyArray<{ readonly rcpt: string; readonly reply: SmtpReply; readonly expired: boolean }>;
  readonly delivered: number;
  readonly deferred: number;
}

export function judgeAttempt(
  job: DeliveryJob,
  replies: ReadonlyArray<{ readonly rcpt: string; readonly reply: SmtpReply }>,
  classify: ReplyClassifier,
  retry: RetryPolicy,
  now: number,
  slowDownMs?: number,
): AttemptJudgement {
  const results: RecipientOutcome[] = [];
  const bounced: Array<{ rcpt: string; reply: SmtpReply; expired: boolean }> = [];
  let slowDown: AttemptJudgement['slowDown'];
  let ipBlocked: AttemptJudgement['ipBlocked'];
  let delivered = 0;
  let deferred = 0;
  const retryAt = nextAttemptAt(retry, job.attempts + 1, job.receivedAt, now);

  job.recipients.forEach((r, i) => {
    const reply = replies[i]?.reply ?? { code: 451, enhanced: '4.3.0', text: 'no reply for this recipient' };
    const c = classify(reply);
    if (c.class === 'delivered') {
      delivered++;
      results.push({ idx: r.idx, state: 'delivered', reply });
      return;
    }
    if (c.class === 'permanent') {
      results.push({ idx: r.idx, state: 'failed', reply });
      bounced.push({ rcpt: r.rcpt, reply, expired: false });
      return;
    }
    if (c.class === 'slow-down') slowDown ??= { reply, ...(c.rule ? { rule: c.rule } : {}) };
    if (c.class === 'ip-blocked') ipBlocked ??= { reply, ...(c.rule ? { rule: c.rule } : {}) };
    if (retryAt === null) {
      results.push({ idx: r.idx, state: 'expired', reply });
      bounced.push({ rcpt: r.rcpt, reply, expired: true });
      return;
    }
    deferred++;
    results.push({ idx: r.idx, state: 'deferred', reply });
  });

  let nextAt: number | undefined;
  if (deferred > 0 && retryAt !== null) {
    // An IP problem is not the message's fault: try again as soon as another IP may.
    if (ipBlocked) nextAt = now;
    else if (slowDown && slowDownMs !== undefined) nextAt = Math.min(retryAt, now + slowDownMs);
    else nextAt = retryAt;
  }
  return {
    results, bounced, delivered, deferred,
    ...(nextAt !== undefined ? { nextAt } : {}),
    ...(slowDown ? { slowDown } : {}),
    ...(ipBlocked ? { ipBlocked } : {}),
  };
}
