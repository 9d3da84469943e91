import { describe, expect, test } from 'vitest';
import { estimateInference } from './inference.ts';
import { llama70b, llamaByHand, roomyGpu, feasible } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// Llama 3.1 70B in bf16 on roomy test GPUs, TP 1 in both pools (no collectives): 989 TFLOP/s × η_flop
// 0.5, 3.35 TB/s × η_mem 0.8, no per-layer overhead; scale-up 450 GB/s (8 per domain), scale-out
// 50 GB/s, η_net 1, no hop latency. Every time below is derived operator by operator.
const { BW, roofline, d, qkv, out, ffn, head, qkvWidth, attnWidth, kvPerToken } = llamaByHand;

/** The shared matmuls of one layer for T tokens (bf16: 2 bytes). */
const matmulsS = (T: number): number =>
  roofline(2 * T * qkv, qkv * 2 + T * (d + qkvWidth) * 2) +
  roofline(2 * T * out, out * 2 + T * (attnWidth + d) * 2) +
  roofline(2 * T * ffn, ffn * 2 + T * (2 * d + 2 * 28672) * 2);
/** A decode iteration of D sequences at context c: 80 layers, the LM head for D logits, the embedding gather. */
const decodeS = (D: number, c: number): number =>
  80 * (matmulsS(D) + roofline(2 * 64 * 256 * c * D, D * (c + 1) * kvPerToken * 2 + D * (qkvWidth + attnWidth) * 2)) +
  roofline(2 * D * head, head * 2 + D * (d + 128256) * 2) +
  (D * d * 2) / BW;
/** A prefill iteration of C tokens of prompts `length` long: causal attention over length/2, C/length logits. */
const prefillS = (C: number, length: number): number =>
  80 * (matmulsS(C) + roofline(2 * 64 * 256 * (length / 2) * C, C * kvPerToken * 2 + C * (qkvWidth + attnWidth) * 2)) +
  roofline(2 * (C / length) * head, head * 2 + (C / length) * (d + 128256) * 2) +
  (C * d * 2) / BW;

