import { describe, expect, test } from 'vitest';
import { efficiencyAt, type Efficiency } from '@ridgeline/hardware';
import {
  calibrateEfficiencies,
  DEFAULT_CALIBRATION_GRID,
  evaluateRows,
  inferenceRow,
  metricValue,
  fittedFlopAt,
  withEfficiencies,
  type CalibrationGrid,
  type CalibrationMetric,
  type CalibrationRow,
  type ConstantEfficiencies,
  type MeasuredInferenceRow,
} from './calibrate.ts';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import { expectedMaxStandardNormal } from './layout.ts';
import { llama70b, mixtral, testGpu, feasible, bf16 } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';


function config(tp: number, batch: number, inputTokens: number, outputTokens: number, model = llama70b): InferenceConfig {
  return { model, chip: testGpu, chips: tp, parallelism: { tp, pp: 1, ep: 1 }, batch, inputTokens, outputTokens, precision: bf16 };
}

/**
 * Rows that between them pin every efficiency: compute-bound prefills (η_flop), memory-bound decode
 * at two TP degrees (η_mem against t_layer, whose share differs), a large-batch decode at TP 8
 * (η_net, decode collectives are never overlapped) and TP-8 prefills (the prefill overlap).
 */
const SHAPES: ReadonlyArray<readonly [InferenceConfig, CalibrationMetric]> = [
  [config(2, 1, 4096, 1), 'ttft_s'],
  [config(8, 8, 4096, 1), 'ttft_s'],
  [config(2, 1, 1024, 128), 'tpot_s'],
  [config(8, 1, 1024, 128), 'tpot_s'],
  [config(8, 256, 512, 128), 'tpot_s'],
  [config(4, 64, 1024, 256), 'request_latency_s'],
  [config(8, 128, 1024, 512), 'output_tokens_per_s_per_chip'],
  [config(2, 16, 2048, 64, mixtral), 'request_latency_s'],
];

/** What a chip with efficiencies `truth` would measure on SHAPES, optionally rounded like a real measurement. */
function synthetic(truth: ConstantEfficiencies, digits?: number): MeasuredInferenceRow[] {
  const chip = withEfficiencies(testGpu, truth, 'truth');
  return SHAPES.map(([base, metric], i) => {
    const c = { ...base, chip };
    const result = feasible(estimateInference(c));
    const value = metricValue(metric, result, c);
    return { id: `row ${i + 1}`, config: base, metric, measured: digits === undefined ? value : Number(value.toPrecision(digits)) };
  });
}

