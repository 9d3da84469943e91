import type { ModelSpec } from '@ridgeline/model';
import { deepseekModels } from './models/deepseek.ts';
import { falconModels } from './models/falcon.ts';
import { gemmaModels } from './models/gemma.ts';
import { gptOssModels } from './models/gpt-oss.ts';
import { gptModels } from './models/gpt.ts';
import { llamaModels } from './models/llama.ts';
import { llama4Models } from './models/llama4.ts';
import { mistralModels } from './models/mistral.ts';
import { palmModels } from './models/palm.ts';
import { qwenModels } from './models/qwen.ts';

/**
 * Every catalog model, grouped by family.
 *
 * @example
 * import { models } from '@ridgeline/catalog';
 * models.filter((m) => m.moe !== undefined).map((m) => m.id);
 * // ['llama-4-scout', 'llama-4-maverick', 'mixtral-8x7b', 'mixtral-8x22b', 'deepseek-v3', 'qwen3-235b-a22b', 'qwen3-30b-a3b', 'gpt-oss-120b']
 */
export const models: readonly ModelSpec[] = [
  ...llamaModels,
  ...llama4Models,
  ...mistralModels,
  ...deepseekModels,
  ...qwenModels,
  ...gptOssModels,
  ...gemmaModels,
  ...palmModels,
  ...gptModels,
  ...falconModels,
];

/**
 * Other names for catalog models (lower-case alias → catalog id): common short forms, Hugging Face
 * repository names, and released variants with the same architecture (instruct/chat tunes,
 * Llama 3 and 3.3 for Llama 3.1, DeepSeek-R1 for DeepSeek-V3). `getModel` also accepts
 * `org/name` repository ids by their `name` part and a model's display name.
 *
 * @example
 * aliases['meta-llama-3.1-70b']; // 'llama-3.1-70b'
 */
