import { ConfigError, fromHuggingFaceConfig } from '@ridgeline/catalog';
import { formatExactCount, formatInteger } from '@ridgeline/format';
import type { ModelSpec } from '@ridgeline/model';

/** A pasted config.json, read: the model, or what is wrong with it in the catalog's words. */
export type CustomModelCheck = { readonly ok: true; readonly model: ModelSpec } | { readonly ok: false; readonly message: string };

/**
 * The most layers and attention heads the page computes with. The search for the smallest layout
 * that fits counts through the divisors of both, in time proportional to them: a shared link with
 * 10¹² layers froze the tab. No model comes within a hundred times of these (issue 13 names them
 * as physical limits).
 */
export const MODEL_LIMITS = { layers: 100_000, heads: 100_000 } as const;

/** What is past `MODEL_LIMITS` in a model read from config.json, or null. */
export function beyondModelLimits(model: ModelSpec): string | null {
  for (const [field, words] of [
    ['layers', 'layers'],
    ['heads', 'attention heads'],
  ] as const) {
    const value = model[field];
    const max = MODEL_LIMITS[field];
    if (value > max) return `config.json: ${formatExactCount(value)} ${words} is more than the ${formatInteger(max)} this page computes with; no model comes near, so nothing was computed.`;
  }
  return null;
}

/**
 * Reads a pasted Hugging Face `config.json` with the catalog's reader (what the CLI does with
 * `--model path/to/config.json`), and refuses a model past `MODEL_LIMITS`.
 *
 * @example
 * const check = readModelConfig('{"num_hidden_layers": 32, …}');
 * if (check.ok) check.model.layers; // 32
 */
export function readModelConfig(text: string): CustomModelCheck {
  if (text.trim() === '') return { ok: false, message: 'Paste the contents of a Hugging Face config.json.' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `config.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  let model: ModelSpec;
  try {
    model = fromHuggingFaceConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
  const beyond = beyondModelLimits(model);
  return beyond === null ? { ok: true, model } : { ok: false, message: beyond };
}
