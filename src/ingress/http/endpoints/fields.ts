/**
 * Zod fields shared by endpoint definitions: time filters, event-type lists,
 * path-safe names. Every schema is strict; messages name what is expected.
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../../../events/bus.js';

export const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time, e.g. 2026-11-28T10:00:00Z')
  .transform((s) => Date.parse(s));

/** `type=delivered,bounced` → validated event types. */
export const eventTypeList = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    const out: EventType[] = [];
    for (const t of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      if (!(EVENT_TYPES as readonly string[]).includes(t)) {
        ctx.addIssue({ code: 'custom', message: `unknown event type "${t}" (one of ${EVENT_TYPES.join(', ')})` });
        return z.NEVER;
      }
      out.push(t as EventType);
    }
    return out;
  });

export const eventTypes = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length);

export const messageStates = z.enum(['incoming', 'processing', 'active', 'quarantined', 'done']);
