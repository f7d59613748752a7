/**
 * Hashed feature extraction: MessageView -> sparse vector for the linear model.
 *
 * Feature families (each hashed with its own seed): body words and bigrams
 * (numbers reduced to their shape), subject words, URL registrable domains and
 * TLDs, From domain / display name / local-part shape, the set of author-side
 * header names, mailer tokens, MIME structure (types, charsets, encodings),
 * Date and Message-ID shapes, and bucketed counts (text length, capitals, links,
 * images, hidden text, recipients).
 *
 * Trace and list-manager headers (Received, Delivered-To, List-*, Sender, ...)
 * are deliberately left out: they are added by relays and by the corpus
 * collectors' own systems, not by the sender, so they would teach the model the
 * corpus rather than the mail; bulk signals are handled by bulk.ts instead.
 *
 * Values: text features (body and subject words, bigrams) are presence (1 per
 * distinct token, however often it repeats) L2-normalised as one block; every other (metadata) feature gets a fixed
 * META_VALUE per occurrence (log-scaled when repeated), so structural signals are
 * not diluted by long bodies. This split gave the best cross-validated recall
 * at 0.1% FPR of the variants tried (see docs/scanner.md).
 *
 * Invariants: deterministic; bounded by the view's text cap and MAX_TOKENS.
 * Changing anything here changes FEATURE_VERSION and needs a retrain.
 */
import { hashPair, hashRange, hashString } from './hash.js';
import { addressDomain } from './mime/headers.js';
import { headerValue } from './mime/message.js';
import type { MessageView } from './view.js';

export const FEATURE_VERSION = 2;
const MAX_TOKENS = 12000;
const MAX_HASHES = 600;
/** Value of one metadata feature occurrence (text features share a unit norm). */
const META_VALUE = 0.2;

export interface SparseVector {
  readonly idx: Uint32Array;
  readonly val: Float32Array;
}

/** Seeds for the feature namespaces. */
const S = {
  word: 1, bigram: 2, subj: 3, urlDomain: 4, urlTld: 5, fromDomain: 6, fromTld: 7, fromName: 8, hname: 9,
  mailer: 10, ctype: 11, shape: 12, stat: 13, numShape: 14, subjStat: 15, defect: 16, msgid: 17, date: 18, tag: 19, hcase: 20, horder: 21,
} as const;

export const EXCLUDED_HEADER = /^(?:received|return-path|delivered-to|x-original-to|envelope-to|delivery-date|x-keywords|x-status|status|x-uid|x-uidl|x-original-date|x-mime-autoconverted|x-authentication-warning|x-loop|x-apparently-to|x-mailscanner.*|x-virus.*|x-spam.*|list-.*|precedence|sender|errors-to|x-beenthere|x-mailman-version|mailing-list|x-mailing-list|x-egroups-.*|x-yahoo-.*|x-list-.*|x-unsubscription-info|x-precedence-ref|old-subject|x-acceptable-languages|content-length|lines|x-pyzor|x-razor.*|x-original-.*|x-envelope-.*|x-rcpt-to|x-received|x-gmail-.*|x-google-.*|x-ms-exchange-organization-.*|authentication-results|arc-.*|dkim-signature|x-dkim.*|received-spf)$/;

function bucket(n: number): number {
  return n <= 0 ? 0 : Math.min(12, Math.floor(Math.log2(n + 1)));
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x206f) && (c < 0x3000 || c > 0x303f) && c !== 0xfeff);
}

export interface FeatureExtractor {
  /** Hashes of the body words seen by the last extract() call, in order (a view, overwritten next call). */
  lastWordHashes(): Uint32Array;
  extract(view: MessageView, recipientCount: number): SparseVector;
  /** Readable names ("w:free", "hdr:x-mailer", ...) of features of the last extract() call. */
  explain(ids: readonly number[]): Map<number, string>;
}

