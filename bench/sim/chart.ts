/**
 * A plain-SVG line chart: stacked panels sharing one x axis, each with its
 * own y axis, grid, legend, dashed reference lines, and shaded x ranges across
 * every panel. Long series are thinned to the minimum and maximum of each
 * pixel column, so peaks survive and the file stays small.
 */

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Hold each value until the next point (counts), instead of a straight line between points. */
  readonly step?: boolean;
  readonly width?: number;
  readonly dash?: string;
  /** Fill the area under the line with this opacity. */
  readonly fill?: number;
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
  /** Horizontal dashed lines, e.g. thresholds. */
  readonly lines?: readonly {
    readonly y: number;
    readonly label: string;
    readonly color: string;
    /** Label under the line instead of over it. */
    readonly below?: boolean;
  }[];
  /** At least this y range (the data may stretch it). */
  readonly yMax?: number;
  /** Only whole-number ticks. */
  readonly integer?: boolean;
  /** Pixels; default 170. */
  readonly height?: number;
}

export interface Chart {
  readonly title: string;
  /** Lines under the title. */
  readonly subtitle?: readonly string[];
  readonly xLabel: string;
  readonly xMin: number;
  readonly xMax: number;
  readonly xTicks: readonly number[];
  readonly xTickLabel: (x: number) => string;
  readonly bands?: readonly { readonly from: number; readonly to: number; readonly label: string }[];
  readonly panels: readonly Panel[];
}

const W = 960;
const LEFT = 64;
const RIGHT = 24;
const PANEL_H = 170;
const GAP = 44;
const BOTTOM = 52;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (n: number) => String(Math.round(n * 10) / 10);

/** A 1–2–5 step giving about `count` ticks up to `max`. */
function niceStep(max: number, count: number, integer: boolean): number {
  const raw = Math.max(max / count, integer ? 1 : Number.EPSILON);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return integer ? Math.max(1, Math.round(step)) : step;
}

/** Per pixel column, the first, lowest, highest and last point, in x order. */
function thin(points: readonly (readonly [number, number])[], toPx: (x: number) => number) {
  const out: [number, number][] = [];
  let column: [number, number][] = [];
  let at = Number.NaN;
  const flush = () => {
    if (column.length <= 4) out.push(...column);
    else {
      const lo = column.reduce((a, b) => (b[1] < a[1] ? b : a));
      const hi = column.reduce((a, b) => (b[1] > a[1] ? b : a));
      const mid = lo[0] <= hi[0] ? [lo, hi] : [hi, lo];
      out.push(column[0]!, ...mid, column.at(-1)!);
    }
    column = [];
  };
  for (const [x, y] of points) {
    const px = Math.floor(toPx(x));
    if (px !== at) flush();
    at = px;
    column.push([x, y]);
  }
  flush();
  return out;
}

function path(series: Series, x: (v: number) => number, y: (v: number) => number, baseY: number): string {
  const pts = series.step ? series.points : thin(series.points, x);
  if (pts.length === 0) return '';
  const coords: string[] = [];
  pts.forEach(([px, py], i) => {
    const prev = pts[i - 1];
    if (series.step && prev) coords.push(`${num(x(px))},${num(y(prev[1]))}`);
    coords.push(`${num(x(px))},${num(y(py))}`);
  });
  const d = `M${coords.join('L')}`;
  const width = series.width ?? 1.5;
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
  const line = `<path d="${d}" fill="none" stroke="${series.color}" stroke-width="${width}"${dash} stroke-linejoin="round"/>`;
  if (!series.fill) return line;
  const first = pts[0]!;
  const last = pts.at(-1)!;
  const area = `${d}L${num(x(last[0]))},${num(baseY)}L${num(x(first[0]))},${num(baseY)}Z`;
  return `<path d="${area}" fill="${series.color}" fill-opacity="${series.fill}" stroke="none"/>${line}`;
}

