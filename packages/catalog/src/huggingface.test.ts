import { countParams, type ModelSpec } from '@ridgeline/model';
import { describe, expect, test } from 'vitest';
import { ConfigError, fromHuggingFaceConfig } from './huggingface.ts';
import { deepseekV3 } from './models/deepseek.ts';
import { falcon180b } from './models/falcon.ts';
import { gemma3_27b } from './models/gemma.ts';
import { gptOss120b } from './models/gpt-oss.ts';
import { gpt3_175b } from './models/gpt.ts';
import { llama31_8b } from './models/llama.ts';
import { mixtral8x7b } from './models/mistral.ts';
import { qwen3_235bA22b } from './models/qwen.ts';

// The configs below are copied from the models' Hugging Face config.json files, abridged: fields
// that do not shape the parameters (token ids, dropout, RoPE, dtype, versions) are mostly left out.

const llama31_8bConfig = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  vocab_size: 128256,
};

const mixtralConfig = {
  architectures: ['MixtralForCausalLM'],
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mixtral',
  num_attention_heads: 32,
  num_experts_per_tok: 2,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 1e6,
  router_aux_loss_coef: 0.02,
  sliding_window: null,
  tie_word_embeddings: false,
  vocab_size: 32000,
};

const deepseekV3Config = {
  architectures: ['DeepseekV3ForCausalLM'],
  first_k_dense_replace: 3,
  hidden_act: 'silu',
  hidden_size: 7168,
  intermediate_size: 18432,
  kv_lora_rank: 512,
  max_position_embeddings: 163840,
  model_type: 'deepseek_v3',
  moe_intermediate_size: 2048,
  moe_layer_freq: 1,
  n_group: 8,
  n_routed_experts: 256,
  n_shared_experts: 1,
  norm_topk_prob: true,
  num_attention_heads: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 61,
  num_key_value_heads: 128,
  num_nextn_predict_layers: 1,
  q_lora_rank: 1536,
  qk_nope_head_dim: 128,
  qk_rope_head_dim: 64,
  routed_scaling_factor: 2.5,
  scoring_func: 'sigmoid',
  tie_word_embeddings: false,
  topk_group: 4,
  topk_method: 'noaux_tc',
  v_head_dim: 128,
  vocab_size: 129280,
};

const qwen3MoeConfig = {
  architectures: ['Qwen3MoeForCausalLM'],
  attention_bias: false,
  decoder_sparse_step: 1,
  head_dim: 128,
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 12288,
  max_position_embeddings: 40960,
  max_window_layers: 94,
  mlp_only_layers: [],
  model_type: 'qwen3_moe',
  moe_intermediate_size: 1536,
  norm_topk_prob: true,
  num_attention_heads: 64,
  num_experts: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 94,
  num_key_value_heads: 4,
  rope_theta: 1e6,
  sliding_window: null,
  tie_word_embeddings: false,
  use_sliding_window: false,
  vocab_size: 151936,
};

// google/gemma-3-27b-it: the text model's fields sit in text_config, which leaves vocab_size,
// tie_word_embeddings and the sliding-window pattern to Gemma3TextConfig's defaults.
const gemma3Config = {
  architectures: ['Gemma3ForConditionalGeneration'],
  boi_token_index: 255999,
  eoi_token_index: 256000,
  eos_token_id: [1, 106],
  image_token_index: 262144,
  initializer_range: 0.02,
  mm_tokens_per_image: 256,
  model_type: 'gemma3',
  text_config: {
    head_dim: 128,
    hidden_size: 5376,
    intermediate_size: 21504,
    model_type: 'gemma3_text',
    num_attention_heads: 32,
    num_hidden_layers: 62,
    num_key_value_heads: 16,
    query_pre_attn_scalar: 168,
    rope_scaling: { factor: 8.0, rope_type: 'linear' },
    sliding_window: 1024,
  },
  torch_dtype: 'bfloat16',
  vision_config: {
    hidden_size: 1152,
    image_size: 896,
    intermediate_size: 4304,
    model_type: 'siglip_vision_model',
    num_attention_heads: 16,
    num_hidden_layers: 27,
    patch_size: 14,
    vision_use_head: false,
  },
};

const gptOss120bConfig = {
  architectures: ['GptOssForCausalLM'],
  attention_bias: true,
  experts_per_token: 4,
  head_dim: 64,
  hidden_act: 'silu',
  hidden_size: 2880,
  intermediate_size: 2880,
  layer_types: Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention')),
  max_position_embeddings: 131072,
  model_type: 'gpt_oss',
  num_attention_heads: 64,
  num_experts_per_tok: 4,
  num_hidden_layers: 36,
  num_key_value_heads: 8,
  num_local_experts: 128,
  rope_theta: 150000,
  sliding_window: 128,
  swiglu_limit: 7.0,
  tie_word_embeddings: false,
  vocab_size: 201088,
};

