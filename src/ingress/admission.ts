/**
 * Admission: the checks a submission must pass before it is stored, beyond
 * identity (cleanup's own sender checks). Tenant limits, the tenant's
 * standing (throttled / suspended) and suppression lists plug in here, so
 * that SMTP and HTTP refuse the same way with the same reply.
 *
 * check() throws an SmtpError to refuse (4xx = try later, 5xx = no);
 * record() is called once the message is durable, so that only accepted
 * mail counts against a limit. Both must be cheap: they run on the
 * submission path for every message. Internal mail (bounces, alerts) is
 * never subject to admission.
 */
import type { Source, TenantId } from '../core/types.js';

export interface AdmissionRequest {
  readonly tenantId: TenantId;
  /** The credential that authenticated (SMTP username or API key id), when known. */
  readonly user?: string;
  readonly source: Source;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly at: number;
}

export interface AdmissionCheck {
  /** A short name for logs and metrics ('limits', 'standing', 'suppression'). */
  readonly name: string;
  check(r: AdmissionRequest): void;
  record?(r: AdmissionRequest): void;
}
