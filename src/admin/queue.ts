/**
 * Queue operations shared by the CLI (`outpost queue …`, `message show`) and
 * the admin API: retry a message now, delete it from the queue, and the JSON
 * view of a message with its recipients, jobs and event history.
 */
import type { EventRecord, MessageView, Spool } from '../spool/spool.js';
import { ServiceError } from './errors.js';

export async function retryMessage(spool: Spool, id: string, now: number): Promise<void> {
  if (!(await spool.retryNow(id, now))) throw new ServiceError(`message ${id} has nothing queued to retry`, (await spool.getMessage(id)) ? 'conflict' : 'not-found');
}

export async function deleteMessage(spool: Spool, id: string, now: number, why: string): Promise<void> {
  if (!(await spool.remove(id, now, why))) throw new ServiceError(`message ${id} is not in the queue`, (await spool.getMessage(id)) ? 'conflict' : 'not-found');
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function eventView(e: EventRecord): { at: string; type: string; data: Record<string, unknown> } {
  return { at: iso(e.at), type: e.type, data: e.data ?? {} };
}

/** The message as the APIs show it. `full` adds operator-only facts (client IP, verdict reasons, jobs). */
export function messageView(m: MessageView, events: readonly EventRecord[], full: boolean): Record<string, unknown> {
  return {
    id: m.id,
    ...(full ? { tenantId: m.tenantId, clientIp: m.clientIp } : {}),
    source: m.source, state: m.state, receivedAt: iso(m.receivedAt), mailFrom: m.mailFrom, size: m.size,
    subject: m.summary.subject ?? null, headerFrom: m.summary.from ?? null, headerMessageId: m.summary.messageId ?? null,
    ...(m.verdict ? { verdict: full ? m.verdict : { class: m.verdict.class, score: m.verdict.score } } : {}),
    ...(m.route ? { route: m.route } : {}),
    recipients: m.recipients.map((r) => ({ rcpt: r.rcpt, state: r.state, reply: r.reply ?? null })),
    ...(full ? { jobs: m.jobs.map((j) => ({ id: j.jobId, destination: j.domain, pool: j.pool, state: j.state, attempts: j.attempts, nextAt: iso(j.nextAt) })) } : {}),
    events: events.map(eventView),
  };
}
