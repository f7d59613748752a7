import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart } from './svg-chart.js';

test('the SVG chart maps points onto the plot and escapes text', () => {
  const svg = lineChart({
    title: 'A & B', xLabel: 'x', yLabel: 'y', xMax: 10, yMin: 0, yMax: 100, width: 400, height: 300,
    series: [{ name: 'one <1>', color: '#000', points: [[0, 0], [10, 100]] }, { name: 'two', color: '#f00', dashed: true, points: [[5, 50]] }],
    markers: [{ x: 5, label: 'turn' }],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="400" height="300"/);
  assert.match(svg, /A &amp; B/);
  assert.match(svg, /one &lt;1&gt;/);
  // Plot area: left 64, right 400-20, top 40, bottom 300-70.
  assert.match(svg, /<path d="M64\.0 230\.0 L380\.0 40\.0"/);
  assert.match(svg, /<circle cx="222\.0" cy="135\.0"/);
  assert.match(svg, /stroke-dasharray="6 4"/);
  assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});
