import type { ModelSpec } from '@ridgeline/model';

/**
 * Qwen3-235B-A22B: 94 MoE layers of 128 experts (8 per token, no shared expert), GQA with
 * 4 KV heads and head dim 128 (so h·d_h = 8192 ≠ d = 4096). The config's `intermediate_size`
 * (12,288) would size dense layers; this model has none (`mlp_only_layers` is empty).
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(qwen3_235bA22b).active; // ≈ 22e9
 */
export const qwen3_235bA22b: ModelSpec = {
  id: 'qwen3-235b-a22b',
  name: 'Qwen3-235B-A22B',
  layers: 94,
  hiddenSize: 4096,
  heads: 64,
  kvHeads: 4,
  headDim: 128,
  ffnHiddenSize: 12288,
  gatedFfn: true,
  vocabSize: 151936,
  tiedEmbeddings: false,
  moe: { experts: 128, activeExperts: 8, sharedExperts: 0, expertHiddenSize: 1536, denseLayers: 0 },
  published: {
    totalParams: 235e9,
    activeParams: 22e9,
    source: 'Hugging Face Qwen/Qwen3-235B-A22B model card: 235B in total and 22B activated; Qwen3 Technical Report (arXiv 2505.09388), Table 2',
  },
  source: 'Hugging Face Qwen/Qwen3-235B-A22B config.json',
};

/**
 * Qwen3-30B-A3B: Qwen3-235B-A22B's design at 48 layers of d 2048: 32 query heads over 4 KV heads of
 * 128, and every layer's FFN 128 experts of hidden size 768, 8 routed per token, no shared expert.
 * The config's `intermediate_size` (6,144) would size dense layers; this model has none.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(qwen3_30bA3b).active; // ≈ 3.3e9 of ≈ 30.5e9
 */
export const qwen3_30bA3b: ModelSpec = {
  id: 'qwen3-30b-a3b',
  name: 'Qwen3-30B-A3B',
  layers: 48,
  hiddenSize: 2048,
  heads: 32,
  kvHeads: 4,
  headDim: 128,
  ffnHiddenSize: 6144,
  gatedFfn: true,
  vocabSize: 151936,
  tiedEmbeddings: false,
  moe: { experts: 128, activeExperts: 8, sharedExperts: 0, expertHiddenSize: 768, denseLayers: 0 },
  published: {
    totalParams: 30.5e9,
    activeParams: 3.3e9,
    source: 'Hugging Face Qwen/Qwen3-30B-A3B model card: 30.5B in total and 3.3B activated; Qwen3 Technical Report (arXiv 2505.09388), Table 2',
  },
  source: 'Hugging Face Qwen/Qwen3-30B-A3B config.json (48 layers, hidden 2048, 32/4 heads of 128, 128 experts of 768, 8 per token, vocabulary 151,936, untied)',
};

/** Every Qwen entry. */
export const qwenModels: readonly ModelSpec[] = [qwen3_235bA22b, qwen3_30bA3b];
