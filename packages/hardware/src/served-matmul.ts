import type { Efficiency } from './types.ts';

/** H100's dense η_flop fitted on its 2023 serving and training rows (`2023` profile): [FLOP/byte, share of the FP8 peak]. */
export const HOPPER_SERVED_FLOP: readonly (readonly [number, number])[] = [
  [128, 0.3],
  [4096, 0.55],
];

/** H200 SXM's FP8 achievable matmul as a share of its FP8 dense peak: 1,453.4 / 1,979 (stas00/ml-engineering MAMF FP8 table). */
export const HOPPER_FP8_ACHIEVABLE: number = 1453.4 / 1979;

/**
 * What share of a chip's achievable matmul (its best-shape GEMM benchmark, MAMF or AMD's MAF) a
 * serving stack's matmuls reach, from the one chip whose dense serving was fitted: Hopper. H100's
 * η_flop fitted on its 2023 TensorRT-LLM FP8 serving rows and Llama 3's training rows (the
 * `2023` profile, apps/validation) is 0.3 of the FP8 peak at 128 FLOP/byte and 0.55 at 4,096; the
 * same die's FP8 achievable matmul is 1,453.4 of 1,979 TFLOPS = 0.7344 (H200 SXM, stas00/ml-engineering
 * training/hardware-upgrade guide, MAMF FP8 table). So a served GEMM of ~64 tokens reaches 0.408 of
 * what the benchmark's best shape does, and a large one 0.749: the benchmark runs one GEMM at its
 * best tile and clock with nothing beside it; serving runs the model's shapes, at the clocks a whole
 * step's power allows.
 *
 * A chip whose η_flop comes from such a benchmark and was never fitted on dense serving (Blackwell,
 * AMD Instinct) takes its benchmark figure × this share (`servedMatmul`); the test of
 * `@ridgeline/hardware-nvidia` holds the figures to H100's fit (docs/MODEL.md §9, "Served matmuls").
 */
const SHARE_POINTS: readonly (readonly [number, number])[] = HOPPER_SERVED_FLOP.map(([x, hopper]) => [x, Math.round((hopper / HOPPER_FP8_ACHIEVABLE) * 1000) / 1000] as const);
export const SERVED_MATMUL_SHARE: { readonly points: readonly (readonly [number, number])[]; readonly source: string } = {
  points: SHARE_POINTS,
  source: `Hopper's serving share of its achievable matmul: H100's η_flop fitted on 2023 TensorRT-LLM FP8 serving and Llama 3 training rows (${HOPPER_SERVED_FLOP.map(([x, y]) => `${y} at ${x} FLOP/byte`).join(', ')}) over H200 SXM's FP8 MAMF 1,453.4 of 1,979 TFLOPS (stas00/ml-engineering, MAMF FP8 table) = ${SHARE_POINTS.map(([, s]) => s).join(' and ')}`,
};

/**
 * `achievable`, a chip's best-shape GEMM benchmark as a share of a precision's peak, as serving
 * runs matmuls: a curve over arithmetic intensity, the benchmark figure × `SERVED_MATMUL_SHARE` at
 * each of its points (rounded to 0.001).
 *
 * @example
 * servedMatmul({ value: 0.776, source: 'B200 BF16 MAMF' });
 * // { curve: [[128, 0.317], [4096, 0.581]], over: 'arithmeticIntensity', source: 'served: … B200 BF16 MAMF' }
 */
export function servedMatmul(achievable: Efficiency): Efficiency {
  if (!('value' in achievable)) throw new Error(`servedMatmul: the achievable matmul must be a constant (a benchmark figure), got a curve (${achievable.source})`);
  const v = achievable.value;
  return {
    curve: SERVED_MATMUL_SHARE.points.map(([x, share]) => [x, Math.round(v * share * 1000) / 1000] as const),
    over: 'arithmeticIntensity',
    source: `served: the achievable matmul ${v} × ${SERVED_MATMUL_SHARE.points.map(([x, s]) => `${s} at ${x} FLOP/byte`).join(', ')} (${SERVED_MATMUL_SHARE.source}); achievable: ${achievable.source}`,
  };
}
