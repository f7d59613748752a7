/**
 * Helpers for the API tests: a test gateway with an operator token, and a
 * fetch wrapper that sends a bearer credential and JSON.
 */
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './support/gateway.js';

export interface ApiGateway extends TestGateway {
  readonly operatorToken: string;
  call(method: string, path: string, o?: { key?: string | null; body?: unknown; raw?: string; type?: string }): Promise<{ status: number; body: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function startApiGateway(o: TestGatewayOptions): Promise<ApiGateway> {
  const t = await startTestGateway(o);
  const operatorToken = t.gw.ops.operators.create('test').token;
  const call: ApiGateway['call'] = async (method, path, c = {}) => {
    const key = c.key === undefined ? operatorToken : c.key;
    const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const r = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': c.type ?? 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await r.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: r.status, body: parsed, text };
  };
  return { ...t, operatorToken, call };
}

/** Polls `fn` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(fn: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
