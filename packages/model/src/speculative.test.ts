import { describe, expect, test } from 'vitest';
import { estimateInference } from './inference.ts';
import { memoryPerChip } from './memory.ts';
import { expectedTokensPerStep } from './speculative.ts';
import { steadyState } from './serving.ts';
import { deepseekV3, llama70b, llamaByHand, roomyGpu, feasible } from './test-fixtures.ts';
import type { InferenceConfig, ModelSpec, SpeculativeConfig } from './types.ts';

describe('expectedTokensPerStep: E = 1 + a₁ + a₁a₂ + …', () => {
  test('γ = 1: E = 1 + a', () => {
    expect(expectedTokensPerStep([0.8])).toBeCloseTo(1.8, 15);
  });

  test('γ = 3 with one a: (1 − a⁴)/(1 − a)', () => {
    // 1 + 0.8 + 0.64 + 0.512 = 2.952 = (1 − 0.4096)/0.2
    expect(expectedTokensPerStep([0.8, 0.8, 0.8])).toBeCloseTo(2.952, 14);
    expect(expectedTokensPerStep([0.8, 0.8, 0.8])).toBeCloseTo((1 - 0.8 ** 4) / (1 - 0.8), 14);
  });

  test('γ = 3, one a per position: 1 + 0.9 + 0.9·0.7 + 0.9·0.7·0.5', () => {
    expect(expectedTokensPerStep([0.9, 0.7, 0.5])).toBeCloseTo(1 + 0.9 + 0.63 + 0.315, 14);
  });
});

describe('steadyState with speculation: g = γ + 1 verified tokens per sequence, n′ = n/E iterations', () => {
  test('the budget binds: D = C·n′/(S_in + g·n′), P = C − g·D', () => {
    // B 256, S_in 1024, S_out 129 (n = 128), C 2048, γ 1, E 1.8: n′ = 71.11, g·n′ = 142.2;
    // k_bind = ⌈1166.2/2048⌉ = 1 and 256·1166.2 ≥ 2048·72.11, so it binds.
    const s = steadyState(256, 1024, 129, 2048, { verifyTokens: 2, expectedTokens: 1.8 });
    const n = 128 / 1.8;
    expect(s.budgetBinds).toBe(true);
    expect(s.decodeTokens).toBeCloseTo((2048 * n) / (1024 + 2 * n), 10);
    expect(s.promptTokens).toBeCloseTo(2048 - 2 * s.decodeTokens, 10);
  });

  test('below the budget: D = B·n′/(n′ + k), P = B·S_in/(n′ + k), and g·D + P ≤ C', () => {
    const s = steadyState(16, 2048, 257, 8192, { verifyTokens: 4, expectedTokens: 2.5 });
    const n = 256 / 2.5;
    expect(s.budgetBinds).toBe(false);
    expect(s.chunksPerPrompt).toBe(1); // 2048 ≤ 8192 − 4·16·n′/(n′ + 1)
    expect(s.decodeTokens).toBeCloseTo((16 * n) / (n + 1), 12);
    expect(s.promptTokens).toBeCloseTo((16 * 2048) / (n + 1), 12);
    expect(4 * s.decodeTokens + s.promptTokens).toBeLessThanOrEqual(8192);
  });
});

// A dense model with one MTP module (Llama 3.1 70B's shapes, hypothetically), on one roomy test GPU:
// 989 TFLOP/s × η_flop 0.5, 3.35 TB/s × η_mem 0.8, TP 1 (no collectives), no per-layer overhead.
const withMtp: ModelSpec = { ...llama70b, id: 'llama-mtp', mtpModules: 1 };
const { BW, roofline, d, qkv, out, ffn, head, qkvWidth, attnWidth, kvPerToken } = llamaByHand;

