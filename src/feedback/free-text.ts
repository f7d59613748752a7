/**
 * Free-text bounces: the many MTAs (qmail, old Exim and Postfix, Exchange
 * 2003, Lotus Notes, webmail providers, mobile carriers...) that explain a
 * failure in prose instead of an RFC 3464 delivery-status part.
 *
 * Why heuristics: this prose has no grammar to parse; every MTA words it
 * differently and many translate it. What is stable across them is small:
 * the failed address is alone at the start of a line or follows words like
 * "to:" / "recipient", the receiver's reply carries an SMTP code, and a
 * marker line ("--- Below this line is a copy of the message.") separates
 * the report from the returned original. This module uses only those cues;
 * MIME structure is left to postal-mime (mime.ts).
 * Invariants: never throws; addresses of the report's own sender side
 * (its From/To/Return-Path, the original's From, MAIL FROM arguments) are
 * never reported as failed recipients; X-Failed-Recipients wins when present.
 * Limits: one segment of text per recipient, cut at the next recipient; a
 * report that names no address at all yields the original's To (when it
 * has exactly one) or nothing.
 */
import { classify } from './classify.js';
import { firstEnhanced, firstReplyCode } from './status-code.js';
import type { FeedbackRecipient } from './types.js';

// Bounded repetitions (RFC 5321 sizes) keep matching linear on long runs of text without '@'.
const ADDR_SRC = String.raw`[A-Za-z0-9._%+'=!#$&*/?^\x60{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,10}`;
const ADDR = new RegExp(ADDR_SRC, 'g');

/** Lines that introduce the returned original message. */
const SEPARATOR =
  /^[\s\-=*|_#]*(?:below this line is a copy|this is a copy of (?:the )?message|(?:a )?copy of the (?:original )?message|original message|returned message|unsent message|undelivered message|original mail|message text follows|message headers? follows?|the header of the original|headers? of the original message|included is a copy|below is a copy of the original|original message follows)/i;

const HEADER_START = /^(Received|Return-Path|DKIM-Signature|Message-I[dD]|Delivered-To|Authentication-Results|X-[A-Za-z0-9-]+|ARC-Seal|MIME-Version):\s/;

export interface SplitText {
  readonly report: string;
  /** Text of the returned original, starting at its first header line. */
  readonly original?: string;
}

/** Splits a free-text report at the line that introduces the returned original. */
export function splitReport(text: string): SplitText {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const isSep = SEPARATOR.test(l) && !ADDR.test(l);
    ADDR.lastIndex = 0;
    const isHeaderBlock = i > 0 && HEADER_START.test(l) && /^[A-Za-z0-9-]+:\s|^[ \t]/.test(lines[i + 1] ?? '');
    if (isSep || isHeaderBlock) {
      let j = isSep ? i + 1 : i;
      while (j < lines.length && !/^\s*[A-Za-z0-9-]+:/.test(lines[j]!)) j++;
      const original = lines
        .slice(j)
        .map((x) => x.replace(/^ {1,4}(?=\S)/, ''))
        .join('\n');
      return { report: lines.slice(0, i).join('\n'), ...(original.trim() ? { original } : {}) };
    }
  }
  return { report: text };
}

const BOILERPLATE = [
  /this is a permanent error[^.]*\.?/gi,
  /i['’]?ve given up\.?|sorry it didn['’]?t work out\.?|giving up on [\d.:a-f]+\.?/gi,
  /i['’]?m not going to try again;? this message has been in the queue too long\.?/gi,
  /google tried to deliver your message, but it was rejected by the [^.]*\.(?:\s*\[[^\]]*\]\.)?/gi,
  /we recommend contacting the other email provider for further information about the cause of this error\.?/gi,
  /the error that the other server returned was:?/gi,
  /(?:could not|couldn['’]?t|wasn['’]?t able to|unable to|was not able to) (?:be )?deliver(?:ed)?[^.:\n]*(?:recipients?|address(?:es|\(es\))?)[^.:\n]*[.:]/gi,
];

