import type { ModelSpec } from '@ridgeline/model';

// GPT-3-style dense decoders: multi-head attention, a plain 2-matrix GELU MLP of 4·d, tied
// input/output embeddings, learned positional embeddings (not counted, like norms and biases).
// The FasterTransformer benchmarks (NVIDIA/FasterTransformer docs/gpt_guide.md, "Performance")
// run GPT models given as head_num × size_per_head, num_layers and vocab_size 51200
// (Megatron's padded GPT-2 vocabulary), with inter_size = 4·head_num·size_per_head.

/**
 * GPT-3 175B: 96 layers, d 12288, 96 heads of dim 128, GPT-2 BPE vocabulary of 50,257.
 * FasterTransformer's "GPT-175B" is this shape with Megatron's padded vocabulary of 51,200
 * (11.6M more embedding parameters, 0.007 %).
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(gpt3_175b).total; // ≈ 174.6e9 (+ 25M learned positions, not counted)
 */
export const gpt3_175b: ModelSpec = {
  id: 'gpt-3-175b',
  name: 'GPT-3 175B',
  layers: 96,
  hiddenSize: 12288,
  heads: 96,
  kvHeads: 96,
  headDim: 128,
  ffnHiddenSize: 49152,
  gatedFfn: false,
  vocabSize: 50257,
  tiedEmbeddings: true,
  published: {
    totalParams: 175e9,
    source: 'Brown et al. 2020, Language Models are Few-Shot Learners (arXiv 2005.14165), Table 2.1: 175.0B',
  },
  source: 'Brown et al. 2020 (arXiv 2005.14165), Table 2.1 and §2.1 (GPT-2 architecture, d_ff = 4·d_model)',
};

/**
 * GPT-20B as benchmarked by FasterTransformer: 44 layers, 48 heads × 128 = d 6144.
 *
 * @example
 * getModel('gpt-20b')?.hiddenSize; // 6144
 */
export const gpt20b: ModelSpec = {
  id: 'gpt-20b',
  name: 'GPT-20B (FasterTransformer benchmark)',
  layers: 44,
  hiddenSize: 6144,
  heads: 48,
  kvHeads: 48,
  headDim: 128,
  ffnHiddenSize: 24576,
  gatedFfn: false,
  vocabSize: 51200,
  tiedEmbeddings: true,
  published: {
    // Only the model's name states a size; the derived count is 20.25e9.
    totalParams: 20e9,
    source: 'NVIDIA/FasterTransformer docs/gpt_guide.md, "Performance of GPT-20B" (name only)',
  },
  source: 'NVIDIA/FasterTransformer docs/gpt_guide.md, "Performance of GPT-20B": head_num 48, size_per_head 128, num_layers 44, vocab_size 51200',
};

/**
 * GPT-6.7B as benchmarked by FasterTransformer: 32 layers, 32 heads × 128 = d 4096, the shape of
 * GPT-3 6.7B (Brown et al. 2020, Table 2.1).
 *
 * @example
 * getModel('gpt-6.7b')?.layers; // 32
 */
export const gpt6_7b: ModelSpec = {
  id: 'gpt-6.7b',
  name: 'GPT-6.7B (FasterTransformer benchmark)',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 32,
  headDim: 128,
  ffnHiddenSize: 16384,
  gatedFfn: false,
  vocabSize: 51200,
  tiedEmbeddings: true,
  published: {
    totalParams: 6.7e9,
    source: 'Brown et al. 2020 (arXiv 2005.14165), Table 2.1: GPT-3 6.7B, same layers, d_model and heads',
  },
  source: 'NVIDIA/FasterTransformer docs/gpt_guide.md, "Performance of GPT-6.7B": head_num 32, size_per_head 128, num_layers 32, vocab_size 51200',
};

/**
 * Megatron-Turing NLG 530B as benchmarked by FasterTransformer: 105 layers, 128 heads × 160 = d 20480.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(megatron530b).total; // ≈ 529.5e9
 */
export const megatron530b: ModelSpec = {
  id: 'megatron-530b',
  name: 'Megatron-Turing NLG 530B',
  layers: 105,
  hiddenSize: 20480,
  heads: 128,
  kvHeads: 128,
  headDim: 160,
  ffnHiddenSize: 81920,
  gatedFfn: false,
  vocabSize: 51200,
  tiedEmbeddings: true,
  published: {
    totalParams: 530e9,
    source:
      'Smith et al. 2022, Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B (arXiv 2201.11990): 530B; ' +
      'Narayanan et al. 2021 (SC21), Table 1, lists this shape as 529.6B',
  },
  source:
    'NVIDIA/FasterTransformer docs/gpt_guide.md, "Performance of Megatron-530B": head_num 128, size_per_head 160, ' +
    'num_layers 105, vocab_size 51200; Smith et al. 2022 (arXiv 2201.11990), §3',
};

/** Every GPT-3-style entry. */
export const gptModels: readonly ModelSpec[] = [gpt3_175b, gpt20b, gpt6_7b, megatron530b];
