/**
 * Messages between ThreadedSqliteSpool (main thread) and its writer thread.
 * Only the operations listed in WRITE_OPS cross; reads stay on the main
 * thread's own read connection. Both directions send arrays: everything
 * queued in one turn of the event loop travels as one message, because a
 * postMessage costs far more than the copy of a 5 KB body.
 */
export const WRITE_OPS = ['enqueue', 'claimIncoming', 'unclaim', 'route', 'claimDue', 'recordAttempt', 'release', 'appendEvent', 'retryNow', 'remove', 'recover', 'expireQuarantine', 'cleanReleases'] as const;
export type WriteOp = (typeof WRITE_OPS)[number];

/**
 * Writes nobody waits on at once (GroupCommitter "deferrable"): the
 * processor's and the delivery engine's bookkeeping. They wait up to DEFER_MS
 * to share a commit with a submission (whose client does wait) or with each
 * other; a message's trip through the gateway takes that much longer at most.
 */
export const DEFERRABLE_OPS: ReadonlySet<WriteOp> = new Set<WriteOp>(['claimIncoming', 'route', 'claimDue', 'recordAttempt', 'release', 'appendEvent']);
export const DEFER_MS = 4;

export type WriterRequest = { id: number; op: WriteOp; args: unknown[] } | { id: number; op: 'close'; args: [] };

export type WriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; kind?: string; code?: string } };
