/**
 * A dependency-free SVG scatter chart on log-log axes: one mark per point, coloured by series, with reference lines
 * y = r·x (a constant ratio is a straight 45° line on log-log axes), labelled axes, a title and a legend. Each mark is
 * a `<circle class="point …">` carrying a `<title>` (the tooltip a browser shows), so tests and readers can count and
 * identify them.
 */

/** One point of the chart. */
export interface ChartPoint {
  /** Positive x (native gas). */
  x: number;
  /** Positive y (verification gas). */
  y: number;
  /** The series (a legend entry and a colour), e.g. the transaction. */
  series: string;
  /** The tooltip. */
  label: string;
  /** Drawn hollow and red-rimmed, and listed as such in the legend, when false (e.g. an invalid verdict). */
  ok?: boolean;
}

export interface ScatterOptions {
  title: string;
  /** A line under the title (optional). */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** Ratios r drawn as dashed lines y = r·x, each labelled "r×". */
  referenceRatios?: readonly number[];
  width?: number;
  height?: number;
}

/** Colour-blind-safe palette (Okabe–Ito), cycled over the series. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#000000', '#56B4E9', '#D55E00', '#F0E442'];

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A short label of a tick value m·10^e (m in 1…9): 1, 20, 500, 1k, 20k, 500k, 1M… */
export function tickLabel(m: number, exponent: number): string {
  const units: [number, string][] = [[9, 'G'], [6, 'M'], [3, 'k']];
  for (const [e, unit] of units) if (exponent >= e) return `${m * 10 ** (exponent - e)}${unit}`;
  return String(m * 10 ** exponent);
}

/** The ticks of a log axis from lo to hi (log10 values): 1, 2 and 5 times each power of ten inside the range. */
function logTicks(lo: number, hi: number): { at: number; label: string; major: boolean }[] {
  const out: { at: number; label: string; major: boolean }[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const at = e + Math.log10(m);
      if (at >= lo - 1e-9 && at <= hi + 1e-9) out.push({ at, label: tickLabel(m, e), major: m === 1 });
    }
  }
  return out;
}

