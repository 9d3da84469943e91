import uPlot from 'uplot';
import { formatDuration, formatFlopCount, formatFlops, formatIntensity, formatBytes } from '@ridgeline/format';
import { COLOURS, Tooltip, chartPng, chartSvg, escapeHtml, fitToContainer, logAxis, type LegendEntry, type SvgSeries } from './common.ts';
import type { RooflineData, RooflinePoint } from './roofline-data.ts';

const HEIGHT = 380;

/** Series after x: attainable, peak, then operator points by phase and bound. */
const POINT_SERIES: readonly { phase: RooflinePoint['phase']; bound: RooflinePoint['bound']; label: string }[] = [
  { phase: 'prefill', bound: 'compute', label: 'prefill, compute-bound' },
  { phase: 'prefill', bound: 'memory', label: 'prefill, memory-bound' },
  { phase: 'decode', bound: 'compute', label: 'decode, compute-bound' },
  { phase: 'decode', bound: 'memory', label: 'decode, memory-bound' },
];

/** Legend of the roofline, shared by the page and the exports. */
export const ROOFLINE_LEGEND: readonly LegendEntry[] = [
  { label: 'attainable (with η)', colour: COLOURS.roofline, mark: 'line' },
  { label: 'datasheet peak', colour: COLOURS.peak, mark: 'dashed' },
  { label: 'compute-bound op', colour: COLOURS.compute, mark: 'dot' },
  { label: 'memory-bound op', colour: COLOURS.memory, mark: 'dot' },
  { label: 'prefill (filled)', colour: '#475569', mark: 'dot' },
  { label: 'decode (hollow)', colour: '#475569', mark: 'ring' },
];

function align(d: RooflineData): { readonly data: uPlot.AlignedData } {
  const rows: { x: number; series: number; y: number }[] = [];
  d.xs.forEach((x, i) => rows.push({ x, series: -1, y: i }));
  for (const p of d.points) {
    const s = POINT_SERIES.findIndex((k) => k.phase === p.phase && k.bound === p.bound);
    rows.push({ x: p.intensity, series: s, y: p.flopsPerS });
  }
  rows.sort((a, b) => a.x - b.x);
  const xs = rows.map((r) => r.x);
  const attainable = rows.map((r) => (r.series === -1 ? (d.attainable[r.y] ?? null) : null));
  const peak = rows.map((r) => (r.series === -1 ? (d.peak[r.y] ?? null) : null));
  const points = POINT_SERIES.map((_, s) => rows.map((r) => (r.series === s ? r.y : null)));
  return { data: [xs, attainable, peak, ...points] as uPlot.AlignedData };
}

/**
 * Operators drawn on top of each other share one label ("qkv_proj, out_proj (decode)"), so the
 * names stay readable when a phase's matmuls have the same intensity.
 */
export function labelGroups(
  points: readonly RooflinePoint[],
  position: (p: RooflinePoint) => readonly [number, number],
  radius: number,
): { x: number; y: number; text: string }[] {
  const groups: { x: number; y: number; members: RooflinePoint[] }[] = [];
  for (const p of points) {
    const [x, y] = position(p);
    const near = groups.find((g) => Math.hypot(g.x - x, g.y - y) <= radius);
    if (near === undefined) groups.push({ x, y, members: [p] });
    else near.members.push(p);
  }
  return groups.map((g) => {
    const names = (phase: RooflinePoint['phase']) => g.members.filter((m) => m.phase === phase).map((m) => m.name);
    const prefill = names('prefill');
    const decode = names('decode');
    const text =
      decode.length === 0 ? prefill.join(', ') : prefill.length === 0 ? `${decode.join(', ')} (decode)` : `${decode.join(', ')} (decode); ${prefill.join(', ')}`;
    return { x: g.x, y: g.y, text };
  });
}

