import {
  KERNEL_IMPORTS,
  N_OUT,
  attachRows,
  engineFromModule,
  isTrainingRow,
  outputSlot,
  planSweep,
  resolveSweepSpec,
  unpackState,
  type Engine,
  type Kernel,
  type SweepPlan,
  type SweepRow,
  type SweepSpec as EngineSpec,
  type WasmModule,
} from '@ridgeline/engine';
import type { ChipSpec } from '@ridgeline/hardware';
import type { InfeasibleReason } from '@ridgeline/model';
import { precisionsFor } from '../precision.ts';
import { SweepCancelled, type ChipSweep, type SweepBackend, type SweepControl, type SweepPoint, type SweepResult, type SweepSpec } from './types.ts';

/** Aim for slices of about this long between yields (progress and cancel). */
const SLICE_MS = 40;

/** The engine's spec for one chip of the page's sweep: DP 1, so chips = TP·PP. */
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
    moeImbalance: [1],
    reducers: {
      pareto: [
        { metric: 'tokensPerSPerUser', direction: 'max' },
        spec.y === 'tokensPerSPerChip' ? { metric: 'tokensPerSPerChip', direction: 'max' } : { metric: 'costPerMillionTokensUsd', direction: 'min' },
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
    ttftS: row.ttftS ?? Number.NaN,
    tpotS: row.tpotS ?? Number.NaN,
    memoryPerChipBytes: row.memoryTotalBytes ?? Number.NaN,
  };
}

/** mulberry32, seeded: the cloud sample is the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform sample of feasible configurations for the chart's cloud: every row when the sweep is
 * small, else rows at random indices (rejecting the infeasible), evaluated by the kernel.
 */
function sampleCloud(kernel: Kernel, plan: SweepPlan, chip: number, limit: number, feasible: number): SweepPoint[] {
  const out: SweepPoint[] = [];
  if (limit <= 0 || feasible === 0) return out;
  if (plan.total <= limit * 2) {
    const block = 4096;
    const stride = Math.max(1, Math.ceil(feasible / limit));
    let seen = 0;
    for (let start = 0; start < plan.total && out.length < limit; start += block) {
      const count = Math.min(block, plan.total - start);
      const rows = kernel.rows(start, count);
      for (let k = 0; k < count; k++) {
        if (rows[k * N_OUT + SLOT.feasible] !== 1) continue;
        if (seen++ % stride === 0) out.push(pointOf(plan, chip, start + k, rows, k * N_OUT));
      }
    }
    return out;
  }
  const next = random(0x5eed + chip);
  const draws = Math.min(plan.total, Math.ceil((limit * plan.total) / feasible) * 2, limit * 64);
  const indices = new Set<number>();
  for (let i = 0; i < draws; i++) indices.add(Math.floor(next() * plan.total));
  for (const index of [...indices].sort((a, b) => a - b)) {
    const rows = kernel.rows(index, 1);
    if (rows[SLOT.feasible] === 1) out.push(pointOf(plan, chip, index, rows, 0));
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The sweep on the WASM engine: one kernel per chip (so each chip gets its own frontier), its
 * odometer driven in slices sized to about `SLICE_MS`, the Pareto frontier and counts reduced
 * inside WebAssembly, rows evaluated only for the frontier and the chart's sample.
 *
 * @example
 * const backend = await wasmBackend(moduleFromThePage);
 * const result = await backend.sweep(spec, control);
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
      const total = plans.reduce((n, p) => n + p.total, 0);
      const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
      const perChip: ChipSweep[] = [];
      let done = 0;
      let chunk = 1 << 16;
      for (const [i, plan] of plans.entries()) {
        const chip = spec.chips[i] as ChipSpec;
        const kernel = await engine.open(plan.image());
        for (let s = 0; s < plan.total; ) {
          const e = Math.min(plan.total, s + chunk);
          const t0 = performance.now();
          kernel.sweep(s, e);
          const ms = performance.now() - t0;
          // Keep slices near SLICE_MS whatever the machine and the configuration mix.
          chunk = Math.max(1 << 12, Math.min(1 << 24, Math.round(((e - s) * SLICE_MS) / Math.max(ms, 0.5))));
          done += e - s;
          s = e;
          control.progress(done, total);
          await control.yieldNow();
          if (control.cancelled()) throw new SweepCancelled();
        }
        const state = attachRows(kernel, plan, unpackState(kernel.packState(), plan, [0, plan.total]));
        const reasons: Partial<Record<InfeasibleReason, number>> = {};
        for (const [reason, n] of Object.entries(state.counts.infeasible)) if (n > 0) reasons[reason as InfeasibleReason] = n;
        const frontier = state.pareto
          // an inference plan: its rows are inference rows
          .flatMap((entry) => (entry.row === undefined || isTrainingRow(entry.row) ? [] : [pointOfRow(i, entry.row)]))
          .sort((a, b) => a.tokensPerSPerUser - b.tokensPerSPerUser);
        perChip.push({
          chipId: chip.id,
          chipName: chip.name,
          evaluated: state.counts.evaluated,
          feasible: state.counts.feasible,
          reasons,
          frontier,
          cloud: sampleCloud(kernel, plan, i, cloudPerChip, state.counts.feasible),
        });
      }
      control.progress(total, total);
      return { backend: 'wasm', total, elapsedMs: performance.now() - started, perChip };
    },
  };
}
