import { InputError } from './errors.ts';
import type { ModelSpec } from './types.ts';

/**
 * The largest value every model and workload field accepts (docs/MODEL.md §1.5). Each is a physical
 * limit with a wide margin over the largest real value, not a guess at what is "reasonable": it
 * exists so that every accepted input gives finite figures in bounded time (a 10¹²-layer model
 * would hang the layout search; `moeImbalance: 1e308` would turn a feasible result into ∞), while
 * no real or near-future model or deployment comes close. Hardware figures have theirs in
 * `@ridgeline/hardware`'s `CHIP_LIMITS`; both tables are documented together in docs/MODEL.md §1.5.
 *
 * With every field at its limit, the largest figures the model computes stay below 1e70 (FLOPs
 * ~1e42, seconds ~1e46, joules ~1e59), far inside a double's 1.8e308.
 */
export const MODEL_LIMITS = {
  /** L. The deepest published models have 61–126 layers (DeepSeek-V3, Llama 3.1 405B): 800× headroom. */
  layers: 100_000,
  /** d. The widest are 16,384–18,432 (Llama 3.1 405B, PaLM 540B): 50×. */
  hiddenSize: 1_000_000,
  /** h, h_kv. The most are 128 (DeepSeek-V3, Llama 3.1 405B): 800×. */
  heads: 100_000,
  /** d_h, and MLA's per-head dimensions. The largest are 256 (Gemma): 400×. */
  headDim: 100_000,
  /** f, f_e. The widest FFN is 73,728 (PaLM 540B): 130×. */
  ffnHiddenSize: 10_000_000,
  /** V. The largest vocabulary is 262,208 (Gemma 3): 380×. */
  vocabSize: 100_000_000,
  /** E, and shared experts. The most routed experts are 384 (Kimi K2): 260×. */
  experts: 100_000,
  /** r_q, r_kv: MLA's ranks project the hidden state, so they share its limit. */
  loraRank: 1_000_000,
  /** w: a window, like a context, is a number of tokens. */
  windowTokens: 1_000_000_000,
  /** Multi-token-prediction modules are layers. */
  mtpModules: 100_000,
} as const;

/** The largest value every workload field accepts; see `MODEL_LIMITS` for why there are limits. */
export const WORKLOAD_LIMITS = {
  /** S_in, S_out, training's S, the chunk budget C: 1e9 tokens, 100× the longest context served (Llama 4 Scout, 1e7). */
  tokens: 1_000_000_000,
  /** B, training's G and b: 1e9 sequences in flight, beyond any fleet's concurrency. */
  batch: 1_000_000_000,
  /**
   * N and every parallel degree: 2^24 = 16.8 M chips, 16× the largest clusters planned (≈1 M
   * accelerators), 17 GW at 1 kW each.
   */
  chips: 16_777_216,
  /** T_total: 1e15 tokens, 60× the largest published pre-training run (Llama 3, 15.6e12). */
  totalTokens: 1e15,
  /**
   * moeImbalance: the busiest expert shard's routed tokens over the mean. It cannot exceed EP (every
   * routing on one shard); 64 is 25× the 2.56 measured without load balancing (MODEL.md §4).
   */
  moeImbalance: 64,
  /** usdPerChipHour: 1e6 USD per chip-hour, ~10⁵× today's list prices (1–10 USD). */
  usdPerChipHour: 1_000_000,
  /**
   * optimizerBytesPerParam: 64 bytes, 4× Adam with fp64 master weights and moments (24) and room for
   * any optimizer's extra state; the usual figure is 12.
   */
  optimizerBytesPerParam: 64,
  /** Interleaved pipeline chunks per stage: at most one per layer. */
  virtualStages: 100_000,
  /**
   * contextBalance.timeoutIterations: 1e6 iterations, hours of waiting at a millisecond each;
   * TensorRT-LLM's examples use 50–60.
   */
  contextBalanceIterations: 1_000_000,
  /** receiveInterval: 1e6 iterations between intakes, as contextBalanceIterations; InferenceX's SGLang scripts use 10–30. */
  receiveInterval: 1_000_000,
} as const;

/**
 * A limit as messages write it: powers of ten as `1e9`, other integers with thousands separators.
 *
 * @example
 * limitText(1e9); // '1e9'
 * limitText(16_777_216); // '16,777,216'
 */
export function limitText(limit: number): string {
  const exponent = Math.round(Math.log10(limit));
  if (limit >= 1e5 && Number(`1e${exponent}`) === limit) return `1e${exponent}`;
  return limit.toLocaleString('en-US');
}

function integerIn(model: string, field: string, value: unknown, min: number, max: number): void {
  const got = JSON.stringify(value) ?? String(value);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InputError(field, `model "${model}": ${field} must be an integer ≥ ${min}, got ${got}`);
  }
  if (value > max) throw new InputError(field, `model "${model}": ${field} must be at most ${limitText(max)}, got ${got}`);
}

