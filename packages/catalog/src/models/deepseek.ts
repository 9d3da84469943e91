import type { ModelSpec } from '@ridgeline/model';

/**
 * DeepSeek-V3: multi-head latent attention (MLA) and DeepSeekMoE, 256 routed experts (8 per
 * token) plus 1 shared expert in layers 4–61, dense SwiGLU FFNs (18,432) in the first 3 layers.
 *
 * The Hugging Face checkpoint holds 685B parameters: the 671B main model plus the 14B
 * multi-token-prediction (MTP) module (`mtpModules: 1`), which serving stacks use as the drafter of
 * speculative decoding (`speculative: { mode: 'mtp' }`); parameter counts leave it out, as the paper's 671B does.
 *
 * `headDim` is the query/key head dim `qk_nope + qk_rope` = 192 and `kvHeads` the config's
 * `num_key_value_heads`; with `mla` set, the model package derives attention and the KV cache
 * from the MLA ranks instead.
 *
 * @example
 * import { countParams } from '@ridgeline/model';
 * countParams(deepseekV3).total; // ≈ 671e9
 */
export const deepseekV3: ModelSpec = {
  id: 'deepseek-v3',
  name: 'DeepSeek-V3',
  layers: 61,
  hiddenSize: 7168,
  heads: 128,
  kvHeads: 128,
  headDim: 192,
  ffnHiddenSize: 18432,
  gatedFfn: true,
  vocabSize: 129280,
  tiedEmbeddings: false,
  moe: { experts: 256, activeExperts: 8, sharedExperts: 1, expertHiddenSize: 2048, denseLayers: 3 },
  mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
  mtpModules: 1,
  published: {
    totalParams: 671e9,
    activeParams: 37e9,
    source:
      'DeepSeek-AI 2024, DeepSeek-V3 Technical Report (arXiv 2412.19437), abstract: 671B total, 37B ' +
      'activated per token (the 685B on Hugging Face adds the 14B MTP module)',
  },
  source: 'Hugging Face deepseek-ai/DeepSeek-V3 config.json; DeepSeek-V3 Technical Report (arXiv 2412.19437), §4.2',
};

/** Every DeepSeek entry. */
export const deepseekModels: readonly ModelSpec[] = [deepseekV3];
