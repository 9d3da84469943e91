import { ConfigError, fromHuggingFaceConfig } from '@ridgeline/catalog';
import type { ModelSpec } from '@ridgeline/model';

/** A pasted config.json, read: the model, or what is wrong with it in the catalog's words. */
export type CustomModelCheck = { readonly ok: true; readonly model: ModelSpec } | { readonly ok: false; readonly message: string };

/**
 * Reads a pasted Hugging Face `config.json` with the catalog's reader (what the CLI does with
 * `--model path/to/config.json`).
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
  try {
    return { ok: true, model: fromHuggingFaceConfig(json) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}
