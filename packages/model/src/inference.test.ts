import { describe, expect, test } from 'vitest';
import { estimateInference } from './inference.ts';
import { InputError } from './errors.ts';
import { expectedMaxStandardNormal, shardLayout } from './layout.ts';
import { deepseekV3, llama70b, mixtral, testGpu, testLpu, feasible, infeasible, llama70bOn8 } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

const base: InferenceConfig = {
  ...llama70bOn8,
  // The hand derivations below are of a static batch; continuous batching has its own section.
  schedule: 'static',
};

// Llama 3.1 70B sharded 8 ways (d 8192, h 64, h_kv 8, d_h 128, f 28672, V 128256, 80 layers):
const qkvPerChip = 8192 * 128 * (64 / 8 + 2 * (8 / 8)); // 10,485,760
const outPerChip = (64 / 8) * 128 * 8192; // 8,388,608
const ffnPerChip = (3 * 8192 * 28672) / 8; // 88,080,384
const layerParamsPerChip = qkvPerChip + outPerChip + ffnPerChip;
const headPerChip = (128256 * 8192) / 8; // embedding and LM head, vocabulary-parallel
const weightBytesPerChip = (80 * layerParamsPerChip + 2 * headPerChip) * 2; // ≈ 17.64e9 held
// A decode step reads the layers and the LM head; the embedding table is only gathered (B·d).
const weightBytesReadPerStep = (80 * layerParamsPerChip + headPerChip) * 2;
const roomyGpu = { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: 1e12, source: 'test' } } };

