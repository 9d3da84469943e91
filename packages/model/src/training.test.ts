import { describe, expect, test } from 'vitest';
import { InputError } from './errors.ts';
import { shardLayout } from './layout.ts';
import { weightParamsPerChip } from './memory.ts';
import { countParams } from './params.ts';
import { testGpu, feasible, infeasible } from './test-fixtures.ts';
import { llama70b } from './test-fixtures.ts';
import { activationBytesPerLayer, estimateTraining } from './training.ts';
import type { TrainingConfig } from './types.ts';

const roomy = { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: 1e13, source: 'test' } } };
const base: TrainingConfig = {
  model: llama70b,
  chip: roomy,
  chips: 64,
  parallelism: { dp: 8, tp: 8, pp: 1, cp: 1, ep: 1 },
  sequenceLength: 4096,
  globalBatch: 64,
  microBatch: 1,
  totalTokens: 1e12,
};

describe('training step', () => {
  test('a precision the chip lacks is infeasible with a peak of 0, not NaN (as inference reports it)', () => {
    const r = infeasible(estimateTraining({ ...base, precision: 'fp4' }));
    expect(r.reason).toBe('precision_unsupported');
    expect(r.inputs.peakFlopsPerS).toBe(0);
  });

  test('MFU is 6·N_active·tokens/s over N·F, and the run follows from the step', () => {
    const r = feasible(estimateTraining(base));
    expect(r.feasible).toBe(true);
    const tokensPerStep = 64 * 4096;
    expect(r.tokensPerS).toBeCloseTo(tokensPerStep / r.stepTimeS, 6);
    expect(r.mfu).toBeCloseTo((6 * countParams(llama70b).active * r.tokensPerS) / (64 * 989e12), 12);
    expect(r.mfuWithAttention).toBeGreaterThan(r.mfu);
    expect(r.steps).toBeCloseTo(1e12 / tokensPerStep, 6);
    expect(r.totalTimeS).toBeCloseTo(r.steps * r.stepTimeS, 3);
    // cost = N · price · time / 3600 at the fixture's $4/chip-hour
    expect(r.costUsd).toBeCloseTo((64 * 4 * r.totalTimeS) / 3600, 3);
    expect(r.chipHours).toBeCloseTo((64 * r.totalTimeS) / 3600, 6);
  });

  test('1F1B: the step is (m + p − 1) micro-batch slots, the bubble (p − 1)/(m + p − 1)', () => {
    const r = feasible(estimateTraining({ ...base, parallelism: { dp: 2, tp: 8, pp: 4, cp: 1, ep: 1 } }));
    // m = G / (DP·b) = 64 / 2 = 32 micro-batches
    expect(r.microBatches).toBe(32);
    expect(r.bubbleFraction).toBeCloseTo(3 / 35, 12);
  });

  test('interleaving v chunks per stage shrinks the bubble to (p − 1)/(v·m + p − 1)', () => {
    const plain = feasible(estimateTraining({ ...base, parallelism: { dp: 2, tp: 8, pp: 4, cp: 1, ep: 1 } }));
    const interleaved = feasible(estimateTraining({ ...base, parallelism: { dp: 2, tp: 8, pp: 4, cp: 1, ep: 1 }, virtualStages: 2 }));
    expect(interleaved.bubbleFraction).toBeCloseTo(3 / (2 * 32 + 3), 12);
    expect(interleaved.stepTimeS).toBeLessThan(plain.stepTimeS);
    expect(() => estimateTraining({ ...base, virtualStages: 0 })).toThrow('virtualStages must be a positive integer, got 0');
  });

  test('full recomputation adds one forward: about a third more compute than none', () => {
    const none = feasible(estimateTraining({ ...base, recompute: 'none' }));
    const full = feasible(estimateTraining({ ...base, recompute: 'full' }));
    expect(full.microBatchTime.computeS / none.microBatchTime.computeS).toBeCloseTo(4 / 3, 9);
    expect(full.hfu).toBeGreaterThan(full.mfu);
  });

  test('the gradient all-reduce of DP peers in different domains rings over the scale-out links', () => {
    const config = { ...base, chips: 32, parallelism: { dp: 4, tp: 8, pp: 1, cp: 1, ep: 1 }, globalBatch: 32 };
    const r = feasible(estimateTraining(config));
    const gradientBytes = weightParamsPerChip(llama70b, shardLayout(llama70b, 8, 1), 1) * 2;
    // TP 8 fills each 8-chip domain, so the 4 DP peers are one per domain: 2·(4−1)/4 · m / 50e9, α = 0.
    // Without overlap nothing hides it.
    const ring = ((2 * 3) / 4) * (gradientBytes / 50e9);
    expect(r.dataParallelS).toBeCloseTo(ring, 12);
    // With overlap 0.5 it hides behind half the last micro-batch's backward: twice its forward
    // operators plus the selective recomputation of attention.
    const half = feasible(estimateTraining({ ...config, commOverlap: 0.5 }));
    const backward = (2 * (half.microBatchTime.computeS + half.microBatchTime.memoryS)) / 3;
    expect(half.dataParallelS).toBeCloseTo(ring - 0.5 * backward, 2);
  });

  test('a micro-batch\'s TP collectives hide behind at most overlap × its operators', () => {
    const none = feasible(estimateTraining({ ...base, commOverlap: 0 }));
    const some = feasible(estimateTraining({ ...base, commOverlap: 0.1 }));
    const operatorsS = none.microBatchTime.computeS + none.microBatchTime.memoryS;
    expect(some.microBatchTime.networkS).toBeCloseTo(Math.max(0, none.microBatchTime.networkS - 0.1 * operatorsS), 12);
  });
});