/** One layer's time for D decode tokens at context c beside P prompt tokens of prompts `length` long (bf16). */
function layerS(D: number, c: number, P: number, length: number): number {
  const T = D + P;
  return (
    roofline(2 * T * qkv, qkv * 2 + T * (d + qkvWidth) * 2) +
    roofline(2 * 64 * 256 * c * D, D * (c + 1) * kvPerToken * 2 + D * (qkvWidth + attnWidth) * 2) +
    (P > 0 ? roofline(2 * 64 * 256 * (length / 2) * P, P * kvPerToken * 2 + P * (qkvWidth + attnWidth) * 2) : 0) +
    roofline(2 * T * out, out * 2 + T * (attnWidth + d) * 2) +
    roofline(2 * T * ffn, ffn * 2 + T * (2 * d + 2 * 28672) * 2)
  );
}
/** The LM head for `logits` tokens and the embedding gather for T tokens. */
const headS = (logits: number, T: number): number => roofline(2 * logits * head, head * 2 + logits * (d + 128256) * 2) + (T * d * 2) / BW;
/** The MTP module's 2d→d projection for T tokens. */
const projS = (T: number): number => roofline(2 * T * 2 * d * d, 2 * d * d * 2 + T * 3 * d * 2);

describe('estimateInference with MTP, derived by hand', () => {
  const base: InferenceConfig = {
    model: withMtp,
    chip: roomyGpu,
    chips: 1,
    parallelism: { tp: 1, pp: 1, ep: 1 },
    batch: 4,
    inputTokens: 1024,
    outputTokens: 129,
    precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    schedule: 'static',
    speculative: { mode: 'mtp', draftTokens: 1, acceptance: 0.8 },
  };

  test('static: TPOT = (verify pass of B·(γ + 1) tokens + γ MTP passes of B tokens) / E', () => {
    const r = feasible(estimateInference(base));
    const c = 1024 + 129 / 2;
    const verifyS = 80 * layerS(4 * 2, c, 0, 0) + headS(4 * 2, 4 * 2);
    const draftS = layerS(4, c, 0, 0) + headS(4, 4) + projS(4);
    expect(r.tpotS).toBeCloseTo((verifyS + draftS) / 1.8, 12);
    expect(r.tokensPerSPerUser).toBeCloseTo(1.8 / (verifyS + draftS), 6);
    expect(r.inputs.speculative).toMatchObject({ mode: 'mtp', draftTokens: 1, acceptance: [0.8], draftModel: null });
    expect(r.inputs.speculative.expectedTokensPerStep).toBeCloseTo(1.8, 15);
    // the draft's operators are in the decode breakdown, named as such
    expect(r.decode.operators.some((o) => o.name === 'draft:mtp_proj')).toBe(true);
  });

  test('continuous: the steady state with g = 2 and E = 1.8, TTFT with queueing, TPOT = iteration / E', () => {
    const r = feasible(estimateInference({ ...base, schedule: 'continuous', batch: 256, chunkTokens: 2048 }));
    const n = 128 / 1.8;
    const D = (2048 * n) / (1024 + 2 * n);
    const P = 2048 - 2 * D;
    const c = 1024 + 129 / 2;
    const verifyS = 80 * layerS(2 * D, c, P, 1024) + headS(2 * D + P / 1024, 2 * D + P);
    const draftS = layerS(D, c, P, 1024) + headS(D, D + P) + projS(D + P);
    const iterationS = verifyS + draftS;
    expect(r.serving?.budgetBinds).toBe(true);
    expect(r.serving?.decodeTokens).toBeCloseTo(D, 9);
    expect(r.tpotS).toBeCloseTo(iterationS / 1.8, 12);
    // TTFT = B/λ − n′·T with λ = D/(n′·T): T·(B·(S_in + g·n′)/C − n′)
    expect(r.ttftS).toBeCloseTo(iterationS * ((256 * (1024 + 2 * n)) / 2048 - n), 9);
    expect(r.requestLatencyS).toBeCloseTo(r.ttftS + 128 * r.tpotS, 9);
    // Little's law: B·S_out output tokens per request latency
    expect(r.tokensPerSPerChip).toBeCloseTo((256 * 129) / r.requestLatencyS, 6);
  });

  test('the drafter adds one layer, the projection and its KV cache to memory; verification widens the workspace', () => {
    const plain = memoryPerChip({ model: withMtp, chip: roomyGpu, tp: 1, pp: 1, ep: 1, batch: 4, inputTokens: 1024, outputTokens: 129, precision: base.precision });
    const mtp = memoryPerChip({
      model: withMtp, chip: roomyGpu, tp: 1, pp: 1, ep: 1, batch: 4, inputTokens: 1024, outputTokens: 129, precision: base.precision,
      drafter: { model: { ...withMtp, layers: 1 }, mode: 'mtp', verifyTokens: 2 },
    });
    expect(mtp.weights - plain.weights).toBeCloseTo((qkv + out + ffn + 2 * d * d) * 2, 0);
    expect(mtp.kvCache - plain.kvCache).toBeCloseTo(4 * (1024 + 129) * kvPerToken * 2, 0);
  });

  test('speculation with nothing accepted costs more than none', () => {
    const none = feasible(estimateInference({ ...base, speculative: { mode: 'none' } }));
    const wasted = feasible(estimateInference({ ...base, speculative: { mode: 'mtp', acceptance: 0 } }));
    expect(wasted.tpotS).toBeGreaterThan(none.tpotS);
  });

  test('MTP without an MTP module is infeasible, and says what to do', () => {
    const r = estimateInference({ ...base, model: llama70b });
    expect(r.feasible).toBe(false);
    expect(r.reason).toBe('speculative_unsupported');
    expect(r.explanation).toMatch(/ships no multi-token-prediction module/);
  });

  test('MTP beside data-parallel attention: each chip drafts for its own sequences, with its own drafter KV cache', () => {
    const model = { ...deepseekV3, mtpModules: 1 };
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const big = { ...roomyGpu, memory: { ...roomyGpu.memory, capacityBytes: { value: 2e12, source: 'test' } } };
    const memory = (drafter: boolean) =>
      memoryPerChip({
        model, chip: big, tp: 8, pp: 1, ep: 8, batch: 10, inputTokens: 1024, outputTokens: 128, precision: fp8, attentionSharding: 'dp',
        ...(drafter ? { drafter: { model: { ...model, layers: 1, moe: { ...model.moe!, denseLayers: 0 } }, mode: 'mtp' as const, verifyTokens: 4 } } : {}),
      });
    // the busiest chip holds ⌈10/8⌉ = 2 sequences' drafter KV: 2 · (1024 + 128) tokens · (r_kv 512 + d_rope 64) · 1 byte
    expect(memory(true).kvCache - memory(false).kvCache).toBeCloseTo(2 * 1152 * 576 * 1, 0);
    const config = { ...base, model, chip: big, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64, precision: fp8, attentionSharding: 'dp' as const };
    const mtp = feasible(estimateInference({ ...config, speculative: { mode: 'mtp', draftTokens: 3 } }));
    const none = feasible(estimateInference({ ...config, speculative: { mode: 'none' } }));
    expect([mtp.feasible, none.feasible]).toEqual([true, true]);
    // three drafted tokens at 0.85 each advance E = 1 + 0.85 + 0.85² + 0.85³ ≈ 3.18 per step, for one
    // verification of 4 tokens and 3 one-layer draft passes: TPOT falls
    expect(mtp.tpotS).toBeLessThan(none.tpotS);
  });

  test('a draft model runs its own layers; MTP on DeepSeek-V3 uses its module', () => {
    const draft = estimateInference({ ...base, model: llama70b, speculative: { mode: 'draft', draftModel: { ...llama70b, id: 'tiny', layers: 2 }, draftTokens: 3, acceptance: [0.9, 0.7, 0.5] } });
    expect(draft.feasible).toBe(true);
    expect(draft.inputs.speculative.draftModel).toBe('tiny');
    expect(draft.inputs.speculative.expectedTokensPerStep).toBeCloseTo(2.845, 14);
    const ds = estimateInference({ ...base, model: { ...deepseekV3, mtpModules: 1 }, chip: { ...roomyGpu, memory: { ...roomyGpu.memory, capacityBytes: { value: 2e12, source: 'test' } } }, precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } });
    expect(ds.feasible).toBe(true);
    expect(ds.inputs.speculative.source).toBe('given');
  });

  test.each([
    [{ mode: 'mtp', acceptance: 1.5 }, 'speculative.acceptance must be probabilities in [0, 1], got 1.5'],
    [{ mode: 'mtp', draftTokens: 2, acceptance: [0.9] }, 'speculative.acceptance lists 1 probabilities for 2 draft tokens; give one per draft token, or a single value for all'],
    [{ mode: 'mtp', draftTokens: 17 }, 'speculative.draftTokens must be an integer from 1 to 16, got 17'],
    [{ mode: 'draft', acceptance: 0.7 }, 'speculative.draftModel is required with mode draft: the small model that drafts the tokens'],
    [{ mode: 'draft', draftModel: llama70b }, 'speculative.acceptance is required with a draft model: the probability each draft token is accepted (one value, or one per draft token)'],
  ] as const)('rejects %j', (speculative, message) => {
    expect(() => estimateInference({ ...base, speculative: speculative as SpeculativeConfig })).toThrow(message);
  });
});

