/**
 * parseFeedback: one received message → one FeedbackReport. Never rejects.
 *
 * Order of reading, most structured first:
 *   1. MIME structure (postal-mime, mime.ts); unreadable → 'unparseable'
 *   2. message/feedback-report part → ARF complaint (complaint.ts)
 *   3. Amazon SES JSON notification (ses-json.ts)
 *   4. message/delivery-status part, or DSN field blocks found in the text
 *      when the MIME boundaries are broken → DSN (dsn.ts)
 *   5. non-ARF complaints: Microsoft JMRP, Apple unsubscribe
 *   6. auto-replies → 'not-feedback' (recipient = who replied)
 *   7. bounce-like messages (detect.ts) → free-text reading (free-text.ts)
 *   8. anything else → 'not-feedback'
 * The returned original (message/rfc822 part, text/rfc822-headers part or
 * the text after a "copy of the message" line) is reduced by original.ts
 * for attribution (VERP Return-Path, Feedback-ID, DKIM d=, Message-ID).
 * parseFeedbackFile does the same for each message of an mbox file.
 * Invariants: every path returns a report; exceptions from any reader are
 * caught and turned into 'unparseable' with the reason in `detail`.
 * Limits: the kind of a DSN follows its Action fields (failed → bounce,
 * delayed → delay), then a delay subject or wording.
 */
import { readAppleUnsubscribe, readArf, readJmrp } from './complaint.js';
import { isAutoReply, isBounceLike, isDelay, type Signals } from './detect.js';
import { dsnBlocks, findDsnBlocks, readDsn } from './dsn.js';
import { first, parseFieldBlocks } from './fields.js';
import { addressesIn, isPlausibleAddress, readFreeText, splitReport } from './free-text.js';
import { splitMbox } from './mbox.js';
import { readMime, type MimeView } from './mime.js';
import { originalRecipients, readOriginal } from './original.js';
import { readSesNotification } from './ses-json.js';
import type { FeedbackReport, FeedbackRecipient, OriginalMessage } from './types.js';

function bodyOf(raw: Buffer): string {
  const s = raw.toString('utf8');
  const m = /\r?\n\r?\n/.exec(s);
  return m ? s.slice(m.index + m[0].length) : '';
}

function findOriginal(mime: MimeView, freeOriginal: string | undefined): OriginalMessage | undefined {
  const part = mime.parts.find((p) => p.type === 'message/rfc822' || p.type === 'message/global') ?? mime.parts.find((p) => p.type === 'text/rfc822-headers' || p.type === 'message/global-headers');
  const o = part ? readOriginal(part.text) : undefined;
  return o ?? (freeOriginal ? readOriginal(freeOriginal) : undefined);
}

function withOriginal(r: FeedbackReport, o: OriginalMessage | undefined): FeedbackReport {
  return o ? { ...r, original: o } : r;
}

function kindFor(recipients: readonly FeedbackRecipient[], delaySignal: boolean): FeedbackReport['kind'] {
  const failedAction = recipients.some((r) => r.action === 'failed');
  const permanentWithoutAction = recipients.some((r) => r.action === undefined && r.status?.[0] === '5');
  const delayed = recipients.some((r) => r.action === 'delayed');
  const failedLike = recipients.some((r) => r.reason !== 'delivered');
  if (failedAction || (permanentWithoutAction && !delaySignal)) return 'bounce';
  if (delayed || (delaySignal && failedLike)) return 'delay';
  if (!failedLike && recipients.length > 0) return 'not-feedback';
  return 'bounce';
}