/** Build an extractor for 2^bits buckets; it reuses scratch buffers (one per scanner). */
export function createFeatureExtractor(bits: number): FeatureExtractor {
  const mask = (1 << bits) - 1;
  const excludedCache = new Map<string, boolean>();
  let buf = new Uint32Array(4096);
  // Where each pushed feature came from, so explain() needs no second pass:
  // srcA >= 0: a word range [srcA, srcB) of text slot srcT (bit 7: bigram);
  // srcA < 0: the name is strs[-srcA - 1].
  let srcA = new Int32Array(4096);
  let srcB = new Int32Array(4096);
  let srcT = new Uint8Array(4096);
  const strs: string[] = [];
  const slotTexts: string[] = [];
  const slotLabels: string[] = [];
  let slot = 0;
  let n = 0;
  let split = 0;
  // Body word hashes in order (for the campaign fingerprint), first MAX_HASHES.
  const hashes = new Uint32Array(MAX_HASHES);
  let nHashes = 0;
  let capture = false;
  const push = (h: number): void => {
    if (n === buf.length) {
      const grow = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, make: (len: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      buf = grow(buf, (l) => new Uint32Array(l));
      srcA = grow(srcA, (l) => new Int32Array(l));
      srcB = grow(srcB, (l) => new Int32Array(l));
      srcT = grow(srcT, (l) => new Uint8Array(l));
    }
    buf[n++] = h & mask;
  };
  const named = (nameStr: string): void => {
    strs.push(nameStr);
    srcA[n - 1] = -strs.length;
  };
  const ranged = (start: number, end: number, bigram: boolean): void => {
    srcA[n - 1] = start;
    srcB[n - 1] = end;
    srcT[n - 1] = bigram ? slot | 128 : slot;
  };
  const tok = (seed: number, s: string, label: string): void => {
    push(hashString(s, seed));
    named(label + ':' + s);
  };
  // Precomputed shape tokens for numbers ("n3": three digits, "m6": six mixed chars) and long words.
  const SHAPES = ['n', 'm', 'long'].map((p) => Array.from({ length: 13 }, (_, k) => ({ key: p + k, h: hashString(p + k, S.numShape), name: 'shape:' + p + k })));

  /** Words and bigrams of lower-cased text; numbers become shape tokens. */
  function words(text: string, seed: number, bigramSeed: number, label: string, limit: number): number {
    slot = Math.min(slot + 1, 127);
    slotTexts[slot] = text;
    slotLabels[slot] = label;
    let prev = 0;
    let prevStart = 0;
    let count = 0;
    let i = 0;
    const len = text.length;
    while (i < len && count < limit) {
      let c = text.charCodeAt(i);
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      const start = i;
      let digits = 0;
      while (i < len) {
        c = text.charCodeAt(i);
        if (!isWordChar(c)) break;
        if (c >= 48 && c <= 57) digits++;
        i++;
      }
      const wl = i - start;
      if (wl < 2 && digits === 0) continue;
      let h: number;
      if (digits > 0 || wl > 24) {
        // Shapes keep ids, amounts and dates from being memorised one by one.
        const sh = digits > 0 ? SHAPES[digits === wl ? 0 : 1]![Math.min(wl, 12)]! : SHAPES[2]![Math.min(wl >> 3, 8)]!;
        h = sh.h;
        push(h);
        named(sh.name);
      } else {
        h = hashRange(text, start, i, seed);
        push(h);
        ranged(start, i, false);
      }
      if (prev !== 0 && bigramSeed !== 0) {
        push(hashPair(prev, h, bigramSeed));
        ranged(prevStart, i, true);
      }
      prev = h;
      prevStart = start;
      count++;
      if (capture && nHashes < MAX_HASHES) hashes[nHashes++] = h;
    }
    return count;
  }

  function explain(ids: readonly number[]): Map<number, string> {
    const out = new Map<number, string>();
    for (const id of ids) {
      for (let i = 0; i < n; i++) {
        if (buf[i] !== id) continue;
        const a = srcA[i]!;
        if (a < 0) out.set(id, strs[-a - 1]!);
        else {
          const t = srcT[i]!;
          const sl = t & 127;
          const text = slotTexts[sl]!.slice(a, Math.min(srcB[i]!, a + 60)).replace(/\s+/g, ' ');
          out.set(id, `${slotLabels[sl]}${t & 128 ? '2' : ''}:${text}`);
        }
        break;
      }
    }
    return out;
  }

  function stat(key: string, v: number): void {
    const k = key + '=' + bucket(v);
    push(hashString(k, S.stat));
    named('stat:' + k);
  }

  function shapeOf(s: string): string {
    return s
      .replace(/[0-9a-f]{8,}/gi, 'H')
      .replace(/[0-9]+/g, '9')
      .replace(/[a-z]+/g, 'a')
      .replace(/[A-Z]+/g, 'A')
      .slice(0, 24);
  }

  function extract(view: MessageView, recipientCount: number): SparseVector {
    n = 0;
    slot = 0;
    strs.length = 0;
    const msg = view.msg;
    // Body text.
    const text = view.text;
    let upper = 0;
    let letters = 0;
    let bangs = 0;
    let dollars = 0;
    // Ratios from a prefix are good enough and keep this loop short.
    const statLen = Math.min(text.length, 4096);
    for (let i = 0; i < statLen; i++) {
      const c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        upper++;
        letters++;
      } else if (c >= 97 && c <= 122) letters++;
      else if (c === 33) bangs++;
      else if (c === 36) dollars++;
    }
    nHashes = 0;
    capture = true;
    const nWords = words(text.toLowerCase(), S.word, S.bigram, 'w', MAX_TOKENS);
    capture = false;
    const subj = msg.subject;
    words(subj.toLowerCase(), S.subj, 0, 's', 64);
    // Everything before this index is text (normalised as a block); after it, metadata.
    split = n;
    stat('words', nWords);
    stat('upperPct', letters > 20 ? Math.round((upper / letters) * 40) : 0);
    stat('bangs', bangs);
    stat('dollars', dollars);
    // Subject shape.
    let su = 0;
    let sl = 0;
    for (let i = 0; i < subj.length; i++) {
      const c = subj.charCodeAt(i);
      if (c >= 65 && c <= 90) su++;
      else if (c >= 97 && c <= 122) sl++;
    }
    const subjFlags = [
      subj.length === 0 ? 'empty' : '',
      /^\s*(re|aw|sv)\s*:/i.test(subj) ? 're' : '',
      /^\s*(fw|fwd)\s*:/i.test(subj) ? 'fw' : '',
      subj.includes('!') ? 'bang' : '',
      subj.includes('$') ? 'dollar' : '',
      /\s{3,}/.test(subj) ? 'spaces' : '',
      su > 4 && su > sl ? 'caps' : '',
      /[^\x00-\x7f]/.test(subj) ? 'nonascii' : '',
      /\b\d{3,}\s*$/.test(subj) ? 'trailnum' : '',
    ];
    for (const f of subjFlags) if (f !== '') tok(S.subjStat, f, 'subj');
    stat('subjLen', subj.length);
    // URLs.
    const domains = new Set<string>();
    for (const u of view.urls) {
      if (domains.has(u.domain)) continue;
      domains.add(u.domain);
      tok(S.urlDomain, u.ip ? 'IP' : u.domain, 'url');
      const dot = u.domain.lastIndexOf('.');
      if (!u.ip && dot >= 0) tok(S.urlTld, u.domain.slice(dot + 1), 'tld');
      if (u.userinfo) tok(S.shape, 'url-userinfo', 'shape');
    }
    // Do the links point at the sender's own domain? Legitimate newsletters mostly do.
    const fromDom = msg.from !== null ? addressDomain(msg.from.address) : '';
    if (view.urls.length > 0 && fromDom !== '') {
      let aligned = 0;
      for (const u of view.urls) if (u.domain !== '' && (fromDom === u.domain || fromDom.endsWith('.' + u.domain))) aligned++;
      tok(S.shape, 'url-align:' + (aligned === 0 ? 'none' : aligned === view.urls.length ? 'all' : aligned * 2 >= view.urls.length ? 'most' : 'some'), 'shape');
    }
    for (const t of view.tagNames) tok(S.tag, t, 'tag');
    stat('urls', view.urls.length);
    stat('domains', domains.size);
    stat('links', view.links.length);
    stat('images', view.images);
    stat('hidden', view.hiddenChars);
    stat('forms', view.forms);
    stat('plain', view.plainChars);
    stat('html', view.htmlChars);
    stat('tags', view.htmlTags);
    stat('attachments', msg.attachments.length);
    stat('size', msg.size >> 8);
    stat('rcpt', recipientCount);
    stat('toCount', msg.to.length);
    stat('ccCount', msg.cc.length);
    // From.
    if (msg.from !== null) {
      const fd = addressDomain(msg.from.address);
      if (fd !== '') {
        tok(S.fromDomain, fd, 'fromdom');
        tok(S.fromTld, fd.slice(fd.lastIndexOf('.') + 1), 'fromtld');
      }
      const local = msg.from.address.slice(0, Math.max(0, msg.from.address.indexOf('@')));
      tok(S.shape, 'fromlocal:' + shapeOf(local), 'shape');
      words(msg.from.name.toLowerCase(), S.fromName, 0, 'fromname', 16);
      tok(S.shape, 'fromname:' + (msg.from.name === '' ? 'none' : shapeOf(msg.from.name.replace(/\s+/g, ' ')).slice(0, 8)), 'shape');
      if (msg.replyTo !== null && addressDomain(msg.replyTo.address) !== fd) tok(S.shape, 'replyto-differs', 'shape');
      if (msg.to.some((a) => a.address === msg.from!.address)) tok(S.shape, 'to-is-from', 'shape');
    } else tok(S.shape, 'no-from', 'shape');
    // Header names (author side) and selected values.
    const order: string[] = [];
    for (const h of msg.headers) {
      let excluded = excludedCache.get(h.name);
      if (excluded === undefined) {
        excluded = EXCLUDED_HEADER.test(h.name);
        if (excludedCache.size < 2048) excludedCache.set(h.name, excluded);
      }
      if (excluded) continue;
      tok(S.hname, h.name, 'hdr');
      if (h.rawName !== h.name) tok(S.hcase, h.rawName, 'hcase');
      if (order.length < 8) order.push(h.name);
    }
    // Header order is a strong fingerprint of the software that wrote the message.
    tok(S.horder, order.join(','), 'horder');
    // To: shape.
    const toRaw = headerValue(msg, 'to');
    const fd0 = msg.from !== null ? addressDomain(msg.from.address) : '';
    tok(
      S.shape,
      'to:' +
        (toRaw === undefined
          ? 'missing'
          : msg.to.length === 0
            ? /undisclosed|recipient/i.test(toRaw) ? 'undisclosed' : 'empty'
            : msg.to.length === 1
              ? (msg.to[0]!.name === '' ? 'bare' : 'named') + (fd0 !== '' && addressDomain(msg.to[0]!.address) === fd0 ? '-samedom' : '')
              : 'many'),
      'shape',
    );
    // Multipart boundary shape (mailers and spamware have recognisable patterns).
    const boundary = /boundary\s*=\s*"?([^";\s]+)/i.exec(headerValue(msg, 'content-type') ?? '');
    if (boundary !== null) tok(S.shape, 'boundary:' + shapeOf(boundary[1]!), 'shape');
    const mailer = headerValue(msg, 'x-mailer') ?? headerValue(msg, 'user-agent');
    if (mailer !== undefined) words(mailer.toLowerCase(), S.mailer, 0, 'mailer', 6);
    const prio = headerValue(msg, 'x-priority');
    if (prio !== undefined) tok(S.shape, 'prio:' + prio.trim().slice(0, 1), 'shape');
    // MIME structure.
    const top = msg.parts[0];
    if (top !== undefined) tok(S.ctype, 'top:' + top.contentType, 'mime');
    for (const p of msg.parts) {
      tok(S.ctype, p.contentType, 'mime');
      if (p.charset !== '') tok(S.ctype, 'cs:' + p.charset, 'mime');
      tok(S.ctype, 'cte:' + p.encoding, 'mime');
    }
    for (const a of msg.attachments) {
      const dot = a.filename.lastIndexOf('.');
      tok(S.ctype, 'att:' + (dot >= 0 ? a.filename.slice(dot + 1).toLowerCase().slice(0, 8) : a.contentType), 'mime');
    }
    for (const d of msg.defects) tok(S.defect, d.split(':')[0]!, 'defect');
    // Date and Message-ID shapes.
    const date = headerValue(msg, 'date');
    if (date === undefined) tok(S.date, 'missing', 'date');
    else {
      const t = date.trim();
      tok(S.date, /^[A-Z][a-z]{2},/.test(t) ? 'dow' : 'no-dow', 'date');
      const tz = /\s([+-]\d{4}|[A-Z]{1,5}|\d{4})(?:\s*\([^)]*\))?$/.exec(t);
      tok(S.date, 'tz:' + (tz === null ? 'none' : /^[+-]\d{4}$/.test(tz[1]!) ? 'num' : /^\d{4}$/.test(tz[1]!) ? 'unsigned' : 'name'), 'date');
      if (!/\d{1,2}:\d{2}:\d{2}/.test(t)) tok(S.date, 'no-seconds', 'date');
      if (/\s\d{2}\s\d/.test(t) === false && /\s\d{4}\s/.test(t) === false) tok(S.date, 'odd-year', 'date');
    }
    const mid = headerValue(msg, 'message-id');
    if (mid === undefined) tok(S.msgid, 'missing', 'msgid');
    else {
      const m = /<?([^@<>]*)@([^>]*)>?/.exec(mid.trim());
      if (m === null) tok(S.msgid, 'no-at', 'msgid');
      else {
        tok(S.msgid, 'local:' + shapeOf(m[1]!), 'msgid');
        const dom = m[2]!.toLowerCase();
        const fd = msg.from !== null ? addressDomain(msg.from.address) : '';
        tok(S.msgid, fd !== '' && (dom === fd || dom.endsWith('.' + fd)) ? 'dom=from' : /^\[?\d+\.\d+\.\d+\.\d+\]?$/.test(dom) ? 'dom=ip' : dom.includes('.') ? 'dom-other' : 'dom-bare', 'msgid');
      }
    }
    return finish();
  }

  // Open-addressing table for counting duplicate ids in O(n). A generation
  // stamp marks live slots, so the table is never cleared. cnt packs the text
  // count (low 16 bits) and the metadata count (high bits).
  let cap = 8192;
  let stamp = new Uint32Array(cap);
  let keys = new Uint32Array(cap);
  let cnt = new Uint32Array(cap);
  let slotOf = new Uint32Array(cap);
  let gen = 0;
  const LOG1P = Float32Array.from({ length: 64 }, (_, c) => (c === 0 ? 0 : 1 + Math.log(c)));
  const logCount = (c: number): number => (c < 64 ? LOG1P[c]! : 1 + Math.log(c));
  function finish(): SparseVector {
    if (cap < n * 2) {
      while (cap < n * 2) cap *= 2;
      stamp = new Uint32Array(cap);
      keys = new Uint32Array(cap);
      cnt = new Uint32Array(cap);
      slotOf = new Uint32Array(cap);
      gen = 0;
    }
    gen++;
    if (gen === 0xffffffff) {
      stamp.fill(0);
      gen = 1;
    }
    const tmask = cap - 1;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const id = buf[i]!;
      const inc = i < split ? 1 : 0x10000;
      let slot = (Math.imul(id, 0x9e3779b1) >>> 0) & tmask;
      for (;;) {
        if (stamp[slot] !== gen) {
          stamp[slot] = gen;
          keys[slot] = id;
          cnt[slot] = inc;
          slotOf[u++] = slot;
          break;
        }
        if (keys[slot] === id) {
          cnt[slot]! += inc;
          break;
        }
        slot = (slot + 1) & tmask;
      }
    }
    // Text block: presence (repeats do not count), L2-normalised so long texts do not dominate.
    // Metadata block: a fixed value per occurrence (log-scaled), not diluted by text length.
    const idx = new Uint32Array(u);
    const val = new Float32Array(u);
    let norm = 0;
    for (let k = 0; k < u; k++) {
      const slot = slotOf[k]!;
      idx[k] = keys[slot]!;
      const v = (cnt[slot]! & 0xffff) === 0 ? 0 : 1;
      val[k] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < u; k++) {
      const m = cnt[slotOf[k]!]! >>> 16;
      val[k] = val[k]! * inv + (m === 0 ? 0 : META_VALUE * logCount(m));
    }
    return { idx, val };
  }

  return { extract, explain, lastWordHashes: () => hashes.subarray(0, nHashes) };
}
