import { describe, expect, test } from 'vitest';
import { busiestExpertRank, evenStageLayers, expectedExpertsTouched, expectedMaxStandardNormal, meanAttendedContext, shardLayout, slowestStageLayers } from './layout.ts';
import { deepseekV3, llama70b } from './test-fixtures.ts';
import type { ModelSpec } from './types.ts';

describe('expected experts touched, E·(1 − (1 − k/E)^T)', () => {
  test('one token touches exactly k experts', () => {
    expect(expectedExpertsTouched(256, 8, 1)).toBeCloseTo(8, 12);
  });
  test('64 tokens of DeepSeek-V3 touch 256·(1 − (248/256)^64) experts', () => {
    expect(expectedExpertsTouched(256, 8, 64)).toBeCloseTo(256 * (1 - (248 / 256) ** 64), 12);
    expect(expectedExpertsTouched(256, 8, 64)).toBeGreaterThan(220);
  });
  test('a large batch touches (nearly) all experts', () => {
    expect(expectedExpertsTouched(8, 2, 1000)).toBeCloseTo(8, 9);
  });
});

describe('c(n), the expected largest of n standard normals (Blom)', () => {
  test('one draw is its own maximum: its mean, 0', () => {
    expect(expectedMaxStandardNormal(1)).toBe(0);
  });
  test('two draws: the exact 1/√π = 0.5642, within 5%', () => {
    // E[max(X, Y)] = E|X − Y|/2 = (√2·√(2/π))/2 = 1/√π
    expect(Math.abs(expectedMaxStandardNormal(2) / (1 / Math.sqrt(Math.PI)) - 1)).toBeLessThan(0.05);
  });
  test('within 1% of the exact expectations from 8 draws, both branches of Φ⁻¹ (n < 16 central, n ≥ 16 tail)', () => {
    // exact expected maxima of n standard normals (Harter's tables): 8 1.4236, 16 1.7660, 32 2.0697, 64 2.3378
    for (const [n, exact] of [[8, 1.4236], [16, 1.766], [32, 2.0697], [64, 2.3378]] as const) {
      expect(Math.abs(expectedMaxStandardNormal(n) / exact - 1)).toBeLessThan(0.01);
    }
    // Blom's position at n = 8 is Φ⁻¹(7.625/8.25 = 0.92424) = 1.4342
    expect(expectedMaxStandardNormal(8)).toBeCloseTo(1.4342, 4);
  });
  test('grows with n', () => {
    let previous = -1;
    for (const n of [1, 2, 3, 4, 8, 15, 16, 17, 72, 256]) {
      const c = expectedMaxStandardNormal(n);
      expect(c).toBeGreaterThan(previous);
      previous = c;
    }
  });
});

describe('the busiest expert-parallel rank (docs/MODEL.md §2.2)', () => {
  test('DeepSeek-V3 at EP 8, 4 tokens: the routing spread, not the 1.11 imbalance, sets the busiest rank', () => {
    const c = expectedMaxStandardNormal(8);
    // 32 routings, μ = 4 per rank, σ = √(32·(1/8)(7/8)·248/255) = √3.4039 = 1.845
    const sd = Math.sqrt(32 * (1 / 8) * (7 / 8) * (248 / 255));
    // 32 slots per rank, each touched with q = 1 − (248/256)^4 = 0.11926: 3.816 on average
    const q = 1 - (248 / 256) ** 4;
    const busiest = busiestExpertRank(256, 8, 32, 8, 4, 1.11);
    expect(busiest.routings).toBeCloseTo(4 + c * sd, 12); // 6.646, against 4 · 1.11 = 4.44
    expect(busiest.routings).toBeCloseTo(6.646, 3);
    expect(busiest.expertsTouched).toBeCloseTo(32 * q + c * Math.sqrt(32 * q * (1 - q)), 12); // 6.446, against 3.816 on average
    expect(busiest.expertsTouched).toBeCloseTo(6.446, 3);
  });
  test('at a large batch the measured imbalance binds and every slot is read', () => {
    // 4096 tokens: μ = 4096 routings per rank, σ ≈ 59, μ + 1.434σ = 4181 < 4096 · 1.11 = 4546.56
    const busiest = busiestExpertRank(256, 8, 32, 8, 4096, 1.11);
    expect(busiest.routings).toBeCloseTo(4096 * 1.11, 9);
    expect(busiest.expertsTouched).toBe(32);
  });
  test('against uniform routing simulated: within 10% once the busiest rank averages a routing, low by at most 25% below', () => {
    // a seeded simulation: T tokens each route to k = 8 distinct experts of 256, drawn uniformly; the
    // ranks hold 256/EP consecutive experts; the busiest rank's routings and distinct experts, averaged
    let state = 12345;
    const random = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const trials = 3000;
    for (const [ep, tokens] of [[8, 1], [8, 4], [8, 64], [16, 4], [32, 1], [32, 8], [64, 4]] as const) {
      const slots = 256 / ep;
      let routingsSum = 0;
      let touchedSum = 0;
      for (let t = 0; t < trials; t++) {
        const routed = new Array<number>(ep).fill(0);
        const touched = new Set<number>();
        for (let i = 0; i < tokens; i++) {
          const picks = new Set<number>();
          while (picks.size < 8) picks.add(Math.floor(random() * 256));
          for (const e of picks) {
            routed[Math.floor(e / slots)]! += 1;
            touched.add(e);
          }
        }
        const perRank = new Array<number>(ep).fill(0);
        for (const e of touched) perRank[Math.floor(e / slots)]! += 1;
        routingsSum += Math.max(...routed);
        touchedSum += Math.max(...perRank);
      }
      const model = busiestExpertRank(256, 8, slots, ep, tokens, 1);
      const meanRoutings = (tokens * 8) / ep;
      const low = meanRoutings >= 1 ? 0.9 : 0.75;
      for (const ratio of [model.routings / (routingsSum / trials), model.expertsTouched / (touchedSum / trials)]) {
        expect(ratio).toBeGreaterThan(low);
        expect(ratio).toBeLessThan(1.05);
      }
    }
  });
});

