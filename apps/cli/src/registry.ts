import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { formatIssues, HardwareValidationError, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';
import { HardwareLoadError, loadHardware } from '@ridgeline/hardware/node';
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
 * The registry of the first-party chips plus the chips of the plugins listed in the
 * `ridgeline.config.*` file of `cwd` and in `plugins` (`--plugin`), in that order. A plugin loaded
 * twice (same name and version) counts once. Throws `UserError` when a plugin cannot be loaded or is
 * invalid, and when two plugins give one id or alias to different chips (naming both plugins).
 *
 * @example
 * const registry = await loadRegistry({ cwd: process.cwd(), plugins: ['@acme/ridgeline-hardware'] });
 * registry.chips.map((c) => c.chip.id); // ['h100-sxm', …, 'acme-x1']
 */
export async function loadRegistry(options: RegistryOptions): Promise<Registry> {
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
  const chips: RegisteredChip[] = [];
  const claims = new Map<string, RegisteredChip>();
  const seen = new Set<string>();
  for (const { plugin, from } of sources) {
    if (seen.has(pluginLabel(plugin))) continue;
    seen.add(pluginLabel(plugin));
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
  return { chips };
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

async function loadPlugin(specifier: string, cwd: string, where = ''): Promise<HardwarePlugin> {
  try {
    return await loadHardware(specifier, { cwd });
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
  const registered = (await loadRegistry(options)).chips.map((c) => c.chip);
  const known = findChip(registered, name);
  if (known !== undefined) return known;
  if (!isPluginSpecifier(name)) throw unknownHardware(name, registered);

  const hash = name.lastIndexOf('#');
  const specifier = hash === -1 ? name : name.slice(0, hash);
  const chipId = hash === -1 ? undefined : name.slice(hash + 1);
  const plugin = await loadPlugin(specifier, options.cwd);
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