const falcon180bConfig = {
  alibi: false,
  architectures: ['FalconForCausalLM'],
  bias: false,
  hidden_size: 14848,
  layer_norm_epsilon: 1e-5,
  model_type: 'falcon',
  multi_query: true,
  new_decoder_architecture: true,
  num_attention_heads: 232,
  num_hidden_layers: 80,
  num_kv_heads: 8,
  parallel_attn: true,
  vocab_size: 65024,
};

// openai-community/gpt2 (GPT-2 small): GPT-2 names, no n_inner (→ 4·d), tied embeddings by default.
const gpt2Config = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  vocab_size: 50257,
};

/** The fields a config.json determines: everything but id, name, source and published. */
function architectureOf(model: ModelSpec): Omit<ModelSpec, 'id' | 'name' | 'source' | 'published'> {
  const { id: _id, name: _name, source: _source, published: _published, ...architecture } = model;
  return architecture;
}

function configError(config: unknown): ConfigError {
  try {
    fromHuggingFaceConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function messageOf(config: unknown): string {
  return configError(config).message;
}

describe('fromHuggingFaceConfig reproduces the catalog', () => {
  test.each([
    ['Llama 3.1 8B', llama31_8bConfig, llama31_8b],
    ['Mixtral 8x7B', mixtralConfig, mixtral8x7b],
    ['DeepSeek-V3', deepseekV3Config, deepseekV3],
    ['Qwen3-235B-A22B (Qwen3-MoE)', qwen3MoeConfig, qwen3_235bA22b],
    ['Gemma 3 27B (nested text_config)', gemma3Config, gemma3_27b],
    ['gpt-oss-120b', gptOss120bConfig, gptOss120b],
    ['Falcon-180B', falcon180bConfig, falcon180b],
  ] as const)('%s', (_name, config, expected) => {
    const model = fromHuggingFaceConfig(config, { id: expected.id });
    expect(model).toMatchObject(architectureOf(expected));
    expect(architectureOf(model)).toEqual(architectureOf(expected));
    expect(countParams(model).total).toBe(countParams(expected).total);
  });

  test('a GPT-2 style config of GPT-3 175B reproduces gpt-3-175b', () => {
    const config = { ...gpt2Config, n_ctx: 2048, n_positions: 2048, n_embd: 12288, n_head: 96, n_layer: 96 };
    expect(architectureOf(fromHuggingFaceConfig(config))).toEqual(architectureOf(gpt3_175b));
  });
});

describe('fromHuggingFaceConfig reads each family', () => {
  test('GPT-2: n_layer/n_embd/n_head, FFN 4·d, plain GELU MLP, tied embeddings', () => {
    expect(fromHuggingFaceConfig(gpt2Config)).toEqual({
      id: 'hf-gpt2',
      name: 'GPT2LMHeadModel',
      layers: 12,
      hiddenSize: 768,
      heads: 12,
      kvHeads: 12,
      headDim: 64,
      ffnHiddenSize: 3072,
      gatedFfn: false,
      vocabSize: 50257,
      tiedEmbeddings: true,
      source: "Hugging Face config.json; transformers' GPT2Config defaults for tie_word_embeddings",
    });
  });

  test('id, name and source follow the options', () => {
    const model = fromHuggingFaceConfig(llama31_8bConfig, { id: 'my-llama', name: 'My Llama' });
    expect(model).toMatchObject({ id: 'my-llama', name: 'My Llama', source: 'Hugging Face config.json (my-llama)' });
    expect(fromHuggingFaceConfig(llama31_8bConfig, { id: 'x' }).name).toBe('x');
    expect(fromHuggingFaceConfig({ num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, vocab_size: 10 }))
      .toMatchObject({ id: 'hf-model', name: 'hf-model' });
  });

  test('GPT-NeoX (EleutherAI/gpt-neox-20b): parallel residual, untied, plain GELU MLP', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['GPTNeoXForCausalLM'],
      hidden_act: 'gelu',
      hidden_size: 6144,
      intermediate_size: 24576,
      model_type: 'gpt_neox',
      num_attention_heads: 64,
      num_hidden_layers: 44,
      rotary_pct: 0.25,
      tie_word_embeddings: false,
      use_parallel_residual: true,
      vocab_size: 50432,
    });
    expect(model).toMatchObject({ headDim: 96, gatedFfn: false, tiedEmbeddings: false, parallelAttentionFfn: true });
  });

  test('GPT-J: parallel attention and MLP; n_inner null means 4·d', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['GPTJForCausalLM'],
      activation_function: 'gelu_new',
      model_type: 'gptj',
      n_embd: 4096,
      n_head: 16,
      n_inner: null,
      n_layer: 28,
      rotary_dim: 64,
      tie_word_embeddings: false,
      vocab_size: 50400,
    });
    expect(model).toMatchObject({ ffnHiddenSize: 16384, headDim: 256, parallelAttentionFfn: true, tiedEmbeddings: false });
  });

  test('Falcon-7B: the old decoder with multi_query has one KV head; d/h = 4544/71 = 64', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['FalconForCausalLM'],
      hidden_size: 4544,
      model_type: 'falcon',
      multi_query: true,
      new_decoder_architecture: false,
      num_attention_heads: 71,
      num_hidden_layers: 32,
      parallel_attn: true,
      vocab_size: 65024,
    });
    expect(model).toMatchObject({ kvHeads: 1, headDim: 64, ffnHiddenSize: 18176, tiedEmbeddings: true, parallelAttentionFfn: true });
  });

  test('Falcon without multi-query attention keeps one KV head per query head; parallel_attn false is sequential', () => {
    const model = fromHuggingFaceConfig({
      model_type: 'falcon',
      hidden_size: 2048,
      multi_query: false,
      num_attention_heads: 32,
      num_hidden_layers: 24,
      parallel_attn: false,
      vocab_size: 50304,
    });
    expect(model.kvHeads).toBe(32);
    expect(model.parallelAttentionFfn).toBeUndefined();
  });

  test('Mistral 7B v0.1: a sliding window on every layer', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['MistralForCausalLM'],
      hidden_size: 4096,
      intermediate_size: 14336,
      model_type: 'mistral',
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      sliding_window: 4096,
      tie_word_embeddings: false,
      vocab_size: 32000,
    });
    expect(model.slidingWindow).toEqual({ windowTokens: 4096, windowedLayers: 32 });
  });

  test('Qwen2: sliding_window is ignored unless use_sliding_window, then applies from max_window_layers on', () => {
    const qwen25_7b = {
      architectures: ['Qwen2ForCausalLM'],
      hidden_act: 'silu',
      hidden_size: 3584,
      intermediate_size: 18944,
      max_window_layers: 28,
      model_type: 'qwen2',
      num_attention_heads: 28,
      num_hidden_layers: 28,
      num_key_value_heads: 4,
      sliding_window: 131072,
      tie_word_embeddings: false,
      use_sliding_window: false,
      vocab_size: 152064,
    };
    expect(fromHuggingFaceConfig(qwen25_7b).slidingWindow).toBeUndefined();
    const windowed = { ...qwen25_7b, use_sliding_window: true, sliding_window: 4096, max_window_layers: 20 };
    expect(fromHuggingFaceConfig(windowed).slidingWindow).toEqual({ windowTokens: 4096, windowedLayers: 8 });
  });

  test('Gemma 2: the window alternates, starting with layer 0', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['Gemma2ForCausalLM'],
      head_dim: 256,
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 3584,
      intermediate_size: 14336,
      model_type: 'gemma2',
      num_attention_heads: 16,
      num_hidden_layers: 42,
      num_key_value_heads: 8,
      sliding_window: 4096,
      vocab_size: 256000,
    });
    expect(model).toMatchObject({ gatedFfn: true, tiedEmbeddings: true, slidingWindow: { windowTokens: 4096, windowedLayers: 21 } });
  });

  test('Gemma 3 1B (Gemma3ForCausalLM, top-level fields) with an explicit sliding_window_pattern', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['Gemma3ForCausalLM'],
      head_dim: 256,
      hidden_size: 1152,
      intermediate_size: 6912,
      model_type: 'gemma3_text',
      num_attention_heads: 4,
      num_hidden_layers: 26,
      num_key_value_heads: 1,
      sliding_window: 512,
      sliding_window_pattern: 6,
      vocab_size: 262144,
    });
    expect(model).toMatchObject({ vocabSize: 262144, tiedEmbeddings: true, slidingWindow: { windowTokens: 512, windowedLayers: 22 } });
  });

  test('layer_types with no sliding layer means full attention everywhere', () => {
    const model = fromHuggingFaceConfig({ ...gptOss120bConfig, layer_types: Array(36).fill('full_attention') });
    expect(model.slidingWindow).toBeUndefined();
  });

  test('num_nextn_predict_layers gives the multi-token-prediction modules (absent or 0: none)', () => {
    expect(fromHuggingFaceConfig(deepseekV3Config).mtpModules).toBe(1);
    expect(fromHuggingFaceConfig({ ...deepseekV3Config, num_nextn_predict_layers: 0 }).mtpModules).toBeUndefined();
    const { num_nextn_predict_layers: _mtp, ...without } = deepseekV3Config;
    expect(fromHuggingFaceConfig(without).mtpModules).toBeUndefined();
    expect(messageOf({ ...deepseekV3Config, num_nextn_predict_layers: -1 })).toMatch(/"num_nextn_predict_layers" must be an integer ≥ 0 \(the multi-token-prediction modules\), got -1/);
  });

  test('DeepSeek-V2-Lite: q_lora_rank null means no query compression; 2 shared experts; 1 dense layer', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['DeepseekV2ForCausalLM'],
      first_k_dense_replace: 1,
      hidden_size: 2048,
      intermediate_size: 10944,
      kv_lora_rank: 512,
      model_type: 'deepseek_v2',
      moe_intermediate_size: 1408,
      moe_layer_freq: 1,
      n_routed_experts: 64,
      n_shared_experts: 2,
      num_attention_heads: 16,
      num_experts_per_tok: 6,
      num_hidden_layers: 27,
      num_key_value_heads: 16,
      q_lora_rank: null,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      tie_word_embeddings: false,
      v_head_dim: 128,
      vocab_size: 102400,
    });
    expect(model.mla).toEqual({ qLoraRank: 0, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 });
    expect(model.moe).toEqual({ experts: 64, activeExperts: 6, sharedExperts: 2, expertHiddenSize: 1408, denseLayers: 1 });
    // DeepSeek-V2 paper (arXiv 2405.04434), Appendix B: V2-Lite has 15.7B total, 2.4B activated
    // (2.45e9 derived without the 0.21e9 input-embedding gather, 2.66e9 with it).
    const counts = countParams(model);
    expect(counts.total / 1e9).toBeCloseTo(15.7, 1);
    expect(Math.abs(counts.active - counts.embedding - 2.4e9) / 2.4e9).toBeLessThan(0.03);
  });

  test('Qwen1.5-MoE-A2.7B: a shared expert of 4 expert sizes counts as 4 shared experts', () => {
    const model = fromHuggingFaceConfig({
      architectures: ['Qwen2MoeForCausalLM'],
      decoder_sparse_step: 1,
      hidden_size: 2048,
      intermediate_size: 5632,
      model_type: 'qwen2_moe',
      moe_intermediate_size: 1408,
      num_attention_heads: 16,
      num_experts: 60,
      num_experts_per_tok: 4,
      num_hidden_layers: 24,
      num_key_value_heads: 16,
      shared_expert_intermediate_size: 5632,
      tie_word_embeddings: false,
      vocab_size: 151936,
    });
    expect(model.moe).toEqual({ experts: 60, activeExperts: 4, sharedExperts: 4, expertHiddenSize: 1408, denseLayers: 0 });
  });

  test('dense layers are counted wherever mlp_only_layers and decoder_sparse_step put them', () => {
    const base = { ...qwen3MoeConfig, num_hidden_layers: 8 };
    expect(fromHuggingFaceConfig({ ...base, mlp_only_layers: [0, 7] }).moe?.denseLayers).toBe(2);
    expect(fromHuggingFaceConfig({ ...base, decoder_sparse_step: 2 }).moe?.denseLayers).toBe(4);
    expect(fromHuggingFaceConfig({ ...base, num_experts: 0 }).moe).toBeUndefined();
    expect(fromHuggingFaceConfig({ ...base, num_experts: null }).moe).toBeUndefined();
  });

  test('families not in the table: a silu MLP is gated, a gelu MLP is not, embeddings tied by default', () => {
    const base = { model_type: 'new_thing', num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, vocab_size: 100 };
    expect(fromHuggingFaceConfig({ ...base, hidden_act: 'silu' })).toMatchObject({ gatedFfn: true, tiedEmbeddings: true, id: 'hf-new-thing' });
    expect(fromHuggingFaceConfig({ ...base, hidden_act: 'gelu' }).gatedFfn).toBe(false);
    expect(fromHuggingFaceConfig({ ...base, architectures: ['LlamaForCausalLM'], model_type: undefined }).gatedFfn).toBe(true);
  });
});

