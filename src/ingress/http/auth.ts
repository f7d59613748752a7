/**
 * Who is calling: resolves `Authorization: Bearer …` for an endpoint's auth
 * kind. No or unknown credentials → 401. A valid tenant API key on an admin
 * endpoint, or an operator token on a tenant endpoint → 403 (the caller is
 * known but this is not its API). Tenant keys are scrypt-checked by the
 * TenantStore (cached a minute); operator tokens by OperatorTokens.
 */
import type { OperatorTokenInfo } from '../../admin/operator-tokens.js';
import type { Principal } from '../../tenants/store.js';
import { HttpError } from './errors.js';
import type { RequestContext } from './router.js';
import { bearer } from './server.js';
import type { ApiServices } from './services.js';

export type Auth = 'public' | 'tenant' | 'operator' | 'metrics';

export type Caller =
  | { readonly kind: 'public' }
  | { readonly kind: 'operator'; readonly token: OperatorTokenInfo }
  | { readonly kind: 'tenant'; readonly principal: Principal };

const unauthorized = (msg: string): HttpError => new HttpError(401, 'unauthorized', msg, { 'www-authenticate': 'Bearer' });

export async function authenticate(ctx: RequestContext, auth: Auth, s: ApiServices): Promise<Caller> {
  if (auth === 'public' || (auth === 'metrics' && !s.config.metrics.requireToken)) return { kind: 'public' };
  const key = bearer(ctx.req.headers.authorization);
  if (!key) throw unauthorized(`Missing ${auth === 'tenant' ? 'API key' : 'operator token'}: send Authorization: Bearer <${auth === 'tenant' ? 'key' : 'token'}>`);
  if (auth === 'tenant') {
    const p = await s.tenants.authenticateApiKey(key);
    if (p) {
      ctx.logFields['tenant'] = p.tenant.id;
      return { kind: 'tenant', principal: p };
    }
    if (s.operators.verify(key)) throw new HttpError(403, 'forbidden', 'Operator tokens cannot use the tenant API; use /v1/admin/…');
    throw unauthorized('Invalid or revoked API key');
  }
  const op = s.operators.verify(key);
  if (op) {
    ctx.logFields['operator'] = op.id;
    return { kind: 'operator', token: op };
  }
  if (await s.tenants.authenticateApiKey(key)) throw new HttpError(403, 'forbidden', 'This endpoint needs an operator token; tenant API keys cannot use it');
  throw unauthorized('Invalid or revoked operator token');
}
