/**
 * Sends delivery status notifications to the envelope sender: a failure DSN
 * when recipients fail permanently or expire, a delay warning when a message
 * has waited past the configured time. The DSN (RFC 3464, built by dsn.ts) is
 * submitted through cleanup like any message — source 'bounce', null sender,
 * so it can never bounce itself — and policy sends it from the high-risk pool.
 * The original's header block is read before the attempt is recorded (the
 * spool drops bodies of finished messages), so callers pass it in.
 */
import type { Cleanup } from '../cleanup/cleanup.js';
import type { Clock } from '../core/clock.js';
import type { SmtpReply } from '../core/smtp-reply.js';
import type { DeliveryJob } from '../spool/spool.js';
import { newMessageId } from '../core/ids.js';
import { buildDsn } from './dsn.js';

export interface BouncedRecipient {
  readonly rcpt: string;
  readonly reply: SmtpReply;
  readonly expired: boolean;
}

export interface Bouncer {
  bounce(
    job: DeliveryJob,
    original: Buffer | null,
    recipients: readonly BouncedRecipient[],
    kind: 'failure' | 'delay',
    remoteMta?: string,
    retryUntil?: number,
  ): Promise<void>;
}

export interface BouncerOptions {
  readonly cleanup: Cleanup;
  readonly clock: Clock;
  /** Our host name, for Reporting-MTA and the DSN's From. */
  readonly hostname: string;
  readonly maxQueueAge: number;
}

export function headerBlock(raw: Buffer | null): Buffer {
  if (!raw) return Buffer.from('');
  const end = raw.indexOf('\r\n\r\n');
  return end < 0 ? raw : raw.subarray(0, end + 2);
}

export function createBouncer(o: BouncerOptions): Bouncer {
  return {
    async bounce(job, original, recipients, kind, remoteMta, retryUntil) {
      if (job.mailFrom === '' || recipients.length === 0) return;
      const now = o.clock.now();
      // RFC 3464: "delayed" needs a 4.x.x status; "failed" takes the receiver's, or 4.4.7 for an expiry.
      const status = (r: BouncedRecipient): string => {
        const e = r.reply.enhanced;
        if (kind === 'delay') return e?.startsWith('4') ? e : '4.0.0';
        if (r.expired) return e?.startsWith('5') ? e : '4.4.7';
        return e ?? (r.reply.code >= 500 ? '5.0.0' : '4.0.0');
      };
      const raw = buildDsn({
        reportingMta: o.hostname,
        arrivalDate: new Date(job.receivedAt),
        from: `MAILER-DAEMON@${o.hostname}`,
        to: job.mailFrom,
        originalHeaders: headerBlock(original),
        originalEnvelopeId: job.messageId,
        recipients: recipients.map((r) => ({
          rcpt: r.rcpt,
          action: kind === 'delay' ? 'delayed' : 'failed',
          status: status(r),
          diagnostic: r.reply,
          lastAttempt: new Date(now),
          ...(remoteMta ? { remoteMta } : {}),
          ...(kind === 'delay' ? { willRetryUntil: new Date(retryUntil !== undefined ? Math.max(retryUntil, job.receivedAt + o.maxQueueAge) : job.receivedAt + o.maxQueueAge) } : {}),
        })),
        kind,
        messageId: newMessageId(now),
        now: new Date(now),
      });
      await o.cleanup.submit({
        tenantId: job.tenantId,
        source: 'bounce',
        clientIp: '127.0.0.1',
        envelope: { mailFrom: '', rcptTo: [job.mailFrom] },
        raw,
        protocol: 'LOCAL',
      });
    },
  };
}

