import { efficiencyAt, type ChipSpec } from '@ridgeline/hardware';
import { calibrateEfficiencies, DEFAULT_CALIBRATION_GRID, withEfficiencies, type CalibrationGrid, type CalibrationOptions, type CalibrationRow } from '@ridgeline/model';
import { publishedSi, type PublishedRow } from './csv.ts';
import { PLANS, predict } from './plans.ts';
import { PLAN_CONTEXT, quantile } from './validate.ts';

/** One chip's fitted constants. */
export interface ChipFit {
  readonly chip: string;
  readonly rows: string[];
  readonly flop: number;
  readonly memory: number;
  readonly network: number;
  readonly layerOverheadS: number;
  readonly commOverlap: number;
  /** η_flop as a two-point curve over arithmetic intensity, when that fits clearly better. */
  readonly flopCurve?: readonly [readonly [number, number], readonly [number, number]];
  readonly medianAbsError: number;
  /**
   * Median |error| of each row predicted by the same fit over the chip's other rows (leave one row
   * out), undefined where no row can be predicted so (a chip with a single row): the error on rows
   * the fit did not see.
   */
  readonly outOfSampleMedianAbsError: number | undefined;
}

/**
 * Each row predicted by the efficiencies fitted on the other rows (the same grid and options), as
 * |predicted/measured − 1|; a row no other fit can run (infeasible, or the others fit nothing) is left out.
 *
 * @example
 * leaveOneRowOut(chip, rows, grid, {}); // [0.04, 0.12, …], one per row the others' fit predicts
 */
export function leaveOneRowOut(chip: ChipSpec, rows: readonly CalibrationRow[], grid: CalibrationGrid, options: CalibrationOptions): number[] {
  return rows.flatMap((held, i) => {
    const others = rows.filter((_, j) => j !== i);
    const fit = others.length === 0 ? undefined : calibrateEfficiencies(chip, others, grid, options);
    const predicted = fit === undefined ? undefined : held.predict(withEfficiencies(chip, fit.efficiencies, 'fit'));
    return predicted === undefined ? [] : [Math.abs(predicted / held.measured - 1)];
  });
}

/**
 * Fits one set of constant efficiencies per chip over that chip's published rows with the shared
 * grid search of `@ridgeline/model` (`calibrateEfficiencies`, the one `ridgeline calibrate` runs),
 * minimising the mean |log(predicted / published)|. Prints the fit and returns it; the plugins then
 * carry the values with the rows named in their source.
 */
export function fitEfficiencies(rows: readonly PublishedRow[]): ChipFit[] {
  const fits: ChipFit[] = [];
  // Worked examples (sourceAssumes) check arithmetic under the source's own efficiencies: not fitted.
  const fitted = PLANS.filter((p) => p.sourceAssumes === undefined);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const chipId of [...new Set(fitted.map((p) => p.chip))]) {
    const calibrationRows: CalibrationRow[] = fitted.flatMap((plan) => {
      const row = byId.get(plan.id);
      if (plan.chip !== chipId || row === undefined) return [];
      const measured = publishedSi(row);
      if (measured === undefined) throw new Error(`row ${row.id}: unit "${row.unit}" has no SI conversion`);
      return [{ id: row.id, measured, predict: (chip) => predict(plan, PLAN_CONTEXT, chip).value }];
    });
    if (calibrationRows.length === 0) continue;
    // Training steps are compute-bound: their rows pin η_flop and little else. A chip known only
    // through training rows gets η_flop fitted (a constant) and keeps its sourced other efficiencies.
    const chip = PLAN_CONTEXT.chip(chipId);
    const trainingOnly = fitted.every((p) => p.chip !== chipId || p.kind === 'training');
    const e = chip.efficiency;
    const grid: CalibrationGrid = trainingOnly
      ? {
          ...DEFAULT_CALIBRATION_GRID,
          memory: [efficiencyAt(e.memory, 1)],
          network: [efficiencyAt(e.network, 1e6)],
          layerOverheadS: [e.layerOverheadS.value],
          commOverlap: [e.commOverlap?.value ?? 0],
        }
      : DEFAULT_CALIBRATION_GRID;
    const options: CalibrationOptions = { flopCurve: !trainingOnly };
    const best = calibrateEfficiencies(chip, calibrationRows, grid, options);
    if (best === undefined) continue;
    const heldOut = leaveOneRowOut(chip, calibrationRows, grid, options).sort((a, b) => a - b);
    const outOfSample = heldOut.length === 0 ? undefined : quantile(heldOut, 0.5);
    const { flop, memory, network, layerOverheadS, commOverlap, flopCurve } = best.efficiencies;
    const fit: ChipFit = {
      chip: chipId,
      // Named in the order of public.csv; the objective sums in plan order, as the rows are built.
      rows: rows.filter((r) => calibrationRows.some((c) => c.id === r.id)).map((r) => r.id),
      flop,
      memory,
      network,
      layerOverheadS,
      commOverlap,
      ...(flopCurve === undefined ? {} : { flopCurve }),
      medianAbsError: best.medianAbsError,
      outOfSampleMedianAbsError: outOfSample,
    };
    fits.push(fit);
    console.log(
      `${fit.chip}: η_flop ${fit.flopCurve === undefined ? fit.flop : `${fit.flopCurve[0][1]} at ${fit.flopCurve[0][0]} → ${fit.flopCurve[1][1]} at ${fit.flopCurve[1][0]} FLOP/byte`}, η_mem ${fit.memory}, η_net ${fit.network}, t_layer ${fit.layerOverheadS * 1e6} µs, prefill overlap ${fit.commOverlap} → median |error| ${(fit.medianAbsError * 100).toFixed(1)}% in sample, ${fit.outOfSampleMedianAbsError === undefined ? 'none out of sample (no row the others\' fit predicts, as with a single row)' : `${(fit.outOfSampleMedianAbsError * 100).toFixed(1)}% out of sample (each row predicted by the fit on the others)`} over ${fit.rows.join(', ')}`,
    );
  }
  return fits;
}
