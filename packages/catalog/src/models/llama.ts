import type { ModelSpec } from '@ridgeline/model';

// Meta's Llama family: pre-norm decoders with SwiGLU FFNs, RoPE and untied input/output embeddings.

/**
 * Llama 3.1 8B: GQA with 8 KV heads, vocabulary 128,256.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(llama31_8b).total; // 8_029_995_008 ≈ 8.03e9
 */
export const llama31_8b: ModelSpec = {
  id: 'llama-3.1-8b',
  name: 'Llama 3.1 8B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 14336,
  gatedFfn: true,
  vocabSize: 128256,
  tiedEmbeddings: false,
  published: {
    totalParams: 8e9,
    source: 'Llama Team 2024, The Llama 3 Herd of Models (arXiv 2407.21783), Table 3: 8B',
  },
  source: 'Hugging Face meta-llama/Llama-3.1-8B config.json; Llama 3 Herd of Models (arXiv 2407.21783), Table 3',
};

/**
 * Llama 3.1 70B: 80 layers, d 8192, 64 query heads sharing 8 KV heads.
 *
 * @example
 * import { attentionParams } from '@ridgeline/model';
 * attentionParams(llama31_70b); // 8192·128·(2·64 + 2·8) = 150_994_944
 */
export const llama31_70b: ModelSpec = {
  id: 'llama-3.1-70b',
  name: 'Llama 3.1 70B',
  layers: 80,
  hiddenSize: 8192,
  heads: 64,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 28672,
  gatedFfn: true,
  vocabSize: 128256,
  tiedEmbeddings: false,
  published: {
    totalParams: 70e9,
    source: 'Llama Team 2024, The Llama 3 Herd of Models (arXiv 2407.21783), Table 3: 70B',
  },
  source: 'Hugging Face meta-llama/Llama-3.1-70B config.json; Llama 3 Herd of Models (arXiv 2407.21783), Table 3',
};

/**
 * Llama 3.1 405B: 126 layers, d 16384, 128 query heads sharing 8 KV heads, FFN 53,248.
 *
 * @example
 * getModel('llama-3.1-405b')?.layers; // 126
 */
export const llama31_405b: ModelSpec = {
  id: 'llama-3.1-405b',
  name: 'Llama 3.1 405B',
  layers: 126,
  hiddenSize: 16384,
  heads: 128,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 53248,
  gatedFfn: true,
  vocabSize: 128256,
  tiedEmbeddings: false,
  published: {
    totalParams: 405e9,
    source: 'Llama Team 2024, The Llama 3 Herd of Models (arXiv 2407.21783), Table 3: 405B',
  },
  source: 'Hugging Face meta-llama/Llama-3.1-405B config.json; Llama 3 Herd of Models (arXiv 2407.21783), Table 3',
};

/**
 * Llama 2 7B: multi-head attention (32 KV heads), vocabulary 32,000; the LLaMA 7B shape.
 *
 * @example
 * getModel('meta-llama/Llama-2-7b-hf')?.kvHeads; // 32
 */
export const llama2_7b: ModelSpec = {
  id: 'llama-2-7b',
  name: 'Llama 2 7B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 32,
  headDim: 128,
  ffnHiddenSize: 11008,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  published: {
    totalParams: 6.7e9,
    source:
      'Touvron et al. 2023, LLaMA (arXiv 2302.13971), Table 2: 6.7B. Llama 2 7B keeps that architecture ' +
      '(Touvron et al. 2023, Llama 2, arXiv 2307.09288, §2.2), whose Table 1 rounds it to 7B',
  },
  source: 'Hugging Face meta-llama/Llama-2-7b-hf config.json',
};

/**
 * Llama 2 13B: 40 layers, d 5120, multi-head attention.
 *
 * @example
 * getModel('llama-2-13b')?.hiddenSize; // 5120
 */
export const llama2_13b: ModelSpec = {
  id: 'llama-2-13b',
  name: 'Llama 2 13B',
  layers: 40,
  hiddenSize: 5120,
  heads: 40,
  kvHeads: 40,
  headDim: 128,
  ffnHiddenSize: 13824,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  published: {
    totalParams: 13.0e9,
    source:
      'Touvron et al. 2023, LLaMA (arXiv 2302.13971), Table 2: 13.0B; Llama 2 13B keeps that architecture ' +
      '(Llama 2, arXiv 2307.09288, §2.2)',
  },
  source: 'Hugging Face meta-llama/Llama-2-13b-hf config.json',
};

/**
 * Llama 2 70B: the first Llama with GQA (8 KV heads); vocabulary 32,000.
 *
 * @example
 * getModel('llama2-70b')?.kvHeads; // 8
 */
export const llama2_70b: ModelSpec = {
  id: 'llama-2-70b',
  name: 'Llama 2 70B',
  layers: 80,
  hiddenSize: 8192,
  heads: 64,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 28672,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  published: {
    // The paper gives only the rounded size; the derived count is 68.98e9 (1.5 % under).
    totalParams: 70e9,
    source: 'Touvron et al. 2023, Llama 2 (arXiv 2307.09288), Table 1: 70B',
  },
  source: 'Hugging Face meta-llama/Llama-2-70b-hf config.json',
};

/**
 * LLaMA (1) 7B: 32 layers, d 4096, 32 heads (MHA), vocabulary 32,000.
 *
 * @example
 * getModel('llama-7b')?.ffnHiddenSize; // 11008
 */
export const llama1_7b: ModelSpec = {
  id: 'llama-7b',
  name: 'LLaMA 7B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 32,
  headDim: 128,
  ffnHiddenSize: 11008,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  published: {
    totalParams: 6.7e9,
    source: 'Touvron et al. 2023, LLaMA (arXiv 2302.13971), Table 2: 6.7B',
  },
  source:
    'Touvron et al. 2023, LLaMA (arXiv 2302.13971), Table 2 (layers, d, heads); FFN 11008 = 2/3·4d rounded up ' +
    'to a multiple of 256, as in the released params.json and the Hugging Face LLaMA conversion (huggyllama/llama-7b config.json)',
};

/** Every Llama entry, newest first. */
export const llamaModels: readonly ModelSpec[] = [
  llama31_8b,
  llama31_70b,
  llama31_405b,
  llama2_7b,
  llama2_13b,
  llama2_70b,
  llama1_7b,
];
