// The quarantine: held messages with their scanner reasons, filtered by
// tenant (operators), class, rule and time; one message's preview (header
// fields, text, events); release (through the scan again, or from a chosen
// pool) and delete, one at a time or in bulk (the ticked rows, or every
// message matching the filter). Operators use /v1/admin/quarantine…, a
// tenant /v1/quarantine… (release only where the operator allows it).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Timeline } from './messages.js';
import { Badge, Empty, ErrorBox, Field, Pager, usePager } from './ui.js';
import { ago, bytes, html, num, useData, when } from './util.js';

const CLASSES = ['spam', 'suspect', 'bulk', 'clean'];
const base = (kind) => (kind === 'operator' ? '/v1/admin/quarantine' : '/v1/quarantine');

function usePools(kind) {
  return useData(() => (kind === 'operator' ? api('/v1/admin/pools').then((p) => p.data.map((x) => x.name)) : Promise.resolve([])), [kind]);
}

function PoolChoice({ pools, value, onChange }) {
  if (!pools?.length) return null;
  return html`<select aria-label="Release to" value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
    <option value="">Scan again, policy decides</option>
    ${pools.map((p) => html`<option value=${p}>Send from pool ${p}</option>`)}
  </select>`;
}

export function Quarantine({ kind }) {
  const admin = kind === 'operator';
  const [form, setForm] = useState(() => ({ tenant: new URLSearchParams(location.hash.split('?')[1] ?? '').get('tenant') ?? '', class: '', reason: '' }));
  const [filter, setFilter] = useState(form);
  const [picked, setPicked] = useState(new Set());
  const [pool, setPool] = useState('');
  const [notice, setNotice] = useState(null);
  const [failure, setFailure] = useState(null);
  const pager = usePager(JSON.stringify(filter));
  const pools = usePools(kind);
  const { data, error, reload } = useData(
    () => api(base(kind), { query: { ...(admin ? { tenant: filter.tenant.trim() } : {}), class: filter.class, reason: filter.reason.trim(), cursor: pager.cursor, limit: 50 } }),
    [kind, JSON.stringify(filter), pager.cursor],
    15000,
  );
  const rows = data?.data ?? [];
  const allPicked = rows.length > 0 && rows.every((r) => picked.has(r.id));
  const toggle = (id) => {
    const n = new Set(picked);
    n.has(id) ? n.delete(id) : n.add(id);
    setPicked(n);
  };
  const bulk = async (action, byFilter) => {
    const what = byFilter ? `every held message matching the filter${filter.tenant ? ` (tenant ${filter.tenant})` : ''}${filter.class ? ` (class ${filter.class})` : ''}` : `${picked.size} message(s)`;
    if (!confirm(`${action === 'delete' ? 'Delete' : 'Release'} ${what}?`)) return;
    setFailure(null);
    try {
      const body = byFilter
        ? { action, filter: { ...(admin && filter.tenant.trim() ? { tenant: filter.tenant.trim() } : {}), ...(filter.class ? { class: filter.class } : {}), before: new Date().toISOString() } }
        : { action, ids: [...picked] };
      const r = await api(`${base(kind)}/bulk`, { method: 'POST', body });
      setNotice(`${action === 'delete' ? 'Deleted' : 'Released'} ${num(r.count)} message(s).`);
      setPicked(new Set());
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  const one = async (action, id) => {
    setFailure(null);
    try {
      if (action === 'delete') {
        if (!confirm('Delete this held message?')) return;
        await api(`${base(kind)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
        setNotice('Deleted.');
      } else {
        await api(`${base(kind)}/${encodeURIComponent(id)}/release`, { method: 'POST', body: admin && pool ? { pool } : admin ? {} : undefined });
        setNotice(html`Released <a href=${`#/messages/${id}`}>${id}</a>: ${pool ? `sent from pool ${pool}` : 'it goes through the scan again'}.`);
      }
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  return html`<div class="page">
    <header class="page-head"><div><h1>Quarantine</h1><p class="muted">Held mail, oldest first. A release sends it through the scan again unless you choose a pool.</p></div></header>
    <form class="toolbar filters" onSubmit=${(e) => (e.preventDefault(), setFilter(form), setPicked(new Set()))}>
      ${admin ? html`<${Field} label="Tenant"><input name="tenant" value=${form.tenant} onInput=${set('tenant')} placeholder="any" /></${Field}>` : null}
      <${Field} label="Class"><select name="class" value=${form.class} onChange=${set('class')}><option value="">any</option>${CLASSES.map((c) => html`<option value=${c}>${c}</option>`)}</select></${Field}>
      <${Field} label="Rule"><input name="reason" value=${form.reason} onInput=${set('reason')} placeholder="e.g. phish-url" /></${Field}>
      <button class="btn primary" type="submit">Filter</button>
    </form>
    ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
    <${ErrorBox} error=${failure ?? error} />
    <div class="bulkbar">
      <strong>${picked.size} selected</strong>
      <${PoolChoice} pools=${pools.data} value=${pool} onChange=${setPool} />
      <button class="btn" disabled=${picked.size === 0} onClick=${() => bulk('release', false)} data-bulk="release">Release selected</button>
      <button class="btn danger" disabled=${picked.size === 0} onClick=${() => bulk('delete', false)} data-bulk="delete">Delete selected</button>
      <span class="muted small">or every match:</span>
      <button class="btn" disabled=${rows.length === 0} onClick=${() => bulk('release', true)}>Release all</button>
      <button class="btn danger" disabled=${rows.length === 0} onClick=${() => bulk('delete', true)}>Delete all</button>
    </div>
    ${data
      ? rows.length === 0
        ? html`<${Empty}>Nothing is held${filter.tenant || filter.class || filter.reason ? ' that matches' : ''}.</${Empty}>`
        : html`<div class="table-wrap"><table class="table" data-table="quarantine">
            <thead><tr>
              <th><input type="checkbox" aria-label="Select all on this page" checked=${allPicked} onChange=${() => setPicked(allPicked ? new Set() : new Set(rows.map((r) => r.id)))} /></th>
              <th>Held</th>${admin ? html`<th>Tenant</th>` : null}<th>From → to</th><th>Subject</th><th>Class</th><th>Why</th><th>Expires</th><th></th>
            </tr></thead>
            <tbody>${rows.map((q) => html`<tr key=${q.id} data-id=${q.id}>
              <td><input type="checkbox" aria-label=${`Select ${q.id}`} checked=${picked.has(q.id)} onChange=${() => toggle(q.id)} /></td>
              <td class="nowrap"><a href=${`#/quarantine/${q.id}`}>${ago(q.quarantinedAt)}</a></td>
              ${admin ? html`<td><a href=${`#/tenants/${encodeURIComponent(q.tenant)}`}>${q.tenant}</a></td>` : null}
              <td class="ellipsis small">${q.from}<br /><span class="muted">${q.rcpts.slice(0, 2).join(', ')}${q.rcpts.length > 2 ? ` +${q.rcpts.length - 2}` : ''}</span></td>
              <td class="ellipsis"><a href=${`#/quarantine/${q.id}`}>${q.subject ?? '(no subject)'}</a></td>
              <td>${q.class ? html`<${Badge} state=${q.class} /> <span class="muted small">${q.score === null ? '' : q.score.toFixed(2)}</span>` : '–'}</td>
              <td><div class="reasons">${q.reasons.slice(0, 3).map((r) => html`<span class="chip" title=${r}>${r.split(':')[0]}</span>`)}${q.reasons.length > 3 ? html`<span class="muted small">+${q.reasons.length - 3}</span>` : null}</div></td>
              <td class="nowrap small" title=${when(q.expiresAt)}>in ${Math.max(0, Math.round((Date.parse(q.expiresAt) - Date.now()) / 86400000))} d</td>
              <td class="nowrap"><button class="btn" onClick=${() => one('release', q.id)} data-release=${q.id}>Release</button> <button class="btn danger" onClick=${() => one('delete', q.id)}>Delete</button></td>
            </tr>`)}</tbody>
          </table></div>
          <${Pager} pager=${pager} next=${data.nextCursor} shown=${rows.length} />`
      : null}
  </div>`;
}

export function QuarantineItem({ id, kind }) {
  const admin = kind === 'operator';
  const { data: q, error } = useData(() => api(`${base(kind)}/${encodeURIComponent(id)}`), [id]);
  const pools = usePools(kind);
  const [pool, setPool] = useState('');
  const [done, setDone] = useState(null);
  const [failure, setFailure] = useState(null);
  const release = async () => {
    setFailure(null);
    try {
      await api(`${base(kind)}/${encodeURIComponent(id)}/release`, { method: 'POST', body: admin ? (pool ? { pool } : {}) : undefined });
      setDone('released');
    } catch (e) {
      setFailure(e);
    }
  };
  const remove = async () => {
    if (!confirm('Delete this held message?')) return;
    setFailure(null);
    try {
      await api(`${base(kind)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setDone('deleted');
    } catch (e) {
      setFailure(e);
    }
  };
  return html`<div class="page">
    <p class="crumbs"><a href="#/quarantine">Quarantine</a> ›</p>
    <${ErrorBox} error=${done ? null : error} />
    <${ErrorBox} error=${failure} />
    ${done
      ? html`<div class="notice" role="status" data-done=${done}>${done === 'released'
          ? html`Released${pool ? ` from pool ${pool}` : ': it goes through the scan and the policy again'}. <a href=${`#/messages/${id}`}>Follow the message →</a>`
          : 'Deleted: its recipients were dropped and its body removed.'}</div>`
      : null}
    ${q
      ? html`<header class="page-head">
          <div><h1 class="ellipsis">${q.subject ?? '(no subject)'}</h1><p class="muted mono">${q.id}</p></div>
          ${done
            ? null
            : html`<div class="actions">
                <${PoolChoice} pools=${pools.data} value=${pool} onChange=${setPool} />
                <button class="btn primary" onClick=${release} data-action="release">Release</button>
                <button class="btn danger" onClick=${remove} data-action="delete">Delete</button>
              </div>`}
        </header>
        <div class="grid2">
          <section class="card"><h3>Why it is held</h3>
            <p>${q.class ? html`<${Badge} state=${q.class} /> score ${q.score === null ? '–' : q.score.toFixed(3)}` : 'Held by policy'}</p>
            ${q.reasons.length ? html`<ul class="evidence" data-reasons>${q.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : html`<p class="muted">No scanner rule fired: the tenant's or the default policy holds this class.</p>`}
          </section>
          <section class="card"><h3>Envelope</h3><dl class="kv">
            ${admin ? html`<dt>Tenant</dt><dd><a href=${`#/tenants/${encodeURIComponent(q.tenant)}`}>${q.tenant}</a></dd>` : null}
            <dt>From</dt><dd class="mono">${q.from}</dd>
            <dt>To</dt><dd class="mono">${q.rcpts.join(', ')}</dd>
            <dt>Held since</dt><dd>${when(q.quarantinedAt)}</dd>
            <dt>Expires</dt><dd>${when(q.expiresAt)}</dd>
            <dt>Size</dt><dd>${bytes(q.size)}</dd>
          </dl></section>
        </div>
        <section class="card"><h3>Text preview</h3><pre class="preview" data-preview>${q.textPreview || '(no text part)'}</pre></section>
        <section class="card"><h3>Header fields</h3>
          <table class="table compact"><tbody>${(q.headers ?? []).map((h) => html`<tr><td class="nowrap muted">${h.name}</td><td class="mono small">${h.value}</td></tr>`)}</tbody></table>
        </section>
        <section class="card"><h3>History</h3><${Timeline} events=${q.events} /></section>`
      : null}
  </div>`;
}