const fixed = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * The SVG document of a log-log scatter chart of `points` (see the file's comment). Throws if a coordinate is not a
 * positive finite number (a log axis cannot show it) or there is no point.
 */
export function scatterSvg(points: readonly ChartPoint[], opts: ScatterOptions): string {
  if (points.length === 0) throw new Error('scatterSvg: no point to draw');
  for (const p of points) {
    if (!(Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y) && p.y > 0)) throw new Error(`scatterSvg: point ${JSON.stringify(p.label)} has a non-positive or non-finite coordinate (${p.x}, ${p.y}); a log axis cannot show it`);
  }
  const width = opts.width ?? 960;
  const height = opts.height ?? 560;
  const ratios = opts.referenceRatios ?? [];
  const series = [...new Set(points.map((p) => p.series))];
  const colour = new Map(series.map((s, i) => [s, PALETTE[i % PALETTE.length]!]));
  const anyBad = points.some((p) => p.ok === false);

  // layout: plot on the left, legend on the right
  const legendWidth = 300;
  const margin = { top: opts.subtitle ? 62 : 46, right: legendWidth + 20, bottom: 56, left: 74 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const log = Math.log10;
  const xs = points.map((p) => log(p.x));
  const ys = points.map((p) => log(p.y));
  // each axis spans its points with a margin of a tenth of a decade (a single value gets a decade around it)
  const span = (v: number[]): [number, number] => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return hi - lo < 0.5 ? [(lo + hi) / 2 - 0.5, (lo + hi) / 2 + 0.5] : [lo - 0.1, hi + 0.1];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const px = (lx: number): number => margin.left + ((lx - x0) / (x1 - x0)) * plotW;
  const py = (ly: number): number => margin.top + plotH - ((ly - y0) / (y1 - y0)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${xmlEscape(opts.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${xmlEscape(opts.title)}</text>`);
  if (opts.subtitle) out.push(`<text x="${width / 2}" y="44" text-anchor="middle" fill="#444444">${xmlEscape(opts.subtitle)}</text>`);

  // grid and ticks: 1, 2 and 5 times each power of ten, a stronger line at the powers of ten
  const xTicks = logTicks(x0, x1);
  const yTicks = logTicks(y0, y1);
  out.push('<g class="grid" stroke-width="1">');
  for (const t of xTicks) out.push(`<line x1="${fixed(px(t.at))}" y1="${margin.top}" x2="${fixed(px(t.at))}" y2="${margin.top + plotH}" stroke="${t.major ? '#d8d8d8' : '#eeeeee'}"/>`);
  for (const t of yTicks) out.push(`<line x1="${margin.left}" y1="${fixed(py(t.at))}" x2="${margin.left + plotW}" y2="${fixed(py(t.at))}" stroke="${t.major ? '#d8d8d8' : '#eeeeee'}"/>`);
  out.push('</g>');
  out.push('<g class="ticks" fill="#333333">');
  for (const t of xTicks) out.push(`<text x="${fixed(px(t.at))}" y="${margin.top + plotH + 18}" text-anchor="middle">${t.label}</text>`);
  for (const t of yTicks) out.push(`<text x="${margin.left - 8}" y="${fixed(py(t.at) + 4)}" text-anchor="end">${t.label}</text>`);
  out.push('</g>');
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888888"/>`);
  out.push(`<text x="${fixed(margin.left + plotW / 2)}" y="${height - 14}" text-anchor="middle" font-size="13">${xmlEscape(opts.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${fixed(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${xmlEscape(opts.yLabel)}</text>`);

  // reference lines y = r·x, clipped to the plot: log y = log x + log r
  out.push('<g class="reference" stroke="#999999" stroke-dasharray="6 4" fill="#777777">');
  for (const r of ratios) {
    const lr = log(r);
    const a = Math.max(x0, y0 - lr);
    const b = Math.min(x1, y1 - lr);
    if (a >= b) continue;
    out.push(`<line x1="${fixed(px(a))}" y1="${fixed(py(a + lr))}" x2="${fixed(px(b))}" y2="${fixed(py(b + lr))}"/>`);
    out.push(`<text x="${fixed(px(b) - 4)}" y="${fixed(py(b + lr) + 14)}" text-anchor="end" stroke="none">${xmlEscape(`${r}×`)}</text>`);
  }
  out.push('</g>');

  // the points, in the order given
  out.push('<g class="points">');
  for (const p of points) {
    const c = colour.get(p.series)!;
    const bad = p.ok === false;
    out.push(
      `<circle class="point${bad ? ' bad' : ''}" cx="${fixed(px(log(p.x)))}" cy="${fixed(py(log(p.y)))}" r="5.5" ` +
        `fill="${bad ? '#ffffff' : c}" fill-opacity="0.85" stroke="${bad ? '#d00000' : '#222222'}" stroke-width="${bad ? 2 : 0.8}"><title>${xmlEscape(p.label)}</title></circle>`,
    );
  }
  out.push('</g>');

  // legend
  const lx = width - legendWidth;
  let ly = margin.top + 8;
  out.push('<g class="legend">');
  for (const s of series) {
    const n = points.filter((p) => p.series === s).length;
    out.push(`<circle cx="${lx + 6}" cy="${ly - 4}" r="5.5" fill="${colour.get(s)!}" stroke="#222222" stroke-width="0.8"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">${xmlEscape(`${s} (${n} frame${n === 1 ? '' : 's'})`)}</text>`);
    ly += 20;
  }
  if (anyBad) {
    out.push(`<circle cx="${lx + 6}" cy="${ly - 4}" r="5.5" fill="#ffffff" stroke="#d00000" stroke-width="2"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">not valid</text>`);
    ly += 20;
  }
  if (ratios.length > 0) {
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 14}" y2="${ly - 4}" stroke="#999999" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">${xmlEscape(`ratio ${ratios.map((r) => `${r}×`).join(', ')}`)}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}
