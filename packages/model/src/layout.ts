import { PRECISION_BYTES } from '@ridgeline/hardware';
import type { ModelSpec, PrecisionConfig } from './types.ts';

/**
 * How one model is cut over `tp` tensor-parallel chips and `ep` expert-parallel chips: the
 * per-chip widths and parameter counts that the operator and memory models read.
 * Everything here is per chip and per layer.
 */
export interface ShardLayout {
  /** Query heads on one chip: h / TP (h with data-parallel attention). */
  readonly headsPerChip: number;
  /** KV heads on one chip: ⌈h_kv / TP⌉ — replicated when TP > h_kv (h_kv with data-parallel attention). MLA: the shared latent, 1. */
  readonly kvHeadsPerChip: number;
  /** Elements cached per token per layer on one chip: 2·h_kv,chip·d_h, or MLA's r_kv + d_rope (replicated). */
  readonly kvElementsPerTokenPerChip: number;
  /** Elements cached per token per layer for all KV heads: 2·h_kv·d_h, or r_kv + d_rope (batch-sharded attention). */
  readonly kvElementsPerToken: number;
  /** d_qk, d_v of the attention core in prefill. */
  readonly prefillHeadDims: { readonly qk: number; readonly v: number };
  /** d_qk, d_v of the attention core in decode (MLA: the absorbed form, r_kv + d_rope and r_kv). */
  readonly decodeHeadDims: { readonly qk: number; readonly v: number };
  /** Parameters of the Q, K, V (and MLA down/up) projections on one chip. */
  readonly qkvParamsPerChip: number;
  /** Width of the projections' output per token on one chip. */
  readonly qkvOutWidthPerChip: number;
  /** Parameters of the output projection on one chip. */
  readonly outParamsPerChip: number;
  /** Width of the attention output per token on one chip (input of out_proj). */
  readonly attnOutWidthPerChip: number;
  /** Dense FFN parameters on one chip. */
  readonly ffnParamsPerChip: number;
  /** Dense FFN intermediate width on one chip (×2 when gated: gate and up). */
  readonly ffnInnerWidthPerChip: number;
  /** Parameters of one routed expert as stored on one chip (sliced over TP when EP = 1). */
  readonly expertParamsPerChip: number;
  /**
   * Routed expert slots held by one chip: E (sliced over TP) when EP = 1, otherwise ⌈(E + R)/EP⌉
   * whole experts, R of the E + R slots redundant copies (MODEL.md §4, MoE).
   */
  readonly expertsPerChip: number;
  readonly sharedExpertParamsPerChip: number;
  /** Router parameters (replicated on every chip). */
  readonly routerParamsPerChip: number;
  /** Output head (or tied embedding used as head) on one chip: V·d/TP. */
  readonly lmHeadParamsPerChip: number;
  /** Input embedding table on one chip: V·d/TP (vocabulary-parallel). */
  readonly embeddingParamsPerChip: number;
}

/**
 * The per-chip shard shapes for `tp` and `ep` with `redundantExperts` extra expert slots
 * (MODEL.md §1.3). The attention block (heads, KV heads, projections) splits `attentionTp` ways:
 * TP, or 1 with data-parallel attention, whose chips each hold all of it. Assumes the parallelism
 * rules hold.
 *
 * @example
 * shardLayout(deepseekV3, 1, 72, 32).expertsPerChip; // ⌈(256 + 32)/72⌉ = 4
 * shardLayout(deepseekV3, 8, 8, 0, 1).qkvParamsPerChip; // all 128 heads' projections on each of 8 chips
 */
