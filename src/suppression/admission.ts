/**
 * The suppression admission check: a submission whose every recipient is on
 * the tenant's suppression list is refused at submission time with
 * 550 5.7.1 (naming the reason when there is one recipient). A submission
 * with at least one deliverable recipient is accepted; the suppressed ones
 * are skipped at routing time (decider.ts), each with its own result.
 */
import { SmtpError } from '../core/smtp-reply.js';
import type { AdmissionCheck } from '../ingress/admission.js';
import type { SuppressionStore } from './store.js';

export function suppressionAdmission(store: SuppressionStore): AdmissionCheck {
  return {
    name: 'suppression',
    check(r) {
      if (r.rcptTo.length === 0) return;
      const hits = [];
      for (const rc of r.rcptTo) {
        const hit = store.get(r.tenantId, rc);
        if (hit === null) return; // one deliverable recipient is enough: no more look-ups
        hits.push(hit);
      }
      const why = hits.length === 1 ? ` (${hits[0]!.reason} on ${new Date(hits[0]!.createdAt).toISOString().slice(0, 10)})` : '';
      throw new SmtpError(550, '5.7.1', hits.length === 1 ? `Recipient is on this sender's suppression list${why}` : 'Every recipient is on this sender\'s suppression list');
    },
  };
}