describe('decode', () => {
  test('batch-1 decode of 70B bf16 on 8 chips sits on the weight-streaming floor', () => {
    const r = feasible(estimateInference(base));
    // TPOT ≥ 141 GB / (8 · 3.35 TB/s · η_mem), η_mem = 0.8 in the fixture.
    const floorS = weightBytesReadPerStep / (3.35e12 * 0.8);
    expect(weightBytesPerChip).toBeCloseTo(17.638e9, -7);
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(weightBytesPerChip, 0);
    expect(r.feasible).toBe(true);
    expect(r.tpotS).toBeGreaterThan(floorS);
    // KV (2177 tokens · 80 layers · 256 elements · 2 B ≈ 89 MB) and tiny all-reduces add < 2%.
    expect(r.tpotS).toBeLessThan(floorS * 1.02);
    expect(r.bound.decode).toBe('memory');
    expect(r.tokensPerSPerUser).toBeCloseTo(1 / r.tpotS, 12);
  });

  test('decode KV traffic is B·c·L·2·h_kv,chip·d_h·bytes, c = S_in + S_out/2', () => {
    const r = feasible(estimateInference({ ...base, batch: 16 }));
    const attention = r.decode.operators.find((o) => o.name === 'attention')!;
    const c = 2048 + 256 / 2;
    const kvRead = 16 * (c + 1) * 80 * (2 * 1 * 128) * 2; // read c cached tokens, write one
    const activations = 16 * 80 * ((8 + 2) * 128 + 8 * 128) * 2; // q,k,v in and context out
    expect(attention.bytes).toBeCloseTo(kvRead + activations, 0);
    // attention core FLOPs: 2·h_chip·(d_qk + d_v)·c per token per layer
    expect(attention.flops).toBeCloseTo(2 * 8 * (128 + 128) * c * 16 * 80, 0);
  });

  test('PP splits the batch into pp micro-batches: TPOT = pp · (t_stage(B/pp) + send)', () => {
    const r = feasible(estimateInference({ ...base, chips: 16, parallelism: { tp: 8, pp: 2, ep: 1 }, batch: 32 }));
    // pipeline send of B/pp = 16 tokens · 8192 · 2 B over NVLink (16 chips > domain 8 → scale-out 50 GB/s)
    const sendS = (16 * 8192 * 2) / 50e9;
    expect(r.tpotS).toBeCloseTo(2 * (r.decode.computeBoundS + r.decode.memoryBoundS + r.decode.networkS + sendS), 12);
    expect(r.inputs.parallelism.dp).toBe(1);
  });

  test('PP need not divide L: the slowest stage holds ⌈L/p⌉ layers (80 over 3 → 27)', () => {
    const r = feasible(estimateInference({ ...base, chips: 24, parallelism: { tp: 8, pp: 3, ep: 1 }, batch: 6 }));
    expect(r.feasible).toBe(true);
    // 27 layers and the LM head on the fullest chip; the embedding sits on the first stage
    expect(r.memoryPerChipBytes.weights).toBeCloseTo((27 * layerParamsPerChip + headPerChip) * 2, 0);
    // KV of 27 layers: 6 sequences · (2048 + 256) tokens · 27 · 2·1·128 · 2 B
    expect(r.memoryPerChipBytes.kvCache).toBeCloseTo(6 * 2304 * 27 * 256 * 2, 0);
    const qkv = r.decode.operators.find((o) => o.name === 'qkv_proj')!;
    // each of the 3 micro-batches of 2 tokens reads 27 layers' projections
    expect(qkv.bytes).toBeCloseTo(27 * (qkvPerChip * 2 + 2 * (8192 + 10 * 128) * 2), 0);
  });

  test('DeepSeek-V3 pipelines over 4 stages: 16 layers, all of them MoE, on the slowest', () => {
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const r = feasible(estimateInference({ ...base, model: deepseekV3, chips: 32, parallelism: { tp: 8, pp: 4, ep: 1 }, batch: 8, precision: fp8 }));
    expect(r.feasible).toBe(true);
    // ⌈61/4⌉ = 16 layers; the 3 dense layers lead, so stages 2–3 hold 16 MoE layers each
    const l = shardLayout(deepseekV3, 8, 1);
    const moeLayer = l.qkvParamsPerChip + l.outParamsPerChip + 256 * l.expertParamsPerChip + l.sharedExpertParamsPerChip + l.routerParamsPerChip;
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(16 * moeLayer + l.lmHeadParamsPerChip, 0);
    expect(r.decode.operators.find((o) => o.name === 'ffn')).toBeUndefined();
    expect(r.decode.operators.find((o) => o.name === 'experts')!.flops).toBeGreaterThan(0);
  });

  test('throughput, cost, power and energy follow MODEL.md §4', () => {
    const r = feasible(estimateInference({ ...base, chips: 16, batch: 64 }));
    expect(r.inputs.parallelism.dp).toBe(2);
    expect(r.tokensPerS).toBeCloseTo((2 * 64) / r.tpotS, 9);
    expect(r.tokensPerSPerChip).toBeCloseTo(r.tokensPerS / 16, 9);
    // $/Mtok = N · price / 3600 / tokens_per_s · 1e6, price $4/h in the fixture
    expect(r.costPerMillionTokensUsd).toBeCloseTo(((16 * 4) / 3600 / r.tokensPerS) * 1e6, 9);
    // memory-bound: u = MBU, P = 100 + (700 − 100)·u
    expect(r.powerPerChipW).toBeCloseTo(100 + 600 * r.mbu.decode, 9);
    // energy per token = N_replica · P · TPOT / B
    expect(r.energyPerTokenJ).toBeCloseTo((8 * r.powerPerChipW * r.tpotS) / 64, 12);
    // MFU = 2·N_active·B/TPOT / (8 · 989e12)
    expect(r.mfu.decode).toBeCloseTo((2 * r.inputs.params.active * 64) / r.tpotS / (8 * 989e12), 12);
  });
});

describe('batch-sharded attention (Pope et al. 2022 §3.3)', () => {
  // a multi-query model: one KV head, which head-sharding must replicate on all 8 chips
  const mqa = { ...llama70b, kvHeads: 1 };
  const config = { ...base, model: mqa, batch: 64 };
  test('each chip reads the KV of B/TP sequences instead of a full replica', () => {
    const heads = feasible(estimateInference(config));
    const batch = feasible(estimateInference({ ...config, attentionSharding: 'batch' }));
    const c = 2048 + 256 / 2;
    const kvReadByBatch = (64 / 8) * (c + 1) * 80 * (2 * 1 * 128) * 2;
    const kvReadByHeads = 64 * (c + 1) * 80 * (2 * 1 * 128) * 2;
    const acts = 64 * 80 * ((8 + 2) * 128 + 8 * 128) * 2;
    expect(batch.decode.operators.find((o) => o.name === 'attention')!.bytes).toBeCloseTo(kvReadByBatch + acts, 0);
    expect(heads.decode.operators.find((o) => o.name === 'attention')!.bytes).toBeCloseTo(kvReadByHeads + acts, 0);
    // KV memory at the end of generation: B/TP sequences · (S_in + S_out) · L · 2·d_h · 2 B
    expect(batch.memoryPerChipBytes.kvCache).toBeCloseTo((64 / 8) * 2304 * 80 * 256 * 2, 0);
    expect(batch.tpotS).toBeLessThan(heads.tpotS);
    expect(batch.inputs.attentionSharding).toBe('batch');
  });
});