// Before: a field config.json left out fell back to Ridgeline's guess (an FFN of 4·d for Llama,
// one KV head per query head for Mistral, no window for Gemma 2) instead of the transformers class's
// default, which is what AutoConfig builds and what transformers leaves out when it saves a config.
describe('fromHuggingFaceConfig applies the transformers class defaults of each family', () => {
  const without = <T extends Record<string, unknown>>(config: T, ...keys: string[]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(config).filter(([key]) => !keys.includes(key)));

  test("Llama without intermediate_size gets LlamaConfig's 11008, not 4·d, and says so in its source", () => {
    const model = fromHuggingFaceConfig(without(llama31_8bConfig, 'intermediate_size'));
    expect(model.ffnHiddenSize).toBe(11_008);
    expect(model.source).toBe("Hugging Face config.json; transformers' LlamaConfig defaults for intermediate_size");
  });

  test('a config of a known family with only its model_type is the class default model', () => {
    expect(fromHuggingFaceConfig({ model_type: 'llama' })).toMatchObject({
      layers: 32, hiddenSize: 4096, heads: 32, kvHeads: 32, headDim: 128, ffnHiddenSize: 11_008, vocabSize: 32_000, tiedEmbeddings: false,
    });
    expect(fromHuggingFaceConfig({ model_type: 'mistral' })).toMatchObject({
      kvHeads: 8, ffnHiddenSize: 14_336, slidingWindow: { windowTokens: 4096, windowedLayers: 32 },
    });
    expect(fromHuggingFaceConfig({ model_type: 'mixtral' })).toMatchObject({
      kvHeads: 8, moe: { experts: 8, activeExperts: 2, sharedExperts: 0, expertHiddenSize: 14_336, denseLayers: 0 },
    });
    expect(fromHuggingFaceConfig({ model_type: 'mixtral' }).slidingWindow).toBeUndefined();
    expect(fromHuggingFaceConfig({ model_type: 'qwen2' })).toMatchObject({ kvHeads: 32, ffnHiddenSize: 22_016, vocabSize: 151_936 });
    // Qwen's window is off unless use_sliding_window turns it on (Qwen2Config.use_sliding_window = False)
    expect(fromHuggingFaceConfig({ model_type: 'qwen2' }).slidingWindow).toBeUndefined();
    expect(fromHuggingFaceConfig({ model_type: 'qwen3' })).toMatchObject({ headDim: 128, ffnHiddenSize: 22_016 });
    expect(fromHuggingFaceConfig({ model_type: 'qwen2_moe' }).moe).toEqual({ experts: 60, activeExperts: 4, sharedExperts: 4, expertHiddenSize: 1408, denseLayers: 0 });
    expect(fromHuggingFaceConfig({ model_type: 'qwen3_moe' })).toMatchObject({
      kvHeads: 4, moe: { experts: 128, activeExperts: 8, sharedExperts: 0, expertHiddenSize: 768, denseLayers: 0 },
    });
    expect(fromHuggingFaceConfig({ model_type: 'deepseek_v3' })).toMatchObject({
      layers: 61, hiddenSize: 7168, heads: 128, vocabSize: 129_280,
      mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
      moe: { experts: 256, activeExperts: 8, sharedExperts: 1, expertHiddenSize: 2048, denseLayers: 3 },
    });
    expect(fromHuggingFaceConfig({ model_type: 'gpt_oss' })).toMatchObject({
      layers: 36, headDim: 64, kvHeads: 8, moe: { experts: 128, activeExperts: 4 }, slidingWindow: { windowTokens: 128, windowedLayers: 18 },
    });
    expect(fromHuggingFaceConfig({ model_type: 'gemma' })).toMatchObject({ headDim: 256, ffnHiddenSize: 24_576, tiedEmbeddings: true, gatedFfn: true });
    expect(fromHuggingFaceConfig({ model_type: 'gemma2' })).toMatchObject({ kvHeads: 4, slidingWindow: { windowTokens: 4096, windowedLayers: 13 } });
    expect(fromHuggingFaceConfig({ model_type: 'gemma3_text' })).toMatchObject({ vocabSize: 262_208, slidingWindow: { windowTokens: 4096, windowedLayers: 22 } });
    expect(fromHuggingFaceConfig({ model_type: 'falcon' })).toMatchObject({ hiddenSize: 4544, heads: 71, kvHeads: 1, ffnHiddenSize: 18_176, parallelAttentionFfn: true });
    expect(fromHuggingFaceConfig({ model_type: 'gpt2' })).toMatchObject({ layers: 12, hiddenSize: 768, ffnHiddenSize: 3072, vocabSize: 50_257 });
    expect(fromHuggingFaceConfig({ model_type: 'gptj' })).toMatchObject({ layers: 28, hiddenSize: 4096, heads: 16, tiedEmbeddings: true });
    expect(fromHuggingFaceConfig({ model_type: 'gpt_neox' })).toMatchObject({ layers: 44, ffnHiddenSize: 24_576, tiedEmbeddings: false });
    expect(fromHuggingFaceConfig({ model_type: 'phi' })).toMatchObject({ layers: 24, ffnHiddenSize: 8192, vocabSize: 51_200 });
  });

  test('a key present with null keeps null, as the class does: no window, heads for KV heads, no query LoRA', () => {
    expect(fromHuggingFaceConfig({ model_type: 'mistral', sliding_window: null }).slidingWindow).toBeUndefined();
    expect(fromHuggingFaceConfig({ model_type: 'qwen2', num_key_value_heads: null }).kvHeads).toBe(32);
    expect(fromHuggingFaceConfig({ model_type: 'deepseek_v3', q_lora_rank: null }).mla?.qLoraRank).toBe(0);
  });

  test('a default that breaks a rule says it is a default', () => {
    expect(messageOf({ model_type: 'qwen2', hidden_size: 3584, num_attention_heads: 28 })).toBe(
      'config.json: "num_key_value_heads" (the Qwen2Config default) (32) must divide "num_attention_heads" (28): each key/value head serves a whole group of query heads',
    );
    expect(messageOf({ model_type: 'deepseek_v3', num_hidden_layers: 2 })).toBe(
      'config.json: "first_k_dense_replace" (the DeepseekV3Config default) (3) must not exceed the number of layers (2)',
    );
  });
});

