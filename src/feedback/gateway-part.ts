/**
 * The feedback side of a running gateway, in one place so gateway.ts only
 * wires it: VERP return paths and suppression skips in the decider, the
 * suppression admission check, the delivery observer (synchronous 5.1.x →
 * suppression, outcomes → reputation), the feedback SMTP listener, and the
 * scheduled DKIM rotation check (sign/rotation.ts).
 * With feedback.enabled false: no listener and no VERP; suppression lists,
 * the observer and rotation still apply.
 */
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import type { AttemptObservation } from '../delivery/engine.js';
import { dnsServers } from '../delivery/wiring.js';
import { createResolver } from '../dns/resolver.js';
import type { EventBus } from '../events/bus.js';
import type { AdmissionCheck } from '../ingress/admission.js';
import type { Logger } from '../log/logger.js';
import type { Decider } from '../pipeline/processor.js';
import type { ReputationSignals } from '../reputation/signals.js';
import type { DkimKeyStore } from '../sign/index.js';
import { checkRotations } from '../sign/rotation.js';
import type { IncomingMessage, Spool } from '../spool/spool.js';
import { suppressionAdmission } from '../suppression/admission.js';
import { withSuppression } from '../suppression/decider.js';
import type { SuppressionStore } from '../suppression/store.js';
import type { TenantStore } from '../tenants/store.js';
import type { TlsMaterial } from '../tls/certificates.js';
import { feedbackObserver } from './delivery-observer.js';
import type { Intake } from './intake.js';
import { createFeedbackListener, type FeedbackStats } from './listener.js';
import type { ReportStore } from './report-store.js';
import { verpAddressFor, withVerp } from './return-path.js';
import type { Verp } from './verp.js';
import { buildFeedback } from './wiring.js';

export interface FeedbackHandle {
  readonly verp: Verp;
  readonly bounceDomain: string;
  readonly suppressions: SuppressionStore;
  readonly reports: ReportStore;
  readonly intake: Intake;
  readonly stats: FeedbackStats;
  readonly admission: readonly AdmissionCheck[];
  readonly observe: (o: AttemptObservation) => void;
  /** Signing options: CFBL-Address (the FBL address) and CFBL-Feedback-ID = the VERP token; empty when VERP is off. */
  readonly cfbl: { cfblAddress?: string; cfblFeedbackId?: (m: IncomingMessage) => string | undefined };
  /** Wraps the route decider: suppression skips, then the VERP wire sender. */
  decider(inner: Decider): Decider;
  /** The listener's bound address (undefined when feedback.enabled is false or before listen()). */
  address(): AddressInfo | undefined;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function startFeedback(o: {
  config: Config; state: Db; spool: Spool; tenants: TenantStore; dkimKeys: DkimKeyStore;
  events: EventBus; reputation: ReputationSignals; clock: Clock; log: Logger; tls: TlsMaterial;
}): FeedbackHandle {
  const { config, log } = o;
  const parts = buildFeedback(o);
  const f = config.feedback;
  const { server, stats } = createFeedbackListener({
    hostname: config.platform.hostname, tls: o.tls, verp: parts.verp, fblAddresses: parts.fblAddresses, intake: parts.intake,
    maxMessageBytes: f.maxMessageBytes, ratePerMinute: f.ratePerMinute, maxConnectionsPerIp: f.maxConnectionsPerIp,
    closeTimeout: config.delivery.shutdownGrace, now: () => o.clock.now(), log,
  });
  let listening = false;
  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const interval = config.platform.dkimCheckInterval;
  if (interval > 0) {
    const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout, clock: o.clock });
    let busy = false;
    const run = (): void => {
      if (busy) return;
      busy = true;
      checkRotations(o.dkimKeys, (name) => resolver.txt(name), o.clock.now())
        .then((changes) => {
          for (const c of changes) log.warn({ domain: c.domain, selector: c.selector, change: c.change }, `dkim rotation: ${c.change}`);
        })
        .catch((err: unknown) => log.error({ err }, 'dkim rotation check failed'))
        .finally(() => (busy = false));
    };
    timer = setInterval(run, interval);
    timer.unref();
    setImmediate(run);
  }

  return {
    verp: parts.verp, bounceDomain: parts.bounceDomain, suppressions: parts.suppressions, reports: parts.reports, intake: parts.intake, stats,
    admission: [suppressionAdmission(parts.suppressions)],
    cfbl: f.enabled && f.verp
      ? { cfblAddress: [...parts.fblAddresses][0]!, cfblFeedbackId: (m) => {
          const a = verpAddressFor(parts.verp, m);
          return a === undefined ? undefined : parts.verp.tokenOf(a) ?? undefined;
        } }
      : {},
    observe: feedbackObserver({ suppressions: parts.suppressions, events: o.events, log }),
    decider(inner) {
      const skipping = withSuppression(inner, parts.suppressions, (tenantId, messageId, rcpts) => {
        for (const r of rcpts) o.events.emit({ type: 'suppressed', at: o.clock.now(), tenantId, messageId, data: { recipient: r, skipped: true } });
      });
      return f.enabled && f.verp ? withVerp(skipping, parts.verp) : skipping;
    },
    address: () => (listening ? (server.server.address() as AddressInfo) : undefined),
    async listen() {
      if (!f.enabled) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(f.listen.port, f.listen.host, () => resolve());
      });
      listening = true;
      const a = server.server.address() as AddressInfo;
      log.info({ feedback: `${a.address}:${a.port}`, bounceDomain: parts.bounceDomain, fbl: [...parts.fblAddresses] }, 'feedback listener started');
    },
    close() {
      if (timer) clearInterval(timer);
      if (!listening) return Promise.resolve();
      return (closing ??= new Promise<void>((r) => server.close(() => r())));
    },
  };
}
