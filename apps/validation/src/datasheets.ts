import type { ChipSpec } from '@ridgeline/hardware';
import type { InferencexRow } from './inferencex.ts';

// Datasheet dominance, on its own so that both the model-free check of the rows (dominance.ts) and
// the ranking check (inferencex.ts) read it without importing each other.

/** The datasheet figures a serving deployment reads, at the row's compute precision. */
function servingFigures(chip: ChipSpec, precision: InferencexRow['precision']): number[] {
  return [
    chip.compute.peakDenseFlopsPerS[precision]?.value ?? 0,
    chip.memory.bandwidthBytesPerS.value,
    chip.memory.capacityBytes.value,
    chip.scaleUp.bandwidthBytesPerS.value,
    chip.scaleUp.domainSize.value,
    chip.scaleOut.bandwidthBytesPerS.value,
  ];
}

/**
 * Whether `a`'s datasheet is at least `b`'s on every figure serving reads (dense peak FLOP/s at
 * `precision`, HBM bandwidth and capacity, scale-up bandwidth and domain, scale-out bandwidth) and
 * above it on one.
 */
export function datasheetDominates(a: ChipSpec, b: ChipSpec, precision: InferencexRow['precision']): boolean {
  const fa = servingFigures(a, precision);
  const fb = servingFigures(b, precision);
  return fa.every((x, i) => x >= fb[i]!) && fa.some((x, i) => x > fb[i]!);
}
