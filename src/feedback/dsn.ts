/**
 * RFC 3464 delivery status notifications: per-recipient fields to
 * FeedbackRecipient records.
 *
 * Input is the field blocks of a message/delivery-status part, or blocks
 * found by scanning a report whose MIME structure is broken (findDsnBlocks).
 * Invariants: one record per per-recipient block that names a recipient;
 * duplicates (same address and action) are merged; 'delivered', 'relayed'
 * and 'expanded' recipients are reported with hard undefined.
 * Limits: the per-message block is only used for Reporting-MTA.
 */
import { classify } from './classify.js';
import { addressValue, first, parseFieldBlocks, type Fields } from './fields.js';
import { isPlausibleAddress, segmentFor } from './free-text.js';
import { enhancedCodes, normaliseStatus } from './status-code.js';

const EXPIRY = /queue\.?expired|message expired|retry time ?out exceeded|envelope expired/i;
import type { FeedbackRecipient } from './types.js';

export interface DsnResult {
  recipients: FeedbackRecipient[];
  reportingMta?: string;
}

const RCPT_KEYS = ['final-recipient', 'original-recipient', 'x-actual-recipient'];

function hasRecipient(b: Fields): boolean {
  return RCPT_KEYS.some((k) => b.has(k)) && (b.has('action') || b.has('status') || b.has('diagnostic-code'));
}

const RCPT_START: ReadonlySet<string> = new Set(['final-recipient', 'original-recipient']);

/** Field blocks of a delivery-status part (a repeated recipient field starts a new block). */
export function dsnBlocks(text: string): Fields[] {
  return parseFieldBlocks(text, RCPT_START);
}

/**
 * Scans arbitrary text for DSN-looking field blocks (a recipient field plus
 * Action/Status/Diagnostic-Code), for reports whose MIME parts are unreadable.
 */
export function findDsnBlocks(text: string): Fields[] {
  if (!/^(final|original)-recipient\s*:/im.test(text)) return [];
  return parseFieldBlocks(text, RCPT_START).filter((b) => hasRecipient(b) || b.has('reporting-mta'));
}

/**
 * The recipient a block is about: Final-Recipient when it is a plain
 * mailbox, else Original-Recipient (some MTAs put source routes or
 * internal names in Final-Recipient), else whatever is there.
 */
function recipientOf(b: Fields): string {
  const fin = addressValue(first(b, 'final-recipient'));
  const orig = addressValue(first(b, 'original-recipient'));
  const actual = addressValue(first(b, 'x-actual-recipient'));
  for (const a of [fin, orig, actual]) if (a && isPlausibleAddress(a)) return a;
  return fin ?? orig ?? actual ?? '';
}

/**
 * Recipients of a DSN. `context` is the human-readable part: a recipient's
 * paragraph there supplies the SMTP command (Postfix writes "in reply to
 * RCPT TO command" only there) and, when the block has no Diagnostic-Code,
 * the diagnostic itself.
 */
export function readDsn(blocks: readonly Fields[], context: string, defaultClass: 4 | 5): DsnResult {
  const out: DsnResult = { recipients: [] };
  const seen = new Map<string, FeedbackRecipient>();
  const all = blocks.filter(hasRecipient).map(recipientOf);
  for (const b of blocks) {
    if (!out.reportingMta && b.has('reporting-mta')) out.reportingMta = first(b, 'reporting-mta');
    if (!hasRecipient(b)) continue;
    const rcpt = recipientOf(b);
    const segment = all.length === 1 && !segmentFor(context, rcpt, all) ? context : segmentFor(context, rcpt, all);
    const action = first(b, 'action')?.toLowerCase().split(/[\s(;]/)[0];
    const statusField = normaliseStatus(first(b, 'status'));
    let diagnostic = (b.get('diagnostic-code') ?? []).map((d) => d.replace(/^\s*[\w-]+\s*;\s*/, '')).join(' ').replace(/\s+/g, ' ').trim();
    if (!diagnostic && segment) {
      // No Diagnostic-Code: the receiver's words may still be in the readable part.
      const lines = segment.split('\n');
      const i = lines.findIndex((l) => /(?<![\w.])[245]\d\d[ -]|[245]\.\d\.\d/.test(l));
      if (i >= 0) diagnostic = lines.slice(i, i + 4).join(' ').replace(/\s+/g, ' ').trim();
    }
    const remoteMta = first(b, 'remote-mta')?.replace(/^\s*dns\s*;\s*/i, '').split(/\s/)[0];
    const rec: FeedbackRecipient = { rcpt, hard: undefined };
    if (action) rec.action = action;
    if (diagnostic) rec.diagnostic = diagnostic;
    if (remoteMta) rec.remoteMta = remoteMta;
    if (action === 'delivered' || action === 'relayed' || action === 'expanded' || statusField?.[0] === '2') {
      if (statusField) rec.status = statusField;
      rec.reason = 'delivered';
    } else {
      const cls = action === 'delayed' ? 4 : defaultClass;
      const c = classify({ diagnostic, ...(statusField ? { statusField } : {}), context: segment || context, defaultClass: cls, commandText: segment });
      rec.status = c.status;
      if (EXPIRY.test(diagnostic)) {
        // "Message expired" is the symptom; the last other error in the readable report is the cause.
        const cause = enhancedCodes(segment).filter((x) => x[0] === c.status[0] && x !== c.status).pop();
        if (cause) rec.status = cause;
      }
      rec.reason = c.reason;
      rec.hard = c.hard;
      if (c.replyCode) rec.replyCode = c.replyCode;
    }
    const key = `${rcpt}\0${action ?? ''}`;
    const prev = seen.get(key);
    if (prev) {
      // Same recipient twice (e.g. Original- and Final- blocks): keep the more informative.
      if (!prev.diagnostic && rec.diagnostic) Object.assign(prev, rec);
      continue;
    }
    seen.set(key, rec);
    out.recipients.push(rec);
  }
  return out;
}