describe('data-parallel attention', () => {
  // Llama 3.1 70B on 8 chips, attention data-parallel over them: each chip runs all 64 heads for its
  // own sequences. B = 20 does not divide by 8: the busiest chip holds ⌈20/8⌉ = 3 sequences, the
  // mean 2.5 times u = 3/2.5 = 1.2.
  const dp: InferenceConfig = { ...base, batch: 20, attentionSharding: 'dp' };
  const qkvFull = 8192 * 128 * (64 + 2 * 8); // 83,886,080: every head's projections on every chip
  const outFull = 64 * 128 * 8192; // 67,108,864
  const attentionWeightBytes = 80 * (qkvFull + outFull) * 2; // 24.16 GB, 8× the heads layout's share

  test('a decode step: attention on the chip\'s 3 sequences with all weights, the FFN on all 20 tokens', () => {
    const r = feasible(estimateInference(dp));
    expect(r.feasible).toBe(true);
    const op = (name: string) => r.decode.operators.find((o) => o.name === name)!;
    const c = 2048 + 256 / 2;
    // qkv_proj: 3 tokens through the full projections, read once per layer
    expect(op('qkv_proj').flops).toBeCloseTo(80 * 2 * 3 * qkvFull, 0);
    expect(op('qkv_proj').bytes).toBeCloseTo(80 * (qkvFull * 2 + 3 * (8192 + 80 * 128) * 2), 0);
    // attention: 64 heads over the chip's 3 sequences, reading their KV of all 8 KV heads (2·8·128 elements)
    expect(op('attention').flops).toBeCloseTo(80 * 2 * 64 * 256 * c * 3, 0);
    expect(op('attention').bytes).toBeCloseTo(80 * (3 * (c + 1) * 2048 * 2 + 3 * (80 * 128 + 64 * 128) * 2), 0);
    expect(op('out_proj').bytes).toBeCloseTo(80 * (outFull * 2 + 3 * (64 * 128 + 8192) * 2), 0);
    // so each step reads the replicated attention weights, 80·(qkvFull + outFull)·2 B = 24.2 GB, 8× the heads layout's
    // ffn: sharded over TP 8 as with heads, on all 20 tokens of the group
    expect(op('ffn').flops).toBeCloseTo(80 * 2 * 20 * ffnPerChip, 0);
    expect(op('ffn').bytes).toBeCloseTo(80 * (ffnPerChip * 2 + 20 * (2 * 8192 + (2 * 28672) / 8) * 2), 0);
    // Per layer an all-gather before the FFN and a reduce-scatter after, each of 8 parts of the
    // busiest chip's 3 tokens: m = 8·3·8192·2 B, (7/8)·m/450e9; one more all-gather before the LM
    // head (its 20 logit tokens, 3 on the busiest chip). Decode hides none of it.
    const gather = (7 / 8) * ((8 * 3 * 8192 * 2) / 450e9);
    expect(r.decode.commS).toBeCloseTo((80 * 2 + 1) * gather, 15);
    expect(r.decode.networkS).toBeCloseTo(r.decode.commS, 15);
    expect(r.inputs.attentionSharding).toBe('dp');
  });

  test('memory: all attention weights, the KV cache of 3 sequences with every KV head, a workspace for the gathered FFN', () => {
    const m = feasible(estimateInference(dp)).memoryPerChipBytes;
    expect(m.weights).toBeCloseTo(attentionWeightBytes + 80 * ffnPerChip * 2 + 2 * headPerChip * 2, 0);
    // ⌈20/8⌉ = 3 sequences · (2048 + 256) tokens · 80 layers · 2·8·128 elements · 2 B
    expect(m.kvCache).toBeCloseTo(3 * 2304 * 80 * 2048 * 2, 0);
    // The static prefill's chunk: min(20·2048, 8192) = 8192 tokens, the chip's own (8192/8)·1.2 = 1228.8
    // through attention (d + 80·128 wide), all 8 parts of it, 9830.4, through the FFN (d + 2·28672/8 wide):
    // the larger, 9830.4·15360, in bf16; plus the fp32 logits of 20 sequences over 128256/8 words.
    expect(m.activations).toBeCloseTo(Math.max(1228.8 * (8192 + 10240), 9830.4 * (8192 + 7168)) * 2 + 20 * (128256 / 8) * 4, 0);
  });

  test('TP need not divide the heads, and B need not divide by TP', () => {
    const tp3 = { ...base, chips: 3, parallelism: { tp: 3, pp: 1, ep: 1 }, batch: 7 };
    expect(estimateInference(tp3).reason).toBe('tp_divides_heads');
    const r = feasible(estimateInference({ ...tp3, attentionSharding: 'dp' }));
    expect(r.feasible).toBe(true);
    // ⌈7/3⌉ = 3 sequences on the busiest chip
    expect(r.memoryPerChipBytes.kvCache).toBeCloseTo(3 * 2304 * 80 * 2048 * 2, 0);
  });

  test('DeepSeek-V3 over TP 8 and EP 8: 11.4 GB of FP8 attention weights per chip, all-to-alls of the chip\'s own tokens', () => {
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const config: InferenceConfig = { ...base, model: deepseekV3, chip: roomyGpu, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64, precision: fp8, attentionSharding: 'dp' };
    const r = feasible(estimateInference(config));
    expect(r.feasible).toBe(true);
    // MLA per layer: d·r_q + r_q·h·(d_nope + d_rope) + d·(r_kv + d_rope) + r_kv·h·(d_nope + d_v) + h·d_v·d
    const mlaParams = 7168 * 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 * 128 * 256 + 128 * 128 * 7168; // 187,105,280
    const l = shardLayout(deepseekV3, 8, 8, 0, 1);
    expect(l.qkvParamsPerChip + l.outParamsPerChip).toBe(mlaParams);
    expect(61 * mlaParams).toBeCloseTo(11.41e9, -7); // bytes at FP8
    // KV: ⌈64/8⌉ = 8 sequences · 2304 tokens · 61 layers · 576 elements · 1 B
    expect(r.memoryPerChipBytes.kvCache).toBeCloseTo(8 * 2304 * 61 * 576, 0);
    // Decode: each chip's 8 tokens are dispatched to EP 8 at FP8, m = 8·8·7168·1 B, and combined at
    // 16 bits, 2m (docs/MODEL.md §3: the hidden state travels at 16 bits); the 3 dense layers' FFN, the
    // 58 MoE layers' shared expert and the LM head gather and scatter TP·8 tokens at 16 bits, 2m each.
    // Each costs (7/8)·bytes/450e9: 3·2·2m + 58·(2·2m + m + 2m) + 2m = 420m.
    const decode = feasible(estimateInference({ ...config, schedule: 'static' }));
    const m = 8 * 8 * 7168;
    expect(decode.decode.commS).toBeCloseTo((3 * 2 * 2 + 58 * (2 * 2 + 1 + 2) + 2) * (7 / 8) * (m / 450e9), 15);
  });
});

