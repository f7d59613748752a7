/**
 * The feedback intake: one received report (from the SMTP listener or
 * `outpost feedback import`) → parse → attribute → act:
 *
 *   bounce     per failed recipient: a `bounced` message event (spool) and
 *              platform event, reputation.bounce(); a 5.1.x failure (the
 *              address does not exist; not 5.1.7/5.1.8, which are about the
 *              sender) suppresses the recipient for that tenant
 *   complaint  per recipient: `complained` events, reputation.complaint(),
 *              suppression ('not-spam' reports are recorded only)
 *   delay      a `delay-reported` message event only (mail is still retried)
 *
 * Every report is stored in feedback_reports (report-store.ts) with its
 * outcome; unattributed, ignored and malformed ones keep their raw bytes.
 * Invariants: handle() never rejects because of the report's content (parser
 * and attribution failures become 'malformed'); it rejects only when the
 * state database cannot record the report, so the listener can answer 451
 * and the sender retries — an accepted report is never lost.
 */
import type { Clock } from '../core/clock.js';
import type { TenantId } from '../core/types.js';
import type { EventBus, EventType } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { ReputationSignals } from '../reputation/signals.js';
import type { SuppressionStore } from '../suppression/store.js';
import type { Spool } from '../spool/spool.js';
import { attribute, type Attribution, type AttributionDeps } from './attribute.js';
import { parseFeedback } from './parse.js';
import type { ReportOutcome, ReportStore } from './report-store.js';
import type { FeedbackRecipient, FeedbackReport } from './types.js';

