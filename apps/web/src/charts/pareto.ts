import uPlot from 'uplot';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatTick, formatTokenRate, formatUsd } from '@ridgeline/format';
import type { ParetoY } from '../state.ts';
import type { SweepPoint, TrainingSweepPoint } from '../sweep/types.ts';
import { COLOURS, Tooltip, chartPng, chartSvg, escapeHtml, fitToContainer, logAxis, type LegendEntry, type SvgSeries } from './common.ts';

const HEIGHT = 420;

/**
 * What a Pareto chart plots and how it reads a point: the axes' objectives, labels and tick
 * formats, and the tooltip. One per kind of sweep (inference, training); the chart itself is the same.
 */
export interface ParetoAxes<P> {
  /** Changes when the chart must be rebuilt (another objective). */
  readonly key: string;
  readonly x: (p: P) => number;
  readonly y: (p: P) => number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xFormat?: (v: number) => string;
  readonly yFormat?: (v: number) => string;
  /** The tooltip's HTML for a point of chip `chipName`. */
  readonly tooltip: (p: P, chipName: string, frontier: boolean) => string;
}

/** One chip's points: its frontier and a sample of all its feasible configurations. */
export interface ParetoSeries<P> {
  readonly chipId: string;
  readonly chipName: string;
  readonly frontier: readonly P[];
  readonly cloud: readonly P[];
}

/** What the Pareto chart shows. */
export interface ParetoData<P> {
  readonly series: readonly ParetoSeries<P>[];
  readonly axes: ParetoAxes<P>;
  /** Colour per chip of the sweep. */
  readonly colours: readonly string[];
  /** The page's current configuration (chart coordinates), marked on the chart. */
  readonly current: { readonly x: number; readonly y: number } | null;
}

/** The y value of a point for the chosen objective (each objective is the point's field of that name). */
export function yOf(p: Pick<SweepPoint, ParetoY>, y: ParetoY): number {
  return p[y];
}

