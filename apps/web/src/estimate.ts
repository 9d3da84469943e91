import type { ChipSpec } from '@ridgeline/hardware';
import { InputError, divisors, estimateInference, type InferenceConfig, type InferenceResult, type ModelSpec } from '@ridgeline/model';
import { checkCustomChip, type CustomChipCheck } from './custom-chip.ts';
import { priceFor } from './energy.ts';
import { readModelConfig } from './custom-model.ts';
import { sameWidthPrecision } from './precision.ts';
import { CUSTOM_CHIP_ID, findChip, findModel } from './registry.ts';
import type { AppState } from './state.ts';

/**
 * The bridge between the page's state and `@ridgeline/model`: it resolves names to specs, builds
 * the `InferenceConfig` the CLI's `estimate` would build for the same flags, and runs the model.
 * No physics here; only the choices a front end makes (which chip, which layout to compare at).
 */

/** A model, or why the page has none. */
export type ModelOutcome = { readonly ok: true; readonly model: ModelSpec } | { readonly ok: false; readonly message: string };

/** A chip, or why the page has none. */
export type ChipOutcome =
  | { readonly ok: true; readonly chip: ChipSpec }
  | { readonly ok: false; readonly message: string; readonly custom?: CustomChipCheck };

/**
 * The model the state names.
 *
 * @example
 * resolveModel(DEFAULT_STATE).ok; // true
 */
export function resolveModel(state: AppState): ModelOutcome {
  if (state.model.kind === 'config') {
    const check = readModelConfig(state.model.json);
    return check.ok ? check : { ok: false, message: check.message };
  }
  const model = findModel(state.model.id);
  return model === undefined ? { ok: false, message: `There is no model "${state.model.id}" in the catalog.` } : { ok: true, model };
}

/**
 * A chip by id: first-party, or `custom` for the form's chip (validated).
 *
 * @example
 * resolveChip('h100', null).ok; // true
 */
export function resolveChip(id: string, customChip: AppState['customChip']): ChipOutcome {
  if (id === CUSTOM_CHIP_ID) {
    const check = checkCustomChip(customChip ?? {});
    if (check.ok) return { ok: true, chip: check.chip };
    return { ok: false, message: 'The custom chip is not valid yet: fix the fields marked in the form.', custom: check };
  }
  const chip = findChip(id);
  return chip === undefined ? { ok: false, message: `There is no chip "${id}".` } : { ok: true, chip };
}

/**
 * The prefill workers' chip when the state names one (disaggregated, with a prefill chip); null
 * when the prefill workers use the decode workers' chip.
 *
 * @example
 * resolvePrefillChip({ ...DEFAULT_STATE, disaggregation: { ...DEFAULT_DISAGGREGATION, prefillHardware: 'b200' } }); // { ok: true, chip: B200 }
 */
export function resolvePrefillChip(state: AppState): ChipOutcome | null {
  const id = state.disaggregation?.prefillHardware ?? null;
  if (id === null) return null;
  const resolved = resolveChip(id, state.customChip);
  return resolved.ok ? resolved : { ok: false, message: `The prefill chip: ${resolved.message}` };
}

/**
 * The `InferenceConfig` for the state, as the CLI builds it from the same flags (`--chips --tp
 * --pp --ep --batch --input --output --weights --kv --activations [--overlap] [--price]`, and
 * `--prefill-workers --decode-workers [--prefill-tp] [--prefill-ep] [--prefill-attention]
 * [--prefill-hardware]` when disaggregated). `prefillChip` is the prefill workers' chip, when the
 * state names one (`resolvePrefillChip`). The PUE and the price basis are `--pue` and `--price-basis
 * tco …` (`priceFor`); a value the model would refuse, or a tco price it cannot make, throws the
 * model's `InputError` naming the box (`estimateFor` turns it into an outcome).
 *
 * @example
 * configFor(DEFAULT_STATE, model, chip).parallelism; // { tp: 8, pp: 1, ep: 1 }
 */
export function configFor(state: AppState, model: ModelSpec, chip: ChipSpec, prefillChip: ChipSpec | null = null): InferenceConfig {
  const d = state.disaggregation;
  const price = priceFor(state, chip, prefillChip);
  if (!price.ok) throw new InputError(price.field, price.message);
  return {
    model,
    chip,
    chips: state.chips,
    parallelism: { tp: state.tp, pp: state.pp, ep: state.ep },
    batch: state.batch,
    ...(state.maxBatch === null ? {} : { maxBatch: state.maxBatch }),
    inputTokens: state.inputTokens,
    outputTokens: state.outputTokens,
    precision: {
      weights: state.weights,
      kvCache: state.kvCache,
      activations: state.activations,
      ...(state.attentionWeights === null ? {} : { attentionWeights: state.attentionWeights }),
    },
    ...(state.overlap === null ? {} : { commOverlap: state.overlap }),
    ...(price.usdPerChipHour === undefined ? {} : { usdPerChipHour: price.usdPerChipHour }),
    ...(state.energy.pue === null ? {} : { pue: state.energy.pue }),
    ...(d === null
      ? {}
      : {
          disaggregation: {
            prefillWorkers: d.prefillWorkers,
            decodeWorkers: d.decodeWorkers,
            ...(d.prefillTp === null ? {} : { prefillTp: d.prefillTp }),
            ...(d.prefillEp === null ? {} : { prefillEp: d.prefillEp }),
            ...(d.prefillAttention === 'heads' ? {} : { prefillAttention: d.prefillAttention }),
            ...(prefillChip === null ? {} : { prefillChip }),
          },
        }),
  };
}

