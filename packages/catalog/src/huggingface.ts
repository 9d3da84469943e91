import { limitText, MODEL_LIMITS, type MlaSpec, type ModelSpec, type MoeSpec, type SlidingWindowSpec } from '@ridgeline/model';

/** One problem found in a config.json: the field's path and a sentence saying what was expected. */
export interface ConfigIssue {
  /** Path of the field, e.g. `num_hidden_layers` or `text_config.hidden_size`. */
  readonly field: string;
  /** Starts with `config.json:`, names the field, what it should hold, and what it got. */
  readonly message: string;
}

/**
 * A Hugging Face config.json that cannot be read as a transformer: not an object, a required
 * field missing, or a field of the wrong kind. `message` has one line per issue; front ends
 * print it without a stack.
 *
 * @example
 * try {
 *   fromHuggingFaceConfig({ hidden_size: 4096 });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message);
 *   // config.json: missing "num_hidden_layers" (or "n_layer"): the number of transformer layers
 *   // …
 * }
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Path of the first offending field (`''` when the config itself is not an object). */
  readonly field: string;
  /** Every problem found, in reading order. */
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => issue.message).join('\n'));
    this.issues = issues;
    this.field = issues[0]?.field ?? '';
  }
}

/** Options of `fromHuggingFaceConfig`. */
export interface HuggingFaceConfigOptions {
  /** `ModelSpec.id`; defaults to `hf-<model_type>`. */
  readonly id?: string;
  /** `ModelSpec.name`; defaults to the id when given, else the config's first architecture. */
  readonly name?: string;
}

/** A config.json value, or null: what the transformers config class leaves unset. */
type Default = number | boolean | null;

/** What a family's transformers config class does with what config.json leaves out. */
interface Family {
  /** SwiGLU/GeGLU (3 matrices) rather than a 2-matrix MLP. */
  readonly gated: boolean;
  /** Attention and MLP read the same layer input. */
  readonly parallel?: boolean;
  /** Gemma 2, gpt-oss: even layers windowed, odd layers global (when `layer_types` is absent). */
  readonly alternatingWindow?: boolean;
  /**
   * The config class's default of every field Ridgeline reads, by config.json key, as the class
   * declares it: `AutoConfig` fills in a field that config.json leaves out (transformers saves only
   * the fields that differ from these), so the reader must too. A key present with null keeps null.
   */
  readonly defaults: Readonly<Record<string, Default>>;
  /** Where the defaults are: the transformers config class, e.g. `transformers' LlamaConfig`. */
  readonly source: string;
}

/** The config class `configClass` of huggingface/transformers, src/transformers/models/<model>/configuration_<model>.py. */
const transformers = (_model: string, configClass: string): string => `transformers' ${configClass}`;

/** A family whose class is a Llama-style decoder: gated MLP, untied head. */
const llamaLike = (model: string, configClass: string, defaults: Readonly<Record<string, Default>>): Family => ({
  gated: true,
  defaults: { tie_word_embeddings: false, ...defaults },
  source: transformers(model, configClass),
});

/** The common fields of the Qwen classes: 151,936-row vocabulary, windows off unless use_sliding_window. */
const QWEN = { vocab_size: 151_936, use_sliding_window: false, sliding_window: 4096 } as const;

/** The fields of DeepSeek's multi-head latent attention, V2 and V3 alike. */
const DEEPSEEK_MLA = { kv_lora_rank: 512, q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128 } as const;

/**
 * Families by transformers `model_type`, lower-case, each with its config class's defaults (the
 * classes' field declarations or `__init__` arguments; None is left out, as the class then derives
 * the field: KV heads = heads, head_dim = d/h, FFN = 4·d).
 */
