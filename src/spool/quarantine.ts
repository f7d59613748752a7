/**
 * What the gateway asks of the spool about quarantine, beside the Spool
 * contract: the release request the decider honours, and the expiry sweep.
 * Both SQLite spools implement it (the threaded one runs the writes on its
 * writer thread). Operators' list/release/delete run from the CLI on their
 * own connection (src/quarantine/admin.ts).
 */
import type { SmtpReply } from '../core/smtp-reply.js';
import type { MessageId } from '../core/types.js';
import type { ExpiredMessage, ReleaseRequest } from '../quarantine/types.js';

export interface QuarantineSpool {
  releaseOf(id: MessageId): Promise<ReleaseRequest | null>;
  /** Expires up to `limit` messages quarantined at or before `cutoff` (see SqliteQuarantine.expire). */
  expireQuarantined(cutoff: number, limit: number, at: number, reply: SmtpReply): Promise<ExpiredMessage[]>;
  /** Forgets release requests older than `before` whose message was routed since. */
  cleanReleases(before: number): Promise<number>;
}
