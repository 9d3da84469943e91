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

  test('torus3d: the ring runs per axis with β/3 each, the message shrinking by each axis size', () => {
    expect(torusAxisSizes(64, 3)).toEqual([4, 4, 4]);
    expect(torusAxisSizes(12, 3)).toEqual([3, 2, 2]);
    expect(torusAxisSizes(8, 2)).toEqual([4, 2]);
    expect(torusAxisSizes(7, 3)).toEqual([7]);
    const m = 1e6;
    const axisBw = 2.7e11 / 3; // 9e10 B/s
    const bandwidthS = ((2 * 3) / 4) * (m / axisBw) * (1 + 1 / 4 + 1 / 16);
    const latencyS = 3 * 2 * 3 * 1e-6; // three axes of 4: 2·(4−1)·α each
    expect(allReduceS(testTpu, m, 64)).toBeCloseTo(bandwidthS + latencyS, 15);
  });

  test('all-to-all: (n−1)/n · m/(β·η) + (n−1)·α; point-to-point: m/(β·η) + α', () => {
    expect(allToAllS(testGpu, 8e6, 8)).toBeCloseTo((7 / 8) * (8e6 / 450e9), 15);
    expect(pointToPointS(testTpu, 1e6, 'scaleUp')).toBeCloseTo(1e6 / 2.7e11 + 1e-6, 15);
    // torus3d, 64 chips as 4×4×4: each axis moves 3/4 of the data over β/3 and pays 3 hops
    expect(allToAllS(testTpu, 1e6, 64)).toBeCloseTo(3 * ((3 / 4) * (1e6 / 9e10) + 3 * 1e-6), 15);
  });
});
