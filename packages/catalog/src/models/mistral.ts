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

/**
 * Mixtral 8x22B: Mixtral 8x7B's design at 56 layers of d 6144: 48 query heads over 8 KV heads of
 * 128, and every layer's FFN 8 SwiGLU experts of hidden size 16,384, 2 routed per token.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(mixtral8x22b).active; // ≈ 39.2e9 of ≈ 140.6e9
 */
export const mixtral8x22b: ModelSpec = {
  id: 'mixtral-8x22b',
  name: 'Mixtral 8x22B',
  layers: 56,
  hiddenSize: 6144,
  heads: 48,
  kvHeads: 8,
  headDim: 128,
  // No dense layers; the config's intermediate_size is the expert size.
  ffnHiddenSize: 16384,
  gatedFfn: true,
  // The v3 tokenizer's 32,768 rows (Hugging Face mistralai/Mixtral-8x22B-v0.1, and the MaxText
  // config that MaxText trains); the first community conversion of the weights had 32,000.
  vocabSize: 32768,
  tiedEmbeddings: false,
  moe: { experts: 8, activeExperts: 2, sharedExperts: 0, expertHiddenSize: 16384, denseLayers: 0 },
  published: {
    totalParams: 141e9,
    activeParams: 39e9,
    source:
      'Mistral AI, "Cheaper, Better, Faster, Stronger" (Mixtral 8x22B announcement, 2024-04-17): ' +
      '39B active parameters out of 141B, as quoted by the DAIR.AI Prompt Engineering Guide (models/mixtral-8x22b)',
  },
  source:
    'AI-Hypercomputer/maxtext MaxText/configs/models/mixtral-8x22b.yml @ 13ddcbf9ec877d513a9f164ce72280f0cd0f0df1 ' +
    '(base_emb_dim 6144, base_num_query_heads 48, base_num_kv_heads 8, base_mlp_dim 16384, base_num_decoder_layers 56, ' +
    'head_dim 128, silu·linear MLP, vocab_size 32768, logits_via_embedding False, num_experts 8, num_experts_per_tok 2), ' +
    'a transcription of Hugging Face mistralai/Mixtral-8x22B-v0.1 config.json',
};

/** Every Mistral AI entry. */
export const mistralModels: readonly ModelSpec[] = [mixtral8x7b, mixtral8x22b];