function stripBoilerplate(s: string): string {
  return BOILERPLATE.reduce((acc, re) => acc.replace(re, ' '), s);
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

interface Candidate {
  addr: string;
  pos: number;
  strong: boolean;
}

const CONTEXT_BEFORE = /(?:rcpt to|recipient(?: address)?|recipients?\(s\)|to|address(?:es)?|user|delivered to|deliver(?:ing)? (?:your )?(?:mail|message) to|message to|mailbox|reach)\s*[:=]?\s*["<(]?$/i;
const SENDER_BEFORE = /(?:mail from|envelope-from|envelope-sender|from|sender|return-path|reply-to|by)\s*[:=]?\s*["<(]?$/i;
/** Service addresses that are never the failed recipient (daemons, list-control addresses). */
const ROLE_ACCOUNTS = /^(postmaster|mailer-daemon|mail-daemon|abuse|noreply|no-reply|hostmaster|webmaster|root)@|-(ctl|request|admin|owner|bounces?)@/i;

function candidates(report: string, excluded: ReadonlySet<string>): Candidate[] {
  const out = new Map<string, Candidate>();
  for (const m of report.matchAll(ADDR)) {
    const addr = m[0].toLowerCase().replace(/[.]+$/, '');
    if (excluded.has(addr)) continue;
    const pos = m.index!;
    const lineStart = report.lastIndexOf('\n', pos - 1) + 1;
    const before = report.slice(lineStart, pos);
    if (SENDER_BEFORE.test(before)) continue;
    const strong = /^\s*["<(]?$/.test(before) || CONTEXT_BEFORE.test(before);
    const prev = out.get(addr);
    if (!prev) out.set(addr, { addr, pos, strong });
    else if (strong && !prev.strong) out.set(addr, { addr, pos, strong });
  }
  return [...out.values()];
}

export interface FreeTextInput {
  readonly report: string;
  /** Addresses on the sender side: never failed recipients. */
  readonly excluded: ReadonlySet<string>;
  /** X-Failed-Recipients values, when the report has that header. */
  readonly failedRecipients: readonly string[];
  /** To of the returned original (fallback when the text names nobody). */
  readonly originalTo: readonly string[];
  readonly defaultClass: 4 | 5;
  readonly action: string;
}

/** The core of a recipient's segment: from the first line carrying an SMTP code on. */
function diagnosticCore(segment: string): string {
  const lines = segment.split('\n');
  const i = lines.findIndex((l) => firstReplyCode(l) !== undefined || firstEnhanced(l) !== undefined);
  return i < 0 ? '' : lines.slice(i).join('\n');
}

export function readFreeText(input: FreeTextInput): FeedbackRecipient[] {
  const report = input.report;
  const cands = candidates(report, input.excluded);
  let chosen: Candidate[];
  // X-Failed-Recipients is authoritative when the text agrees; a header naming
  // addresses the text never mentions (rewritten aliases) yields to the text.
  const failedInText = input.failedRecipients.filter((a) => cands.some((c) => c.addr === a));
  if (failedInText.length || (input.failedRecipients.length && !cands.some((c) => c.strong))) {
    const list = failedInText.length ? failedInText : input.failedRecipients;
    chosen = list.map((a) => cands.find((c) => c.addr === a) ?? { addr: a, pos: report.toLowerCase().indexOf(a), strong: true });
  } else if (cands.some((c) => c.strong && !ROLE_ACCOUNTS.test(c.addr))) {
    chosen = cands.filter((c) => c.strong && !ROLE_ACCOUNTS.test(c.addr));
  } else {
    chosen = cands.filter((c) => !ROLE_ACCOUNTS.test(c.addr));
    if (chosen.length === 0 && input.originalTo.length === 1) chosen = [{ addr: input.originalTo[0]!, pos: -1, strong: false }];
  }
  const sorted = [...chosen].sort((a, b) => a.pos - b.pos);
  const context = collapse(stripBoilerplate(report));
  return chosen.map((c) => {
    let segment = report;
    if (chosen.length > 1 && c.pos >= 0) {
      const next = sorted.find((x) => x.pos > c.pos);
      segment = report.slice(c.pos, next ? next.pos : undefined);
    }
    const core = collapse(stripBoilerplate(diagnosticCore(segment)));
    const whole = collapse(stripBoilerplate(segment));
    const diagnostic = core || whole;
    const cl = classify({ diagnostic, context: whole || context, defaultClass: input.defaultClass, commandText: segment });
    const rec: FeedbackRecipient = { rcpt: c.addr, action: input.action, status: cl.status, reason: cl.reason, hard: cl.hard };
    if (diagnostic) rec.diagnostic = diagnostic.slice(0, 1000);
    if (cl.replyCode) rec.replyCode = cl.replyCode;
    return rec;
  });
}

/** Every address-looking token in a header value, lower-cased. */
export function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(ADDR)].map((m) => m[0].toLowerCase());
}

/**
 * The paragraph of a report about one recipient: from the first line that
 * names it to the next line naming another of `all` (or 2,000 characters).
 * '' when the report does not name it.
 */
export function segmentFor(report: string, addr: string, all: readonly string[]): string {
  const lower = report.toLowerCase();
  const at = lower.indexOf(addr);
  if (at < 0 || !addr) return '';
  const start = report.lastIndexOf('\n', at) + 1;
  let end = Math.min(report.length, start + 2000);
  for (const other of all) {
    if (other === addr || !other) continue;
    const p = lower.indexOf(other, at + addr.length);
    if (p >= 0 && p < end) end = report.lastIndexOf('\n', p) + 1 || p;
  }
  return report.slice(start, Math.max(end, at + addr.length));
}

/** Whether a string is a plausible mailbox (local@domain.tld, no source route). */
export function isPlausibleAddress(a: string): boolean {
  return /^[^\s@:<>]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(a);
}
