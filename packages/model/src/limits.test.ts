import { describe, expect, test } from 'vitest';
import { CHIP_LIMITS, type ChipSpec } from '@ridgeline/hardware';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import { limitText, MODEL_LIMITS, validateModelSpec, WORKLOAD_LIMITS } from './limits.ts';
import { llama70b, testGpu, bf16, llama70bOn8 } from './test-fixtures.ts';
import { estimateTraining } from './training.ts';
import type { InferenceConfig, ModelSpec, TrainingConfig } from './types.ts';

const base: InferenceConfig = llama70bOn8;
const training: TrainingConfig = {
  model: llama70b,
  chip: testGpu,
  chips: 8,
  parallelism: { dp: 1, tp: 8, pp: 1, cp: 1, ep: 1 },
  sequenceLength: 4096,
  globalBatch: 8,
  microBatch: 1,
  totalTokens: 1e12,
};

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('model limits', () => {
  // Before the limits, 10¹² layers or heads made the layout search count to 10¹² (hours).
  test.each([
    ['layers', { layers: 1e12 }, 'model "llama-3.1-70b": layers must be at most 1e5, got 1000000000000'],
    ['heads', { heads: 1e12, kvHeads: 8 }, 'model "llama-3.1-70b": heads must be at most 1e5, got 1000000000000'],
    ['hiddenSize', { hiddenSize: 1e300 }, 'model "llama-3.1-70b": hiddenSize must be at most 1e6, got 1e+300'],
    ['vocabSize', { vocabSize: 2e8 }, 'model "llama-3.1-70b": vocabSize must be at most 1e8, got 200000000'],
    ['ffnHiddenSize', { ffnHiddenSize: 1e8 }, 'model "llama-3.1-70b": ffnHiddenSize must be at most 1e7, got 100000000'],
    ['kvHeads', { kvHeads: 128 }, 'model "llama-3.1-70b": kvHeads must be at most heads (64), got 128'],
    ['moe.experts', { moe: { experts: 1e6, activeExperts: 8, sharedExperts: 0, expertHiddenSize: 2048, denseLayers: 0 } }, 'model "llama-3.1-70b": moe.experts must be at most 1e5, got 1000000'],
    ['slidingWindow.windowTokens', { slidingWindow: { windowTokens: 1e10, windowedLayers: 1 } }, 'model "llama-3.1-70b": slidingWindow.windowTokens must be at most 1e9, got 10000000000'],
  ] as const)('%s beyond its limit is an InputError naming the field and the limit, at once', (field, edit, message) => {
    const error = inputError(() => estimateInference({ ...base, model: { ...llama70b, ...edit } as ModelSpec }));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  test('a model at every limit is valid', () => {
    const widest: ModelSpec = {
      ...llama70b,
      layers: MODEL_LIMITS.layers,
      hiddenSize: MODEL_LIMITS.hiddenSize,
      heads: MODEL_LIMITS.heads,
      kvHeads: MODEL_LIMITS.heads,
      headDim: MODEL_LIMITS.headDim,
      ffnHiddenSize: MODEL_LIMITS.ffnHiddenSize,
      vocabSize: MODEL_LIMITS.vocabSize,
    };
    expect(() => validateModelSpec(widest)).not.toThrow();
  });

  test('limits read as messages write them', () => {
    expect([1e5, 1e9, 16_777_216, 64, 1e15].map(limitText)).toEqual(['1e5', '1e9', '16,777,216', '64', '1e15']);
  });
});

describe('workload limits', () => {
  test.each([
    ['batch', { batch: 1e12 }, 'batch must be at most 1e9, got 1000000000000'],
    ['inputTokens', { inputTokens: 1e10 }, 'inputTokens must be at most 1e9, got 10000000000'],
    ['outputTokens', { outputTokens: 2e9 }, 'outputTokens must be at most 1e9, got 2000000000'],
    ['chips', { chips: 2 ** 24 + 8 }, 'chips must be at most 16,777,216, got 16777224'],
    ['chunkTokens', { chunkTokens: 1e10 }, 'chunkTokens must be at most 1e9, got 10000000000'],
    ['moeImbalance', { moeImbalance: 1e308 }, 'moeImbalance must be at most 64, got 1e+308'],
    ['moeImbalance', { moeImbalance: Number.POSITIVE_INFINITY }, 'moeImbalance must be at most 64, got Infinity'],
    ['usdPerChipHour', { usdPerChipHour: 1e308 }, 'usdPerChipHour must be at most 1e6 USD per chip-hour, got 1e+308'],
  ] as const)('inference: %s beyond its limit', (field, edit, message) => {
    const error = inputError(() => estimateInference({ ...base, ...edit }));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  test.each([
    ['optimizerBytesPerParam', { optimizerBytesPerParam: 1e308 }, 'optimizerBytesPerParam must be at most 64 bytes, got 1e+308'],
    ['usdPerChipHour', { usdPerChipHour: 1e308 }, 'usdPerChipHour must be at most 1e6 USD per chip-hour, got 1e+308'],
    ['totalTokens', { totalTokens: 1e300 }, 'totalTokens must be at most 1e15 tokens, got 1e+300'],
    ['sequenceLength', { sequenceLength: 1e10 }, 'sequenceLength must be at most 1e9, got 10000000000'],
    ['globalBatch', { globalBatch: 1e12 }, 'globalBatch must be at most 1e9, got 1000000000000'],
  ] as const)('training: %s beyond its limit', (field, edit, message) => {
    const error = inputError(() => estimateTraining({ ...training, ...edit }));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  test('the limits themselves are accepted', () => {
    const r = estimateInference({ ...base, moeImbalance: WORKLOAD_LIMITS.moeImbalance, usdPerChipHour: WORKLOAD_LIMITS.usdPerChipHour });
    expect(r.feasible).toBe(true);
    const t = estimateTraining({ ...training, optimizerBytesPerParam: WORKLOAD_LIMITS.optimizerBytesPerParam, usdPerChipHour: WORKLOAD_LIMITS.usdPerChipHour });
    expect(t.reason).toBe('capacity'); // 70e9 parameters · 68 bytes over 8 chips: a result, not an error
  });
});

/** Every number in a result, by path, so a failure names the one that is not finite. */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinite(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => nonFinite(v, path === '' ? k : `${path}.${k}`));
  return [];
}

/** A small deterministic generator (mulberry32), so a failing corner can be rerun. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('every accepted input gives finite figures', () => {
  const s = (value: number) => ({ value, source: 'limit' });
  // Each figure at its smallest or largest accepted value, or a typical one.
  const corner = (next: () => number, min: number, typical: number, max: number): number => [min, typical, max][Math.floor(next() * 3)]!;

  function chipAt(next: () => number): ChipSpec {
    const L = CHIP_LIMITS;
    const fig = (limit: { min: number; max: number }, typical: number) => s(corner(next, limit.min, typical, limit.max));
    return {
      ...testGpu,
      compute: { peakDenseFlopsPerS: { bf16: fig(L.flopsPerS, 989e12) } },
      memory: { kind: 'hbm', capacityBytes: fig(L.memoryCapacityBytes, 80e9), bandwidthBytesPerS: fig(L.memoryBandwidthBytesPerS, 3.35e12), usableFraction: fig(L.fraction, 0.9) },
      scaleUp: { bandwidthBytesPerS: fig(L.linkBandwidthBytesPerS, 450e9), domainSize: fig(L.domainSize, 8), topology: 'switch', hopLatencyS: fig(L.latencyS, 1e-6) },
      scaleOut: { bandwidthBytesPerS: fig(L.linkBandwidthBytesPerS, 50e9), hopLatencyS: fig(L.latencyS, 5e-6) },
      power: { idleW: s(L.powerW.min), maxW: fig(L.powerW, 700) },
      price: { usdPerChipHour: fig(L.usdPerChipHour, 2), asOf: '2026-01-01' },
      efficiency: { flop: fig(L.fraction, 0.5), memory: fig(L.fraction, 0.8), network: fig(L.fraction, 0.7), layerOverheadS: fig(L.latencyS, 5e-6) },
    };
  }

  function modelAt(next: () => number): ModelSpec {
    const M = MODEL_LIMITS;
    const heads = corner(next, 1, 64, M.heads);
    const layers = corner(next, 1, 80, M.layers);
    const moe = next() < 0.5
      ? { experts: corner(next, 1, 256, M.experts), activeExperts: 1, sharedExperts: corner(next, 0, 1, M.experts), expertHiddenSize: corner(next, 1, 2048, M.ffnHiddenSize), denseLayers: 0 }
      : undefined;
    return {
      ...llama70b,
      layers,
      hiddenSize: corner(next, 1, 8192, M.hiddenSize),
      heads,
      kvHeads: next() < 0.5 ? 1 : heads,
      headDim: corner(next, 1, 128, M.headDim),
      ffnHiddenSize: corner(next, 0, 28672, M.ffnHiddenSize),
      vocabSize: corner(next, 1, 128256, M.vocabSize),
      ...(moe === undefined ? {} : { moe }),
      ...(next() < 0.3 ? { slidingWindow: { windowTokens: corner(next, 1, 4096, M.windowTokens), windowedLayers: layers } } : {}),
    };
  }

  // Infeasible results carry NaN figures by design (docs/MODEL.md §5); feasible ones must be finite.
  test('inference and training at random corners of the limits: every feasible figure finite', () => {
    const W = WORKLOAD_LIMITS;
    const next = random(13);
    let feasible = 0;
    for (let i = 0; i < 300; i++) {
      const model = modelAt(next);
      const chip = chipAt(next);
      const tp = corner(next, 1, 8, 1);
      const config: InferenceConfig = {
        model,
        chip,
        chips: tp,
        parallelism: { tp, pp: 1, ep: model.moe !== undefined && next() < 0.5 ? tp : 1 },
        batch: corner(next, 1, 64, W.batch),
        inputTokens: corner(next, 1, 2048, W.tokens),
        outputTokens: corner(next, 1, 256, W.tokens),
        precision: bf16,
        moeImbalance: corner(next, 1, 1.11, W.moeImbalance),
        usdPerChipHour: corner(next, 0, 2, W.usdPerChipHour),
        chunkTokens: corner(next, 1, 8192, W.tokens),
        schedule: next() < 0.5 ? 'continuous' : 'static',
      };
      const inference = estimateInference(config);
      if (inference.feasible) {
        expect(nonFinite(inference), `inference corner ${i}`).toEqual([]);
        feasible++;
      }
      const trainingResult = estimateTraining({
        model,
        chip,
        chips: tp,
        parallelism: { dp: 1, tp, pp: 1, cp: 1, ep: 1 },
        sequenceLength: corner(next, 1, 4096, W.tokens),
        globalBatch: 1,
        microBatch: 1,
        totalTokens: corner(next, 1, 1e12, W.totalTokens),
        optimizerBytesPerParam: corner(next, 0, 12, W.optimizerBytesPerParam),
        usdPerChipHour: corner(next, 0, 2, W.usdPerChipHour),
      });
      if (trainingResult.feasible) {
        expect(nonFinite(trainingResult), `training corner ${i}`).toEqual([]);
        feasible++;
      }
    }
    expect(feasible).toBeGreaterThan(40);
  });
});
