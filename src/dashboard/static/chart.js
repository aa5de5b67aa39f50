// Line charts as plain SVG, built with DOM calls (no inline style: colours come from style.css classes).
import { h } from './lib.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 180;
const PAD = { left: 56, right: 8, top: 10, bottom: 22 };

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round number ≥ v for the top of the y axis: 1, 2 or 5 × 10^n. */
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/**
 * A chart of several series over time.
 * @param {{ title: string, from: number, to: number, points: object[],
 *           series: { key: string, label: string, value: (p) => number | null }[],
 *           format: (v: number) => string, integer?: boolean }} spec
 */
export function lineChart({ title, from, to, points, series, format, integer = false }) {
  const x = (t) => PAD.left + ((t - from) / Math.max(1, to - from)) * (W - PAD.left - PAD.right);
  const values = points.flatMap((p) => series.map((s) => s.value(p)).filter((v) => v !== null));
  // Whole numbers: a top of at least 2, so that the middle line is a whole number too.
  const max = Math.max(integer ? 2 : 0, niceMax(Math.max(0, ...values)));
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const time = (t) =>
    to - from > 86_400_000
      ? new Date(t).toLocaleDateString([], { month: 'short', day: 'numeric' })
      : new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const grid = [0, 0.5, 1].map((f) =>
    svg(
      'g',
      { class: 'grid' },
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(max * f), y2: y(max * f) }),
      svg('text', { x: PAD.left - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, format(max * f)),
    ),
  );
  const axis = [
    svg('text', { class: 'axis', x: PAD.left, y: H - 6 }, time(from)),
    svg('text', { class: 'axis', x: W - PAD.right, y: H - 6, 'text-anchor': 'end' }, time(to)),
  ];
  const lines = series.map((s, i) => {
    const pts = points
      .map((p) => [p.at, s.value(p)])
      .filter(([, v]) => v !== null)
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    // One point alone would draw no line: a dot shows it.
    return pts.length === 1
      ? svg('circle', { class: `series s${i}`, r: 3, cx: pts[0].split(',')[0], cy: pts[0].split(',')[1] })
      : svg('polyline', { class: `series s${i}`, points: pts.join(' ') });
  });
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart-svg' },
    ...grid,
    ...axis,
    ...lines,
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((s, i) => h('li', { class: `s${i}` }, s.label)),
  );
  return h('figure', { class: 'chart' }, h('figcaption', {}, title), chart, legend);
}
