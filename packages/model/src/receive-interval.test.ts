import { describe, expect, test } from 'vitest';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import { feasible, llama70bOn8 } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// docs/MODEL.md §6, "Receive interval": the scheduler takes in new requests every N iterations and
// after every iteration with prompt tokens, so an arrival waits half of min(N, 1/s) mean iterations,
// s the share of iterations carrying a prompt chunk.
describe('the receive interval (receiveInterval)', () => {
  const base: InferenceConfig = { ...llama70bOn8, batch: 16, schedule: 'continuous' };

  test('every 10 iterations: each request waits 5 iterations before its prompt, and the loop serves less', () => {
    const plain = feasible(estimateInference(base));
    const r = feasible(estimateInference({ ...base, receiveInterval: 10 }));
    // 16 requests of 2,048 + 256 tokens: P = 16·2,048/(255 + 1) = 128 prompt tokens per iteration, a
    // 2,048-token chunk in 1 of 16 iterations, so prompts alone would take requests in every 16; 10
    // comes first. No speculation: the mean iteration is TPOT; the wait 10 · TPOT / 2 (no t_req here)
    expect(plain.serving!.promptTokens).toBeCloseTo(128, 9);
    const waitS = (10 * plain.tpotS) / 2;
    expect(r.tpotS).toBe(plain.tpotS);
    expect(r.ttftS).toBeCloseTo(plain.ttftS + waitS, 12);
    expect(r.requestLatencyS).toBeCloseTo(plain.requestLatencyS + waitS, 12);
    expect(r.serving!.queueingS).toBeCloseTo(plain.serving!.queueingS + waitS, 12);
    // Little's law over the closed loop of 16: tokens/s = B·S_out / request latency
    expect(r.tokensPerS).toBeCloseTo((16 * base.outputTokens) / r.requestLatencyS, 9);
    expect(r.tokensPerS).toBeLessThan(plain.tokensPerS);
    expect(r.inputs.receiveInterval).toBe(10);
    expect(r.serving!.intake).toEqual({ iterations: 10, waitS: (10 * r.tpotS) / 2 });
    expect(plain.serving!.intake).toBeNull();
    expect(plain.inputs.receiveInterval).toBeNull();
  });

  test('every 30 iterations: the prompt iterations, one in 16, take in requests first, so the wait is 8 iterations', () => {
    const plain = feasible(estimateInference(base));
    expect(feasible(estimateInference({ ...base, receiveInterval: 30 })).ttftS).toBeCloseTo(plain.ttftS + (16 * plain.tpotS) / 2, 12);
  });

  test('every iteration: the wait for the iteration in progress, half of one', () => {
    const plain = feasible(estimateInference(base));
    expect(feasible(estimateInference({ ...base, receiveInterval: 1 })).ttftS).toBeCloseTo(plain.ttftS + plain.tpotS / 2, 12);
  });

  test('rejected where it does not apply or out of bounds, naming the field', () => {
    const field = (config: InferenceConfig): string => {
      try {
        estimateInference(config);
      } catch (e) {
        if (e instanceof InputError) return e.field;
      }
      return 'no InputError';
    };
    expect(field({ ...base, receiveInterval: 10, schedule: 'static' })).toBe('receiveInterval');
    expect(field({ ...base, receiveInterval: 10, disaggregation: { prefillWorkers: 1, decodeWorkers: 1 } })).toBe('receiveInterval');
    for (const receiveInterval of [0, -1, 1.5, Number.NaN, 2e6]) expect(field({ ...base, receiveInterval })).toBe('receiveInterval');
  });
});
