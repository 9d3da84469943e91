import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { aliases, getModel, modelIds } from '@ridgeline/catalog';
import { didYouMean } from '@ridgeline/format';
import { placeholderFigures, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';
import type { ModelSpec } from '@ridgeline/model';

/**
 * A name in a sweep spec or its options that cannot be resolved: an unknown model or chip (with the
 * nearest names), a model config or hardware plugin that cannot be read or is invalid, two plugins
 * that claim one chip name. The message is one line, the one `ridgeline` prints after
 * `ridgeline: error:`.
 */
export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** A name or value as a message quotes it: JSON's escapes, so control characters never reach a terminal. */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

/** The first-party hardware plugins, in the order `ridgeline hardware list` shows them. */
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
 * Whether a hardware value names a plugin to load (a file path or a package) rather than a chip id.
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

/** A loaded plugin, and where it came from for messages (`built in`, `--plugin ./acme.json`, …). */
export interface PluginSource {
  readonly plugin: HardwarePlugin;
  readonly from: string;
}

/** A chip a registry can name by id, and the plugin it comes from. */
export interface RegisteredChip extends PluginSource {
  readonly chip: ChipSpec;
}

function pluginLabel(plugin: HardwarePlugin): string {
  return `${plugin.meta.name}@${plugin.meta.version}`;
}

/** The error for two plugins that give the same name (id or alias, case-insensitive) to different chips. */
function collision(name: string, first: RegisteredChip, second: RegisteredChip): ResolveError {
  const who = (c: RegisteredChip): string => `${pluginLabel(c.plugin)} (${c.from})`;
  const lower = name.toLowerCase();
  if (first.chip.id.toLowerCase() === lower && second.chip.id.toLowerCase() === lower) {
    return new ResolveError(
      `chip id ${quoted(name)} is defined by two hardware plugins: ${who(first)} and ${who(second)}; load only one of them, or rename the chip in one`,
    );
  }
  return new ResolveError(
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
function conflict(first: PluginSource, second: PluginSource): ResolveError {
  const difference = firstDifference(first.plugin, second.plugin) ?? 'their data';
  return new ResolveError(
    `hardware plugins ${first.from} and ${second.from} are both ${pluginLabel(first.plugin)} but differ (${difference}); load only one of them, or give the changed one a new version`,
  );
}

/**
 * Registers the chips of `sources` in order: a plugin given twice (same name@version, same data)
 * counts once; two of one name@version with different data are refused (which one would be used
 * would depend on the order they were given in); two plugins giving one id or alias to different
 * chips are refused too, naming both. Throws `ResolveError`.
 *
 * @example
 * registerPlugins(FIRST_PARTY_PLUGINS.map((plugin) => ({ plugin, from: 'built in' }))).length; // every first-party chip
 */
export function registerPlugins(sources: readonly PluginSource[]): RegisteredChip[] {
  const chips: RegisteredChip[] = [];
  const claims = new Map<string, RegisteredChip>();
  const seen = new Map<string, PluginSource>();
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

/** Suggests a chip's id for a near miss of its id or of one of its aliases. */
export function nearestChips(name: string, chips: readonly ChipSpec[]): string {
  return didYouMean(name, chips.flatMap((c) => [c.id, ...(c.aliases ?? [])]), (n) => findChip(chips, n)?.id ?? n);
}

/** The error for a chip id no registered plugin has, with the nearest names. */
export function unknownHardware(name: string, chips: readonly ChipSpec[]): ResolveError {
  return new ResolveError(`unknown hardware ${quoted(name)}.${nearestChips(name, chips)} Run "ridgeline hardware list" to see all.`);
}

/**
 * The chip `chipId` of a loaded plugin, or its first chip when `chipId` is absent (`note` says
 * which, for a plugin of several chips). Throws `ResolveError` naming the plugin's chips.
 */
export function chipOfPlugin(plugin: HardwarePlugin, specifier: string, chipId: string | undefined, note?: (message: string) => void): ChipSpec {
  const label = pluginLabel(plugin);
  if (chipId === undefined || chipId === '') {
    const [first] = plugin.chips;
    if (first === undefined) throw new ResolveError(`hardware plugin ${quoted(specifier)} (${label}) has no chips`);
    if (plugin.chips.length > 1) {
      note?.(`using chip "${first.id}", the first of ${plugin.chips.length} in ${label}; choose one with "${specifier}#<chip-id>"`);
    }
    return first;
  }
  const chip = findChip(plugin.chips, chipId);
  if (chip === undefined) {
    const all = plugin.chips.map((c) => c.id).join(', ');
    throw new ResolveError(`hardware plugin ${quoted(specifier)} (${label}) has no chip ${quoted(chipId)}.${nearestChips(chipId, plugin.chips)} Its chips: ${all}.`);
  }
  return chip;
}

/**
 * The one-line warning for a chip whose figures are still placeholders (sources starting with
 * TODO, as `ridgeline plugin init` writes them), or undefined: its results describe the
 * placeholders, not the chip.
 *
 * @example
 * placeholderWarning(scaffolded); // 'chip "acme-x1" has 17 placeholder figures, among them …'
 */
export function placeholderWarning(chip: ChipSpec): string | undefined {
  const paths = placeholderFigures(chip);
  if (paths.length === 0) return undefined;
  const figures = paths.length === 1 ? `a placeholder figure, ${paths[0]}` : `${paths.length} placeholder figures, among them ${paths[0]}`;
  return `chip "${chip.id}" has ${figures} (its source starts with "TODO"): results describe the placeholders, not the chip; "ridgeline plugin check" lists what to replace`;
}

/** The error for a model id the catalog does not know, with the nearest ids (`why` follows the name). */
export function unknownModel(name: string, why = ''): ResolveError {
  const wanted = name.slice(name.lastIndexOf('/') + 1);
  const hint = didYouMean(wanted, [...modelIds(), ...Object.keys(aliases)], (n) => aliases[n] ?? n);
  return new ResolveError(`unknown model ${quoted(name)}${why}.${hint} Run "ridgeline models list" to see all.`);
}

/**
 * A catalog model by id, alias or the Hugging Face id the catalog knows (case-insensitive; no
 * network). Throws `ResolveError` with the nearest ids.
 *
 * @example
 * catalogModel('meta-llama/Llama-3.1-70B').id; // 'llama-3.1-70b'
 */
export function catalogModel(value: string): ModelSpec {
  const name = value.trim();
  const known = getModel(name);
  if (known === undefined) throw unknownModel(name);
  return known;
}
