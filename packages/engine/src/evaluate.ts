import type { ChipSpec } from '@ridgeline/hardware';
import { InputError, type Bound, type InferenceConfig, type InfeasibleReason, type ModelSpec } from '@ridgeline/model';
import {
  ATTENTION_SHARDINGS,
  BOUNDS,
  CONFIG_PRICE,
  CONFIG_STRIDE,
  N_OUT,
  OUTPUTS,
  REASONS,
  precisionCode,
  type Output,
} from './descriptors.ts';
import type { Engine } from './engine.ts';
import { flattenChip, flattenModel } from './flatten.ts';
import { NO_AXES, buildImage } from './image.ts';

function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(field, `${field} must be a positive integer, got ${String(value)}`);
  }
}

function requireInRange(field: string, value: number, min: number, max: number, allowed: string): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError(field, `${field} must be ${allowed}, got ${String(value)}`);
  }
}

/**
 * The input checks of `estimateInference`, with its messages: the kernel assumes valid numbers.
 *
 * @example
 * validateInferenceConfig({ ...config, batch: 0 }); // throws InputError('batch must be a positive integer, got 0')
 */
export function validateInferenceConfig(config: InferenceConfig): void {
  requirePositiveInteger('chips', config.chips);
  requirePositiveInteger('parallelism.tp', config.parallelism.tp);
  requirePositiveInteger('parallelism.pp', config.parallelism.pp);
  requirePositiveInteger('parallelism.ep', config.parallelism.ep);
  requirePositiveInteger('batch', config.batch);
  requirePositiveInteger('inputTokens', config.inputTokens);
  requirePositiveInteger('outputTokens', config.outputTokens);
  if (config.commOverlap !== undefined) requireInRange('commOverlap', config.commOverlap, 0, 1, 'a fraction in [0, 1]');
  if (config.moeImbalance !== undefined) requireInRange('moeImbalance', config.moeImbalance, 1, Number.MAX_VALUE, 'a factor ≥ 1');
  if (config.usdPerChipHour !== undefined) {
    requireInRange('usdPerChipHour', config.usdPerChipHour, 0, Number.MAX_VALUE, 'a price ≥ 0 USD per chip-hour');
  }
}

/**
 * Evaluates explicit configurations in one kernel call: N_OUT f64 per configuration in OUTPUTS
 * order (read them with `readResult`). Models and chips are flattened once each (by identity).
 * Throws `InputError` like `estimateInference` for malformed numbers.
 *
 * @example
 * const out = await evaluateConfigs(await createEngine(), [config]);
 * readResult(out, 0).tpotS;
 */
export async function evaluateConfigs(engine: Engine, configs: readonly InferenceConfig[]): Promise<Float64Array> {
  const models = new Map<ModelSpec, number>();
  const chips = new Map<ChipSpec, number>();
  const modelDescriptors: Float64Array[] = [];
  const chipDescriptors: Float64Array[] = [];
  const records = new Float64Array(configs.length * CONFIG_STRIDE);
  configs.forEach((config, i) => {
    validateInferenceConfig(config);
    let m = models.get(config.model);
    if (m === undefined) {
      m = modelDescriptors.push(flattenModel(config.model)) - 1;
      models.set(config.model, m);
    }
    let c = chips.get(config.chip);
    if (c === undefined) {
      c = chipDescriptors.push(flattenChip(config.chip)) - 1;
      chips.set(config.chip, c);
    }
    const r = i * CONFIG_STRIDE;
    records.set(
      [
        m,
        c,
        precisionCode(config.precision.weights),
        precisionCode(config.precision.kvCache),
        precisionCode(config.precision.activations),
        ATTENTION_SHARDINGS.indexOf(config.attentionSharding ?? 'heads'),
        config.commOverlap ?? Number.NaN,
        config.moeImbalance ?? 1,
        config.parallelism.tp,
        config.parallelism.pp,
        config.parallelism.ep,
        config.chips,
        config.batch,
        config.inputTokens,
        config.outputTokens,
      ],
      r,
    );
    records[r + CONFIG_PRICE] = config.usdPerChipHour ?? Number.NaN;
  });
  const kernel = await engine.open(
    buildImage({
      models: modelDescriptors,
      chips: chipDescriptors,
      axes: NO_AXES,
      dpMode: false,
      minChips: true,
      pareto: [],
      top: null,
      histograms: [],
    }),
  );
  return kernel.evaluateRecords(records, CONFIG_STRIDE);
}

/** One configuration's outputs, named as in `InferenceResult` (nested fields flattened). */
export type EngineResult = {
  readonly [K in Exclude<Output, 'feasible' | 'reason' | 'boundPrefill' | 'boundDecode' | 'minChipsToFit'>]: number;
} & {
  readonly feasible: boolean;
  readonly reason: InfeasibleReason | null;
  /** null when infeasible. */
  readonly boundPrefill: Bound | null;
  readonly boundDecode: Bound | null;
  readonly minChipsToFit: number | null;
};

/**
 * The named outputs of configuration `i` of an output buffer.
 *
 * @example
 * readResult(out, 0).costPerMillionTokensUsd;
 */
export function readResult(out: Float64Array, i: number): EngineResult {
  const base = i * N_OUT;
  const entries: [string, unknown][] = OUTPUTS.map((name, slot) => [name, out[base + slot] ?? Number.NaN]);
  const result = Object.fromEntries(entries) as Record<string, number>;
  const reason = result['reason'] ?? -1;
  const boundPrefill = result['boundPrefill'] ?? Number.NaN;
  const boundDecode = result['boundDecode'] ?? Number.NaN;
  const minChips = result['minChipsToFit'] ?? Number.NaN;
  return {
    ...result,
    feasible: result['feasible'] === 1,
    reason: reason < 0 ? null : (REASONS[reason] ?? null),
    boundPrefill: Number.isNaN(boundPrefill) ? null : (BOUNDS[boundPrefill] ?? null),
    boundDecode: Number.isNaN(boundDecode) ? null : (BOUNDS[boundDecode] ?? null),
    minChipsToFit: Number.isNaN(minChips) ? null : minChips,
  } as EngineResult;
}
