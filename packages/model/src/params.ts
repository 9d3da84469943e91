import type { ModelSpec } from './types.ts';

/** Parameter counts derived from a `ModelSpec` (MODEL.md §1.1). Norms and biases are not counted. */
export interface ParamCounts {
  /** P_attn of one layer. */
  readonly attentionPerLayer: number;
  /** P_ffn of one dense layer: (gated ? 3 : 2)·d·f. */
  readonly denseFfnPerLayer: number;
  /** Routed experts of one MoE layer: E·3·d·f_e. */
  readonly routedExpertsPerLayer: number;
  /** One routed expert: 3·d·f_e. */
  readonly expertParams: number;
  /** Shared experts of one MoE layer: E_s·3·d·f_e. */
  readonly sharedExpertsPerLayer: number;
  /** Router of one MoE layer: d·E. */
  readonly routerPerLayer: number;
  /** Layers with a dense FFN (all of them for dense models). */
  readonly denseLayers: number;
  /** Layers with experts. */
  readonly moeLayers: number;
  /** Input embedding table: V·d. */
  readonly embedding: number;
  /** Output head: V·d, or 0 when tied to the input embedding. */
  readonly lmHead: number;
  /** Every parameter. */
  readonly total: number;
  /** Parameters a token touches: all but the routed experts it is not sent to. */
  readonly active: number;
}

/**
 * P_attn for one layer: `d·d_h·(2h + 2h_kv)`, or the MLA form
 * `d·r_q + r_q·h·(d_nope+d_rope) + d·(r_kv+d_rope) + r_kv·h·(d_nope+d_v) + h·d_v·d`.
 *
 * @example
 * attentionParams(llama70b); // 8192·128·(2·64 + 2·8) = 150_994_944
 */
export function attentionParams(model: ModelSpec): number {
  const d = model.hiddenSize;
  const h = model.heads;
  const mla = model.mla;
  if (mla === undefined) return d * model.headDim * (2 * h + 2 * model.kvHeads);
  const qkHeadDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const query = mla.qLoraRank === 0 ? d * h * qkHeadDim : d * mla.qLoraRank + mla.qLoraRank * h * qkHeadDim;
  const kvDown = d * (mla.kvLoraRank + mla.qkRopeHeadDim);
  const kvUp = mla.kvLoraRank * h * (mla.qkNopeHeadDim + mla.vHeadDim);
  const out = h * mla.vHeadDim * d;
  return query + kvDown + kvUp + out;
}

/**
 * Parameter counts of a model, total and active per token.
 *
 * @example
 * countParams(deepseekV3).total; // ≈ 671e9
 * countParams(deepseekV3).active; // ≈ 37e9
 */
export function countParams(model: ModelSpec): ParamCounts {
  const d = model.hiddenSize;
  const L = model.layers;
  const moe = model.moe;
  const attentionPerLayer = attentionParams(model);
  const denseFfnPerLayer = (model.gatedFfn ? 3 : 2) * d * model.ffnHiddenSize;
  const expertParams = moe === undefined ? 0 : 3 * d * moe.expertHiddenSize;
  const routedExpertsPerLayer = moe === undefined ? 0 : moe.experts * expertParams;
  const sharedExpertsPerLayer = moe === undefined ? 0 : moe.sharedExperts * expertParams;
  const routerPerLayer = moe === undefined ? 0 : d * moe.experts;
  const denseLayers = moe === undefined ? L : moe.denseLayers;
  const moeLayers = L - denseLayers;
  const embedding = model.vocabSize * d;
  const lmHead = model.tiedEmbeddings ? 0 : model.vocabSize * d;
  const common = L * attentionPerLayer + denseLayers * denseFfnPerLayer + embedding + lmHead;
  const moeTotal = moeLayers * (routedExpertsPerLayer + sharedExpertsPerLayer + routerPerLayer);
  const activeExperts = moe === undefined ? 0 : moe.activeExperts;
  const moeActive = moeLayers * (activeExperts * expertParams + sharedExpertsPerLayer + routerPerLayer);
  return {
    attentionPerLayer,
    denseFfnPerLayer,
    routedExpertsPerLayer,
    expertParams,
    sharedExpertsPerLayer,
    routerPerLayer,
    denseLayers,
    moeLayers,
    embedding,
    lmHead,
    total: common + moeTotal,
    active: common + moeActive,
  };
}
