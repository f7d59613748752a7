/**
 * IP incidents: the record of who said what about one of our IPs, and when.
 * Two kinds share one table (state.db, `ip_incidents`):
 * - `listed`:  a DNSBL zone lists the IP (source = zone, code = 127.0.0.x,
 *   detail = the code's meaning and the list's TXT). Open while listed; closed
 *   when a working monitor sees it delisted.
 * - `blocked`: a receiver answered with an "IP blocked" reply (source = the
 *   recipient domain, code = the reply code, detail = its text). Repeats within
 *   BLOCKED_QUIET of the last one count into the same incident; after that
 *   quiet time the incident is closed and the next reply opens a new one.
 * `rotation` says what happened to the IP's rotation because of it (removed,
 * kept as the last IP of a pool, alert-only zone, none for blocked replies).
 *
 * Limits: blocked replies are written at most once per BLOCKED_WRITE_EVERY per
 * (IP, destination) (counts in between are kept in memory and added with the
 * next write), so a storm of blocked replies costs few disk commits; a crash
 * may lose those few counts.
 */
import type { Clock } from '../core/clock.js';
import { migrate, type Db } from '../db/sqlite.js';

export const BLOCKED_QUIET = 24 * 3600_000;
const BLOCKED_WRITE_EVERY = 60_000;

export type IncidentKind = 'listed' | 'blocked';

export interface IpIncident {
  readonly id: number;
  readonly ip: string;
  readonly kind: IncidentKind;
  readonly source: string;
  readonly code: string;
  readonly detail: string;
  readonly openedAt: number;
  readonly lastSeenAt: number;
  readonly closedAt: number | null;
  readonly count: number;
  readonly rotation: string;
}

const MIGRATIONS = [
  `CREATE TABLE ip_incidents (
     id INTEGER PRIMARY KEY,
     ip TEXT NOT NULL,
     kind TEXT NOT NULL,
     source TEXT NOT NULL,
     code TEXT NOT NULL DEFAULT '',
     detail TEXT NOT NULL DEFAULT '',
     opened_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     closed_at INTEGER,
     count INTEGER NOT NULL DEFAULT 1,
     rotation TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX ip_incidents_open ON ip_incidents (ip, kind, source) WHERE closed_at IS NULL;
   CREATE INDEX ip_incidents_seen ON ip_incidents (ip, last_seen_at);`,
];

interface Row {
  id: number; ip: string; kind: IncidentKind; source: string; code: string; detail: string;
  opened_at: number; last_seen_at: number; closed_at: number | null; count: number; rotation: string;
}

const toIncident = (r: Row): IpIncident => ({
  id: r.id, ip: r.ip, kind: r.kind, source: r.source, code: r.code, detail: r.detail,
  openedAt: r.opened_at, lastSeenAt: r.last_seen_at, closedAt: r.closed_at, count: r.count, rotation: r.rotation,
});

