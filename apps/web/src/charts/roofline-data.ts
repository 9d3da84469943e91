import type { ChipSpec } from '@ridgeline/hardware';
import { operatorCost, type FeasibleInferenceResult } from '@ridgeline/model';

/** One operator of the current configuration on the roofline. */
export interface RooflinePoint {
  readonly phase: 'prefill' | 'decode';
  readonly name: string;
  /** FLOP/byte. */
  readonly intensity: number;
  /** Achieved FLOP/s: W / t_op. */
  readonly flopsPerS: number;
  readonly flops: number;
  readonly bytes: number;
  readonly timeS: number;
  readonly bound: 'compute' | 'memory';
}

/** Everything the roofline chart draws. */
export interface RooflineData {
  /** Intensities the curves are sampled at (log-spaced, with the ridge). */
  readonly xs: readonly number[];
  /** Attainable FLOP/s with the chip's efficiencies: W / t_op of `operatorCost` at each intensity. */
  readonly attainable: readonly number[];
  /** The datasheet roofline: min(F, AI·BW). */
  readonly peak: readonly number[];
  /** Where the attainable roofline turns from memory- to compute-bound, FLOP/byte. */
  readonly ridge: number;
  /** FLOP/s at the ridge. */
  readonly ridgeFlopsPerS: number;
  readonly peakFlopsPerS: number;
  readonly bandwidthBytesPerS: number;
  readonly points: readonly RooflinePoint[];
}

/** Achieved FLOP/s at an intensity, by the model's own per-operator roofline. */
function attainableAt(chip: ChipSpec, peak: number, intensity: number): number {
  return intensity / operatorCost(chip, peak, 'probe', intensity, 1).timeS;
}

/** The ridge of the attainable roofline: bisection on where `operatorCost` turns compute-bound. */
function ridgeOf(chip: ChipSpec, peak: number): number {
  let lo = 1e-3;
  let hi = 1e7;
  if (operatorCost(chip, peak, 'probe', hi, 1).bound === 'memory') return hi;
  if (operatorCost(chip, peak, 'probe', lo, 1).bound === 'compute') return lo;
  for (let i = 0; i < 80; i++) {
    const mid = Math.sqrt(lo * hi);
    if (operatorCost(chip, peak, 'probe', mid, 1).bound === 'compute') hi = mid;
    else lo = mid;
  }
  return Math.sqrt(lo * hi);
}

/** The phases whose operators run on the result's chip: both, unless disaggregated prefill runs on another chip. */
export function phasesOnChip(result: FeasibleInferenceResult): readonly ('prefill' | 'decode')[] {
  const d = result.disaggregation;
  return d !== null && d.prefillChip !== result.inputs.chip ? ['decode'] : ['prefill', 'decode'];
}

/**
 * The roofline of a result's chip at its compute precision, with each operator of both phases
 * (of decode only when a disaggregated prefill pool runs on another chip, whose roofline differs).
 * The curves come from `operatorCost`, the function the model times operators with, so the points
 * sit on the line by construction and the chart cannot drift from the model.
 *
 * @example
 * const data = rooflineData(result, chip);
 * data.ridge; // ≈ 295 FLOP/byte for H100 bf16 with its fitted efficiencies
 */
export function rooflineData(result: FeasibleInferenceResult, chip: ChipSpec): RooflineData {
  const peak = result.inputs.hardware.peakFlopsPerS;
  const bandwidth = result.inputs.hardware.memoryBandwidthBytesPerS;
  const points: RooflinePoint[] = [];
  for (const phase of phasesOnChip(result)) {
    for (const op of result[phase].operators) {
      if (!(op.flops > 0) || !(op.bytes > 0) || !(op.timeS > 0)) continue;
      points.push({
        phase,
        name: op.name,
        intensity: op.arithmeticIntensity,
        flopsPerS: op.flops / op.timeS,
        flops: op.flops,
        bytes: op.bytes,
        timeS: op.timeS,
        bound: op.bound,
      });
    }
  }
  const ridge = ridgeOf(chip, peak);
  const intensities = [ridge, ...points.map((p) => p.intensity)];
  const lo = 10 ** Math.floor(Math.log10(Math.max(1e-3, Math.min(...intensities) / 3)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...intensities) * 3));
  const xs: number[] = [];
  const steps = 96;
  for (let i = 0; i <= steps; i++) xs.push(lo * (hi / lo) ** (i / steps));
  xs.push(ridge, peak / bandwidth);
  xs.sort((a, b) => a - b);
  return {
    xs,
    attainable: xs.map((x) => attainableAt(chip, peak, x)),
    peak: xs.map((x) => Math.min(peak, x * bandwidth)),
    ridge,
    ridgeFlopsPerS: attainableAt(chip, peak, ridge),
    peakFlopsPerS: peak,
    bandwidthBytesPerS: bandwidth,
    points,
  };
}
