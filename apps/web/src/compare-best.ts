import { datasheetDominates, type CalibrationStatus, type ChipSpec, type Precision } from '@ridgeline/hardware';

/** Which out-of-sample error bounds a metric's prediction: throughput's, tokens/s per user's, or time to first token's. */
export type ErrorKind = 'throughput' | 'interactivity' | 'ttft';

/**
 * How far a chip's serving figure may be off, as a fraction: the committed out-of-sample median
 * |error| of that kind, else Infinity, whatever the status. A chip fitted without one has no
 * measured serving error: the TPUs' fits are to MaxText training MFU (their η_mem and t_layer,
 * which serving reads, are starting values) and A100's to the 2023 tables in sample, so a lead
 * they show over measured chips is not one the comparison can claim.
 *
 * @example
 * errorBound({ status: 'datasheet', basis: '…', outOfSampleError: { throughput: 1.26, interactivity: 1, on: '…' } }, 'throughput'); // 1.26
 * errorBound({ status: 'fitted', basis: 'MaxText training rows' }, 'throughput'); // Infinity
 * // time to first token has its own error (usually two to five times throughput's), Infinity where unmeasured
 * errorBound({ status: 'fitted', basis: '…', outOfSampleError: { throughput: 0.11, interactivity: 0.12, ttft: 0.36, on: '…' } }, 'ttft'); // 0.36
 */
export function errorBound(calibration: CalibrationStatus | undefined, kind: ErrorKind): number {
  return calibration?.outOfSampleError?.[kind] ?? Number.POSITIVE_INFINITY;
}

/**
 * How far an energy figure may be off: the throughput or interactivity error it divides by, and
 * Infinity when it rests on an estimated power figure (nobody measured it, as a datasheet value
 * nobody measured): no badge can be claimed on a lead such a figure gives.
 *
 * @example
 * const b200 = { status: 'fitted', basis: '…', outOfSampleError: { throughput: 0.11, interactivity: 0.12, on: '…' } } as const;
 * energyErrorBound(b200, 'throughput', true); // Infinity
 * energyErrorBound(b200, 'throughput', false); // 0.11
 */
export function energyErrorBound(calibration: CalibrationStatus | undefined, kind: ErrorKind, estimatedPower: boolean): number {
  return estimatedPower ? Number.POSITIVE_INFINITY : errorBound(calibration, kind);
}

/**
 * The index of the value that earns a "best" badge, or -1: the leader must beat the runner-up by
 * more than the largest error bound among the compared chips (the rule: no badge for a
 * lead smaller than the error of the chips it is compared with). One value earns it outright.
 *
 * @example
 * bestIndex([100, 180], [0.3, 0.3], 'max'); // 1: 180 leads 100 by 80% > 30%
 * bestIndex([100, 120], [0.3, 0.3], 'max'); // -1: a 20% lead is within the 30% error
 */
export function bestIndex(values: readonly number[], errors: readonly number[], better: 'max' | 'min'): number {
  const order = values
    .map((v, i) => ({ v, i }))
    .filter((x) => Number.isFinite(x.v) && x.v > 0)
    .sort((a, b) => (better === 'max' ? b.v - a.v : a.v - b.v));
  const [first, second] = order;
  if (first === undefined) return -1;
  if (second === undefined) return first.i;
  const lead = better === 'max' ? first.v / second.v - 1 : second.v / first.v - 1;
  const bound = Math.max(...errors.filter((_, i) => order.some((x) => x.i === i)));
  return lead > bound ? first.i : -1;
}

/** A compared chip as the datasheet note reads it: its spec, the precision it computes at, what it serves per chip. */
export interface ComparedServing {
  readonly chip: ChipSpec;
  readonly precision: Precision;
  readonly tokensPerSPerChip: number;
}

/**
 * The compared pairs where a chip serves more per chip than a chip whose datasheet dominates it (at
 * least it on every figure serving reads, `datasheetDominates`), both at the same precision: with
 * the same efficiencies the model never orders them so, so the lead is the efficiencies fitted on
 * each chip's software, not the hardware. Only chips run as configured belong here (a layout the
 * comparison fitted is another configuration).
 *
 * @example
 * datasheetInversions([{ chip: b200, precision: 'fp8', tokensPerSPerChip: 1100 }, { chip: b300, precision: 'fp8', tokensPerSPerChip: 1000 }]);
 * // [{ ahead: b200, dominating: b300 }]
 */
export function datasheetInversions(compared: readonly ComparedServing[]): Array<{ readonly ahead: ChipSpec; readonly dominating: ChipSpec }> {
  const out: Array<{ ahead: ChipSpec; dominating: ChipSpec }> = [];
  for (const a of compared) {
    for (const d of compared) {
      if (a === d || a.precision !== d.precision || !(a.tokensPerSPerChip > d.tokensPerSPerChip)) continue;
      if (datasheetDominates(d.chip, a.chip, d.precision)) out.push({ ahead: a.chip, dominating: d.chip });
    }
  }
  return out;
}