// Each fit is an exhaustive grid search (~40,000 candidates): seconds of honest work, more when
// every package's suite shares the two cores.
describe('calibrateEfficiencies', { timeout: 240_000 }, () => {
  const truth: ConstantEfficiencies = { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 20e-6, commOverlap: 0.5 };

  test('recovers the efficiencies that generated the rows, and reports every row before and after', () => {
    const rows = synthetic(truth).map(inferenceRow);
    const fit = calibrateEfficiencies(testGpu, rows);
    expect(fit?.efficiencies).toEqual(truth);
    expect(fit?.loss).toBeLessThan(1e-12);
    expect(fit?.medianAbsError).toBeLessThan(1e-12);
    expect(fit?.atGridEdge).toEqual([]);
    expect(fit?.rows.map((r) => r.id)).toEqual(SHAPES.map((_, i) => `row ${i + 1}`));
    expect(fit?.rows.every((r) => Math.abs(r.error!) < 1e-12)).toBe(true);
    const before = evaluateRows(rows, testGpu);
    expect(before.medianAbsError).toBeGreaterThan(0.05);
    for (const r of before.rows) expect(r.error).toBeCloseTo((r.predicted! - r.measured) / r.measured, 12);
  });

  test('recovers them from measurements rounded to 3 significant digits', () => {
    const other: ConstantEfficiencies = { flop: 0.45, memory: 0.65, network: 0.9, layerOverheadS: 60e-6, commOverlap: 0.25 };
    const fit = calibrateEfficiencies(testGpu, synthetic(other, 3).map(inferenceRow));
    expect(fit?.efficiencies).toEqual(other);
    expect(fit?.medianAbsError).toBeLessThan(0.005);
    // t_layer 60 µs and η_net 0.9: only η_net sits on its grid's last value.
    expect(fit?.atGridEdge).toEqual(['network']);
  });

  test('searches only the given grid; what no row constrains stays nearest the chip\'s own values', () => {
    const rows = synthetic(truth).map(inferenceRow);
    const grid: CalibrationGrid = { flop: [0.6], memory: [0.8], network: [0.7], layerOverheadS: [20e-6], commOverlap: [0.5] };
    expect(calibrateEfficiencies(testGpu, rows, grid)?.efficiencies).toEqual(truth);
    // A row that only η_mem moves: every other efficiency stays at the grid point nearest the
    // fixture chip's own (η_flop 0.5, η_net 1 → 0.9, t_layer 0, no overlap), and no curve is fitted.
    const valueOf = (e: Efficiency): number => ('value' in e ? e.value : Number.NaN);
    const memoryOnly: CalibrationRow = { id: 'm', measured: 1 / 0.75, predict: (chip) => 1 / valueOf(chip.efficiency.memory) };
    const fit = calibrateEfficiencies(testGpu, [memoryOnly]);
    expect(fit?.efficiencies).toEqual({ flop: 0.5, memory: 0.75, network: 0.9, layerOverheadS: 0, commOverlap: 0 });
    expect(fit?.atGridEdge).toEqual(['network']);
  });

  test('fits η_flop as a curve over arithmetic intensity when small and large GEMMs disagree', () => {
    // rows generated with η_flop rising from 0.4 at 128 FLOP/byte to 0.8 at 4096: a constant cannot fit both
    const curved = { ...testGpu, efficiency: { ...withEfficiencies(testGpu, truth, 't').efficiency, flop: { curve: [[128, 0.4], [4096, 0.8]] as const, over: 'arithmeticIntensity' as const, source: 't' } } };
    const rows: CalibrationRow[] = [1, 16, 256].map((batch) => {
      const c = { ...config(8, batch, 2048, 64), chip: curved };
      return { ...inferenceRow({ id: `b${batch}`, config: c, metric: 'ttft_s', measured: 1 }), measured: feasible(estimateInference(c)).ttftS };
    });
    const fit = calibrateEfficiencies(testGpu, rows, { ...DEFAULT_CALIBRATION_GRID, network: [0.7], layerOverheadS: [20e-6], commOverlap: [0.5] });
    expect(fit?.efficiencies.flopCurve).toEqual([[128, 0.4], [4096, 0.8]]);
    expect(fit?.loss).toBeLessThan(1e-9);
  });

  test('leaves infeasible rows out of the objective, and gives up when none is feasible', () => {
    const tooBig: MeasuredInferenceRow = { id: 'too big', config: config(1, 1, 1024, 128), metric: 'tpot_s', measured: 0.1 };
    const rows = [...synthetic(truth), tooBig].map(inferenceRow);
    const near: CalibrationGrid = { flop: [0.55, 0.6], memory: [0.8, 0.85], network: [0.6, 0.7], layerOverheadS: [10e-6, 20e-6], commOverlap: [0.25, 0.5] };
    const fit = calibrateEfficiencies(testGpu, rows, near);
    expect(fit?.efficiencies).toEqual(truth);
    expect(fit?.rows.at(-1)).toEqual({ id: 'too big', measured: 0.1, predicted: undefined, error: undefined });
    expect(calibrateEfficiencies(testGpu, [inferenceRow(tooBig)], near)).toBeUndefined();
  });

  test('rejects no rows, a measured value ≤ 0 and an empty grid', () => {
    expect(() => calibrateEfficiencies(testGpu, [])).toThrow(new InputError('rows', 'calibration needs at least one measured row'));
    const zero = inferenceRow({ id: 'line 3', config: config(8, 1, 1024, 128), metric: 'tpot_s', measured: 0 });
    expect(() => calibrateEfficiencies(testGpu, [zero])).toThrow('row line 3: the measured value must be a finite number > 0, got 0');
    const row = inferenceRow({ id: 'x', config: config(8, 1, 1024, 128), metric: 'tpot_s', measured: 0.01 });
    expect(() => calibrateEfficiencies(testGpu, [row], { ...DEFAULT_CALIBRATION_GRID, network: [] })).toThrow('grid.network must list at least one value');
  });
});

