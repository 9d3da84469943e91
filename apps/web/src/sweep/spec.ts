import type { ChipSpec } from '@ridgeline/hardware';
import type { ModelSpec } from '@ridgeline/model';
import type { AppState, SweepSettings } from '../state.ts';
import type { SweepSpec } from './types.ts';

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
    y: s.y,
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