describe('prefill', () => {
  test('a long prefill is compute-bound: matmuls + attention at F·η_flop, plus TP all-reduces', () => {
    const batch = 8;
    const tokens = batch * 8192;
    const r = feasible(estimateInference({ ...base, batch, inputTokens: 8192, outputTokens: 16 }));
    const flopsPerS = 989e12 * 0.5;
    const matmulS = (2 * tokens * 80 * layerParamsPerChip) / flopsPerS;
    // causal attention: 2 · h_chip · (d_h + d_h) · S/2 per token per layer
    const attentionS = (2 * 8 * 256 * (8192 / 2) * tokens * 80) / flopsPerS;
    // 2 all-reduces per layer of tokens · d · 2 B: 2·(8−1)/8 · m / 450e9
    const commS = 160 * ((2 * 7) / 8) * ((tokens * 8192 * 2) / 450e9);
    // memory-bound leftovers: the LM head for 8 last tokens, the embedding gather
    const lmHeadS = (headPerChip * 2 + batch * (8192 + 128256 / 8) * 2) / (3.35e12 * 0.8);
    const embeddingS = (tokens * 8192 * 2) / (3.35e12 * 0.8);
    expect(r.ttftS).toBeCloseTo(matmulS + attentionS + commS + lmHeadS + embeddingS, 9);
    expect(r.bound.prefill).toBe('compute');
    expect(r.prefill.networkS).toBeCloseTo(commS, 12);
  });

  test("the chip's overlap applies to prefill only; the user's to both phases", () => {
    const overlapping = { ...testGpu, efficiency: { ...testGpu.efficiency, commOverlap: { value: 0.5, source: 'test' } } };
    const plain = feasible(estimateInference({ ...base, batch: 8 }));
    const chip = feasible(estimateInference({ ...base, batch: 8, chip: overlapping }));
    // exposed = max(0, comm − 0.5 · (compute + memory)): a compute-bound prefill hides all of it
    const hideS = 0.5 * (plain.prefill.computeBoundS + plain.prefill.memoryBoundS);
    expect(plain.prefill.networkS).toBeLessThan(hideS);
    expect(chip.prefill.networkS).toBe(0);
    expect(chip.decode.networkS).toBeCloseTo(plain.decode.networkS, 12);
    expect(chip.inputs.commOverlap).toEqual({ prefill: 0.5, decode: 0 });
    const user = estimateInference({ ...base, batch: 8, chip: overlapping, commOverlap: 0.25 });
    expect(user.inputs.commOverlap).toEqual({ prefill: 0.25, decode: 0.25 });
  });

  test('overlap hides communication behind at most overlap × the stage\'s operator time', () => {
    // NVLink slowed 100-fold: 2·80 all-reduces of 8·4096 tokens · 8192 · 2 B outlast the matmuls
    const slowLinks = { ...testGpu, scaleUp: { ...testGpu.scaleUp, bandwidthBytesPerS: { value: 4.5e9, source: 'test' } } };
    const a = feasible(estimateInference({ ...base, chip: slowLinks, batch: 8, inputTokens: 4096 }));
    const b = feasible(estimateInference({ ...base, chip: slowLinks, batch: 8, inputTokens: 4096, commOverlap: 0.75 }));
    const commS = 160 * ((2 * 7) / 8) * ((8 * 4096 * 8192 * 2) / 4.5e9);
    expect(a.prefill.networkS).toBeCloseTo(commS, 9);
    const operatorsS = b.prefill.computeBoundS + b.prefill.memoryBoundS;
    expect(commS).toBeGreaterThan(0.75 * operatorsS);
    expect(b.prefill.networkS).toBeCloseTo(commS - 0.75 * operatorsS, 9);
    // (comm·(1 − overlap), the rule before, would have hidden 0.75 · comm: more than the operators take)
    expect(0.75 * commS).toBeGreaterThan(operatorsS);
  });

  test('a DeepSeek-V3 prefill hides no more all-to-all than overlap × its compute', () => {
    const r = feasible(estimateInference({
      ...base,
      model: deepseekV3,
      chips: 64,
      parallelism: { tp: 1, pp: 1, ep: 64 },
      batch: 8,
      precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
      commOverlap: 0.9,
    }));
    const p = r.prefill;
    expect(p.networkS).toBeCloseTo(p.commS - 0.9 * (p.computeBoundS + p.memoryBoundS), 12);
    expect(p.commS - p.networkS).toBeLessThan(p.computeBoundS + p.memoryBoundS);
  });

  test('a pipeline send hides behind what the collectives left of the stage\'s hiding capacity', () => {
    const layout = { ...base, chips: 16, parallelism: { tp: 8, pp: 2, ep: 1 }, batch: 8 };
    // the prefill's 8·2048 tokens · 8192 · 2 B cross to the next stage over the scale-out link (16 chips > 8)
    const sendS = (8 * 2048 * 8192 * 2) / 50e9;
    const stageS = (p: { computeBoundS: number; memoryBoundS: number; networkS: number; overheadS: number }): number =>
      p.computeBoundS + p.memoryBoundS + p.networkS + p.overheadS;
    // no overlap: every stage's collectives and the send are exposed
    const plain = feasible(estimateInference({ ...layout, commOverlap: 0 }));
    expect(plain.ttftS).toBeCloseTo(2 * stageS(plain.prefill) + sendS, 12);
    // overlap 0.5: half the operators' time hides the all-reduces, and the rest the 5.4 ms send
    const hidden = feasible(estimateInference({ ...layout, commOverlap: 0.5 }));
    const p = hidden.prefill;
    const spareS = 0.5 * (p.computeBoundS + p.memoryBoundS) - p.commS;
    expect(spareS).toBeGreaterThan(sendS);
    expect(hidden.ttftS).toBeCloseTo(2 * stageS(p), 12);
  });
});