export function shardLayout(model: ModelSpec, tp: number, ep: number, redundantExperts = 0, attentionTp: number = tp): ShardLayout {
  const d = model.hiddenSize;
  const h = model.heads;
  const headsPerChip = h / attentionTp;
  const mla = model.mla;
  let kvHeadsPerChip: number;
  let kvElementsPerTokenPerChip: number;
  let kvElementsPerToken: number;
  let qkvParamsPerChip: number;
  let qkvOutWidthPerChip: number;
  let attnOutWidthPerChip: number;
  let prefillHeadDims: { qk: number; v: number };
  let decodeHeadDims: { qk: number; v: number };
  if (mla === undefined) {
    const dh = model.headDim;
    kvHeadsPerChip = Math.ceil(model.kvHeads / attentionTp);
    kvElementsPerTokenPerChip = 2 * kvHeadsPerChip * dh;
    kvElementsPerToken = 2 * model.kvHeads * dh;
    qkvParamsPerChip = d * dh * (headsPerChip + 2 * kvHeadsPerChip);
    qkvOutWidthPerChip = dh * (headsPerChip + 2 * kvHeadsPerChip);
    attnOutWidthPerChip = headsPerChip * dh;
    prefillHeadDims = { qk: dh, v: dh };
    decodeHeadDims = prefillHeadDims;
  } else {
    const qkHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    kvHeadsPerChip = 1;
    kvElementsPerTokenPerChip = mla.kvLoraRank + mla.qkRopeHeadDim;
    kvElementsPerToken = kvElementsPerTokenPerChip;
    // The down-projections (d → r_q, d → r_kv + d_rope) are replicated; the per-head up-projections split over TP.
    const query = mla.qLoraRank === 0 ? d * headsPerChip * qkHead : d * mla.qLoraRank + mla.qLoraRank * headsPerChip * qkHead;
    const kvDown = d * (mla.kvLoraRank + mla.qkRopeHeadDim);
    const kvUp = mla.kvLoraRank * headsPerChip * (mla.qkNopeHeadDim + mla.vHeadDim);
    qkvParamsPerChip = query + kvDown + kvUp;
    qkvOutWidthPerChip = headsPerChip * qkHead + mla.kvLoraRank + mla.qkRopeHeadDim;
    attnOutWidthPerChip = headsPerChip * mla.vHeadDim;
    prefillHeadDims = { qk: qkHead, v: mla.vHeadDim };
    decodeHeadDims = { qk: mla.kvLoraRank + mla.qkRopeHeadDim, v: mla.kvLoraRank };
  }
  const gates = model.gatedFfn ? 3 : 2;
  const moe = model.moe;
  const expertParams = moe === undefined ? 0 : 3 * d * moe.expertHiddenSize;
  const headParams = model.vocabSize * d;
  return {
    headsPerChip,
    kvHeadsPerChip,
    kvElementsPerTokenPerChip,
    kvElementsPerToken,
    prefillHeadDims,
    decodeHeadDims,
    qkvParamsPerChip,
    qkvOutWidthPerChip,
    outParamsPerChip: attnOutWidthPerChip * d,
    attnOutWidthPerChip,
    ffnParamsPerChip: (gates * d * model.ffnHiddenSize) / tp,
    ffnInnerWidthPerChip: ((gates - 1) * model.ffnHiddenSize) / tp,
    expertParamsPerChip: ep === 1 ? expertParams / tp : expertParams,
    expertsPerChip: moe === undefined ? 0 : ep === 1 ? moe.experts : Math.ceil((moe.experts + redundantExperts) / ep),
    sharedExpertParamsPerChip: moe === undefined ? 0 : (moe.sharedExperts * expertParams) / tp,
    routerParamsPerChip: moe === undefined ? 0 : d * moe.experts,
    lmHeadParamsPerChip: headParams / tp,
    embeddingParamsPerChip: headParams / tp,
  };
}

/**
 * Mean attended context per token in one layer, window-capped (MODEL.md §2.1), averaged over the
 * windowed and full-attention layers. Prefill (causal) attends to `S/2` on average; with a window
 * `w < S` the exact continuous mean of `min(i, w)` is `w − w²/(2S)`.
 */
export function meanAttendedContext(model: ModelSpec, contextTokens: number, causalPrefill: boolean): number {
  const full = causalPrefill ? contextTokens / 2 : contextTokens;
  const window = model.slidingWindow;
  if (window === undefined) return full;
  const w = window.windowTokens;
  let windowed: number;
  if (causalPrefill) windowed = contextTokens <= w ? contextTokens / 2 : w - (w * w) / (2 * contextTokens);
  else windowed = Math.min(contextTokens, w);
  const fractionWindowed = window.windowedLayers / model.layers;
  return fractionWindowed * windowed + (1 - fractionWindowed) * full;
}

