/**
 * WAL checkpoints for a SQLite database written by another connection:
 * copies committed WAL pages into the database file with
 * `PRAGMA wal_checkpoint(PASSIVE)` every `everyMs` on a connection of its
 * own, so the writer's commits never pay for checkpoints (about a third of
 * their time otherwise). PASSIVE never blocks the writer or readers; the WAL
 * restarts from its beginning once fully checkpointed, so it stays bounded
 * by what is written between two checkpoints. Durability does not depend on
 * it: every commit is already fsynced in the WAL.
 *
 * Runs on whichever thread starts it, as long as that thread is not the
 * writer's (each checkpoint blocks its thread for a few ms): the spool's is
 * hosted by the event-store writer thread in the gateway (one isolate fewer
 * than a thread of its own), by its own small thread otherwise.
 */
import { openSqlite } from './sqlite.js';

const CHECKPOINT_MS = 250;

export interface Checkpointer {
  /** Stops the timer, runs a last checkpoint and closes the connection. */
  stop(): void;
}

export function startCheckpointing(file: string, everyMs = CHECKPOINT_MS): Checkpointer {
  const db = openSqlite(file);
  db.pragma('cache_size = -256'); // checkpoints copy pages through the OS, not this cache
  db.pragma('wal_autocheckpoint = 0');
  const checkpoint = (): void => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy or transient: the next round tries again
    }
  };
  const timer = setInterval(checkpoint, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      try {
        checkpoint();
      } finally {
        db.close();
      }
    },
  };
}