const FAMILIES: ReadonlyMap<string, Family> = new Map<string, Family>([
  ['llama', llamaLike('llama', 'LlamaConfig', { vocab_size: 32_000, hidden_size: 4096, intermediate_size: 11_008, num_hidden_layers: 32, num_attention_heads: 32 })],
  [
    'mistral',
    llamaLike('mistral', 'MistralConfig', {
      vocab_size: 32_000,
      hidden_size: 4096,
      intermediate_size: 14_336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      sliding_window: 4096,
    }),
  ],
  [
    'mixtral',
    llamaLike('mixtral', 'MixtralConfig', {
      vocab_size: 32_000,
      hidden_size: 4096,
      intermediate_size: 14_336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      num_local_experts: 8,
      num_experts_per_tok: 2,
    }),
  ],
  [
    'qwen2',
    llamaLike('qwen2', 'Qwen2Config', {
      ...QWEN,
      hidden_size: 4096,
      intermediate_size: 22_016,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      max_window_layers: 28,
    }),
  ],
  [
    'qwen2_moe',
    llamaLike('qwen2_moe', 'Qwen2MoeConfig', {
      ...QWEN,
      hidden_size: 2048,
      intermediate_size: 5632,
      num_hidden_layers: 24,
      num_attention_heads: 16,
      num_key_value_heads: 16,
      max_window_layers: 28,
      num_experts: 60,
      num_experts_per_tok: 4,
      moe_intermediate_size: 1408,
      shared_expert_intermediate_size: 5632,
      decoder_sparse_step: 1,
    }),
  ],
  [
    'qwen3',
    llamaLike('qwen3', 'Qwen3Config', {
      ...QWEN,
      hidden_size: 4096,
      intermediate_size: 22_016,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      head_dim: 128,
      max_window_layers: 28,
    }),
  ],
  [
    'qwen3_moe',
    llamaLike('qwen3_moe', 'Qwen3MoeConfig', {
      ...QWEN,
      hidden_size: 2048,
      intermediate_size: 6144,
      num_hidden_layers: 24,
      num_attention_heads: 32,
      num_key_value_heads: 4,
      num_experts: 128,
      num_experts_per_tok: 8,
      moe_intermediate_size: 768,
      decoder_sparse_step: 1,
    }),
  ],
  [
    'deepseek_v2',
    llamaLike('deepseek_v2', 'DeepseekV2Config', {
      ...DEEPSEEK_MLA,
      vocab_size: 32_000,
      hidden_size: 4096,
      intermediate_size: 11_008,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      n_routed_experts: 64,
      n_shared_experts: 2,
      moe_intermediate_size: 1407,
      first_k_dense_replace: 0,
    }),
  ],
  [
    'deepseek_v3',
    llamaLike('deepseek_v3', 'DeepseekV3Config', {
      ...DEEPSEEK_MLA,
      vocab_size: 129_280,
      hidden_size: 7168,
      intermediate_size: 18_432,
      num_hidden_layers: 61,
      num_attention_heads: 128,
      num_key_value_heads: 128,
      n_routed_experts: 256,
      n_shared_experts: 1,
      num_experts_per_tok: 8,
      moe_intermediate_size: 2048,
      first_k_dense_replace: 3,
    }),
  ],
  [
    'gpt_oss',
    {
      ...llamaLike('gpt_oss', 'GptOssConfig', {
        vocab_size: 201_088,
        hidden_size: 2880,
        intermediate_size: 2880,
        num_hidden_layers: 36,
        num_attention_heads: 64,
        num_key_value_heads: 8,
        head_dim: 64,
        num_local_experts: 128,
        num_experts_per_tok: 4,
        sliding_window: 128,
      }),
      alternatingWindow: true,
    },
  ],
  [
    'gemma',
    {
      gated: true,
      defaults: { tie_word_embeddings: true, vocab_size: 256_000, hidden_size: 3072, intermediate_size: 24_576, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 16, head_dim: 256 },
      source: transformers('gemma', 'GemmaConfig'),
    },
  ],
  [
    'gemma2',
    {
      gated: true,
      alternatingWindow: true,
      defaults: {
        tie_word_embeddings: true,
        vocab_size: 256_000,
        hidden_size: 2304,
        intermediate_size: 9216,
        num_hidden_layers: 26,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        head_dim: 256,
        sliding_window: 4096,
      },
      source: transformers('gemma2', 'Gemma2Config'),
    },
  ],
  [
    'gemma3_text',
    {
      gated: true,
      defaults: {
        tie_word_embeddings: true,
        vocab_size: 262_208,
        hidden_size: 2304,
        intermediate_size: 9216,
        num_hidden_layers: 26,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        head_dim: 256,
        sliding_window: 4096,
        // layer i is global when (i+1) % pattern = 0, windowed otherwise: 5 local layers to 1 global
        sliding_window_pattern: 6,
      },
      source: transformers('gemma3', 'Gemma3TextConfig'),
    },
  ],
  [
    'falcon',
    {
      gated: false,
      parallel: true,
      // tie_word_embeddings is PretrainedConfig's default, which FalconConfig keeps
      defaults: { tie_word_embeddings: true, vocab_size: 65_024, hidden_size: 4544, num_hidden_layers: 32, num_attention_heads: 71, new_decoder_architecture: false, multi_query: true, parallel_attn: true },
      source: transformers('falcon', 'FalconConfig'),
    },
  ],
  // Falcon's remote-code RefinedWeb configs have no transformers class: no defaults beyond the tied head.
  ['refinedweb', { gated: false, parallel: true, defaults: { tie_word_embeddings: true }, source: 'RefinedWeb remote code' }],
  ['refinedwebmodel', { gated: false, parallel: true, defaults: { tie_word_embeddings: true }, source: 'RefinedWeb remote code' }],
  ['gpt2', { gated: false, defaults: { tie_word_embeddings: true, vocab_size: 50_257, n_embd: 768, n_layer: 12, n_head: 12 }, source: transformers('gpt2', 'GPT2Config') }],
  [
    'gpt_neox',
    {
      gated: false,
      parallel: true,
      defaults: { tie_word_embeddings: false, vocab_size: 50_432, hidden_size: 6144, intermediate_size: 24_576, num_hidden_layers: 44, num_attention_heads: 64, use_parallel_residual: true },
      source: transformers('gpt_neox', 'GPTNeoXConfig'),
    },
  ],
  // GPTJConfig keeps PretrainedConfig's tied head; GPT-J-6B's config.json unties it
  ['gptj', { gated: false, parallel: true, defaults: { tie_word_embeddings: true, vocab_size: 50_400, n_embd: 4096, n_layer: 28, n_head: 16 }, source: transformers('gptj', 'GPTJConfig') }],
  [
    'phi',
    {
      gated: false,
      parallel: true,
      defaults: { tie_word_embeddings: false, vocab_size: 51_200, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 24, num_attention_heads: 32 },
      source: transformers('phi', 'PhiConfig'),
    },
  ],
]);

