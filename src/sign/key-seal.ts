/**
 * Private keys at rest: AES-256-GCM under a 32-byte master key.
 *
 * Format: `outpost-sealed:v1:` + base64(iv[12] | tag[16] | ciphertext). An
 * optional `context` (e.g. "dkim:example.com:s2026") is bound as additional
 * authenticated data, so a sealed key copied to another row does not open.
 * Invariants: a fresh random IV per seal; openKey() throws SignError
 * ('sealed-key') on a wrong master key, any modified byte or wrong context,
 * and never includes key material in the error.
 * Limits: no key-encryption-key rotation helper (re-seal with the new master
 * key); the master key is only as safe as the place it is configured.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SignError } from './errors.js';

const PREFIX = 'outpost-sealed:v1:';

/** Accepts a 32-byte Buffer, or 32 bytes written as 64 hex digits or base64. */
export function parseMasterKey(key: Buffer | string): Buffer {
  let buf: Buffer;
  if (Buffer.isBuffer(key)) buf = key;
  else if (/^[0-9a-f]{64}$/i.test(key.trim())) buf = Buffer.from(key.trim(), 'hex');
  else buf = Buffer.from(key.trim(), 'base64');
  if (buf.length !== 32) throw new SignError('bad-option', 'master key must be 32 bytes (64 hex digits or base64)');
  return buf;
}

export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX);
}

export function sealKey(plaintext: string, masterKey: Buffer | string, context = ''): string {
  const key = parseMasterKey(masterKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

export function openKey(sealed: string, masterKey: Buffer | string, context = ''): string {
  if (!isSealed(sealed)) throw new SignError('sealed-key', 'not a sealed key');
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  if (raw.length < 12 + 16 + 1) throw new SignError('sealed-key', 'sealed key is truncated');
  const key = parseMasterKey(masterKey);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SignError('sealed-key', 'sealed key does not open: wrong master key, wrong context or modified data');
  }
}