describe('MTP modules of a model with a sliding window', () => {
  test('attend to the full context: the draft pass does the same attention work as without the window', () => {
    // The window covers 40 of the model's 80 layers; the one MTP module is not one of them. Before,
    // the drafter kept the window's 40 layers over its 1, and its attention work came out negative.
    const windowed = { ...withMtp, slidingWindow: { windowTokens: 512, windowedLayers: 40 } };
    const config = { model: windowed, chip: roomyGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 4, inputTokens: 2048, outputTokens: 129, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' }, schedule: 'static', speculative: { mode: 'mtp', draftTokens: 1, acceptance: 0.8 } } as const;
    const draftAttention = (model: ModelSpec) => feasible(estimateInference({ ...config, model })).decode.operators.find((o) => o.name === 'draft:attention')!;
    const withWindow = draftAttention(windowed);
    expect(withWindow.flops).toBeGreaterThan(0);
    expect(withWindow.bytes).toBeGreaterThan(0);
    expect(withWindow.flops).toBe(draftAttention(withMtp).flops);
  });
});

describe("a serving stack's fitted figures: MTP acceptance and t_req (efficiency.mtpAcceptance, efficiency.requestOverheadS)", () => {
  const stackGpu = {
    ...roomyGpu,
    efficiency: {
      ...roomyGpu.efficiency,
      mtpAcceptance: { value: 0.5, source: 'fit: a stack' },
      requestOverheadS: { value: 0.15, source: 'fit: a stack' },
    },
  };
  const config: InferenceConfig = {
    model: withMtp,
    chip: stackGpu,
    chips: 1,
    parallelism: { tp: 1, pp: 1, ep: 1 },
    batch: 16,
    inputTokens: 1024,
    outputTokens: 129,
    precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    speculative: { mode: 'mtp', draftTokens: 3 },
  };

  test('MTP without a given acceptance takes the chip\'s: E = 1 + 0.5 + 0.25 + 0.125 = 1.875, and says where it came from', () => {
    const r = feasible(estimateInference(config));
    expect(r.inputs.speculative.acceptance).toEqual([0.5, 0.5, 0.5]);
    expect(r.inputs.speculative.expectedTokensPerStep).toBe(1.875);
    expect(r.inputs.speculative.source).toMatch(/efficiency\.mtpAcceptance, 0\.5 per draft position: fit: a stack$/);
    // a given acceptance wins, and the same acceptance given gives the same figures
    expect(feasible(estimateInference({ ...config, speculative: { mode: 'mtp', draftTokens: 3, acceptance: 0.8 } })).inputs.speculative.acceptance).toEqual([0.8, 0.8, 0.8]);
    expect(feasible(estimateInference({ ...config, speculative: { mode: 'mtp', draftTokens: 3, acceptance: 0.5 } })).tpotS).toBe(r.tpotS);
  });

  test.each([['continuous', 0.15], ['static', 0]] as const)('%s: t_req adds %f s to TTFT and request latency (a static batch has no front end), and nothing else', (schedule, added) => {
    const { requestOverheadS: _omit, ...withoutOverhead } = stackGpu.efficiency;
    void _omit;
    const at = feasible(estimateInference({ ...config, schedule }));
    const without = feasible(estimateInference({ ...config, schedule, chip: { ...stackGpu, efficiency: withoutOverhead } }));
    expect(at.ttftS).toBe(without.ttftS + added);
    expect(at.requestLatencyS).toBe(without.requestLatencyS + added);
    expect(at.tpotS).toBe(without.tpotS);
    expect(at.tokensPerSPerChip).toBe(without.tokensPerSPerChip);
    expect(at.energyPerTokenJ).toBe(without.energyPerTokenJ);
    expect(at.inputs.efficiencies.requestOverheadS).toEqual({ value: 0.15, source: 'fit: a stack' });
    expect(without.inputs.efficiencies.requestOverheadS.value).toBe(0);
  });
});