/** `model_type` by `architectures[0]`, for configs that omit `model_type`. */
const ARCHITECTURES: ReadonlyMap<string, string> = new Map([
  ['LlamaForCausalLM', 'llama'],
  ['MistralForCausalLM', 'mistral'],
  ['MixtralForCausalLM', 'mixtral'],
  ['Qwen2ForCausalLM', 'qwen2'],
  ['Qwen2MoeForCausalLM', 'qwen2_moe'],
  ['Qwen3ForCausalLM', 'qwen3'],
  ['Qwen3MoeForCausalLM', 'qwen3_moe'],
  ['DeepseekV2ForCausalLM', 'deepseek_v2'],
  ['DeepseekV3ForCausalLM', 'deepseek_v3'],
  ['GptOssForCausalLM', 'gpt_oss'],
  ['GemmaForCausalLM', 'gemma'],
  ['Gemma2ForCausalLM', 'gemma2'],
  ['Gemma3ForCausalLM', 'gemma3_text'],
  ['Gemma3ForConditionalGeneration', 'gemma3'],
  ['FalconForCausalLM', 'falcon'],
  ['RWForCausalLM', 'falcon'],
  ['GPT2LMHeadModel', 'gpt2'],
  ['GPTNeoXForCausalLM', 'gpt_neox'],
  ['GPTJForCausalLM', 'gptj'],
  ['PhiForCausalLM', 'phi'],
]);

/** The text model's `model_type` inside a multimodal wrapper, when `text_config` omits it. */
const TEXT_MODEL_TYPES: ReadonlyMap<string, string> = new Map([['gemma3', 'gemma3_text']]);

/** Activations that HF families use inside a gated (GLU) MLP; others mean a plain 2-matrix MLP. */
const GATED_ACTIVATIONS: ReadonlySet<string> = new Set(['silu', 'swish', 'swiglu', 'geglu']);

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function quoted(keys: readonly string[], prefix: string): string {
  const [first, ...rest] = keys;
  const alternatives = rest.length === 0 ? '' : ` (or ${rest.map((key) => `"${key}"`).join(', ')})`;
  return `"${prefix}${first ?? ''}"${alternatives}`;
}

