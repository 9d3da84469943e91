// Fixtures for this package's tests only (not exported, not built): round efficiencies so the
// tests can write their arithmetic out by hand.
import type { ChipSpec } from '@ridgeline/hardware';
import { shardLayout, slowestStageLayers } from './layout.ts';
import type { PhaseContext } from './phase.ts';
import type { InferenceConfig, InferenceResult, ModelSpec, TrainingResult } from './types.ts';

const s = (value: number): { value: number; source: string } => ({ value, source: 'test fixture' });

/** H100-SXM-like: 989e12 bf16, 80 GB at 3.35e12 B/s, 450e9 B/s NVLink per direction, 8-way switch. */
export const testGpu: ChipSpec = {
  id: 'test-gpu',
  name: 'Test GPU',
  vendor: 'Test',
  kind: 'gpu',
  compute: { peakDenseFlopsPerS: { bf16: s(989e12), fp16: s(989e12), fp8: s(1979e12), int8: s(1979e12) } },
  memory: { kind: 'hbm', capacityBytes: s(80e9), bandwidthBytesPerS: s(3.35e12), usableFraction: s(0.9) },
  scaleUp: { bandwidthBytesPerS: s(450e9), domainSize: s(8), topology: 'switch', hopLatencyS: s(0) },
  scaleOut: { bandwidthBytesPerS: s(50e9), hopLatencyS: s(0) },
  power: { idleW: s(100), maxW: s(700) },
  price: { usdPerChipHour: s(4), asOf: '2026-11-01' },
  efficiency: { flop: s(0.5), memory: s(0.8), network: s(1), layerOverheadS: s(0) },
};

/** A TPU-v4-like 3D-torus chip. */
export const testTpu: ChipSpec = {
  ...testGpu,
  id: 'test-tpu',
  name: 'Test TPU',
  kind: 'tpu',
  compute: { peakDenseFlopsPerS: { bf16: s(275e12), int8: s(275e12) } },
  memory: { kind: 'hbm', capacityBytes: s(32 * 2 ** 30), bandwidthBytesPerS: s(1.2e12), usableFraction: s(0.9) },
  scaleUp: { bandwidthBytesPerS: s(2.7e11), domainSize: s(4096), topology: 'torus3d', hopLatencyS: s(1e-6) },
};

/** A GroqChip-like SRAM-only chip: 230 MB at 80 TB/s. */
export const testLpu: ChipSpec = {
  ...testGpu,
  id: 'test-lpu',
  name: 'Test LPU',
  kind: 'lpu',
  compute: { peakDenseFlopsPerS: { fp16: s(188e12), bf16: s(188e12), int8: s(750e12) } },
  memory: { kind: 'sram', capacityBytes: s(230e6), bandwidthBytesPerS: s(80e12), usableFraction: s(1) },
  scaleUp: { bandwidthBytesPerS: s(100e9), domainSize: s(10000), topology: 'switch', hopLatencyS: s(0) },
};

/** Llama 3.1 70B (config.json). */
export const llama70b: ModelSpec = {
  id: 'llama-3.1-70b',
  name: 'Llama 3.1 70B',
  layers: 80,
  hiddenSize: 8192,
  heads: 64,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 28672,
  gatedFfn: true,
  vocabSize: 128256,
  tiedEmbeddings: false,
  published: { totalParams: 70.6e9, source: 'model card' },
  source: 'meta-llama/Llama-3.1-70B config.json',
};

/** Mixtral 8x7B (config.json). */
export const mixtral: ModelSpec = {
  id: 'mixtral-8x7b',
  name: 'Mixtral 8x7B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 14336,
  gatedFfn: true,
  vocabSize: 32000,
  tiedEmbeddings: false,
  moe: { experts: 8, activeExperts: 2, sharedExperts: 0, expertHiddenSize: 14336, denseLayers: 0 },
  source: 'mistralai/Mixtral-8x7B-v0.1 config.json',
};

