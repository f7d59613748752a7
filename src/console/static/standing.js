// Why a tenant is in its state: the standing, since when and the reason,
// the rules with the values they read now (the ones over a threshold first),
// the figures per window, and the transitions with their evidence. Renders
// the reputation report (/v1/admin/tenants/:t/reputation or /v1/reputation);
// `history` (state changes, newest first) comes from the history endpoint
// when the caller has one, else from the report.
import { Badge, Empty } from './ui.js';
import { ago, html, num, when } from './util.js';

const isRate = (signal) => /share|rate/i.test(signal);
const fmt = (signal, v) => (v === null || v === undefined ? '–' : isRate(signal) ? `${(v * 100).toFixed(2)} %` : num(Math.round(v * 1000) / 1000));
const span = (ms) => (ms >= 86400000 ? `${ms / 86400000} d` : ms >= 3600000 ? `${ms / 3600000} h` : `${ms / 60000} min`);

export function EvidenceList({ items }) {
  const shown = (items ?? []).filter((e) => e.level !== 'normal' || e.threshold !== undefined);
  if (shown.length === 0) return html`<p class="muted small">No rule evidence recorded (an operator's decision or a recovery).</p>`;
  return html`<ul class="evidence">
    ${shown.map((e) => html`<li>
      <strong>${e.rule}</strong>: ${e.signal} was <strong>${fmt(e.signal, e.value)}</strong> over the ${e.window} window (${span(e.windowMs)})${e.threshold !== undefined ? html`, threshold ${fmt(e.signal, e.threshold)} for <${Badge} state=${e.level} />` : null}
      <span class="muted"> · on ${num(e.volume)} events (floor ${num(e.floor)})</span>
    </li>`)}
  </ul>`;
}

export function Standing({ report, history, children }) {
  const readings = [...(report.evaluation?.readings ?? [])].sort((a, b) => rank(b.level) - rank(a.level));
  const entries = history ?? report.history ?? [];
  const last = entries[0];
  return html`<div class="standing">
    <section class=${`card why s-${report.standing}`} data-section="why">
      <div class="why-head">
        <${Badge} state=${report.standing} />
        <span class="muted">since ${when(report.since)} (${ago(report.since)})</span>
      </div>
      <p class="why-reason" data-why>${report.reason || (report.standing === 'normal' ? 'In good standing: no rule over its threshold.' : 'No reason recorded.')}</p>
      ${last && last.to === report.standing && report.standing !== 'normal'
        ? html`<h4>Evidence at the change (${when(last.at)}, ${last.by ?? last.actor}${last.trigger ? `, ${last.trigger}` : ''})</h4><${EvidenceList} items=${last.evidence} />`
        : null}
      ${report.cleanSince && report.standing !== 'normal' && report.standing !== 'suspended' ? html`<p class="muted small">Clean since ${when(report.cleanSince)}: it steps back once clean long enough.</p>` : null}
    </section>
    ${children}
    <section class="card">
      <h3>Rules now</h3>
      <div class="table-wrap"><table class="table compact">
        <thead><tr><th>Rule</th><th>Signal</th><th>Window</th><th class="num">Value</th><th class="num">Volume</th><th>Reaches</th><th>Note</th></tr></thead>
        <tbody>${readings.map((r) => html`<tr class=${r.level !== 'normal' && !r.skipped ? 'hot' : ''}>
          <td>${r.rule}</td><td>${r.signal}</td><td>${r.window}</td>
          <td class="num">${fmt(r.signal, r.value)}</td><td class="num">${num(r.volume)}</td>
          <td><${Badge} state=${r.level} />${r.threshold !== undefined ? html` <span class="muted small">≥ ${fmt(r.signal, r.threshold)}</span>` : null}</td>
          <td class="muted small">${r.skipped === 'below-floor' ? `below the volume floor (${r.floor})` : r.skipped === 'gate' ? 'gate not met' : ''}</td>
        </tr>`)}</tbody>
      </table></div>
    </section>
    <section class="card">
      <h3>Figures per window</h3>
      <div class="table-wrap"><table class="table compact">
        <thead><tr><th>Window</th>${['messages', 'recipients', 'scanned', 'spam', 'suspect', 'delivered', 'hard', 'soft', 'blocked', 'complaints'].map((k) => html`<th class="num">${k}</th>`)}</tr></thead>
        <tbody>${(report.windows ?? []).map((w) => html`<tr><td>${w.window} (${span(w.lengthMs)})</td>${['messages', 'recipients', 'scanned', 'spam', 'suspect', 'delivered', 'hard', 'soft', 'blocked', 'complaints'].map((k) => html`<td class="num">${num(w.counts[k] ?? 0)}</td>`)}</tr>`)}</tbody>
      </table></div>
    </section>
    <section class="card" data-section="history">
      <h3>History</h3>
      ${entries.length === 0
        ? html`<${Empty}>No state changes yet.</${Empty}>`
        : html`<ol class="timeline">${entries.map((h) => html`<li>
            <div class="tl-head"><${Badge} state=${h.from} /> → <${Badge} state=${h.to} /> <span class="muted">${when(h.at)} · ${h.by ?? h.actor}${h.trigger ? ` · ${h.trigger}` : ''}</span></div>
            ${h.reason ? html`<p>${h.reason}</p>` : null}
            <${EvidenceList} items=${h.evidence} />
          </li>`)}</ol>`}
    </section>
  </div>`;
}

const ORDER = ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended'];
function rank(level) {
  return ORDER.indexOf(level);
}
