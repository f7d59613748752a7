// A tenant's suppression list: recipients that get no more mail from it
// (hard bounces, complaints, manual entries), searched by address prefix and
// reason, with add and remove. Tenants see their own (/v1/suppressions),
// operators any tenant's (/v1/admin/tenants/:t/suppressions).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, Empty, ErrorBox, Field, Pager, usePager } from './ui.js';
import { html, useData, when } from './util.js';

export function Suppression({ kind, tenant }) {
  const base = kind === 'operator' ? `/v1/admin/tenants/${encodeURIComponent(tenant)}/suppressions` : '/v1/suppressions';
  const [form, setForm] = useState({ q: '', reason: '' });
  const [filter, setFilter] = useState(form);
  const [address, setAddress] = useState('');
  const [failure, setFailure] = useState(null);
  const [notice, setNotice] = useState('');
  const pager = usePager(JSON.stringify(filter));
  const { data, error, reload } = useData(() => api(base, { query: { q: filter.q.trim(), reason: filter.reason, cursor: pager.cursor, limit: 50 } }), [base, JSON.stringify(filter), pager.cursor]);
  const act = async (fn, done) => {
    setFailure(null);
    try {
      await fn();
      setNotice(done);
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  const add = (e) => {
    e.preventDefault();
    const a = address.trim();
    if (a) act(() => api(base, { method: 'POST', body: { address: a, reason: 'manual' } }), `${a} is suppressed.`).then(() => setAddress(''));
  };
  return html`<div class="page">
    ${kind === 'operator' ? html`<p class="crumbs"><a href=${`#/tenants/${encodeURIComponent(tenant)}`}>${tenant}</a> ›</p>` : null}
    <header class="page-head"><div><h1>Suppression list${kind === 'operator' ? ` · ${tenant}` : ''}</h1><p class="muted">Recipients that get no more mail: hard bounces, complaints and manual entries.</p></div></header>
    <div class="toolbar">
      <form class="toolbar" onSubmit=${(e) => (e.preventDefault(), setFilter(form))}>
        <${Field} label="Address starts with"><input value=${form.q} onInput=${(e) => setForm({ ...form, q: e.currentTarget.value })} placeholder="bob@ or bob@example.com" /></${Field}>
        <${Field} label="Reason"><select value=${form.reason} onChange=${(e) => setForm({ ...form, reason: e.currentTarget.value })}>
          <option value="">any</option><option value="hard-bounce">hard-bounce</option><option value="complaint">complaint</option><option value="manual">manual</option>
        </select></${Field}>
        <button class="btn" type="submit">Search</button>
      </form>
      <form class="toolbar" onSubmit=${add}>
        <${Field} label="Suppress an address"><input type="email" value=${address} onInput=${(e) => setAddress(e.currentTarget.value)} placeholder="someone@example.com" /></${Field}>
        <button class="btn primary" type="submit">Add</button>
      </form>
    </div>
    ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
    <${ErrorBox} error=${failure ?? error} />
    ${data
      ? data.data.length === 0
        ? html`<${Empty}>No suppressed recipients${filter.q || filter.reason ? ' match' : ''}.</${Empty}>`
        : html`<div class="table-wrap"><table class="table">
            <thead><tr><th>Recipient</th><th>Reason</th><th>Source</th><th>Since</th><th>Detail</th><th></th></tr></thead>
            <tbody>${data.data.map((s) => html`<tr key=${s.address}>
              <td class="mono">${s.address}</td><td><${Badge} state=${s.reason} /></td><td class="small">${s.source}</td>
              <td class="nowrap small">${when(s.createdAt)}</td>
              <td class="small ellipsis">${s.detail ?? ''}${s.messageId ? html` <a href=${`#/messages/${s.messageId}`}>message</a>` : null}</td>
              <td><button class="btn danger" onClick=${() => confirm(`Remove ${s.address} from the list?`) && act(() => api(`${base}/${encodeURIComponent(s.address)}`, { method: 'DELETE' }), `${s.address} was removed.`)}>Remove</button></td>
            </tr>`)}</tbody>
          </table></div>
          <${Pager} pager=${pager} next=${data.nextCursor} shown=${data.data.length} />`
      : null}
  </div>`;
}