describe('mixture of experts', () => {
  test('decode at batch 1 reads only the k experts a token is routed to', () => {
    const r = feasible(estimateInference({ ...base, model: mixtral, chip: roomyGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 } }));
    const experts = r.decode.operators.find((o) => o.name === 'experts')!;
    // E_touched = 8·(1 − (1 − 2/8)^1) = 2 experts of 3·4096·14336 params, bf16, 32 layers
    const weightBytes = 32 * 2 * (3 * 4096 * 14336) * 2;
    const activationBytes = 32 * 2 * 2 * 4096 * 2; // 2 routings, d in and out
    expect(experts.bytes).toBeCloseTo(weightBytes + activationBytes, 0);
  });

  test('EP shards whole experts and adds dispatch + combine all-to-alls', () => {
    const r = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64 }));
    expect(r.feasible).toBe(true);
    // E/EP = 1 expert of 3·4096·14336 per chip per layer, against 8 sliced ones with EP 1: same bytes
    const ep1 = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 64 }));
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(ep1.memoryPerChipBytes.weights, -3);
    expect(r.decode.networkS).toBeGreaterThan(0);
  });

  test('EP need not divide E: DeepSeek-V3 over EP 72 holds ⌈(256 + 32)/72⌉ = 4 experts per chip', () => {
    // An NVL72-like domain: 72 chips on one switch, so the all-to-alls stay on the scale-up links.
    const nvl72 = { ...roomyGpu, scaleUp: { ...roomyGpu.scaleUp, domainSize: { value: 72, source: 'test' } } };
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const config: InferenceConfig = { ...base, model: deepseekV3, chip: nvl72, chips: 72, parallelism: { tp: 1, pp: 1, ep: 72 }, batch: 64, precision: fp8 };
    const r = feasible(estimateInference(config));
    expect(r.feasible).toBe(true);
    // R fills the slots: ⌈256/72⌉·72 − 256 = 32; the busiest chip's load is the mean × 1.11
    expect(r.inputs.redundantExperts).toBe(32);
    expect(r.inputs.moeImbalance).toBe(1.11);
    const expertParams = 3 * 7168 * 2048;
    const l = shardLayout(deepseekV3, 1, 72, 32);
    expect(l.expertsPerChip).toBe(4);
    // weights: 58 MoE layers with 4 whole experts, attention, 3 dense layers and both vocab tables at TP 1
    const perMoeLayer = l.qkvParamsPerChip + l.outParamsPerChip + 4 * expertParams + l.sharedExpertParamsPerChip + l.routerParamsPerChip;
    const perDenseLayer = l.qkvParamsPerChip + l.outParamsPerChip + 3 * 7168 * 18432;
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(58 * perMoeLayer + 3 * perDenseLayer + 2 * 129280 * 7168, 0);
    // a decode step of B = 64 per chip: the EP group routes 64·72·8 tokens, 64·8·1.11 of them per chip
    const decode = feasible(estimateInference({ ...config, schedule: 'static' }));
    const experts = decode.decode.operators.find((o) => o.name === 'experts')!;
    const routings = ((64 * 72 * 8) / 72) * 1.11;
    const touched = 4 * (1 - Math.pow(1 - 8 / 256, 64 * 72));
    expect(experts.flops).toBeCloseTo(58 * 2 * routings * expertParams, 0);
    expect(experts.bytes).toBeCloseTo(58 * (touched * expertParams + routings * 2 * 7168), 0);
    // dispatch at FP8, m = 64·72·8·7168·1 B / 72 per chip, and combine at 16 bits, 2m: (71/72)·bytes/450e9 over NVLink
    const m = (64 * 72 * 8 * 7168) / 72;
    expect(decode.decode.networkS).toBeCloseTo(58 * (1 + 2) * ((71 / 72) * (m / 450e9)), 12);
  });

  test('EP 24 and an explicit R: ⌈(256 + R)/24⌉ experts per chip', () => {
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const ep24 = { ...base, model: deepseekV3, chip: roomyGpu, chips: 24, parallelism: { tp: 1, pp: 1, ep: 24 }, precision: fp8 };
    const auto = feasible(estimateInference(ep24));
    expect(auto.feasible).toBe(true);
    expect(auto.inputs.redundantExperts).toBe(11 * 24 - 256); // 8
    const none = feasible(estimateInference({ ...ep24, redundantExperts: 0 }));
    const more = feasible(estimateInference({ ...ep24, redundantExperts: 32 }));
    // 0 and 8 redundant both give 11 slots per chip (⌈256/24⌉ = ⌈264/24⌉ = 11); 32 give ⌈288/24⌉ = 12
    expect(none.memoryPerChipBytes.weights).toBe(auto.memoryPerChipBytes.weights);
    expect(more.memoryPerChipBytes.weights - auto.memoryPerChipBytes.weights).toBeCloseTo(58 * 3 * 7168 * 2048, 0);
  });

  test('the imbalance factor is 1.11 by default and only weighs on expert-parallel chips, once the batch outgrows the routing spread', () => {
    // batch 1024 at EP 8 (Mixtral, top-2 of 8): μ = 1024·2/8 = 256 routings per chip, σ = √(2048·(1/8)(7/8)·(6/7)) = 13.9,
    // μ + c(8)·σ = 275.9 < μ·1.11 = 284.2: the imbalance factor binds
    const ep = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 1024 }));
    const expertsFlops = (r: typeof ep): number => r.decode.operators.find((o) => o.name === 'experts')!.flops;
    const perRouting = 2 * 3 * 4096 * 14336 * 32; // FLOPs of one routing through an expert, every layer
    expect(expertsFlops(ep)).toBeCloseTo(256 * 1.11 * perRouting, 0);
    expect(256 + expectedMaxStandardNormal(8) * Math.sqrt(2048 * (1 / 8) * (7 / 8) * (6 / 7))).toBeCloseTo(275.9, 1);
    // batch 64: μ = 16, σ = √(128·(1/8)(7/8)·(6/7)) = √12, μ + 1.4342·σ = 20.97 > 16·1.11 = 17.76: the spread
    // binds, whatever the factor; the busiest chip's 20.97 routings × 2 FLOP × 3·4096·14336 per expert × 32 layers
    const small = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64 }));
    const smallFlat = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64, moeImbalance: 1 }));
    expect(expertsFlops(small)).toBe(expertsFlops(smallFlat));
    expect(expertsFlops(small)).toBeCloseTo((16 + expectedMaxStandardNormal(8) * Math.sqrt(12)) * perRouting, 0);
    expect(expectedMaxStandardNormal(8) * Math.sqrt(12)).toBeCloseTo(4.968, 3);
    const ep1 = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 64 }));
    const ep1Flat = feasible(estimateInference({ ...base, model: mixtral, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 64, moeImbalance: 1 }));
    expect(ep1.tpotS).toBe(ep1Flat.tpotS);
  });

  test('DeepSeek-V3 decoding 4 sequences at TP 8, EP 8: the busiest chip reads 6.45 experts per layer, not the mean 3.82', () => {
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const r = feasible(estimateInference({ ...base, model: deepseekV3, chip: roomyGpu, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 4, precision: fp8 }));
    const experts = r.decode.operators.find((o) => o.name === 'experts')!;
    // heads attention at TP 8: every chip sees the 4 tokens, the expert group's T = 4·8/8 = 4
    const c = expectedMaxStandardNormal(8);
    const q = 1 - (248 / 256) ** 4; // a slot touched by 4 tokens' top-8 of 256
    const touched = 32 * q + c * Math.sqrt(32 * q * (1 - q)); // 6.446 of the chip's 32 slots
    const routings = 4 + c * Math.sqrt(32 * (1 / 8) * (7 / 8) * (248 / 255)); // 6.646
    const perExpert = 3 * 7168 * 2048; // gate, up and down at FP8, one byte each
    // 58 MoE layers: the experts' weights read plus each routing's token in and out (FP8 activations)
    expect(experts.bytes).toBeCloseTo(58 * (touched * perExpert + routings * 2 * 7168), 0);
    expect(experts.bytes / (58 * perExpert)).toBeGreaterThan(6.44);
  });

  test('DeepSeek-V3 (MLA) caches r_kv + d_rope = 576 elements per token per layer, on every TP chip', () => {
    const r = feasible(estimateInference({ ...base, model: deepseekV3, chip: roomyGpu, chips: 8, batch: 4, precision: { weights: 'fp8', kvCache: 'bf16', activations: 'fp8' } }));
    expect(r.feasible).toBe(true);
    const kv = 4 * (2048 + 256) * 61 * (512 + 64) * 2;
    expect(r.memoryPerChipBytes.kvCache).toBeCloseTo(kv, 0);
    expect(r.inputs.computePrecision).toBe('fp8');
  });
});

