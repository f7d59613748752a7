// One tenant (operators): its state explained with evidence and history
// (standing.js), its activity over the last hours, domains and credentials,
// and its latest messages.
import { api } from './api.js';
import { Chart } from './chart.js';
import { MessageTable } from './messages.js';
import { Standing } from './standing.js';
import { Badge, ErrorBox } from './ui.js';
import { html, useData, when } from './util.js';

export function TenantPage({ id }) {
  const enc = encodeURIComponent(id);
  const tenant = useData(() => api(`/v1/admin/tenants/${enc}`), [id]);
  const rep = useData(() => api(`/v1/admin/tenants/${enc}/reputation`), [id], 15000);
  const hist = useData(() => api(`/v1/admin/tenants/${enc}/history`, { query: { limit: 50 } }).catch(() => null), [id]);
  const ts = useData(() => api('/v1/admin/stats/timeseries', { query: { minutes: 360, tenant: id } }), [id], 15000);
  const msgs = useData(() => api('/v1/admin/queue', { query: { tenant: id, limit: 10 } }), [id], 15000);
  const t = tenant.data;
  return html`<div class="page">
    <p class="crumbs"><a href="#/tenants">Tenants</a> ›</p>
    <header class="page-head">
      <div><h1>${id} ${rep.data ? html`<${Badge} state=${t && !t.enabled ? 'disabled' : rep.data.standing} />` : null}</h1>
      ${t ? html`<p class="muted">Created ${when(t.createdAt)} · ${t.domains.join(', ') || 'no domains'} · <a href=${`#/tenants/${enc}/suppressions`}>suppression list</a> · <a href=${`#/quarantine?tenant=${enc}`}>quarantine</a></p>` : null}</div>
    </header>
    <${ErrorBox} error=${tenant.error ?? rep.error} />
    ${t && !t.enabled ? html`<div class="error">This tenant is <strong>disabled</strong>: its credentials do not work.</div>` : null}
    ${rep.data
      ? html`<${Standing} report=${rep.data} history=${hist.data?.data}>
          ${ts.data
            ? html`<${Chart} id="tenant-activity" title="Activity · last 6 hours (per minute)" from=${ts.data.from} step=${ts.data.step}
                series=${[['received', '--c-received'], ['delivered', '--c-delivered'], ['bounced', '--c-bounced'], ['quarantined', '--c-quarantined']].map(([k, c]) => ({ label: k, values: ts.data.outcomes[k], color: c }))} />`
            : null}
        </${Standing}>`
      : null}
    ${t
      ? html`<section class="card"><h3>Credentials</h3>
          <table class="table compact"><thead><tr><th>Kind</th><th>Id / user</th><th>Created</th><th>Revoked</th></tr></thead>
          <tbody>${t.credentials.map((c) => html`<tr><td>${c.kind}</td><td class="mono">${c.username ?? c.id}</td><td>${when(c.createdAt)}</td><td>${c.revokedAt ? when(c.revokedAt) : '–'}</td></tr>`)}</tbody></table>
        </section>`
      : null}
    <section class="card"><h3>Latest messages</h3>
      ${msgs.data ? html`<${MessageTable} items=${msgs.data.data} admin=${true} />` : null}
      <p><a href=${`#/messages?tenant=${enc}`}>Search all of ${id}'s messages →</a></p>
    </section>
  </div>`;
}
