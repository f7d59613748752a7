// A uPlot time-series chart as a Preact component: one x axis (a point per
// step seconds from `from`), one line per series; colours and axis ink come
// from the CSS variables, so light and dark themes both read well. The plot
// is created once per set of series and then only fed new data (live pages).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './util.js';

const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

function xs(from, step, points) {
  const t0 = Date.parse(from) / 1000;
  return Array.from({ length: points }, (_, i) => t0 + i * step);
}

export function Chart({ title, from, step = 60, series, yFormat, height = 190, id }) {
  const box = useRef(null);
  const plot = useRef(null);
  const points = series[0]?.values.length ?? 0;
  const data = [xs(from, step, points), ...series.map((s) => s.values)];
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const ink = css('--muted', '#667085');
    const grid = css('--grid', 'rgba(128,128,128,.15)');
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const opts = {
      width: Math.max(el.clientWidth, 200),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, yFormat ? Math.max(max * 1.15, 0.05) : Math.max(Math.ceil(max * 1.15), 4)] } },
      axes: [axis, { ...axis, size: 52, values: (_u, ticks) => ticks.map((v) => (yFormat ? yFormat(v) : v % 1 === 0 ? String(v) : '')) }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: css(s.color, s.fallback ?? '#2563eb'), width: 1.6, points: { show: false }, spanGaps: false, value: (_u, v) => (v === null || v === undefined ? '–' : yFormat ? yFormat(v) : String(v)) }))],
    };
    plot.current = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return html`<section class="card chart" data-chart=${id}>
    <h3>${title}</h3>
    <div class="plot" ref=${box}></div>
  </section>`;
}
