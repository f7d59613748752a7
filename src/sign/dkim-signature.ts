/**
 * One DKIM-Signature (RFC 6376, relaxed/relaxed; RFC 8463 for Ed25519) over a
 * message already split into header fields and a body hash.
 *
 * The private-key operation uses Node's callback form of crypto.sign, which
 * runs in libuv's thread pool: the event loop only canonicalises and hashes,
 * and concurrent signatures use every core. Inside a signing worker thread
 * (pool.ts) `sync` signs in place instead, which avoids the ~0.1 ms of
 * job set-up the callback form costs the calling thread.
 * Invariants: h= lists each signed field once per instance present
 * (bottom-up, as verifiers select them) and once more for OVERSIGNED names
 * present in the message, so a receiver rejects a copy with one of those
 * fields added; `from` is always listed. The b= tag is last and folded.
 * Limits: no i=, x=, l= or z= tags.
 */
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { relaxedHeader } from './canonicalize.js';
import type { DkimAlgorithm } from './dkim-key.js';
import type { HeaderField } from './message-headers.js';

/** Fields worth signing when present (lower case, from RFC 6376 5.4.1 and current practice). */
export const SIGNED_FIELDS: readonly string[] = [
  'from', 'sender', 'reply-to', 'subject', 'date', 'message-id', 'to', 'cc',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-id', 'content-description',
  'resent-date', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-message-id',
  'in-reply-to', 'references', 'list-id', 'list-help', 'list-unsubscribe', 'list-unsubscribe-post',
  'list-subscribe', 'list-post', 'list-owner', 'list-archive', 'feedback-id', 'cfbl-address', 'cfbl-feedback-id',
];

/** Fields that identify author or tenant: a second copy added in transit must break the signature. */
export const OVERSIGNED: ReadonlySet<string> = new Set([
  'from', 'reply-to', 'subject', 'date', 'to', 'cc', 'message-id', 'content-type', 'mime-version',
  'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id', 'cfbl-address', 'cfbl-feedback-id',
]);

export interface SignatureInput {
  readonly domain: string;
  readonly selector: string;
  readonly key: KeyObject;
  readonly algorithm: DkimAlgorithm;
  /** Signing time, seconds since the epoch (t=). */
  readonly time: number;
  /** Sign on the calling thread (worker threads only). */
  readonly sync?: boolean;
}

const SIGNED_SET: ReadonlySet<string> = new Set(SIGNED_FIELDS);

/** What the signatures of one message cover: the h= names and the canonical fields they select. */
export interface SignedHeaders {
  readonly names: readonly string[];
  /** Relaxed-canonical selected fields, each followed by CRLF, in h= order. */
  readonly canonical: string;
}

/** The h= list for these fields and the canonical text of the fields it selects. Compute once per message. */
export function selectFields(fields: readonly HeaderField[]): SignedHeaders {
  const byKey = new Map<string, HeaderField[]>();
  for (const f of fields) {
    if (!SIGNED_SET.has(f.key)) continue;
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  const names: string[] = [];
  let canonical = '';
  for (const name of SIGNED_FIELDS) {
    const present = byKey.get(name);
    if (!present) {
      if (name === 'from') names.push(name);
      continue;
    }
    for (let i = present.length - 1; i >= 0; i--) {
      names.push(name);
      canonical += relaxedHeader(present[i]!.line) + '\r\n';
    }
    if (OVERSIGNED.has(name)) names.push(name); // selects nothing: empty on both sides
  }
  return { names, canonical };
}

function fold(tag: string, items: readonly string[], sep: string): string {
  let out = '';
  let col = 1 + tag.length;
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? sep : '');
    if (col + piece.length > 76 && col > 1) {
      out += '\r\n\t';
      col = 1;
    }
    out += piece;
    col += piece.length;
  });
  return tag + out;
}

/** Builds and signs one DKIM-Signature; resolves to the complete field with CRLF. */
export async function dkimSignature(signed: SignedHeaders, bodyHash: string, s: SignatureInput): Promise<string> {
  const { names, canonical } = signed;
  const head =
    `DKIM-Signature: v=1; a=${s.algorithm}; c=relaxed/relaxed; d=${s.domain};\r\n` +
    `\ts=${s.selector}; t=${s.time};\r\n` +
    `\t${fold('h=', names, ':')};\r\n` +
    `\tbh=${bodyHash};\r\n` +
    '\tb=';
  const data = Buffer.from(canonical + relaxedHeader(head), 'latin1');
  const sig = s.sync
    ? s.algorithm === 'rsa-sha256' ? cryptoSign('sha256', data, s.key) : cryptoSign(null, createHash('sha256').update(data).digest(), s.key)
    : await new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => (err ? reject(err) : resolve(out));
    if (s.algorithm === 'rsa-sha256') cryptoSign('sha256', data, s.key, done);
    else cryptoSign(null, createHash('sha256').update(data).digest(), s.key, done);
  });
  const b64 = sig.toString('base64');
  const chunks: string[] = [];
  for (let i = 0; i < b64.length; i += 72) chunks.push(b64.slice(i, i + 72));
  return head + chunks.join('\r\n\t') + '\r\n';
}
