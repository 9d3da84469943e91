import { describe, expect, test } from 'vitest';
import { evenStageLayers, expectedExpertsTouched, meanAttendedContext, shardLayout, slowestStageLayers } from './layout.ts';
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
