import { describe, expect, test } from 'vitest';
import { InputError } from './errors.ts';
import { contextBalanceOf, estimateInference } from './inference.ts';
import { deepseekV3, feasible, llama70bOn8, roomyGpu } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// docs/MODEL.md §6, "Context balance": with data-parallel attention over r ranks, a prompt waits
// until every rank has one (or N iterations), then the waiting prompts prefill in one iteration.
describe('contextBalanceOf: the prompts one iteration starts together, and their wait', () => {
  test('the timeout comes first: 4 of 8 ranks fill, and the prompts wait 1.2 s less half their spread', () => {
    // λ₁ = 64 / 20 s = 3.2/s; T_out = 60 · 0.02 s = 1.2 s; λ₁·T_out = 3.84 < r − 1 = 7
    // a = min(64, 8, 1 + ⌊3.84⌋) = 4; W = 1.2 − 3/(2·3.2) = 0.73125 s
    const b = contextBalanceOf(60, 8, 64, 8000, 1000, 20, 0.02);
    expect(b.promptsPerIteration).toBe(4);
    expect(b.waitS).toBeCloseTo(1.2 - 3 / 6.4, 12);
  });

  test('the ranks fill first: 8 prompts, the first 7 waiting for the 8th, (8 − 1)/(2λ₁) on average', () => {
    // λ₁ = 64 / 4 s = 16/s; T_out = 1.2 s; λ₁·T_out = 19.2 ≥ 7
    const b = contextBalanceOf(60, 8, 64, 8000, 1000, 4, 0.02);
    expect(b).toEqual({ promptsPerIteration: 8, waitS: 7 / 32 });
  });

  test('fewer clients than ranks: the timeout always starts the iteration, with the clients that came', () => {
    // λ₁ = 4 / 2 s = 2/s; T_out = 100 · 0.02 = 2 s; a = min(4, 8, 1 + ⌊4⌋) = 4; W = 2 − 3/4
    expect(contextBalanceOf(100, 8, 4, 8000, 1000, 2, 0.02)).toEqual({ promptsPerIteration: 4, waitS: 2 - 3 / 4 });
  });

  test('the budget left beside the decode tokens holds 3 chunks of 2,500: 3 prompts run, the wait is for all 8', () => {
    expect(contextBalanceOf(60, 8, 64, 8000, 2500, 4, 0.02)).toEqual({ promptsPerIteration: 3, waitS: 7 / 32 });
  });

  test('no timeout, or one rank: one prompt at a time, no wait', () => {
    expect(contextBalanceOf(0, 8, 64, 8000, 1000, 20, 0.02)).toEqual({ promptsPerIteration: 1, waitS: 0 });
    expect(contextBalanceOf(60, 1, 64, 8000, 1000, 20, 0.02)).toEqual({ promptsPerIteration: 1, waitS: 0 });
  });
});

describe('an engine with context balance', () => {
  const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
  // DeepSeek-V3 on 8 chips, attention data-parallel, experts over EP 8, a budget of 8,192 tokens per
  // rank (C = 8 · 8,192); 2,048-token prompts arrive one at a time (the average prompt tokens per
  // iteration, 64 · 2,048/(255 + 1) = 512, are below a chunk)
  const base: InferenceConfig = {
    ...llama70bOn8,
    model: deepseekV3,
    chip: roomyGpu,
    parallelism: { tp: 8, pp: 1, ep: 8 },
    batch: 64,
    precision: fp8,
    attentionSharding: 'dp',
    schedule: 'continuous',
    chunkTokens: 8 * 8192,
  };

  test('a timeout of 0 iterations changes nothing but the input it records', () => {
    const plain = feasible(estimateInference(base));
    const r = feasible(estimateInference({ ...base, contextBalance: { timeoutIterations: 0 } }));
    expect(r.serving!.contextBalance).toEqual({ promptsPerIteration: 1, waitS: 0 });
    expect({ ...r, inputs: { ...r.inputs, contextBalanceIterations: null }, serving: { ...r.serving!, contextBalance: null } }).toEqual(plain);
    expect(r.inputs.contextBalanceIterations).toBe(0);
  });

  test('a long timeout: the 8 ranks fill, each prompt waits (8 − 1)/(2λ₁), and its iteration carries 8 chunks', () => {
    const plain = feasible(estimateInference(base));
    const r = feasible(estimateInference({ ...base, contextBalance: { timeoutIterations: 100_000 } }));
    expect(plain.serving!.contextBalance).toBeNull();
    // λ₁ from the schedule with prompts alone (no t_req on the test GPU): B / L₁
    const rate = base.batch / plain.requestLatencyS;
    expect(plain.serving!.chunksPerPrompt).toBe(1);
    expect(r.serving!.contextBalance).toEqual({ promptsPerIteration: 8, waitS: 7 / (2 * rate) });
    expect(r.serving!.queueingS).toBe(7 / (2 * rate));
    // the first token: the wait, then one iteration of eight 2,048-token chunks beside the decode
    // tokens, slower than one chunk's, faster than eight of them
    const ownIterationS = r.ttftS - 7 / (2 * rate);
    expect(ownIterationS).toBeGreaterThan(plain.ttftS);
    expect(ownIterationS).toBeLessThan(8 * plain.ttftS);
    // the waits lengthen every request, so the closed loop of 64 serves fewer tokens per second
    expect(r.requestLatencyS).toBeGreaterThan(plain.requestLatencyS);
    expect(r.tokensPerS).toBeCloseTo((base.batch * base.outputTokens) / r.requestLatencyS, 9);
    expect(r.tokensPerS).toBeLessThan(plain.tokensPerS);
  });

  test('rejected where it does not apply, naming the field', () => {
    const error = (config: InferenceConfig): InputError => {
      try {
        estimateInference(config);
      } catch (e) {
        if (e instanceof InputError) return e;
      }
      throw new Error('no InputError');
    };
    const balance = { contextBalance: { timeoutIterations: 60 } };
    expect(error({ ...base, ...balance, schedule: 'static' }).field).toBe('contextBalance');
    expect(error({ ...base, ...balance, attentionSharding: 'heads' }).message).toMatch(/attention over heads/);
    expect(error({ ...base, ...balance, disaggregation: { prefillWorkers: 1, decodeWorkers: 1 } }).message).toMatch(/disaggregation/);
    for (const timeoutIterations of [-1, 1.5, Number.NaN, 2e6]) {
      expect(error({ ...base, contextBalance: { timeoutIterations } }).field).toBe('contextBalance.timeoutIterations');
    }
  });
});
