/**
 * Webhook signatures: `Outpost-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(key = the subscription secret as UTF-8 text,
 *                  message = "<t>.<raw request body>").
 * Receivers recompute v1 over the raw body, compare in constant time and
 * refuse a `t` further than their tolerance (docs/webhooks.md: 5 minutes) from
 * their clock, which bounds replays. verifySignature() is that recipe.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'outpost-signature';
export const DEFAULT_TOLERANCE_S = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function sign(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** The receiver's check: true when a v1 signature matches and t is within the tolerance. */
export function verifySignature(secret: string, header: string, body: string | Buffer, nowSeconds: number, toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceS) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
