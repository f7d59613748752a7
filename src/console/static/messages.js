// Message search and one message's story. Operators search the whole queue
// (/v1/admin/queue: tenant, recipient, state, destination, time) and open
// /v1/admin/messages/:id; a tenant searches its own (/v1/messages). The
// message page shows the envelope, verdict, route, recipients, delivery jobs
// and the event history, oldest first.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, Empty, ErrorBox, Field, Pager, usePager } from './ui.js';
import { bytes, html, useData, when } from './util.js';

const STATES = ['incoming', 'processing', 'active', 'quarantined', 'done'];
const ID = /^[A-Za-z0-9_-]{16,32}$/;

export function MessageTable({ items, admin }) {
  if (items.length === 0) return html`<${Empty}>No messages.</${Empty}>`;
  return html`<div class="table-wrap"><table class="table" data-table="messages">
    <thead><tr><th>Received</th>${admin ? html`<th>Tenant</th>` : null}<th>From</th><th>Subject</th><th class="num">Rcpts</th><th class="num">Size</th><th>State</th></tr></thead>
    <tbody>${items.map((m) => html`<tr key=${m.id} class="row-link" onClick=${() => (location.hash = `#/messages/${m.id}`)}>
      <td class="nowrap"><a href=${`#/messages/${m.id}`}>${when(m.receivedAt)}</a></td>
      ${admin ? html`<td>${m.tenantId}</td>` : null}
      <td class="ellipsis">${m.mailFrom || '<>'}</td>
      <td class="ellipsis">${m.subject ?? html`<span class="muted">(no subject)</span>`}</td>
      <td class="num">${m.recipients}</td><td class="num">${bytes(m.size)}</td>
      <td><${Badge} state=${m.state} /></td>
    </tr>`)}</tbody>
  </table></div>`;
}

function initialFilter() {
  const p = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { tenant: p.get('tenant') ?? '', rcpt: p.get('rcpt') ?? '', state: p.get('state') ?? '', destination: '', since: '' };
}

export function Messages({ kind }) {
  const admin = kind === 'operator';
  const [form, setForm] = useState(initialFilter);
  const [filter, setFilter] = useState(form);
  const pager = usePager(JSON.stringify(filter));
  const path = admin ? '/v1/admin/queue' : '/v1/messages';
  const { data, error, loading } = useData(() => {
    const q = { rcpt: filter.rcpt.trim(), state: filter.state, since: filter.since ? new Date(filter.since).toISOString() : '', cursor: pager.cursor, limit: 50 };
    if (admin) Object.assign(q, { tenant: filter.tenant.trim(), destination: filter.destination.trim() });
    return api(path, { query: q });
  }, [path, JSON.stringify(filter), pager.cursor], 10000);
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    const maybeId = form.rcpt.trim();
    if (ID.test(maybeId) && !maybeId.includes('@')) {
      location.hash = `#/messages/${maybeId}`;
      return;
    }
    setFilter(form);
  };
  return html`<div class="page">
    <header class="page-head"><div><h1>Messages</h1><p class="muted">Newest first. Enter a message id in the recipient box to open it.</p></div></header>
    <form class="toolbar filters" onSubmit=${submit}>
      ${admin ? html`<${Field} label="Tenant"><input name="tenant" value=${form.tenant} onInput=${set('tenant')} placeholder="any" /></${Field}>` : null}
      <${Field} label="Recipient or id"><input name="rcpt" value=${form.rcpt} onInput=${set('rcpt')} placeholder="someone@example.com" /></${Field}>
      <${Field} label="State"><select name="state" value=${form.state} onChange=${set('state')}><option value="">any</option>${STATES.map((s) => html`<option value=${s}>${s}</option>`)}</select></${Field}>
      ${admin ? html`<${Field} label="Waiting for domain"><input name="destination" value=${form.destination} onInput=${set('destination')} placeholder="example.com" /></${Field}>` : null}
      <${Field} label="Since"><input type="datetime-local" name="since" value=${form.since} onInput=${set('since')} /></${Field}>
      <button class="btn primary" type="submit">Search</button>
      ${loading ? html`<span class="muted">Loading…</span>` : null}
    </form>
    <${ErrorBox} error=${error} />
    ${data ? html`<${MessageTable} items=${data.data} admin=${admin} /><${Pager} pager=${pager} next=${data.nextCursor} shown=${data.data.length} />` : null}
  </div>`;
}

export const replyText = (r) => [r.code, r.enhanced, r.text].filter((x) => x !== undefined && x !== null && x !== '').join(' ');

function describe(e) {
  const d = e.data ?? {};
  const facts = [];
  const bits = [facts];
  for (const k of ['why', 'route', 'pool', 'class', 'score', 'destination', 'ip', 'attempt', 'by', 'reason', 'source', 'recipient']) {
    if (d[k] !== undefined && d[k] !== null && typeof d[k] !== 'object') facts.push(`${k}: ${d[k]}`);
  }
  bits[0] = facts.join(' · ');
  if (Array.isArray(d.recipients)) {
    for (const r of d.recipients) bits.push(typeof r === 'string' ? r : [r.rcpt, r.reply ? `→ ${replyText(r.reply)}` : ''].filter(Boolean).join(' '));
  }
  if (d.reply && typeof d.reply === 'object') bits.push(replyText(d.reply));
  return bits;
}

