import type { ChipSpec, HardwarePlugin } from '@ridgeline/hardware';
import { chipOfPlugin, findChip, FIRST_PARTY_PLUGINS, isPluginSpecifier, registerPlugins, ResolveError, unknownHardware, type PluginSource } from '@ridgeline/engine';
import { loadPlugin as loadEnginePlugin } from '@ridgeline/engine/node';
import { loadConfig } from './config.ts';
import { pluginImportTimeoutMs } from './import-timeout.ts';
import { UserError } from './errors.ts';

// The chips, the registry's rules and the plugin loader are @ridgeline/engine's, which sweeps with them too.
export { findChip, FIRST_PARTY_PLUGINS, firstPartyChips, isPluginSpecifier, placeholderWarning } from '@ridgeline/engine';

/** Runs `work`, turning the engine's `ResolveError` (one line, user-fixable) into the CLI's `UserError`. */
async function userErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ResolveError) throw new UserError(error.message, { cause: error });
    throw error;
  }
}

/** Options for `loadRegistry`. */
export interface RegistryOptions {
  /** Directory relative plugin paths resolve from, and where `ridgeline.config.*` is looked for. */
  readonly cwd: string;
  /** Plugins given with `--plugin` (package names or paths), after those of the config file. */
  readonly plugins?: readonly string[];
}

/** Options for `resolveChip`. */
export interface ResolveChipOptions extends RegistryOptions {
  /** Receives a one-line note (e.g. which chip of a multi-chip plugin was used). */
  readonly warn?: (message: string) => void;
}

/** A chip the CLI can name by id, and the plugin it comes from. */
export interface RegisteredChip {
  readonly chip: ChipSpec;
  readonly plugin: HardwarePlugin;
  /** Where the plugin was loaded from, for messages: `built in`, `--plugin <specifier>`, `<specifier> in ridgeline.config.json`. */
  readonly from: string;
}

/** Every chip the CLI can name by id: the first-party ones, then those of the config file's and `--plugin`'s plugins. */
export interface Registry {
  readonly chips: readonly RegisteredChip[];
}

/**
 * The registry of the first-party chips plus the chips of the plugins listed in the
 * `ridgeline.config.*` file of `cwd` and in `plugins` (`--plugin`), in that order. A plugin loaded
 * twice (same name, version and data) counts once. Throws `UserError` when a plugin cannot be
 * loaded or is invalid, when two plugins of one name@version hold different data, and when two
 * plugins give one id or alias to different chips (naming both plugins).
 *
 * @example
 * const registry = await loadRegistry({ cwd: process.cwd(), plugins: ['@acme/ridgeline-hardware'] });
 * registry.chips.map((c) => c.chip.id); // ['h100-sxm', …, 'acme-x1']
 */
export async function loadRegistry(options: RegistryOptions): Promise<Registry> {
  const sources = await registrySources(options);
  return { chips: await userErrors(() => registerPlugins(sources)) };
}

async function registrySources(options: RegistryOptions): Promise<PluginSource[]> {
  const sources: PluginSource[] = FIRST_PARTY_PLUGINS.map((plugin) => ({
    plugin,
    from: 'built in',
  }));
  const loaded = await loadConfig(options.cwd);
  for (const specifier of loaded?.config.plugins ?? []) {
    const plugin = await loadPlugin(specifier, loaded?.dir ?? options.cwd, loaded === undefined ? '' : `${loaded.file}: `);
    sources.push({ plugin, from: `${specifier} in ${loaded?.file ?? 'the config file'}` });
  }
  for (const specifier of options.plugins ?? []) {
    sources.push({ plugin: await loadPlugin(specifier, options.cwd), from: `--plugin ${specifier}` });
  }
  return sources;
}

/**
 * Loads and validates one plugin (a path or a package, resolved from `cwd`), as `--plugin` does.
 * Throws `UserError` with the loader's or validator's message.
 *
 * @example
 * (await loadPlugin('./acme.json', process.cwd())).meta.name; // 'acme-chips'
 */
export async function loadPlugin(specifier: string, cwd: string, where = ''): Promise<HardwarePlugin> {
  const importTimeoutMs = pluginImportTimeoutMs();
  return userErrors(() => loadEnginePlugin(specifier, cwd, { where, importTimeoutMs }));
}

/**
 * Resolves a `--hardware` value: the id or alias of a registered chip (`h100-sxm`, `h100`, or a
 * chip of a plugin loaded by the config file or `--plugin`, see `loadRegistry`), a plugin
 * file or package whose first chip is used (`./chip.json`), or one chip of it (`./acme.js#acme-x1`).
 * Throws `UserError` with the nearest names for an unknown id.
 *
 * @example
 * (await resolveChip('h100', { cwd: process.cwd() })).id; // 'h100-sxm'
 */
export async function resolveChip(value: string, options: ResolveChipOptions): Promise<ChipSpec> {
  const name = value.trim();
  if (name === '') throw new UserError('--hardware needs a chip id (e.g. h100-sxm) or a path to a hardware plugin');
  const sources = await registrySources(options);
  const registered = (await userErrors(() => registerPlugins(sources))).map((c) => c.chip);
  const known = findChip(registered, name);
  if (known !== undefined) return known;
  if (!isPluginSpecifier(name)) throw new UserError(unknownHardware(name, registered).message);

  const hash = name.lastIndexOf('#');
  const specifier = hash === -1 ? name : name.slice(0, hash);
  const chipId = hash === -1 ? undefined : name.slice(hash + 1);
  const plugin = await loadPlugin(specifier, options.cwd);
  // A plugin named by path obeys the registry's rules: it may not give a built-in (or another
  // plugin's) id to a chip of its own, which results would then show under that id.
  await userErrors(() => registerPlugins([...sources, { plugin, from: specifier }]));
  return userErrors(() => chipOfPlugin(plugin, specifier, chipId, options.warn));
}