/** Reads typed fields of one config object, collecting every issue instead of stopping at the first. */
class FieldReader {
  readonly config: JsonObject;
  /** `''`, or `text_config.` when the text model's fields are nested. */
  readonly prefix: string;
  readonly issues: ConfigIssue[] = [];
  /** The family's transformers defaults, used for keys config.json leaves out. */
  readonly family: Family | undefined;
  /** The keys read from the family's defaults, in reading order. */
  readonly defaulted: Set<string> = new Set();

  constructor(config: JsonObject, prefix: string, family?: Family) {
    this.config = config;
    this.prefix = prefix;
    this.family = family;
  }

  /** `"key"` as messages quote it, saying so when the value is the class's default rather than config.json's. */
  named(key: string): string {
    const quoted = `"${this.prefix}${key}"`;
    const configClass = /transformers' (\w+)/.exec(this.family?.source ?? '')?.[1];
    return this.defaulted.has(key) && configClass !== undefined ? `${quoted} (the ${configClass} default)` : quoted;
  }

  issue(key: string, message: string): void {
    this.issues.push({ field: this.prefix + key, message: `config.json: ${message}` });
  }

  /**
   * The first of `keys` present with a non-null value; when none of them is present at all, the
   * family's default of the first that has one (null present counts as absent, with no default:
   * the class keeps null too).
   */
  find(keys: readonly string[]): { readonly key: string; readonly value: unknown } | undefined {
    for (const key of keys) {
      if (!Object.hasOwn(this.config, key)) continue;
      const value = this.config[key];
      if (value !== null && value !== undefined) return { key, value };
    }
    if (keys.some((key) => Object.hasOwn(this.config, key))) return undefined;
    const defaults = this.family?.defaults ?? {};
    for (const key of keys) {
      const value = defaults[key];
      if (value === undefined || value === null) continue;
      this.defaulted.add(key);
      return { key, value };
    }
    return undefined;
  }

  /**
   * An integer from `min` to `max`, or undefined when absent (null counts as absent) or bad. `max`
   * is the field's limit in `MODEL_LIMITS`: a config with 10¹² layers, or integers up to 1e300,
   * would otherwise hang the layout search or overflow the figures.
   */
  integer(keys: readonly string[], what: string, max: number, min = 1): number | undefined {
    const found = this.find(keys);
    if (found === undefined) return undefined;
    const { key, value } = found;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      const kind = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
      this.issue(key, `"${this.prefix}${key}" must be ${kind} (${what}), got ${describe(value)}`);
      return undefined;
    }
    if (value > max) {
      this.issue(key, `"${this.prefix}${key}" must be at most ${limitText(max)} (${what}), got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** Like `integer`, but records a "missing" issue when absent. */
  required(keys: readonly string[], what: string, max: number): number | undefined {
    if (this.find(keys) === undefined) {
      this.issue(keys[0] ?? '', `missing ${quoted(keys, this.prefix)}: ${what}`);
      return undefined;
    }
    return this.integer(keys, what, max);
  }

  boolean(key: string, what: string): boolean | undefined {
    const found = this.find([key]);
    if (found === undefined) return undefined;
    if (typeof found.value !== 'boolean') {
      this.issue(key, `"${this.prefix}${key}" must be true or false (${what}), got ${describe(found.value)}`);
      return undefined;
    }
    return found.value;
  }

  string(keys: readonly string[]): string | undefined {
    const found = this.find(keys);
    return typeof found?.value === 'string' ? found.value : undefined;
  }
}

/**
 * Reads a parsed Hugging Face `config.json` into a `ModelSpec`.
 *
 * Understands the fields of Llama, Mistral, Mixtral, Qwen2/3 (dense and MoE), DeepSeek-V2/V3
 * (MLA, shared experts, leading dense layers), Gemma 1–3 (Gemma 3's `text_config` nested in
 * `Gemma3ForConditionalGeneration`), gpt-oss, Falcon, GPT-2, GPT-J and GPT-NeoX configs. A field
 * config.json leaves out takes the default of the family's transformers config class, as
 * `AutoConfig` would (a Llama config without `intermediate_size` has LlamaConfig's 11,008, Gemma 3
 * a 262,208-row vocabulary and a 5:1 local:global pattern), and `source` names the defaults used;
 * a config of an unknown family must give every required field. Sizes beyond `MODEL_LIMITS` are
 * refused.
 * Whether the FFN is gated is decided by the family (GELU in Gemma is gated, in GPT-2 it is not);
 * for other families a `silu`/`swish` activation means gated.
 *
 * Layers whose FFN is dense rather than MoE (`first_k_dense_replace`, `moe_layer_freq`,
 * `mlp_only_layers`, `decoder_sparse_step`) are counted into `moe.denseLayers` wherever they sit.
 * Norms, biases and learned position embeddings are not part of `ModelSpec`.
 *
 * @throws ConfigError listing every missing or malformed field.
 * @example
 * import { readFileSync } from 'node:fs';
 * const config = JSON.parse(readFileSync('Llama-3.1-8B/config.json', 'utf8'));
 * const model = fromHuggingFaceConfig(config, { id: 'my-llama' });
 * model.kvHeads; // 8
 */
export function fromHuggingFaceConfig(config: unknown, options: HuggingFaceConfigOptions = {}): ModelSpec {
  if (!isObject(config)) {
    throw new ConfigError([
      { field: '', message: `config.json: expected an object (the parsed contents of config.json), got ${describe(config)}` },
    ]);
  }
  const outer = new FieldReader(config, '');
  const architecture = Array.isArray(config['architectures']) && typeof config['architectures'][0] === 'string'
    ? config['architectures'][0]
    : undefined;
  const outerType = (outer.string(['model_type']) ?? (architecture === undefined ? undefined : ARCHITECTURES.get(architecture)))
    ?.toLowerCase();

  let fields: JsonObject = config;
  let prefix = '';
  let modelType = outerType;
  if (Object.hasOwn(config, 'text_config') && config['text_config'] !== null) {
    const text = config['text_config'];
    if (!isObject(text)) {
      outer.issue('text_config', `"text_config" must be an object holding the text model's fields, got ${describe(text)}`);
      throw new ConfigError(outer.issues);
    }
    fields = text;
    prefix = 'text_config.';
    modelType = (typeof text['model_type'] === 'string' ? text['model_type'].toLowerCase() : undefined) ??
      (outerType === undefined ? undefined : (TEXT_MODEL_TYPES.get(outerType) ?? outerType));
  }
  const family = modelType === undefined ? undefined : FAMILIES.get(modelType);
  // what config.json leaves out, the family's transformers class fills in, as AutoConfig would
  const reader = new FieldReader(fields, prefix, family);

