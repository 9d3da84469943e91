import { describe, expect, test } from 'vitest';
import type { ChipSpec } from '@ridgeline/hardware';
import { estimateInference } from './inference.ts';
import { memoryCapacityFor, memoryPerChip } from './memory.ts';
import { llama70b, testGpu } from './test-fixtures.ts';

const s = (value: number): { value: number; source: string } => ({ value, source: 'test' });

/** The test GPU (80e9 B, usableFraction 0.9) under a stack that gives the KV cache 0.9 of the free memory, 1e9 B kept by the runtime. */
const freeBudgetGpu: ChipSpec = {
  ...testGpu,
  efficiency: { ...testGpu.efficiency, kvCacheBudget: { basis: 'free', fraction: s(0.9), reservedBytes: s(1e9) } },
};

const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;

describe('memoryCapacityFor (docs/MODEL.md §4, "KV cache budget")', () => {
  test('without a budget, M · usableFraction whatever the weights and activations', () => {
    // 80e9 · 0.9
    expect(memoryCapacityFor(testGpu, 70e9, 2e9)).toBeCloseTo(72e9, -1);
    expect(memoryCapacityFor(testGpu, 10e9, 1e9)).toBeCloseTo(72e9, -1);
  });

  test('a free-memory budget: the weights and activations plus f · (M − R − W − A)', () => {
    // 70e9 + 2e9 + 0.9 · (80e9 − 1e9 − 70e9 − 2e9) = 72e9 + 6.3e9
    expect(memoryCapacityFor(freeBudgetGpu, 70e9, 2e9)).toBeCloseTo(78.3e9, -1);
    // small weights leave more to the KV cache than M · 0.9 would: 11e9 + 0.9 · 68e9 = 72.2e9
    expect(memoryCapacityFor(freeBudgetGpu, 10e9, 1e9)).toBeCloseTo(72.2e9, -1);
  });

  test('when the weights and activations exceed what the runtime leaves, M − R: they do not fit', () => {
    // W + A = 80.5e9 > 80e9 − 1e9: the capacity is 79e9, below what they need
    const capacity = memoryCapacityFor(freeBudgetGpu, 79.5e9, 1e9);
    expect(capacity).toBeCloseTo(79e9, -1);
    expect(capacity).toBeLessThan(79.5e9 + 1e9);
    // continuous where the free memory reaches 0: W + A = 79e9 gives 79e9 both ways
    expect(memoryCapacityFor(freeBudgetGpu, 78e9, 1e9)).toBeCloseTo(79e9, -1);
    expect(memoryCapacityFor(freeBudgetGpu, 78e9 + 1, 1e9)).toBeCloseTo(79e9, -1);
  });
});

describe('memoryPerChip and estimateInference under a KV cache budget', () => {
  // Llama 3.1 70B at FP8 on one chip: 16 sequences of 2,048 + 2,048 tokens, KV cache at 80 layers ·
  // 8 KV heads · 128 · 2 (K and V) · 1 byte = 163,840 B per token
  const inputs = { model: llama70b, tp: 1, pp: 1, ep: 1, batch: 16, inputTokens: 2048, outputTokens: 2048, precision: fp8 };

  test('the KV cache is the same; what it may fill is the budget', () => {
    const plain = memoryPerChip({ ...inputs, chip: testGpu });
    const budget = memoryPerChip({ ...inputs, chip: freeBudgetGpu });
    expect(budget.kvCache).toBe(plain.kvCache);
    expect(plain.kvCache).toBeCloseTo(16 * 4096 * 163840, -3);
    expect(plain.capacity).toBeCloseTo(72e9, -1);
    expect(budget.capacity).toBeCloseTo(budget.weights + budget.activations + 0.9 * (80e9 - 1e9 - budget.weights - budget.activations), -1);
  });

  test('a batch the usable fraction refuses fits the free-memory budget, and one past it does not', () => {
    const config = { model: llama70b, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, inputTokens: 2048, outputTokens: 2048, precision: fp8 };
    // weights ≈ 70.6e9 B: M · 0.9 leaves 72e9 − 70.6e9 − A for the KV cache, about two sequences of
    // 4,096 tokens (0.67e9 B each); the free budget leaves 0.9 · (80e9 − 1e9 − 70.6e9 − A), about 11
    const at = (batch: number, chip: ChipSpec) => estimateInference({ ...config, chip, batch });
    expect(at(8, testGpu).reason).toBe('capacity');
    expect(at(8, freeBudgetGpu).feasible).toBe(true);
    expect(at(12, freeBudgetGpu).reason).toBe('capacity');
    // the estimate says which budget it used
    const r = at(8, freeBudgetGpu);
    expect(r.inputs.kvCacheBudget).toEqual(freeBudgetGpu.efficiency.kvCacheBudget);
    expect(at(1, testGpu).inputs.kvCacheBudget).toBeNull();
  });
});
