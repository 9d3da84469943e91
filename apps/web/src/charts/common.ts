import uPlot from 'uplot';
import { formatTick } from '@ridgeline/format';

/** Shared pieces of the uPlot charts: log axes with SI ticks, sizing, tooltips and export. */

/** The page's chart palette: what a bound looks like everywhere on the page. */
export const COLOURS = {
  compute: '#d97706',
  memory: '#2563eb',
  network: '#7c3aed',
  overhead: '#64748b',
  roofline: '#0f172a',
  peak: '#94a3b8',
  grid: 'rgba(15, 23, 42, 0.07)',
  axis: '#475569',
  current: '#dc2626',
} as const;

const FONT = '12px "Inter", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Log-scale ticks at 1, 2, 5 × powers of ten when there are few decades, else powers of ten. */
function logSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades = hi - lo;
  const steps = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
  const every = decades > 8 ? 2 : 1;
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) {
    if ((e - lo) % every !== 0) continue;
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
  }
  return out;
}

/**
 * A log axis with SI tick labels and a unit-bearing label.
 *
 * @example
 * logAxis('Arithmetic intensity (FLOP/byte)', 'x');
 */
export function logAxis(label: string, side: 'x' | 'y', format: (v: number) => string = formatTick): uPlot.Axis {
  return {
    label,
    labelFont: FONT,
    font: FONT,
    stroke: COLOURS.axis,
    grid: { stroke: COLOURS.grid, width: 1 },
    ticks: { stroke: COLOURS.grid, width: 1, size: 4 },
    splits: logSplits,
    // Keep every split: logSplits already spaces them (uPlot's log filter would drop all but powers of ten).
    filter: (_u, splits) => splits,
    // uPlot hands null for ticks it filters out (too dense); they get no label.
    values: (_u, splits) => splits.map((v) => (v == null ? '' : format(v))),
    size: side === 'y' ? 64 : 44,
    labelSize: side === 'y' ? 20 : 22,
    gap: 4,
  };
}

/**
 * Keeps a chart as wide as its container (and a fixed height), redrawing on resize.
 *
 * @example
 * const stop = fitToContainer(u, container, 360);
 */
