import { PRECISION_BYTES, PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';

/**
 * A precision the chip has a compute rate for: `p` itself, else one of the same width (bf16 ↔
 * fp16, fp8 ↔ int8, fp4 ↔ int4), as serving stacks run a model on such chips; undefined when the
 * chip has neither. A front-end policy, stated wherever it is applied, never silent.
 *
 * @example
 * sameWidthPrecision(groqLpu, 'bf16'); // 'fp16'
 */
export function sameWidthPrecision(chip: ChipSpec, p: Precision): Precision | undefined {
  if (chip.compute.peakDenseFlopsPerS[p] !== undefined) return p;
  return PRECISIONS.find((q) => q !== p && PRECISION_BYTES[q] === PRECISION_BYTES[p] && chip.compute.peakDenseFlopsPerS[q] !== undefined);
}

/**
 * The precisions a sweep runs on a chip: each of `wanted`, or its same-width substitute when
 * `fit` is on, without duplicates.
 *
 * @example
 * precisionsFor(groqLpu, ['bf16', 'fp16'], true); // ['fp16']
 */
export function precisionsFor(chip: ChipSpec, wanted: readonly Precision[], fit: boolean): Precision[] {
  if (!fit) return [...wanted];
  return [...new Set(wanted.map((p) => sameWidthPrecision(chip, p) ?? p))];
}
