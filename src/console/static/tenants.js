// The tenants table (operators): state, 24-hour volume, spam, bounce and
// complaint rates and an hourly sparkline for every tenant, searched,
// filtered and sorted on the server (/v1/admin/tenants/overview), one page
// at a time.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, Empty, ErrorBox, Pager, Sparkline, usePager } from './ui.js';
import { html, num, pct, useData, useDebounced } from './util.js';

const STATES = ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended', 'disabled'];
const COLUMNS = [
  ['id', 'Tenant', false],
  ['state', 'State', false],
  ['sent24h', 'Sent 24 h', true],
  ['spamShare24h', 'Spam', true],
  ['bounceRate24h', 'Bounces', true],
  ['complaintRate24h', 'Complaints', true],
];

function rateTone(x, warn, bad) {
  return x === null ? '' : x >= bad ? 'bad' : x >= warn ? 'warn' : '';
}

export function Tenants() {
  const [q, setQ] = useState('');
  const [state, setState] = useState('');
  const [sort, setSort] = useState('-sent24h');
  const query = useDebounced(q);
  const pager = usePager(`${query}|${state}|${sort}`);
  const { data, error, loading } = useData(
    () => api('/v1/admin/tenants/overview', { query: { q: query, state, sort, cursor: pager.cursor, limit: 50 } }),
    [query, state, sort, pager.cursor],
    15000,
  );
  const sortBy = (key, numeric) => setSort(sort === key ? `-${key}` : sort === `-${key}` ? key : numeric ? `-${key}` : key);
  const arrow = (key) => (sort === key ? ' ▲' : sort === `-${key}` ? ' ▼' : '');
  return html`<div class="page">
    <header class="page-head"><div><h1>Tenants</h1><p class="muted">Last 24 hours · rates over delivered mail</p></div></header>
    <div class="toolbar">
      <input type="search" placeholder="Search tenants…" aria-label="Search tenants" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
      <select aria-label="State" value=${state} onChange=${(e) => setState(e.currentTarget.value)}>
        <option value="">All states</option>
        ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      ${loading ? html`<span class="muted">Loading…</span>` : null}
    </div>
    <${ErrorBox} error=${error} />
    ${data
      ? html`<div class="table-wrap"><table class="table" data-table="tenants">
          <thead><tr>
            ${COLUMNS.map(([k, label, numeric]) => html`<th class=${numeric ? 'num' : ''}><button class="th-sort" onClick=${() => sortBy(k, numeric)}>${label}${arrow(k)}</button></th>`)}
            <th>Last 24 h</th>
          </tr></thead>
          <tbody>
            ${data.data.map((t) => html`<tr key=${t.id} class="row-link" onClick=${() => (location.hash = `#/tenants/${encodeURIComponent(t.id)}`)}>
              <td><a href=${`#/tenants/${encodeURIComponent(t.id)}`}>${t.name}</a></td>
              <td><${Badge} state=${t.state} /></td>
              <td class="num">${num(t.sent24h)}</td>
              <td class=${`num ${rateTone(t.spamShare24h, 0.02, 0.05)}`}>${pct(t.spamShare24h)}</td>
              <td class=${`num ${rateTone(t.bounceRate24h, 0.05, 0.1)}`}>${pct(t.bounceRate24h)}</td>
              <td class=${`num ${rateTone(t.complaintRate24h, 0.001, 0.003)}`}>${pct(t.complaintRate24h, 2)}</td>
              <td><${Sparkline} values=${t.sparkline} /></td>
            </tr>`)}
          </tbody>
        </table></div>
        ${data.data.length === 0 ? html`<${Empty}>No tenant matches.</${Empty}>` : null}
        <${Pager} pager=${pager} next=${data.nextCursor} total=${data.total} />`
      : null}
  </div>`;
}
