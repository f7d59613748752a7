/**
 * The signing stage: adds the tenant-identifying headers and the DKIM
 * signatures to one outgoing message.
 *
 * For each message: remove client-supplied Feedback-ID / CFBL-* fields; put
 * our Feedback-ID (and CFBL-Address / CFBL-Feedback-ID when configured) on
 * top; sign with the tenant's key (d= tenant domain) when the tenant has one,
 * and always with the platform key (d= platform domain). Both signatures
 * cover the added fields. The message bytes themselves are not copied: the
 * caller writes `headerPrefix` then `strippedRaw ?? raw`.
 * Invariants: the private-key operations run off the event loop (see
 * dkim-signature.ts); parsed keys are cached (key-cache.ts); a broken tenant
 * key is an error, never a silent downgrade to platform-only signing.
 * Limits: relaxed/relaxed only; one key per tenant signature (no dual
 * RSA+Ed25519 per domain yet).
 */
import { parse as parseDomain } from 'tldts';
import { isDomainName } from '../core/address.js';
import { systemClock, type Clock } from '../core/clock.js';
import { relaxedBodyHash } from './canonicalize.js';
import { algorithmOf, type DkimAlgorithm } from './dkim-key.js';
import { dkimSignature, selectFields } from './dkim-signature.js';
import { SignError } from './errors.js';
import { createKeyCache } from './key-cache.js';
import { fieldValue, removeFields, splitMessage } from './message-headers.js';
import { STRIPPED_FIELDS, tenantHeaderLines } from './tenant-headers.js';

export interface SigningKey {
  readonly domain: string;
  readonly selector: string;
  readonly privateKeyPem: string;
  /** Checked against the key; derived from it when absent. */
  readonly algorithm?: DkimAlgorithm;
}

export interface SignerOptions {
  readonly platform: SigningKey;
  readonly clock?: Clock;
  /** Parsed-key cache size (tenant keys). Default 1024. */
  readonly keyCacheSize?: number;
  /** Do the private-key operations on the calling thread (for signing worker threads, pool.ts). */
  readonly syncCrypto?: boolean;
}

export interface TenantSigning {
  readonly id: string;
  readonly domain?: string;
  readonly selector?: string;
  readonly privateKeyPem?: string;
  readonly algorithm?: DkimAlgorithm;
}

export interface SignRequest {
  readonly raw: Buffer;
  readonly tenant: TenantSigning;
  /** Complete Feedback-ID value, e.g. formatFeedbackId({...}). */
  readonly feedbackId: string;
  readonly cfblAddress?: string;
  /** Signing time in ms (t=); the signer's clock when absent. */
  readonly at?: number;
  /** CFBL-Feedback-ID value (RFC 9477) when it should differ from the Feedback-ID. */
  readonly cfblFeedbackId?: string;
}

export interface SignatureInfo {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: DkimAlgorithm;
  readonly role: 'tenant' | 'platform';
}

export interface SignResult {
  /** New header lines to prepend, CRLF-terminated: DKIM-Signature (tenant, platform), Feedback-ID, CFBL-*. */
  readonly headerPrefix: Buffer;
  /** The message without client-supplied Feedback-ID / CFBL-* fields; absent when there were none. */
  readonly strippedRaw?: Buffer;
  readonly signatures: readonly SignatureInfo[];
  /** The tenant signature's d= shares the organisational domain of the From header (DMARC relaxed). */
  readonly tenantAligned: boolean;
}

export interface Signer {
  sign(req: SignRequest): Promise<SignResult>;
}

const SELECTOR = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

function checkIdentity(domain: string, selector: string, who: string): void {
  if (!isDomainName(domain)) throw new SignError('bad-option', `${who} signing domain is not a domain name: ${domain}`);
  if (!SELECTOR.test(selector)) throw new SignError('bad-option', `${who} selector is malformed: ${selector}`);
}

/** Organisational domain (public suffix + 1 label), lower case. */
function orgDomain(domain: string): string {
  const p = parseDomain(domain.toLowerCase(), { allowPrivateDomains: true });
  return p.domain ?? domain.toLowerCase();
}

/** The domain of the (first) address in a From value. */
export function fromDomain(value: string): string | null {
  const angle = /<[^>]*@([^>\s]+)>/.exec(value);
  const bare = angle ? null : /([^\s<>@,;:"]+)@([^\s<>@,;:"]+)/.exec(value);
  const d = angle ? angle[1] : bare ? bare[2] : undefined;
  return d ? d.toLowerCase().replace(/\.$/, '') : null;
}

export function createSigner(opts: SignerOptions): Signer {
  const clock = opts.clock ?? systemClock;
  const keys = createKeyCache(opts.keyCacheSize);
  const p = opts.platform;
  checkIdentity(p.domain, p.selector, 'platform');
  const platformKey = keys.get(p.privateKeyPem);
  const platformAlg = algorithmOf(platformKey);
  if (p.algorithm && p.algorithm !== platformAlg) throw new SignError('bad-key', `platform key is ${platformAlg}, configured as ${p.algorithm}`);

  return {
    async sign(req) {
      const prefixFields = tenantHeaderLines(req.feedbackId, req.cfblAddress, req.cfblFeedbackId);
      const original = splitMessage(req.raw);
      const strippedRaw = removeFields(req.raw, original, STRIPPED_FIELDS) ?? undefined;
      const raw = strippedRaw ?? req.raw;
      const base = strippedRaw ? splitMessage(strippedRaw) : original;
      if (base.fields.length === 0) throw new SignError('bad-message', 'message has no header fields');

      // The message as it will be sent, minus the signatures: our fields on top.
      const added = splitMessage(Buffer.from(prefixFields + '\r\n', 'latin1')).fields;
      const signed = selectFields([...added, ...base.fields]);
      const bodyHash = relaxedBodyHash(raw.subarray(base.bodyStart));
      const time = Math.floor((req.at ?? clock.now()) / 1000);
      const sync = opts.syncCrypto === true;

      const jobs: Array<Promise<string>> = [];
      const signatures: SignatureInfo[] = [];
      let tenantAligned = false;
      const t = req.tenant;
      if (t.privateKeyPem !== undefined) {
        if (!t.domain || !t.selector) throw new SignError('bad-option', `tenant ${t.id}: a key needs a domain and a selector`);
        checkIdentity(t.domain, t.selector, `tenant ${t.id}`);
        const key = keys.get(t.privateKeyPem);
        const algorithm = algorithmOf(key);
        if (t.algorithm && t.algorithm !== algorithm) throw new SignError('bad-key', `tenant ${t.id}: key is ${algorithm}, configured as ${t.algorithm}`);
        jobs.push(dkimSignature(signed, bodyHash, { domain: t.domain, selector: t.selector, key, algorithm, time, sync }));
        signatures.push({ domain: t.domain, selector: t.selector, algorithm, role: 'tenant' });
        const from = base.fields.find((f) => f.key === 'from');
        const fd = from ? fromDomain(fieldValue(from)) : null;
        tenantAligned = fd !== null && orgDomain(fd) === orgDomain(t.domain);
      }
      jobs.push(dkimSignature(signed, bodyHash, { domain: p.domain, selector: p.selector, key: platformKey, algorithm: platformAlg, time, sync }));
      signatures.push({ domain: p.domain, selector: p.selector, algorithm: platformAlg, role: 'platform' });

      const sigs = await Promise.all(jobs);
      const headerPrefix = Buffer.from(sigs.join('') + prefixFields, 'latin1');
      return { headerPrefix, ...(strippedRaw ? { strippedRaw } : {}), signatures, tenantAligned };
    },
  };
}