describe('metricValue', () => {
  test('reads each metric from the result, output throughput per chip of one replica', () => {
    const c = { ...config(4, 64, 1024, 256), chips: 8 };
    const r = feasible(estimateInference(c));
    expect(metricValue('ttft_s', r, c)).toBe(r.ttftS);
    expect(metricValue('tpot_s', r, c)).toBe(r.tpotS);
    expect(metricValue('request_latency_s', r, c)).toBe(r.requestLatencyS);
    expect(metricValue('output_tokens_per_s_per_chip', r, c)).toBeCloseTo((64 * 256) / r.requestLatencyS / 4, 9);
  });

  test('a closed-loop run measures its throughput over the finite run; latencies stay as they are', () => {
    const c = { ...config(4, 64, 1024, 256), chips: 8 };
    const r = feasible(estimateInference(c));
    const run = { clients: 64, requestsPerClient: 10, outputTokensSd: 40 };
    // the steady state's 64·256/ℓ/4 tokens/s per chip, times 1/(1 + 40·TPOT·e(64)/(√10·ℓ))
    const share = 1 / (1 + (40 * r.tpotS * expectedMaxStandardNormal(64)) / (Math.sqrt(10) * r.requestLatencyS));
    expect(metricValue('output_tokens_per_s_per_chip', r, c, run)).toBeCloseTo(((64 * 256) / r.requestLatencyS / 4) * share, 9);
    expect(share).toBeLessThan(1);
    expect(metricValue('tpot_s', r, c, run)).toBe(r.tpotS);
    expect(metricValue('ttft_s', r, c, run)).toBe(r.ttftS);
    // and a measured row carries it into the fit's prediction
    const row = inferenceRow({ id: 'x', config: c, metric: 'output_tokens_per_s_per_chip', measured: 1, run });
    expect(row.predict(c.chip)).toBeCloseTo(metricValue('output_tokens_per_s_per_chip', r, c, run), 12);
  });
});

describe('calibrateEfficiencies per compute precision', { timeout: 240_000 }, () => {
  test('recovers a separate FP8 η_flop from rows at two compute precisions; bf16 keeps the shared one', () => {
    // Compute-bound prefills in BF16 and FP8 on one chip whose FP8 kernels reach 0.35 of the FP8
    // peak where BF16 reaches 0.6; memory, network and overheads held at the truth.
    const truth = { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 20e-6, commOverlap: 0.5, flopByPrecision: { fp8: 0.35 } };
    const chip = withEfficiencies(testGpu, truth, 'truth');
    const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const measured: MeasuredInferenceRow[] = [
      [config(2, 1, 4096, 1), bf16],
      [config(8, 8, 4096, 1), bf16],
      [config(2, 1, 4096, 1), fp8],
      [config(8, 8, 4096, 1), fp8],
    ].map(([base, precision], i) => {
      const c = { ...(base as InferenceConfig), precision: precision as InferenceConfig['precision'] };
      return { id: `row ${i + 1}`, config: c, metric: 'ttft_s', measured: feasible(estimateInference({ ...c, chip })).ttftS };
    });
    const grid: CalibrationGrid = { flop: [0.3, 0.35, 0.4, 0.5, 0.6, 0.7], memory: [0.8], network: [0.7], layerOverheadS: [20e-6], commOverlap: [0.5] };
    const plain = calibrateEfficiencies(testGpu, measured.map(inferenceRow), grid, { flopCurve: false })!;
    const fit = calibrateEfficiencies(testGpu, measured.map(inferenceRow), grid, { flopCurve: false, flopPrecisions: ['fp8'] })!;
    expect(fit.efficiencies.flop).toBe(0.6);
    expect(fit.efficiencies.flopByPrecision).toEqual({ fp8: 0.35 });
    expect(fit.loss).toBeLessThan(1e-9);
    // one shared η_flop cannot fit both precisions
    expect(plain.loss).toBeGreaterThan(0.1);
    expect(plain.efficiencies.flopByPrecision).toBeUndefined();
  });
});