describe('training memory', () => {
  const P = weightParamsPerChip(llama70b, shardLayout(llama70b, 8, 1), 1);
  test.each([
    [0, 2 * P, 2 * P, 12 * P],
    [1, 2 * P, 2 * P, (12 * P) / 8],
    [2, 2 * P, (2 * P) / 8, (12 * P) / 8],
    [3, (2 * P) / 8, (2 * P) / 8, (12 * P) / 8],
  ] as const)('ZeRO %i shards weights, gradients and Adam state over DP 8', (zeroStage, weights, gradients, optimizer) => {
    const m = feasible(estimateTraining({ ...base, zeroStage })).memoryPerChipBytes;
    expect(m.weights).toBeCloseTo(weights, 0);
    expect(m.gradients).toBeCloseTo(gradients, 0);
    expect(m.optimizer).toBeCloseTo(optimizer, 0);
  });

  test('activations per layer follow Korthikanti et al. 2022', () => {
    const s = 4096;
    const d = 8192;
    const a = 64;
    // with sequence parallelism: s·b·d·(34/t + 5·a·s/(d·t))
    expect(activationBytesPerLayer(llama70b, s, 1, 8, 'none', true, 'bf16')).toBeCloseTo(s * d * (34 / 8 + (5 * a * s) / (d * 8)), 0);
    // without: s·b·d·(10 + 24/t + 5·a·s/(d·t))
    expect(activationBytesPerLayer(llama70b, s, 1, 8, 'none', false, 'bf16')).toBeCloseTo(s * d * (10 + 24 / 8 + (5 * a * s) / (d * 8)), 0);
    expect(activationBytesPerLayer(llama70b, s, 1, 8, 'selective', true, 'bf16')).toBeCloseTo(s * d * (34 / 8), 0);
    expect(activationBytesPerLayer(llama70b, s, 1, 8, 'full', true, 'bf16')).toBeCloseTo((2 * s * d) / 8, 0);
  });

  test('a run that does not fit says so and what to change', () => {
    const r = estimateTraining({ ...base, chip: testGpu, chips: 8, parallelism: { dp: 1, tp: 8, pp: 1, cp: 1, ep: 1 }, globalBatch: 8 });
    expect(r.feasible).toBe(false);
    expect(r.reason).toBe('capacity');
    expect(r.explanation).toContain('raise the ZeRO stage');
  });
});

describe('training rules and input errors', () => {
  test('an uneven pipeline is costed at its slowest stage, ⌈L/p⌉ layers', () => {
    // 80 layers over PP 3: stages of 27, 27, 26 — the 27-layer stage sets the pace, as 81 layers over 3 would
    const uneven = feasible(estimateTraining({ ...base, chips: 192, parallelism: { dp: 8, tp: 8, pp: 3, cp: 1, ep: 1 } }));
    const padded = feasible(estimateTraining({ ...base, model: { ...llama70b, layers: 81 }, chips: 192, parallelism: { dp: 8, tp: 8, pp: 3, cp: 1, ep: 1 } }));
    expect(uneven.feasible).toBe(true);
    expect(uneven.inputs.unevenPipeline).toBe(true);
    expect(uneven.stepTimeS).toBeCloseTo(padded.stepTimeS, 12);
    // MFU still counts the real 80-layer model
    expect(uneven.mfu).toBeLessThan(padded.mfu);
  });

  test.each([
    ['chips_divide_parallelism', { chips: 63 }],
    ['tp_divides_heads', { chips: 48, parallelism: { dp: 8, tp: 6, pp: 1, cp: 1, ep: 1 } }],
    ['batch_divides', { globalBatch: 60 }],
    ['cp_divides_sequence', { chips: 192, sequenceLength: 4097, parallelism: { dp: 8, tp: 8, pp: 1, cp: 3, ep: 1 } }],
    ['interleave_needs_pipeline', { chips: 64, virtualStages: 2, parallelism: { dp: 8, tp: 8, pp: 1, cp: 1, ep: 1 } }],
  ] as const)('%s', (reason, patch) => {
    const r = infeasible(estimateTraining({ ...base, ...patch } as TrainingConfig));
    expect(r.reason).toBe(reason);
    // nothing ran, so there are no figures and nothing bounded it
    expect(r).not.toHaveProperty('stepTimeS');
    expect(r).not.toHaveProperty('bound');
  });

  test('malformed numbers throw an InputError naming the field', () => {
    expect(() => estimateTraining({ ...base, zeroStage: 4 as 3 })).toThrow(new InputError('zeroStage', 'zeroStage must be one of 0, 1, 2, 3, got 4'));
    expect(() => estimateTraining({ ...base, microBatch: 0 })).toThrow('microBatch must be a positive integer, got 0');
    expect(() => estimateTraining({ ...base, totalTokens: -1 })).toThrow('totalTokens must be a positive number of tokens, got -1');
  });
});
