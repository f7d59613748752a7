/**
 * Puts the reputation engine into the gateway: builds it from config (unless
 * the gateway was given one), and hands out what the stages need — the
 * standing AdmissionCheck for cleanup, the scan and delivery observers, the
 * delivery engine's "hold this tenant" test, the decider wrapper — plus the
 * timers (tick every second, flush every reputation.persistEvery) and the
 * operator alert mailer. With reputation.enabled false (and no engine given)
 * every tenant is normal and nothing is counted.
 */
import type { Cleanup } from '../cleanup/cleanup.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import type { AttemptObservation } from '../delivery/engine.js';
import type { EventBus } from '../events/bus.js';
import type { AdmissionCheck } from '../ingress/admission.js';
import type { Logger } from '../log/logger.js';
import type { Decider } from '../pipeline/processor.js';
import { withStanding } from '../pipeline/standing-decider.js';
import type { IncomingMessage, RouteDecision } from '../spool/spool.js';
import { PLATFORM_TENANT, startAlertMailer } from '../alerts/alert-mailer.js';
import { standingAdmission } from './admission.js';
import { observeDeliveries } from './delivery-outcome.js';
import { ReputationEngine } from './engine.js';
import { settingsFromConfig } from './settings.js';
import { noReputation, type ReputationSignals } from './signals.js';
import { ReputationStore } from './store.js';

export interface ReputationWiring {
  readonly signals: ReputationSignals;
  /** The engine built from config (absent when one was given or reputation is off). */
  readonly engine?: ReputationEngine;
  readonly admission: AdmissionCheck;
  readonly observeScan: (m: IncomingMessage, d: RouteDecision) => void;
  readonly observeDelivery: (o: AttemptObservation) => void;
  readonly holdTenant: (tenantId: string) => boolean;
  wrap(route: Decider): Decider;
  /** Starts the timers and the alert mailer (cleanup exists by then). */
  start(cleanup: Cleanup): void;
  /** Stops the timers and saves the figures. */
  stop(): void;
}

export function wireReputation(o: { config: Config; state: Db; events: EventBus; clock: Clock; log: Logger; override?: ReputationSignals }): ReputationWiring {
  const { config, clock, log } = o;
  const r = config.reputation;
  const engine = o.override || !r.enabled
    ? undefined
    : new ReputationEngine({ settings: settingsFromConfig(r), store: new ReputationStore(o.state), events: o.events, clock, log });
  const signals: ReputationSignals = o.override ?? engine ?? noReputation;
  const platform = (t: string): boolean => t === PLATFORM_TENANT;
  const timers: NodeJS.Timeout[] = [];
  let stopAlerts: (() => void) | undefined;
  return {
    signals,
    ...(engine ? { engine } : {}),
    admission: standingAdmission(signals, { messagesPerMinute: r.throttle.messagesPerMinute }),
    observeScan: (m, d) => {
      if (!d.verdict || m.source === 'bounce' || m.source === 'alert' || platform(m.tenantId)) return;
      signals.scanned(m.tenantId, { class: d.verdict.class, fingerprint: d.verdict.fingerprint }, clock.now());
    },
    observeDelivery: observeDeliveries(signals, platform),
    holdTenant: (t) => signals.standing(t) === 'suspended',
    wrap: (route) => withStanding(route, signals, { highRiskPool: r.highRiskPool }),
    start(cleanup) {
      if (engine) {
        const tick = setInterval(() => engine.tick(clock.now()), 1000);
        const flush = setInterval(() => engine.flush(clock.now()), Math.max(1000, r.persistEvery));
        tick.unref();
        flush.unref();
        timers.push(tick, flush);
      }
      if (config.alerts.email) {
        stopAlerts = startAlertMailer({ events: o.events, cleanup, clock, log, to: config.alerts.email, from: config.alerts.from ?? `alerts@${config.platform.domain}` });
      }
    },
    stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      stopAlerts?.();
      engine?.flush(clock.now());
    },
  };
}
