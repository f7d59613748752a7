// A tenant's own standing (tenant view): the same explanation operators see
// of it, from /v1/reputation.
import { api } from './api.js';
import { Standing } from './standing.js';
import { ErrorBox } from './ui.js';
import { html, useData } from './util.js';

export function TenantStanding() {
  const { data, error } = useData(() => api('/v1/reputation'), [], 15000);
  const hist = useData(() => api('/v1/reputation/history', { query: { limit: 50 } }).catch(() => null), []);
  return html`<div class="page">
    <header class="page-head"><div><h1>Your standing</h1><p class="muted">How Outpost rates your recent mail, and why.</p></div></header>
    <${ErrorBox} error=${error} />
    ${data ? html`<${Standing} report=${data} history=${hist.data?.data} />` : null}
  </div>`;
}
