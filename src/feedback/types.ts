/**
 * What the feedback parser returns: one report per received message, plain
 * data (JSON-safe apart from rawHeaders), never an exception.
 *
 * kind:   'bounce'    final failure for at least one recipient (DSN or free text)
 *         'delay'     delivery still being retried (do not suppress on this alone)
 *         'complaint' ARF / feedback-loop report (or a non-ARF equivalent)
 *         'not-feedback' success report, auto-reply or ordinary mail
 *         'unparseable' could not even be read as a message
 * Per-recipient `hard` is true when the address itself is bad (user or
 * domain unknown, moved, domain accepts no mail) *and* the failure is
 * permanent; false for every other failure; undefined for complaints,
 * successes and auto-replies. `status` is an RFC 3463 code; when the report
 * carries none it is inferred from the text (see reason.ts).
 */

export type FeedbackKind = 'bounce' | 'delay' | 'complaint' | 'not-feedback' | 'unparseable';

export type FeedbackFormat =
  | 'dsn' // RFC 3464 message/delivery-status (found as a MIME part or as a field block in the text)
  | 'arf' // RFC 5965 message/feedback-report
  | 'ses-json' // Amazon SES notification with a JSON body
  | 'jmrp' // Microsoft's pre-ARF Junk Mail Reporting Program
  | 'heuristic' // free-text bounce, recipients and reasons read by pattern
  | 'none';

/** Bounce reasons (a superset of the vocabulary in fixtures/feedback/README.md). */
export type BounceReason =
  | 'userunknown' | 'hostunknown' | 'hasmoved' | 'suspend' | 'notaccept'
  | 'mailboxfull' | 'exceedlimit' | 'mesgtoobig' | 'systemfull'
  | 'blocked' | 'rejected' | 'filtered' | 'spamdetected' | 'virusdetected' | 'contenterror'
  | 'policyviolation' | 'securityerror' | 'authfailure' | 'requireptr' | 'badreputation'
  | 'notcompliantrfc' | 'norelaying' | 'speeding' | 'toomanyconn'
  | 'expired' | 'networkerror' | 'systemerror' | 'mailererror' | 'syntaxerror' | 'onhold' | 'undefined'
  | 'delivered' | 'vacation' | 'feedback';

export interface FeedbackRecipient {
  /** Lower-cased address; '' when the report does not name it. */
  rcpt: string;
  /** RFC 3463 enhanced status, e.g. "5.1.1". */
  status?: string;
  /** DSN Action (failed, delayed, delivered, relayed, expanded) or its equivalent. */
  action?: string;
  hard: boolean | undefined;
  /** The receiver's words (Diagnostic-Code or the text of the free-form report), whitespace-collapsed. */
  diagnostic?: string;
  /** SMTP reply code found in the diagnostic, e.g. 550. */
  replyCode?: number;
  remoteMta?: string;
  reason?: BounceReason;
}

export interface ComplaintInfo {
  /** abuse, fraud, virus, other, not-spam, opt-out, auth-failure, ... (lower case). */
  feedbackType: string;
  userAgent?: string;
  sourceIp?: string;
  arrivalDate?: string;
  originalMailFrom?: string;
  originalRcptTo?: string[];
  reportedDomain?: string;
  reportingMta?: string;
}

export interface OriginalMessage {
  /** Header fields of the returned original (or of its header-only copy), lower-cased names. */
  headers: Record<string, string[]>;
  messageId?: string;
  /** Address in the original From. */
  from?: string;
  feedbackId?: string;
  /** d= and s= of each DKIM-Signature of the original (attribution by platform signature). */
  dkimSignatures?: Array<{ d: string; s: string }>;
  /** Return-Path of the original: where a VERP token would be. */
  returnPath?: string;
  rawHeaders?: Buffer;
}

export interface FeedbackReport {
  kind: FeedbackKind;
  format: FeedbackFormat;
  recipients: FeedbackRecipient[];
  complaint?: ComplaintInfo;
  original?: OriginalMessage;
  /** Reporting MTA or service, when known (e.g. "dns; mx.example.net"). */
  reportingMta?: string;
  /** Why the parser decided what it did (for logs and the 'unparseable' case). */
  detail?: string;
}