describe('a large-GEMM anchor (flopLargeGemm): fitted η_flop holds at small GEMMs, rises to the anchor at large ones', () => {
  test('builds the two-point curves by hand', () => {
    const chip = withEfficiencies(testGpu, { flop: 0.2, memory: 0.6, network: 0.8, layerOverheadS: 60e-6, commOverlap: 0, flopByPrecision: { fp8: 0.15 }, flopLargeGemm: 0.78 }, 'fit');
    // fp8: (128, 0.15) → (4096, 0.78); midway at 2112: 0.15 + 0.63 / 2 = 0.465
    expect(efficiencyAt(chip.efficiency.flopByPrecision!.fp8!, 2112)).toBeCloseTo(0.465, 12);
    expect(efficiencyAt(chip.efficiency.flopByPrecision!.fp8!, 10)).toBe(0.15);
    expect(efficiencyAt(chip.efficiency.flop, 1e6)).toBe(0.78);
    // a fitted value above the anchor stays flat: max(0.9, 0.78)
    const flat = withEfficiencies(testGpu, { flop: 0.9, memory: 0.6, network: 0.8, layerOverheadS: 0, commOverlap: 0, flopLargeGemm: 0.78 }, 'fit');
    expect(efficiencyAt(flat.efficiency.flop, 1e6)).toBe(0.9);
  });

  test('a precision with its own anchor rises to it (flopLargeGemmByPrecision), the others to flopLargeGemm', () => {
    const e = { flop: 0.2, memory: 0.6, network: 0.8, layerOverheadS: 60e-6, commOverlap: 0, flopByPrecision: { fp8: 0.1, fp4: 0.03 }, flopLargeGemm: 0.78, flopLargeGemmByPrecision: { fp4: 0.54 } };
    const chip = withEfficiencies(testGpu, e, 'fit');
    // fp4: (128, 0.03) → (4096, 0.54); midway at 2112: 0.03 + 0.51 / 2 = 0.285
    expect(efficiencyAt(chip.efficiency.flopByPrecision!.fp4!, 2112)).toBeCloseTo(0.285, 12);
    expect(efficiencyAt(chip.efficiency.flopByPrecision!.fp4!, 1e6)).toBe(0.54);
    // fp8 has none: (128, 0.1) → (4096, 0.78)
    expect(efficiencyAt(chip.efficiency.flopByPrecision!.fp8!, 1e6)).toBe(0.78);
    // without flopLargeGemm there is no curve at all: the per-precision anchors alone do nothing
    const { flopLargeGemm: _, ...noAnchor } = e;
    expect(withEfficiencies(testGpu, noAnchor, 'fit').efficiency.flopByPrecision!.fp4).toEqual({ value: 0.03, source: 'fit' });
  });

  test('fittedFlopAt gives each precision what withEfficiencies builds: its own value, else the shared η_flop, rising to its own anchor', () => {
    const e = { flop: 0.05, memory: 0.6, network: 0.8, layerOverheadS: 0, commOverlap: 0, flopByPrecision: { fp4: 0.03 }, flopLargeGemm: 0.78, flopLargeGemmByPrecision: { fp4: 0.54, fp8: 0.6 } };
    expect(fittedFlopAt(e, 'fp4', 'fit')).toEqual({ curve: [[128, 0.03], [4096, 0.54]], over: 'arithmeticIntensity', source: 'fit' });
    // fp8 has an anchor but no value of its own: the shared 0.05 rises to fp8's own 0.6, not to flopLargeGemm's 0.78
    expect(fittedFlopAt(e, 'fp8', 'fit')).toEqual({ curve: [[128, 0.05], [4096, 0.6]], over: 'arithmeticIntensity', source: 'fit' });
    // bf16 has neither: the shared 0.05 rises to flopLargeGemm, as the chip-wide η_flop does
    expect(fittedFlopAt(e, 'bf16', 'fit')).toEqual({ curve: [[128, 0.05], [4096, 0.78]], over: 'arithmeticIntensity', source: 'fit' });
    expect(fittedFlopAt(e, undefined, 'fit')).toEqual(fittedFlopAt(e, 'bf16', 'fit'));
    const chip = withEfficiencies(testGpu, { ...e, flopForExperts: true }, 'fit');
    expect(chip.efficiency.expertFlop).toEqual(fittedFlopAt(e, undefined, 'fit'));
    // fp8 gets a curve of its own though no fitted value: the one the fit ran its rows at
    expect(chip.efficiency.expertFlopByPrecision).toEqual({ fp4: fittedFlopAt(e, 'fp4', 'fit'), fp8: fittedFlopAt(e, 'fp8', 'fit') });
  });

  test("fitted for the experts (flopForExperts), the chip's other matmuls keep its own η_flop, per precision too", () => {
    const sourced = { ...testGpu, efficiency: { ...testGpu.efficiency, flopByPrecision: { fp4: { value: 0.54, source: 'nvfp4 gemm' } } } };
    const chip = withEfficiencies(sourced, { flop: 0.05, memory: 0.6, network: 0.8, layerOverheadS: 0, commOverlap: 0, flopByPrecision: { fp4: 0.03 }, flopForExperts: true }, 'fit');
    expect(chip.efficiency.flop).toBe(testGpu.efficiency.flop);
    expect(chip.efficiency.flopByPrecision).toEqual({ fp4: { value: 0.54, source: 'nvfp4 gemm' } });
    expect(chip.efficiency.expertFlop).toEqual({ value: 0.05, source: 'fit' });
    expect(chip.efficiency.expertFlopByPrecision).toEqual({ fp4: { value: 0.03, source: 'fit' } });
  });
});

