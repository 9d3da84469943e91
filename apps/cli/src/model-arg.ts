/**
 * The `--model` flag, shared by the commands that take one model (`estimate`, `plan`): add
 * `model: MODEL_ARG as ModelArgDef` to a command's args and read it with `resolveModel`.
 */

/**
 * The citty definition of a required `--model`.
 *
 * @example
 * const def: ModelArgDef = MODEL_ARG;
 */
export interface ModelArgDef {
  readonly type: 'string';
  readonly required: true;
  readonly valueHint: string;
  readonly description: string;
}

/**
 * `--model`: a catalog id or alias, or a path to a Hugging Face config.json. The `as ModelArgDef`
 * in a command's args gives isolatedDeclarations the explicit type it needs.
 *
 * @example
 * const args = { model: MODEL_ARG as ModelArgDef, plugin: PLUGIN_ARG as PluginArgDef } as const;
 */
export const MODEL_ARG: ModelArgDef = {
  type: 'string',
  required: true,
  valueHint: 'id|config.json',
  description: 'Model id or alias (see "ridgeline models list"), or a path to a Hugging Face config.json',
};