/** Tokens of KV cache held per sequence per layer, averaged over windowed and full layers. */
export function meanCachedTokens(model: ModelSpec, contextTokens: number): number {
  return meanAttendedContext(model, contextTokens, false);
}

/**
 * R, the redundant expert slots when none are given: enough to fill every chip's slots,
 * `⌈E/EP⌉·EP − E` (0 for a dense model, or when EP divides E).
 *
 * @example
 * defaultRedundantExperts(deepseekV3, 72); // 4·72 − 256 = 32
 * defaultRedundantExperts(deepseekV3, 64); // 0
 */
export function defaultRedundantExperts(model: ModelSpec, ep: number): number {
  const experts = model.moe?.experts;
  return experts === undefined ? 0 : Math.ceil(experts / ep) * ep - experts;
}

/**
 * u, the busiest chip's factor on its TP group's mean tokens with data-parallel attention
 * (MODEL.md §1.3): B sequences over TP chips, the busiest holding ⌈B/TP⌉ of them, so
 * `u = ⌈B/TP⌉/(B/TP)`, 1 when TP divides B. Its share of any token count T of the group is (T/TP)·u.
 *
 * @example
 * dataParallelAttentionImbalance(64, 8); // 1
 * dataParallelAttentionImbalance(100, 72); // ⌈100/72⌉/(100/72) = 2/1.39 = 1.44
 */
export function dataParallelAttentionImbalance(batch: number, tp: number): number {
  return Math.ceil(batch / tp) / (batch / tp);
}

/** The layers one pipeline stage runs, and how many of them are dense and MoE layers. */
export interface StageLayers {
  readonly layers: number;
  readonly denseLayers: number;
  readonly moeLayers: number;
}

/**
 * The slowest inference pipeline stage (MODEL.md §4, pipeline): `⌈L/p⌉` layers, as many of them
 * MoE layers as the model has (the leading dense layers fill the first stage, so some stage holds
 * only MoE layers whenever L − L_dense ≥ ⌈L/p⌉). PP need not divide L.
 *
 * @example
 * slowestStageLayers(deepseekV3, 4); // { layers: 16, denseLayers: 0, moeLayers: 16 } (61 layers, 3 dense)
 */
export function slowestStageLayers(model: ModelSpec, pp: number): StageLayers {
  const layers = Math.ceil(model.layers / pp);
  const moeLayers = Math.min(layers, model.moe === undefined ? 0 : model.layers - model.moe.denseLayers);
  return { layers, denseLayers: layers - moeLayers, moeLayers };
}

/**
 * Training's stage: an even `1/p` share of every layer kind (fractional counts; training pads an
 * uneven pipeline to ⌈L/p⌉·p layers before it asks).
 */
export function evenStageLayers(model: ModelSpec, pp: number): StageLayers {
  const moe = model.moe;
  return {
    layers: model.layers / pp,
    denseLayers: (moe === undefined ? model.layers : moe.denseLayers) / pp,
    moeLayers: (moe === undefined ? 0 : model.layers - moe.denseLayers) / pp,
  };
}

/**
 * 1 − (1 − k/E)^T: the chance that `T` tokens' top-k routings out of `E` touch a given expert
 * (uniform routing, MODEL.md §2.2).
 */
export function touchedFraction(experts: number, activeExperts: number, tokens: number): number {
  return 1 - Math.pow(1 - activeExperts / experts, tokens);
}

/**
 * E_touched = E·(1 − (1 − k/E)^T): expected distinct experts hit by `T` tokens' top-k routings
 * out of `E`, with uniform routing (MODEL.md §2.2).
 *
 * @example
 * expectedExpertsTouched(8, 2, 1); // 2
 * expectedExpertsTouched(256, 8, 64); // ≈ 221.5
 */
export function expectedExpertsTouched(experts: number, activeExperts: number, tokens: number): number {
  return experts * touchedFraction(experts, activeExperts, tokens);
}