function booleanField(model: string, field: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new InputError(field, `model "${model}": ${field} must be true or false, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

function atMost(model: string, field: string, value: number, limitField: string, limit: number): void {
  if (value > limit) throw new InputError(field, `model "${model}": ${field} must be at most ${limitField} (${limit}), got ${value}`);
}

/**
 * Checks a `ModelSpec`'s fields: integers within `MODEL_LIMITS`, booleans, and the relations
 * between them (active experts ≤ experts, dense and windowed layers ≤ layers, KV heads ≤ heads).
 * Throws `InputError` naming the field, what is allowed and the value, e.g.
 * `model "x": layers must be at most 1e5, got 1000000000000`.
 *
 * @example
 * validateModelSpec({ ...llama31_70b, layers: 1e12 }); // throws InputError('layers', …)
 */
export function validateModelSpec(model: ModelSpec): void {
  const id = typeof model.id === 'string' ? model.id : '(no id)';
  const L = MODEL_LIMITS;
  integerIn(id, 'layers', model.layers, 1, L.layers);
  integerIn(id, 'hiddenSize', model.hiddenSize, 1, L.hiddenSize);
  integerIn(id, 'heads', model.heads, 1, L.heads);
  integerIn(id, 'kvHeads', model.kvHeads, 1, L.heads);
  atMost(id, 'kvHeads', model.kvHeads, 'heads', model.heads);
  integerIn(id, 'headDim', model.headDim, 1, L.headDim);
  integerIn(id, 'ffnHiddenSize', model.ffnHiddenSize, 0, L.ffnHiddenSize);
  booleanField(id, 'gatedFfn', model.gatedFfn);
  integerIn(id, 'vocabSize', model.vocabSize, 1, L.vocabSize);
  booleanField(id, 'tiedEmbeddings', model.tiedEmbeddings);
  if (model.parallelAttentionFfn !== undefined) booleanField(id, 'parallelAttentionFfn', model.parallelAttentionFfn);
  const moe = model.moe;
  if (moe !== undefined) {
    integerIn(id, 'moe.experts', moe.experts, 1, L.experts);
    integerIn(id, 'moe.activeExperts', moe.activeExperts, 1, L.experts);
    atMost(id, 'moe.activeExperts', moe.activeExperts, 'moe.experts', moe.experts);
    integerIn(id, 'moe.sharedExperts', moe.sharedExperts, 0, L.experts);
    integerIn(id, 'moe.expertHiddenSize', moe.expertHiddenSize, 1, L.ffnHiddenSize);
    integerIn(id, 'moe.denseLayers', moe.denseLayers, 0, L.layers);
    atMost(id, 'moe.denseLayers', moe.denseLayers, 'layers', model.layers);
  }
  const mla = model.mla;
  if (mla !== undefined) {
    integerIn(id, 'mla.qLoraRank', mla.qLoraRank, 0, L.loraRank);
    integerIn(id, 'mla.kvLoraRank', mla.kvLoraRank, 1, L.loraRank);
    integerIn(id, 'mla.qkNopeHeadDim', mla.qkNopeHeadDim, 0, L.headDim);
    integerIn(id, 'mla.qkRopeHeadDim', mla.qkRopeHeadDim, 0, L.headDim);
    integerIn(id, 'mla.vHeadDim', mla.vHeadDim, 1, L.headDim);
  }
  const window = model.slidingWindow;
  if (window !== undefined) {
    integerIn(id, 'slidingWindow.windowTokens', window.windowTokens, 1, L.windowTokens);
    integerIn(id, 'slidingWindow.windowedLayers', window.windowedLayers, 0, L.layers);
    atMost(id, 'slidingWindow.windowedLayers', window.windowedLayers, 'layers', model.layers);
  }
  if (model.mtpModules !== undefined) integerIn(id, 'mtpModules', model.mtpModules, 0, L.mtpModules);
}

/**
 * Throws `InputError` unless `value` is an integer from 1 to `max`: `batch must be a positive
 * integer, got 0`, or `batch must be at most 1e9, got 1000000000000`.
 *
 * @example
 * requireCount('batch', 64, WORKLOAD_LIMITS.batch); // passes
 */
export function requireCount(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(field, `${field} must be a positive integer, got ${String(value)}`);
  if (value > max) throw new InputError(field, `${field} must be at most ${limitText(max)}, got ${String(value)}`);
}

/**
 * Throws `InputError` unless `value` is a finite number from `min` to `max`; `allowed` says what
 * it is below the limit: `moeImbalance must be a factor ≥ 1, got 0.5`, or `usdPerChipHour must be
 * at most 1e6 USD per chip-hour, got 1e+308`.
 *
 * @example
 * requireNumberIn('moeImbalance', 1.11, 1, 64, 'a factor ≥ 1'); // passes
 */
export function requireNumberIn(field: string, value: number, min: number, max: number, allowed: string, unit = ''): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) throw new InputError(field, `${field} must be ${allowed}, got ${String(value)}`);
  if (!(value <= max)) throw new InputError(field, `${field} must be at most ${limitText(max)}${unit === '' ? '' : ` ${unit}`}, got ${String(value)}`);
}
