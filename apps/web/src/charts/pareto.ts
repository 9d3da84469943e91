import uPlot from 'uplot';
import { formatBytes, formatDuration, formatNumber, formatTokenRate, formatUsd } from '@ridgeline/format';
import type { ParetoY } from '../state.ts';
import type { SweepPoint, SweepResult } from '../sweep/types.ts';
import { COLOURS, Tooltip, chartPng, chartSvg, escapeHtml, fitToContainer, logAxis, type LegendEntry, type SvgSeries } from './common.ts';

const HEIGHT = 420;

/** What the Pareto chart shows. */
export interface ParetoData {
  readonly result: SweepResult;
  readonly y: ParetoY;
  /** Colour per chip of the sweep. */
  readonly colours: readonly string[];
  /** The page's current configuration, marked on the chart. */
  readonly current: { readonly x: number; readonly y: number } | null;
}

/** The y value of a point for the chosen objective. */
export function yOf(p: SweepPoint, y: ParetoY): number {
  return y === 'tokensPerSPerChip' ? p.tokensPerSPerChip : p.costPerMillionTokensUsd;
}

/** The y axis' label. */
export function yLabel(y: ParetoY): string {
  return y === 'tokensPerSPerChip' ? 'Throughput per chip (output tok/s)' : 'Cost per million output tokens (USD)';
}

export const X_LABEL = 'Interactivity: tokens/s per user (1 / TPOT)';

/**
 * A point's configuration, in one line of words.
 *
 * @example
 * describePoint(p, 'NVIDIA H100'); // '8 × NVIDIA H100 · tp 8 · pp 1 · batch 64 · bf16/bf16'
 */
export function describePoint(p: SweepPoint, chipName: string): string {
  return `${p.chips} × ${chipName} · tp ${p.tp} · pp ${p.pp}${p.ep > 1 ? ` · ep ${p.ep}` : ''} · batch ${p.batch} · weights ${p.weights} · KV ${p.kvCache}`;
}

function tooltipHtml(p: SweepPoint, chipName: string, frontier: boolean): string {
  return `<strong>${escapeHtml(chipName)}</strong>${frontier ? ' · <em>on the frontier</em>' : ''}<br>
    ${p.chips} chips (tp ${p.tp} · pp ${p.pp}${p.ep > 1 ? ` · ep ${p.ep}` : ''}) · batch ${p.batch}<br>
    weights ${p.weights} · KV ${p.kvCache}<br>
    ${formatTokenRate(p.tokensPerSPerUser)} per user · ${formatTokenRate(p.tokensPerSPerChip)} per chip<br>
    ${formatUsd(p.costPerMillionTokensUsd)} per M tokens · TTFT ${formatDuration(p.ttftS)}<br>
    ${formatBytes(p.memoryPerChipBytes)} per chip${frontier ? '<br><span class="hint">click to use this configuration</span>' : ''}`;
}

interface Indexed {
  readonly data: uPlot.AlignedData;
  /** Per chip: cloud series index, frontier series index. */
  readonly series: { cloud: number; frontier: number }[];
}

function align(d: ParetoData): Indexed {
  const rows: { x: number; s: number; y: number }[] = [];
  const chips = d.result.perChip.length;
  // All clouds first, then all frontiers, so no chip's cloud hides another chip's frontier.
  const series = d.result.perChip.map((_, i) => ({ cloud: 1 + i, frontier: 1 + chips + i }));
  d.result.perChip.forEach((chip, i) => {
    const { cloud, frontier } = series[i] as { cloud: number; frontier: number };
    for (const p of chip.cloud) rows.push({ x: p.tokensPerSPerUser, s: cloud, y: yOf(p, d.y) });
    for (const p of chip.frontier) rows.push({ x: p.tokensPerSPerUser, s: frontier, y: yOf(p, d.y) });
  });
  const s = 1 + 2 * chips;
  const current = s;
  if (d.current !== null) rows.push({ x: d.current.x, s: current, y: d.current.y });
  const ok = rows.filter((r) => r.x > 0 && r.y > 0 && Number.isFinite(r.x) && Number.isFinite(r.y));
  ok.sort((a, b) => a.x - b.x);
  const columns: (number | null)[][] = [];
  for (let k = 1; k <= current; k++) columns.push(new Array<number | null>(ok.length).fill(null));
  ok.forEach((r, i) => {
    const col = columns[r.s - 1];
    if (col !== undefined) col[i] = r.y;
  });
  return { data: [ok.map((r) => r.x), ...columns] as uPlot.AlignedData, series };
}

