/**
 * Reply batching for smtp-server connections: the replies a connection sends
 * in one tick (a pipelining client's MAIL, RCPT and DATA answers, RFC 2920)
 * leave in one socket write — one TLS record batch and one system call —
 * instead of one write each.
 *
 * Why by hand: smtp-server writes every reply straight to its socket and has
 * no option for this. We wrap each connection's `send` (smtp-server's single
 * write site) to cork the current socket and uncork it on the next tick.
 * Limits: relies on two smtp-server internals — `connections` (a Set the
 * server adds each new connection to) and `send` / `_socket` / `_upgrading`
 * on the connection; the tests for STARTTLS, pipelining and smuggling cover
 * them. The 220 replies (greeting, "ready to start TLS") are never corked, so
 * a TLS upgrade never starts with a reply still buffered on the plain socket.
 */
import type { SMTPServer } from 'smtp-server';

interface Connection {
  send(code: number, ...rest: unknown[]): unknown;
  _socket?: { cork(): void; uncork(): void; writableCorked: number; destroyed: boolean };
  _upgrading?: boolean;
}

function batch(conn: Connection): void {
  const send = conn.send;
  conn.send = function (this: Connection, code: number, ...rest: unknown[]) {
    const s = this._socket;
    if (code !== 220 && !this._upgrading && s && !s.destroyed && s.writableCorked === 0) {
      s.cork();
      process.nextTick(() => s.uncork());
    }
    return send.call(this, code, ...rest);
  };
}

/** Makes every future connection of `server` batch its replies. */
export function batchReplies(server: SMTPServer): void {
  const set = (server as unknown as { connections?: Set<Connection> }).connections;
  if (!(set instanceof Set)) return; // smtp-server changed shape: keep its behaviour
  const add = set.add.bind(set);
  set.add = (c: Connection) => {
    if (typeof c.send === 'function') batch(c);
    return add(c);
  };
}
