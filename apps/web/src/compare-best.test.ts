import { describe, expect, test } from 'vitest';
import { mi355x } from '@ridgeline/hardware-amd';
import { b200, b300 } from '@ridgeline/hardware-nvidia';
import { bestIndex, datasheetInversions, energyErrorBound, errorBound } from './compare-best.ts';

describe('the best badge only for a lead larger than the compared chips\' error', () => {
  test('error bounds from the calibration status', () => {
    expect(errorBound({ status: 'datasheet', basis: 'x', outOfSampleError: { throughput: 1.263, interactivity: 1.003, on: 'y' } }, 'interactivity')).toBe(1.003);
    expect(errorBound({ status: 'fitted', basis: 'x', outOfSampleError: { throughput: 0.11, interactivity: 0.12, on: 'y' } }, 'interactivity')).toBe(0.12);
    // fitted, but nothing measured out of sample (TPU v6e: MaxText training MFU only): unknown, not 0
    expect(errorBound({ status: 'fitted', basis: 'x' }, 'throughput')).toBe(Number.POSITIVE_INFINITY);
    expect(errorBound({ status: 'transferred', basis: 'x' }, 'throughput')).toBe(Number.POSITIVE_INFINITY);
    expect(errorBound(undefined, 'throughput')).toBe(Number.POSITIVE_INFINITY);
  });

  test('time to first token is bounded by its own error, not throughput\'s', () => {
    const h200 = { status: 'fitted', basis: 'x', outOfSampleError: { throughput: 0.077, interactivity: 0.081, ttft: 0.302, on: 'y' } } as const;
    const b200Fit = { status: 'fitted', basis: 'x', outOfSampleError: { throughput: 0.108, interactivity: 0.103, ttft: 0.271, on: 'y' } } as const;
    expect(errorBound(h200, 'ttft')).toBe(0.302);
    // a TTFT of 0.8 s against 1.0 s is a 25% lead: beyond throughput's 10.8%, within TTFT's 30.2%
    expect(bestIndex([0.8, 1.0], [errorBound(b200Fit, 'throughput'), errorBound(h200, 'throughput')], 'min')).toBe(0);
    expect(bestIndex([0.8, 1.0], [errorBound(b200Fit, 'ttft'), errorBound(h200, 'ttft')], 'min')).toBe(-1);
    // a transferred chip quotes no TTFT error: unmeasured, so no TTFT badge beside it
    expect(errorBound({ status: 'transferred', basis: 'x', outOfSampleError: { throughput: 0.161, interactivity: 0.168, on: 'y' } }, 'ttft')).toBe(Number.POSITIVE_INFINITY);
  });

  test('a lead beyond the largest error wins; one within it does not; lower-is-better too', () => {
    // 180 vs 100: an 80% lead against errors of 30%
    expect(bestIndex([100, 180], [0.3, 0.3], 'max')).toBe(1);
    // 120 vs 100: 20% is within 30%
    expect(bestIndex([100, 120], [0.3, 0.1], 'max')).toBe(-1);
    // cost: 1.0 vs 2.5 — the second is 150% more, beyond a 126% error
    expect(bestIndex([1.0, 2.5], [1.26, 0.29], 'min')).toBe(0);
    // an unmeasured datasheet chip in the comparison: no ranking can be claimed
    expect(bestIndex([1.0, 5.0], [Number.POSITIVE_INFINITY, 0], 'min')).toBe(-1);
    // a single feasible chip keeps its badge; non-finite values are ignored
    expect(bestIndex([Number.NaN, 3], [0.1, 0.1], 'max')).toBe(1);
  });

  test('an energy figure resting on an estimated power figure has no bound, so no chip it is compared with gets a badge', () => {
    const fitted = { status: 'fitted', basis: 'x', outOfSampleError: { throughput: 0.12, interactivity: 0.2, on: 'y' } } as const;
    expect(energyErrorBound(fitted, 'throughput', false)).toBe(0.12);
    expect(energyErrorBound(fitted, 'throughput', true)).toBe(Number.POSITIVE_INFINITY);
    // tokens per MW: 3× the other chip, but the other chip's power is an estimate
    expect(bestIndex([300, 100], [energyErrorBound(fitted, 'throughput', false), energyErrorBound(fitted, 'throughput', true)], 'max')).toBe(-1);
    // both sourced: a 200% lead beats a 12% error
    expect(bestIndex([300, 100], [0.12, 0.12], 'max')).toBe(0);
  });
});

describe('datasheetInversions: a chip ahead of one whose datasheet dominates it', () => {
  test('B200 serving more per chip than B300 at FP8 is named (B300 is at least B200 on every figure); MI355X ahead of B200 is not (less scale-up)', () => {
    const at = (chip: typeof b200, tokensPerSPerChip: number, precision: 'fp8' | 'fp4' = 'fp8') => ({ chip, precision, tokensPerSPerChip });
    expect(datasheetInversions([at(b200, 1100), at(b300, 1000)])).toEqual([{ ahead: b200, dominating: b300 }]);
    // the order the datasheets give is no note
    expect(datasheetInversions([at(b200, 900), at(b300, 1000)])).toEqual([]);
    // a tie is no lead
    expect(datasheetInversions([at(b200, 1000), at(b300, 1000)])).toEqual([]);
    // MI355X does not dominate B200 (537.6 against 900 GB/s of scale-up), so B200 ahead of it is no inversion
    expect(datasheetInversions([at(b200, 1100), at(mi355x, 1000)])).toEqual([]);
    // different precisions are different configurations
    expect(datasheetInversions([at(b200, 1100, 'fp4'), at(b300, 1000)])).toEqual([]);
  });
});
