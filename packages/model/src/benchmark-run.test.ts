import { describe, expect, test } from 'vitest';
import { finiteRunShare, uniformLengthsSd } from './benchmark-run.ts';
import { InputError } from './errors.ts';
import { expectedMaxStandardNormal } from './layout.ts';

describe('uniformLengthsSd', () => {
  test('by hand: √((m² − 1)/12) over the m integers', () => {
    // InferenceX's 1k outputs: 819…1024, m = 206: √((42,436 − 1)/12) = √3,536.25 = 59.466
    expect(uniformLengthsSd(819, 1024)).toBeCloseTo(59.466, 3);
    // 6,553…8,192: m = 1,640, √((1,640² − 1)/12) = 473.43
    expect(uniformLengthsSd(6553, 8192)).toBeCloseTo(473.43, 2);
    // two values one apart: a fair coin between 1 and 2, sd 0.5
    expect(uniformLengthsSd(1, 2)).toBe(0.5);
    expect(uniformLengthsSd(512, 512)).toBe(0);
  });

  test('bad bounds name the field', () => {
    expect(() => uniformLengthsSd(0, 10)).toThrow(/^min must be an integer ≥ 1/);
    expect(() => uniformLengthsSd(10, 9)).toThrow(/^max must be an integer ≥ min \(10\)/);
    expect(() => uniformLengthsSd(1.5, 9)).toThrow(InputError);
  });
});

describe('finiteRunShare', () => {
  const figures = { requestLatencyS: 20, tpotS: 0.02 };

  test('by hand: 64 clients of ten 1k-token requests', () => {
    // σ_ℓ = 59.466 · 0.02 = 1.18933 s; e(64) = Φ⁻¹(63.625/64.25) = 2.33669;
    // share = 1/(1 + 1.18933 · 2.33669/(√10 · 20)) = 1/(1 + 0.0439393) = 0.957909
    const share = finiteRunShare({ clients: 64, requestsPerClient: 10, outputTokensSd: 59.466 }, figures);
    expect(expectedMaxStandardNormal(64)).toBeCloseTo(2.33669, 4);
    expect(share).toBeCloseTo(0.957909, 5);
  });

  test('nothing to wait for: one client, or every request the same length', () => {
    expect(finiteRunShare({ clients: 1, requestsPerClient: 10, outputTokensSd: 59.466 }, figures)).toBe(1);
    expect(finiteRunShare({ clients: 1024, requestsPerClient: 10, outputTokensSd: 0 }, figures)).toBe(1);
  });

  test('more clients wait longer for their slowest; more requests each average it out', () => {
    const run = { clients: 64, requestsPerClient: 10, outputTokensSd: 59.466 };
    expect(finiteRunShare({ ...run, clients: 1024 }, figures)).toBeLessThan(finiteRunShare(run, figures));
    expect(finiteRunShare({ ...run, requestsPerClient: 40 }, figures)).toBeGreaterThan(finiteRunShare(run, figures));
    // four times the requests halve the relative tail: 1/(1 + 0.0439393/2)
    expect(finiteRunShare({ ...run, requestsPerClient: 40 }, figures)).toBeCloseTo(1 / (1 + 0.0439393 / 2), 5);
  });

  test('bad runs name the field and the allowed values', () => {
    const ok = { clients: 4, requestsPerClient: 10, outputTokensSd: 10 };
    expect(() => finiteRunShare({ ...ok, clients: 0 }, figures)).toThrow(/^run\.clients must be an integer from 1 to/);
    expect(() => finiteRunShare({ ...ok, clients: 2.5 }, figures)).toThrow(/^run\.clients/);
    expect(() => finiteRunShare({ ...ok, requestsPerClient: 0 }, figures)).toThrow(/^run\.requestsPerClient must be an integer from 1 to/);
    expect(() => finiteRunShare({ ...ok, outputTokensSd: -1 }, figures)).toThrow(/^run\.outputTokensSd must be a number of tokens from 0 to/);
    expect(() => finiteRunShare({ ...ok, outputTokensSd: Number.NaN }, figures)).toThrow(InputError);
    // and a result that is not a feasible estimate's: no NaN or ∞ comes out
    expect(() => finiteRunShare(ok, { requestLatencyS: 0, tpotS: 0.02 })).toThrow(/^result\.requestLatencyS must be a number of seconds > 0/);
    expect(() => finiteRunShare(ok, { requestLatencyS: 20, tpotS: Number.POSITIVE_INFINITY })).toThrow(/^result\.tpotS must be a number of seconds ≥ 0/);
  });
});