function panelSvg(chart: Chart, panel: Panel, top: number): string {
  const plotW = W - LEFT - RIGHT;
  const height = panel.height ?? PANEL_H;
  const x = (v: number) => LEFT + ((v - chart.xMin) / (chart.xMax - chart.xMin)) * plotW;
  const dataMax = Math.max(
    panel.yMax ?? 0,
    ...panel.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(panel.lines ?? []).map((l) => l.y),
  );
  const step = niceStep(dataMax * 1.08 || 1, 4, panel.integer ?? false);
  const yMax = Math.ceil((dataMax * 1.08 || 1) / step) * step;
  const bottom = top + height;
  const y = (v: number) => bottom - (v / yMax) * height;
  const out: string[] = [];
  for (const band of chart.bands ?? []) {
    const x0 = x(Math.max(band.from, chart.xMin));
    const x1 = x(Math.min(band.to, chart.xMax));
    out.push(
      `<rect x="${num(x0)}" y="${top}" width="${num(x1 - x0)}" height="${height}" fill="#f59e0b" fill-opacity="0.13"/>`,
    );
  }
  for (let v = 0; v <= yMax + step / 1000; v += step) {
    const label = Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${num(y(v))}" y2="${num(y(v))}" stroke="#e5e7eb"/>`);
    out.push(
      `<text x="${LEFT - 6}" y="${num(y(v) + 4)}" text-anchor="end" font-size="11" fill="#6b7280">${label}</text>`,
    );
  }
  for (const t of chart.xTicks) {
    out.push(`<line x1="${num(x(t))}" x2="${num(x(t))}" y1="${top}" y2="${bottom}" stroke="#f3f4f6"/>`);
  }
  for (const line of panel.lines ?? []) {
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${num(y(line.y))}" y2="${num(y(line.y))}" stroke="${line.color}" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${W - RIGHT - 6}" y="${num(y(line.y) + (line.below ? 12 : -4))}" text-anchor="end" font-size="11" fill="${line.color}">${esc(line.label)}</text>`,
    );
  }
  out.push('<g clip-path="url(#plot)">');
  for (const s of panel.series) out.push(path(s, x, y, bottom));
  out.push('</g>');
  out.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${height}" fill="none" stroke="#9ca3af"/>`);
  out.push(
    `<text x="${LEFT}" y="${top - 8}" font-size="13" font-weight="600" fill="#111827">${esc(panel.title)}</text>`,
  );
  // Legend, right-aligned above the panel.
  let lx = W - RIGHT;
  for (const s of [...panel.series].reverse()) {
    const textW = s.label.length * 6.2;
    lx -= textW;
    out.push(`<text x="${num(lx)}" y="${top - 8}" font-size="11" fill="#374151">${esc(s.label)}</text>`);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(
      `<line x1="${num(lx - 22)}" x2="${num(lx - 4)}" y1="${top - 12}" y2="${top - 12}" stroke="${s.color}" stroke-width="${Math.max(2, s.width ?? 1.5)}"${dash}/>`,
    );
    lx -= 34;
  }
  return out.join('\n');
}

/** The whole chart as an SVG document. */
export function renderChart(chart: Chart): string {
  const subtitle = chart.subtitle ?? [];
  const top = 40 + subtitle.length * 16 + 22;
  const tops: number[] = [];
  let at = top;
  for (const panel of chart.panels) {
    tops.push(at);
    at += (panel.height ?? PANEL_H) + GAP;
  }
  const lastBottom = at - GAP;
  const height = lastBottom + BOTTOM;
  const plotW = W - LEFT - RIGHT;
  const x = (v: number) => LEFT + ((v - chart.xMin) / (chart.xMax - chart.xMin)) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" ${FONT}>`,
    `<title>${esc(chart.title)}</title>`,
    `<defs><clipPath id="plot"><rect x="${LEFT}" y="0" width="${plotW}" height="${height}"/></clipPath></defs>`,
    `<rect width="${W}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="700" fill="#111827">${esc(chart.title)}</text>`,
  ];
  subtitle.forEach((line, i) => {
    parts.push(`<text x="${LEFT}" y="${44 + i * 16}" font-size="11.5" fill="#4b5563">${esc(line)}</text>`);
  });
  chart.panels.forEach((panel, i) => {
    parts.push(panelSvg(chart, panel, tops[i]!));
  });
  for (const t of chart.xTicks) {
    parts.push(
      `<line x1="${num(x(t))}" x2="${num(x(t))}" y1="${lastBottom}" y2="${lastBottom + 5}" stroke="#6b7280"/>`,
    );
    parts.push(
      `<text x="${num(x(t))}" y="${lastBottom + 18}" text-anchor="middle" font-size="11" fill="#374151">${esc(chart.xTickLabel(t))}</text>`,
    );
  }
  for (const band of chart.bands ?? []) {
    const mid = x((band.from + band.to) / 2);
    parts.push(
      `<text x="${num(mid)}" y="${top + 14}" text-anchor="middle" font-size="11" fill="#b45309">${esc(band.label)}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT + plotW / 2}" y="${lastBottom + 40}" text-anchor="middle" font-size="12" fill="#374151">${esc(chart.xLabel)}</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