  const layers = reader.required(['num_hidden_layers', 'n_layer'], 'the number of transformer layers', MODEL_LIMITS.layers);
  const hiddenSize = reader.required(['hidden_size', 'n_embd'], 'the hidden size d_model', MODEL_LIMITS.hiddenSize);
  const heads = reader.required(['num_attention_heads', 'n_head'], 'the number of query heads', MODEL_LIMITS.heads);
  const vocabSize = reader.required(['vocab_size'], 'the vocabulary size (rows of the embedding table)', MODEL_LIMITS.vocabSize);
  const kvHeads = readKvHeads(reader, modelType, heads);
  const mla = readMla(reader);
  // MLA's query/key head dim is qk_nope + qk_rope; `head_dim`, where present, is only the rotary part.
  const headDim = mla === undefined ? readHeadDim(reader, hiddenSize, heads) : mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const explicitFfn = reader.integer(['intermediate_size', 'n_inner', 'ffn_hidden_size'], 'the FFN hidden size', MODEL_LIMITS.ffnHiddenSize);
  // PretrainedConfig ties the head unless a class says otherwise
  const tied = reader.boolean('tie_word_embeddings', 'whether the output head reuses the input embedding') ?? true;
  const moe = layers === undefined ? undefined : readMoe(reader, layers, explicitFfn);
  const slidingWindow = layers === undefined ? undefined : readSlidingWindow(reader, family, layers);
  // DeepSeek-V3/R1, GLM-4.5, MiMo: next-token-prediction modules shipped for speculative decoding.
  const mtpModules = reader.integer(['num_nextn_predict_layers'], 'the multi-token-prediction modules', MODEL_LIMITS.mtpModules, 0) ?? 0;
  const gatedFfn = family?.gated ?? GATED_ACTIVATIONS.has(
    (reader.string(['hidden_act', 'hidden_activation', 'activation_function']) ?? '').toLowerCase(),
  );
  const parallel = readParallel(reader, modelType, family);

  outer.issues.push(...reader.issues);
  if (
    outer.issues.length > 0 ||
    layers === undefined ||
    hiddenSize === undefined ||
    heads === undefined ||
    vocabSize === undefined ||
    kvHeads === undefined ||
    headDim === undefined
  ) {
    throw new ConfigError(outer.issues);
  }