export function Timeline({ events }) {
  if (!events?.length) return html`<${Empty}>No events recorded.</${Empty}>`;
  return html`<ol class="timeline" data-timeline>${events.map((e) => html`<li class=${`ev ev-${e.type}`}>
    <div class="tl-head"><strong>${e.type}</strong> <span class="muted">${when(e.at)}</span></div>
    ${describe(e).filter(Boolean).map((b) => html`<div class="small">${b}</div>`)}
  </li>`)}</ol>`;
}

export function MessagePage({ id, kind }) {
  const admin = kind === 'operator';
  const { data: m, error, reload } = useData(() => api(admin ? `/v1/admin/messages/${encodeURIComponent(id)}` : `/v1/messages/${encodeURIComponent(id)}`), [id], 5000);
  const [busy, setBusy] = useState('');
  const act = async (what, fn) => {
    setBusy(what);
    try {
      await fn();
      await reload();
    } catch (e) {
      alert(e.message);
    } finally {
      setBusy('');
    }
  };
  return html`<div class="page">
    <p class="crumbs"><a href="#/messages">Messages</a> ›</p>
    <${ErrorBox} error=${error} />
    ${m
      ? html`<header class="page-head">
          <div><h1 class="ellipsis">${m.subject ?? '(no subject)'}</h1>
          <p class="muted mono">${m.id}</p></div>
          <div class="actions">
            <${Badge} state=${m.state} />
            ${admin && m.state === 'active' ? html`<button class="btn" disabled=${!!busy} onClick=${() => act('retry', () => api(`/v1/admin/messages/${m.id}/retry`, { method: 'POST' }))}>Retry now</button>` : null}
            ${admin && m.state === 'quarantined' ? html`<a class="btn" href=${`#/quarantine/${m.id}`}>Open in quarantine</a>` : null}
          </div>
        </header>
        <div class="grid2">
          <section class="card"><h3>Envelope</h3><dl class="kv">
            ${admin ? html`<dt>Tenant</dt><dd><a href=${`#/tenants/${encodeURIComponent(m.tenantId)}`}>${m.tenantId}</a></dd>` : null}
            <dt>Received</dt><dd>${when(m.receivedAt)} (${m.source})</dd>
            <dt>MAIL FROM</dt><dd class="mono">${m.mailFrom || '<>'}</dd>
            <dt>From</dt><dd>${m.headerFrom ?? '–'}</dd>
            <dt>Message-ID</dt><dd class="mono small">${m.headerMessageId ?? '–'}</dd>
            <dt>Size</dt><dd>${bytes(m.size)}</dd>
            ${admin && m.clientIp ? html`<dt>Client</dt><dd class="mono">${m.clientIp}</dd>` : null}
          </dl></section>
          <section class="card"><h3>Verdict and route</h3><dl class="kv">
            <dt>Class</dt><dd>${m.verdict ? html`<${Badge} state=${m.verdict.class} /> score ${Number(m.verdict.score).toFixed(3)}` : 'not scanned'}</dd>
            ${m.verdict?.reasons?.length ? html`<dt>Reasons</dt><dd>${m.verdict.reasons.map((r) => html`<div class="small">${r.rule}${r.detail ? `: ${r.detail}` : ''}</div>`)}</dd>` : null}
            <dt>Route</dt><dd>${m.route ? `${m.route.kind}${m.route.pool ? ` → ${m.route.pool}` : ''}` : '–'}</dd>
            ${m.route?.why ? html`<dt>Why</dt><dd>${m.route.why}</dd>` : null}
          </dl></section>
        </div>
        <section class="card"><h3>Recipients</h3>
          <table class="table compact"><thead><tr><th>Recipient</th><th>State</th><th>Last reply</th></tr></thead>
          <tbody>${m.recipients.map((r) => html`<tr><td class="mono">${r.rcpt}</td><td><${Badge} state=${r.state} /></td><td class="small">${r.reply ? replyText(r.reply) : '–'}</td></tr>`)}</tbody></table>
        </section>
        ${admin && m.jobs?.length
          ? html`<section class="card"><h3>Delivery jobs</h3>
              <table class="table compact"><thead><tr><th>Destination</th><th>Pool</th><th>State</th><th class="num">Attempts</th><th>Next attempt</th></tr></thead>
              <tbody>${m.jobs.map((j) => html`<tr><td>${j.destination}</td><td>${j.pool}</td><td><${Badge} state=${j.state} /></td><td class="num">${j.attempts}</td><td>${j.state === 'queued' ? when(j.nextAt) : '–'}</td></tr>`)}</tbody></table>
            </section>`
          : null}
        <section class="card"><h3>History</h3><${Timeline} events=${m.events} /></section>`
      : null}
  </div>`;
}
