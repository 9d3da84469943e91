import {
  KERNEL_IMPORTS,
  N_OUT,
  TRAINING_OUTPUTS,
  attachRows,
  engineFromModule,
  isTrainingRow,
  outputSlot,
  planServing,
  planSweep,
  planTrainingSweep,
  resolveSweepSpec,
  unpackState,
  type AnySweepPlan,
  type Engine,
  type Kernel,
  type ServingPlan,
  type SweepPlan,
  type SweepRow,
  type SweepSpec as EngineSpec,
  type SweepState,
  type TrainingMetric,
  type TrainingSweepConfig,
  type TrainingSweepSpec as EngineTrainingSpec,
  type WasmModule,
} from '@ridgeline/engine';
import type { ChipSpec } from '@ridgeline/hardware';
import { DEFAULT_MOE_IMBALANCE, PREFILL_CHUNK_TOKENS, type InfeasibleReason } from '@ridgeline/model';
import type { ZeroStage } from '../state.ts';
import { precisionsFor } from '../precision.ts';
import { random } from './reduce.ts';
import {
  SweepCancelled,
  type ChipSweep,
  type PlanRequest,
  type SweepBackend,
  type SweepControl,
  type SweepPoint,
  type SweepResult,
  type SweepSpec,
  type TrainingSweepPoint,
  type TrainingSweepResult,
  type TrainingSweepSpec,
} from './types.ts';

/** Aim for slices of about this long between yields (progress and cancel). */
const SLICE_MS = 40;

/**
 * The engine's spec for one chip of the page's sweep: DP 1, so chips = TP·PP. A TTFT cap is a
 * `where` filter: the kernel applies it before its reducers, so the frontier and the matched count
 * are those of the configurations within the cap.
 */
function engineSpec(spec: SweepSpec, chip: ChipSpec): EngineSpec {
  return {
    models: [spec.model],
    hardware: [{ chip: chip.id, ...(spec.usdPerChipHour === undefined ? {} : { usdPerChipHour: spec.usdPerChipHour }) }],
    chips: null,
    dp: [1],
    tp: spec.tp,
    pp: spec.pp,
    ep: spec.ep,
    batch: spec.batches,
    inputTokens: [spec.inputTokens],
    outputTokens: [spec.outputTokens],
    precisions: {
      weights: precisionsFor(chip, spec.weights, spec.fitPrecision),
      kvCache: precisionsFor(chip, spec.kvCache, spec.fitPrecision),
      activations: precisionsFor(chip, [spec.activations], spec.fitPrecision),
    },
    attentionSharding: ['heads'],
    commOverlap: [spec.commOverlap ?? 'auto'],
    // the model's default after expert load balancing, as the JavaScript backend's estimateInference takes it
    moeImbalance: [DEFAULT_MOE_IMBALANCE],
    // the model's defaults, as the JavaScript backend's estimateInference takes them
    schedule: ['continuous'],
    chunkTokens: [PREFILL_CHUNK_TOKENS],
    where: spec.ttftCapS === undefined ? [] : [{ metric: 'ttftS', max: spec.ttftCapS }],
    ...(spec.pue === undefined ? {} : { pue: spec.pue }),
    reducers: {
      pareto: [
        { metric: 'tokensPerSPerUser', direction: 'max' },
        spec.y === 'costPerMillionTokensUsd' ? { metric: 'costPerMillionTokensUsd', direction: 'min' } : { metric: spec.y, direction: 'max' },
      ],
      top: null,
      histograms: [],
    },
  };
}

const SLOT = {
  feasible: outputSlot('feasible'),
  tokensPerSPerUser: outputSlot('tokensPerSPerUser'),
  tokensPerSPerChip: outputSlot('tokensPerSPerChip'),
  costPerMillionTokensUsd: outputSlot('costPerMillionTokensUsd'),
  tokensPerSPerProvisionedMW: outputSlot('tokensPerSPerProvisionedMW'),
  ttftS: outputSlot('ttftS'),
  tpotS: outputSlot('tpotS'),
  memoryTotalBytes: outputSlot('memoryTotalBytes'),
} as const;

