import { sourcedFigures } from './sources.ts';
import { HARDWARE_API_VERSION, type ChipSpec, type HardwarePlugin } from './types.ts';

/**
 * Something in a valid plugin that is probably not what its author meant: a placeholder left in,
 * or a figure so far from every known chip that a unit slipped. Unlike a `HardwareIssue` it does
 * not make the plugin invalid; `ridgeline plugin check` lists them before a plugin is published.
 */
export interface HardwareWarning {
  /** Dotted path, chips named by id: `chips[acme-x1].memory.bandwidthBytesPerS`. */
  readonly path: string;
  /** What looks wrong and what to do, one sentence. */
  readonly message: string;
}

/** A source, or a name, that `ridgeline plugin init` writes as a placeholder: it starts with TODO or holds "(TODO: …)". */
const PLACEHOLDER = /^\s*TODO\b|\(TODO\b/i;

/**
 * How far outside the range of the known chips a figure may lie before it is flagged: a factor of
 * 1,000 either way, the step of one SI prefix, so a figure written in the wrong unit (TB/s as
 * bytes/s, µs as s) is caught while a chip 100× beyond today's (a wafer-scale part) is not.
 */
export const PLAUSIBLE_FACTOR = 1000;

/** The sourced figures whose magnitude is checked: those with a unit, not fractions or counts. */
function hasUnit(path: string): boolean {
  return /(?:FlopsPerS\.[a-z0-9]+|Bytes|BytesPerS|LatencyS|OverheadS|W|usdPerChipHour)$/.test(path) && !path.endsWith('usableFraction');
}

/**
 * The figures of a chip whose source is a placeholder (as `ridgeline plugin init` writes them:
 * `TODO placeholder: …`), by path.
 *
 * @example
 * placeholderFigures(scaffolded.chips[0]); // ['compute.peakDenseFlopsPerS.bf16', …]
 */
export function placeholderFigures(chip: ChipSpec): string[] {
  return sourcedFigures(chip)
    .filter((f) => PLACEHOLDER.test(f.source))
    .map((f) => f.path);
}

/** A figure in a few characters: `8.19e11`, `0.5`. */
function compact(x: number): string {
  return x >= 1e4 || x < 1e-3 ? x.toExponential().replace('e+', 'e') : String(x);
}

/** `value` shifted by `exponent` powers of ten, dividing for a negative one so 7e8 W → 700 exactly. */
function shifted(value: number, exponent: number): number {
  return exponent >= 0 ? value * 10 ** exponent : value / 10 ** -exponent;
}

/**
 * The power-of-1,000 shift that brings `value` into [min, max], nearest the range's middle (in
 * log), or undefined when none does.
 */
function unitSlip(value: number, min: number, max: number): number | undefined {
  const middle = (Math.log10(min) + Math.log10(max)) / 2;
  let best: number | undefined;
  for (let k = -8; k <= 8; k++) {
    if (k === 0) continue;
    const candidate = shifted(value, 3 * k);
    if (candidate < min || candidate > max) continue;
    if (best === undefined || Math.abs(Math.log10(candidate) - middle) < Math.abs(Math.log10(shifted(value, 3 * best)) - middle)) best = k;
  }
  return best === undefined ? undefined : 3 * best;
}

/** The smallest and largest non-zero value of each sourced figure over `known`, by path. */
function knownRanges(known: readonly ChipSpec[]): Map<string, { min: number; max: number }> {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const chip of known) {
    for (const f of sourcedFigures(chip)) {
      if (!hasUnit(f.path) || !('value' in f.figure) || f.figure.value <= 0) continue;
      // every precision's peak FLOP/s counts for every other: FP4 on a new chip is not a slip
      const key = f.path.startsWith('compute.peakDenseFlopsPerS.') ? 'compute.peakDenseFlopsPerS' : f.path;
      const range = ranges.get(key) ?? { min: Number.POSITIVE_INFINITY, max: 0 };
      range.min = Math.min(range.min, f.figure.value);
      range.max = Math.max(range.max, f.figure.value);
      ranges.set(key, range);
    }
  }
  return ranges;
}

const UNITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/FlopsPerS/, 'FLOP/s'],
  [/BytesPerS$/, 'bytes/s'],
  [/Bytes$/, 'bytes'],
  [/S$/, 's'],
  [/W$/, 'W'],
  [/usdPerChipHour$/, 'USD per chip-hour'],
];

function unitOf(path: string): string {
  return UNITS.find(([pattern]) => pattern.test(path))?.[1] ?? '';
}

/**
 * The warnings of a valid plugin: names and sources left as placeholders (`TODO`), and figures
 * more than `PLAUSIBLE_FACTOR` outside the range of `known` chips (for Ridgeline's CLI, the
 * first-party ones), with the figure it was probably meant to be: a memory bandwidth of 4 bytes/s
 * "did you mean 4e12?". A figure of 0 (a latency, an idle power, a price) is not checked.
 *
 * @example
 * checkHardware(plugin, firstPartyChips).map((w) => `${w.path}: ${w.message}`);
 * // ['chips[acme-x1].memory.bandwidthBytesPerS: 4 bytes/s is far below every known chip (8.19e11 to 1.5e14 bytes/s); did you mean 4e12?']
 */
export function checkHardware(plugin: HardwarePlugin, known: readonly ChipSpec[]): HardwareWarning[] {
  const ranges = knownRanges(known);
  const warnings: HardwareWarning[] = [];
  if (plugin.apiVersion < HARDWARE_API_VERSION) {
    warnings.push({
      path: 'apiVersion',
      message: `apiVersion ${plugin.apiVersion} still loads, but its chips carry no calibration status; move to apiVersion ${HARDWARE_API_VERSION} (docs/writing-a-hardware-plugin.md, "Migrating from apiVersion 1")`,
    });
  }
  for (const chip of plugin.chips) {
    const at = (path: string): string => `chips[${chip.id}].${path}`;
    for (const field of ['name', 'vendor', 'notes'] as const) {
      const text = chip[field];
      if (text !== undefined && PLACEHOLDER.test(text)) {
        warnings.push({ path: at(field), message: `${JSON.stringify(text)} is a placeholder; write the chip's own ${field}` });
      }
    }
    for (const f of sourcedFigures(chip)) {
      if (PLACEHOLDER.test(f.source)) {
        warnings.push({ path: at(f.path), message: `its source is a placeholder (${JSON.stringify(f.source)}); replace the figure and say where it comes from` });
      }
      if (!hasUnit(f.path) || !('value' in f.figure) || f.figure.value === 0) continue;
      const range = ranges.get(f.path.startsWith('compute.peakDenseFlopsPerS.') ? 'compute.peakDenseFlopsPerS' : f.path);
      if (range === undefined) continue;
      const value = f.figure.value;
      const low = range.min / PLAUSIBLE_FACTOR;
      const high = range.max * PLAUSIBLE_FACTOR;
      if (value >= low && value <= high) continue;
      const unit = unitOf(f.path);
      const side = value < range.min ? 'below' : 'above';
      const slip = unitSlip(value, range.min, range.max);
      const hint = slip === undefined ? 'check the unit' : `did you mean ${compact(shifted(value, slip))}?`;
      warnings.push({
        path: at(f.path),
        message: `${compact(value)} ${unit} is far ${side} every known chip (${compact(range.min)} to ${compact(range.max)} ${unit}); ${hint}`,
      });
    }
  }
  return warnings;
}
