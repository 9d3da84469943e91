import type { ModelSpec } from '@ridgeline/model';

// PaLM (Chowdhery et al. 2022, arXiv 2204.02311, §2 and Table 1): SwiGLU with f = 4·d, multi-query
// attention (one shared K/V head), the "parallel" layer formulation, shared input-output
// embeddings, a 256k SentencePiece vocabulary, no biases. No checkpoint or config.json was released.

/**
 * PaLM 540B: 118 layers, d 18432, 48 query heads of dim 256 (h·d_h = 12288 ≠ d), one KV head.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(palm540b).total; // ≈ 540.35e9
 */
export const palm540b: ModelSpec = {
  id: 'palm-540b',
  name: 'PaLM 540B',
  layers: 118,
  hiddenSize: 18432,
  heads: 48,
  kvHeads: 1,
  headDim: 256,
  ffnHiddenSize: 73728,
  gatedFfn: true,
  vocabSize: 256000,
  tiedEmbeddings: true,
  parallelAttentionFfn: true,
  published: {
    totalParams: 540.35e9,
    source: 'Chowdhery et al. 2022, PaLM (arXiv 2204.02311), Table 1: 540.35B',
  },
  source: 'Chowdhery et al. 2022, PaLM (arXiv 2204.02311), §2 and Table 1',
};

/**
 * PaLM 62B: 64 layers, d 8192, 32 query heads of dim 256, one KV head.
 *
 * @example
 * getModel('palm-62b')?.ffnHiddenSize; // 32768
 */
export const palm62b: ModelSpec = {
  id: 'palm-62b',
  name: 'PaLM 62B',
  layers: 64,
  hiddenSize: 8192,
  heads: 32,
  kvHeads: 1,
  headDim: 256,
  ffnHiddenSize: 32768,
  gatedFfn: true,
  vocabSize: 256000,
  tiedEmbeddings: true,
  parallelAttentionFfn: true,
  published: {
    totalParams: 62.5e9,
    source: 'Chowdhery et al. 2022, PaLM (arXiv 2204.02311), Table 1: 62.50B',
  },
  source: 'Chowdhery et al. 2022, PaLM (arXiv 2204.02311), §2 and Table 1',
};

/** Every PaLM entry. */
export const palmModels: readonly ModelSpec[] = [palm540b, palm62b];