describe('sliding window', () => {
  const gemmaLike: ModelSpec = { ...llama70b, layers: 60, slidingWindow: { windowTokens: 1024, windowedLayers: 50 } };
  test('decode attends min(c, w) in windowed layers and c elsewhere', () => {
    // 50 of 60 layers see 1024 tokens, 10 see all 8192
    expect(meanAttendedContext(gemmaLike, 8192, false)).toBeCloseTo((50 / 60) * 1024 + (10 / 60) * 8192, 9);
    expect(meanAttendedContext(gemmaLike, 512, false)).toBeCloseTo(512, 9);
  });
  test('causal prefill attends S/2, or w − w²/(2S) under a window shorter than S', () => {
    expect(meanAttendedContext(llama70b, 8192, true)).toBe(4096);
    const windowed = 1024 - (1024 * 1024) / (2 * 8192);
    expect(meanAttendedContext(gemmaLike, 8192, true)).toBeCloseTo((50 / 60) * windowed + (10 / 60) * 4096, 9);
  });
});

describe('shard layout', () => {
  test('GQA KV heads are replicated when TP > h_kv', () => {
    expect(shardLayout(llama70b, 8, 1).kvHeadsPerChip).toBe(1);
    expect(shardLayout(llama70b, 16, 1).kvHeadsPerChip).toBe(1);
    expect(shardLayout(llama70b, 2, 1).kvHeadsPerChip).toBe(4);
    // cached per token per layer on one chip: 2 · h_kv,chip · d_h
    expect(shardLayout(llama70b, 2, 1).kvElementsPerTokenPerChip).toBe(2 * 4 * 128);
  });
  test('MLA caches the latent r_kv + d_rope, and decode attends in the absorbed form', () => {
    const l = shardLayout(deepseekV3, 8, 1);
    expect(l.kvElementsPerTokenPerChip).toBe(512 + 64);
    expect(l.decodeHeadDims).toEqual({ qk: 512 + 64, v: 512 });
    expect(l.prefillHeadDims).toEqual({ qk: 128 + 64, v: 128 });
    // replicated down-projections + per-head up-projections split 8 ways
    const q = 7168 * 1536 + 1536 * 16 * (128 + 64);
    const kv = 7168 * (512 + 64) + 512 * 16 * (128 + 128);
    expect(l.qkvParamsPerChip).toBe(q + kv);
  });
});

describe('pipeline stages', () => {
  test('the slowest inference stage holds ⌈L/p⌉ layers, as many of them MoE as there are', () => {
    // DeepSeek-V3: 61 layers, the first 3 dense. ⌈61/4⌉ = 16, and 58 MoE layers fill a stage.
    expect(slowestStageLayers(deepseekV3, 4)).toEqual({ layers: 16, denseLayers: 0, moeLayers: 16 });
    expect(slowestStageLayers(deepseekV3, 1)).toEqual({ layers: 61, denseLayers: 3, moeLayers: 58 });
    // 60 stages of ⌈61/60⌉ = 2 layers; a dense model has no MoE layers
    expect(slowestStageLayers(deepseekV3, 60)).toEqual({ layers: 2, denseLayers: 0, moeLayers: 2 });
    expect(slowestStageLayers(llama70b, 3)).toEqual({ layers: 27, denseLayers: 27, moeLayers: 0 });
  });
  test('training takes an even share of every layer kind', () => {
    expect(evenStageLayers(deepseekV3, 4)).toEqual({ layers: 61 / 4, denseLayers: 3 / 4, moeLayers: 58 / 4 });
  });
});
