import { describe, expect, test } from 'vitest';
import { efficiencyAt } from '@ridgeline/hardware';
import { calibrateEfficiencies, FLOP_CURVE_INTENSITIES, withEfficiencies } from '@ridgeline/model';
import { inferencexChip, readInferencex, selectInferencex } from './inferencex.ts';
import { calibrationRowsOf, curveOf, fitInferencexChip, fitServing, inferencexFitGrid, outOfSampleRankingLine, type InferencexChipFit, MTP_ACCEPTANCE_GRID, REQUEST_OVERHEAD_GRID, REQUEST_OVERHEAD_MAX_CONCURRENCY } from './inferencex-fit.ts';

const kept = selectInferencex(readInferencex()).kept;

describe('fitting InferenceX, one curve left out', () => {
  test('a curve is one chip, framework, precision and mode', () => {
    const row = kept.find((r) => r.hardware === 'h200' && r.specMethod === 'mtp')!;
    expect(curveOf(row)).toBe(`h200 ${row.framework} ${row.precision} mtp`);
    expect(new Set(kept.filter((r) => r.hardware === 'h200').map(curveOf)).size).toBe(7);
  });

  test('fitServing: the MTP acceptance minimises the rate error on the MTP rows; t_req the TTFT error at low concurrency', () => {
    const chip = inferencexChip('h200')!;
    const rows = kept.filter((r) => r.hardware === 'h200' && r.framework === 'trt');
    const fit = fitServing(chip, rows);
    expect(MTP_ACCEPTANCE_GRID).toContain(fit.mtpAcceptance);
    expect(REQUEST_OVERHEAD_GRID).toContain(fit.requestOverheadS);
    // no other grid value does better on the MTP rows' mean |ln| of throughput and tokens/s per user
    const loss = (a: number): number => {
      const candidate = { ...chip, efficiency: { ...chip.efficiency, mtpAcceptance: { value: a, source: 'test' } } };
      const terms = calibrationRowsOf(rows.filter((r) => r.specMethod === 'mtp')).flatMap((c) => {
        const p = c.predict(candidate);
        return p === undefined ? [] : [Math.abs(Math.log(p / c.measured))];
      });
      return terms.reduce((s, x) => s + x, 0) / terms.length;
    };
    for (const a of MTP_ACCEPTANCE_GRID) expect(loss(a)).toBeGreaterThanOrEqual(loss(fit.mtpAcceptance!));
    // without MTP rows there is no acceptance to fit; without low-concurrency rows, no t_req
    expect(fitServing(chip, rows.filter((r) => r.specMethod !== 'mtp')).mtpAcceptance).toBeUndefined();
    expect(fitServing(chip, rows.filter((r) => r.conc > REQUEST_OVERHEAD_MAX_CONCURRENCY || r.disagg)).requestOverheadS).toBe(0);
  }, 240_000);

  test('two calibration rows per InferenceX row, predicted from one estimate', () => {
    const rows = kept.slice(0, 3);
    const calibration = calibrationRowsOf(rows);
    expect(calibration.map((r) => r.id)).toEqual(rows.flatMap((r) => [`line ${r.line} tput`, `line ${r.line} interactivity`]));
    expect(calibration.map((r) => r.measured)).toEqual(rows.flatMap((r) => [r.tputPerGpu, r.medianIntvty]));
  });

  test('the out-of-sample error of a curve comes from the fit on the other curves only', () => {
    // MI300X's 10 rows are one curve: no cross-validation. Two of H200's curves, on a 2 × 2 × 2 grid:
    const chip = inferencexChip('h200')!;
    const curves = [...new Set(kept.filter((r) => r.hardware === 'h200').map(curveOf))].slice(0, 2);
    const rows = kept.filter((r) => curves.includes(curveOf(r)));
    const grid = { ...inferencexFitGrid(chip), flop: [0.2, 0.5], memory: [0.4, 0.8], layerOverheadS: [20e-6, 120e-6] };
    const fit = fitInferencexChip(chip, rows, grid)!;
    expect([fit.rows, fit.curves]).toEqual([rows.length, 2]);
    // By hand: fit on the second curve, predict the first (and the other way round); the pooled
    // out-of-sample median |error| of throughput is over those predictions. A fit is the
    // efficiencies on the rows without MTP (all rows when there are none), the experts' η_flop per
    // precision rising to the chip's large-GEMM figure (the other matmuls at the chip's own η_flop),
    // then the MTP acceptance and t_req with them held.
    const errors: number[] = [];
    for (const [held, other] of [[curves[0], curves[1]], [curves[1], curves[0]]] as const) {
      const training = rows.filter((r) => curveOf(r) === other);
      const plain = training.filter((r) => r.specMethod !== 'mtp');
      const options = { flopCurve: false, flopPrecisions: ['fp8' as const], flopLargeGemm: efficiencyAt(chip.efficiency.flop, FLOP_CURVE_INTENSITIES[1]), flopForExperts: true };
      const e = calibrateEfficiencies(chip, calibrationRowsOf(plain.length > 0 ? plain : training), grid, options)!.efficiencies;
      const withE = withEfficiencies(chip, e, 'test');
      const serving = fitServing(withE, training);
      const fitted = {
        ...withE,
        efficiency: {
          ...withE.efficiency,
          ...(serving.mtpAcceptance === undefined ? {} : { mtpAcceptance: { value: serving.mtpAcceptance, source: 'test' } }),
          requestOverheadS: { value: serving.requestOverheadS, source: 'test' },
        },
      };
      for (const c of calibrationRowsOf(rows.filter((r) => curveOf(r) === held)).filter((c) => c.id.endsWith('tput'))) {
        const predicted = c.predict(fitted);
        if (predicted !== undefined) errors.push(Math.abs((predicted - c.measured) / c.measured));
      }
    }
    errors.sort((a, b) => a - b);
    const mid = (errors.length - 1) / 2;
    expect(fit.outOfSample!.throughput.medianAbs).toBeCloseTo((errors[Math.floor(mid)]! + errors[Math.ceil(mid)]!) / 2, 12);
    expect(fit.outOfSample!.throughput.n).toBe(errors.length);
    // the held predictions behind those errors, one per row predicted, under the chip's id (the ranking reads them)
    expect(fit.heldPredictions.length).toBe(errors.length);
    expect(new Set(fit.heldPredictions.map((p) => p.config.chip.id))).toEqual(new Set(['h200']));
    expect(fit.heldPredictions.map((p) => Math.abs((p.predicted!.throughput - p.row.tputPerGpu) / p.row.tputPerGpu)).sort((a, b) => a - b)).toEqual(errors.map((e) => expect.closeTo(e, 12)));
    // and the fit on all rows searched the grid it was given (η_flop per precision included)
    expect(grid.flop).toContain(fit.efficiencies.flopByPrecision?.fp8 ?? fit.efficiencies.flop);
    expect(grid.memory).toContain(fit.efficiencies.memory);
    expect(grid.layerOverheadS).toContain(fit.efficiencies.layerOverheadS);
    // the fitted η_flop is the experts': every other matmul keeps the chip's own
    const fitted = withEfficiencies(chip, fit.efficiencies, 'test').efficiency;
    expect(fitted.flop).toBe(chip.efficiency.flop);
    expect(fitted.flopByPrecision).toBeUndefined();
    const experts = fitted.expertFlopByPrecision?.fp8 ?? fitted.expertFlop;
    expect(experts).toEqual({ curve: [[128, fit.efficiencies.flopByPrecision?.fp8 ?? fit.efficiencies.flop], [4096, expect.any(Number)]], over: 'arithmeticIntensity', source: 'test' });
  }, 240_000);

  test('ranks chips out of sample on the fits\' held predictions', () => {
    const at = (chip: string, measured: [number, number], predicted: [number, number]) => ({
      row: { isl: 1024, osl: 1024, precision: 'fp8', tputPerGpu: measured[0], medianIntvty: measured[1] },
      config: { chip: { id: chip } },
      predicted: { throughput: predicted[0], interactivity: predicted[1], ttft: 1 },
    });
    // a measured 1000 vs b 500 at ≥ 10 tok/s/user: a ahead; predicted 900 vs 950: b ahead (disagree);
    // c 2000 measured, 1900 predicted: ahead of both, measured and predicted (agree twice)
    const fits = [
      { heldPredictions: [at('a', [1000, 15], [900, 15])] },
      { heldPredictions: [at('b', [500, 12], [950, 12])] },
      { heldPredictions: [at('c', [2000, 11], [1900, 11])] },
    ] as unknown as InferencexChipFit[];
    expect(outOfSampleRankingLine(fits, 'test')).toBe('Ranking out of sample (test): 2 of 3 chip pairs (67%) ordered as measured.');
  });
});
