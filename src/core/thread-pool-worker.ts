/**
 * The worker side of thread-pool.ts: answers each batch of requests with one
 * batch of replies, in the same order, once every request of the batch has
 * settled. A handler error becomes { message, code } (code when it is a
 * string property of the error). Call once, at the top of a worker module.
 */
import { parentPort } from 'node:worker_threads';
import type { PoolReply, PoolRequest } from './thread-pool.js';

export function serveThreadPool<Req, Res>(handle: (req: Req) => Promise<Res> | Res): void {
  const port = parentPort;
  if (port === null) throw new Error('serveThreadPool must run in a worker thread');
  const one = async (r: PoolRequest<Req>): Promise<PoolReply<Res>> => {
    try {
      return { id: r.id, ok: true, value: await handle(r.req) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const code = (err as { code?: unknown }).code;
      return { id: r.id, ok: false, error: { message: err.message, ...(typeof code === 'string' ? { code } : {}) } };
    }
  };
  port.on('message', (batch: Array<PoolRequest<Req>>) => {
    void Promise.all(batch.map(one)).then((replies) => port.postMessage(replies));
  });
}
