/**
 * Bulk signals: what makes a message look like legitimate bulk mail
 * (newsletters), kept apart from spam because newsletters are where content
 * filters misfire most. They never raise the spam score; they only turn a
 * message that is below the suspect threshold into class "bulk".
 */
import { headerValue } from './mime/message.js';
import type { MessageView } from './view.js';

export interface BulkSignal {
  readonly signal: string;
  readonly weight: number;
}

export function bulkSignals(view: MessageView, recipientCount: number, bulkRecipients: number): BulkSignal[] {
  const out: BulkSignal[] = [];
  const msg = view.msg;
  if (headerValue(msg, 'list-unsubscribe') !== undefined) out.push({ signal: 'List-Unsubscribe header', weight: 1 });
  if (headerValue(msg, 'list-unsubscribe-post') !== undefined) out.push({ signal: 'one-click unsubscribe (RFC 8058)', weight: 0.5 });
  if (headerValue(msg, 'list-id') !== undefined) out.push({ signal: 'List-Id header', weight: 1 });
  const prec = (headerValue(msg, 'precedence') ?? '').toLowerCase().trim();
  if (prec === 'bulk' || prec === 'list' || prec === 'junk') out.push({ signal: `Precedence: ${prec}`, weight: 1 });
  if (headerValue(msg, 'feedback-id') !== undefined || headerValue(msg, 'cfbl-address') !== undefined) out.push({ signal: 'feedback loop header', weight: 0.5 });
  if (recipientCount >= bulkRecipients) out.push({ signal: `${recipientCount} recipients`, weight: 1 });
  return out;
}
