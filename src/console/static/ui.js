// Small building blocks shared by the pages: state badges, the SVG
// sparkline, error and empty messages, the cursor pager, stat tiles.
import { useState } from 'preact/hooks';
import { html, num } from './util.js';

export function Badge({ state }) {
  return html`<span class=${`badge s-${state}`}>${state}</span>`;
}

export function Sparkline({ values, width = 120, height = 26 }) {
  const max = Math.max(1, ...values);
  const step = width / Math.max(values.length - 1, 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  const total = values.reduce((a, b) => a + b, 0);
  return html`<svg class="spark" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`${total} messages in 24 hours`}>
    <polyline class="spark-area" points=${`0,${height} ${pts} ${width},${height}`} />
    <polyline class="spark-line" points=${pts} />
  </svg>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>${error.status ? `${error.status} ` : ''}${error.code ?? 'Error'}</strong> ${error.message}</div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children}</div>`;
}

export function Stat({ label, value, hint, id, tone }) {
  return html`<div class=${`stat ${tone ? `tone-${tone}` : ''}`} data-stat=${id}>
    <div class="stat-label">${label}</div>
    <div class="stat-value">${value}</div>
    ${hint ? html`<div class="stat-hint">${hint}</div>` : null}
  </div>`;
}

/** Cursor paging: keeps the cursors of the pages seen so that "Previous" works. */
export function usePager(resetKey) {
  const [state, setState] = useState({ key: resetKey, stack: [undefined] });
  const s = state.key === resetKey ? state : { key: resetKey, stack: [undefined] };
  if (s !== state) setState(s);
  const cursor = s.stack[s.stack.length - 1];
  return {
    cursor,
    page: s.stack.length,
    next: (c) => setState({ key: resetKey, stack: [...s.stack, c] }),
    prev: () => setState({ key: resetKey, stack: s.stack.slice(0, -1) }),
  };
}

export function Pager({ pager, next, total, shown }) {
  return html`<div class="pager">
    <span class="muted">Page ${pager.page}${total !== undefined ? ` · ${num(total)} in all` : ''}${shown !== undefined ? ` · ${shown} shown` : ''}</span>
    <button class="btn" disabled=${pager.page <= 1} onClick=${pager.prev}>← Previous</button>
    <button class="btn" disabled=${!next} onClick=${() => pager.next(next)}>Next →</button>
  </div>`;
}

export function Field({ label, children }) {
  return html`<label class="field"><span>${label}</span>${children}</label>`;
}
