import type { ModelSpec } from '@ridgeline/model';

/**
 * gpt-oss-120b: 36 layers, each with 128 SwiGLU experts of hidden size 2880 (4 per token).
 * Attention alternates a 128-token banded window and full attention (`layer_types` starts with
 * `sliding_attention`), so 18 of the 36 layers are windowed. 64 query heads of dim 64 share 8 KV heads.
 *
 * OpenAI's active count (5.1B) includes the unembedding but not the input embedding, which is a
 * gather; `countParams(...).active` counts both, so it is 5.71e9 (the test compares like with like).
 *
 * @example
 * gptOss120b.slidingWindow; // { windowTokens: 128, windowedLayers: 18 }
 */
export const gptOss120b: ModelSpec = {
  id: 'gpt-oss-120b',
  name: 'gpt-oss-120b',
  layers: 36,
  hiddenSize: 2880,
  heads: 64,
  kvHeads: 8,
  headDim: 64,
  // No dense layers; the config's intermediate_size is the expert size.
  ffnHiddenSize: 2880,
  gatedFfn: true,
  vocabSize: 201088,
  tiedEmbeddings: false,
  moe: { experts: 128, activeExperts: 4, sharedExperts: 0, expertHiddenSize: 2880, denseLayers: 0 },
  slidingWindow: { windowTokens: 128, windowedLayers: 18 },
  published: {
    totalParams: 116.8e9,
    activeParams: 5.1e9,
    source:
      'OpenAI 2025, gpt-oss-120b & gpt-oss-20b Model Card (arXiv 2508.10925), §2.1 and Table 1: 116.8B total, ' +
      '5.1B active per token (active excludes the input embedding)',
  },
  source: 'Hugging Face openai/gpt-oss-120b config.json; gpt-oss model card (arXiv 2508.10925), §2.1',
};

/** Every OpenAI open-weight entry. */
export const gptOssModels: readonly ModelSpec[] = [gptOss120b];
