import type { ModelSpec } from '@ridgeline/model';

/**
 * Gemma 3 27B, the text decoder of `Gemma3ForConditionalGeneration` (the 417M SigLIP vision
 * encoder is not modelled). GeGLU FFN (gated, `gelu_pytorch_tanh`), 32 query heads of dim 128
 * sharing 16 KV heads, tied embeddings. Five local layers (1024-token window) per global layer:
 * layer i is global when (i+1) % 6 = 0, so 10 of 62 layers are global and 52 windowed.
 *
 * The released `text_config` states neither `vocab_size` nor the pattern, so they are
 * `Gemma3TextConfig`'s defaults: 262,208 embedding rows (the 262,144-token vocabulary plus
 * padding) and `sliding_window_pattern` 6.
 *
 * @example
 * gemma3_27b.slidingWindow; // { windowTokens: 1024, windowedLayers: 52 }
 */
export const gemma3_27b: ModelSpec = {
  id: 'gemma-3-27b',
  name: 'Gemma 3 27B',
  layers: 62,
  hiddenSize: 5376,
  heads: 32,
  kvHeads: 16,
  headDim: 128,
  ffnHiddenSize: 21504,
  gatedFfn: true,
  vocabSize: 262208,
  tiedEmbeddings: true,
  slidingWindow: { windowTokens: 1024, windowedLayers: 52 },
  published: {
    totalParams: 27.016e9,
    source:
      'Gemma Team 2025, Gemma 3 Technical Report (arXiv 2503.19786), Table 1: 1,416M embedding + 25,600M ' +
      'non-embedding parameters for the text model (the 417M vision encoder is listed apart and not counted here)',
  },
  source:
    'Hugging Face google/gemma-3-27b-it config.json (text_config) with transformers Gemma3TextConfig defaults; ' +
    'Gemma 3 Technical Report (arXiv 2503.19786), §2',
};

/** Every Gemma entry. */
export const gemmaModels: readonly ModelSpec[] = [gemma3_27b];
