import { describe, expect, test } from 'vitest';
import { InputError } from './errors.ts';
import { admittedByMemory, estimateInference } from './inference.ts';
import { memoryPerChip } from './memory.ts';
import { feasible, llama70bOn8, roomyGpu, testGpu } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// docs/MODEL.md §6, "Engine cap": B clients per replica, K = maxBatch in flight. The engine runs
// as it would at K; by Little's law its rate λ = K/L_K serves the B clients in B/λ = L_K·B/K, so
// each waits L_K·(B − K)/K before its first token.
describe('the engine cap on requests in flight (maxBatch)', () => {
  const atCap: InferenceConfig = { ...llama70bOn8, batch: 16, schedule: 'continuous' };

  test('48 clients on 16 slots: the figures at 16, and each request waits 2·L₁₆ for a slot', () => {
    const k = feasible(estimateInference(atCap));
    const b = feasible(estimateInference({ ...atCap, batch: 48, maxBatch: 16 }));
    // (48 − 16)/16 = 2 request latencies of the engine at 16 in flight (no t_req on the test GPU)
    const waitS = (k.requestLatencyS * (48 - 16)) / 16;
    expect(b.ttftS).toBe(k.ttftS + waitS);
    expect(b.requestLatencyS).toBe(k.requestLatencyS + waitS);
    // Little's law closes over all 48 clients: λ·latency = 48, with λ the engine's at 16
    expect((k.tokensPerS / atCap.outputTokens) * b.requestLatencyS).toBeCloseTo(48, 9);
    expect(b.serving!.queueingS).toBe(k.serving!.queueingS + waitS);
    // what the chips do is the engine's at 16: rates, cost, power, energy, memory
    for (const field of ['tpotS', 'tokensPerS', 'tokensPerSPerUser', 'totalTokensPerSPerChip', 'costPerMillionTokensUsd', 'powerPerChipW', 'energyPerTokenJ'] as const) {
      expect(b[field]).toBe(k[field]);
    }
    expect(b.memoryPerChipBytes).toEqual(k.memoryPerChipBytes);
    expect(b.inputs.batch).toBe(48);
    expect(b.inputs.maxBatch).toBe(16);
    expect(b.explanation).toMatch(/32 of the 48 requests per replica wait for one of its 16 slots/);
    expect(b.serving!.admission).toEqual({ requestsInFlight: 16, limitedBy: 'maxBatch' });
    expect(k.serving!.admission).toBeNull();
  });

  test('a cap at or above the batch changes nothing but the input it records', () => {
    const plain = feasible(estimateInference(atCap));
    for (const maxBatch of [16, 17, 4096]) {
      const r = feasible(estimateInference({ ...atCap, maxBatch }));
      expect({ ...r, inputs: { ...r.inputs, maxBatch: null } }).toEqual(plain);
      expect(r.inputs.maxBatch).toBe(maxBatch);
    }
  });

  test('disaggregated: per decode worker, with the same wait', () => {
    const base: InferenceConfig = { ...llama70bOn8, chip: roomyGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 8, disaggregation: { prefillWorkers: 1, decodeWorkers: 2 } };
    const k = feasible(estimateInference(base));
    const b = feasible(estimateInference({ ...base, batch: 10, maxBatch: 8 }));
    const waitS = (k.requestLatencyS * (10 - 8)) / 8;
    expect(b.ttftS).toBe(k.ttftS + waitS);
    expect(b.tokensPerSPerChip).toBe(k.tokensPerSPerChip);
    expect(b.disaggregation).toEqual(k.disaggregation);
    expect(b.explanation).toMatch(/2 of the 10 requests per decode worker wait/);
  });

  test('t_req stays out of the latency the wait is counted from', () => {
    const chip = { ...roomyGpu, efficiency: { ...roomyGpu.efficiency, requestOverheadS: { value: 0.1, source: 'test' } } };
    const k = feasible(estimateInference({ ...atCap, chip }));
    const b = feasible(estimateInference({ ...atCap, chip, batch: 32, maxBatch: 16 }));
    expect(b.ttftS).toBe(k.ttftS + ((k.requestLatencyS - 0.1) * 16) / 16);
  });

  test('a request that does not fit at the cap is infeasible as the engine at the cap is', () => {
    const r = estimateInference({ ...atCap, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 64, maxBatch: 32 });
    expect(r.feasible).toBe(false);
    expect(r.reason).toBe('capacity');
    expect(r.inputs.batch).toBe(64);
    expect(r.inputs.maxBatch).toBe(32);
  });

  // An engine schedules against its KV cache pool: with a cap, the requests it holds are also the
  // most whose KV cache fits beside the weights (at the end of generation, MODEL.md §4).
  describe('admission by memory', () => {
    const capacityAt = (k: number): number => {
      const m = memoryPerChip({ model: atCap.model, chip: testGpu, tp: 8, pp: 1, ep: 1, batch: k, inputTokens: 2048, outputTokens: 256, precision: atCap.precision, schedule: 'continuous' });
      return m.total;
    };
    // a chip whose usable memory holds 10 requests and 1 kB more
    const usable = capacityAt(10) + 1e3;
    const chip = { ...testGpu, memory: { ...testGpu.memory, capacityBytes: { value: usable / testGpu.memory.usableFraction.value, source: 'test' } } };

    test('48 clients, 32 slots, memory for 10: 10 run and 38 wait 3.8·L₁₀', () => {
      // each request's KV cache per chip: 2,304 cached tokens · 80 layers · 8 KV heads · 128 · (K, V) · 2 B / TP 8
      const kvPerRequest = (2304 * 80 * 8 * 128 * 2 * 2) / 8;
      const ten = memoryPerChip({ model: atCap.model, chip, tp: 8, pp: 1, ep: 1, batch: 10, inputTokens: 2048, outputTokens: 256, precision: atCap.precision, schedule: 'continuous' });
      expect(ten.kvCache).toBe(10 * kvPerRequest);
      expect(capacityAt(11) - capacityAt(10)).toBeGreaterThan(1e3);
      const k = feasible(estimateInference({ ...atCap, chip, batch: 10 }));
      const b = feasible(estimateInference({ ...atCap, chip, batch: 48, maxBatch: 32 }));
      const waitS = (k.requestLatencyS * (48 - 10)) / 10;
      expect(b.ttftS).toBe(k.ttftS + waitS);
      expect(b.tokensPerS).toBe(k.tokensPerS);
      expect(b.memoryPerChipBytes).toEqual(k.memoryPerChipBytes);
      expect(b.serving!.admission).toEqual({ requestsInFlight: 10, limitedBy: 'memory' });
      expect(b.inputs.batch).toBe(48);
      expect(b.inputs.maxBatch).toBe(32);
      expect(b.explanation).toMatch(/38 of the 48 requests per replica wait for room: its memory holds the KV cache of 10 requests, below its 32 slots/);
    });

    test('a cap at the batch admits by memory too; without a cap the batch must fit', () => {
      const b = feasible(estimateInference({ ...atCap, chip, batch: 24, maxBatch: 24 }));
      expect(b.serving!.admission).toEqual({ requestsInFlight: 10, limitedBy: 'memory' });
      const uncapped = estimateInference({ ...atCap, chip, batch: 24 });
      expect(uncapped.feasible).toBe(false);
      expect(uncapped.reason).toBe('capacity');
    });

    test('slots that fit take precedence: memory for 10, 8 slots', () => {
      const b = feasible(estimateInference({ ...atCap, chip, batch: 48, maxBatch: 8 }));
      expect(b.serving!.admission).toEqual({ requestsInFlight: 8, limitedBy: 'maxBatch' });
    });

    test('the bisection: the largest fitting count below the slots, in ⌈log₂⌉ steps', () => {
      const calls: number[] = [];
      const fitsUpTo = (limit: number) => (k: number) => {
        calls.push(k);
        return k <= limit ? feasible(estimateInference({ ...atCap, chip: roomyGpu })) : estimateInference({ ...atCap, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 } });
      };
      expect(admittedByMemory(100, fitsUpTo(37))).toBe(37);
      // k = 1, then halving the 99 candidates [1, 99]: 6 or 7 probes
      expect(calls.length).toBeGreaterThanOrEqual(1 + Math.floor(Math.log2(99)));
      expect(calls.length).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(99)));
      expect(admittedByMemory(100, fitsUpTo(500))).toBe(99);
      expect(admittedByMemory(2, fitsUpTo(1))).toBe(1);
      expect(admittedByMemory(100, fitsUpTo(0))).toBe(0);
    });
  });

  test('bad caps are errors naming the field', () => {
    expect(() => estimateInference({ ...atCap, maxBatch: 0 })).toThrow(InputError);
    expect(() => estimateInference({ ...atCap, maxBatch: 1.5 })).toThrow(/maxBatch must be/);
    expect(() => estimateInference({ ...atCap, schedule: 'static', maxBatch: 8 })).toThrow(/maxBatch caps the requests in flight of the continuous schedule/);
  });
});
