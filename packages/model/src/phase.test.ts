import { describe, expect, test } from 'vitest';
import { estimateInference } from './inference.ts';
import { shardLayout, slowestStageLayers } from './layout.ts';
import { collectiveBytes, stageCost, type PhaseContext } from './phase.ts';
import { deepseekV3, llama70b, mixtral, testGpu, testPhaseContext, feasible } from './test-fixtures.ts';

// Llama 3.1 70B at TP 8 on the test GPU (450 GB/s links, η_net 1, no hop latency), bf16, decode.
const ctx: PhaseContext = testPhaseContext(llama70b);

describe('two-batch overlap: two micro-batches, each reading the weights, one hiding the other\'s communication', () => {
  test('the stage is two half-batch stages, its collectives hidden behind all of their operators', () => {
    const half = stageCost(ctx, 'decode', 32, 2048, 32);
    const two = stageCost({ ...ctx, microBatches: 2 }, 'decode', 64, 2048, 64);
    // every operator twice at 32 tokens: the weights are read twice
    expect(two.computeBoundS + two.memoryBoundS).toBeCloseTo(2 * (half.computeBoundS + half.memoryBoundS), 15);
    expect(two.bytes).toBeCloseTo(2 * half.bytes, 0);
    expect(two.flops).toBeCloseTo(2 * half.flops, 0);
    // both micro-batches' all-reduces, each of 32 tokens' activations; every layer launched twice
    expect(two.commS).toBeCloseTo(2 * half.commS, 15);
    expect(two.overheadS).toBeCloseTo(2 * half.overheadS, 15);
    // overlap 1: exposed = max(0, communication − operators)
    expect(two.networkS).toBe(Math.max(0, two.commS - (two.computeBoundS + two.memoryBoundS)));
    expect(two.timeS).toBeCloseTo(two.computeBoundS + two.memoryBoundS + two.networkS + two.overheadS, 15);
  });

  test('memory-bound decode pays for the second weight read; communication-heavy EP decode gains', () => {
    const base = {
      model: deepseekV3,
      chip: { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: 1e12, source: 'test' } } },
      chips: 16,
      parallelism: { tp: 16, pp: 1, ep: 16 },
      batch: 256,
      inputTokens: 1024,
      outputTokens: 1024,
      precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
      attentionSharding: 'dp',
    } as const;
    const plain = feasible(estimateInference(base));
    const overlapped = feasible(estimateInference({ ...base, twoBatchOverlap: true }));
    expect(overlapped.inputs.twoBatchOverlap).toBe(true);
    expect(overlapped.decode.networkS).toBeLessThan(plain.decode.networkS);
    expect(overlapped.decode.memoryBoundS + overlapped.decode.computeBoundS).toBeGreaterThan(plain.decode.memoryBoundS + plain.decode.computeBoundS);
  });
});

describe('η_flop per compute precision (efficiency.flopByPrecision)', () => {
  test('an FP8 matmul runs at the FP8 peak × the FP8 η_flop; BF16 keeps the default', () => {
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const base = { model: llama70b, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 8, inputTokens: 2048, outputTokens: 128, schedule: 'static' } as const;
    const plain = feasible(estimateInference({ ...base, chip: testGpu, precision: fp8 }));
    // the test GPU's η_flop is 0.5; at FP8 a quarter instead: every compute-bound operator takes twice as long
    const slowFp8 = { ...testGpu, efficiency: { ...testGpu.efficiency, flopByPrecision: { fp8: { value: 0.25, source: 'test' } } } };
    const slow = feasible(estimateInference({ ...base, chip: slowFp8, precision: fp8 }));
    expect(slow.prefill.computeBoundS).toBeCloseTo(2 * plain.prefill.computeBoundS, 12);
    expect(slow.inputs.efficiencies.flop?.value).toBe(0.25);
    // bf16 has no entry: the default η_flop, unchanged
    const bf16 = { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } as const;
    expect(feasible(estimateInference({ ...base, chip: slowFp8, precision: bf16 })).ttftS).toBe(feasible(estimateInference({ ...base, chip: testGpu, precision: bf16 })).ttftS);
  });
});

describe("the routed experts' η_flop (efficiency.expertFlop, docs/MODEL.md §2)", () => {
  test('the experts operator runs at expertFlop, every other matmul at flop', () => {
    const s = (value: number) => ({ value, source: 'test' });
    const chip = { ...testGpu, efficiency: { ...testGpu.efficiency, flop: s(0.5), expertFlop: s(0.1) } };
    const moeCtx: PhaseContext = { ...ctx, model: mixtral, chip, layout: shardLayout(mixtral, 8, 1), stage: slowestStageLayers(mixtral, 1) };
    // 4,096 prefill tokens: every matmul compute-bound
    const stage = stageCost(moeCtx, 'prefill', 4096, 4096, 1);
    const op = (name: string) => stage.operators.find((o) => o.name === name)!;
    const experts = op('experts');
    expect(experts.bound).toBe('compute');
    // t = W / (F · η): the stage's repeated row carries 32 layers of it
    expect(experts.timeS).toBeCloseTo(experts.flops / (989e12 * 0.1), 12);
    const ffnLike = op('qkv_proj');
    expect(ffnLike.bound).toBe('compute');
    expect(ffnLike.timeS).toBeCloseTo(ffnLike.flops / (989e12 * 0.5), 12);
    // without expertFlop the experts run at flop: five times faster here
    const { expertFlop: _expertFlop, ...withoutExpertFlop } = chip.efficiency;
    const plain = stageCost({ ...moeCtx, chip: { ...chip, efficiency: withoutExpertFlop } }, 'prefill', 4096, 4096, 1);
    expect(plain.operators.find((o) => o.name === 'experts')!.timeS).toBeCloseTo(experts.timeS / 5, 12);
  });
});