function pointOf(plan: SweepPlan, chip: number, index: number, out: Float64Array, base: number): SweepPoint {
  const c = plan.config(index);
  const at = (slot: number) => out[base + slot] ?? Number.NaN;
  return {
    chip,
    chips: c.chips,
    tp: c.tp,
    pp: c.pp,
    ep: c.ep,
    batch: c.batch,
    weights: c.weights,
    kvCache: c.kvCache,
    tokensPerSPerUser: at(SLOT.tokensPerSPerUser),
    tokensPerSPerChip: at(SLOT.tokensPerSPerChip),
    costPerMillionTokensUsd: at(SLOT.costPerMillionTokensUsd),
    tokensPerSPerProvisionedMW: at(SLOT.tokensPerSPerProvisionedMW),
    ttftS: at(SLOT.ttftS),
    tpotS: at(SLOT.tpotS),
    memoryPerChipBytes: at(SLOT.memoryTotalBytes),
  };
}

function pointOfRow(chip: number, row: SweepRow): SweepPoint {
  return {
    chip,
    chips: row.chips,
    tp: row.tp,
    pp: row.pp,
    ep: row.ep,
    batch: row.batch,
    weights: row.weights,
    kvCache: row.kvCache,
    tokensPerSPerUser: row.tokensPerSPerUser ?? Number.NaN,
    tokensPerSPerChip: row.tokensPerSPerChip ?? Number.NaN,
    costPerMillionTokensUsd: row.costPerMillionTokensUsd ?? Number.NaN,
    tokensPerSPerProvisionedMW: row.tokensPerSPerProvisionedMW ?? Number.NaN,
    ttftS: row.ttftS ?? Number.NaN,
    tpotS: row.tpotS ?? Number.NaN,
    memoryPerChipBytes: row.memoryTotalBytes ?? Number.NaN,
  };
}

/**
 * The engine's `mode: training` spec for one chip of the page's training sweep: chip counts, TP,
 * PP, micro-batch, ZeRO and recomputation as axes, the run's other settings as single values.
 */
function trainingEngineSpec(spec: TrainingSweepSpec, chip: ChipSpec): EngineTrainingSpec {
  return {
    mode: 'training',
    models: [spec.model],
    hardware: [{ chip: chip.id, ...(spec.usdPerChipHour === undefined ? {} : { usdPerChipHour: spec.usdPerChipHour }) }],
    chips: spec.chipCounts,
    dp: null,
    tp: spec.tp,
    pp: spec.pp,
    cp: [spec.cp],
    ep: [spec.ep],
    sequenceLength: [spec.sequenceLength],
    globalBatch: [spec.globalBatch],
    microBatch: spec.microBatch,
    virtualStages: [spec.virtualStages],
    totalTokens: [spec.totalTokens],
    precision: [spec.precision],
    zeroStage: spec.zeroStage,
    recompute: spec.recompute,
    sequenceParallel: ['auto'],
    commOverlap: [spec.commOverlap ?? 'auto'],
    optimizerBytesPerParam: [12],
    reducers: {
      pareto: [
        { metric: 'costUsd', direction: 'min' },
        { metric: 'totalTimeS', direction: 'min' },
      ],
      top: null,
      histograms: [],
    },
  };
}

type TrainingPlan = SweepPlan<TrainingSweepConfig, TrainingMetric>;

const TRAINING_FEASIBLE = TRAINING_OUTPUTS.indexOf('feasible');

function trainingPoint(chip: number, c: TrainingSweepConfig, metric: (m: TrainingMetric) => number): TrainingSweepPoint {
  return {
    chip,
    chips: c.chips,
    dp: c.dp,
    tp: c.tp,
    pp: c.pp,
    microBatch: c.microBatch,
    zeroStage: c.zeroStage as ZeroStage,
    recompute: c.recompute,
    totalTimeS: metric('totalTimeS'),
    costUsd: metric('costUsd'),
    stepTimeS: metric('stepTimeS'),
    mfu: metric('mfu'),
    tokensPerSPerChip: metric('tokensPerSPerChip'),
    chipHours: metric('chipHours'),
    energyJ: metric('energyJ'),
    memoryPerChipBytes: metric('memoryTotalBytes'),
  };
}

/**
 * A uniform sample of the configurations the reducers saw (feasible, and within the spec's
 * filters) for the chart's cloud: every row when the sweep is small, else rows at random indices
 * (rejecting the others), evaluated by the kernel. Rows are N_OUT wide in either mode; `kept`
 * (how many there are), `keeps` and `pointAt` read the mode's outputs.
 */
