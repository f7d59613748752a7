/**
 * rspamd adapter: POST the raw message to `${url}/checkv2` (rspamd's normal
 * worker protocol, JSON reply with score, required_score, action, symbols).
 *
 * Invariants: never throws; a timeout (AbortSignal) or any error gives
 * { ok: false } so the caller keeps its own verdict.
 */
import type { AdapterResult } from './result.js';
import { rspamdSignal } from './result.js';

export interface RspamdOptions {
  readonly url: string;
  readonly timeoutMs: number;
}

interface RspamdReply {
  score?: number;
  required_score?: number;
  action?: string;
  symbols?: Record<string, { score?: number }>;
}

export async function checkRspamd(opts: RspamdOptions, raw: Buffer, meta: { mailFrom: string }): Promise<AdapterResult> {
  const url = opts.url.replace(/\/+$/, '') + '/checkv2';
  try {
    const res = await fetch(url, {
      method: 'POST',
      body: new Uint8Array(raw),
      headers: { 'Content-Type': 'message/rfc822', From: meta.mailFrom || '<>', Pass: 'all' },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (!res.ok) return { adapter: 'rspamd', ok: false, signal: 0, detail: `rspamd HTTP ${res.status}` };
    const body = (await res.json()) as RspamdReply;
    if (typeof body.action !== 'string' || typeof body.score !== 'number') {
      return { adapter: 'rspamd', ok: false, signal: 0, detail: 'rspamd reply without action/score' };
    }
    const top = Object.entries(body.symbols ?? {})
      .filter(([, s]) => (s.score ?? 0) > 0)
      .sort((a, b) => (b[1].score ?? 0) - (a[1].score ?? 0))
      .slice(0, 5)
      .map(([k, s]) => `${k}(${(s.score ?? 0).toFixed(1)})`);
    return {
      adapter: 'rspamd',
      ok: true,
      signal: rspamdSignal(body.action),
      detail: `rspamd ${body.action}, score ${body.score.toFixed(2)}/${(body.required_score ?? 0).toFixed(2)}${top.length ? ': ' + top.join(' ') : ''}`,
    };
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timeout after ${opts.timeoutMs} ms` : e.message;
    return { adapter: 'rspamd', ok: false, signal: 0, detail: `rspamd unavailable: ${why}` };
  }
}