/** What the page shows for one configuration. */
export type EstimateOutcome =
  | { readonly kind: 'result'; readonly result: InferenceResult; readonly config: InferenceConfig }
  /** The input itself is wrong (a batch of 0, an invalid chip): `field` says where. */
  | { readonly kind: 'error'; readonly message: string; readonly field: string | null };

/**
 * Runs the model, turning `InputError`s into messages.
 *
 * @example
 * const out = estimate(config);
 * if (out.kind === 'result') out.result.tpotS;
 */
export function estimate(config: InferenceConfig): EstimateOutcome {
  try {
    return { kind: 'result', result: estimateInference(config), config };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'error', message: error.message, field: error.field };
    throw error;
  }
}

/**
 * The configuration the state describes, run: `configFor` then `estimate`, either's `InputError` as
 * an error outcome.
 *
 * @example
 * estimateFor(DEFAULT_STATE, model, h100).kind; // 'result'
 */
export function estimateFor(state: AppState, model: ModelSpec, chip: ChipSpec, prefillChip: ChipSpec | null = null): EstimateOutcome {
  let config: InferenceConfig;
  try {
    config = configFor(state, model, chip, prefillChip);
  } catch (error) {
    if (error instanceof InputError) return { kind: 'error', message: error.message, field: error.field };
    throw error;
  }
  return estimate(config);
}

/** One chip of the comparison. */
export interface Comparison {
  readonly chipId: string;
  readonly chip: ChipSpec | null;
  readonly outcome: EstimateOutcome;
  /** What the comparison changed from the main configuration to fit this chip, in words (empty: nothing). */
  readonly adjustments: readonly string[];
}

/**
 * The layout with `chips` = TP·PP (DP 1) that a deployment would pick: TP dividing the heads and
 * within the scale-up domain where possible (as large as it can be), PP dividing the layers.
 */
export function layoutFor(model: ModelSpec, chip: ChipSpec, chips: number): { tp: number; pp: number } | undefined {
  const domain = chip.scaleUp.domainSize.value;
  let best: { tp: number; pp: number; inDomain: boolean } | undefined;
  for (const tp of divisors(model.heads)) {
    if (chips % tp !== 0) continue;
    const pp = chips / tp;
    if (model.layers % pp !== 0) continue;
    const inDomain = tp <= domain;
    if (best === undefined || (inDomain && !best.inDomain) || (inDomain === best.inDomain && (inDomain ? tp > best.tp : tp < best.tp))) {
      best = { tp, pp, inDomain };
    }
  }
  return best === undefined ? undefined : { tp: best.tp, pp: best.pp };
}

/**
 * Each compared chip on the main configuration's workload (disaggregated as it is: the compared
 * chip decodes, and prefills too unless the state names a prefill chip). With `compareFit`, a chip that lacks the
 * precision runs at a same-width one it has, and a chip whose memory cannot hold the model at the
 * main layout runs at the smallest layout that does (the model's `minChipsToFit`); every change is
 * stated in `adjustments`.
 *
 * @example
 * compare(state, model).map((c) => c.chipId); // ['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu']
 */
export function compare(state: AppState, model: ModelSpec, prefillChip: ChipSpec | null = null): Comparison[] {
  return state.compare.map((chipId) => {
    const resolved = resolveChip(chipId, state.customChip);
    if (!resolved.ok) return { chipId, chip: null, outcome: { kind: 'error', message: resolved.message, field: null }, adjustments: [] };
    const chip = resolved.chip;
    const adjustments: string[] = [];
    let config: InferenceConfig;
    try {
      config = configFor(state, model, chip, prefillChip);
    } catch (error) {
      if (error instanceof InputError) return { chipId, chip, outcome: { kind: 'error', message: error.message, field: error.field }, adjustments };
      throw error;
    }
    if (state.compareFit) {
      const p = config.precision;
      const weights = sameWidthPrecision(chip, p.weights) ?? p.weights;
      const activations = sameWidthPrecision(chip, p.activations) ?? p.activations;
      const kvCache = sameWidthPrecision(chip, p.kvCache) ?? p.kvCache;
      const attention = p.attentionWeights === undefined ? undefined : (sameWidthPrecision(chip, p.attentionWeights) ?? p.attentionWeights);
      if (weights !== p.weights || activations !== p.activations || kvCache !== p.kvCache || attention !== p.attentionWeights) {
        const given = [p.weights, p.activations, p.kvCache, ...(p.attentionWeights === undefined ? [] : [p.attentionWeights])];
        const changed = [...new Set(given)].filter((q) => chip.compute.peakDenseFlopsPerS[q] === undefined);
        adjustments.push(`${[...new Set([weights, activations, ...(attention === undefined ? [] : [attention])])].join('/')} (no ${changed.join('/')} rate)`);
        config = { ...config, precision: { weights, kvCache, activations, ...(attention === undefined ? {} : { attentionWeights: attention }) } };
      }
    }
    let outcome = estimate(config);
    if (state.compareFit && outcome.kind === 'result' && outcome.result.reason === 'capacity' && outcome.result.minChipsToFit !== null) {
      const layout = layoutFor(model, chip, outcome.result.minChipsToFit);
      if (layout !== undefined) {
        const chips = layout.tp * layout.pp;
        // An MoE model run with EP = TP keeps that pairing at the new layout; a dense model keeps EP 1.
        const ep = model.moe !== undefined && config.parallelism.ep === config.parallelism.tp ? layout.tp : config.parallelism.ep;
        const fitted = estimate({ ...config, chips, parallelism: { tp: layout.tp, pp: layout.pp, ep } });
        if (fitted.kind === 'result' && fitted.result.feasible) {
          adjustments.push(`${chips} chips (tp ${layout.tp} · pp ${layout.pp}) to hold the model`);
          outcome = fitted;
        }
      }
    }
    return { chipId, chip, outcome, adjustments };
  });
}
