import type { ModelSpec } from './types.ts';

/**
 * The kernels one decoder layer launches in a decode step of a CUDA-graph serving stack, by block
 * (docs/MODEL.md §2, "Per-layer overhead"). A layer's fixed overhead is a cost per kernel (the
 * gap and tail every launch leaves, even inside a graph), so a DeepSeek-V3 MoE layer, which runs
 * twenty kernels, pays more than twice what a dense Llama layer of nine does. Counted from the
 * stacks' layer code (SGLang, TensorRT-LLM, vLLM); fused pairs count once; the collectives are
 * costed by their own α (§3) and not counted here.
 */
export const LAYER_KERNELS = {
  /** MHA/GQA/MQA: input norm, QKV projection, RoPE + KV-cache write, attention, output projection. */
  attention: 5,
  /**
   * MLA: input norm, joint q/kv down-projection, the latent norms, q up-projection, query
   * absorption (q·W_UK), RoPE + KV-cache write, attention, value absorption (·W_UV), output projection.
   */
  latentAttention: 9,
  /** A dense FFN: norm, (gate-)up projection, activation, down projection. */
  denseFfn: 4,
  /** Routed experts: norm, router, top-k, dispatch, expert up, activation, expert down, combine. */
  routedExperts: 8,
  /** Shared experts beside them: (gate-)up, activation, down. */
  sharedExperts: 3,
} as const;

/** The reference layer t_layer is stated for: standard attention and a dense FFN, 9 kernels. */
export const REFERENCE_LAYER_KERNELS: number = LAYER_KERNELS.attention + LAYER_KERNELS.denseFfn;

/** κ: a layer's kernels over the reference layer's, for the model's dense and MoE layers. */
export interface LayerKernelWeights {
  readonly dense: number;
  readonly moe: number;
}

/**
 * κ_dense and κ_moe: what a dense layer and an MoE layer of `model` pay of t_layer (docs/MODEL.md §2).
 * A stage's overhead is `(L_dense·κ_dense + L_moe·κ_moe)·t_layer`.
 *
 * @example
 * layerKernelWeights(llama31_70b); // { dense: 1, moe: 1 }
 * layerKernelWeights(deepseekV3); // { dense: 13/9, moe: 20/9 }
 */
export function layerKernelWeights(model: ModelSpec): LayerKernelWeights {
  const attention = model.mla === undefined ? LAYER_KERNELS.attention : LAYER_KERNELS.latentAttention;
  const moe = model.moe;
  const moeFfn = moe === undefined ? LAYER_KERNELS.denseFfn : LAYER_KERNELS.routedExperts + (moe.sharedExperts > 0 ? LAYER_KERNELS.sharedExperts : 0);
  return {
    dense: (attention + LAYER_KERNELS.denseFfn) / REFERENCE_LAYER_KERNELS,
    moe: (attention + moeFfn) / REFERENCE_LAYER_KERNELS,
  };
}
