// Pools and their IPs (operators): rotation, DNSBL status per zone, warm-up
// progress and holds from /v1/admin/pools; why an IP is in or out
// (/v1/admin/ips/:ip, the same explanation as `outpost pool show`); taking
// an IP out of rotation or putting it back (/v1/admin/ips/:ip/rotation).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, ErrorBox } from './ui.js';
import { ago, html, num, useData } from './util.js';

function Dnsbl({ d }) {
  if (!d) return html`<span class="muted">–</span>`;
  if (d.zones.length === 0) return html`<span class="muted small">no zones monitored</span>`;
  const listed = d.zones.filter((z) => z.listed);
  if (listed.length === 0) {
    const checked = d.zones.map((z) => z.checkedAt).filter(Boolean).sort().pop();
    return html`<${Badge} state="ok" /> <span class="muted small">${d.zones.length} zone(s)${checked ? `, checked ${ago(checked)}` : ', not checked yet'}</span>`;
  }
  return html`<div class="reasons">${listed.map((z) => html`<span class="badge s-listed">listed: ${z.zone}</span> <span class="muted small">since ${ago(z.since)}</span>`)}</div>`;
}

function Warmup({ w }) {
  if (!w) return html`<span class="muted small">none</span>`;
  if (w.quota === null) return html`<span class="small">day ${w.day}: done</span>`;
  const share = Math.min(1, w.sentToday / Math.max(w.quota, 1));
  return html`<div class="small">day ${w.day}: ${num(w.sentToday)} / ${num(w.quota)}</div>
    <svg class="meter" width="110" height="6" aria-hidden="true"><rect class="meter-bg" width="110" height="6" rx="3" /><rect class="meter-fg" width=${Math.max(2, 110 * share)} height="6" rx="3" /></svg>`;
}

function Why({ ip }) {
  const { data, error } = useData(() => api(`/v1/admin/ips/${encodeURIComponent(ip)}`), [ip]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<span class="muted">Loading…</span>`;
  return html`<ul class="evidence" data-why=${ip}>${(data.explanation?.why ?? []).map((w) => html`<li>${w}</li>`)}</ul>`;
}

export function Pools() {
  const { data, error, reload } = useData(() => api('/v1/admin/pools'), [], 15000);
  const [open, setOpen] = useState(null);
  const [failure, setFailure] = useState(null);
  const rotate = async (ip, inRotation) => {
    let reason;
    if (!inRotation) {
      reason = prompt(`Take ${ip} out of rotation. Reason (shown in the pool's status):`, 'maintenance');
      if (reason === null) return;
    }
    setFailure(null);
    try {
      await api(`/v1/admin/ips/${encodeURIComponent(ip)}/rotation`, { method: 'POST', body: { inRotation, ...(reason ? { reason } : {}) } });
      await reload();
    } catch (e) {
      setFailure(e);
    }
  };
  return html`<div class="page">
    <header class="page-head"><div><h1>Pools & IPs</h1><p class="muted">Rotation, DNSBL listings, warm-up and holds for every sending IP.</p></div></header>
    <${ErrorBox} error=${failure ?? error} />
    ${(data?.data ?? []).map((p) => html`<section class="card" data-pool=${p.name}>
      <h3>${p.name} <span class="muted small">· ${p.ips.length} IP(s) · ${p.maxConnectionsPerIp} connections per IP, ${p.maxConnectionsPerDestination} per destination, ${p.messagesPerConnection} messages per connection</span></h3>
      <div class="table-wrap"><table class="table compact">
        <thead><tr><th>IP</th><th>HELO</th><th>Rotation</th><th>DNSBL</th><th>Warm-up</th><th>Holds</th><th></th></tr></thead>
        <tbody>${p.ips.map((x) => html`<tr key=${x.ip} data-ip=${x.ip}>
            <td class="mono"><button class="th-sort" onClick=${() => setOpen(open === `${p.name}/${x.ip}` ? null : `${p.name}/${x.ip}`)} title="Why">${x.ip} ${open === `${p.name}/${x.ip}` ? '▾' : '▸'}</button></td>
            <td class="small">${x.helo}</td>
            <td><${Badge} state=${x.rotation === 'in' && (x.holds ?? []).length ? 'held' : x.rotation} />${x.rotation === 'out' && x.reason ? html` <span class="muted small">${x.reason}</span>` : null}</td>
            <td><${Dnsbl} d=${x.dnsbl} /></td>
            <td><${Warmup} w=${x.warmup} /></td>
            <td class="small">${(x.holds ?? []).length ? x.holds.map((h) => html`<div>${h.reason} <span class="muted">${ago(h.since)}</span></div>`) : html`<span class="muted">–</span>`}</td>
            <td class="nowrap">${x.rotation === 'out'
              ? html`<button class="btn" onClick=${() => rotate(x.ip, true)} data-rotate="in">Put in rotation</button>`
              : html`<button class="btn danger" onClick=${() => rotate(x.ip, false)} data-rotate="out">Take out</button>`}</td>
          </tr>
          ${open === `${p.name}/${x.ip}` ? html`<tr><td colspan="7"><${Why} ip=${x.ip} /></td></tr>` : null}`)}
        </tbody>
      </table></div>
    </section>`)}
  </div>`;
}