export interface IntakeDeps extends AttributionDeps {
  readonly spool: Pick<Spool, 'appendEvent'>;
  readonly reports: ReportStore;
  readonly suppressions: SuppressionStore;
  readonly events: EventBus;
  readonly reputation: ReputationSignals;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface IntakeInput {
  readonly raw: Buffer;
  readonly source: 'smtp' | 'import';
  readonly clientIp?: string;
  /** RCPT TO addresses of the SMTP transaction that brought it (VERP tokens). */
  readonly envelopeRcpts?: readonly string[];
}

export interface IntakeResult {
  readonly reportId: number;
  readonly outcome: ReportOutcome;
  readonly kind: FeedbackReport['kind'];
  readonly tenantId?: TenantId;
  readonly messageId?: string;
  readonly method?: string;
  readonly recipients: readonly string[];
  readonly suppressed: readonly string[];
  readonly forgedToken: boolean;
}

/** 5.1.x says the address is bad, except 5.1.7/5.1.8 (the sender's address). */
export function suppressesOnBounce(r: FeedbackRecipient): boolean {
  return /^5\.1\.\d{1,3}$/.test(r.status ?? '') && r.status !== '5.1.7' && r.status !== '5.1.8';
}

function isFailure(r: FeedbackRecipient): boolean {
  return r.action === 'failed' || (r.action === undefined && r.status?.[0] === '5') || (r.action === undefined && r.hard === true);
}

export function createIntake(d: IntakeDeps) {
  const emit = (type: EventType, tenantId: TenantId, messageId: string | undefined, data: Record<string, unknown>, at: number): void =>
    d.events.emit({ type, at, tenantId, ...(messageId ? { messageId } : {}), data });

  async function act(report: FeedbackReport, a: Attribution, at: number): Promise<{ recipients: string[]; suppressed: string[] }> {
    const tenantId = a.tenantId!;
    const messageId = a.messageId;
    const recipients: string[] = [];
    const suppressed: string[] = [];
    const messageEvent = async (type: string, data: Record<string, unknown>): Promise<void> => {
      if (messageId) await d.spool.appendEvent(messageId, { type, data: { ...data, via: 'feedback' } }, at).catch((err: unknown) => d.log.warn({ err, messageId }, 'feedback: could not append the message event'));
    };
    const suppress = (rcpt: string, reason: string, detail?: string): void => {
      if (!rcpt) return;
      if (d.suppressions.add({ tenantId, rcpt, reason, source: 'feedback', ...(messageId ? { messageId } : {}), ...(detail ? { detail } : {}), at })) {
        suppressed.push(rcpt);
        emit('suppressed', tenantId, messageId, { recipient: rcpt, reason }, at);
      }
    };
    if (report.kind === 'bounce') {
      for (const r of a.recipients.filter(isFailure)) {
        const unknownRecipient = r.reason === 'userunknown' || r.status === '5.1.1' || r.status === '5.1.10';
        const facts = { recipient: r.rcpt, status: r.status ?? null, hard: r.hard === true, reason: r.reason ?? null, diagnostic: r.diagnostic?.slice(0, 300) ?? null };
        await messageEvent('bounced', facts);
        emit('bounced', tenantId, messageId, { ...facts, source: 'feedback' }, at);
        d.reputation.bounce(tenantId, { recipient: r.rcpt, hard: r.hard === true || r.status?.[0] === '5', unknownRecipient }, at);
        recipients.push(r.rcpt);
        if (suppressesOnBounce(r)) suppress(r.rcpt, 'hard-bounce', `${r.status ?? ''} ${r.diagnostic ?? ''}`.trim());
      }
    } else if (report.kind === 'complaint') {
      const type = report.complaint?.feedbackType ?? 'abuse';
      const list = a.recipients.length > 0 ? a.recipients.map((r) => r.rcpt) : [''];
      for (const rcpt of list) {
        const facts = { recipient: rcpt || null, feedbackType: type, userAgent: report.complaint?.userAgent ?? null };
        await messageEvent('complained', facts);
        emit('complained', tenantId, messageId, facts, at);
        if (type === 'not-spam') continue;
        d.reputation.complaint(tenantId, rcpt ? { recipient: rcpt } : {}, at);
        if (rcpt) recipients.push(rcpt);
        suppress(rcpt, 'complaint', type);
      }
    } else if (report.kind === 'delay') {
      const rcpts = a.recipients.map((r) => r.rcpt);
      await messageEvent('delay-reported', { recipients: rcpts });
      emit('deferred', tenantId, messageId, { recipients: rcpts, source: 'feedback' }, at);
      recipients.push(...rcpts);
    }
    return { recipients, suppressed };
  }

  return {
    async handle(input: IntakeInput): Promise<IntakeResult> {
      const at = d.clock.now();
      let report: FeedbackReport;
      let a: Attribution;
      try {
        report = await parseFeedback(input.raw);
        a = report.kind === 'unparseable' || report.kind === 'not-feedback' ? { recipients: [] } : await attribute(report, input.envelopeRcpts ?? [], d);
      } catch (err) {
        report = { kind: 'unparseable', format: 'none', recipients: [], detail: `intake error: ${(err as Error).message}` };
        a = { recipients: [] };
      }
      const outcome: ReportOutcome =
        report.kind === 'unparseable' ? 'malformed' : report.kind === 'not-feedback' ? 'ignored' : a.tenantId ? 'attributed' : 'unattributed';
      let acted = { recipients: [] as string[], suppressed: [] as string[] };
      if (outcome === 'attributed') {
        try {
          acted = await act(report, a, at);
        } catch (err) {
          d.log.error({ err, tenant: a.tenantId, messageId: a.messageId }, 'feedback: acting on a report failed');
        }
      }
      const reportId = d.reports.add({
        source: input.source, outcome, kind: report.kind, format: report.format,
        recipients: (a.recipients.length ? a.recipients : report.recipients).map((r) => ({ rcpt: r.rcpt, ...(r.status ? { status: r.status } : {}), ...(r.hard !== undefined ? { hard: r.hard } : {}) })),
        ...(input.clientIp ? { clientIp: input.clientIp } : {}),
        ...(a.tenantId ? { tenantId: a.tenantId } : {}),
        ...(a.messageId ? { messageId: a.messageId } : {}),
        ...(a.method ? { method: a.method } : {}),
        ...(report.detail || a.forgedToken ? { detail: [report.detail, a.forgedToken ? 'forged or altered VERP token ignored' : undefined].filter(Boolean).join('; ') } : {}),
        ...(outcome === 'attributed' ? {} : { raw: input.raw }),
      });
      d.log.info({ reportId, outcome, kind: report.kind, format: report.format, tenant: a.tenantId, messageId: a.messageId, method: a.method, recipients: acted.recipients.length, suppressed: acted.suppressed.length, forgedToken: a.forgedToken === true }, 'feedback: report taken in');
      return {
        reportId, outcome, kind: report.kind, recipients: acted.recipients, suppressed: acted.suppressed, forgedToken: a.forgedToken === true,
        ...(a.tenantId ? { tenantId: a.tenantId } : {}),
        ...(a.messageId ? { messageId: a.messageId } : {}),
        ...(a.method ? { method: a.method } : {}),
      };
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
