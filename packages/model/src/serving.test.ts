import { describe, expect, test } from 'vitest';
import { estimateInference } from './inference.ts';
import { steadyState } from './serving.ts';
import { llama70b, testGpu, testLpu, feasible } from './test-fixtures.ts';
import { workspaceTokens } from './memory.ts';
import type { InferenceConfig } from './types.ts';

describe('steadyState: the iteration of continuous batching', () => {
  test('below the budget a prompt fits one iteration: D = B·n/(n + 1), P = B·S_in/(n + 1)', () => {
    // B 64, S_in 2048, n 255, C 8192: k = 1 holds since 2048 ≤ 8192 − 64·255/256.
    const s = steadyState(64, 2048, 256, 8192);
    expect(s.budgetBinds).toBe(false);
    expect(s.chunksPerPrompt).toBe(1);
    expect(s.decodeTokens).toBeCloseTo((64 * 255) / 256, 12);
    expect(s.promptTokens).toBeCloseTo((64 * 2048) / 256, 12);
    // P = D·S_in/n: prompts arrive as fast as sequences finish.
    expect(s.promptTokens).toBeCloseTo((s.decodeTokens * 2048) / 255, 10);
  });

  test('a prompt as long as the budget takes two iterations, since decode tokens share the budget', () => {
    // B 1, S_in 8192, n 1023, C 8192: k = 1 would need 8192 ≤ 8192 − 1023/1024 (false);
    // k = 2 needs 8192 ≤ 2·(8192 − 1023/1025) (true).
    const s = steadyState(1, 8192, 1024, 8192);
    expect(s.chunksPerPrompt).toBe(2);
    expect(s.decodeTokens).toBeCloseTo(1023 / 1025, 12);
    expect(s.promptTokens).toBeCloseTo(8192 / 1025, 12);
  });

  test('a long prompt over a small budget: the smallest k with S_in ≤ k·(C − D_k)', () => {
    // B 32, S_in 8192, n 1023, C 2048: k = 4 gives D = 32·1023/1027 = 31.875…, 4·(2048 − 31.875) = 8064.5 < 8192;
    // k = 5 gives D = 32·1023/1028 = 31.844…, 5·(2048 − 31.844) = 10080.8 ≥ 8192.
    const s = steadyState(32, 8192, 1024, 2048);
    expect(s.budgetBinds).toBe(false);
    expect(s.chunksPerPrompt).toBe(5);
    expect(s.decodeTokens).toBeCloseTo((32 * 1023) / 1028, 12);
  });

  test('at B·(S_in + n) ≥ C·(n + k_bind) the budget binds: D = C·n/(S_in + n), P = C − D', () => {
    // S_in 1024, n 128, C 2048: k_bind = ⌈1152/2048⌉ = 1, so it binds from B = 2048·129/1152 = 229.33.
    expect(steadyState(229, 1024, 129, 2048).budgetBinds).toBe(false);
    const s = steadyState(230, 1024, 129, 2048);
    expect(s.budgetBinds).toBe(true);
    expect(s.decodeTokens).toBeCloseTo((2048 * 128) / 1152, 12);
    expect(s.promptTokens).toBeCloseTo(2048 - (2048 * 128) / 1152, 12);
    expect(s.chunksPerPrompt).toBe(1);
  });

  test('one output token (n = 0): every iteration is prompt tokens only', () => {
    const s = steadyState(4, 1000, 1, 8192);
    expect(s.decodeTokens).toBe(0);
    expect(s.promptTokens).toBeCloseTo(4000, 9); // B·S_in/(0 + k), k = 1
    expect(s.chunksPerPrompt).toBe(1);
  });

  test('D and k are continuous across the threshold, and D + P never exceeds C', () => {
    for (const [isl, osl, C] of [
      [1024, 1024, 8192],
      [8192, 1024, 8192],
      [1024, 8192, 2048],
      [3000, 50, 512],
    ] as const) {
      let previous = 0;
      for (let batch = 1; batch <= 4096; batch *= 2) {
        const s = steadyState(batch, isl, osl, C);
        expect(s.decodeTokens + s.promptTokens).toBeLessThanOrEqual(C * (1 + 1e-12));
        expect(s.decodeTokens).toBeGreaterThanOrEqual(previous);
        previous = s.decodeTokens;
      }
    }
  });
});

