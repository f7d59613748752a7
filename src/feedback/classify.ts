/**
 * One failed recipient's status, reason and hard/soft flag from what the
 * report says about it (diagnostic text, DSN Status field, reply code).
 *
 * Rules, in order:
 *  1. status: an enhanced code in the diagnostic refines the Status field
 *     when both have the same class (the receiver's own code is more
 *     precise than the relaying MTA's summary); otherwise the field;
 *     otherwise the diagnostic's code.
 *  2. reason: the diagnostic's words (reason.ts), else the wider report
 *     text, else what the status code implies. Then the SMTP command the
 *     rejection answered (smtp-command.ts) qualifies address-level words:
 *     "user unknown" is only trusted as such in reply to RCPT TO, or when
 *     the status code itself is an address code (X.1.x), or when a report
 *     with no code at all states it outright ("not listed in the directory",
 *     "does not exist"); after DATA, with a generic code and no command
 *     named, or in vaguer words without any code, it is treated as a
 *     recipient-side filter ('filtered', soft: suppressing an address on
 *     weak evidence loses a real recipient for good); after MAIL FROM it is
 *     about our sender ('rejected'); at connect/HELO it is 'blocked'.
 *  3. no code at all: one is derived from the reason, in the class of the
 *     reply code if any, else of the report (delay → 4, failure → 5).
 *  4. hard: address-level reason and permanent status (reason.ts isHard).
 * Invariants: pure; never throws.
 */
import { isHard, reasonFromStatus, reasonFromText, statusForReason } from './reason.js';
import { smtpCommand, type SmtpCommand } from './smtp-command.js';
import { firstEnhanced, firstReplyCode, statusClass } from './status-code.js';
import type { BounceReason } from './types.js';

export interface ClassifyInput {
  readonly diagnostic?: string;
  /** Normalised DSN Status field, if any. */
  readonly statusField?: string;
  /** Report-level text used when the diagnostic explains nothing. */
  readonly context?: string;
  /** Class to use when nothing in the report gives one. */
  readonly defaultClass: 4 | 5;
  /** Text that may name the SMTP command (transcript, recipient's paragraph); the diagnostic is always searched too. */
  readonly commandText?: string;
}

const ADDRESS_LEVEL: ReadonlySet<BounceReason> = new Set(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);

/** Wording that states outright that the named address is not in the receiver's directory. */
const EXPLICIT_UNKNOWN = /not listed in|recipient name is not recognized|no valid recipients?|unknown user:\s*\S+@|does not exist|doesn'?t exist|no such (user|mailbox|account|recipient)/i;

function qualify(reason: BounceReason, command: SmtpCommand | undefined, status: string | undefined, anyCode: boolean, explicit: boolean): BounceReason {
  if (!ADDRESS_LEVEL.has(reason)) return reason;
  if (command === 'MAIL') return 'rejected';
  if (command === 'CONN' || command === 'HELO') return 'blocked';
  if (reason !== 'userunknown') return reason;
  // X.1.x: the status itself is about the address (RFC 3463 "Addressing Status").
  if (/^[45]\.1\./.test(status ?? '') || command === 'RCPT') return reason;
  if (command === 'DATA' || anyCode) return 'filtered';
  // No code and no command: only an explicit statement about the named address counts.
  return explicit ? reason : 'filtered';
}

export interface Classification {
  readonly status: string;
  readonly reason: BounceReason;
  readonly hard: boolean;
  readonly replyCode?: number;
}

export function classify(input: ClassifyInput): Classification {
  const diag = input.diagnostic ?? '';
  const replyCode = firstReplyCode(diag);
  const diagCode = firstEnhanced(diag);
  const field = input.statusField;
  let status: string | undefined;
  if (diagCode && diagCode[0] !== '2' && (!field || field[0] === diagCode[0])) status = diagCode;
  else status = field ?? (diagCode && diagCode[0] !== '2' ? diagCode : undefined);

  const command = smtpCommand(`${input.commandText ?? ''}\n${diag}`);
  const anyCode = status !== undefined || replyCode !== undefined;
  let reason = (diag && reasonFromText(diag)) || undefined;
  if (!reason && !status && input.context) reason = reasonFromText(input.context);
  if (reason) reason = qualify(reason, command, status, anyCode, EXPLICIT_UNKNOWN.test(diag));
  else if (command === 'MAIL') reason = 'rejected';
  else if (command === 'CONN' || command === 'HELO') reason = 'blocked';
  reason ??= reasonFromStatus(status) ?? (input.context ? reasonFromText(input.context) : undefined) ?? 'undefined';

  if (!status) {
    const rc = replyCode ? statusClass(String(replyCode)) : undefined;
    // A report that gave up after retrying ("retry timeout exceeded") failed on a temporary error.
    const cls = rc === 4 || rc === 5 ? rc : reason === 'expired' ? 4 : input.defaultClass;
    status = statusForReason(reason, cls);
  }
  return { status, reason, hard: isHard(reason, status), ...(replyCode ? { replyCode } : {}) };
}