/** DeepSeek-V3 (config.json). */
export const deepseekV3: ModelSpec = {
  id: 'deepseek-v3',
  name: 'DeepSeek-V3',
  layers: 61,
  hiddenSize: 7168,
  heads: 128,
  kvHeads: 128,
  headDim: 128,
  ffnHiddenSize: 18432,
  gatedFfn: true,
  vocabSize: 129280,
  tiedEmbeddings: false,
  moe: { experts: 256, activeExperts: 8, sharedExperts: 1, expertHiddenSize: 2048, denseLayers: 3 },
  mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
  source: 'deepseek-ai/DeepSeek-V3 config.json',
};

/** The test GPU with 1 TB of memory, so capacity never binds in hand-derived tests. */
export const roomyGpu: ChipSpec = { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: 1e12, source: 'test' } } };

/** BF16 weights, KV cache and activations. */
export const bf16 = { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } as const;

/** Llama 70B on 8 test GPUs at TP 8, one sequence of 2,048 in and 256 out, all BF16: the tests' base configuration. */
export const llama70bOn8: InferenceConfig = {
  model: llama70b,
  chip: testGpu,
  chips: 8,
  parallelism: { tp: 8, pp: 1, ep: 1 },
  batch: 1,
  inputTokens: 2048,
  outputTokens: 256,
  precision: bf16,
};

/**
 * Llama 3.1 70B's shapes and the test GPU's roofline, for tests that derive times by hand (TP 1,
 * bf16): F = 989 TFLOP/s × η_flop 0.5, BW = 3.35 TB/s × η_mem 0.8; per-layer parameters of the
 * QKV, output and FFN projections, the LM head, activation widths and KV elements per token.
 */
export const llamaByHand: {
  readonly F: number;
  readonly BW: number;
  readonly d: number;
  readonly qkv: number;
  readonly out: number;
  readonly ffn: number;
  readonly head: number;
  readonly qkvWidth: number;
  readonly attnWidth: number;
  readonly kvPerToken: number;
  readonly roofline: (flops: number, bytes: number) => number;
} = {
  F: 989e12 * 0.5,
  BW: 3.35e12 * 0.8,
  d: 8192,
  qkv: 8192 * 128 * (64 + 2 * 8),
  out: 64 * 128 * 8192,
  ffn: 3 * 8192 * 28672,
  head: 128256 * 8192,
  qkvWidth: (64 + 16) * 128,
  attnWidth: 64 * 128,
  kvPerToken: 2 * 8 * 128,
  /** One operator's roofline time on the test GPU. */
  roofline: (flops: number, bytes: number): number => Math.max(flops / (989e12 * 0.5), bytes / (3.35e12 * 0.8)),
};

/**
 * The result, narrowed to feasible; fails the test with the reason otherwise, so a test that reads
 * figures says why there are none.
 */
export function feasible<R extends InferenceResult | TrainingResult>(result: R): Extract<R, { readonly feasible: true }> {
  if (!result.feasible) throw new Error(`expected a feasible result, got ${result.reason}: ${result.explanation}`);
  return result as Extract<R, { readonly feasible: true }>;
}

/** The result, narrowed to infeasible; fails the test otherwise. */
export function infeasible<R extends InferenceResult | TrainingResult>(result: R): Extract<R, { readonly feasible: false }> {
  if (result.feasible) throw new Error(`expected an infeasible result, got a feasible one: ${result.explanation}`);
  return result as Extract<R, { readonly feasible: false }>;
}

/** A decode or prefill phase context of `model` at TP 8 (one stage unless `pp` says), on the test GPU in bf16 unless overridden. */
export function testPhaseContext(model: ModelSpec, overrides: Partial<PhaseContext> & { readonly pp?: number } = {}): PhaseContext {
  const pp = overrides.pp ?? 1;
  return {
    model,
    chip: testGpu,
    layout: shardLayout(model, 8, 1),
    stage: slowestStageLayers(model, pp),
    tp: 8,
    pp,
    ep: 1,
    dp: 1,
    precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    peakFlopsPerS: 989e12,
    commOverlap: { prefill: 0, decode: 0 },
    moeImbalance: 1,
    attentionSharding: 'heads',
    attentionImbalance: 1,
    ...overrides,
  };
}
