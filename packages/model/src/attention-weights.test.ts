import { describe, expect, test } from 'vitest';
import { attentionComputePrecision, estimateInference } from './inference.ts';
import { weightBytes } from './layout.ts';
import { feasible, infeasible, llama70bOn8, roomyGpu, testTpu } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// Llama 3.1 70B sharded 8 ways (d 8192, h 64, h_kv 8, d_h 128, f 28672, V 128256, 80 layers), as in inference.test.ts.
const qkvPerChip = 8192 * 128 * (64 / 8 + 2 * (8 / 8)); // 10,485,760
const outPerChip = (64 / 8) * 128 * 8192; // 8,388,608
const ffnPerChip = (3 * 8192 * 28672) / 8; // 88,080,384
const headPerChip = (128256 * 8192) / 8; // embedding and LM head, vocabulary-parallel

const fp8: InferenceConfig = {
  ...llama70bOn8,
  chip: roomyGpu,
  schedule: 'static',
  precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
};
// FP8 everywhere but the attention block's projections, held at BF16 (an FP4/FP8 checkpoint's wider attention)
const bf16Attention: InferenceConfig = { ...fp8, precision: { ...fp8.precision, attentionWeights: 'bf16' } };

describe('attention weights at their own precision (docs/MODEL.md §1.2)', () => {
  test('the attention block computes at the wider of its weights and the activations', () => {
    expect(attentionComputePrecision({ weights: 'fp4', kvCache: 'fp8', activations: 'fp4', attentionWeights: 'fp8' })).toBe('fp8');
    expect(attentionComputePrecision({ weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'fp4' })).toBe('fp8');
    // absent: the model's weights
    expect(attentionComputePrecision({ weights: 'fp4', kvCache: 'fp8', activations: 'fp4' })).toBe('fp4');
  });

  test('weights per chip: the attention projections at 2 bytes, the rest at 1', () => {
    const r = feasible(estimateInference(bf16Attention));
    const attention = 80 * (qkvPerChip + outPerChip) * 2; // 3.02e9 B
    const rest = (80 * ffnPerChip + 2 * headPerChip) * 1; // 7.31e9 B
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(attention + rest, 0);
    expect(r.inputs.attentionComputePrecision).toBe('bf16');
    expect(r.inputs.computePrecision).toBe('fp8');
  });

  test('weightBytes: the attention share at its precision, and the one-precision product when it is absent or the same', () => {
    expect(weightBytes(100, 30, { weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'bf16' })).toBe(70 * 0.5 + 30 * 2);
    expect(weightBytes(100, 30, { weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'fp4' })).toBe(100 * 0.5);
    expect(weightBytes(100, 30, { weights: 'fp4', kvCache: 'fp8', activations: 'fp8' })).toBe(100 * 0.5);
    // another precision of the same width is the same product, not a sum that may differ in its last bit
    expect(weightBytes(0.1, 0.07, { weights: 'fp8', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'int8' })).toBe(0.1 * 1);
  });

  test('decode streams the projections at their width; the FFN is unchanged', () => {
    const one = feasible(estimateInference(fp8));
    const wide = feasible(estimateInference(bf16Attention));
    const op = (r: typeof one, name: string) => r.decode.operators.find((o) => o.name === name)!;
    // batch 1: qkv_proj reads 80 layers of its shard, 1 extra byte per weight at BF16
    expect(op(wide, 'qkv_proj').bytes - op(one, 'qkv_proj').bytes).toBeCloseTo(80 * qkvPerChip * (2 - 1), 0);
    expect(op(wide, 'out_proj').bytes - op(one, 'out_proj').bytes).toBeCloseTo(80 * outPerChip * (2 - 1), 0);
    expect(op(wide, 'ffn')).toEqual(op(one, 'ffn'));
  });

  test('prefill: the projections and attention run at the BF16 peak (989 TFLOP/s), the FFN at FP8 (1979)', () => {
    const wide = feasible(estimateInference({ ...bf16Attention, batch: 8, inputTokens: 8192, outputTokens: 1 }));
    const op = (name: string) => wide.prefill.operators.find((o) => o.name === name)!;
    // 65,536 prompt tokens: every GEMM here is compute-bound at η_flop 0.5 (the fixture's)
    const qkv = op('qkv_proj');
    expect(qkv.bound).toBe('compute');
    expect(qkv.timeS).toBeCloseTo(qkv.flops / (989e12 * 0.5), 12);
    const attention = op('attention');
    expect(attention.timeS).toBeCloseTo(Math.max(attention.flops / (989e12 * 0.5), attention.bytes / (3.35e12 * 0.8)), 12);
    const ffn = op('ffn');
    expect(ffn.bound).toBe('compute');
    expect(ffn.timeS).toBeCloseTo(ffn.flops / (1979e12 * 0.5), 12);
  });

  test('attention weights equal to the weights change nothing, bit for bit', () => {
    const same = feasible(estimateInference({ ...fp8, precision: { ...fp8.precision, attentionWeights: 'fp8' } }));
    const absent = feasible(estimateInference(fp8));
    expect({ ...same, inputs: { ...same.inputs, precision: absent.inputs.precision } }).toEqual(absent);
  });

  test('a chip without the attention block’s compute precision is infeasible, naming it', () => {
    // the TPU fixture computes bf16 and int8 only; FP32 attention weights compute at fp32
    const r = infeasible(
      estimateInference({ ...fp8, chip: testTpu, chips: 64, parallelism: { tp: 64, pp: 1, ep: 1 }, precision: { weights: 'int8', kvCache: 'bf16', activations: 'int8', attentionWeights: 'fp32' } }),
    );
    expect(r.reason).toBe('precision_unsupported');
    expect(r.explanation).toContain('no fp32 compute rate for the attention block');
  });
});
