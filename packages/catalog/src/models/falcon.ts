import type { ModelSpec } from '@ridgeline/model';

/**
 * Falcon-180B: 80 layers, d 14848, 232 query heads of dim 64 in 8 KV groups, a plain GELU MLP
 * of 4·d, attention and MLP in parallel (`new_decoder_architecture`), vocabulary 65,024.
 * Embeddings are tied: `FalconConfig` keeps the `tie_word_embeddings: true` default and the
 * config.json does not override it.
 *
 * @example
 * getModel('tiiuae/falcon-180B')?.kvHeads; // 8
 */
export const falcon180b: ModelSpec = {
  id: 'falcon-180b',
  name: 'Falcon-180B',
  layers: 80,
  hiddenSize: 14848,
  heads: 232,
  kvHeads: 8,
  headDim: 64,
  ffnHiddenSize: 59392,
  gatedFfn: false,
  vocabSize: 65024,
  tiedEmbeddings: true,
  parallelAttentionFfn: true,
  published: {
    totalParams: 180e9,
    source: 'Almazrouei et al. 2023, The Falcon Series of Open Language Models (arXiv 2311.16867): 180B',
  },
  source: 'Hugging Face tiiuae/falcon-180B config.json; Falcon series paper (arXiv 2311.16867)',
};

/** Every Falcon entry. */
export const falconModels: readonly ModelSpec[] = [falcon180b];
