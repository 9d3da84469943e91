import type { ChipSpec, Precision } from './types.ts';

/** The datasheet figures a serving deployment reads, in the order `datasheetDominates` compares them. */
function servingFigures(chip: ChipSpec, precision: Precision): number[] {
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
 * `precision`, memory bandwidth and capacity, scale-up bandwidth and domain, scale-out bandwidth)
 * and above it on one. With the same efficiencies, `@ridgeline/model` never serves a configuration at
 * less throughput per chip on such a chip (its monotonicity test), so where `b` comes out ahead of
 * `a`, predicted or measured, the lead is the efficiencies' (the software fitted or measured on
 * each), not the hardware's.
 *
 * @example
 * datasheetDominates(b300, b200, 'fp8'); // true: the same FP8 peak and bandwidth, more HBM and scale-out
 * datasheetDominates(mi355x, b200, 'fp8'); // false: more FP8 and HBM, but less scale-up bandwidth
 */
export function datasheetDominates(a: ChipSpec, b: ChipSpec, precision: Precision): boolean {
  const fa = servingFigures(a, precision);
  const fb = servingFigures(b, precision);
  return fa.every((x, i) => x >= fb[i]!) && fa.some((x, i) => x > fb[i]!);
}