function tooltipHtml(p: RooflinePoint): string {
  return `<strong>${escapeHtml(p.name)}</strong> · ${p.phase}<br>
    ${formatIntensity(p.intensity)} · ${formatFlops(p.flopsPerS)}<br>
    ${formatFlopCount(p.flops)}, ${formatBytes(p.bytes)} moved<br>
    ${formatDuration(p.timeS)} per step · <span class="bound-${p.bound}">${p.bound}-bound</span>`;
}

/**
 * The roofline chart: arithmetic intensity against attainable FLOP/s on log axes, the chip's
 * attainable and datasheet rooflines, the ridge point, and each operator of the current
 * configuration (prefill filled, decode hollow; orange compute-bound, blue memory-bound).
 *
 * @example
 * const chart = new RooflineChart(container);
 * chart.update(rooflineData(result, chip), 'NVIDIA H100 SXM5 80GB, bf16');
 */
export class RooflineChart {
  readonly #container: HTMLElement;
  #u: uPlot | null = null;
  #stopResize: () => void = () => {};
  #data: RooflineData | null = null;
  #tooltip: Tooltip | null = null;
  #title = '';

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  update(data: RooflineData, title: string): void {
    this.#data = data;
    this.#title = title;
    const aligned = align(data);
    if (this.#u === null || !this.#container.contains(this.#u.root)) {
      this.destroy();
      this.#u = new uPlot(this.#options(), aligned.data, this.#container);
      this.#tooltip = new Tooltip(this.#u);
      this.#stopResize = fitToContainer(this.#u, this.#container, HEIGHT);
    } else {
      // What the tooltip pointed at may be gone.
      this.#tooltip?.hide();
      this.#u.setData(aligned.data);
    }
  }

  /** The element the chart draws into. */
  get container(): HTMLElement {
    return this.#container;
  }

  destroy(): void {
    this.#stopResize();
    this.#u?.destroy();
    this.#u = null;
  }

