/**
 * DKIM key pairs: generation and the DNS TXT record that publishes them.
 *
 * RSA keys are 2048-bit with the public key published as base64 SPKI DER
 * (RFC 6376 3.6.1, `k=rsa`); Ed25519 keys publish the raw 32-byte public key
 * (RFC 8463 4.2, `k=ed25519`). Private keys are PKCS#8 PEM.
 * Invariants: publicDnsValue is exactly what `<selector>._domainkey.<domain>`
 * must carry (one logical string; split it into 255-octet character-strings
 * with dnsTxtStrings() for zone files).
 * Limits: no rsa-sha1, no key sizes other than 2048 (1024 is too weak for
 * Gmail/Yahoo, 4096 does not fit in many DNS providers' TXT editors).
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { SignError } from './errors.js';

export type DkimKeyAlgo = 'rsa2048' | 'ed25519';
/** The DKIM `a=` names. */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

export interface DkimKeyPair {
  readonly algo: DkimKeyAlgo;
  readonly privateKeyPem: string;
  /** 'v=DKIM1; k=rsa; p=...' or 'v=DKIM1; k=ed25519; p=...'. */
  readonly publicDnsValue: string;
}

export async function generateDkimKey(algo: DkimKeyAlgo): Promise<DkimKeyPair> {
  const enc = { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } } as const;
  const privateKeyPem = await new Promise<string>((resolve, reject) => {
    const done = (err: Error | null, _pub: string, priv: string): void => (err ? reject(err) : resolve(priv));
    if (algo === 'rsa2048') generateKeyPair('rsa', { modulusLength: 2048, ...enc }, done);
    else if (algo === 'ed25519') generateKeyPair('ed25519', enc, done);
    else reject(new SignError('bad-option', `unknown DKIM key algorithm: ${String(algo)}`));
  });
  return { algo, privateKeyPem, publicDnsValue: publicDnsValueFor(privateKeyPem) };
}

/** Parses a PEM private key, with a SignError (never the key text) on failure. */
export function loadPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SignError('bad-key', 'private key is not a readable PEM key');
  }
}

/** The DKIM algorithm a key signs with. */
export function algorithmOf(key: KeyObject): DkimAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'rsa-sha256';
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519-sha256';
  throw new SignError('bad-key', `unsupported DKIM key type: ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** The TXT record value for the public half of a private key (PEM or KeyObject). */
export function publicDnsValueFor(privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? loadPrivateKey(privateKey) : privateKey;
  const pub = createPublicKey(key);
  if (algorithmOf(key) === 'rsa-sha256') {
    return `v=DKIM1; k=rsa; p=${pub.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  }
  // RFC 8463: the bare 32-byte key, not SPKI. JWK 'x' is exactly that, base64url.
  const x = pub.export({ format: 'jwk' }).x ?? '';
  return `v=DKIM1; k=ed25519; p=${Buffer.from(x, 'base64url').toString('base64')}`;
}

/** Splits a TXT value into the <=255-octet character-strings one DNS TXT record needs. */
export function dnsTxtStrings(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(value.slice(i, i + 255));
  return out.length ? out : [''];
}

/** The name the record lives at. */
export function dkimRecordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`.toLowerCase();
}

/**
 * Compares a published TXT value with the expected one by their `k=` and `p=`
 * tags (ignoring spacing, tag order and extra tags such as t=, h=, n=).
 */
export function dnsValueMatches(published: string, expected: string): boolean {
  const tags = (v: string): Map<string, string> =>
    new Map(
      v
        .split(';')
        .map((t) => t.replace(/\s+/g, ''))
        .filter((t) => t.includes('='))
        .map((t) => [t.slice(0, t.indexOf('=')).toLowerCase(), t.slice(t.indexOf('=') + 1)] as [string, string]),
    );
  const a = tags(published);
  const b = tags(expected);
  const p = a.get('p');
  return !!p && p === b.get('p') && (a.get('k') ?? 'rsa').toLowerCase() === (b.get('k') ?? 'rsa').toLowerCase();
}