describe("η_mem of contiguous weight reads (efficiency.weightMemory, docs/MODEL.md §2)", () => {
  const s = (value: number) => ({ value, source: 'test' });
  const chip = { ...testGpu, efficiency: { ...testGpu.efficiency, memory: s(0.5), weightMemory: s(0.9) } };

  test('a dense GEMM streams its weights at weightMemory; attention reads the KV cache at memory', () => {
    // Llama 3.1 70B over TP 8, decode of 8 sequences at 2,048 cached tokens, bf16: memory-bound
    const stage = stageCost({ ...ctx, chip }, 'decode', 8, 2048, 8);
    const op = (name: string) => stage.operators.find((o) => o.name === name)!;
    const qkv = op('qkv_proj');
    expect(qkv.bound).toBe('memory');
    // q, k, v: 8192 × (64 + 2·8)·128 = 83,886,080 weights, 1/8 per chip at 2 B; the 8 tokens'
    // 8192 inputs and 10240/8 = 1280 outputs at 2 B; 80 layers
    const qkvBytes = 80 * ((83_886_080 / 8) * 2 + 8 * (8192 + 1280) * 2);
    expect(qkv.bytes).toBe(qkvBytes);
    expect(qkv.timeS).toBeCloseTo(qkvBytes / (3.35e12 * 0.9), 15);
    const attention = op('attention');
    expect(attention.bound).toBe('memory');
    expect(attention.timeS).toBeCloseTo(attention.bytes / (3.35e12 * 0.5), 15);
    // without weightMemory every read runs at memory: the weights 0.9/0.5 = 1.8 times slower
    const { weightMemory: _weightMemory, ...withoutWeightMemory } = chip.efficiency;
    const plain = stageCost({ ...ctx, chip: { ...chip, efficiency: withoutWeightMemory } }, 'decode', 8, 2048, 8);
    expect(plain.operators.find((o) => o.name === 'qkv_proj')!.timeS).toBeCloseTo(qkv.timeS * 1.8, 15);
    expect(plain.operators.find((o) => o.name === 'attention')!.timeS).toBe(attention.timeS);
  });

  test("the routed experts' weights are gathered (memory); the router and shared experts stream (weightMemory)", () => {
    const moeCtx: PhaseContext = { ...ctx, model: mixtral, chip, layout: shardLayout(mixtral, 8, 1), stage: slowestStageLayers(mixtral, 1) };
    const stage = stageCost(moeCtx, 'decode', 4, 1024, 4);
    const op = (name: string) => stage.operators.find((o) => o.name === name)!;
    expect(op('experts').bound).toBe('memory');
    expect(op('experts').timeS).toBeCloseTo(op('experts').bytes / (3.35e12 * 0.5), 15);
    expect(op('out_proj').timeS).toBeCloseTo(op('out_proj').bytes / (3.35e12 * 0.9), 15);
  });

  test('estimateInference reports both, and the weight floor stays a floor', () => {
    const base = { model: llama70b, chip, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 1, inputTokens: 128, outputTokens: 16, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' }, schedule: 'static' } as const;
    const r = feasible(estimateInference(base));
    expect(r.inputs.efficiencies.weightMemory.value).toBe(0.9);
    expect(r.inputs.efficiencies.memory.value).toBe(0.5);
    expect(r.explanation).toContain('η_mem 0.9 (dense weights) or 0.5 (KV cache, routed experts)');
    // the floor streams the weights at the faster η_mem, 0.9: no decode step can beat it
    const floorMs = Number(/a floor of ([0-9.]+) ms/.exec(r.explanation)?.[1]);
    expect(floorMs).toBeGreaterThan(0);
    expect(floorMs).toBeLessThanOrEqual(r.tpotS * 1e3);
  });
});

describe('collectives carry the hidden state at 16 bits (docs/MODEL.md §3)', () => {
  test('an FP8 configuration all-reduces the same bytes as a BF16 one; FP32 keeps its 4 bytes', () => {
    expect([collectiveBytes(0.5), collectiveBytes(1), collectiveBytes(2), collectiveBytes(4)]).toEqual([2, 2, 2, 4]);
    const fp8 = stageCost({ ...ctx, precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' }, peakFlopsPerS: 1979e12 }, 'decode', 32, 2048, 32);
    const bf16 = stageCost(ctx, 'decode', 32, 2048, 32);
    // 80 layers × 2 all-reduces of 32 · 8192 · 2 B over TP 8: 2·(7/8)·m/450e9 each (no hop latency)
    const m = 32 * 8192 * 2;
    expect(bf16.commS).toBeCloseTo(160 * 2 * (7 / 8) * (m / 450e9), 15);
    expect(fp8.commS).toBe(bf16.commS);
  });
});