  #options(): uPlot.Options {
    const point = (colour: string, filled: boolean): uPlot.Series => ({
      stroke: colour,
      fill: filled ? colour : '#ffffff',
      width: 0,
      paths: () => null,
      points: { show: true, size: filled ? 10 : 12, width: 2.25, stroke: colour, fill: filled ? colour : '#ffffff' },
    });
    return {
      width: Math.max(280, this.#container.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
      scales: {
        x: { distr: 3, auto: true, range: (_u, min, max) => [min, max] },
        y: {
          distr: 3,
          range: (_u, min, max) => {
            const d = this.#data;
            const lo = d === null ? min : Math.min(min, ...d.points.map((p) => p.flopsPerS));
            return [10 ** Math.floor(Math.log10(Math.max(lo, 1) / 2)), (d?.peakFlopsPerS ?? max) * 2.5];
          },
        },
      },
      axes: [logAxis('Arithmetic intensity (FLOP per byte)', 'x'), logAxis('Attainable FLOP/s', 'y')],
      series: [
        {},
        { label: 'attainable', stroke: COLOURS.roofline, width: 2.5, spanGaps: true, points: { show: false } },
        { label: 'datasheet peak', stroke: COLOURS.peak, width: 1.5, dash: [6, 5], spanGaps: true, points: { show: false } },
        ...POINT_SERIES.map((k) => point(k.bound === 'compute' ? COLOURS.compute : COLOURS.memory, k.phase === 'prefill')),
      ],
      hooks: {
        draw: [(u) => this.#decorate(u)],
        setCursor: [(u) => this.#hover(u)],
      },
    };
  }

  /** The ridge marker and the operators' names, drawn on the canvas (so they are in the PNG too). */
  #decorate(u: uPlot): void {
    const d = this.#data;
    if (d === null) return;
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    const rx = u.valToPos(d.ridge, 'x', true);
    const ry = u.valToPos(d.ridgeFlopsPerS, 'y', true);
    ctx.strokeStyle = COLOURS.roofline;
    ctx.setLineDash([3 * ratio, 3 * ratio]);
    ctx.lineWidth = ratio;
    ctx.beginPath();
    ctx.moveTo(rx, u.bbox.top + u.bbox.height);
    ctx.lineTo(rx, ry);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = COLOURS.roofline;
    ctx.beginPath();
    ctx.arc(rx, ry, 4 * ratio, 0, Math.PI * 2);
    ctx.fill();
    ctx.font = `600 ${12 * ratio}px Inter, system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillText(`ridge ${formatIntensity(d.ridge)}`, rx - 8 * ratio, ry - 10 * ratio);
    ctx.textAlign = 'left';
    ctx.font = `${11 * ratio}px Inter, system-ui, sans-serif`;
    ctx.fillStyle = '#334155';
    const placed: { x: number; y: number; w: number; h: number }[] = [];
    const h = 13 * ratio;
    for (const group of labelGroups(d.points, (p) => [u.valToPos(p.intensity, 'x', true), u.valToPos(p.flopsPerS, 'y', true)], 7 * ratio)) {
      const x = group.x + 9 * ratio;
      let y = group.y + 17 * ratio;
      const text = group.text;
      const w = ctx.measureText(text).width;
      for (let tries = 0; tries < 8 && placed.some((r) => x < r.x + r.w && r.x < x + w && y - h < r.y && r.y - r.h < y); tries++) y += h;
      placed.push({ x, y, w, h });
      // A white halo keeps a label readable where it crosses the roofline or another point.
      const lx = Math.min(x, u.bbox.left + u.bbox.width - w);
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.92)';
      ctx.lineWidth = 3.5 * ratio;
      ctx.lineJoin = 'round';
      ctx.strokeText(text, lx, y);
      ctx.fillText(text, lx, y);
    }
    ctx.restore();
  }

  #hover(u: uPlot): void {
    const tooltip = this.#tooltip;
    if (tooltip === null) return;
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      tooltip.hide();
      return;
    }
    let best: { p: RooflinePoint; d: number; x: number; y: number } | undefined;
    for (const p of this.#data?.points ?? []) {
      const x = u.valToPos(p.intensity, 'x');
      const y = u.valToPos(p.flopsPerS, 'y');
      const d = Math.hypot(x - left, y - top);
      if (d < 18 && (best === undefined || d < best.d)) best = { p, d, x, y };
    }
    if (best === undefined) {
      tooltip.hide();
      return;
    }
    const at = best;
    const together = (this.#data?.points ?? []).filter((p) => Math.hypot(u.valToPos(p.intensity, 'x') - at.x, u.valToPos(p.flopsPerS, 'y') - at.y) < 4);
    tooltip.show(together.map(tooltipHtml).join('<hr>'), at.x, at.y, u.over.clientWidth);
  }

  async png(): Promise<Blob> {
    if (this.#u === null) throw new Error('nothing to export yet');
    return chartPng(this.#u, `Roofline — ${this.#title}`, ROOFLINE_LEGEND);
  }

  svg(): string {
    const u = this.#u;
    const d = this.#data;
    if (u === null || d === null) throw new Error('nothing to export yet');
    const series: SvgSeries[] = [
      { xs: d.xs, ys: d.peak, colour: COLOURS.peak, line: 'dashed' },
      { xs: d.xs, ys: d.attainable, colour: COLOURS.roofline, line: 'solid' },
      ...POINT_SERIES.map((k): SvgSeries => {
        const pts = d.points.filter((p) => p.phase === k.phase && p.bound === k.bound);
        return {
          xs: pts.map((p) => p.intensity),
          ys: pts.map((p) => p.flopsPerS),
          colour: k.bound === 'compute' ? COLOURS.compute : COLOURS.memory,
          points: k.phase === 'prefill' ? 'dot' : 'ring',
          size: 10,
          labels: pts.map((p) => (p.phase === 'decode' ? `${p.name} (decode)` : p.name)),
        };
      }),
    ];
    return chartSvg(u, `Roofline — ${this.#title}`, ROOFLINE_LEGEND, series, { x: 'Arithmetic intensity (FLOP per byte)', y: 'Attainable FLOP/s' }, [
      { x: d.ridge, y: d.ridgeFlopsPerS, text: `ridge ${formatIntensity(d.ridge)}` },
    ]);
  }
}
