/**
 * The spool's checkpoint thread: copies committed WAL pages into the database
 * file (PRAGMA wal_checkpoint(PASSIVE)) every CHECKPOINT_MS on its own
 * connection, so the writer thread's commits never pay for checkpoints
 * (about a third of their time otherwise). PASSIVE never blocks the writer
 * or readers; the WAL restarts from its beginning once fully checkpointed,
 * so it stays bounded by what is written between two checkpoints.
 * Durability does not depend on it: every commit is already fsynced in the WAL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../db/sqlite.js';

const CHECKPOINT_MS = 250;
const { file } = workerData as { file: string };
const db = openSqlite(file);
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or transient: the next round tries again
  }
}, CHECKPOINT_MS);
parentPort!.on('message', (m: string) => {
  if (m === 'close') {
    clearInterval(timer);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
      parentPort!.postMessage('closed');
    }
  }
});
