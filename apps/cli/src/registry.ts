import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { formatIssues, HardwareValidationError, placeholderFigures, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';
import { DEFAULT_IMPORT_TIMEOUT_MS, HardwareLoadError, loadHardware } from '@ridgeline/hardware/node';
import { loadConfig } from './config.ts';
import { quoted, UserError } from './errors.ts';
import { didYouMean } from './suggest.ts';

/** The first-party plugins the CLI ships with, in the order `hardware list` shows them. */
export const FIRST_PARTY_PLUGINS: readonly HardwarePlugin[] = [nvidia, amd, google, groq];

/**
 * Every first-party chip.
 *
 * @example
 * firstPartyChips().map((c) => c.id); // ['h100-sxm', 'h200', …, 'groq-lpu']
 */
export function firstPartyChips(): readonly ChipSpec[] {
  return FIRST_PARTY_PLUGINS.flatMap((p) => p.chips);
}

function matches(chip: ChipSpec, name: string): boolean {
  const wanted = name.toLowerCase();
  return chip.id.toLowerCase() === wanted || (chip.aliases ?? []).some((a) => a.toLowerCase() === wanted);
}

function namesOf(chips: readonly ChipSpec[]): string[] {
  return chips.flatMap((c) => [c.id, ...(c.aliases ?? [])]);
}

/**
 * A chip of `chips` by id or alias, case-insensitive.
 *
 * @example
 * findChip(firstPartyChips(), 'H100')?.id; // 'h100-sxm'
 */
export function findChip(chips: readonly ChipSpec[], name: string): ChipSpec | undefined {
  return chips.find((c) => matches(c, name));
}

/**
 * Whether a `--hardware` value names a plugin to load (a file path or a package) rather than a
 * first-party chip id.
 *
 * @example
 * isPluginSpecifier('./chip.json'); // true
 * isPluginSpecifier('h100-sxm'); // false
 */
export function isPluginSpecifier(value: string): boolean {
  return (
    value.includes('/') ||
    value.includes('\\') ||
    value.includes('#') ||
    value.startsWith('.') ||
    value.startsWith('@') ||
    value.startsWith('ridgeline-hardware-') ||
    /\.(?:json|[cm]?js|[cm]?ts)$/i.test(value)
  );
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

function pluginLabel(plugin: HardwarePlugin): string {
  return `${plugin.meta.name}@${plugin.meta.version}`;
}

/** The error for two plugins that give the same name (id or alias, case-insensitive) to different chips. */
function collision(name: string, first: RegisteredChip, second: RegisteredChip): UserError {
  const who = (c: RegisteredChip): string => `${pluginLabel(c.plugin)} (${c.from})`;
  const lower = name.toLowerCase();
  if (first.chip.id.toLowerCase() === lower && second.chip.id.toLowerCase() === lower) {
    return new UserError(
      `chip id ${quoted(name)} is defined by two hardware plugins: ${who(first)} and ${who(second)}; load only one of them, or rename the chip in one`,
    );
  }
  return new UserError(
    `chip name ${quoted(name)} is claimed by two hardware plugins: ${who(first)} for chip ${quoted(first.chip.id)} and ${who(second)} for chip ${quoted(second.chip.id)}; load only one of them, or rename the chip or alias in one`,
  );
}

/**
 * The first path at which two plugin values differ, and both values there, e.g.
 * `chips[0].memory.bandwidthBytesPerS.value: 3350000000000 against 4000000000000`; undefined when equal.
 */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    return `${path === '' ? 'the plugin' : path}: ${JSON.stringify(a) ?? String(a)} against ${JSON.stringify(b) ?? String(b)}`;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const at = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    const difference = firstDifference(left[key], right[key], at);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/** The error for two loaded plugins of one name@version that hold different data. */
function conflict(first: { readonly plugin: HardwarePlugin; readonly from: string }, second: { readonly plugin: HardwarePlugin; readonly from: string }): UserError {
  const difference = firstDifference(first.plugin, second.plugin) ?? 'their data';
  return new UserError(
    `hardware plugins ${first.from} and ${second.from} are both ${pluginLabel(first.plugin)} but differ (${difference}); load only one of them, or give the changed one a new version`,
  );
}

/**
 * Registers the chips of `sources` in order: a plugin given twice (same name@version, same data)
 * counts once; two of one name@version with different data are refused (which one would be used
 * would depend on the order they were given in); two plugins giving one id or alias to different
 * chips are refused too, naming both.
 */
function register(sources: readonly { readonly plugin: HardwarePlugin; readonly from: string }[]): RegisteredChip[] {
  const chips: RegisteredChip[] = [];
  const claims = new Map<string, RegisteredChip>();
  const seen = new Map<string, { readonly plugin: HardwarePlugin; readonly from: string }>();
  for (const source of sources) {
    const { plugin, from } = source;
    const earlier = seen.get(pluginLabel(plugin));
    if (earlier !== undefined) {
      if (earlier.plugin !== plugin && firstDifference(earlier.plugin, plugin) !== undefined) throw conflict(earlier, source);
      continue;
    }
    seen.set(pluginLabel(plugin), source);
    for (const chip of plugin.chips) {
      const entry: RegisteredChip = { chip, plugin, from };
      for (const name of [chip.id, ...(chip.aliases ?? [])]) {
        const claimed = claims.get(name.toLowerCase());
        if (claimed !== undefined && claimed.plugin !== plugin) throw collision(name, claimed, entry);
        claims.set(name.toLowerCase(), entry);
      }
      chips.push(entry);
    }
  }
  return chips;
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
  return { chips: register(await registrySources(options)) };
}

async function registrySources(options: RegistryOptions): Promise<Array<{ readonly plugin: HardwarePlugin; readonly from: string }>> {
  const sources: Array<{ readonly plugin: HardwarePlugin; readonly from: string }> = FIRST_PARTY_PLUGINS.map((plugin) => ({
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

/** Suggests a chip's id for a near miss of its id or of one of its aliases. */
function nearestChips(name: string, chips: readonly ChipSpec[]): string {
  return didYouMean(name, namesOf(chips), (n) => findChip(chips, n)?.id ?? n);
}

function unknownHardware(name: string, chips: readonly ChipSpec[]): UserError {
  const hint = nearestChips(name, chips);
  return new UserError(`unknown hardware ${quoted(name)}.${hint} Run "ridgeline hardware list" to see all.`);
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/**
 * How long a plugin module may take to import: `RIDGELINE_PLUGIN_TIMEOUT_MS`, else 10 s
 * (`DEFAULT_IMPORT_TIMEOUT_MS`). A module that loops or waits at import is stopped then.
 */
function importTimeoutMs(): number {
  const raw = process.env['RIDGELINE_PLUGIN_TIMEOUT_MS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_IMPORT_TIMEOUT_MS;
  const value = /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= 1 && value <= 3_600_000)) {
    throw new UserError(`RIDGELINE_PLUGIN_TIMEOUT_MS must be a whole number of milliseconds from 1 to 3600000, got ${quoted(raw)}`);
  }
  return value;
}

/**
 * Loads and validates one plugin (a path or a package, resolved from `cwd`), as `--plugin` does.
 * Throws `UserError` with the loader's or validator's message.
 *
 * @example
 * (await loadPlugin('./acme.json', process.cwd())).meta.name; // 'acme-chips'
 */
export async function loadPlugin(specifier: string, cwd: string, where = ''): Promise<HardwarePlugin> {
  try {
    return await loadHardware(specifier, { cwd, importTimeoutMs: importTimeoutMs() });
  } catch (error) {
    // Both name the plugin and say the fix; a validation error lists every problem.
    if (error instanceof HardwareValidationError) {
      throw new UserError(where + lowerFirst(formatIssues(error.issues, error.pluginName, { oneLine: true })), { cause: error });
    }
    if (error instanceof HardwareLoadError) throw new UserError(where + lowerFirst(error.message), { cause: error });
    throw error;
  }
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
  const registered = register(sources).map((c) => c.chip);
  const known = findChip(registered, name);
  if (known !== undefined) return known;
  if (!isPluginSpecifier(name)) throw unknownHardware(name, registered);

  const hash = name.lastIndexOf('#');
  const specifier = hash === -1 ? name : name.slice(0, hash);
  const chipId = hash === -1 ? undefined : name.slice(hash + 1);
  const plugin = await loadPlugin(specifier, options.cwd);
  // A plugin named by path obeys the registry's rules: it may not give a built-in (or another
  // plugin's) id to a chip of its own, which results would then show under that id.
  register([...sources, { plugin, from: specifier }]);
  const label = `${plugin.meta.name}@${plugin.meta.version}`;
  if (chipId === undefined || chipId === '') {
    const [first] = plugin.chips;
    if (first === undefined) throw new UserError(`hardware plugin ${quoted(specifier)} (${label}) has no chips`);
    if (plugin.chips.length > 1) {
      options.warn?.(
        `using chip "${first.id}", the first of ${plugin.chips.length} in ${label}; choose one with "${specifier}#<chip-id>"`,
      );
    }
    return first;
  }
  const chip = findChip(plugin.chips, chipId);
  if (chip === undefined) {
    const hint = nearestChips(chipId, plugin.chips);
    const all = plugin.chips.map((c) => c.id).join(', ');
    throw new UserError(`hardware plugin ${quoted(specifier)} (${label}) has no chip ${quoted(chipId)}.${hint} Its chips: ${all}.`);
  }
  return chip;
}

/**
 * The one-line warning for a chip whose figures are still placeholders (sources starting with
 * TODO, as `ridgeline plugin init` writes them), or undefined: its results describe the
 * placeholders, not the chip.
 *
 * @example
 * placeholderWarning(scaffolded); // 'chip "acme-x1" has 17 placeholder figures (sources starting with "TODO"), among them …'
 */
export function placeholderWarning(chip: ChipSpec): string | undefined {
  const paths = placeholderFigures(chip);
  if (paths.length === 0) return undefined;
  const figures = paths.length === 1 ? `a placeholder figure, ${paths[0]}` : `${paths.length} placeholder figures, among them ${paths[0]}`;
  return `chip "${chip.id}" has ${figures} (its source starts with "TODO"): results describe the placeholders, not the chip; "ridgeline plugin check" lists what to replace`;
}