function sampleCloud<P>(
  kernel: Kernel,
  total: number,
  seed: number,
  limit: number,
  kept: number,
  keeps: (out: Float64Array, base: number) => boolean,
  pointAt: (index: number, out: Float64Array, base: number) => P,
): P[] {
  const out: P[] = [];
  if (limit <= 0 || kept === 0) return out;
  if (total <= limit * 2) {
    const block = 4096;
    const stride = Math.max(1, Math.ceil(kept / limit));
    let seen = 0;
    for (let start = 0; start < total && out.length < limit; start += block) {
      const count = Math.min(block, total - start);
      const rows = kernel.rows(start, count);
      for (let k = 0; k < count; k++) {
        if (!keeps(rows, k * N_OUT)) continue;
        if (seen++ % stride === 0) out.push(pointAt(start + k, rows, k * N_OUT));
      }
    }
    return out;
  }
  const next = random(0x5eed + seed);
  const draws = Math.min(total, Math.ceil((limit * total) / kept) * 2, limit * 64);
  const indices = new Set<number>();
  for (let i = 0; i < draws; i++) indices.add(Math.floor(next() * total));
  for (const index of [...indices].sort((a, b) => a - b)) {
    const rows = kernel.rows(index, 1);
    if (keeps(rows, 0)) out.push(pointAt(index, rows, 0));
    if (out.length >= limit) break;
  }
  return out;
}

/** How far a sweep over several kernels has got, and the slice size that keeps slices near SLICE_MS. */
interface Odometer {
  done: number;
  readonly total: number;
  chunk: number;
}

/**
 * Runs a kernel over [0, total) in slices sized to about `SLICE_MS`, reporting progress and
 * yielding between slices; throws `SweepCancelled` once the caller cancels.
 */
async function drive(kernel: Kernel, total: number, control: SweepControl, odometer: Odometer): Promise<void> {
  for (let s = 0; s < total; ) {
    const e = Math.min(total, s + odometer.chunk);
    const t0 = performance.now();
    kernel.sweep(s, e);
    const ms = performance.now() - t0;
    // Keep slices near SLICE_MS whatever the machine and the configuration mix.
    odometer.chunk = Math.max(1 << 12, Math.min(1 << 24, Math.round(((e - s) * SLICE_MS) / Math.max(ms, 0.5))));
    odometer.done += e - s;
    s = e;
    control.progress(odometer.done, odometer.total);
    await control.yieldNow();
    if (control.cancelled()) throw new SweepCancelled();
  }
}

/** A kernel's final reducer state, with rows for the frontier entries. */
function finalState(kernel: Kernel, plan: AnySweepPlan): SweepState {
  return attachRows(kernel, plan, unpackState(kernel.packState(), plan, [0, plan.total]));
}

function reasonsOf(state: SweepState): Partial<Record<InfeasibleReason, number>> {
  const reasons: Partial<Record<InfeasibleReason, number>> = {};
  for (const [reason, n] of Object.entries(state.counts.infeasible)) if (n > 0) reasons[reason as InfeasibleReason] = n;
  return reasons;
}

/**
 * The sweep on the WASM engine: one kernel per chip (so each chip gets its own frontier), its
 * odometer driven in slices sized to about `SLICE_MS`, the Pareto frontier and counts reduced
 * inside WebAssembly, rows evaluated only for the frontier and the chart's sample. Inference sweeps
 * plan with `planSweep`; training sweeps with `planTrainingSweep` (`mode: training`, the frontier
 * of run cost against run time), through the same slicing, rows and sampling.
 *
 * @example
 * const backend = await wasmBackend(moduleFromThePage);
 * const result = await backend.sweep(spec, control);
 * const runs = await backend.train(trainingSpec, control);
 */
