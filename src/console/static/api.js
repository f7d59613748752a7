// The console's only door to the gateway: the same HTTP API as every other
// client. The token (operator token or tenant API key) lives in
// sessionStorage for this tab only and travels as the Authorization bearer
// header — never in a URL, never logged.
const KEY = 'outpost.console.session';

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

export function qs(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function call(token, method, path, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
}

/** Calls the API with the session's token; throws ApiError with the API's message. */
export async function api(path, { method = 'GET', body, query } = {}) {
  const s = session();
  if (!s) throw new ApiError(401, 'unauthorized', 'Not signed in');
  const r = await call(s.token, method, path + qs(query), body);
  if (r.status === 401) {
    clearSession();
    onUnauthorized();
    throw new ApiError(401, 'unauthorized', 'The session ended: sign in again');
  }
  if (r.status === 204) return null;
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, j?.error?.code ?? 'error', j?.error?.message ?? `${r.status} ${r.statusText}`);
  return j;
}

/** Finds out whether `token` is an operator token or a tenant API key. */
export async function login(token) {
  token = token.trim();
  if (!token) throw new Error('Enter an operator token or an API key.');
  const op = await call(token, 'GET', '/v1/admin/stats/timeseries?minutes=5');
  if (op.ok) return { token, kind: 'operator', who: 'operator' };
  if (op.status === 403) {
    const t = await call(token, 'GET', '/v1/reputation');
    if (t.ok) {
      const rep = await t.json();
      return { token, kind: 'tenant', who: rep.tenantId };
    }
  }
  throw new Error('This token or API key was not accepted.');
}