describe('infeasible configurations carry a reason', () => {
  const cases: Array<[string, Partial<InferenceConfig>]> = [
    ['tp_divides_heads', { chips: 6, parallelism: { tp: 6, pp: 1, ep: 1 } }],
    ['pp_divides_layers', { chips: 648, parallelism: { tp: 8, pp: 81, ep: 1 } }],
    ['chips_divide_parallelism', { chips: 12, parallelism: { tp: 8, pp: 1, ep: 1 } }],
    ['ep_divides_experts', { parallelism: { tp: 8, pp: 1, ep: 2 } }],
    // 8 experts over EP 8 hold at most 8·7 = 56 redundant copies (one copy of an expert per chip)
    ['ep_divides_experts', { model: mixtral, parallelism: { tp: 8, pp: 1, ep: 8 }, redundantExperts: 57 }],
    ['ep_divides_experts', { redundantExperts: 1 }],
    ['ep_layout', { model: mixtral, parallelism: { tp: 8, pp: 1, ep: 4 } }],
    ['precision_unsupported', { precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp4' } }],
    ['capacity', { chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 } }],
  ];
  test.each(cases)('%s', (reason, patch) => {
    const r = infeasible(estimateInference({ ...base, ...patch }));
    expect(r.reason).toBe(reason);
    expect(r.explanation.length).toBeGreaterThan(20);
    // nothing ran, so there are no figures and nothing bounded it
    expect(r).not.toHaveProperty('tpotS');
    expect(r).not.toHaveProperty('bound');
    expect(r).not.toHaveProperty('decode');
    expect(r.layoutToFit === null).toBe(reason !== 'capacity');
  });

  test('chips that TP·PP does not divide: DP is the whole replicas they hold, never NaN', () => {
    expect(infeasible(estimateInference({ ...base, chips: 12, parallelism: { tp: 8, pp: 1, ep: 1 } })).inputs.parallelism.dp).toBe(1);
    expect(infeasible(estimateInference({ ...base, chips: 1, parallelism: { tp: 8, pp: 1, ep: 1 } })).inputs.parallelism.dp).toBe(0);
  });

  test('a precision the chip lacks: its peak at that precision is 0 FLOP/s, never NaN', () => {
    const r = infeasible(estimateInference({ ...base, precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp4' } }));
    expect(r.reason).toBe('precision_unsupported');
    expect(r.inputs.hardware.peakFlopsPerS).toBe(0);
  });

  test('capacity names the smallest chip count that fits', () => {
    const r = infeasible(estimateInference({ ...base, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 } }));
    // 141 GB of bf16 weights against 80 GB · 0.9 usable: one chip cannot, two can.
    expect(r.memoryPerChipBytes?.weights).toBeCloseTo(weightBytesPerChip * 8, 0);
    expect(r.minChipsToFit).toBe(2);
    expect(r.layoutToFit).toEqual({ tp: 1, pp: 2 });
    expect(r.explanation).toContain('smallest layout that fits uses 2 chips (tp 1 · pp 2)');
  });

  test('an SRAM-only chip needs hundreds of chips to hold a 70B model', () => {
    const r = estimateInference({ ...base, chip: testLpu });
    expect(r.reason).toBe('capacity');
    // 70.6e9 params · 2 B / 230e6 B per chip ≥ 613 chips before any KV cache
    expect(r.minChipsToFit).toBeGreaterThanOrEqual(Math.ceil((2 * 70.55e9) / 230e6));
    // The last stage also holds the LM head (V·d/TP = 262 MB at TP 8, more than one chip), so the
    // fullest chip needs TP ≥ 32; the smallest TP·PP with TP | 64 and PP | 80 is 64 · 16.
    expect(r.minChipsToFit).toBe(1024);
  });
});

describe('bad input is an InputError naming the field', () => {
  test.each([
    ['batch', { batch: -4 }, 'batch must be a positive integer, got -4'],
    ['batch', { batch: Number.NaN }, 'batch must be a positive integer, got NaN'],
    ['inputTokens', { inputTokens: 0 }, 'inputTokens must be a positive integer, got 0'],
    ['parallelism.tp', { parallelism: { tp: 1.5, pp: 1, ep: 1 } }, 'parallelism.tp must be a positive integer, got 1.5'],
    ['commOverlap', { commOverlap: 2 }, 'commOverlap must be a fraction in [0, 1], got 2'],
    ['moeImbalance', { moeImbalance: 0.5 }, 'moeImbalance must be a factor ≥ 1, got 0.5'],
    ['redundantExperts', { redundantExperts: 2.5 }, 'redundantExperts must be an integer ≥ 0, got 2.5'],
  ] as const)('%s', (field, patch, message) => {
    const run = (): unknown => estimateInference({ ...base, ...patch });
    expect(run).toThrow(InputError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as InputError).field).toBe(field);
    }
  });
});