async function parse(raw: Buffer): Promise<FeedbackReport> {
  const mime = await readMime(raw);
  if (!mime) return { kind: 'unparseable', format: 'none', recipients: [], detail: 'not a readable MIME message' };
  const bodyText = mime.text.trim() ? mime.text : bodyOf(raw);
  const signals: Signals = { headers: mime.headers, subject: mime.subject, from: mime.from, text: bodyText };
  const split = splitReport(bodyText);
  const original = findOriginal(mime, split.original);

  // 2. ARF
  const fbPart = mime.parts.find((p) => p.type === 'message/feedback-report');
  if (fbPart) {
    const fields = parseFieldBlocks(fbPart.text)[0] ?? new Map<string, string[]>();
    const { complaint, recipients } = readArf(fields, original);
    return withOriginal({ kind: 'complaint', format: 'arf', recipients, complaint }, original);
  }

  // 3. Amazon SES notification
  const ses = readSesNotification(bodyText);
  if (ses) return withOriginal(ses, original);

  // 4. RFC 3464
  const dsParts = mime.parts.filter((p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status');
  let blocks = dsParts.flatMap((p) => dsnBlocks(p.text));
  if (!blocks.length) blocks = findDsnBlocks(bodyText);
  if (!blocks.length) blocks = findDsnBlocks(bodyOf(raw));
  if (blocks.some((b) => b.has('final-recipient') || b.has('original-recipient'))) {
    const delaySignal = isDelay({ subject: mime.subject, text: split.report });
    const dsn = readDsn(blocks, split.report, delaySignal ? 4 : 5);
    const broken = dsn.recipients.filter((r) => !isPlausibleAddress(r.rcpt));
    if (broken.length === 1) {
      // e.g. "Final-Recipient: rfc822; @mx.example.org": name the recipient from the text or the original.
      const guess = readFreeText(freeTextInput(mime, original, split.report, 5, 'failed'))[0]?.rcpt ?? (originalRecipients(original).length === 1 ? originalRecipients(original)[0] : undefined);
      if (guess) broken[0]!.rcpt = guess;
    }
    if (dsn.recipients.length) {
      const report: FeedbackReport = { kind: kindFor(dsn.recipients, delaySignal), format: 'dsn', recipients: dsn.recipients };
      if (dsn.reportingMta) report.reportingMta = dsn.reportingMta;
      return withOriginal(report, original);
    }
  }

  // 5. Non-ARF complaints
  const jmrp = readJmrp(original, mime.subject);
  if (jmrp) return withOriginal({ kind: 'complaint', format: 'jmrp', ...jmrp }, original);
  const apple = readAppleUnsubscribe(mime.headers, mime.from);
  if (apple) return { kind: 'complaint', format: 'heuristic', ...apple, detail: 'Apple Mail unsubscribe' };

  // 6. Auto-replies
  if (isAutoReply(signals) && !isBounceLike(signals)) {
    const recipients: FeedbackRecipient[] = mime.from ? [{ rcpt: mime.from, hard: undefined, reason: 'vacation' }] : [];
    return { kind: 'not-feedback', format: 'heuristic', recipients, detail: 'auto-reply' };
  }

  // 7. Free-text bounces
  if (isBounceLike(signals) || isBounceLike({ ...signals, text: bodyOf(raw) })) {
    const delaySignal = isDelay({ subject: mime.subject, text: split.report });
    const cls = delaySignal ? 4 : 5;
    const action = delaySignal ? 'delayed' : 'failed';
    let recipients = readFreeText(freeTextInput(mime, original, split.report, cls, action));
    if (recipients.length === 0 || recipients.every((r) => !r.diagnostic)) {
      // postal-mime may have lost text to broken MIME: read the raw body instead.
      const rawSplit = splitReport(bodyOf(raw));
      const again = readFreeText(freeTextInput(mime, original ?? (rawSplit.original ? readOriginal(rawSplit.original) : undefined), rawSplit.report, cls, action));
      if (again.length) recipients = again;
    }
    return withOriginal({ kind: delaySignal ? 'delay' : 'bounce', format: 'heuristic', recipients, ...(recipients.length ? {} : { detail: 'bounce without a recognisable recipient' }) }, original);
  }

  return withOriginal({ kind: 'not-feedback', format: 'none', recipients: [], detail: first(mime.headers, 'subject') ? 'ordinary mail' : 'no report structure' }, original);
}

function freeTextInput(mime: MimeView, original: OriginalMessage | undefined, report: string, defaultClass: 4 | 5, action: string): Parameters<typeof readFreeText>[0] {
  const excluded = new Set<string>([
    mime.from,
    ...['to', 'cc', 'return-path', 'reply-to', 'sender', 'delivered-to', 'x-original-to'].flatMap((k) => addressesIn(mime.headers.get(k)?.join(','))),
    ...(original?.from ? [original.from] : []),
    ...(original?.returnPath ? [original.returnPath] : []),
    ...['reply-to', 'sender'].flatMap((k) => addressesIn(original?.headers[k]?.join(','))),
  ]);
  return {
    report,
    excluded,
    failedRecipients: addressesIn(mime.headers.get('x-failed-recipients')?.join(',')),
    originalTo: originalRecipients(original),
    defaultClass,
    action,
  };
}

/** Reads a received DSN, ARF report or free-text bounce. Never rejects. */
export async function parseFeedback(raw: Buffer): Promise<FeedbackReport> {
  try {
    return await parse(splitMbox(raw)[0] ?? raw);
  } catch (err) {
    return { kind: 'unparseable', format: 'none', recipients: [], detail: `parser error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Reads a saved file: one message, or an mbox of several (feedback import).
 * One report per message, in file order. Never rejects.
 */
export async function parseFeedbackFile(raw: Buffer): Promise<FeedbackReport[]> {
  const out: FeedbackReport[] = [];
  for (const m of splitMbox(raw)) out.push(await parseFeedback(m));
  return out;
}
