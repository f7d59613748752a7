/**
 * Expires quarantined mail in the gateway: every `sweepInterval`, messages
 * quarantined longer than `expireAfter` get their final `quarantine-expired`
 * event, their recipients become `expired` and their bodies are deleted, in
 * batches of BATCH on the spool's writer thread.
 *
 * The sender gets a failure DSN (when notifySenderOnExpiry, the default):
 * senders here are the provider's authenticated tenants on verified
 * domains, so the DSN is not backscatter, and a postmaster expects to hear
 * that mail they handed over was never delivered. The DSN leaves from the
 * bounce pool like every generated bounce. If the process dies between the
 * expiry commit and the DSN, that DSN is lost (at most once, never twice).
 */
import type { Bouncer } from '../bounce/bouncer.js';
import type { Clock } from '../core/clock.js';
import type { SmtpReply } from '../core/smtp-reply.js';
import type { Logger } from '../log/logger.js';
import type { QuarantineSpool } from '../spool/quarantine.js';

const BATCH = 500;
const RELEASE_RECORD_TTL = 24 * 60 * 60_000;

export interface SweeperOptions {
  readonly spool: QuarantineSpool;
  readonly bouncer: Bouncer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly expireAfter: number;
  readonly notifySender: boolean;
  readonly interval: number;
}

function days(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${Math.round(ms / 60_000)} minutes`;
}

export class QuarantineSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly o: SweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.o.interval);
    this.timer.unref();
  }

  /** One sweep (also called by tests); returns how many messages expired. */
  sweep(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<number> {
    const reply: SmtpReply = { code: 550, enhanced: '5.7.1', text: `Held in quarantine by the provider's outbound policy and not released within ${days(this.o.expireAfter)}; not delivered` };
    let total = 0;
    try {
      for (;;) {
        const now = this.o.clock.now();
        const expired = await this.o.spool.expireQuarantined(now - this.o.expireAfter, BATCH, now, reply);
        total += expired.length;
        if (this.o.notifySender) {
          for (const m of expired) {
            if (m.mailFrom === '' || m.rcpts.length === 0) continue;
            await this.o.bouncer
              .bounce(
                { jobId: 0, messageId: m.id, tenantId: m.tenantId, domain: '', pool: '', attempts: 0, receivedAt: m.receivedAt, mailFrom: m.mailFrom, size: m.size, warned: false, recipients: [] },
                m.headers, m.rcpts.map((rcpt) => ({ rcpt, reply, expired: true })), 'failure',
              )
              .catch((e: unknown) => this.o.log.error({ err: e, messageId: m.id }, 'quarantine: expiry DSN failed'));
          }
        }
        if (expired.length < BATCH) break;
      }
      await this.o.spool.cleanReleases(this.o.clock.now() - RELEASE_RECORD_TTL);
      if (total > 0) this.o.log.info({ expired: total }, 'quarantine: expired held messages');
    } catch (e) {
      this.o.log.error({ err: e }, 'quarantine: expiry sweep failed; next sweep retries');
    }
    return total;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