const roomyGpu = { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: 1e12, source: 'test' } } };

describe('estimateInference, continuous schedule', () => {
  // Llama 3.1 70B on one roomy test GPU (989 TFLOP/s × η_flop 0.5; 3.35 TB/s × η_mem 0.8; no TP,
  // so no collectives; no per-layer overhead), 256 requests of 1024 in and 129 out, budget 2048.
  const config: InferenceConfig = {
    model: llama70b,
    chip: roomyGpu,
    chips: 1,
    parallelism: { tp: 1, pp: 1, ep: 1 },
    batch: 256,
    inputTokens: 1024,
    outputTokens: 129,
    precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    chunkTokens: 2048,
  };

  // One iteration of D decode and P prompt tokens, operator by operator over the 80 layers:
  // F = 989e12·0.5, BW = 3.35e12·0.8; the LM head runs `logits` tokens.
  const iterationS = (D: number, P: number, logits: number): number => {
    const F = 989e12 * 0.5;
    const BW = 3.35e12 * 0.8;
    const roofline = (flops: number, bytes: number): number => Math.max(flops / F, bytes / BW);
    const T = D + P; // every matmul sees the decode and the prompt tokens
    const qkv = 8192 * 128 * (64 + 2 * 8); // q, k, v parameters (TP 1)
    const out = 64 * 128 * 8192;
    const ffn = 3 * 8192 * 28672;
    const head = 128256 * 8192;
    const c = 1024 + 129 / 2; // decode context
    const kvPerToken = 2 * 8 * 128; // k and v of 8 KV heads
    const qkvWidth = (64 + 16) * 128;
    const attnWidth = 64 * 128;
    const layerS =
      roofline(2 * T * qkv, qkv * 2 + T * (8192 + qkvWidth) * 2) +
      roofline(2 * 64 * 256 * c * D, D * (c + 1) * kvPerToken * 2 + D * (qkvWidth + attnWidth) * 2) +
      roofline(2 * 64 * 256 * (1024 / 2) * P, P * kvPerToken * 2 + P * (qkvWidth + attnWidth) * 2) +
      roofline(2 * T * out, out * 2 + T * (attnWidth + 8192) * 2) +
      roofline(2 * T * ffn, ffn * 2 + T * (2 * 8192 + 2 * 28672) * 2); // in and out, and the gate and up projections
    return 80 * layerS + roofline(2 * logits * head, head * 2 + logits * (8192 + 128256) * 2) + (T * 8192 * 2) / BW;
  };

  test('TTFT, TPOT, throughput and $/Mtok derived by hand (the budget binds)', () => {
    const r = feasible(estimateInference(config));
    expect(r.schedule).toBe('continuous');
    // Steady state: n = 128, k_bind = ⌈1152/2048⌉ = 1, 256·1152 ≥ 2048·129: the budget binds.
    const n = 128;
    const D = (2048 * n) / (1024 + n); // 227.56 decode tokens per iteration
    const P = 2048 - D; // 1820.44 prompt tokens
    expect(r.serving).toMatchObject({ budgetBinds: true, chunksPerPrompt: 1, chunkTokens: 2048 });
    expect(r.serving!.decodeTokens).toBeCloseTo(D, 12);
    // The LM head runs the decode tokens and the first token of each prompt that finishes (P/S_in).
    const tpotS = iterationS(D, P, D + P / 1024);
    expect(r.tpotS).toBeCloseTo(tpotS, 12);

    // Little's law: λ = D/(n·TPOT) and TTFT = B/λ − n·TPOT = TPOT·(256·1152/2048 − 128) = 16·TPOT.
    expect(r.ttftS).toBeCloseTo(16 * tpotS, 12);
    expect(r.requestLatencyS).toBeCloseTo(144 * tpotS, 12);
    expect(r.serving!.queueingS).toBeCloseTo(15 * tpotS, 12);
    const outputPerS = (256 * 129) / (144 * tpotS);
    expect(r.tokensPerS).toBeCloseTo(outputPerS, 6);
    expect(r.tokensPerSPerChip).toBeCloseTo(outputPerS, 6);
    expect(r.inputTokensPerSPerChip).toBeCloseTo((256 * 1024) / (144 * tpotS), 6);
    expect(r.totalTokensPerSPerChip).toBeCloseTo((256 * (1024 + 129)) / (144 * tpotS), 6);
    expect(r.tokensPerSPerUser).toBeCloseTo(1 / tpotS, 9);
    // $4 per chip-hour over the output tokens, all-in: the prompts are paid for by them too.
    expect(r.costPerMillionTokensUsd).toBeCloseTo((4 / 3600 / outputPerS) * 1e6, 9);
    // Input tokens pay the prompt tokens' share of each iteration.
    expect(r.costPerMillionInputTokensUsd).toBeCloseTo(((4 / 3600) * (P / 2048) / ((256 * 1024) / (144 * tpotS))) * 1e6, 9);
    // Energy: the chip's power over the whole request cycle, per output token.
    expect(r.energyPerTokenJ).toBeCloseTo((r.powerPerChipW * 144 * tpotS) / (256 * 129), 12);
  });

  test('below the budget, TTFT is the iteration that carries the whole prompt, and a request decodes beside the others’ prompts', () => {
    // B 16, C 8192: k = 1 (1024 ≤ 8192 − 16·128/129); D = 16·128/129, P = 16·1024/129 = 127 on
    // average, but the iteration that carries one prompt carries all its 1024 tokens: a share
    // P/1024 = 16/129 of the iterations, of which the other 15 requests' are 15/16 — so a request
    // decodes beside a prompt in φ = (16/129)·(15/16) = 15/129 of its iterations, alone in the rest.
    const r = feasible(estimateInference({ ...config, batch: 16, chunkTokens: 8192 }));
    const D = (16 * 128) / 129;
    const P = (16 * 1024) / 129;
    expect(r.serving).toMatchObject({ budgetBinds: false, chunksPerPrompt: 1, queueingS: 0, decodeTokens: D, promptTokens: P });
    const withPromptS = iterationS(D, 1024, D + 1);
    const aloneS = iterationS(D, 0, D);
    const share = (P / 1024) * (15 / 16);
    expect(share).toBeCloseTo(15 / 129, 15);
    const tpotS = (1 - share) * aloneS + share * withPromptS;
    expect(r.tpotS).toBeCloseTo(tpotS, 12);
    expect(r.ttftS).toBeCloseTo(withPromptS, 12);
    expect(r.ttftS).toBeGreaterThan(r.tpotS);
    expect(r.tokensPerS).toBeCloseTo((16 * 129) / (r.ttftS + 128 * tpotS), 6);
    // The mean iteration is not the average iteration T(D + P): a dense model's weights are read
    // once either way, but the roofline's max makes the two differ.
    expect(r.tpotS).not.toBeCloseTo(iterationS(D, P, D + P / 1024), 9);
  });

  test('one request in flight decodes alone after its prefill', () => {
    // B 1: D = 128/129 and one prompt per request, its own; nothing else comes by while it decodes.
    const r = feasible(estimateInference({ ...config, batch: 1, chunkTokens: 8192 }));
    const D = 128 / 129;
    expect(r.tpotS).toBeCloseTo(iterationS(D, 0, D), 12);
    expect(r.ttftS).toBeCloseTo(iterationS(D, 1024, D + 1), 12);
  });

  test('Little’s law holds: λ·(TTFT + n·TPOT) = B, below and above the budget', () => {
    for (const batch of [1, 8, 64, 512]) {
      const r = feasible(estimateInference({ ...config, batch, chunkTokens: 8192 }));
      const s = r.serving!;
      expect(s.requestsPerS * r.requestLatencyS).toBeCloseTo(batch, 9);
      expect(r.tokensPerS).toBeCloseTo(s.requestsPerS * 129, 6);
      // A prompt takes at least its k iterations.
      expect(r.ttftS).toBeGreaterThanOrEqual(s.chunksPerPrompt * r.tpotS * (1 - 1e-12));
      // When the budget binds, D = λ·n·TPOT exactly: the iteration's decode tokens are the sequences past their first token.
      if (s.budgetBinds) expect(s.requestsPerS * 128 * r.tpotS).toBeCloseTo(s.decodeTokens, 9);
    }
  });

  test('counting the prompts makes throughput lower than the static decode-only rate', () => {
    const continuous = feasible(estimateInference({ ...config, chunkTokens: 8192, batch: 64 }));
    const staticBatch = feasible(estimateInference({ ...config, chunkTokens: 8192, batch: 64, schedule: 'static' }));
    expect(staticBatch.schedule).toBe('static');
    expect(staticBatch.serving).toBeNull();
    expect(continuous.tokensPerS).toBeLessThan(staticBatch.tokensPerS);
    // Static keeps its decode-only rate: B / TPOT.
    expect(staticBatch.tokensPerS).toBeCloseTo(64 / staticBatch.tpotS, 9);
  });

  test('the chunk budget bounds the activation workspace', () => {
    const small = feasible(estimateInference({ ...config, chunkTokens: 512 }));
    const large = feasible(estimateInference({ ...config, chunkTokens: 8192 }));
    expect(large.memoryPerChipBytes.activations).toBeGreaterThan(small.memoryPerChipBytes.activations);
    expect(small.inputs.chunkTokens).toBe(512);
  });

  test('the workspace holds the largest iteration of the steady state, one micro-batch of it', () => {
    // B 256, S_in 1024, n 128, C 2048: the budget binds (256·1152 ≥ 2048·(128 + 1)), so C per stage
    expect(workspaceTokens(256, 1024, 129, 2048, 1, 'continuous')).toBe(2048);
    expect(workspaceTokens(256, 1024, 129, 2048, 4, 'continuous')).toBe(512);
    // B 6, S_in 2048, n 255, C 8192: k = 1, D = 6·255/256; the TTFT iteration carries the prompt's
    // 2048 tokens beside them (more than the average P = 6·2048/256 = 48), over 10 stages
    expect(workspaceTokens(6, 2048, 256, 8192, 10, 'continuous')).toBeCloseTo((6 * 255) / 256 / 10 + 2048 / 10, 12);
    // static prefill: the batch's prompts in chunks of C, at least the batch
    expect(workspaceTokens(6, 2048, 256, 8192, 10, 'static')).toBe(8192);
    expect(workspaceTokens(6, 1, 256, 8192, 1, 'static')).toBe(6);
  });

  test('Llama 3.1 70B fits 640 SRAM-only chips at batch 6: the workspace is the chunk processed, not 8,192 tokens', () => {
    const lpu: InferenceConfig = {
      model: llama70b,
      chip: testLpu, // 230 MB of SRAM per chip, all usable in the fixture
      chips: 640,
      parallelism: { tp: 64, pp: 10, ep: 1 },
      batch: 6,
      inputTokens: 2048,
      outputTokens: 256,
      precision: { weights: 'int8', kvCache: 'fp16', activations: 'fp16' },
    };
    const r = feasible(estimateInference(lpu));
    expect(r.feasible).toBe(true);
    // per chip: 8 layers of (q,k,v 8192·128·3 + out 128·8192 + FFN 3·8192·28672/64) + the LM head /64, 1 B each
    const weights = 8 * (8192 * 128 * 3 + 128 * 8192 + (3 * 8192 * 28672) / 64) + (128256 * 8192) / 64;
    expect(r.memoryPerChipBytes.weights).toBeCloseTo(weights, 0); // 138 MB
    // KV: 6 sequences · 2304 tokens · 8 layers · 2·1·128 (one replicated KV head) · 2 B = 56.6 MB
    expect(r.memoryPerChipBytes.kvCache).toBeCloseTo(6 * 2304 * 8 * 256 * 2, 0);
    // workspace: (6·255/256 + 2048)/10 tokens · max(d + 3·128, d + 2·28672/64) = 9088 wide · 2 B,
    // plus the fp32 logits of 6 sequences over V/64: 3.78 MB, where 8192 tokens took 149 MB
    const workspace = (((6 * 255) / 256 + 2048) / 10) * 9088 * 2 + 6 * (128256 / 64) * 4;
    expect(r.memoryPerChipBytes.activations).toBeCloseTo(workspace, 0);
    expect(r.memoryPerChipBytes.total).toBeLessThan(230e6);
    // a static batch still prefills 8192-token chunks, and does not fit
    expect(estimateInference({ ...lpu, schedule: 'static' }).reason).toBe('capacity');
  });

  test('bad schedule or budget is an input error naming the field', () => {
    expect(() => estimateInference({ ...config, schedule: 'dynamic' as never })).toThrow(/schedule must be one of continuous, static/);
    expect(() => estimateInference({ ...config, chunkTokens: 0 })).toThrow(/chunkTokens must be a positive integer/);
  });
});
