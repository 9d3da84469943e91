import { describe, expect, test } from 'vitest';
import { efficiencyAt, type ChipSpec } from '@ridgeline/hardware';
import { calibrateEfficiencies, inferenceRow, metricValue, withEfficiencies, type CalibrationMetric, type FittedEfficiencies, type MeasuredInferenceRow } from './calibrate.ts';
import { estimateInference } from './inference.ts';
import { fitMtpAcceptance, MTP_ACCEPTANCE_GRID, servingCalibrationGrid, servingCalibrationOptions, withMtpAcceptance } from './serving-calibration.ts';
import { deepseekV3, feasible, llama70b, roomyGpu, testGpu } from './test-fixtures.ts';
import type { InferenceConfig, ModelSpec } from './types.ts';

const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
const s = (value: number): { value: number; source: string } => ({ value, source: 'test' });

describe('the serving procedure (docs/MODEL.md §9)', () => {
  test('its grid holds η_net at the chip\'s value and the prefill overlap at 0', () => {
    const grid = servingCalibrationGrid({ ...testGpu, efficiency: { ...testGpu.efficiency, network: s(0.82) } });
    expect(grid.network).toEqual([0.82]);
    expect(grid.commOverlap).toEqual([0]);
    // t_layer up to 145 µs, η_flop down to 0.02 (grouped expert GEMMs at a few tokens per expert)
    expect(grid.layerOverheadS.at(-1)).toBe(145e-6);
    expect(grid.flop[0]).toBe(0.02);
  });

  test('its options fit the experts\' η_flop per precision, rising to the chip\'s own large-GEMM figure, per precision where the chip has one', () => {
    // a chip whose matmuls reach 0.3 → 0.55 (BF16 curve) and 0.4 at FP4 (its own share of the FP4 peak)
    const chip: ChipSpec = {
      ...testGpu,
      efficiency: { ...testGpu.efficiency, flop: { curve: [[128, 0.3], [4096, 0.55]], over: 'arithmeticIntensity', source: 'test' }, flopByPrecision: { fp4: s(0.4) } },
    };
    expect(servingCalibrationOptions(chip, ['fp8'])).toEqual({ flopCurve: false, flopPrecisions: ['fp8'], flopLargeGemm: 0.55, flopForExperts: true });
    expect(servingCalibrationOptions(chip, ['fp8', 'fp4'])).toEqual({ flopCurve: false, flopPrecisions: ['fp8', 'fp4'], flopLargeGemm: 0.55, flopLargeGemmByPrecision: { fp4: 0.4 }, flopForExperts: true });
  });

  // DeepSeek-V3 with its one MTP module, FP8, on 8 roomy test GPUs at TP 8 and EP 8: decode rows at
  // three concurrencies, measured as tokens/s per chip (input and output) and time per output token.
  const withMtp: ModelSpec = { ...deepseekV3, mtpModules: 1 };
  const shape = (batch: number, mtp: boolean): InferenceConfig => ({
    model: withMtp,
    chip: roomyGpu,
    chips: 8,
    parallelism: { tp: 8, pp: 1, ep: 8 },
    batch,
    inputTokens: 1024,
    outputTokens: 1024,
    precision: fp8,
    ...(mtp ? { speculative: { mode: 'mtp' as const, draftTokens: 2 } } : {}),
  });
  const truth: FittedEfficiencies = { flop: 0.1, memory: 0.7, network: 0.8, layerOverheadS: 30e-6, commOverlap: 0, flopByPrecision: { fp8: 0.1 }, flopLargeGemm: 0.5, flopForExperts: true };
  const trueChip = withMtpAcceptance(withEfficiencies(roomyGpu, truth, 'truth'), 0.6, 'truth');
  const measure = (config: InferenceConfig, metric: CalibrationMetric, id: string): MeasuredInferenceRow => {
    const result = feasible(estimateInference({ ...config, chip: trueChip }));
    return { id, config, metric, measured: metricValue(metric, result, { ...config, chip: trueChip }) };
  };
  const rows = [
    ...[4, 32, 128].flatMap((b) =>
      [false, true].flatMap((mtp) => [measure(shape(b, mtp), 'tokens_per_s_per_chip', `b${b}${mtp ? ' mtp' : ''} tput`), measure(shape(b, mtp), 'tpot_s', `b${b}${mtp ? ' mtp' : ''} tpot`)]),
    ),
    // lone prompts of 4k and 16k tokens, compute-bound in the experts' grouped GEMMs: they pin η_flop
    measure({ ...shape(1, false), inputTokens: 4096 }, 'ttft_s', '4k ttft'),
    measure({ ...shape(1, false), inputTokens: 16384 }, 'ttft_s', '16k ttft'),
  ];

  test('fitMtpAcceptance recovers the acceptance that generated the MTP rows, the efficiencies held', () => {
    const fit = fitMtpAcceptance(withEfficiencies(roomyGpu, truth, 'fit'), rows)!;
    expect(fit).toEqual({ acceptance: 0.6, loss: expect.closeTo(0, 12), rows: 6 });
    // each other acceptance misses them: a higher one drafts more tokens per step, so it is faster
    const at = (a: number) => inferenceRow(rows.find((r) => r.id === 'b32 mtp tpot')!).predict(withMtpAcceptance(withEfficiencies(roomyGpu, truth, 'fit'), a, 'x'))!;
    expect(at(0.7)).toBeLessThan(at(0.6));
    expect(at(0.5)).toBeGreaterThan(at(0.6));
    // rows without MTP, or with an acceptance of their own, do not enter it
    expect(fitMtpAcceptance(roomyGpu, rows.filter((r) => r.config.speculative === undefined))).toBeUndefined();
    const given = rows.filter((r) => r.config.speculative !== undefined).map((r) => ({ ...r, config: { ...r.config, speculative: { mode: 'mtp' as const, draftTokens: 2, acceptance: 0.6 } } }));
    expect(fitMtpAcceptance(roomyGpu, given)).toBeUndefined();
    expect(MTP_ACCEPTANCE_GRID).toContain(0.6);
  });

  test('the two steps recover every fitted figure: efficiencies on the rows without MTP, then the acceptance on the rest', { timeout: 240_000 }, () => {
    const plain = rows.filter((r) => r.config.speculative === undefined);
    const grid = servingCalibrationGrid(trueChip);
    // η_net held at the chip's 1.0, so the grid pins 0.8 only if told: give it the truth's to hold
    const fit = calibrateEfficiencies(roomyGpu, plain.map(inferenceRow), { ...grid, network: [0.8] }, { ...servingCalibrationOptions(roomyGpu, ['fp8']), flopLargeGemm: 0.5 })!;
    expect(fit.efficiencies.memory).toBe(0.7);
    expect(fit.efficiencies.layerOverheadS).toBe(30e-6);
    expect(fit.efficiencies.flopByPrecision?.fp8 ?? fit.efficiencies.flop).toBe(0.1);
    expect(fit.medianAbsError).toBeCloseTo(0, 9);
    const acceptance = fitMtpAcceptance(withEfficiencies(roomyGpu, fit.efficiencies, 'fit'), rows)!;
    expect(acceptance.acceptance).toBe(0.6);
    // the experts' η_flop is the fitted curve; the chip's other matmuls keep its own 0.5
    const chip = withEfficiencies(roomyGpu, fit.efficiencies, 'fit');
    expect(efficiencyAt(chip.efficiency.flop, 128)).toBe(0.5);
    // (every row computes at FP8, so the shared value is FP8's: no separate entry lowers the loss)
    const experts = chip.efficiency.expertFlopByPrecision?.fp8 ?? chip.efficiency.expertFlop!;
    expect(efficiencyAt(experts, 128)).toBe(0.1);
    expect(efficiencyAt(experts, 4096)).toBe(0.5);
  });
});

