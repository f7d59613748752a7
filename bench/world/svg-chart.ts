/**
 * A minimal SVG line chart writer (no browser, no dependency): series of
 * (x, y) points on linear axes with ticks, a legend and optional vertical
 * markers. Enough for "honest delivery rate over time, run A vs run B".
 */

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly series: readonly Series[];
  /** Vertical lines with a short label (e.g. when a tenant turned bad). */
  readonly markers?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
  readonly width?: number;
  readonly height?: number;
  /** Format of y tick labels. */
  readonly yFormat?: (y: number) => string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 760, H = o.height ?? 380;
  const L = 64, R = 20, T = 40, B = 70;
  const pw = W - L - R, ph = H - T - B;
  const x = (v: number): number => L + (v / (o.xMax || 1)) * pw;
  const y = (v: number): number => T + ph - ((v - o.yMin) / (o.yMax - o.yMin || 1)) * ph;
  const fmt = o.yFormat ?? ((v: number) => String(v));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(o.title)}</text>`);
  const ys = niceStep(o.yMax - o.yMin, 5);
  for (let v = o.yMin; v <= o.yMax + 1e-9; v += ys) {
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(v))}</text>`);
  }
  const xs = niceStep(o.xMax, 10);
  for (let v = 0; v <= o.xMax + 1e-9; v += xs) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${T + ph}" y2="${T + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${T + ph + 17}" text-anchor="middle">${esc(String(Math.round(v * 100) / 100))}</text>`);
  }
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${L + pw / 2}" y="${T + ph + 34}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  for (const m of o.markers ?? []) {
    out.push(`<line x1="${x(m.x).toFixed(1)}" x2="${x(m.x).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="#999" stroke-dasharray="3 3"/>`);
    out.push(`<text x="${(x(m.x) + 3).toFixed(1)}" y="${T + 12}" font-size="10" fill="#666">${esc(m.label)}</text>`);
  }
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([px, py], i) => `${i ? 'L' : 'M'}${x(px).toFixed(1)} ${y(py).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${esc(s.color)}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [px, py] of s.points) out.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="2.5" fill="${esc(s.color)}"/>`);
  }
  o.series.forEach((s, i) => {
    const lx = L + i * 260, ly = H - 14;
    out.push(`<line x1="${lx}" x2="${lx + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${esc(s.color)}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${lx + 32}" y="${ly}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