  const id = options.id ?? (modelType === undefined ? 'hf-model' : `hf-${modelType.replaceAll('_', '-')}`);
  return {
    id,
    name: options.name ?? options.id ?? architecture ?? id,
    layers,
    hiddenSize,
    heads,
    kvHeads,
    headDim,
    ffnHiddenSize: explicitFfn ?? moe?.expertHiddenSize ?? 4 * hiddenSize,
    gatedFfn,
    vocabSize,
    tiedEmbeddings: tied,
    ...(parallel ? { parallelAttentionFfn: true } : {}),
    ...(moe === undefined ? {} : { moe }),
    ...(mla === undefined ? {} : { mla }),
    ...(slidingWindow === undefined ? {} : { slidingWindow }),
    ...(mtpModules > 0 ? { mtpModules } : {}),
    source: sourceOf(options.id, reader),
  };
}

/** Where the architecture comes from: config.json, and the class defaults it relied on. */
function sourceOf(id: string | undefined, reader: FieldReader): string {
  const file = id === undefined ? 'Hugging Face config.json' : `Hugging Face config.json (${id})`;
  if (reader.defaulted.size === 0 || reader.family === undefined) return file;
  const keys = [...reader.defaulted].map((key) => reader.prefix + key).join(', ');
  return `${file}; ${reader.family.source} defaults for ${keys}`;
}

function readKvHeads(reader: FieldReader, modelType: string | undefined, heads: number | undefined): number | undefined {
  const what = 'the number of key/value heads';
  let kvHeads: number | undefined;
  if (modelType === 'falcon' || modelType === 'refinedweb' || modelType === 'refinedwebmodel') {
    // FalconAttention: the new (40B/180B) decoder uses num_kv_heads; the old one is multi-query
    // (one KV head) unless multi_query is false.
    const newDecoder = reader.boolean('new_decoder_architecture', 'the Falcon-40B/180B decoder') ?? modelType === 'refinedweb';
    const multiQuery = reader.boolean('multi_query', 'one shared key/value head') ?? true;
    const declared = reader.integer(['num_kv_heads', 'n_head_kv', 'num_key_value_heads'], what, MODEL_LIMITS.heads);
    kvHeads = newDecoder || !multiQuery ? (declared ?? heads) : 1;
  } else {
    kvHeads = reader.integer(['num_key_value_heads', 'num_kv_heads', 'n_head_kv'], what, MODEL_LIMITS.heads) ?? heads;
  }
  if (kvHeads !== undefined && heads !== undefined && heads % kvHeads !== 0) {
    reader.issue(
      'num_key_value_heads',
      `${reader.named('num_key_value_heads')} (${kvHeads}) must divide ${reader.named('num_attention_heads')} (${heads}): ` +
        'each key/value head serves a whole group of query heads',
    );
    return undefined;
  }
  return kvHeads;
}

function readHeadDim(reader: FieldReader, hiddenSize: number | undefined, heads: number | undefined): number | undefined {
  const headDim = reader.integer(['head_dim'], 'the attention head dimension', MODEL_LIMITS.headDim);
  if (headDim !== undefined || reader.find(['head_dim']) !== undefined) return headDim;
  if (hiddenSize === undefined || heads === undefined) return undefined;
  if (hiddenSize % heads !== 0) {
    reader.issue(
      'head_dim',
      `missing "${reader.prefix}head_dim": "hidden_size" ${hiddenSize} is not a multiple of "num_attention_heads" ${heads}, ` +
        'so the head dimension cannot be derived; add head_dim',
    );
    return undefined;
  }
  return hiddenSize / heads;
}

