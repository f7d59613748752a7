/**
 * Shapes of the Date and Message-ID headers, which betray the software that
 * wrote them: weekday present, time-zone form, seconds, year form; Message-ID
 * local-part shape and whether its domain is the sender's, an IP, another
 * domain or bare.
 */
import { addressDomain } from '../mime/headers.js';
import type { ParsedMessage } from '../mime/message.js';
import { headerValue } from '../mime/message.js';
import { shapeOf } from './shape.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

export function addDateShape(sink: FeatureSink, msg: ParsedMessage): void {
  const date = headerValue(msg, 'date');
  if (date === undefined) {
    sink.tok(SEED.date, 'missing', 'date');
    return;
  }
  const t = date.trim();
  sink.tok(SEED.date, /^[A-Z][a-z]{2},/.test(t) ? 'dow' : 'no-dow', 'date');
  const tz = /\s([+-]\d{4}|[A-Z]{1,5}|\d{4})(?:\s*\([^)]*\))?$/.exec(t);
  sink.tok(SEED.date, 'tz:' + (tz === null ? 'none' : /^[+-]\d{4}$/.test(tz[1]!) ? 'num' : /^\d{4}$/.test(tz[1]!) ? 'unsigned' : 'name'), 'date');
  if (!/\d{1,2}:\d{2}:\d{2}/.test(t)) sink.tok(SEED.date, 'no-seconds', 'date');
  if (/\s\d{2}\s\d/.test(t) === false && /\s\d{4}\s/.test(t) === false) sink.tok(SEED.date, 'odd-year', 'date');
}

export function addMessageIdShape(sink: FeatureSink, msg: ParsedMessage): void {
  const mid = headerValue(msg, 'message-id');
  if (mid === undefined) {
    sink.tok(SEED.msgid, 'missing', 'msgid');
    return;
  }
  const m = /<?([^@<>]*)@([^>]*)>?/.exec(mid.trim());
  if (m === null) {
    sink.tok(SEED.msgid, 'no-at', 'msgid');
    return;
  }
  sink.tok(SEED.msgid, 'local:' + shapeOf(m[1]!), 'msgid');
  const dom = m[2]!.toLowerCase();
  const fd = msg.from !== null ? addressDomain(msg.from.address) : '';
  const where = fd !== '' && (dom === fd || dom.endsWith('.' + fd)) ? 'dom=from' : /^\[?\d+\.\d+\.\d+\.\d+\]?$/.test(dom) ? 'dom=ip' : dom.includes('.') ? 'dom-other' : 'dom-bare';
  sink.tok(SEED.msgid, where, 'msgid');
}