/** The y axis' label. */
export function yLabel(y: ParetoY): string {
  if (y === 'tokensPerSPerProvisionedMW') return 'Output tok/s per provisioned MW';
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
    ${formatUsd(p.costPerMillionTokensUsd)} per M tokens · ${formatNumber(p.tokensPerSPerProvisionedMW)} tok/s per provisioned MW · TTFT ${formatDuration(p.ttftS)}<br>
    ${formatBytes(p.memoryPerChipBytes)} per chip${frontier ? '<br><span class="hint">click to use this configuration</span>' : ''}`;
}

/**
 * The inference sweep's axes: tokens/s per user against tokens/s per chip, $ per million tokens or
 * tokens/s per provisioned MW.
 *
 * @example
 * chart.update({ series: result.perChip, axes: inferenceAxes('tokensPerSPerChip'), colours, current: null });
 */
export function inferenceAxes(y: ParetoY): ParetoAxes<SweepPoint> {
  return {
    key: `inference-${y}`,
    x: (p) => p.tokensPerSPerUser,
    y: (p) => yOf(p, y),
    xLabel: X_LABEL,
    yLabel: yLabel(y),
    ...(y === 'costPerMillionTokensUsd' ? { yFormat: (v: number) => `$${formatNumber(v, 2)}` } : {}),
    tooltip: tooltipHtml,
  };
}

/** Seconds per day: the training chart's run time reads in days. */
export const DAY_S = 86_400;

/** The training chart's axis labels. */
export const TRAINING_X_LABEL = 'Run time (days)';
export const TRAINING_Y_LABEL = 'Run cost (USD)';

function trainingTooltipHtml(p: TrainingSweepPoint, chipName: string, frontier: boolean): string {
  return `<strong>${escapeHtml(chipName)}</strong>${frontier ? ' · <em>on the frontier</em>' : ''}<br>
    ${p.chips} chips (dp ${p.dp} · tp ${p.tp} · pp ${p.pp}) · micro-batch ${p.microBatch}<br>
    ZeRO ${p.zeroStage} · recompute ${p.recompute}<br>
    ${formatDuration(p.totalTimeS)} · ${formatUsd(p.costUsd)} · MFU ${formatPercent(p.mfu)}<br>
    step ${formatDuration(p.stepTimeS)} · ${formatBytes(p.memoryPerChipBytes)} per chip${frontier ? '<br><span class="hint">click to use this configuration</span>' : ''}`;
}

/**
 * The training sweep's axes: run time in days against run cost in USD, both less-is-better.
 *
 * @example
 * chart.update({ series: result.perChip, axes: TRAINING_AXES, colours, current: null });
 */
export const TRAINING_AXES: ParetoAxes<TrainingSweepPoint> = {
  key: 'training',
  x: (p) => p.totalTimeS / DAY_S,
  y: (p) => p.costUsd,
  xLabel: TRAINING_X_LABEL,
  yLabel: TRAINING_Y_LABEL,
  yFormat: (v) => `$${formatTick(v)}`,
  tooltip: trainingTooltipHtml,
};

/** uPlot's columns: x, then each chip's cloud, each chip's frontier, and the current configuration. */
function align<P>(d: ParetoData<P>): uPlot.AlignedData {
  const rows: { x: number; s: number; y: number }[] = [];
  const chips = d.series.length;
  const { x, y } = d.axes;
  // All clouds first, then all frontiers, so no chip's cloud hides another chip's frontier.
  d.series.forEach((chip, i) => {
    for (const p of chip.cloud) rows.push({ x: x(p), s: 1 + i, y: y(p) });
    for (const p of chip.frontier) rows.push({ x: x(p), s: 1 + chips + i, y: y(p) });
  });
  const current = 1 + 2 * chips;
  if (d.current !== null) rows.push({ x: d.current.x, s: current, y: d.current.y });
  const ok = rows.filter((r) => r.x > 0 && r.y > 0 && Number.isFinite(r.x) && Number.isFinite(r.y));
  ok.sort((a, b) => a.x - b.x);
  const columns: (number | null)[][] = [];
  for (let k = 1; k <= current; k++) columns.push(new Array<number | null>(ok.length).fill(null));
  ok.forEach((r, i) => {
    const col = columns[r.s - 1];
    if (col !== undefined) col[i] = r.y;
  });
  return [ok.map((r) => r.x), ...columns] as uPlot.AlignedData;
}

/**
 * The Pareto chart: a sampled cloud of every feasible configuration and each chip's frontier, one
 * colour per chip, on log axes — tokens/s per user against tokens/s per chip or $ per million
 * tokens for inference (`inferenceAxes`), run time against run cost for training
 * (`TRAINING_AXES`); the current configuration is the red ring. Hover shows a configuration; a
 * click on a frontier point hands it to `onPick`.
 *
 * @example
 * const chart = new ParetoChart<SweepPoint>(el, (point) => apply(point));
 * chart.update({ series: result.perChip, axes: inferenceAxes('tokensPerSPerChip'), colours, current: null });
 */
export class ParetoChart<P> {
  readonly #container: HTMLElement;
  readonly #onPick: (p: P) => void;
  #u: uPlot | null = null;
  #stopResize: () => void = () => {};
  #data: ParetoData<P> | null = null;
  #tooltip: Tooltip | null = null;
  #hovered: { p: P; frontier: boolean } | null = null;
  #shape = '';

  constructor(container: HTMLElement, onPick: (p: P) => void) {
    this.#container = container;
    this.#onPick = onPick;
  }

  update(data: ParetoData<P>): void {
    this.#data = data;
    const aligned = align(data);
    const shape = `${data.axes.key}|${data.series.map((c) => c.chipId).join(',')}|${data.colours.join(',')}`;
    if (this.#u === null || shape !== this.#shape || !this.#container.contains(this.#u.root)) {
      this.destroy();
      this.#shape = shape;
      this.#u = new uPlot(this.#options(data), aligned, this.#container);
      this.#tooltip = new Tooltip(this.#u);
      this.#stopResize = fitToContainer(this.#u, this.#container, HEIGHT);
      this.#u.over.addEventListener('click', () => {
        if (this.#hovered?.frontier === true) this.#onPick(this.#hovered.p);
      });
    } else {
      // What the tooltip pointed at may be gone.
      this.#tooltip?.hide();
      this.#u.setData(aligned);
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
      ...d.series.map((c, i): LegendEntry => ({ label: c.chipName, colour: d.colours[i] ?? '#000', mark: 'line' })),
      { label: 'current configuration', colour: COLOURS.current, mark: 'dot' },
    ];
  }

  #options(d: ParetoData<P>): uPlot.Options {
    const series: uPlot.Series[] = [{}];
    const cloudPoints = d.series.reduce((n, c) => n + c.cloud.length, 0);
    const alpha = cloudPoints > 8000 ? '2e' : '55';
    d.series.forEach((chip, i) => {
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
    d.series.forEach((chip, i) => {
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
      axes: [logAxis(d.axes.xLabel, 'x', d.axes.xFormat), logAxis(d.axes.yLabel, 'y', d.axes.yFormat)],
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
    const { x: xOf, y: yOfPoint } = d.axes;
    d.series.forEach((chip, i) => {
      const colour = d.colours[i] ?? '#000';
      const pts = chip.frontier
        .filter((p) => xOf(p) > 0 && yOfPoint(p) > 0)
        .map((p) => [u.valToPos(xOf(p), 'x', true), u.valToPos(yOfPoint(p), 'y', true)] as const);
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
    let best: { p: P; chip: number; frontier: boolean; dist: number; x: number; y: number } | null = null;
    const consider = (p: P, chip: number, frontier: boolean, radius: number) => {
      const x = u.valToPos(d.axes.x(p), 'x');
      const y = u.valToPos(d.axes.y(p), 'y');
      const dist = Math.hypot(x - left, y - top);
      if (dist < radius && (best === null || dist < best.dist)) best = { p, chip, frontier, dist, x, y };
    };
    d.series.forEach((c, i) => c.frontier.forEach((p) => consider(p, i, true, 14)));
    if (best === null) d.series.forEach((c, i) => c.cloud.forEach((p) => consider(p, i, false, 6)));
    const found = best as { p: P; chip: number; frontier: boolean; x: number; y: number } | null;
    if (found === null) {
      tooltip.hide();
      this.#hovered = null;
      u.over.style.cursor = '';
      return;
    }
    this.#hovered = { p: found.p, frontier: found.frontier };
    u.over.style.cursor = found.frontier ? 'pointer' : '';
    tooltip.show(d.axes.tooltip(found.p, d.series[found.chip]?.chipName ?? '', found.frontier), found.x, found.y, u.over.clientWidth);
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
    const { x, y } = d.axes;
    d.series.forEach((c, i) => {
      const colour = d.colours[i] ?? '#000';
      series.push({ xs: c.cloud.map(x), ys: c.cloud.map(y), colour, points: 'dot', size: 3.5, opacity: 0.25 });
      series.push({ xs: c.frontier.map(x), ys: c.frontier.map(y), colour, line: 'solid', points: 'dot', size: 7 });
    });
    if (d.current !== null) series.push({ xs: [d.current.x], ys: [d.current.y], colour: COLOURS.current, points: 'ring', size: 13 });
    return chartSvg(u, title, this.legend(), series, { x: d.axes.xLabel, y: d.axes.yLabel });
  }
}