function readMoe(reader: FieldReader, layers: number, ffn: number | undefined): MoeSpec | undefined {
  const expertKeys = ['num_local_experts', 'num_experts', 'n_routed_experts'];
  const experts = reader.integer(expertKeys, 'the routed experts per MoE layer; 0 or null for a dense model', MODEL_LIMITS.experts, 0);
  if (experts === undefined || experts === 0) return undefined;
  const expertsField = reader.find(expertKeys)?.key ?? 'num_experts';

  const activeKeys = ['num_experts_per_tok', 'experts_per_token'];
  const activeWhat = 'the routed experts active per token';
  let activeExperts: number | undefined;
  if (reader.find(activeKeys) === undefined) {
    reader.issue(
      'num_experts_per_tok',
      `missing ${quoted(activeKeys, reader.prefix)}: ${activeWhat} (${reader.defaulted.has(expertsField) ? `${reader.named(expertsField)} is ${experts} experts` : `the config declares ${experts} experts in "${expertsField}"`})`,
    );
  } else {
    activeExperts = reader.integer(activeKeys, activeWhat, MODEL_LIMITS.experts);
    if (activeExperts !== undefined && activeExperts > experts) {
      reader.issue(
        'num_experts_per_tok',
        `${reader.named('num_experts_per_tok')} (${activeExperts}) must not exceed the routed experts ${reader.named(expertsField).replace(reader.prefix, '')} (${experts})`,
      );
      activeExperts = undefined;
    }
  }

  const expertWhat = 'the hidden size of one expert';
  const expertHiddenSize = reader.integer(['moe_intermediate_size'], expertWhat, MODEL_LIMITS.ffnHiddenSize) ??
    (reader.find(['moe_intermediate_size']) === undefined ? ffn : undefined);
  if (expertHiddenSize === undefined && reader.find(['moe_intermediate_size', 'intermediate_size']) === undefined) {
    reader.issue('moe_intermediate_size', `missing ${quoted(['moe_intermediate_size', 'intermediate_size'], reader.prefix)}: ${expertWhat}`);
  }

  const sharedExperts = readSharedExperts(reader, expertHiddenSize);
  const denseLayers = readDenseLayers(reader, layers);
  if (activeExperts === undefined || expertHiddenSize === undefined || sharedExperts === undefined || denseLayers === undefined) {
    return undefined;
  }
  return { experts, activeExperts, sharedExperts, expertHiddenSize, denseLayers };
}

function readSharedExperts(reader: FieldReader, expertHiddenSize: number | undefined): number | undefined {
  const count = reader.integer(['n_shared_experts', 'num_shared_experts'], 'the always-active shared experts', MODEL_LIMITS.experts, 0);
  if (count !== undefined) return count;
  if (reader.find(['n_shared_experts', 'num_shared_experts']) !== undefined) return undefined;
  // Qwen2-MoE states one shared expert of its own size: express it as whole experts.
  const size = reader.integer(['shared_expert_intermediate_size'], 'the hidden size of the shared expert', MODEL_LIMITS.ffnHiddenSize, 0);
  if (size === undefined) return reader.find(['shared_expert_intermediate_size']) === undefined ? 0 : undefined;
  if (expertHiddenSize === undefined) return undefined;
  if (size % expertHiddenSize !== 0) {
    reader.issue(
      'shared_expert_intermediate_size',
      `${reader.named('shared_expert_intermediate_size')} (${size}) must be a multiple of the expert size ` +
        `"moe_intermediate_size" (${expertHiddenSize}): shared experts are modelled as whole experts`,
    );
    return undefined;
  }
  return size / expertHiddenSize;
}

/** Counts the layers whose FFN is dense, as DeepSeek (`first_k_dense_replace`, `moe_layer_freq`) and Qwen (`mlp_only_layers`, `decoder_sparse_step`) place them. */
function readDenseLayers(reader: FieldReader, layers: number): number | undefined {
  const firstDense = reader.integer(['first_k_dense_replace'], 'the leading layers with a dense FFN', MODEL_LIMITS.layers, 0) ?? 0;
  const layerFreq = reader.integer(['moe_layer_freq'], 'every how many layers one is MoE', MODEL_LIMITS.layers) ?? 1;
  const sparseStep = reader.integer(['decoder_sparse_step'], 'every how many layers one is MoE', MODEL_LIMITS.layers) ?? 1;
  if (firstDense > layers) {
    reader.issue(
      'first_k_dense_replace',
      `${reader.named('first_k_dense_replace')} (${firstDense}) must not exceed the number of layers (${layers})`,
    );
    return undefined;
  }
  const mlpOnly = reader.find(['mlp_only_layers'])?.value ?? [];
  if (!Array.isArray(mlpOnly) || !mlpOnly.every((i): i is number => Number.isInteger(i) && i >= 0 && i < layers)) {
    reader.issue(
      'mlp_only_layers',
      `"${reader.prefix}mlp_only_layers" must be a list of layer indices from 0 to ${layers - 1}, got ${describe(mlpOnly)}`,
    );
    return undefined;
  }
  const denseSet = new Set<number>(mlpOnly);
  let dense = 0;
  for (let i = 0; i < layers; i++) {
    const isMoe = i >= firstDense && i % layerFreq === 0 && (i + 1) % sparseStep === 0 && !denseSet.has(i);
    if (!isMoe) dense++;
  }
  return dense;
}

