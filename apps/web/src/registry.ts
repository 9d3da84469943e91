import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { getModel, models } from '@ridgeline/catalog';
import type { ChipSpec, HardwarePlugin } from '@ridgeline/hardware';
import type { ModelSpec } from '@ridgeline/model';

/** The first-party plugins, in the order the CLI's `hardware list` shows them. */
export const PLUGINS: readonly HardwarePlugin[] = [nvidia, amd, google, groq];

/** Every first-party chip. */
export const FIRST_PARTY_CHIPS: readonly ChipSpec[] = PLUGINS.flatMap((p) => p.chips);

/** The id that selects the chip of the custom-chip form. */
export const CUSTOM_CHIP_ID = 'custom';

/**
 * A first-party chip by id or alias, case-insensitive (as the CLI's `--hardware`).
 *
 * @example
 * findChip('H100')?.id; // 'h100-sxm'
 */
export function findChip(name: string): ChipSpec | undefined {
  const wanted = name.trim().toLowerCase();
  return FIRST_PARTY_CHIPS.find((c) => c.id === wanted || (c.aliases ?? []).some((a) => a.toLowerCase() === wanted));
}

/** The catalog's models. */
export const CATALOG_MODELS: readonly ModelSpec[] = models;

/**
 * A catalog model by id or alias.
 *
 * @example
 * findModel('llama-3.3-70b')?.id; // 'llama-3.1-70b'
 */
export function findModel(id: string): ModelSpec | undefined {
  return getModel(id);
}

/**
 * Chips grouped by vendor for a `<select>`, in plugin order.
 *
 * @example
 * chipGroups()[0]?.vendor; // 'NVIDIA'
 */
export function chipGroups(): { vendor: string; chips: ChipSpec[] }[] {
  const groups: { vendor: string; chips: ChipSpec[] }[] = [];
  for (const chip of FIRST_PARTY_CHIPS) {
    const group = groups.find((g) => g.vendor === chip.vendor);
    if (group === undefined) groups.push({ vendor: chip.vendor, chips: [chip] });
    else group.chips.push(chip);
  }
  return groups;
}

/**
 * A chip's label in the chip pickers: its name, with "(announced)" for a chip not yet shipping.
 *
 * @example
 * chipLabel(findChip('groq3')!); // 'NVIDIA Groq 3 LPU (LP30, 256-LPU LPX rack) (announced)'
 */
export function chipLabel(chip: ChipSpec): string {
  return chip.availability === 'announced' ? `${chip.name} (announced)` : chip.name;
}

/** One colour per compared chip, the same in the comparison, the Pareto chart and the frontier table. */
const SERIES_COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed'] as const;

/**
 * The colour of the i-th compared series.
 *
 * @example
 * seriesColour(0); // '#2563eb'
 */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '#2563eb';
}
