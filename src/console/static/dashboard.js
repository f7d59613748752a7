// The dashboard: per-minute charts (outcomes, deliveries per pool, spam
// share, queue depth) and headline figures, refreshed every 5 seconds.
// Operators see the platform (/v1/admin/stats/timeseries); a tenant its own
// mail (/v1/stats/timeseries, no pools or queue).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Chart } from './chart.js';
import { ErrorBox, Stat } from './ui.js';
import { html, num, pct, sum, useData } from './util.js';

const OUTCOMES = [
  ['received', '--c-received', '#2563eb'],
  ['delivered', '--c-delivered', '#16a34a'],
  ['deferred', '--c-deferred', '#d97706'],
  ['bounced', '--c-bounced', '#dc2626'],
  ['quarantined', '--c-quarantined', '#7c3aed'],
  ['rejected', '--c-rejected', '#64748b'],
];
const POOL_COLOURS = ['--c-p1', '--c-p2', '--c-p3', '--c-p4', '--c-p5', '--c-p6'];
const RANGES = [[15, '15 min'], [60, '1 hour'], [360, '6 hours'], [1440, '24 hours']];
export const LIVE_MS = 5000;

function spamOverall(ts) {
  const scanned = sum(ts.scanned);
  if (!scanned) return null;
  return ts.spamShare.reduce((a, x, i) => a + (x ?? 0) * ts.scanned[i], 0) / scanned;
}

export function Dashboard({ kind, tenant }) {
  const [minutes, setMinutes] = useState(60);
  const path = kind === 'operator' ? '/v1/admin/stats/timeseries' : '/v1/stats/timeseries';
  const { data: ts, error, at } = useData(() => api(path, { query: { minutes, tenant } }), [path, minutes, tenant], LIVE_MS);
  const o = ts?.outcomes;
  const depth = ts?.queueDepth ? [...ts.queueDepth].reverse().find((x) => x !== null) ?? null : null;
  return html`<div class="page">
    <header class="page-head">
      <div><h1>${tenant ? `${tenant} · activity` : kind === 'operator' ? 'Dashboard' : 'Your mail'}</h1>
      <p class="muted"><span class="live-dot"></span> Live · updated ${at ? at.toLocaleTimeString('en-GB') : '…'}</p></div>
      <div class="seg" role="group" aria-label="Time range">
        ${RANGES.map(([m, label]) => html`<button class=${`seg-btn ${m === minutes ? 'on' : ''}`} aria-pressed=${m === minutes} onClick=${() => setMinutes(m)}>${label}</button>`)}
      </div>
    </header>
    <${ErrorBox} error=${error} />
    ${ts
      ? html`
      <div class="stats">
        <${Stat} id="received" label=${`Received · ${rangeLabel(minutes)}`} value=${num(sum(o.received))} />
        <${Stat} id="delivered" label="Delivered (recipients)" value=${num(sum(o.delivered))} tone="good" />
        <${Stat} id="deferred" label="Deferred" value=${num(sum(o.deferred))} tone=${sum(o.deferred) ? 'warn' : ''} />
        <${Stat} id="bounced" label="Bounced" value=${num(sum(o.bounced))} tone=${sum(o.bounced) ? 'bad' : ''} />
        <${Stat} id="quarantined" label="Quarantined" value=${num(sum(o.quarantined))} />
        <${Stat} id="spam" label="Spam share" value=${pct(spamOverall(ts))} hint="spam or suspect, of scanned" />
        ${ts.queueDepth ? html`<${Stat} id="queue" label="Queue now" value=${num(depth)} hint="waiting or in progress" />` : null}
      </div>
      <div class="charts">
        <${Chart} id="outcomes" title="Messages per minute by outcome" from=${ts.from} step=${ts.step}
          series=${OUTCOMES.map(([k, c, f]) => ({ label: k, values: o[k], color: c, fallback: f }))} />
        ${ts.pools
          ? html`<${Chart} id="pools" title="Deliveries per minute by pool" from=${ts.from} step=${ts.step}
              series=${(Object.keys(ts.pools).length ? Object.entries(ts.pools) : [['(none yet)', new Array(ts.points).fill(0)]]).map(([p, v], i) => ({ label: p, values: v, color: POOL_COLOURS[i % POOL_COLOURS.length] }))} />`
          : null}
        <${Chart} id="spam" title="Spam share of scanned mail" from=${ts.from} step=${ts.step} yFormat=${(v) => `${+(v * 100).toFixed(1)}%`}
          series=${[{ label: 'spam share', values: ts.spamShare, color: '--c-bounced' }]} />
        ${ts.queueDepth
          ? html`<${Chart} id="queue" title="Queue depth" from=${ts.from} step=${ts.step}
              series=${[{ label: 'messages', values: ts.queueDepth, color: '--c-received' }]} />`
          : null}
      </div>`
      : error ? null : html`<p class="muted">Loading…</p>`}
  </div>`;
}

function rangeLabel(m) {
  return m === 15 ? 'last 15 min' : m === 60 ? 'last hour' : m === 360 ? 'last 6 h' : 'last 24 h';
}

