import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { HardwareValidationError, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';
import { HardwareLoadError, loadHardware } from '@ridgeline/hardware/node';
import { UserError } from './errors.ts';
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

/** Options for `resolveChip`. */
export interface ResolveChipOptions {
  /** Directory relative plugin paths resolve from. */
  readonly cwd: string;
  /** Receives a one-line note (e.g. which chip of a multi-chip plugin was used). */
  readonly warn?: (message: string) => void;
}

/** Suggests a chip's id for a near miss of its id or of one of its aliases. */
function nearestChips(name: string, chips: readonly ChipSpec[]): string {
  return didYouMean(name, namesOf(chips), (n) => findChip(chips, n)?.id ?? n);
}

function unknownHardware(name: string): UserError {
  const hint = nearestChips(name, firstPartyChips());
  return new UserError(`unknown hardware "${name}".${hint} Run "ridgeline hardware list" to see all.`);
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

async function loadPlugin(specifier: string, cwd: string): Promise<HardwarePlugin> {
  try {
    return await loadHardware(specifier, { cwd });
  } catch (error) {
    // Both messages name the specifier and say the fix; the validation one may span several lines.
    if (error instanceof HardwareValidationError || error instanceof HardwareLoadError) {
      throw new UserError(lowerFirst(error.message), { cause: error });
    }
    throw error;
  }
}

/**
 * Resolves a `--hardware` value: a first-party chip id or alias (`h100-sxm`, `h100`), a plugin
 * file or package whose first chip is used (`./chip.json`), or one chip of it (`./acme.js#acme-x1`).
 * Throws `UserError` with the nearest names for an unknown id.
 *
 * @example
 * (await resolveChip('h100', { cwd: process.cwd() })).id; // 'h100-sxm'
 */
export async function resolveChip(value: string, options: ResolveChipOptions): Promise<ChipSpec> {
  const name = value.trim();
  if (name === '') throw new UserError('--hardware needs a chip id (e.g. h100-sxm) or a path to a hardware plugin');
  const builtin = findChip(firstPartyChips(), name);
  if (builtin !== undefined) return builtin;
  if (!isPluginSpecifier(name)) throw unknownHardware(name);

  const hash = name.lastIndexOf('#');
  const specifier = hash === -1 ? name : name.slice(0, hash);
  const chipId = hash === -1 ? undefined : name.slice(hash + 1);
  const plugin = await loadPlugin(specifier, options.cwd);
  const label = `${plugin.meta.name}@${plugin.meta.version}`;
  if (chipId === undefined || chipId === '') {
    const [first] = plugin.chips;
    if (first === undefined) throw new UserError(`hardware plugin "${specifier}" (${label}) has no chips`);
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
    throw new UserError(`hardware plugin "${specifier}" (${label}) has no chip "${chipId}".${hint} Its chips: ${all}.`);
  }
  return chip;
}
