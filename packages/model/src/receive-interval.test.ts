import { describe, expect, test } from 'vitest';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import { feasible, llama70bOn8 } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// docs/MODEL.md §6, "Receive interval": the scheduler takes in new requests every N iterations,
// so an arrival waits N/2 mean iterations for the next intake before its prompt can start.
describe('the receive interval (receiveInterval)', () => {
  const base: InferenceConfig = { ...llama70bOn8, batch: 16, schedule: 'continuous' };

  test('every 30 iterations: each request waits 15 iterations before its prompt, and the loop serves less', () => {
    const plain = feasible(estimateInference(base));
    const r = feasible(estimateInference({ ...base, receiveInterval: 30 }));
    // no speculation: the mean iteration is TPOT; the wait 30 · TPOT / 2 (no t_req on the test GPU)
    const waitS = (30 * plain.tpotS) / 2;
    expect(r.tpotS).toBe(plain.tpotS);
    expect(r.ttftS).toBeCloseTo(plain.ttftS + waitS, 12);
    expect(r.requestLatencyS).toBeCloseTo(plain.requestLatencyS + waitS, 12);
    expect(r.serving!.queueingS).toBeCloseTo(plain.serving!.queueingS + waitS, 12);
    // Little's law over the closed loop of 16: tokens/s = B·S_out / request latency
    expect(r.tokensPerS).toBeCloseTo((16 * base.outputTokens) / r.requestLatencyS, 9);
    expect(r.tokensPerS).toBeLessThan(plain.tokensPerS);
    expect(r.inputs.receiveInterval).toBe(30);
    expect(plain.inputs.receiveInterval).toBeNull();
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
