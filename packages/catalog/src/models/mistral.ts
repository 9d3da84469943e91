import type { ModelSpec } from '@ridgeline/model';

/**
 * Mixtral 8x7B: every layer's FFN is 8 SwiGLU experts of hidden size 14,336, 2 routed per token;
 * attention is Mistral 7B's (32 heads, 8 KV heads). The config's `sliding_window` is null: full attention.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(mixtral8x7b).active; // ≈ 12.9e9 of ≈ 46.7e9
 */
export const mixtral8x7b: ModelSpec = {
  id: 'mixtral-8x7b',
  name: 'Mixtral 8x7B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  // No dense layers; the config's intermediate_size is the expert size.
  ffnHiddenSize: 14336,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  moe: { experts: 8, activeExperts: 2, sharedExperts: 0, expertHiddenSize: 14336, denseLayers: 0 },
  published: {
    totalParams: 46.7e9,
    activeParams: 12.9e9,
    source:
      'Mistral AI, "Mixtral of experts" (2023-12-11 announcement): 46.7B total, 12.9B used per token; ' +
      'Jiang et al. 2024 (arXiv 2401.04088) round these to 47B / 13B',
  },
  source: 'Hugging Face mistralai/Mixtral-8x7B-v0.1 config.json; Jiang et al. 2024, Mixtral of Experts (arXiv 2401.04088), Table 1',
};

/** Every Mistral AI entry. */
export const mistralModels: readonly ModelSpec[] = [mixtral8x7b];
