/**
 * Operator alerts by e-mail: listens on the event bus for
 * `tenant-state-changed` and sends a plain-text message to the configured
 * address (config alerts.email) through the gateway itself — cleanup submit
 * with source 'alert', so it is stored, routed and delivered like any mail
 * (no identity or admission checks; its tenant is the platform's own id).
 * After the submission an `alert` event names the message.
 *
 * The text says what changed, when, why (every rule with its numbers and
 * thresholds), what it does to the tenant's mail and how to undo it.
 * Limits: one message per transition (the state machine's cool-down keeps
 * these rare); a failed submission is logged, not retried.
 */
import type { Cleanup } from '../cleanup/cleanup.js';
import type { Clock } from '../core/clock.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import type { Logger } from '../log/logger.js';

/** The tenant id the platform's own mail (alerts) is stored under. */
export const PLATFORM_TENANT = '_platform';

export interface AlertMailerOptions {
  readonly events: EventBus;
  readonly cleanup: Cleanup;
  readonly clock: Clock;
  readonly log: Logger;
  /** Where alerts go. */
  readonly to: string;
  /** Envelope and header sender. */
  readonly from: string;
}

const EFFECT: Record<string, string> = {
  normal: 'No restriction.',
  watch: 'No restriction yet; the tenant is watched more closely.',
  throttled: 'Submissions are limited to a lower rate (451 4.7.1 beyond it).',
  'high-risk-only': 'Submissions are limited to a lower rate and all of its mail leaves from the high-risk pool.',
  suspended: 'Submissions are refused (550 5.7.1); its queued mail is held (not sent, not lost) and new mail is quarantined until an operator reinstates it.',
};

const ascii = (s: string): string => s.replace(/→/g, '->').replace(/≥/g, '>=').replace(/[^\x20-\x7e]/g, '?');

function fmt(x: unknown): string {
  if (typeof x !== 'number') return String(x ?? '-');
  return Number.isInteger(x) ? String(x) : x < 0.01 ? x.toPrecision(2) : x.toFixed(3);
}

/** The alert message (headers and body, CRLF). */
export function alertMessage(e: PlatformEvent, o: { from: string; to: string }): Buffer {
  const d = e.data as { from?: string; to?: string; trigger?: string; actor?: string; reason?: string; evidence?: Array<Record<string, unknown>> };
  const tenant = e.tenantId ?? '?';
  const subject = `[outpost] tenant ${tenant}: ${d.from} -> ${d.to} (${d.trigger})`;
  const lines = [
    `Tenant:   ${tenant}`,
    `Change:   ${d.from} -> ${d.to}`,
    `When:     ${new Date(e.at).toISOString()}`,
    `Trigger:  ${d.trigger} (by ${d.actor})`,
    `Why:      ${d.reason ?? ''}`,
    '',
    `Effect:   ${EFFECT[d.to ?? ''] ?? ''}`,
    '',
  ];
  const ev = d.evidence ?? [];
  if (ev.length > 0) {
    lines.push('Evidence (rule, signal, window, value, threshold, volume / floor, level):');
    for (const x of ev) {
      lines.push(`  ${String(x['rule'])}  ${String(x['signal'])}  ${String(x['window'])}  ${fmt(x['value'])}  ${fmt(x['threshold'])}  ${fmt(x['volume'])} / ${fmt(x['floor'])}  ${String(x['level'])}`);
    }
    lines.push('');
  }
  lines.push(`Details:  outpost tenant reputation ${tenant}`);
  if (d.to !== 'normal') lines.push(`Undo:     outpost tenant reinstate ${tenant}`);
  const head = [
    `From: Outpost alerts <${o.from}>`,
    `To: <${o.to}>`,
    `Subject: ${ascii(subject)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    'Auto-Submitted: auto-generated',
    `X-Outpost-Alert: tenant-state-changed; tenant=${tenant}`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${lines.map(ascii).join('\r\n')}\r\n`);
}

/** Starts listening; returns the function that stops it. */
export function startAlertMailer(o: AlertMailerOptions): () => void {
  return o.events.on((e) => {
    if (e.type !== 'tenant-state-changed') return;
    const raw = alertMessage(e, o);
    o.cleanup
      .submit({ tenantId: PLATFORM_TENANT, source: 'alert', clientIp: '127.0.0.1', envelope: { mailFrom: o.from, rcptTo: [o.to] }, raw, protocol: 'LOCAL' })
      .then(({ id }) => {
        o.log.info({ tenant: e.tenantId, messageId: id, to: o.to }, 'alert e-mail queued');
        o.events.emit({ type: 'alert', at: o.clock.now(), messageId: id, ...(e.tenantId ? { tenantId: e.tenantId } : {}), data: { about: 'tenant-state-changed', to: o.to, change: `${String(e.data['from'])} -> ${String(e.data['to'])}` } });
      })
      .catch((err: unknown) => o.log.error({ err, tenant: e.tenantId }, 'alert e-mail could not be queued'));
  });
}
