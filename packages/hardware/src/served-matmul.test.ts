import { describe, expect, it } from 'vitest';
import { efficiencyAt } from './efficiency.ts';
import { HOPPER_FP8_ACHIEVABLE, HOPPER_SERVED_FLOP, SERVED_MATMUL_SHARE, servedMatmul } from './served-matmul.ts';

describe('served matmuls', () => {
  it("takes Hopper's fitted serving curve over its FP8 achievable matmul as the share", () => {
    // H200 FP8 MAMF 1,453.4 of 1,979 TFLOPS = 0.73441; H100's 2023 fit 0.3 at 128 FLOP/byte, 0.55 at 4,096
    expect(HOPPER_FP8_ACHIEVABLE).toBeCloseTo(0.73441, 5);
    expect(HOPPER_SERVED_FLOP).toEqual([[128, 0.3], [4096, 0.55]]);
    // 0.3 / 0.73441 = 0.40849 → 0.408; 0.55 / 0.73441 = 0.74890 → 0.749
    expect(SERVED_MATMUL_SHARE.points).toEqual([[128, 0.408], [4096, 0.749]]);
  });

  it('scales a benchmark figure into a curve over arithmetic intensity, rounded to 0.001', () => {
    // B200's BF16 MAMF 0.776: 0.776 × 0.408 = 0.3166 → 0.317; 0.776 × 0.749 = 0.5812 → 0.581
    const served = servedMatmul({ value: 0.776, source: 'B200 BF16 MAMF' });
    expect('curve' in served ? served.curve : undefined).toEqual([[128, 0.317], [4096, 0.581]]);
    expect('over' in served ? served.over : undefined).toBe('arithmeticIntensity');
    // halfway up the curve (2,112 FLOP/byte) the value is the mean of its ends: (0.317 + 0.581) / 2 = 0.449
    expect(efficiencyAt(served, 2112)).toBeCloseTo(0.449, 9);
    // beyond its ends it holds them
    expect(efficiencyAt(served, 1)).toBe(0.317);
    expect(efficiencyAt(served, 1e6)).toBe(0.581);
    // the source keeps the benchmark's and names the share
    expect(served.source).toMatch(/^served: the achievable matmul 0\.776 × 0\.408 at 128 FLOP\/byte, 0\.749 at 4096 FLOP\/byte .*; achievable: B200 BF16 MAMF$/);
  });

  it('refuses a curve, which is no benchmark figure', () => {
    expect(() => servedMatmul({ curve: [[1, 0.2], [100, 0.6]], over: 'arithmeticIntensity', source: 'fit' })).toThrow(/must be a constant.*\(fit\)/);
  });
});