export const aliases: Readonly<Record<string, string>> = {
  // Llama 3 / 3.1 / 3.3 share the architecture; only RoPE scaling and context length differ.
  'llama3-8b': 'llama-3.1-8b',
  'llama-3-8b': 'llama-3.1-8b',
  'llama3.1-8b': 'llama-3.1-8b',
  'meta-llama-3-8b': 'llama-3.1-8b',
  'meta-llama-3.1-8b': 'llama-3.1-8b',
  'llama-3.1-8b-instruct': 'llama-3.1-8b',
  'meta-llama-3-8b-instruct': 'llama-3.1-8b',
  'meta-llama-3.1-8b-instruct': 'llama-3.1-8b',
  'llama3-70b': 'llama-3.1-70b',
  'llama-3-70b': 'llama-3.1-70b',
  'llama3.1-70b': 'llama-3.1-70b',
  'llama-3.3-70b': 'llama-3.1-70b',
  'meta-llama-3-70b': 'llama-3.1-70b',
  'meta-llama-3.1-70b': 'llama-3.1-70b',
  'llama-3.1-70b-instruct': 'llama-3.1-70b',
  'llama-3.3-70b-instruct': 'llama-3.1-70b',
  'meta-llama-3-70b-instruct': 'llama-3.1-70b',
  'meta-llama-3.1-70b-instruct': 'llama-3.1-70b',
  'llama3-405b': 'llama-3.1-405b',
  'llama-3-405b': 'llama-3.1-405b',
  'llama3.1-405b': 'llama-3.1-405b',
  'meta-llama-3.1-405b': 'llama-3.1-405b',
  'llama-3.1-405b-instruct': 'llama-3.1-405b',
  'meta-llama-3.1-405b-instruct': 'llama-3.1-405b',
  'llama2-7b': 'llama-2-7b',
  'llama-2-7b-hf': 'llama-2-7b',
  'llama-2-7b-chat': 'llama-2-7b',
  'llama-2-7b-chat-hf': 'llama-2-7b',
  'llama2-13b': 'llama-2-13b',
  'llama-2-13b-hf': 'llama-2-13b',
  'llama-2-13b-chat': 'llama-2-13b',
  'llama-2-13b-chat-hf': 'llama-2-13b',
  'llama2-70b': 'llama-2-70b',
  'llama-2-70b-hf': 'llama-2-70b',
  'llama-2-70b-chat': 'llama-2-70b',
  'llama-2-70b-chat-hf': 'llama-2-70b',
  'llama1-7b': 'llama-7b',
  'llama-1-7b': 'llama-7b',
  mixtral: 'mixtral-8x7b',
  'mixtral-8x7b-v0.1': 'mixtral-8x7b',
  'mixtral-8x7b-instruct-v0.1': 'mixtral-8x7b',
  'mixtral-8x22b-v0.1': 'mixtral-8x22b',
  'mixtral-8x22b-instruct-v0.1': 'mixtral-8x22b',
  'deepseek-v3-base': 'deepseek-v3',
  'deepseek-v3-0324': 'deepseek-v3',
  'deepseek-r1': 'deepseek-v3',
  'qwen3-235b': 'qwen3-235b-a22b',
  'qwen3-235b-a22b-instruct-2507': 'qwen3-235b-a22b',
  'qwen3-30b': 'qwen3-30b-a3b',
  // Llama 4: the Hugging Face repositories' names, base and instruct (the FP8 and FP4 checkpoints share the architecture)
  'llama-4-scout-17b-16e': 'llama-4-scout',
  'llama-4-scout-17b-16e-instruct': 'llama-4-scout',
  'llama4-scout': 'llama-4-scout',
  'llama-4-maverick-17b-128e': 'llama-4-maverick',
  'llama-4-maverick-17b-128e-instruct': 'llama-4-maverick',
  'llama-4-maverick-17b-128e-instruct-fp8': 'llama-4-maverick',
  'llama4-maverick': 'llama-4-maverick',
  'qwen3-30b-a3b-instruct-2507': 'qwen3-30b-a3b',
  'gemma3-27b': 'gemma-3-27b',
  'gemma-3-27b-it': 'gemma-3-27b',
  'gemma-3-27b-pt': 'gemma-3-27b',
  palm: 'palm-540b',
  palm540b: 'palm-540b',
  palm62b: 'palm-62b',
  'gpt3-175b': 'gpt-3-175b',
  'gpt-175b': 'gpt-3-175b',
  'gpt-3': 'gpt-3-175b',
  'gpt3-6.7b': 'gpt-6.7b',
  'gpt-3-6.7b': 'gpt-6.7b',
  'mt-nlg-530b': 'megatron-530b',
  'megatron-turing-nlg-530b': 'megatron-530b',
  falcon180b: 'falcon-180b',
  'falcon-180b-chat': 'falcon-180b',
};

/** Lower-case, with runs of spaces and underscores as '-': `Llama 3.1 70B` → `llama-3.1-70b`. */
function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

const byKey: ReadonlyMap<string, ModelSpec> = (() => {
  const map = new Map<string, ModelSpec>();
  for (const model of models) {
    map.set(model.id, model);
    map.set(normalise(model.name), model);
  }
  for (const [alias, id] of Object.entries(aliases)) {
    const model = map.get(id);
    if (model !== undefined) map.set(alias, model);
  }
  return map;
})();

/**
 * A catalog model by id, alias, display name or Hugging Face repository id, case-insensitively;
 * `undefined` when there is none.
 *
 * @example
 * getModel('llama-3.1-70b')?.layers;                 // 80
 * getModel('meta-llama/Meta-Llama-3.1-70B')?.id;     // 'llama-3.1-70b'
 * getModel('deepseek-ai/DeepSeek-V3')?.moe?.experts; // 256
 * getModel('gpt-5');                                 // undefined
 */
export function getModel(id: string): ModelSpec | undefined {
  const key = normalise(id);
  const found = byKey.get(key);
  if (found !== undefined) return found;
  const slash = key.lastIndexOf('/');
  return slash === -1 ? undefined : byKey.get(key.slice(slash + 1));
}

/**
 * The ids of every catalog model, in catalog order.
 *
 * @example
 * modelIds().includes('deepseek-v3'); // true
 */
export function modelIds(): string[] {
  return models.map((model) => model.id);
}
