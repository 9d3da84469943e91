import type { ChipSpec } from '@ridgeline/hardware';
import {
  DEFAULT_MOE_IMBALANCE,
  DEFAULT_PUE,
  PREFILL_CHUNK_TOKENS,
  resolveSpeculation,
  validateInferenceConfig,
  type Bound,
  type DisaggregationBound,
  type InferenceConfig,
  type InfeasibleReason,
  type ModelSpec,
} from '@ridgeline/model';
import {
  ATTENTION_SHARDINGS,
  BOUNDS,
  CONFIG_EXPECTED,
  CONFIG_PRICE,
  CONFIG_CONTEXT_BALANCE,
  CONFIG_RECEIVE_INTERVAL,
  CONFIG_MAX_BATCH,
  CONFIG_PUE,
  CONFIG_STRIDE,
  DISAGGREGATION_BOUND_CODES,
  N_OUT,
  markChipIdentities,
  OUTPUTS,
  REASONS,
  SCHEDULES,
  SPECULATIVE_MODES,
  precisionCode,
  type Output,
} from './descriptors.ts';
import type { Engine } from './engine.ts';
import { flattenChip, flattenModel } from './flatten.ts';
import { NO_AXES, buildImage } from './image.ts';

/**
 * The model and chip tables of an image built from explicit configurations: each spec is flattened
 * once (by identity) and referred to by its index.
 */
export class DescriptorTables {
  readonly models: Float64Array[] = [];
  readonly chips: Float64Array[] = [];
  readonly #modelIndex = new Map<ModelSpec, number>();
  readonly #chipIndex = new Map<ChipSpec, number>();
  readonly #chipIds: string[] = [];

  /** The table index of `spec`, flattening it on first sight. */
  model(spec: ModelSpec): number {
    let index = this.#modelIndex.get(spec);
    if (index === undefined) {
      index = this.models.push(flattenModel(spec)) - 1;
      this.#modelIndex.set(spec, index);
    }
    return index;
  }

  /** The table index of `spec`, flattening it on first sight. */
  chip(spec: ChipSpec): number {
    let index = this.#chipIndex.get(spec);
    if (index === undefined) {
      index = this.chips.push(flattenChip(spec)) - 1;
      this.#chipIndex.set(spec, index);
      this.#chipIds.push(spec.id);
      markChipIdentities(this.chips, this.#chipIds);
    }
    return index;
  }
}

/**
 * Evaluates explicit configurations in one kernel call: N_OUT f64 per configuration in OUTPUTS
 * order (read them with `readResult`). Models and chips (draft models too) are flattened once each
 * (by identity). Throws `InputError` like `estimateInference` for malformed numbers. Speculative
 * decoding is resolved as `estimateInference` does (`resolveSpeculation`); a list of acceptances
 * goes to the kernel as its E (`expectedTokensPerStep`), one value for every position as itself.
 *
 * @example
 * const out = await evaluateConfigs(await createEngine(), [config]);
 * readResult(out, 0).tpotS;
 */
export async function evaluateConfigs(engine: Engine, configs: readonly InferenceConfig[]): Promise<Float64Array> {
  const tables = new DescriptorTables();
  const records = new Float64Array(configs.length * CONFIG_STRIDE);
  configs.forEach((config, i) => {
    validateInferenceConfig(config);
    const m = tables.model(config.model);
    const c = tables.chip(config.chip);
    const speculation = resolveSpeculation(config);
    const draft = speculation.mode === 'draft' ? config.speculative?.draftModel : undefined;
    const givenList = Array.isArray(config.speculative?.acceptance);
    const disagg = config.disaggregation;
    const r = i * CONFIG_STRIDE;
    records.set(
      [
        m,
        c,
        precisionCode(config.precision.weights),
        precisionCode(config.precision.kvCache),
        precisionCode(config.precision.activations),
        config.precision.attentionWeights === undefined ? Number.NaN : precisionCode(config.precision.attentionWeights),
        ATTENTION_SHARDINGS.indexOf(config.attentionSharding ?? 'heads'),
        config.commOverlap ?? Number.NaN,
        config.moeImbalance ?? DEFAULT_MOE_IMBALANCE,
        config.twoBatchOverlap === true ? 1 : 0,
        SPECULATIVE_MODES.indexOf(speculation.mode),
        draft === undefined ? Number.NaN : tables.model(draft),
        speculation.draftTokens,
        givenList ? Number.NaN : (speculation.acceptance[0] ?? Number.NaN),
        SCHEDULES.indexOf(config.schedule ?? 'continuous'),
        config.parallelism.tp,
        config.parallelism.pp,
        config.parallelism.ep,
        config.redundantExperts ?? Number.NaN,
        config.chips,
        disagg?.prefillWorkers ?? 0,
        disagg?.decodeWorkers ?? Number.NaN,
        disagg?.prefillChip === undefined ? Number.NaN : tables.chip(disagg.prefillChip),
        disagg?.prefillTp ?? Number.NaN,
        disagg?.prefillEp ?? Number.NaN,
        ATTENTION_SHARDINGS.indexOf(disagg?.prefillAttention ?? 'heads'),
        config.chunkTokens ?? PREFILL_CHUNK_TOKENS,
        config.batch,
        config.inputTokens,
        config.outputTokens,
      ],
      r,
    );
    records[r + CONFIG_PRICE] = config.usdPerChipHour ?? Number.NaN;
    records[r + CONFIG_EXPECTED] = givenList ? speculation.expectedTokensPerStep : Number.NaN;
    records[r + CONFIG_PUE] = config.pue ?? DEFAULT_PUE;
    records[r + CONFIG_MAX_BATCH] = config.maxBatch ?? Number.NaN;
    records[r + CONFIG_CONTEXT_BALANCE] = config.contextBalance?.timeoutIterations ?? Number.NaN;
    records[r + CONFIG_RECEIVE_INTERVAL] = config.receiveInterval ?? Number.NaN;
  });
  const kernel = await engine.open(
    buildImage({
      models: tables.models,
      chips: tables.chips,
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
  readonly [K in Exclude<Output, 'feasible' | 'reason' | 'boundPrefill' | 'boundDecode' | 'minChipsToFit' | 'disaggregationBound'>]: number;
} & {
  readonly feasible: boolean;
  readonly reason: InfeasibleReason | null;
  /** null when infeasible. */
  readonly boundPrefill: Bound | null;
  readonly boundDecode: Bound | null;
  readonly minChipsToFit: number | null;
  /** What sets a disaggregated configuration's request rate; null otherwise (or infeasible). */
  readonly disaggregationBound: DisaggregationBound | null;
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
  const disaggregationBound = result['disaggregationBound'] ?? Number.NaN;
  return {
    ...result,
    feasible: result['feasible'] === 1,
    reason: reason < 0 ? null : (REASONS[reason] ?? null),
    boundPrefill: Number.isNaN(boundPrefill) ? null : (BOUNDS[boundPrefill] ?? null),
    boundDecode: Number.isNaN(boundDecode) ? null : (BOUNDS[boundDecode] ?? null),
    minChipsToFit: Number.isNaN(minChips) ? null : minChips,
    disaggregationBound: Number.isNaN(disaggregationBound) ? null : (DISAGGREGATION_BOUND_CODES[disaggregationBound] ?? null),
  } as EngineResult;
}
