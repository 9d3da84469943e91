import type { ModelSpec } from '@ridgeline/model';
import { ResolveError } from '@ridgeline/engine';
import { resolveModelRef } from '@ridgeline/engine/node';
import { UserError } from './errors.ts';

export { isConfigPath } from '@ridgeline/engine/node';

/**
 * Resolves a model value (`--model`, a sweep spec's `models`) as `@ridgeline/engine/node`'s
 * `resolveModelRef` does: a catalog id or alias (case-insensitive), a Hugging Face repository id
 * the catalog knows (`meta-llama/Llama-3.1-70B`, resolved without network), or a path to a Hugging
 * Face `config.json` (or a directory holding one) relative to `cwd`. Throws `UserError` for an
 * unknown id (with the nearest ids), a missing or unreadable file, invalid JSON, or a config the
 * reader rejects.
 *
 * @example
 * (await resolveModel('llama-3.1-70b', process.cwd())).layers; // 80
 */
export async function resolveModel(value: string, cwd: string, flag = '--model'): Promise<ModelSpec> {
  try {
    return await resolveModelRef(value, cwd, flag);
  } catch (error) {
    if (error instanceof ResolveError) throw new UserError(error.message, { cause: error });
    throw error;
  }
}