export function fitToContainer(u: uPlot, container: HTMLElement, height: number): () => void {
  const resize = () => {
    const width = Math.max(280, Math.floor(container.clientWidth));
    if (width !== u.width || height !== u.height) u.setSize({ width, height });
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();
  return () => observer.disconnect();
}

/** A tooltip box over a chart's plotting area. */
export class Tooltip {
  readonly el: HTMLDivElement;
  constructor(u: uPlot) {
    this.el = document.createElement('div');
    this.el.className = 'chart-tooltip';
    this.el.hidden = true;
    u.over.appendChild(this.el);
  }

  show(html: string, left: number, top: number, overWidth: number): void {
    this.el.innerHTML = html;
    this.el.hidden = false;
    const flip = left > overWidth * 0.6;
    this.el.style.left = flip ? '' : `${left + 12}px`;
    this.el.style.right = flip ? `${overWidth - left + 12}px` : '';
    this.el.style.top = `${Math.max(0, top - 10)}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

/** Escapes text for the tooltip's HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** One entry of an exported chart's legend. */
export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  /** `line`, `dashed`, a filled `dot`, or a `ring`. */
  readonly mark: 'line' | 'dashed' | 'dot' | 'ring';
}

/**
 * The chart as a PNG: title and legend above the plot, on white, at the screen's pixel ratio.
 *
 * @example
 * download('roofline.png', await chartPng(u, 'Roofline', legend));
 */
export async function chartPng(u: uPlot, title: string, legend: readonly LegendEntry[]): Promise<Blob> {
  const source = u.ctx.canvas;
  const ratio = source.width / u.width;
  const measure = document.createElement('canvas').getContext('2d');
  if (measure === null) throw new Error('no 2D canvas');
  measure.font = FONT;
  const rows = legendRows(legend, u.width - 24, (text) => measure.measureText(text).width);
  const header = 34 + rows.length * 20;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + header * ratio;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2D canvas');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, u.width, u.height + header);
  ctx.fillStyle = '#0f172a';
  ctx.font = `600 15px ${FONT.slice(5)}`;
  ctx.fillText(title, 12, 22);
  ctx.font = FONT;
  rows.forEach((row, r) => {
    for (const { entry, x } of row) {
      const y = 42 + r * 20;
      drawMark(ctx, entry, 12 + x, y);
      ctx.fillStyle = '#334155';
      ctx.fillText(entry.label, 12 + x + 22, y + 4);
    }
  });
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(source, 0, header * ratio);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b === null ? reject(new Error('PNG encoding failed')) : resolve(b)), 'image/png'));
}

/** Lays legend entries out in rows no wider than `width`: each entry with its x offset. */
function legendRows(legend: readonly LegendEntry[], width: number, measure: (text: string) => number): { entry: LegendEntry; x: number }[][] {
  const rows: { entry: LegendEntry; x: number }[][] = [[]];
  let x = 0;
  for (const entry of legend) {
    const w = 22 + measure(entry.label) + 18;
    if (x > 0 && x + w > width) {
      rows.push([]);
      x = 0;
    }
    rows.at(-1)?.push({ entry, x });
    x += w;
  }
  return rows;
}

function drawMark(ctx: CanvasRenderingContext2D, entry: LegendEntry, x: number, y: number): void {
  ctx.save();
  ctx.strokeStyle = entry.colour;
  ctx.fillStyle = entry.colour;
  ctx.lineWidth = 2;
  if (entry.mark === 'line' || entry.mark === 'dashed') {
    ctx.setLineDash(entry.mark === 'dashed' ? [5, 4] : []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 16, y);
    ctx.stroke();
  } else {
    ctx.beginPath();
    ctx.arc(x + 8, y, 5, 0, Math.PI * 2);
    if (entry.mark === 'dot') ctx.fill();
    else ctx.stroke();
  }
  ctx.restore();
}

/** What an SVG export draws for one series. */
export interface SvgSeries {
  readonly xs: ArrayLike<number | null | undefined>;
  readonly ys: ArrayLike<number | null | undefined>;
  readonly colour: string;
  readonly line?: 'solid' | 'dashed';
  readonly points?: 'dot' | 'ring';
  readonly size?: number;
  readonly opacity?: number;
  readonly labels?: readonly string[];
}

function svgTicks(min: number, max: number): number[] {
  return logSplits(undefined as unknown as uPlot, 0, min, max);
}

/**
 * The chart as a standalone SVG, redrawn from its data on the chart's log scales: vector, small,
 * editable. Canvas-only decorations are redrawn by the caller through `series` and `notes`.
 *
 * @example
 * download('pareto.svg', new Blob([chartSvg(u, 'Pareto', legend, series)], { type: 'image/svg+xml' }));
 */
export function chartSvg(
  u: uPlot,
  title: string,
  legend: readonly LegendEntry[],
  series: readonly SvgSeries[],
  axes: { readonly x: string; readonly y: string },
  notes: readonly { x: number; y: number; text: string }[] = [],
): string {
  const width = u.width;
  const legendHeight = legendRows(legend, width - 24, (text) => text.length * 6.6).length * 20;
  const height = u.height + 34 + legendHeight;
  const plot = { left: 76, top: 52 + legendHeight, right: width - 16, bottom: height - 56 };
  const xs = u.scales['x'];
  const ys = u.scales['y'];
  const [x0, x1, y0, y1] = [xs?.min ?? 1, xs?.max ?? 10, ys?.min ?? 1, ys?.max ?? 10];
  const px = (v: number) => plot.left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (plot.right - plot.left);
  const py = (v: number) => plot.bottom - ((Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (plot.bottom - plot.top);
  const inside = (x: number, y: number) => x > 0 && y > 0 && x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="12" y="22" font-size="15" font-weight="600" fill="#0f172a">${escapeHtml(title)}</text>`);
  for (const [r, row] of legendRows(legend, width - 24, (text) => text.length * 6.6).entries()) {
    for (const { entry, x } of row) {
      const lx = 12 + x;
      const ly = 42 + r * 20;
      const dash = entry.mark === 'dashed' ? ' stroke-dasharray="5 4"' : '';
      if (entry.mark === 'line' || entry.mark === 'dashed') out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 16}" y2="${ly}" stroke="${entry.colour}" stroke-width="2"${dash}/>`);
      else out.push(`<circle cx="${lx + 8}" cy="${ly}" r="5" ${entry.mark === 'dot' ? `fill="${entry.colour}"` : `fill="none" stroke="${entry.colour}" stroke-width="2"`}/>`);
      out.push(`<text x="${lx + 22}" y="${ly + 4}" fill="#334155">${escapeHtml(entry.label)}</text>`);
    }
  }
  for (const t of svgTicks(x0, x1)) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="${COLOURS.grid}"/>`);
    out.push(`<text x="${x}" y="${plot.bottom + 16}" text-anchor="middle" fill="${COLOURS.axis}">${formatTick(t)}</text>`);
  }
  for (const t of svgTicks(y0, y1)) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="${COLOURS.grid}"/>`);
    out.push(`<text x="${plot.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${COLOURS.axis}">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#cbd5e1"/>`);
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle" fill="${COLOURS.axis}">${escapeHtml(axes.x)}</text>`);
  out.push(`<text transform="translate(16 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${COLOURS.axis}">${escapeHtml(axes.y)}</text>`);
  for (const s of series) {
    const opacity = s.opacity === undefined ? '' : ` opacity="${s.opacity}"`;
    if (s.line !== undefined) {
      const pts: string[] = [];
      for (let i = 0; i < s.xs.length; i++) {
        const x = s.xs[i];
        const y = s.ys[i];
        if (x == null || y == null || !inside(x, y)) continue;
        pts.push(`${px(x).toFixed(1)},${py(y).toFixed(1)}`);
      }
      if (pts.length > 1) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"${s.line === 'dashed' ? ' stroke-dasharray="5 4"' : ''}${opacity}/>`);
    }
    if (s.points !== undefined) {
      const r = (s.size ?? 6) / 2;
      const paint = s.points === 'dot' ? `fill="${s.colour}"` : `fill="#fff" stroke="${s.colour}" stroke-width="2"`;
      const circles: string[] = [];
      for (let i = 0; i < s.xs.length; i++) {
        const x = s.xs[i];
        const y = s.ys[i];
        if (x == null || y == null || !inside(x, y)) continue;
        circles.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${r}"/>`);
        const label = s.labels?.[i];
        if (label !== undefined && label !== '') circles.push(`<text x="${(px(x) + r + 3).toFixed(1)}" y="${(py(y) - r - 2).toFixed(1)}" fill="#334155" stroke="none">${escapeHtml(label)}</text>`);
      }
      out.push(`<g ${paint}${opacity}>${circles.join('')}</g>`);
    }
  }
  for (const note of notes) {
    if (!inside(note.x, note.y)) continue;
    out.push(`<text x="${(px(note.x) + 6).toFixed(1)}" y="${(py(note.y) - 8).toFixed(1)}" fill="#334155">${escapeHtml(note.text)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Saves a blob as a file.
 *
 * @example
 * download('frontier.csv', new Blob([csv], { type: 'text/csv' }));
 */
export function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