export class IpIncidents {
  private readonly pendingBlocked = new Map<string, { lastWrite: number; unwritten: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'ip-incidents', MIGRATIONS);
  }

  private openRow(ip: string, kind: IncidentKind, source: string): Row | undefined {
    return this.db.prepare('SELECT * FROM ip_incidents WHERE ip = ? AND kind = ? AND source = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1').get(ip, kind, source) as Row | undefined;
  }

  /** Opens (or updates) the listing incident of `ip` on `zone`; `opened` is true when it is new. */
  listed(ip: string, zone: string, code: string, detail: string): { incident: IpIncident; opened: boolean } {
    const now = this.clock.now();
    const row = this.openRow(ip, 'listed', zone);
    if (row) {
      this.db.prepare('UPDATE ip_incidents SET code = ?, detail = ?, last_seen_at = ?, count = count + 1 WHERE id = ?').run(code, detail, now, row.id);
      return { incident: toIncident({ ...row, code, detail, last_seen_at: now, count: row.count + 1 }), opened: false };
    }
    const id = Number(this.db.prepare('INSERT INTO ip_incidents (ip, kind, source, code, detail, opened_at, last_seen_at) VALUES (?, \'listed\', ?, ?, ?, ?, ?)').run(ip, zone, code, detail, now, now).lastInsertRowid);
    return { incident: toIncident(this.db.prepare('SELECT * FROM ip_incidents WHERE id = ?').get(id) as Row), opened: true };
  }

  /** Closes the open listing of `ip` on `zone`; returns it, or undefined when there was none. */
  delisted(ip: string, zone: string): IpIncident | undefined {
    const row = this.openRow(ip, 'listed', zone);
    if (!row) return undefined;
    const now = this.clock.now();
    this.db.prepare('UPDATE ip_incidents SET closed_at = ? WHERE id = ?').run(now, row.id);
    return toIncident({ ...row, closed_at: now });
  }

  /** Records what the incident did to rotation (shown by `outpost pool show`). */
  setRotation(id: number, rotation: string): void {
    this.db.prepare('UPDATE ip_incidents SET rotation = ? WHERE id = ?').run(rotation, id);
  }

  /** Open listing incidents, of one IP or all. */
  openListings(ip?: string): IpIncident[] {
    const rows = (ip === undefined
      ? this.db.prepare("SELECT * FROM ip_incidents WHERE kind = 'listed' AND closed_at IS NULL ORDER BY id").all()
      : this.db.prepare("SELECT * FROM ip_incidents WHERE ip = ? AND kind = 'listed' AND closed_at IS NULL ORDER BY id").all(ip)) as Row[];
    return rows.map(toIncident);
  }

  /**
   * A receiver said our IP is blocked. Returns the incident and whether it is
   * new (then the caller alerts), or undefined when the write was deferred
   * (a repeat within BLOCKED_WRITE_EVERY; counted with the next write).
   */
  blocked(ip: string, destination: string, code: string, text: string): { incident: IpIncident; opened: boolean } | undefined {
    const now = this.clock.now();
    const key = `${ip}|${destination}`;
    const p = this.pendingBlocked.get(key);
    if (p && now - p.lastWrite < BLOCKED_WRITE_EVERY) {
      p.unwritten++;
      return undefined;
    }
    const add = 1 + (p?.unwritten ?? 0);
    this.pendingBlocked.set(key, { lastWrite: now, unwritten: 0 });
    if (this.pendingBlocked.size > 10_000) this.pendingBlocked.delete(this.pendingBlocked.keys().next().value!);
    const row = this.openRow(ip, 'blocked', destination);
    if (row && now - row.last_seen_at < BLOCKED_QUIET) {
      this.db.prepare('UPDATE ip_incidents SET code = ?, detail = ?, last_seen_at = ?, count = count + ? WHERE id = ?').run(code, text, now, add, row.id);
      return { incident: toIncident({ ...row, code, detail: text, last_seen_at: now, count: row.count + add }), opened: false };
    }
    if (row) this.db.prepare('UPDATE ip_incidents SET closed_at = ? WHERE id = ?').run(row.last_seen_at + BLOCKED_QUIET, row.id);
    const id = Number(this.db.prepare("INSERT INTO ip_incidents (ip, kind, source, code, detail, opened_at, last_seen_at, count, rotation) VALUES (?, 'blocked', ?, ?, ?, ?, ?, ?, 'unchanged (that destination is paused for this IP)')").run(ip, destination, code, text, now, now, add).lastInsertRowid);
    return { incident: toIncident(this.db.prepare('SELECT * FROM ip_incidents WHERE id = ?').get(id) as Row), opened: true };
  }

  /** Incidents of `ip` seen since `since` (open or closed), newest first. */
  recent(ip: string, since: number, limit = 20): IpIncident[] {
    const rows = this.db.prepare('SELECT * FROM ip_incidents WHERE ip = ? AND (last_seen_at >= ? OR closed_at IS NULL) ORDER BY last_seen_at DESC LIMIT ?').all(ip, since, limit) as Row[];
    return rows.map(toIncident);
  }
}