/**
 * c(n): the expected largest of `n` independent standard normal draws, by Blom's plotting position
 * Φ⁻¹((n − 3/8)/(n + 1/4)) (G. Blom, "Statistical Estimates and Transformed Beta-Variables", 1958),
 * Φ⁻¹ by P. J. Acklam's rational approximation (relative error below 1.2e-9). Within 1% of the exact
 * expectation from n = 8 (1.434 against 1.424; 16: 1.768 against 1.766; 64: 2.336 against 2.338),
 * 4% at n = 2 (0.589 against 0.564). 0 for n ≤ 1: one draw is its own maximum, its mean.
 *
 * @example
 * expectedMaxStandardNormal(8); // ≈ 1.434
 */
export function expectedMaxStandardNormal(n: number): number {
  if (n <= 1) return 0;
  const p = (n - 0.375) / (n + 0.25);
  if (p > ACKLAM_HIGH) {
    // the upper tail (n ≥ 16)
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) * r + ACKLAM_A[5]) * q) /
    (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) * r + 1)
  );
}

// Acklam's coefficients for Φ⁻¹: the central region (a, b) and the tail (c, d), split at p = 0.97575.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const ACKLAM_HIGH = 1 - 0.02425;

/**
 * The busiest of `ep` expert-parallel ranks in one step (MODEL.md §4): its routings and the distinct
 * experts it reads. Every rank waits for the busiest, and at a small batch the random spread of the
 * routings, not the deployment's systematic skew, decides which that is.
 * - Routings: `T·k` of them (the group's tokens × top-k), each rank receiving a hypergeometric share of
 *   mean `μ = T·k/EP` and variance `T·k·(1/EP)(1 − 1/EP)·(E − k)/(E − 1)`; the busiest takes
 *   `max(μ·imbalance, μ + c(EP)·σ)`, the measured large-batch imbalance (EPLB's residual skew) or the
 *   spread, whichever is larger.
 * - Experts read: each of the rank's `S` slots is touched with probability `q = touchedFraction`,
 *   `S·q` on average with variance `S·q·(1 − q)`; the busiest reads `min(S, S·q + c(EP)·√(S·q·(1 − q)))`.
 * `c(EP)` is `expectedMaxStandardNormal(EP)`, normal approximations of the ranks' counts.
 *
 * @example
 * // DeepSeek-V3 at EP 8, 4 tokens: μ = 4, σ = √(32·(1/8)(7/8)·248/255) ≈ 1.845, busiest 4 + 1.434·1.845 ≈ 6.65 routings;
 * // S = 32, q = 1 − (1 − 8/256)^4 ≈ 0.1193: 3.82 experts on average, the busiest 3.82 + 1.434·√(3.82·0.8807) ≈ 6.45
 * busiestExpertRank(256, 8, 32, 8, 4, 1.11);
 */
export function busiestExpertRank(
  experts: number,
  activeExperts: number,
  slotsPerChip: number,
  ep: number,
  tokens: number,
  imbalance: number,
): { readonly routings: number; readonly expertsTouched: number } {
  const c = expectedMaxStandardNormal(ep);
  const routings = tokens * activeExperts;
  const share = 1 / ep;
  const mean = routings * share;
  // every token routing to every expert (k = E, E = 1 included) spreads nothing
  const finitePopulation = experts > activeExperts ? (experts - activeExperts) / (experts - 1) : 0;
  const sd = Math.sqrt(routings * share * (1 - share) * finitePopulation);
  const q = touchedFraction(experts, activeExperts, tokens);
  const touched = slotsPerChip * q;
  return {
    routings: Math.max(mean * imbalance, mean + c * sd),
    expertsTouched: Math.min(slotsPerChip, touched + c * Math.sqrt(touched * (1 - q))),
  };
}

/**
 * Bytes of `params` weights of which `attentionParams` are the attention block's projections:
 * those at `attentionWeights` where it is given and differs, the rest at `weights` (MODEL.md §1.2).
 *
 * @example
 * weightBytes(100e9, 10e9, { weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'fp8' }); // 90e9·0.5 + 10e9·1 = 55e9
 */
export function weightBytes(params: number, attentionParams: number, precision: PrecisionConfig): number {
  const bw = PRECISION_BYTES[precision.weights];
  const bwAttention = PRECISION_BYTES[precision.attentionWeights ?? precision.weights];
  // the same width (fp8 beside int8, bf16 beside fp16) is the one product, as the kernel computes it
  if (bwAttention === bw) return params * bw;
  return (params - attentionParams) * bw + attentionParams * bwAttention;
}
