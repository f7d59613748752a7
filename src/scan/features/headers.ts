/**
 * Author-side header features: the set of header names, their capitalisation
 * when unusual, the order of the first eight (a strong fingerprint of the
 * software that wrote the message), the words of each header's value in a
 * namespace of its own ("x-msmail-priority: normal", "organization: ..."),
 * the X-Mailer / User-Agent words and X-Priority.
 *
 * Trace and list-manager headers (Received, Delivered-To, List-*, Sender, ...,
 * EXCLUDED_HEADER) are left out: relays and the corpus collectors' own systems
 * add them, not the sender, so they would teach the model the corpus rather
 * than the mail; bulk signals are handled by bulk.ts instead. Header values
 * additionally skip headers read elsewhere (From, To, Subject, Date, MIME
 * headers, ...) and relay stamps (Resent-*, X-OriginalArrivalTime,
 * X-Originating-IP). Value words lifted cross-validated recall at 0.1% FPR by
 * about 0.6 points (docs/scanner.md).
 * Limits: 8 value words per header.
 */
import { hashString } from '../hash.js';
import type { ParsedMessage } from '../mime/message.js';
import { headerValue } from '../mime/message.js';
import type { FeatureSink } from './sink.js';
import { HEADER_VALUE_SALT, SEED } from './seeds.js';
import { addWords } from './words.js';

export const EXCLUDED_HEADER = /^(?:received|return-path|delivered-to|x-original-to|envelope-to|delivery-date|x-keywords|x-status|status|x-uid|x-uidl|x-original-date|x-mime-autoconverted|x-authentication-warning|x-loop|x-apparently-to|x-mailscanner.*|x-virus.*|x-spam.*|list-.*|precedence|sender|errors-to|x-beenthere|x-mailman-version|mailing-list|x-mailing-list|x-egroups-.*|x-yahoo-.*|x-list-.*|x-unsubscription-info|x-precedence-ref|old-subject|x-acceptable-languages|content-length|lines|x-pyzor|x-razor.*|x-original-.*|x-envelope-.*|x-rcpt-to|x-received|x-gmail-.*|x-google-.*|x-ms-exchange-organization-.*|authentication-results|arc-.*|dkim-signature|x-dkim.*|received-spf)$/;

/** Headers whose values are features elsewhere, or ids with no words worth keeping. */
const VALUE_READ_ELSEWHERE = /^(?:from|to|cc|bcc|reply-to|subject|date|message-id|references|in-reply-to|content-type|content-transfer-encoding|mime-version|x-mailer|user-agent)$/;
/** Relay stamps that survive EXCLUDED_HEADER: their names are kept, their values are not. */
const VALUE_RELAY_STAMP = /^(?:resent-|x-ucsc-|x-originalarrivaltime|x-originating-ip)/;
const VALUE_WORDS = 8;

export interface HeaderFeatures {
  addHeaderFeatures(sink: FeatureSink, msg: ParsedMessage): void;
}

/** One per extractor: caches which header names are excluded and their value seeds. */
export function createHeaderFeatures(): HeaderFeatures {
  // 0: excluded; 1: name only; otherwise the seed for value words.
  const kind = new Map<string, number>();
  function kindOf(name: string): number {
    let k = kind.get(name);
    if (k !== undefined) return k;
    k = EXCLUDED_HEADER.test(name) ? 0 : VALUE_READ_ELSEWHERE.test(name) || VALUE_RELAY_STAMP.test(name) ? 1 : hashString(name, HEADER_VALUE_SALT) || 2;
    if (kind.size < 2048) kind.set(name, k);
    return k;
  }
  return {
    addHeaderFeatures(sink, msg): void {
      const order: string[] = [];
      for (const h of msg.headers) {
        const k = kindOf(h.name);
        if (k === 0) continue;
        sink.tok(SEED.hname, h.name, 'hdr');
        if (h.rawName !== h.name) sink.tok(SEED.hcase, h.rawName, 'hcase');
        if (order.length < 8) order.push(h.name);
        if (k !== 1) addWords(sink, h.value.toLowerCase(), k, 0, 'hv:' + h.name, VALUE_WORDS);
      }
      sink.tok(SEED.horder, order.join(','), 'horder');
    },
  };
}

/** X-Mailer (or User-Agent) words and the X-Priority digit. */
export function addMailerFeatures(sink: FeatureSink, msg: ParsedMessage): void {
  const mailer = headerValue(msg, 'x-mailer') ?? headerValue(msg, 'user-agent');
  if (mailer !== undefined) addWords(sink, mailer.toLowerCase(), SEED.mailer, 0, 'mailer', 6);
  const prio = headerValue(msg, 'x-priority');
  if (prio !== undefined) sink.tok(SEED.shape, 'prio:' + prio.trim().slice(0, 1), 'shape');
}
