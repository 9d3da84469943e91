import { describe, expect, test } from 'vitest';
import { calibrateEfficiencies, withEfficiencies } from '@ridgeline/model';
import { inferencexChip, readInferencex, selectInferencex } from './inferencex.ts';
import { calibrationRowsOf, curveOf, fitInferencexChip, inferencexFitGrid } from './inferencex-fit.ts';

const kept = selectInferencex(readInferencex()).kept;

describe('fitting InferenceX, one curve left out', () => {
  test('a curve is one chip, framework, precision and mode', () => {
    const row = kept.find((r) => r.hardware === 'h200' && r.specMethod === 'mtp')!;
    expect(curveOf(row)).toBe(`h200 ${row.framework} ${row.precision} mtp`);
    expect(new Set(kept.filter((r) => r.hardware === 'h200').map(curveOf)).size).toBe(7);
  });

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
    // out-of-sample median |error| of throughput is over those predictions.
    const errors: number[] = [];
    for (const [held, other] of [[curves[0], curves[1]], [curves[1], curves[0]]] as const) {
      const training = rows.filter((r) => curveOf(r) === other);
      const e = calibrateEfficiencies(chip, calibrationRowsOf(training), grid, { flopCurve: false })!.efficiencies;
      for (const c of calibrationRowsOf(rows.filter((r) => curveOf(r) === held)).filter((c) => c.id.endsWith('tput'))) {
        const predicted = c.predict(withEfficiencies(chip, e, 'test'));
        if (predicted !== undefined) errors.push(Math.abs((predicted - c.measured) / c.measured));
      }
    }
    errors.sort((a, b) => a - b);
    const mid = (errors.length - 1) / 2;
    expect(fit.outOfSample!.throughput.medianAbs).toBeCloseTo((errors[Math.floor(mid)]! + errors[Math.ceil(mid)]!) / 2, 12);
    expect(fit.outOfSample!.throughput.n).toBe(errors.length);
    // and the fit on all rows does at least as well in sample as the plugin's values
    expect(fit.inSample.throughput.medianAbs).toBeLessThan(fit.before.throughput.medianAbs);
  }, 240_000);
});