describe('disaggregated prefill and decode, derived by hand (docs/MODEL.md §8)', () => {
  const base: InferenceConfig = {
    model: llama70b,
    chip: roomyGpu,
    chips: 1,
    parallelism: { tp: 1, pp: 1, ep: 1 },
    batch: 32,
    inputTokens: 1024,
    outputTokens: 129,
    precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    chunkTokens: 2048,
    disaggregation: { prefillWorkers: 1, decodeWorkers: 2 },
  };
  // One request's KV cache: 1024 tokens · 80 layers · 2·8·128 elements · 2 bytes = 335.5 MB; three
  // chips sit in one 8-chip domain, so it moves at min(1, 1)·450 GB/s.
  const kvBytes = 1024 * 80 * kvPerToken * 2;
  const kvS = kvBytes / 450e9;
  const c = 1024 + 129 / 2;
  const n = 128;
  const Tp = prefillS(2048, 1024);
  // a prefill iteration completes 2048/1024 = 2 prompts; a prompt takes ⌈1024/2048⌉ = 1 iteration
  const lambdaP = (1 * 2048) / (1024 * Tp);
  const firstS = Tp + kvS;

  test('prefill binds at B = 32: λ = λ_p, decode runs at D = λ·n·T_B/n_d, TTFT = B·n_d/λ − n·T(D)', () => {
    const r = feasible(estimateInference(base));
    const TB = decodeS(32, c);
    const lambdaD = (2 * 32) / (n * TB + firstS);
    expect(lambdaP).toBeLessThan(lambdaD); // the prefill worker is the slower pool
    const D = (lambdaP * n * TB) / 2;
    const TD = decodeS(D, c);
    expect(r.feasible).toBe(true);
    expect(r.disaggregation?.bound).toBe('prefill');
    expect(r.disaggregation?.requestsPerS).toBeCloseTo(lambdaP, 10);
    expect(r.disaggregation?.kvTransferBytes).toBe(kvBytes);
    expect(r.disaggregation?.kvTransferS).toBeCloseTo(kvS, 12);
    expect(r.disaggregation?.kvLink).toBe('scale-up');
    expect(r.disaggregation?.prefillIterationS).toBeCloseTo(Tp, 12);
    expect(r.serving?.decodeTokens).toBeCloseTo(D, 9);
    expect(r.tpotS).toBeCloseTo(TD, 12);
    expect(r.ttftS).toBeCloseTo((32 * 2) / lambdaP - n * TD, 9);
    // (input + output) tokens/s over all 3 chips
    expect(r.totalTokensPerSPerChip).toBeCloseTo((lambdaP * (1024 + 129)) / 3, 9);
    expect(r.disaggregation?.prefillIdleShare).toBeCloseTo(0, 12);
    expect(r.disaggregation?.decodeIdleShare).toBeCloseTo(1 - lambdaP / lambdaD, 12);
    expect([r.disaggregation?.prefillChips, r.disaggregation?.decodeChips]).toEqual([1, 2]);
  });

  test('prefill binds: every iteration runs the full budget, C/S_in = 2 prompts, and a prompt sees T_p', () => {
    const r = feasible(estimateInference(base));
    expect(r.disaggregation?.promptsPerPrefillIteration).toBeCloseTo(2, 12);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(Tp, 12);
    // λ_p/n_p = 2/T_p prompts a second, 2 per iteration of T_p: busy all the time
    expect(r.disaggregation?.prefillBusyShare).toBeCloseTo(1, 12);
  });

  test('decode binds at B = 4: a prompt runs in an iteration of the prompts waiting; TTFT is that prefill and the transfer, with no queue', () => {
    const r = feasible(estimateInference({ ...base, batch: 4 }));
    const TB = decodeS(4, c);
    // The iteration's time over its prompt tokens x is the secant through one prompt's iteration
    // (1024 tokens, 1 logit) and the full one (2048 tokens, 2 logits).
    const T1 = prefillS(1024, 1024);
    const slope = (Tp - T1) / (2048 - 1024);
    // The load, with a one-prompt iteration: λ₁ = n_d·B/(n·T_B + T_1 + t_kv), below λ_p and λ_kv.
    const lambda1 = (2 * 4) / (n * TB + T1 + kvS);
    expect(lambda1).toBeLessThan(lambdaP);
    // m prompts arrive while one iteration runs: m = λ₁·T(m) = λ₁·(T_1 + slope·(m − 1)·1024), so
    // m = λ₁·(T_1 − 1024·slope)/(1 − λ₁·1024·slope), between 1 and 2.
    const m = Math.min(2, Math.max(1, (lambda1 * (T1 - 1024 * slope)) / (1 - lambda1 * 1024 * slope)));
    const prompt = T1 + slope * (m - 1) * 1024;
    expect(prompt).toBeLessThan(Tp); // a prompt no longer waits for a full budget's iteration
    const lambdaD = (2 * 4) / (n * TB + prompt + kvS);
    const D = (lambdaD * n * TB) / 2;
    const TD = decodeS(D, c);
    expect(r.disaggregation?.bound).toBe('decode');
    expect(r.disaggregation?.promptsPerPrefillIteration).toBeCloseTo(m, 9);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(prompt, 12);
    expect(r.disaggregation?.prefillIterationS).toBeCloseTo(Tp, 12); // the capacity's iteration
    expect(r.tpotS).toBeCloseTo(TD, 12);
    // B·n_d/λ_d − n·T(D) = n·(T_B − T(D)) + T(m) + t_kv
    expect(r.ttftS).toBeCloseTo(n * (TB - TD) + prompt + kvS, 9);
    expect(r.serving?.queueingS).toBeCloseTo(n * (TB - TD), 9);
    expect(r.disaggregation?.prefillIdleShare).toBeCloseTo(1 - lambdaD / lambdaP, 12);
    // busy: λ_d/1 prompts a second, m per iteration of T(m), so λ_d·T(m)/m of the time — more than
    // λ_d/λ_p, the share a full budget's iterations would take
    expect(r.disaggregation?.prefillBusyShare).toBeCloseTo((lambdaD * prompt) / m, 12);
    expect(r.disaggregation!.prefillBusyShare).toBeGreaterThan(lambdaD / lambdaP);
    expect(r.tokensPerS * r.requestLatencyS).toBeCloseTo(4 * 2 * 129, 6); // Little's law
  });

  test('a lone request (B = 1, one decode worker) runs in an iteration of its own prompt alone', () => {
    const r = feasible(estimateInference({ ...base, batch: 1, disaggregation: { prefillWorkers: 1, decodeWorkers: 1 } }));
    const T1 = prefillS(1024, 1024);
    // λ₁·T_1 = T_1/(n·T_1' + T_1 + t_kv) < 1: fewer than one prompt arrives per iteration, m = 1
    expect(r.disaggregation?.promptsPerPrefillIteration).toBe(1);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(T1, 12);
    // TTFT = n·(T_B − T(D)) + T_1 + t_kv, D = λ_d·n·T_B just below the one request
    const TB = decodeS(1, c);
    const D = ((1 / (n * TB + T1 + kvS)) * n * TB) / 1;
    expect(r.serving?.decodeTokens).toBeCloseTo(D, 12);
    expect(r.ttftS).toBeCloseTo(n * (TB - decodeS(D, c)) + T1 + kvS, 9);
  });

  test('with data-parallel attention a lone prompt sits on one rank: that rank runs its whole attention block', () => {
    // A prefill worker of TP 2 with data-parallel attention: each rank holds every attention weight
    // and runs the attention block for its own requests; the FFN and the LM head are sharded over the
    // two. A request belongs to one rank, so one prompt's 1024 tokens all run on the busiest rank (not
    // 512 on each), while the FFN runs its 1024 tokens split over TP 2.
    const r = feasible(
      estimateInference({ ...base, batch: 1, disaggregation: { prefillWorkers: 1, decodeWorkers: 1, prefillTp: 2, prefillAttention: 'dp' } }),
    );
    const T = 1024;
    const attentionBlockS =
      roofline(2 * T * qkv, qkv * 2 + T * (d + qkvWidth) * 2) +
      roofline(2 * 64 * 256 * (1024 / 2) * T, T * kvPerToken * 2 + T * (qkvWidth + attnWidth) * 2) +
      roofline(2 * T * out, out * 2 + T * (attnWidth + d) * 2);
    const ffnHalfS = roofline((2 * T * ffn) / 2, (ffn / 2) * 2 + T * (2 * d + 28672) * 2);
    // an all-gather of TP · 1024 tokens' hidden states before the FFN and a reduce-scatter after, each
    // (n − 1)/n = 1/2 of the message over 450 GB/s (η_net 1, no latency); one logit token's all-gather
    const gatherS = (tokens: number): number => ((2 * tokens * d * 2) / 2) / 450e9;
    const headS = roofline((2 * head) / 2, (head / 2) * 2 + (d + 128256 / 2) * 2);
    const T1 = 80 * (attentionBlockS + ffnHalfS + 2 * gatherS(T)) + headS + gatherS(1) + (T * d * 2) / BW;
    expect(r.disaggregation?.promptsPerPrefillIteration).toBe(1);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(T1, 12);
    // 1024 tokens fit the rank's share of the budget, 2048/2: one iteration
    expect(r.disaggregation?.lonePromptIterations).toBe(1);
  });

  test('with data-parallel attention a lone prompt longer than its rank\'s share of the budget runs in several iterations on that rank', () => {
    // TP 2 with data-parallel attention and C = 2048: each rank schedules 2048/2 = 1024 tokens an
    // iteration (SGLang divides its chunked-prefill size by the data-parallel size; TensorRT-LLM's
    // max_num_tokens is per rank). A 1536-token prompt on one rank runs in ⌈1536/1024⌉ = 2 iterations,
    // 1024 and 512 tokens, each token attending to the prompt's mean causal context 1536/2, and each
    // iteration reading the rank's weights, running the sharded FFN over its tokens gathered, and
    // the LM head for one logit.
    const r = feasible(
      estimateInference({ ...base, batch: 1, inputTokens: 1536, disaggregation: { prefillWorkers: 1, decodeWorkers: 1, prefillTp: 2, prefillAttention: 'dp' } }),
    );
    const gatherS = (tokens: number): number => ((2 * tokens * d * 2) / 2) / 450e9;
    const headS = roofline((2 * head) / 2, (head / 2) * 2 + (d + 128256 / 2) * 2);
    const iterationS = (T: number): number =>
      80 *
        (roofline(2 * T * qkv, qkv * 2 + T * (d + qkvWidth) * 2) +
          roofline(2 * 64 * 256 * (1536 / 2) * T, T * kvPerToken * 2 + T * (qkvWidth + attnWidth) * 2) +
          roofline(2 * T * out, out * 2 + T * (attnWidth + d) * 2) +
          roofline((2 * T * ffn) / 2, (ffn / 2) * 2 + T * (2 * d + 28672) * 2) +
          2 * gatherS(T)) +
      headS +
      gatherS(1) +
      (T * d * 2) / BW;
    const T1 = iterationS(1024) + iterationS(512);
    expect(r.disaggregation?.promptsPerPrefillIteration).toBe(1);
    expect(r.disaggregation?.lonePromptIterations).toBe(2);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(T1, 12);
    // one iteration of all 1536 tokens on the rank, as before this rule, is shorter by one weight read
    expect(T1).toBeGreaterThan(iterationS(1536));
  });

  test('a lone prompt longer than a rank\'s share of the budget: the pool runs at n_p·m/T(m), never busy more than all the time', () => {
    // TP 8 with data-parallel attention, C = 2048, 1536-token prompts: a full iteration spreads its
    // 2048 tokens' attention over the 8 ranks (256 each), but one prompt puts all 1536 on one rank,
    // so its iteration outlasts the full one and the secant through them falls. At 32 requests per
    // decode worker the load puts m = λ₁·T(m)/n_p between 1 and 4/3 prompts in an iteration; the
    // pool then completes m prompts per T(m), fewer than λ_p, and that rate sets the loop.
    const r = feasible(
      estimateInference({ ...base, inputTokens: 1536, disaggregation: { prefillWorkers: 1, decodeWorkers: 2, prefillTp: 8, prefillAttention: 'dp' } }),
    );
    const d = r.disaggregation!;
    const lambdaP = 2048 / (1536 * d.prefillIterationS);
    expect(d.promptsPerPrefillIteration).toBeGreaterThan(1);
    expect(d.promptsPerPrefillIteration).toBeLessThan(2048 / 1536);
    expect(d.promptPrefillS).toBeGreaterThan(d.prefillIterationS); // one prompt's iteration outlasts the full one
    expect(d.bound).toBe('prefill');
    expect(d.requestsPerS).toBeCloseTo(d.promptsPerPrefillIteration / d.promptPrefillS, 12);
    expect(d.requestsPerS).toBeLessThan(lambdaP);
    expect(d.prefillBusyShare).toBeCloseTo(1, 12);
    expect(d.prefillIdleShare).toBeCloseTo(1 - d.requestsPerS / lambdaP, 12);
    expect(r.explanation).toContain(
      `busy all the time with iterations of ${d.promptsPerPrefillIteration.toFixed(2)} prompts, each prompt's attention block on one of 8 data-parallel attention ranks, it serves ${(d.prefillIdleShare * 100).toFixed(0)}% less than iterations of a full budget would`,
    );
  });

  test('a prompt longer than the budget still runs ⌈S_in/C⌉ full iterations', () => {
    const r = feasible(estimateInference({ ...base, batch: 4, inputTokens: 3000 }));
    const T = prefillS(2048, 3000);
    expect(r.disaggregation?.promptsPerPrefillIteration).toBeCloseTo(2048 / 3000, 12);
    expect(r.disaggregation?.promptPrefillS).toBeCloseTo(2 * T, 12);
    // its chunks pack into full iterations: busy λ/λ_p of the time
    expect(r.disaggregation?.prefillBusyShare).toBeCloseTo(1 - r.disaggregation!.prefillIdleShare, 12);
  });

  test('a mixed fleet moves the KV cache over scale-out, at the slower side', () => {
    const other = { ...roomyGpu, id: 'other-gpu', name: 'Other GPU', scaleOut: { ...roomyGpu.scaleOut, bandwidthBytesPerS: { value: 25e9, source: 'estimate — assumed' } } };
    const r = feasible(estimateInference({ ...base, chip: other, disaggregation: { prefillWorkers: 1, decodeWorkers: 2, prefillChip: roomyGpu } }));
    expect(r.disaggregation?.kvLink).toBe('scale-out');
    expect(r.disaggregation?.prefillChip).toBe('test-gpu');
    // egress 1·50 GB/s, ingress 1·25 GB/s
    expect(r.disaggregation?.kvTransferS).toBeCloseTo(kvBytes / 25e9, 12);
    expect(r.disaggregation?.notes.join(' ')).toMatch(/Other GPU's scale-out link, whose figure is an assumption/);
  });

  test('cost and energy count both pools', () => {
    const r = feasible(estimateInference(base));
    // 3 chips at 4 USD/h over λ·S_out output tokens/s
    expect(r.costPerMillionTokensUsd).toBeCloseTo(((3 * 4) / 3600 / (lambdaP * 129)) * 1e6, 6);
    // the prefill chip's 4 USD/h over λ·S_in prompt tokens/s
    expect(r.costPerMillionInputTokensUsd).toBeCloseTo((4 / 3600 / (lambdaP * 1024)) * 1e6, 6);
    expect(r.energyPerTokenJ).toBeCloseTo((3 * r.powerPerChipW) / r.tokensPerS, 9);
  });

  test('rules: a decode worker is one replica; the prefill worker keeps the layout rules; static is refused', () => {
    expect(estimateInference({ ...base, chips: 2 }).reason).toBe('chips_divide_parallelism');
    const r = estimateInference({ ...base, disaggregation: { prefillWorkers: 1, decodeWorkers: 1, prefillTp: 3 } });
    expect(r.reason).toBe('tp_divides_heads');
    expect(r.explanation).toMatch(/^Prefill worker: TP 3 does not divide the 64 attention heads/);
    expect(() => estimateInference({ ...base, schedule: 'static' })).toThrow(/schedule must be continuous with disaggregation/);
    expect(() => estimateInference({ ...base, disaggregation: { prefillWorkers: 0, decodeWorkers: 1 } })).toThrow(/disaggregation.prefillWorkers must be an integer from 1 to 65536/);
  });

  test('a prefill worker too small for the weights is infeasible, and says which pool', () => {
    const small = { ...roomyGpu, id: 'small', memory: { ...roomyGpu.memory, capacityBytes: { value: 80e9, source: 'test' } } };
    const r = estimateInference({ ...base, disaggregation: { prefillWorkers: 1, decodeWorkers: 2, prefillChip: small } });
    expect(r.reason).toBe('capacity');
    expect(r.explanation).toMatch(/^Prefill worker does not fit/);
  });
});
