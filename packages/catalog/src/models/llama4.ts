import type { ModelSpec } from '@ridgeline/model';

/**
 * What Scout and Maverick share (their configs' text_config): 48 layers of d 5120, 40 query heads
 * over 8 KV heads of 128, SwiGLU, `intermediate_size_mlp` 16,384 for a dense layer, an untied
 * vocabulary of 202,048, and chunked attention as a window of 8,192 on 36 of the 48 layers.
 */
const LLAMA4_TEXT = {
  layers: 48,
  hiddenSize: 5120,
  heads: 40,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 16384,
  gatedFfn: true,
  vocabSize: 202048,
  tiedEmbeddings: false,
  slidingWindow: { windowTokens: 8192, windowedLayers: 36 },
} as const satisfies Partial<ModelSpec>;

/**
 * Llama 4 Scout: 48 layers of d 5120, 40 query heads over 8 KV heads of 128, and every layer's FFN
 * 16 SwiGLU experts of hidden size 8,192 with one routed per token plus one shared expert of the
 * same size (`interleave_moe_layer_step` 1). Three layers in four attend within 8,192-token chunks
 * (`attention_chunk_size`; the fourth, without RoPE, attends to everything): modelled as a window of
 * 8,192 on 36 of the 48 layers, which holds as much KV cache and reads at least as much as the
 * chunks do (a chunk holds between 1 and 8,192 tokens). The vision encoder is not modelled.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(llama4Scout).active; // ≈ 17.2e9 of ≈ 107.8e9
 */
export const llama4Scout: ModelSpec = {
  id: 'llama-4-scout',
  name: 'Llama 4 Scout (17B-16E)',
  // ffnHiddenSize (intermediate_size_mlp) is what a dense layer would have; Scout has none
  ...LLAMA4_TEXT,
  moe: { experts: 16, activeExperts: 1, sharedExperts: 1, expertHiddenSize: 8192, denseLayers: 0 },
  published: {
    totalParams: 109e9,
    activeParams: 17e9,
    source: 'Meta, Llama 4 model card (meta-llama/Llama-4-Scout-17B-16E): 17B activated, 109B total parameters (the total includes the vision encoder)',
  },
  source:
    'Hugging Face meta-llama/Llama-4-Scout-17B-16E config.json text_config (48 layers, hidden 5120, 40/8 heads of 128, ' +
    '16 local experts of 8192, 1 per token, a shared expert, interleave_moe_layer_step 1, attention_chunk_size 8192, vocabulary 202,048, untied)',
};

/**
 * Llama 4 Maverick: Scout's attention and width, with MoE and dense layers alternating
 * (`interleave_moe_layer_step` 2): 24 MoE layers of 128 SwiGLU experts of hidden size 8,192, one
 * routed per token plus one shared expert, and 24 dense layers of FFN 16,384 (`intermediate_size_mlp`).
 * Ridgeline counts the dense layers as `moe.denseLayers`, which it places first: everything on one
 * pipeline stage is exact, and with pipeline parallelism the slowest stage is taken as all MoE
 * layers, where alternating layers split them evenly (that stage's experts overstated by up to 2×).
 * Chunked attention as Scout's (a window of 8,192 on 36 of 48 layers).
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(llama4Maverick).total; // ≈ 400.7e9
 */
export const llama4Maverick: ModelSpec = {
  id: 'llama-4-maverick',
  name: 'Llama 4 Maverick (17B-128E)',
  ...LLAMA4_TEXT,
  moe: { experts: 128, activeExperts: 1, sharedExperts: 1, expertHiddenSize: 8192, denseLayers: 24 },
  published: {
    totalParams: 400e9,
    activeParams: 17e9,
    source: 'Meta, Llama 4 model card (meta-llama/Llama-4-Maverick-17B-128E): 17B activated, 400B total parameters',
  },
  source:
    'Hugging Face meta-llama/Llama-4-Maverick-17B-128E config.json text_config, as NVIDIA/TensorRT-LLM ' +
    'tests/unittest/_torch/modeling/test_modeling_llama_min_latency.py restates it (hidden 5120, 40/8 heads of 128, ' +
    '128 local experts of 8192, 1 per token, intermediate_size_mlp 16384, interleave_moe_layer_step 2, attention_chunk_size 8192, ' +
    'vocabulary 202,048; 48 layers, which the test cuts to 2)',
};

/** Every Llama 4 entry. */
export const llama4Models: readonly ModelSpec[] = [llama4Scout, llama4Maverick];