function readMla(reader: FieldReader): MlaSpec | undefined {
  const kvLoraRank = reader.integer(['kv_lora_rank'], 'the KV latent rank of multi-head latent attention', MODEL_LIMITS.loraRank);
  if (kvLoraRank === undefined) return undefined;
  const because = '(the config sets "kv_lora_rank", so it uses multi-head latent attention)';
  const qLoraRank = reader.integer(['q_lora_rank'], 'the query LoRA rank; 0 or null for none', MODEL_LIMITS.loraRank, 0) ?? 0;
  const qkNopeHeadDim = reader.required(['qk_nope_head_dim'], `the non-rotary query/key head dimension ${because}`, MODEL_LIMITS.headDim);
  const qkRopeHeadDim = reader.required(['qk_rope_head_dim'], `the rotary query/key head dimension ${because}`, MODEL_LIMITS.headDim);
  const vHeadDim = reader.required(['v_head_dim'], `the value head dimension ${because}`, MODEL_LIMITS.headDim);
  if (qkNopeHeadDim === undefined || qkRopeHeadDim === undefined || vHeadDim === undefined) return undefined;
  return { qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim };
}

function readSlidingWindow(reader: FieldReader, family: Family | undefined, layers: number): SlidingWindowSpec | undefined {
  const windowWhat = 'the attention window in tokens';
  const windowTokens = reader.integer(['sliding_window'], windowWhat, MODEL_LIMITS.windowTokens);
  const layerTypes = reader.find(['layer_types'])?.value;
  if (layerTypes !== undefined) {
    if (!Array.isArray(layerTypes) || layerTypes.length !== layers || !layerTypes.every((t) => typeof t === 'string')) {
      const got = Array.isArray(layerTypes) ? `${layerTypes.length} entries` : describe(layerTypes);
      reader.issue(
        'layer_types',
        `"${reader.prefix}layer_types" must list one attention type per layer (${layers} strings such as "full_attention" or "sliding_attention"), got ${got}`,
      );
      return undefined;
    }
    const windowedLayers = layerTypes.filter((t) => t === 'sliding_attention').length;
    if (windowedLayers === 0) return undefined;
    if (windowTokens === undefined) {
      if (reader.find(['sliding_window']) === undefined) {
        reader.issue(
          'sliding_window',
          `missing "${reader.prefix}sliding_window": ${windowWhat} ("layer_types" marks ${windowedLayers} layers "sliding_attention")`,
        );
      }
      return undefined;
    }
    return { windowTokens, windowedLayers };
  }
  if (reader.boolean('use_sliding_window', 'whether any layer uses the window') === false || windowTokens === undefined) {
    return undefined;
  }
  let windowedLayers = layers;
  const pattern = reader.integer(['sliding_window_pattern'], 'one global layer in every this many', MODEL_LIMITS.layers);
  if (pattern !== undefined) {
    windowedLayers = layers - Math.floor(layers / pattern);
  } else if (family?.alternatingWindow === true) {
    windowedLayers = Math.ceil(layers / 2);
  } else if (reader.find(['use_sliding_window']) !== undefined) {
    // Qwen2: with use_sliding_window, layers from max_window_layers on use the window.
    const fullLayers = reader.integer(['max_window_layers'], 'the leading layers with full attention', MODEL_LIMITS.layers, 0) ?? 0;
    windowedLayers = Math.max(0, layers - fullLayers);
  }
  return windowedLayers === 0 ? undefined : { windowTokens, windowedLayers };
}

function readParallel(reader: FieldReader, modelType: string | undefined, family: Family | undefined): boolean {
  if (family?.parallel !== true) return false;
  if (modelType === 'gpt_neox') {
    return reader.boolean('use_parallel_residual', 'attention and MLP in parallel') ?? true;
  }
  if (modelType === 'falcon') {
    const newDecoder = reader.find(['new_decoder_architecture'])?.value === true;
    return newDecoder || (reader.boolean('parallel_attn', 'attention and MLP in parallel') ?? true);
  }
  return true;
}
