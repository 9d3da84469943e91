import { flagValues } from './args.ts';

/**
 * The `--plugin` flag, shared by every command that names chips: add `plugin: PLUGIN_ARG as
 * PluginArgDef` to a command's args and pass `pluginFlags(rawArgs)` to `resolveChip`/`loadRegistry`.
 */

/**
 * The citty definition of `--plugin`.
 *
 * @example
 * const def: PluginArgDef = PLUGIN_ARG;
 */
export interface PluginArgDef {
  readonly type: 'string';
  /** May be given more than once (checkArgs allows the repeats; `pluginFlags` reads them all). */
  readonly repeatable: true;
  readonly valueHint: string;
  readonly description: string;
}

/**
 * The `--plugin` flag (citty). citty keeps only the last value of a repeated flag, so the values
 * are read from the raw arguments with `pluginFlags`. The `as PluginArgDef` in a command's args
 * gives isolatedDeclarations the explicit type it needs.
 *
 * @example
 * const args = { hardware: { type: 'string', required: true }, plugin: PLUGIN_ARG as PluginArgDef } as const;
 */
export const PLUGIN_ARG: PluginArgDef = {
  type: 'string',
  repeatable: true,
  valueHint: 'package|path',
  description: 'Load a hardware plugin (package or path) whose chips --hardware can then name; repeatable. Also read from ridgeline.config.json|js|mjs',
};

/**
 * Every value of `--plugin` in `rawArgs`, in order (`--plugin x` and `--plugin=x`), up to `--`.
 *
 * @example
 * pluginFlags(['--plugin', '@acme/x', '--plugin=./y.js', '--tp', '8']); // ['@acme/x', './y.js']
 */
export function pluginFlags(rawArgs: readonly string[]): string[] {
  // checkArgs has already refused an empty value
  return flagValues(rawArgs, 'plugin').map((v) => v.trim());
}
