import { describe, expect, test } from 'vitest';
import { layerKernelWeights, REFERENCE_LAYER_KERNELS } from './layer-overhead.ts';
import { stageCost, type PhaseContext } from './phase.ts';
import { deepseekV3, llama70b, mixtral, testGpu, testPhaseContext } from './test-fixtures.ts';

describe('t_layer weighted by the kernels a layer launches (docs/MODEL.md §2)', () => {
  test('the reference layer is standard attention (5 kernels) and a dense FFN (4)', () => {
    expect(REFERENCE_LAYER_KERNELS).toBe(9);
    // Llama: every layer is the reference layer
    expect(layerKernelWeights(llama70b)).toEqual({ dense: 1, moe: 1 });
  });

  test('MLA and MoE layers count their own kernels', () => {
    // DeepSeek-V3: MLA (9) + dense FFN (4) in its 3 leading layers, MLA (9) + routed (8) + shared experts (3) in the rest
    expect(layerKernelWeights(deepseekV3)).toEqual({ dense: 13 / 9, moe: 20 / 9 });
    // Mixtral: standard attention (5) + routed experts (8), no shared experts
    expect(layerKernelWeights(mixtral).moe).toBe(13 / 9);
  });

  test("a decode stage's overhead is (L_dense·κ_dense + L_moe·κ_moe)·t_layer", () => {
    const tLayerS = 10e-6;
    const chip = { ...testGpu, efficiency: { ...testGpu.efficiency, layerOverheadS: { value: tLayerS, source: 'test' } } };
    const ctx = (model: typeof llama70b, pp: number): PhaseContext =>
      testPhaseContext(model, { chip, pp, precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' }, peakFlopsPerS: 1979e12 });
    // Llama 3.1 70B, 80 layers on one stage: 80 × 10 µs = 800 µs
    expect(stageCost(ctx(llama70b, 1), 'decode', 8, 2048, 8).overheadS).toBeCloseTo(800e-6, 15);
    // DeepSeek-V3, 61 layers (3 dense, 58 MoE): (3 × 13/9 + 58 × 20/9) × 10 µs = (39 + 1160)/9 × 10 µs = 1332.2 µs
    expect(stageCost(ctx(deepseekV3, 1), 'decode', 8, 2048, 8).overheadS).toBeCloseTo((1199 / 9) * 10e-6, 15);
    // over 4 stages the slowest holds 16 MoE layers: 16 × 20/9 × 10 µs = 355.6 µs
    expect(stageCost(ctx(deepseekV3, 4), 'decode', 8, 2048, 8).overheadS).toBeCloseTo(((16 * 20) / 9) * 10e-6, 15);
  });
});