export async function wasmBackend(module: WebAssembly.Module): Promise<SweepBackend> {
  // The engine types its module structurally (no DOM lib); a WebAssembly.Module is one.
  const engine: Engine = engineFromModule(module as unknown as WasmModule);
  // Instantiate once now, so a module that cannot run here is caught (and the worker falls back to JS).
  await WebAssembly.instantiate(module, KERNEL_IMPORTS);
  return {
    name: 'wasm',
    async sweep(spec: SweepSpec, control: SweepControl): Promise<SweepResult> {
      const started = performance.now();
      const plans = spec.chips.map((chip) =>
        planSweep(resolveSweepSpec(engineSpec(spec, chip), { model: () => spec.model, chip: () => chip })),
      );
      const odometer: Odometer = { done: 0, total: plans.reduce((n, p) => n + p.total, 0), chunk: 1 << 16 };
      const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
      const perChip: ChipSweep[] = [];
      for (const [i, plan] of plans.entries()) {
        const chip = spec.chips[i] as ChipSpec;
        const kernel = await engine.open(plan.image());
        await drive(kernel, plan.total, control, odometer);
        const state = finalState(kernel, plan);
        const frontier = state.pareto
          // an inference plan: its rows are inference rows
          .flatMap((entry) => (entry.row === undefined || isTrainingRow(entry.row) ? [] : [pointOfRow(i, entry.row)]))
          .sort((a, b) => a.tokensPerSPerUser - b.tokensPerSPerUser);
        const cap = spec.ttftCapS ?? Number.POSITIVE_INFINITY;
        // What the kernel's filter keeps, as `where` reads it (inclusive; a NaN TTFT never passes).
        const keeps = (out: Float64Array, base: number): boolean => out[base + SLOT.feasible] === 1 && (spec.ttftCapS === undefined || (out[base + SLOT.ttftS] ?? Number.NaN) <= cap);
        perChip.push({
          chipId: chip.id,
          chipName: chip.name,
          evaluated: state.counts.evaluated,
          feasible: state.counts.feasible,
          withinCap: state.counts.matched,
          reasons: reasonsOf(state),
          frontier,
          cloud: sampleCloud(kernel, plan.total, i, cloudPerChip, state.counts.matched, keeps, (index, out, base) => pointOf(plan, i, index, out, base)),
        });
      }
      control.progress(odometer.total, odometer.total);
      return { backend: 'wasm', total: odometer.total, elapsedMs: performance.now() - started, perChip };
    },

    async train(spec: TrainingSweepSpec, control: SweepControl): Promise<TrainingSweepResult> {
      const started = performance.now();
      const plans: TrainingPlan[] = spec.chips.map((chip) =>
        planTrainingSweep(resolveSweepSpec(trainingEngineSpec(spec, chip), { model: () => spec.model, chip: () => chip })),
      );
      const odometer: Odometer = { done: 0, total: plans.reduce((n, p) => n + p.total, 0), chunk: 1 << 14 };
      const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
      const perChip: ChipSweep<TrainingSweepPoint>[] = [];
      for (const [i, plan] of plans.entries()) {
        const chip = spec.chips[i] as ChipSpec;
        const kernel = await engine.open(plan.image());
        await drive(kernel, plan.total, control, odometer);
        const state = finalState(kernel, plan);
        const frontier = state.pareto
          // a training plan: its rows are training rows
          .flatMap((entry) => (entry.row !== undefined && isTrainingRow(entry.row) ? [entry.row] : []))
          .map((row) => trainingPoint(i, row, (m) => row[m] ?? Number.NaN))
          .sort((a, b) => a.totalTimeS - b.totalTimeS);
        const pointAt = (index: number, out: Float64Array, base: number): TrainingSweepPoint =>
          trainingPoint(i, plan.config(index), (m) => out[base + TRAINING_OUTPUTS.indexOf(m)] ?? Number.NaN);
        perChip.push({
          chipId: chip.id,
          chipName: chip.name,
          evaluated: state.counts.evaluated,
          feasible: state.counts.feasible,
          withinCap: state.counts.matched,
          reasons: reasonsOf(state),
          frontier,
          cloud: sampleCloud(kernel, plan.total, i, cloudPerChip, state.counts.matched, (out, base) => out[base + TRAINING_FEASIBLE] === 1, pointAt),
        });
      }
      control.progress(odometer.total, odometer.total);
      return { backend: 'wasm', total: odometer.total, elapsedMs: performance.now() - started, perChip };
    },

    plan(request: PlanRequest): Promise<ServingPlan> {
      return planServing({ ...request, engine });
    },
  };
}
