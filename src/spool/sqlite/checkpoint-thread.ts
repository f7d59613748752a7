/**
 * The spool's checkpoint thread (db/checkpointer.ts on a thread of its own),
 * for a ThreadedSqliteSpool opened without another host for its checkpoints
 * (the CLI, tests). The gateway hosts them on the event-store writer thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startCheckpointing } from '../../db/checkpointer.js';

const checkpoints = startCheckpointing((workerData as { file: string }).file);
parentPort!.on('message', (m: string) => {
  if (m === 'close') {
    try {
      checkpoints.stop();
    } finally {
      parentPort!.postMessage('closed');
    }
  }
});
