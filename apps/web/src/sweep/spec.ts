import type { ChipSpec } from '@ridgeline/hardware';
import { InputError, validateTrainingConfig, type ModelSpec } from '@ridgeline/model';
import type { AppState, SweepSettings } from '../state.ts';
import type { SweepSpec, TrainingSweepSpec } from './types.ts';

/** Sample at most this many feasible configurations for the chart's cloud. */
export const CLOUD_LIMIT = 24_000;

/**
 * Batch sizes 1…max: powers of two (and max), or every integer.
 *
 * @example
 * batches(100, 'pow2'); // [1, 2, 4, 8, 16, 32, 64, 100]
 */
export function batches(max: number, spacing: SweepSettings['batchSpacing']): number[] {
  if (!Number.isInteger(max) || max < 1) return [];
  if (spacing === 'all') return Array.from({ length: max }, (_, i) => i + 1);
  const out: number[] = [];
  for (let b = 1; b <= max; b *= 2) out.push(b);
  if (out.at(-1) !== max) out.push(max);
  return out;
}

/**
 * The sweep the page's settings describe, for the given chips.
 *
 * @example
 * sweepSpec(state, model, [h100]).batches.length; // 11 for 1…1024 in powers of two
 */
export function sweepSpec(state: AppState, model: ModelSpec, chips: readonly ChipSpec[]): SweepSpec {
  const s = state.sweep;
  const experts = model.moe?.experts;
  const ep = experts === undefined ? [1] : [...new Set([1, ...s.tp])].filter((e) => experts % e === 0);
  return {
    model,
    chips,
    batches: batches(s.batchMax, s.batchSpacing),
    tp: s.tp,
    pp: s.pp,
    ep,
    weights: s.weights.length > 0 ? s.weights : [state.weights],
    kvCache: s.kvCache.length > 0 ? s.kvCache : [state.kvCache],
    activations: state.activations,
    fitPrecision: state.compareFit,
    inputTokens: state.inputTokens,
    outputTokens: state.outputTokens,
    ...(state.overlap === null ? {} : { commOverlap: state.overlap }),
    ...(state.price === null ? {} : { usdPerChipHour: state.price }),
    ...(state.energy.pue === null ? {} : { pue: state.energy.pue }),
    y: s.y,
    ...(s.ttftCapS === null || !Number.isFinite(s.ttftCapS) ? {} : { ttftCapS: s.ttftCapS }),
    cloudLimit: CLOUD_LIMIT,
  };
}

/**
 * The training sweep the page's settings describe, for the given chips: the sweep's chip counts,
 * TP and PP (and micro-batches, ZeRO stages and recomputation modes, each the current one when the
 * list is empty) at the run's sequence length, global batch, CP, EP, virtual stages, tokens and
 * precision.
 *
 * @example
 * trainingSweepSpec(state, model, [h100]).chipCounts; // [256, 512, 1024, 2048, 4096, 8192]
 */
export function trainingSweepSpec(state: AppState, model: ModelSpec, chips: readonly ChipSpec[]): TrainingSweepSpec {
  const t = state.training;
  const s = t.sweep;
  return {
    mode: 'training',
    model,
    chips,
    chipCounts: s.chips,
    tp: s.tp,
    pp: s.pp,
    microBatch: s.microBatch.length > 0 ? s.microBatch : [t.microBatch],
    zeroStage: s.zeroStage.length > 0 ? s.zeroStage : [t.zeroStage],
    recompute: s.recompute.length > 0 ? s.recompute : [t.recompute],
    cp: t.cp,
    ep: t.ep,
    sequenceLength: t.sequenceLength,
    globalBatch: t.globalBatch,
    virtualStages: t.virtualStages,
    totalTokens: t.totalTokens,
    precision: t.precision,
    ...(state.overlap === null ? {} : { commOverlap: state.overlap }),
    ...(state.price === null ? {} : { usdPerChipHour: state.price }),
    cloudLimit: CLOUD_LIMIT,
  };
}

/** The dense preset: every batch to 2048, TP and PP to 64 and 40, two weight and KV precisions — over a million configurations with four chips. */
export const DENSE_SWEEP: Pick<SweepSettings, 'batchMax' | 'batchSpacing' | 'tp' | 'pp' | 'weights' | 'kvCache'> = {
  batchMax: 2048,
  batchSpacing: 'all',
  tp: [1, 2, 4, 8, 16, 32, 64],
  pp: [1, 2, 4, 8, 16, 20, 40],
  weights: ['bf16', 'fp8'],
  kvCache: ['bf16', 'fp8'],
};

/**
 * What is wrong with the run a training sweep holds fixed (its sequence length, global batch,
 * tokens, …) or with its axes' values, in the model's words; null when every configuration is
 * well-formed. The swept layouts may still break rules: those count as infeasible, not as errors.
 *
 * @example
 * checkTrainingSweep({ ...spec, totalTokens: Number.NaN }); // 'Fix the run first: totalTokens must be a positive number of tokens, got NaN'
 */
export function checkTrainingSweep(spec: TrainingSweepSpec): string | null {
  const base = { model: spec.model, chip: spec.chips[0] as ChipSpec, sequenceLength: spec.sequenceLength, globalBatch: spec.globalBatch, virtualStages: spec.virtualStages, totalTokens: spec.totalTokens, precision: spec.precision };
  const extras = { ...(spec.commOverlap === undefined ? {} : { commOverlap: spec.commOverlap }), ...(spec.usdPerChipHour === undefined ? {} : { usdPerChipHour: spec.usdPerChipHour }) };
  try {
    validateTrainingConfig({ ...base, ...extras, chips: 1, parallelism: { dp: 1, tp: 1, pp: 1, cp: spec.cp, ep: spec.ep }, microBatch: 1 });
    for (const chips of spec.chipCounts) validateTrainingConfig({ ...base, chips, parallelism: { dp: 1, tp: 1, pp: 1, cp: 1, ep: 1 }, microBatch: 1 });
    for (const tp of spec.tp) validateTrainingConfig({ ...base, chips: 1, parallelism: { dp: 1, tp, pp: 1, cp: 1, ep: 1 }, microBatch: 1 });
    for (const pp of spec.pp) validateTrainingConfig({ ...base, chips: 1, parallelism: { dp: 1, tp: 1, pp, cp: 1, ep: 1 }, microBatch: 1 });
    for (const microBatch of spec.microBatch) validateTrainingConfig({ ...base, chips: 1, parallelism: { dp: 1, tp: 1, pp: 1, cp: 1, ep: 1 }, microBatch });
  } catch (error) {
    if (error instanceof InputError) return `Fix the run first: ${error.message}`;
    throw error;
  }
  return null;
}