describe('metricValue, serving throughputs', () => {
  test('tokens_per_s_per_chip is input and output tokens per second over every chip', () => {
    const c: InferenceConfig = { model: llama70b, chip: testGpu, chips: 8, parallelism: { tp: 4, pp: 1, ep: 1 }, batch: 64, inputTokens: 1024, outputTokens: 256, precision: fp8 };
    const r = feasible(estimateInference(c));
    // two replicas of 64 requests, each of 1,024 + 256 tokens per request latency ℓ, over 8 chips
    expect(metricValue('tokens_per_s_per_chip', r, c)).toBeCloseTo((2 * 64 * (1024 + 256)) / r.requestLatencyS / 8, 6);
    expect(metricValue('tokens_per_s_per_chip', r, c)).toBe(r.totalTokensPerSPerChip);
  });

  test('a disaggregated deployment\'s throughputs are over all its chips, the prefill pool\'s too', () => {
    // one prefill worker of 4 chips feeding two decode workers of 4 (batch 32 each): 12 chips
    const c: InferenceConfig = {
      model: llama70b,
      chip: testGpu,
      chips: 4,
      parallelism: { tp: 4, pp: 1, ep: 1 },
      batch: 32,
      inputTokens: 1024,
      outputTokens: 256,
      precision: fp8,
      disaggregation: { prefillWorkers: 1, decodeWorkers: 2 },
    };
    const r = feasible(estimateInference(c));
    expect(r.disaggregation!.prefillChips + r.disaggregation!.decodeChips).toBe(12);
    // 2 decode workers × 32 requests × 256 tokens per request latency ℓ, over all 12 chips: 1/1.5 of
    // what one decode worker's batch over its own 4 chips reads (32·256/ℓ/4, the single-engine rule)
    const perChip = (2 * 32 * 256) / r.requestLatencyS / 12;
    expect(metricValue('output_tokens_per_s_per_chip', r, c)).toBeCloseTo(perChip, 9);
    expect(perChip * 1.5).toBeCloseTo((32 * 256) / r.requestLatencyS / 4, 9);
    // and with the prompts: (1,024 + 256)/256 of it
    expect(metricValue('tokens_per_s_per_chip', r, c)).toBeCloseTo((perChip * (1024 + 256)) / 256, 9);
  });
});