/**
 * The Pareto chart: tokens/s per user against tokens/s per chip (or $ per million tokens), a
 * sampled cloud of every feasible configuration and the frontier over batch and chip count, one
 * colour per chip; the current configuration is the red cross. Hover shows a configuration; a click
 * on a frontier point hands it to `onPick`.
 *
 * @example
 * const chart = new ParetoChart(el, (point) => apply(point));
 * chart.update({ result, y: 'tokensPerSPerChip', colours, current: null });
 */
export class ParetoChart {
  readonly #container: HTMLElement;
  readonly #onPick: (p: SweepPoint) => void;
  #u: uPlot | null = null;
  #stopResize: () => void = () => {};
  #data: ParetoData | null = null;
  #tooltip: Tooltip | null = null;
  #hovered: { p: SweepPoint; frontier: boolean } | null = null;
  #shape = '';

  constructor(container: HTMLElement, onPick: (p: SweepPoint) => void) {
    this.#container = container;
    this.#onPick = onPick;
  }

  update(data: ParetoData): void {
    this.#data = data;
    const aligned = align(data);
    const shape = `${data.y}|${data.result.perChip.map((c) => c.chipId).join(',')}|${data.colours.join(',')}`;
    if (this.#u === null || shape !== this.#shape || !this.#container.contains(this.#u.root)) {
      this.destroy();
      this.#shape = shape;
      this.#u = new uPlot(this.#options(data), aligned.data, this.#container);
      this.#tooltip = new Tooltip(this.#u);
      this.#stopResize = fitToContainer(this.#u, this.#container, HEIGHT);
      this.#u.over.addEventListener('click', () => {
        if (this.#hovered?.frontier === true) this.#onPick(this.#hovered.p);
      });
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

  legend(): LegendEntry[] {
    const d = this.#data;
    if (d === null) return [];
    return [
      ...d.result.perChip.map((c, i): LegendEntry => ({ label: c.chipName, colour: d.colours[i] ?? '#000', mark: 'line' })),
      { label: 'current configuration', colour: COLOURS.current, mark: 'dot' },
    ];
  }

  #options(d: ParetoData): uPlot.Options {
    const series: uPlot.Series[] = [{}];
    const cloudPoints = d.result.perChip.reduce((n, c) => n + c.cloud.length, 0);
    const alpha = cloudPoints > 8000 ? '2e' : '55';
    d.result.perChip.forEach((chip, i) => {
      const colour = d.colours[i] ?? '#000';
      series.push({
        label: `${chip.chipName} (all)`,
        stroke: colour,
        width: 0,
        paths: () => null,
        points: { show: true, size: 3, width: 0, fill: `${colour}${alpha}`, stroke: `${colour}${alpha}` },
      });
    });
    // The frontiers are drawn by the draw hook (a polyline through their own points); their series
    // only set the scales and keep the legend order.
    d.result.perChip.forEach((chip, i) => {
      series.push({ label: `${chip.chipName} frontier`, stroke: d.colours[i] ?? '#000', width: 0, paths: () => null, points: { show: false } });
    });
    series.push({ label: 'current', stroke: COLOURS.current, width: 0, paths: () => null, points: { show: false } });
    return {
      width: Math.max(280, this.#container.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false }, x: false, y: false },
      // A little room around the extremes, so the end points of a frontier are not cut by the frame.
      scales: { x: { distr: 3, range: (_u, min, max) => [min / 1.3, max * 1.3] }, y: { distr: 3, range: (_u, min, max) => [min / 1.5, max * 1.5] } },
      axes: [
        logAxis(X_LABEL, 'x'),
        logAxis(yLabel(d.y), 'y', d.y === 'costPerMillionTokensUsd' ? (v) => `$${formatNumber(v, 2)}` : undefined),
      ],
      series,
      hooks: { setCursor: [(u) => this.#hover(u)], draw: [(u) => this.#drawFrontiers(u)] },
    };
  }

  /** Each chip's frontier: a line through its points, and the points themselves where they are few. */
  #drawFrontiers(u: uPlot): void {
    const d = this.#data;
    if (d === null) return;
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    d.result.perChip.forEach((chip, i) => {
      const colour = d.colours[i] ?? '#000';
      const pts = chip.frontier
        .filter((p) => p.tokensPerSPerUser > 0 && yOf(p, d.y) > 0)
        .map((p) => [u.valToPos(p.tokensPerSPerUser, 'x', true), u.valToPos(yOf(p, d.y), 'y', true)] as const);
      if (pts.length === 0) return;
      ctx.lineJoin = 'round';
      ctx.lineCap = 'round';
      // A white casing under the coloured line keeps it visible over any cloud.
      for (const [width, stroke] of [[5.5, 'rgba(255, 255, 255, 0.9)'], [2.5, colour]] as const) {
        ctx.beginPath();
        pts.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
        ctx.lineWidth = width * ratio;
        ctx.strokeStyle = stroke;
        ctx.stroke();
      }
      if (pts.length <= 80) {
        for (const [x, y] of pts) {
          ctx.beginPath();
          ctx.arc(x, y, 3.5 * ratio, 0, Math.PI * 2);
          ctx.fillStyle = colour;
          ctx.fill();
          ctx.lineWidth = 1.5 * ratio;
          ctx.strokeStyle = '#ffffff';
          ctx.stroke();
        }
      }
    });
    if (d.current !== null && d.current.x > 0 && d.current.y > 0) {
      const x = u.valToPos(d.current.x, 'x', true);
      const y = u.valToPos(d.current.y, 'y', true);
      ctx.beginPath();
      ctx.arc(x, y, 7 * ratio, 0, Math.PI * 2);
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fill();
      ctx.lineWidth = 3 * ratio;
      ctx.strokeStyle = COLOURS.current;
      ctx.stroke();
    }
    ctx.restore();
  }

  #hover(u: uPlot): void {
    const tooltip = this.#tooltip;
    const d = this.#data;
    if (tooltip === null || d === null) return;
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0) {
      tooltip.hide();
      this.#hovered = null;
      return;
    }
    let best: { p: SweepPoint; chip: number; frontier: boolean; dist: number; x: number; y: number } | null = null;
    const consider = (p: SweepPoint, chip: number, frontier: boolean, radius: number) => {
      const x = u.valToPos(p.tokensPerSPerUser, 'x');
      const y = u.valToPos(yOf(p, d.y), 'y');
      const dist = Math.hypot(x - left, y - top);
      if (dist < radius && (best === null || dist < best.dist)) best = { p, chip, frontier, dist, x, y };
    };
    d.result.perChip.forEach((c, i) => c.frontier.forEach((p) => consider(p, i, true, 14)));
    if (best === null) d.result.perChip.forEach((c, i) => c.cloud.forEach((p) => consider(p, i, false, 6)));
    const found = best as { p: SweepPoint; chip: number; frontier: boolean; x: number; y: number } | null;
    if (found === null) {
      tooltip.hide();
      this.#hovered = null;
      u.over.style.cursor = '';
      return;
    }
    this.#hovered = { p: found.p, frontier: found.frontier };
    u.over.style.cursor = found.frontier ? 'pointer' : '';
    tooltip.show(tooltipHtml(found.p, d.result.perChip[found.chip]?.chipName ?? '', found.frontier), found.x, found.y, u.over.clientWidth);
  }

  async png(title: string): Promise<Blob> {
    if (this.#u === null) throw new Error('nothing to export yet');
    return chartPng(this.#u, title, this.legend());
  }

  svg(title: string): string {
    const u = this.#u;
    const d = this.#data;
    if (u === null || d === null) throw new Error('nothing to export yet');
    const series: SvgSeries[] = [];
    d.result.perChip.forEach((c, i) => {
      const colour = d.colours[i] ?? '#000';
      series.push({ xs: c.cloud.map((p) => p.tokensPerSPerUser), ys: c.cloud.map((p) => yOf(p, d.y)), colour, points: 'dot', size: 3.5, opacity: 0.25 });
      series.push({ xs: c.frontier.map((p) => p.tokensPerSPerUser), ys: c.frontier.map((p) => yOf(p, d.y)), colour, line: 'solid', points: 'dot', size: 7 });
    });
    if (d.current !== null) series.push({ xs: [d.current.x], ys: [d.current.y], colour: COLOURS.current, points: 'ring', size: 13 });
    return chartSvg(u, title, this.legend(), series, { x: X_LABEL, y: yLabel(d.y) });
  }
}