describe("withEfficiencies keeps a chip's sourced weightMemory (docs/MODEL.md §2)", () => {
  test('the fitted η_mem replaces memory; the dense weights keep their sourced η_mem', () => {
    const weightMemory = { value: 0.9, source: 'BabelStream' };
    const sourced = { ...testGpu, efficiency: { ...testGpu.efficiency, weightMemory } };
    const fitted = withEfficiencies(sourced, { flop: 0.5, memory: 0.4, network: 0.8, layerOverheadS: 10e-6, commOverlap: 0 }, 'fit');
    expect(fitted.efficiency.memory).toEqual({ value: 0.4, source: 'fit' });
    expect(fitted.efficiency.weightMemory).toEqual(weightMemory);
    // a chip without one gets none
    expect(withEfficiencies(testGpu, { flop: 0.5, memory: 0.4, network: 0.8, layerOverheadS: 10e-6, commOverlap: 0 }, 'fit').efficiency.weightMemory).toBeUndefined();
  });

  test('and what no search sets: its t_req, MTP acceptance and KV cache budget', () => {
    const requestOverheadS = { value: 0.1, source: 'front end' };
    const mtpAcceptance = { value: 0.7, source: 'stack' };
    const kvCacheBudget = { basis: 'free' as const, fraction: { value: 0.9, source: 'stack' }, reservedBytes: { value: 1e9, source: 'stack' } };
    const serving = { ...testGpu, efficiency: { ...testGpu.efficiency, requestOverheadS, mtpAcceptance, kvCacheBudget } };
    const fitted = withEfficiencies(serving, { flop: 0.5, memory: 0.4, network: 0.8, layerOverheadS: 10e-6, commOverlap: 0 }, 'fit').efficiency;
    expect([fitted.requestOverheadS, fitted.mtpAcceptance, fitted.kvCacheBudget]).toEqual([requestOverheadS, mtpAcceptance, kvCacheBudget]);
    // a candidate of a chip without them has none
    const plain = withEfficiencies(testGpu, { flop: 0.5, memory: 0.4, network: 0.8, layerOverheadS: 10e-6, commOverlap: 0 }, 'fit').efficiency;
    expect([plain.requestOverheadS, plain.mtpAcceptance, plain.kvCacheBudget]).toEqual([undefined, undefined, undefined]);
  });
});
