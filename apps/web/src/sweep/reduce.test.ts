import { describe, expect, test } from 'vitest';
import { Frontier, Sample, inferenceScore, trainingScore } from './reduce.ts';
import type { SweepPoint, TrainingSweepPoint } from './types.ts';

function point(x: number, y: number, cost = 1 / y, perMW = y): SweepPoint {
  return { chip: 0, chips: 1, tp: 1, pp: 1, ep: 1, batch: 1, weights: 'bf16', kvCache: 'bf16', tokensPerSPerUser: x, tokensPerSPerChip: y, costPerMillionTokensUsd: cost, tokensPerSPerProvisionedMW: perMW, ttftS: 1, tpotS: 1 / x, memoryPerChipBytes: 1 };
}

/** The frontier by brute force: points no other point beats on both objectives. */
function bruteForce(points: SweepPoint[]): [number, number][] {
  const keep = points.filter((p) => !points.some((q) => q !== p && q.tokensPerSPerUser >= p.tokensPerSPerUser && q.tokensPerSPerChip >= p.tokensPerSPerChip && (q.tokensPerSPerUser > p.tokensPerSPerUser || q.tokensPerSPerChip > p.tokensPerSPerChip)));
  const unique = new Map(keep.map((p) => [`${p.tokensPerSPerUser},${p.tokensPerSPerChip}`, [p.tokensPerSPerUser, p.tokensPerSPerChip] as [number, number]]));
  return [...unique.values()].sort((a, b) => a[0] - b[0]);
}

describe('Frontier', () => {
  test('keeps the non-dominated points, by x ascending', () => {
    const f = new Frontier(inferenceScore('tokensPerSPerChip'));
    for (const [x, y] of [[1, 10], [2, 8], [1.5, 5], [3, 2], [2, 9], [0.5, 10], [3, 2]] as const) f.add(point(x, y));
    expect(f.points().map((p) => [p.tokensPerSPerUser, p.tokensPerSPerChip])).toEqual([[1, 10], [2, 9], [3, 2]]);
  });

  test('matches brute force on random clouds', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 50; trial++) {
      const points = Array.from({ length: 300 }, () => point(Math.round(random() * 40), Math.round(random() * 40)));
      const f = new Frontier(inferenceScore('tokensPerSPerChip'));
      for (const p of points) f.add(p);
      expect(f.points().map((p) => [p.tokensPerSPerUser, p.tokensPerSPerChip])).toEqual(bruteForce(points));
    }
  });

  test('on tokens/s per provisioned MW, more is better, whatever the per-chip figure', () => {
    const f = new Frontier(inferenceScore('tokensPerSPerProvisionedMW'));
    // per chip 9, 1, 1; per MW 100, 300, 200: at x = 1 the 300 dominates the 100, at x = 2 the 200 stays
    f.add(point(1, 9, 1, 100));
    f.add(point(1, 1, 1, 300));
    f.add(point(2, 1, 1, 200));
    expect(f.points().map((p) => [p.tokensPerSPerUser, p.tokensPerSPerProvisionedMW])).toEqual([[1, 300], [2, 200]]);
  });

  test('on cost, less is better', () => {
    const f = new Frontier(inferenceScore('costPerMillionTokensUsd'));
    f.add(point(1, 1, 5));
    f.add(point(2, 1, 3));
    f.add(point(3, 1, 4));
    expect(f.points().map((p) => p.costPerMillionTokensUsd)).toEqual([3, 4]);
  });

  test('on training runs, less time and less cost are better', () => {
    const run = (days: number, cost: number): TrainingSweepPoint => ({ chip: 0, chips: 8, dp: 1, tp: 8, pp: 1, microBatch: 1, zeroStage: 1, recompute: 'selective', totalTimeS: days * 86_400, costUsd: cost, stepTimeS: 1, mfu: 0.4, tokensPerSPerChip: 1, chipHours: 1, energyJ: 1, memoryPerChipBytes: 1 });
    const f = new Frontier(trainingScore);
    for (const [days, cost] of [[10, 9], [20, 5], [15, 9], [30, 5], [40, 2], [5, 20], [20, 4]] as const) f.add(run(days, cost));
    // Kept by −time ascending: the longest run first.
    expect(f.points().map((p) => [p.totalTimeS / 86_400, p.costUsd])).toEqual([[40, 2], [20, 4], [10, 9], [5, 20]]);
  });

  test('ignores NaN and infinities', () => {
    const f = new Frontier(inferenceScore('tokensPerSPerChip'));
    f.add(point(Number.NaN, 1));
    f.add(point(1, Number.POSITIVE_INFINITY));
    expect(f.points()).toEqual([]);
  });
});

describe('Sample', () => {
  test('keeps everything up to the limit, then a uniform sample of that size', () => {
    const s = new Sample<SweepPoint>(100);
    for (let i = 0; i < 50; i++) s.offer(point(i + 1, 1));
    expect(s.points()).toHaveLength(50);
    for (let i = 50; i < 100_000; i++) s.offer(point(i + 1, 1));
    const kept = s.points();
    expect(kept).toHaveLength(100);
    // Uniform: the kept points' mean index is near the middle of the stream.
    const mean = kept.reduce((n, p) => n + p.tokensPerSPerUser, 0) / kept.length;
    expect(mean).toBeGreaterThan(35_000);
    expect(mean).toBeLessThan(65_000);
  });

  test('is deterministic', () => {
    const run = () => {
      const s = new Sample<SweepPoint>(10);
      for (let i = 0; i < 1000; i++) s.offer(point(i + 1, 1));
      return s.points().map((p) => p.tokensPerSPerUser);
    };
    expect(run()).toEqual(run());
  });
});
