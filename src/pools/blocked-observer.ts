/**
 * Turns receivers' "IP blocked" replies into IP incidents. Plugged into the
 * delivery engine's attempt observer (DeliveryDeps.observe): delivery has
 * already paused that (IP, destination) pair; this records who said what and
 * when (pools/incidents.ts) and, when an incident opens, emits an `alert`
 * event naming the IP, the destination and the reply. Rotation is left alone:
 * one receiver blocking an IP says nothing about the others, and the pause
 * already moves that destination's mail to the pool's other IPs.
 */
import type { AttemptObservation } from '../delivery/engine.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { IpIncidents } from './incidents.js';

export function blockedReplyObserver(incidents: IpIncidents, events: EventBus, log: Logger): (o: AttemptObservation) => void {
  return (o) => {
    if (o.incident !== 'ip-blocked' || !o.ip) return;
    const r = o.recipients.find((x) => x.class === 'ip-blocked') ?? o.recipients[0];
    if (!r) return;
    const code = `${r.reply.code}${r.reply.enhanced ? ' ' + r.reply.enhanced : ''}`;
    try {
      const res = incidents.blocked(o.ip, o.job.domain, code, r.reply.text.slice(0, 1000));
      if (res?.opened) {
        const data = { kind: 'ip-blocked', ip: o.ip, pool: o.job.pool, destination: o.job.domain, reply: `${code} ${r.reply.text}`.slice(0, 1000), ...(r.rule ? { rule: r.rule } : {}) };
        events.emit({ type: 'alert', at: o.at, data });
      }
    } catch (e) {
      log.error({ err: e, ip: o.ip }, 'recording an IP incident failed');
    }
  };
}
