import { describe, expect, it } from 'vitest';
import { METRICS } from './descriptors.ts';
import { describeWhere, matchesWhere, sortWhere, whereBounds } from './where.ts';

describe('where', () => {
  it('keeps values within inclusive bounds, and never a missing value', () => {
    const where = [{ metric: 'ttftS', max: 2 }, { metric: 'tpotS', min: 0.01, max: 0.05 }] as const;
    expect(matchesWhere({ ttftS: 2, tpotS: 0.05 }, where)).toBe(true);
    expect(matchesWhere({ ttftS: 2, tpotS: 0.01 }, where)).toBe(true);
    expect(matchesWhere({ ttftS: 2.000001, tpotS: 0.02 }, where)).toBe(false);
    expect(matchesWhere({ ttftS: 1, tpotS: 0.0099 }, where)).toBe(false);
    expect(matchesWhere({ ttftS: null, tpotS: 0.02 }, where)).toBe(false);
    expect(matchesWhere({ ttftS: Number.NaN, tpotS: 0.02 }, where)).toBe(false);
    expect(matchesWhere({ tpotS: 0.02 }, where)).toBe(false);
    expect(matchesWhere({ ttftS: -1e300, tpotS: 0.02 }, where)).toBe(true);
    expect(matchesWhere({ ttftS: null }, [])).toBe(true);
  });

  it('gives the kernel ±Infinity for absent bounds and people a short text', () => {
    expect(whereBounds({ metric: 'ttftS', max: 2 })).toEqual([Number.NEGATIVE_INFINITY, 2]);
    expect(whereBounds({ metric: 'ttftS', min: 0 })).toEqual([0, Number.POSITIVE_INFINITY]);
    expect(describeWhere([{ metric: 'ttftS', max: 2 }, { metric: 'tpotS', min: 0.01, max: 0.05 }, { metric: 'tokensPerSPerUser', min: 20 }])).toBe(
      'ttftS ≤ 2, 0.01 ≤ tpotS ≤ 0.05, tokensPerSPerUser ≥ 20',
    );
  });

  it('orders clauses as the metric list does', () => {
    expect(sortWhere([{ metric: 'costPerMillionTokensUsd', max: 1 }, { metric: 'ttftS', max: 2 }], METRICS).map((w) => w.metric)).toEqual(['ttftS', 'costPerMillionTokensUsd']);
  });
});
