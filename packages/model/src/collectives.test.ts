import { describe, expect, test } from 'vitest';
import { allGatherS, allReduceS, allToAllS, membersPerDomainFor, pointToPointS, torusAxisSizes } from './collectives.ts';
import { testGpu, testTpu } from './test-fixtures.ts';

describe('collectives (MODEL.md §3)', () => {
  test('a group of one does not communicate', () => {
    expect(allReduceS(testGpu, 1e9, 1)).toBe(0);
    expect(allToAllS(testGpu, 1e9, 1)).toBe(0);
  });

  test('ring all-reduce on a switch: 2·(n−1)/n · m/(β·η) + 2·(n−1)·α', () => {
    const m = 1 << 20;
    expect(allReduceS(testGpu, m, 8)).toBeCloseTo(((2 * 7) / 8) * (m / 450e9), 15);
    const withLatency = { ...testGpu, scaleUp: { ...testGpu.scaleUp, hopLatencyS: { value: 2e-6, source: 't' } } };
    expect(allReduceS(withLatency, m, 8)).toBeCloseTo(((2 * 7) / 8) * (m / 450e9) + 2 * 7 * 2e-6, 15);
    expect(allGatherS(withLatency, m, 8)).toBeCloseTo((7 / 8) * (m / 450e9) + 7 * 2e-6, 15);
  });

  test('a declared per-collective latency replaces the per-hop sum inside the domain', () => {
    const chip = { ...testGpu, scaleUp: { ...testGpu.scaleUp, hopLatencyS: { value: 2e-6, source: 't' }, collectiveLatencyS: { value: 8e-6, source: 't' } } };
    expect(allReduceS(chip, 16384, 8)).toBeCloseTo(((2 * 7) / 8) * (16384 / 450e9) + 8e-6, 15);
  });

  test('groups spanning whole domains run hierarchically: RS inside, AR of m/D across, AG inside', () => {
    // 16 chips = 2 domains of 8: reduce-scatter + all-gather over NVLink (450e9), then an
    // all-reduce of the 1e6/8 shard between the 2 domains over each chip's NIC (50e9)
    const inside = 2 * ((7 / 8) * (1e6 / 450e9));
    const across = ((2 * 1) / 2) * (1e6 / 8 / 50e9);
    expect(allReduceS(testGpu, 1e6, 16)).toBeCloseTo(inside + across, 15);
  });

  test('a strided group (one DP peer per domain) rings over scale-out; two per domain go hierarchical', () => {
    // DP 4 with TP 8 filling each 8-GPU domain: every peer in its own domain
    expect(membersPerDomainFor(testGpu, 4, 8)).toBe(1);
    expect(allReduceS(testGpu, 1e6, 4, 1)).toBeCloseTo(((2 * 3) / 4) * (1e6 / 50e9), 15);
    // DP 4 with TP 4: two peers share a domain → RS/AG over NVLink between the 2, AR of m/2 across 2 domains
    expect(membersPerDomainFor(testGpu, 4, 4)).toBe(2);
    const inside = 2 * ((1 / 2) * (1e6 / 450e9));
    expect(allReduceS(testGpu, 1e6, 4, 2)).toBeCloseTo(inside + ((2 * 1) / 2) * (5e5 / 50e9), 15);
  });

  test('a group that is not a multiple of the domain puts the largest dividing share in each domain', () => {
    // 12 chips over domains of 8 → 6 per domain: RS/AG among 6 over NVLink, AR of m/6 across 2 domains
    const inside = 2 * ((5 / 6) * (1e6 / 450e9));
    expect(allReduceS(testGpu, 1e6, 12)).toBeCloseTo(inside + ((2 * 1) / 2) * (1e6 / 6 / 50e9), 15);
    // 11 chips (prime) share no divisor with a domain: a flat ring over scale-out
    expect(allReduceS(testGpu, 1e6, 11)).toBeCloseTo(((2 * 10) / 11) * (1e6 / 50e9), 15);
  });

  test('torus3d: the ring runs on all the group\'s axes at once (scaling book: V/(W·n_axes))', () => {
    expect(torusAxisSizes(64, 3)).toEqual([4, 4, 4]);
    expect(torusAxisSizes(12, 3)).toEqual([3, 2, 2]);
    expect(torusAxisSizes(8, 2)).toEqual([4, 2]);
    expect(torusAxisSizes(7, 3)).toEqual([7]);
    const m = 1e6;
    const axisBw = 2.7e11 / 3; // 9e10 B/s: the ± links of one axis
    // 64 chips as 4×4×4 use all three axes: 2·(63/64)·m over 3·9e10, and 2·(4−1)·α per axis
    expect(allReduceS(testTpu, m, 64)).toBeCloseTo(((2 * 63) / 64) * (m / (3 * axisBw)) + 3 * 2 * 3 * 1e-6, 15);
    // 4 chips as 2×2 use two of the three axes
    expect(allReduceS(testTpu, m, 4)).toBeCloseTo(((2 * 3) / 4) * (m / (2 * axisBw)) + 2 * 2 * 1 * 1e-6, 15);
    expect(allGatherS(testTpu, m, 4)).toBeCloseTo((3 / 4) * (m / (2 * axisBw)) + 2 * 1 * 1e-6, 15);
  });

  test('all-to-all on a switch: (n−1)/n · m/(β·η) plus one launch latency, not one per peer', () => {
    expect(allToAllS(testGpu, 8e6, 8)).toBeCloseTo((7 / 8) * (8e6 / 450e9), 15);
    const chip = { ...testGpu, scaleUp: { ...testGpu.scaleUp, hopLatencyS: { value: 2e-6, source: 't' } } };
    expect(allToAllS(chip, 8e6, 8)).toBeCloseTo((7 / 8) * (8e6 / 450e9) + 2e-6, 15);
    const withCollective = { ...chip, scaleUp: { ...chip.scaleUp, collectiveLatencyS: { value: 8e-6, source: 't' } } };
    expect(allToAllS(withCollective, 8e6, 8)).toBeCloseTo((7 / 8) * (8e6 / 450e9) + 8e-6, 15);
  });

  test('all-to-all on a torus: bisection-bound, a_max·m/(4·β/K), plus the diameter Σ⌊a/2⌋·α', () => {
    const m = 1e6;
    const axisBw = 2.7e11 / 3;
    // 4×4×4: injection (63/64)·m/(3·9e10) = 3.6 µs < bisection 4·m/(4·9e10) = 11.1 µs; diameter 2+2+2 hops
    expect(allToAllS(testTpu, m, 64)).toBeCloseTo((4 * m) / (4 * axisBw) + 6 * 1e-6, 15);
    // 2 chips: injection (1/2)·m/9e10 equals the bisection 2·m/(4·9e10); one hop
    expect(allToAllS(testTpu, m, 2)).toBeCloseTo((1 / 2) * (m / axisBw) + 1e-6, 15);
    // a ring is a one-axis torus: 8 chips, 8·m/(4·β) against (7/8)·m/β, diameter 4 hops
    const ring = { ...testTpu, scaleUp: { ...testTpu.scaleUp, topology: 'ring' as const } };
    expect(allToAllS(ring, m, 8)).toBeCloseTo((8 * m) / (4 * 2.7e11) + 4 * 1e-6, 15);
    // its ring all-reduce is the flat ring's
    expect(allReduceS(ring, m, 8)).toBe(((2 * 7) / 8) * (m / 2.7e11) + 2 * 7 * 1e-6);
  });

  test('all-to-all beyond one domain: scale-out carries (n−k)/n of m while scale-up carries (k−1)/n, at once', () => {
    const m = 128 * 8 * 7168; // DeepSeek-V3 decode dispatch, FP8
    const chip = { ...testGpu, scaleOut: { ...testGpu.scaleOut, hopLatencyS: { value: 5e-6, source: 't' } } };
    // EP64 over 8-GPU domains: k = 8; NVLink part (7/64)·m/450e9 = 1.8 µs, NIC part (56/64)·m/50e9 + 5 µs = 133 µs
    expect(allToAllS(chip, m, 64)).toBeCloseTo((56 / 64) * (m / 50e9) + 5e-6, 15);
    // a fast NIC leaves NVLink the slower part: the k/n of m among the 8 domain members
    const fastOut = { ...chip, scaleOut: { bandwidthBytesPerS: { value: 1e15, source: 't' }, hopLatencyS: { value: 0, source: 't' } } };
    expect(allToAllS(fastOut, m, 64)).toBeCloseTo((7 / 8) * (((m * 8) / 64) / 450e9), 15);
    // 11 chips (prime) share no divisor with a domain: every byte but the chip's own crosses the NIC
    expect(allToAllS(chip, m, 11)).toBeCloseTo((10 / 11) * (m / 50e9) + 5e-6, 15);
  });

  test('point-to-point: m/(β·η) + α', () => {
    expect(pointToPointS(testTpu, 1e6, 'scaleUp')).toBeCloseTo(1e6 / 2.7e11 + 1e-6, 15);
  });
});
