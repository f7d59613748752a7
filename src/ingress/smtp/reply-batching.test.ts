import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SMTPServer } from 'smtp-server';
import { batchReplies } from './reply-batching.js';

/** A stand-in for smtp-server's connection: records writes and whether the socket was corked at each. */
function fakeConnection() {
  const log: string[] = [];
  const socket = {
    writableCorked: 0,
    destroyed: false,
    cork() { this.writableCorked++; log.push('cork'); },
    uncork() { this.writableCorked--; log.push('uncork'); },
  };
  const conn = {
    _socket: socket,
    _upgrading: false,
    send(code: number) { log.push(`${code}${socket.writableCorked > 0 ? ' corked' : ''}`); },
  };
  return { conn, log };
}

test('replies sent in one tick are corked together and flushed on the next tick; 220 and upgrades are never corked', async () => {
  const server = { connections: new Set() } as unknown as SMTPServer;
  batchReplies(server);
  const a = fakeConnection();
  (server as unknown as { connections: Set<unknown> }).connections.add(a.conn);
  a.conn.send(250);
  a.conn.send(250);
  a.conn.send(354);
  assert.deepEqual(a.log, ['cork', '250 corked', '250 corked', '354 corked']);
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(a.log.slice(-1), ['uncork']);

  const b = fakeConnection();
  (server as unknown as { connections: Set<unknown> }).connections.add(b.conn);
  b.conn.send(220);
  b.conn._upgrading = true;
  b.conn.send(250);
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(b.log, ['220', '250']);
});

test('a server without the expected internals is left as it is', () => {
  assert.doesNotThrow(() => batchReplies({} as SMTPServer));
});
