import { describe, expect, test } from 'vitest';
import { bestIndex, errorBound } from './compare-best.ts';

describe('the best badge only for a lead larger than the compared chips\' error', () => {
  test('error bounds from the calibration status', () => {
    expect(errorBound({ status: 'datasheet', basis: 'x', outOfSampleError: { throughput: 1.263, interactivity: 1.003, on: 'y' } }, 'interactivity')).toBe(1.003);
    expect(errorBound({ status: 'fitted', basis: 'x' }, 'throughput')).toBe(0);
    expect(errorBound({ status: 'transferred', basis: 'x' }, 'throughput')).toBe(Number.POSITIVE_INFINITY);
    expect(errorBound(undefined, 'throughput')).toBe(Number.POSITIVE_INFINITY);
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
});
