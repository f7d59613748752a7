/**
 * VERP return paths: `bounces+TOKEN@bounce.domain`, where TOKEN names the
 * message, the recipient (its index in the envelope) and the tenant, and
 * carries a truncated HMAC-SHA256 so a bounce for it can be trusted.
 *
 * Token layout (all lower-case Crockford base32, '-' separated):
 *   <message id, 20 chars>-<rcpt index, or empty for the whole message>-<tenant id as base32 bytes>-<mac, 13 chars>
 * mac = first 8 bytes (64 bits) of HMAC-SHA256(secret, "outpost-verp-v1" NUL
 * messageId NUL rcptIndex NUL tenantId).
 *
 * Invariants: decode() never throws; it returns null for anything that is not
 * a token this secret produced (wrong domain or local part, bad syntax, bad
 * MAC — compared in constant time). Case is irrelevant everywhere, because
 * receivers may fold local parts.
 * Limits: RFC 5321 caps a local part at 64 octets, which leaves about 11
 * characters of tenant id; encode() throws VerpError beyond that rather than
 * emit an address some MTAs truncate. No expiry: tokens are valid as long as
 * the secret is (rotate by accepting old secrets through `previousSecrets`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isMessageId } from '../core/ids.js';
import { base32Decode, base32DecodeInt, base32Encode, base32EncodeInt } from './base32.js';

export interface VerpRef {
  /** Outpost message id (20 characters, src/core/ids.ts). */
  readonly messageId: string;
  /** Index of the recipient in the message's envelope; absent for a token naming the whole message. */
  readonly rcptIndex?: number;
  readonly tenantId: string;
}

export interface VerpOptions {
  readonly secret: Buffer | string;
  /** Secrets that decode() still accepts (key rotation); encode() never uses them. */
  readonly previousSecrets?: ReadonlyArray<Buffer | string>;
  readonly bounceDomain: string;
  /** Local part before the '+'; default 'bounces'. */
  readonly localPart?: string;
}

export interface Verp {
  encode(ref: VerpRef): string;
  decode(address: string): VerpRef | null;
  /** The token part of a VERP address this codec made (for CFBL-Feedback-ID), or null. */
  tokenOf(address: string): string | null;
  /** decode() for a bare token (as carried in CFBL-Feedback-ID). */
  decodeToken(token: string): VerpRef | null;
  /** True when the address is on the bounce domain with the VERP local part (token not checked). */
  isVerpAddress(address: string): boolean;
}

export class VerpError extends Error {
  override readonly name = 'VerpError';
}

const MAC_BYTES = 8;
const MAC_CHARS = 13; // ceil(64 / 5)
const MAX_LOCAL = 64;

function mac(secret: Buffer | string, ref: VerpRef): Buffer {
  return createHmac('sha256', secret)
    .update(`outpost-verp-v1\0${ref.messageId}\0${ref.rcptIndex ?? ''}\0${ref.tenantId}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function createVerp(opts: VerpOptions): Verp {
  if (Buffer.byteLength(opts.secret) < 16) throw new VerpError('VERP secret must be at least 16 bytes');
  const domain = opts.bounceDomain.toLowerCase().replace(/\.$/, '');
  const localPart = (opts.localPart ?? 'bounces').toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(localPart)) throw new VerpError(`unsuitable VERP local part: ${localPart}`);
  const secrets = [opts.secret, ...(opts.previousSecrets ?? [])];
  const prefix = `${localPart}+`;

  const split = (address: string): string | null => {
    const a = address.trim().replace(/^<(.*)>$/, '$1').toLowerCase();
    const at = a.lastIndexOf('@');
    if (at < 0 || a.slice(at + 1).replace(/\.$/, '') !== domain) return null;
    const local = a.slice(0, at);
    return local.startsWith(prefix) ? local.slice(prefix.length) : null;
  };

  return {
    encode(ref) {
      if (!isMessageId(ref.messageId)) throw new VerpError(`not an Outpost message id: ${ref.messageId}`);
      if (ref.tenantId.length === 0) throw new VerpError('empty tenant id');
      let idx = '';
      try {
        if (ref.rcptIndex !== undefined) idx = base32EncodeInt(ref.rcptIndex);
      } catch {
        throw new VerpError(`bad recipient index: ${ref.rcptIndex}`);
      }
      const token = [
        ref.messageId.toLowerCase(),
        idx,
        base32Encode(Buffer.from(ref.tenantId, 'utf8')),
        base32Encode(mac(opts.secret, ref)),
      ].join('-');
      const local = prefix + token;
      if (local.length > MAX_LOCAL) throw new VerpError(`VERP local part would be ${local.length} > ${MAX_LOCAL} octets (tenant id too long)`);
      return `${local}@${domain}`;
    },

    decode(address) {
      const token = split(address);
      if (token === null) return null;
      const parts = token.split('-');
      if (parts.length !== 4) return null;
      const [mid, idx, tenant, tag] = parts as [string, string, string, string];
      const messageId = mid.toUpperCase();
      if (!isMessageId(messageId) || tag.length !== MAC_CHARS) return null;
      const rcptIndex = idx === '' ? undefined : base32DecodeInt(idx);
      const tenantBytes = base32Decode(tenant);
      const given = base32Decode(tag);
      if (rcptIndex === null || tenantBytes === null || tenantBytes.length === 0 || given === null) return null;
      const tenantId = tenantBytes.toString('utf8');
      // Reject byte strings that are not valid UTF-8 (they would not round-trip).
      if (!Buffer.from(tenantId, 'utf8').equals(tenantBytes)) return null;
      const ref: VerpRef = rcptIndex === undefined ? { messageId, tenantId } : { messageId, rcptIndex, tenantId };
      for (const s of secrets) if (timingSafeEqual(mac(s, ref), given)) return ref;
      return null;
    },

    isVerpAddress(address) {
      return split(address) !== null;
    },

    tokenOf(address) {
      return split(address);
    },

    decodeToken(token) {
      return /^[0-9a-z-]{1,80}$/i.test(token.trim()) ? this.decode(`${prefix}${token.trim()}@${domain}`) : null;
    },
  };
}