describe('ConfigError', () => {
  test('a config that is not an object', () => {
    expect(messageOf(null)).toBe('config.json: expected an object (the parsed contents of config.json), got null');
    expect(messageOf([llama31_8bConfig])).toBe('config.json: expected an object (the parsed contents of config.json), got an array');
    expect(messageOf('{"hidden_size": 4096}')).toBe(
      'config.json: expected an object (the parsed contents of config.json), got "{\\"hidden_size\\": 4096}"',
    );
    expect(messageOf(undefined)).toBe('config.json: expected an object (the parsed contents of config.json), got nothing');
    expect(configError(42)).toMatchObject({ name: 'ConfigError', field: '', issues: [{ field: '' }] });
  });

  test('text_config that is not an object', () => {
    expect(messageOf({ ...gemma3Config, text_config: 'gemma' })).toBe(
      'config.json: "text_config" must be an object holding the text model\'s fields, got "gemma"',
    );
  });

  test('every missing required field, one line each, and the error is an Error', () => {
    const error = configError({});
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      [
        'config.json: missing "num_hidden_layers" (or "n_layer"): the number of transformer layers',
        'config.json: missing "hidden_size" (or "n_embd"): the hidden size d_model',
        'config.json: missing "num_attention_heads" (or "n_head"): the number of query heads',
        'config.json: missing "vocab_size": the vocabulary size (rows of the embedding table)',
      ].join('\n'),
    );
    expect(error.field).toBe('num_hidden_layers');
    expect(error.issues.map((issue) => issue.field)).toEqual(['num_hidden_layers', 'hidden_size', 'num_attention_heads', 'vocab_size']);
  });

  test('one missing field, in a family transformers has no defaults for', () => {
    const { num_hidden_layers: _layers, ...config } = { ...llama31_8bConfig, model_type: 'new_thing', architectures: ['NewThingForCausalLM'] };
    expect(messageOf(config)).toBe('config.json: missing "num_hidden_layers" (or "n_layer"): the number of transformer layers');
  });

  test('missing fields inside text_config name the nested path', () => {
    const { num_hidden_layers: _layers, ...text } = { ...gemma3Config.text_config, model_type: 'new_text', vocab_size: 262_208 };
    const error = configError({ ...gemma3Config, text_config: text });
    expect(error.message).toBe('config.json: missing "text_config.num_hidden_layers" (or "n_layer"): the number of transformer layers');
    expect(error.field).toBe('text_config.num_hidden_layers');
  });

  test('non-positive, fractional and non-numeric sizes', () => {
    expect(messageOf({ ...llama31_8bConfig, hidden_size: -4096 })).toBe(
      'config.json: "hidden_size" must be a positive integer (the hidden size d_model), got -4096',
    );
    expect(messageOf({ ...llama31_8bConfig, num_hidden_layers: 0 })).toBe(
      'config.json: "num_hidden_layers" must be a positive integer (the number of transformer layers), got 0',
    );
    expect(messageOf({ ...llama31_8bConfig, intermediate_size: 14336.5 })).toBe(
      'config.json: "intermediate_size" must be a positive integer (the FFN hidden size), got 14336.5',
    );
    expect(messageOf({ ...llama31_8bConfig, vocab_size: '128256' })).toBe(
      'config.json: "vocab_size" must be a positive integer (the vocabulary size (rows of the embedding table)), got "128256"',
    );
    expect(messageOf({ ...llama31_8bConfig, head_dim: 0 })).toBe(
      'config.json: "head_dim" must be a positive integer (the attention head dimension), got 0',
    );
    expect(messageOf({ ...gemma3Config, text_config: { ...gemma3Config.text_config, vocab_size: -1 } })).toBe(
      'config.json: "text_config.vocab_size" must be a positive integer (the vocabulary size (rows of the embedding table)), got -1',
    );
  });

  // A config with 10¹² layers or heads hung `estimate` (the dense-layer count and the layout search
  // counted to n), and integers up to 1e300 were read as they came.
  test('sizes beyond their physical limits (docs/MODEL.md §1.5), at once', () => {
    expect(messageOf({ ...llama31_8bConfig, num_hidden_layers: 1e12 })).toBe(
      'config.json: "num_hidden_layers" must be at most 1e5 (the number of transformer layers), got 1000000000000',
    );
    expect(messageOf({ ...llama31_8bConfig, num_attention_heads: 1e12, num_key_value_heads: 1 })).toBe(
      'config.json: "num_attention_heads" must be at most 1e5 (the number of query heads), got 1000000000000',
    );
    expect(messageOf({ ...llama31_8bConfig, hidden_size: 1e300 })).toBe(
      'config.json: "hidden_size" must be at most 1e6 (the hidden size d_model), got 1e+300',
    );
    expect(messageOf({ ...llama31_8bConfig, vocab_size: 1e9 })).toBe(
      'config.json: "vocab_size" must be at most 1e8 (the vocabulary size (rows of the embedding table)), got 1000000000',
    );
    expect(messageOf({ ...mixtralConfig, num_local_experts: 1e7 })).toBe(
      'config.json: "num_local_experts" must be at most 1e5 (the routed experts per MoE layer; 0 or null for a dense model), got 10000000',
    );
    expect(messageOf({ ...qwen3MoeConfig, num_hidden_layers: 1e12 })).toBe(
      'config.json: "num_hidden_layers" must be at most 1e5 (the number of transformer layers), got 1000000000000',
    );
  });

  test('KV heads that do not divide the query heads', () => {
    expect(messageOf({ ...llama31_8bConfig, num_key_value_heads: 5 })).toBe(
      'config.json: "num_key_value_heads" (5) must divide "num_attention_heads" (32): each key/value head serves a whole group of query heads',
    );
    expect(messageOf({ ...llama31_8bConfig, num_key_value_heads: 0 })).toBe(
      'config.json: "num_key_value_heads" must be a positive integer (the number of key/value heads), got 0',
    );
  });

  test('a head dimension that cannot be derived', () => {
    expect(messageOf({ ...llama31_8bConfig, hidden_size: 4100 })).toBe(
      'config.json: missing "head_dim": "hidden_size" 4100 is not a multiple of "num_attention_heads" 32, ' +
        'so the head dimension cannot be derived; add head_dim',
    );
  });

  test('a non-boolean tie_word_embeddings', () => {
    expect(messageOf({ ...llama31_8bConfig, tie_word_embeddings: 'false' })).toBe(
      'config.json: "tie_word_embeddings" must be true or false (whether the output head reuses the input embedding), got "false"',
    );
  });

  test('MoE: experts without a top-k, a top-k above the experts, a negative expert count', () => {
    const { num_experts_per_tok: _k, ...noTopK } = { ...mixtralConfig, model_type: 'new_moe', architectures: ['NewMoeForCausalLM'] };
    expect(messageOf(noTopK)).toBe(
      'config.json: missing "num_experts_per_tok" (or "experts_per_token"): the routed experts active per token ' +
        '(the config declares 8 experts in "num_local_experts")',
    );
    expect(messageOf({ ...mixtralConfig, num_experts_per_tok: 9 })).toBe(
      'config.json: "num_experts_per_tok" (9) must not exceed the routed experts "num_local_experts" (8)',
    );
    expect(messageOf({ ...mixtralConfig, num_experts_per_tok: 0 })).toBe(
      'config.json: "num_experts_per_tok" must be a positive integer (the routed experts active per token), got 0',
    );
    expect(messageOf({ ...mixtralConfig, num_local_experts: -8 })).toBe(
      'config.json: "num_local_experts" must be an integer ≥ 0 (the routed experts per MoE layer; 0 or null for a dense model), got -8',
    );
  });

  test('MoE: no expert size', () => {
    const { intermediate_size: _f, ...config } = { ...mixtralConfig, model_type: 'new_moe', architectures: ['NewMoeForCausalLM'] };
    expect(messageOf(config)).toBe(
      'config.json: missing "moe_intermediate_size" (or "intermediate_size"): the hidden size of one expert',
    );
    expect(messageOf({ ...deepseekV3Config, moe_intermediate_size: 0 })).toBe(
      'config.json: "moe_intermediate_size" must be a positive integer (the hidden size of one expert), got 0',
    );
  });

  test('MoE: shared experts', () => {
    expect(messageOf({ ...deepseekV3Config, n_shared_experts: -1 })).toBe(
      'config.json: "n_shared_experts" must be an integer ≥ 0 (the always-active shared experts), got -1',
    );
    expect(messageOf({ ...qwen3MoeConfig, shared_expert_intermediate_size: 2000 })).toBe(
      'config.json: "shared_expert_intermediate_size" (2000) must be a multiple of the expert size "moe_intermediate_size" (1536): ' +
        'shared experts are modelled as whole experts',
    );
    expect(messageOf({ ...qwen3MoeConfig, shared_expert_intermediate_size: -1 })).toBe(
      'config.json: "shared_expert_intermediate_size" must be an integer ≥ 0 (the hidden size of the shared expert), got -1',
    );
  });

  test('MoE: dense-layer placement', () => {
    expect(messageOf({ ...deepseekV3Config, first_k_dense_replace: 62 })).toBe(
      'config.json: "first_k_dense_replace" (62) must not exceed the number of layers (61)',
    );
    expect(messageOf({ ...deepseekV3Config, moe_layer_freq: 0 })).toBe(
      'config.json: "moe_layer_freq" must be a positive integer (every how many layers one is MoE), got 0',
    );
    expect(messageOf({ ...qwen3MoeConfig, mlp_only_layers: [94] })).toBe(
      'config.json: "mlp_only_layers" must be a list of layer indices from 0 to 93, got an array',
    );
    expect(messageOf({ ...qwen3MoeConfig, mlp_only_layers: '0,1' })).toBe(
      'config.json: "mlp_only_layers" must be a list of layer indices from 0 to 93, got "0,1"',
    );
  });

  test('MLA: a latent rank without the head dimensions', () => {
    const { qk_rope_head_dim: _rope, v_head_dim: _v, ...config } = { ...deepseekV3Config, model_type: 'new_mla', architectures: ['NewMlaForCausalLM'] };
    expect(messageOf(config)).toBe(
      [
        'config.json: missing "qk_rope_head_dim": the rotary query/key head dimension ' +
          '(the config sets "kv_lora_rank", so it uses multi-head latent attention)',
        'config.json: missing "v_head_dim": the value head dimension (the config sets "kv_lora_rank", so it uses multi-head latent attention)',
      ].join('\n'),
    );
    expect(messageOf({ ...deepseekV3Config, q_lora_rank: -1 })).toBe(
      'config.json: "q_lora_rank" must be an integer ≥ 0 (the query LoRA rank; 0 or null for none), got -1',
    );
    expect(messageOf({ ...deepseekV3Config, kv_lora_rank: 0 })).toBe(
      'config.json: "kv_lora_rank" must be a positive integer (the KV latent rank of multi-head latent attention), got 0',
    );
  });

  test('sliding windows: layer_types of the wrong length, sliding layers without a window, a bad window', () => {
    expect(messageOf({ ...gptOss120bConfig, layer_types: gptOss120bConfig.layer_types.slice(1) })).toBe(
      'config.json: "layer_types" must list one attention type per layer (36 strings such as "full_attention" or ' +
        '"sliding_attention"), got 35 entries',
    );
    expect(messageOf({ ...gptOss120bConfig, layer_types: 'alternating' })).toBe(
      'config.json: "layer_types" must list one attention type per layer (36 strings such as "full_attention" or ' +
        '"sliding_attention"), got "alternating"',
    );
    const { sliding_window: _w, ...noWindow } = { ...gptOss120bConfig, model_type: 'new_window', architectures: ['NewWindowForCausalLM'] };
    expect(messageOf(noWindow)).toBe(
      'config.json: missing "sliding_window": the attention window in tokens ("layer_types" marks 18 layers "sliding_attention")',
    );
    expect(messageOf({ ...gptOss120bConfig, sliding_window: 0 })).toBe(
      'config.json: "sliding_window" must be a positive integer (the attention window in tokens), got 0',
    );
    expect(messageOf({ ...gemma3Config, text_config: { ...gemma3Config.text_config, sliding_window_pattern: 0 } })).toBe(
      'config.json: "text_config.sliding_window_pattern" must be a positive integer (one global layer in every this many), got 0',
    );
  });

  test('Falcon flags must be booleans', () => {
    expect(messageOf({ ...falcon180bConfig, new_decoder_architecture: 'yes' })).toBe(
      'config.json: "new_decoder_architecture" must be true or false (the Falcon-40B/180B decoder), got "yes"',
    );
  });

  test('lists every problem at once', () => {
    const error = configError({ ...deepseekV3Config, hidden_size: 0, num_experts_per_tok: 300, v_head_dim: null });
    expect(error.issues.map((issue) => issue.field)).toEqual(['hidden_size', 'v_head_dim', 'num_experts_per_tok']);
    expect(error.message.split('\n')).toHaveLength(3);
  });
});
