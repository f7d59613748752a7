/**
 * The platform event bus: one in-process stream of what happens to messages,
 * tenants, IPs and limits, for the parts that watch (event store, webhooks,
 * metrics, alerts). Message events are also kept in the spool's per-message
 * history; this bus carries them together with events that belong to no
 * message (tenant-state-changed, ip-listed, …).
 *
 * emit() is synchronous and cheap; a listener must not block or throw (a
 * throwing listener is caught and logged, never breaks the emitter). Anything
 * slow (webhook calls, disk) is queued by the listener itself.
 */
import type { MessageId, TenantId } from '../core/types.js';

export const EVENT_TYPES = [
  'received', 'scanned', 'routed', 'quarantined', 'released', 'delivered', 'deferred', 'bounced',
  'complained', 'suppressed', 'tenant-state-changed', 'ip-listed', 'ip-delisted', 'limit-exceeded', 'alert',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PlatformEvent {
  readonly type: EventType;
  /** Milliseconds since the epoch (the gateway's clock). */
  readonly at: number;
  /** The tenant the event belongs to; absent for platform-wide events (IP listings). */
  readonly tenantId?: TenantId;
  readonly messageId?: MessageId;
  /** Event-specific facts: plain JSON, never secrets. */
  readonly data: Readonly<Record<string, unknown>>;
}

export type EventListener = (e: PlatformEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (err: unknown, e: PlatformEvent) => void = () => undefined) {}

  /** Adds a listener; returns the function that removes it. */
  on(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: PlatformEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err, e);
      }
    }
  }
}
