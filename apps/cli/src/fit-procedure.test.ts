import { describe, expect, it } from 'vitest';
import { outOfSampleOf, round3 } from './fit-procedure.ts';

describe('outOfSampleOf: the held-out predictions\' median |error| as a plugin quotes it', () => {
  it('throughput from the rate rows, tokens/s per user from the TPOT rows (1/TPOT), TTFT from the TTFT rows', () => {
    const held = [
      // throughput: +10%, −20%, +30% → |errors| 0.1, 0.2, 0.3 → median 0.2
      { metric: 'tokens_per_s_per_chip', measured: 100, predicted: 110 },
      { metric: 'output_tokens_per_s_per_chip', measured: 100, predicted: 80 },
      { metric: 'tokens_per_s_per_chip', measured: 100, predicted: 130 },
      // tokens/s per user: measured 1/0.02 = 50, predicted 1/0.025 = 40 → 40/50 − 1 = −0.2;
      // measured 1/0.02, predicted 1/0.016 = 62.5 → +0.25 → median of 0.2, 0.25 = 0.225
      { metric: 'tpot_s', measured: 0.02, predicted: 0.025 },
      { metric: 'tpot_s', measured: 0.02, predicted: 0.016 },
      // TTFT: 0.5 s predicted for 0.4 s → +0.25
      { metric: 'ttft_s', measured: 0.4, predicted: 0.5 },
      // a request latency states none of the three
      { metric: 'request_latency_s', measured: 10, predicted: 30 },
    ] as const;
    const o = outOfSampleOf(held, 3)!;
    expect(o.throughput).toBeCloseTo(0.2, 12);
    expect(o.interactivity).toBeCloseTo(0.225, 12);
    expect(o.ttft).toBeCloseTo(0.25, 12);
    expect([o.rows, o.curves]).toEqual([7, 3]);
    expect(round3(o.interactivity)).toBe(0.225);
  });

  it('quotes nothing without a throughput row or without a TPOT row, the two a quoted error states; TTFT only where measured', () => {
    expect(outOfSampleOf([{ metric: 'tpot_s', measured: 0.02, predicted: 0.025 }], 2)).toBeUndefined();
    expect(outOfSampleOf([{ metric: 'tokens_per_s_per_chip', measured: 100, predicted: 110 }], 2)).toBeUndefined();
    const noTtft = outOfSampleOf([{ metric: 'tokens_per_s_per_chip', measured: 100, predicted: 110 }, { metric: 'tpot_s', measured: 0.02, predicted: 0.025 }], 2)!;
    expect('ttft' in noTtft).toBe(false);
  });
});
