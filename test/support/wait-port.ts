/**
 * Waits until something accepts TCP connections on host:port (a gateway
 * started as a child process), polling every 100 ms; rejects after `ms`.
 */
import { connect } from 'node:net';

export async function waitForPort(host: string, port: number, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${host}:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
