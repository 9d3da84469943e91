import type { ChipSpec, Precision } from '@ridgeline/hardware';
import {
  calibrateEfficiencies,
  computePrecision,
  fitMtpAcceptance,
  inferenceRow,
  servingCalibrationOptions,
  withEfficiencies,
  withMtpAcceptance,
  type CalibrationGrid,
  type CalibrationMetric,
  type CalibrationResult,
  type MtpAcceptanceFit,
} from '@ridgeline/model';
import { isRate, type Measurement } from './measurements.ts';

/**
 * The fitting procedure of `ridgeline calibrate` on a measurements file's rows: the default grid
 * search, or `--serving`'s (docs/MODEL.md §9), run once on every row and, with a `curve` column,
 * once more without each curve to measure the error out of sample. Pure: no I/O.
 */

/** How a file is fitted: its chip, the procedure and its grid, and the rows the model cannot run. */
export interface Procedure {
  readonly chip: ChipSpec;
  /** `--serving`: the experts' η_flop, η_mem and t_layer, then the MTP acceptance. */
  readonly serving: boolean;
  readonly grid: CalibrationGrid;
  /** Ids of the rows infeasible on the chip (whatever its efficiencies): left out of every fit. */
  readonly infeasible: ReadonlySet<string>;
}

/** What the procedure fitted on some rows. */
export interface FitOutcome {
  readonly fit: CalibrationResult;
  /** The chip with the fitted efficiencies (and acceptance), keeping the figures no search sets. */
  readonly chip: ChipSpec;
  readonly acceptance: MtpAcceptanceFit | undefined;
}

/**
 * A row drafting with MTP at the chip's acceptance (none of its own): the serving procedure fits
 * the efficiencies without it, then the acceptance on it.
 *
 * @example
 * draftsAtChipAcceptance(measurement); // true for speculative mtp with an empty acceptance cell
 */
export function draftsAtChipAcceptance(m: Measurement): boolean {
  return m.row.config.speculative?.mode === 'mtp' && m.row.config.speculative.acceptance === undefined;
}

/** How the procedure splits a set of rows. */
export interface FitPlan {
  /** The compute precisions the rows ran at: η_flop is fitted per each (`flopByPrecision`). */
  readonly precisions: Precision[];
  /** The rows the efficiencies are fitted on. */
  readonly efficiencyRows: Measurement[];
  /** With `--serving`, where rows of both kinds are feasible: the rows the MTP acceptance is fitted on after. */
  readonly acceptanceRows: Measurement[] | undefined;
}

/**
 * How the procedure splits `subset`. The serving one fits the efficiencies on the rows that do not
 * draft with MTP at the chip's acceptance, then that acceptance on the rows that do (on MTP rows
 * alone a step's cost and the tokens it accepts trade off); where no feasible row is without MTP,
 * the efficiencies on every row, at the chip's acceptance.
 *
 * @example
 * fitPlan(procedure, rows).acceptanceRows?.length; // the MTP rows the acceptance is fitted on
 */
export function fitPlan(p: Procedure, subset: readonly Measurement[]): FitPlan {
  // the procedure pnpm validate --fit runs: η_flop per compute precision the rows ran at
  const precisions = [...new Set(subset.map((m) => computePrecision(m.row.config.precision.weights, m.row.config.precision.activations)))];
  const separate = p.serving && subset.some(draftsAtChipAcceptance) && subset.some((m) => !draftsAtChipAcceptance(m) && !p.infeasible.has(m.row.id));
  return {
    precisions,
    efficiencyRows: separate ? subset.filter((m) => !draftsAtChipAcceptance(m)) : [...subset],
    acceptanceRows: separate ? subset.filter(draftsAtChipAcceptance) : undefined,
  };
}

/**
 * The procedure on `subset` (`fitPlan`): the efficiencies, then (serving) the acceptance, and the
 * chip with them. `undefined` when no grid point runs any row.
 *
 * @example
 * const outcome = fitMeasurements({ chip, serving: true, grid: servingCalibrationGrid(chip), infeasible: new Set() }, rows, 'fit: my rows');
 */
export function fitMeasurements(p: Procedure, subset: readonly Measurement[], source: string): FitOutcome | undefined {
  const plan = fitPlan(p, subset);
  const options = p.serving ? servingCalibrationOptions(p.chip, plan.precisions) : { flopPrecisions: plan.precisions };
  // (every candidate keeps the chip's t_req, acceptance and KV cache budget: withEfficiencies)
  const fit = calibrateEfficiencies(p.chip, plan.efficiencyRows.map((m) => inferenceRow(m.row)), p.grid, options);
  if (fit === undefined) return undefined;
  const efficient = withEfficiencies(p.chip, fit.efficiencies, source);
  const acceptance = plan.acceptanceRows === undefined ? undefined : fitMtpAcceptance(efficient, plan.acceptanceRows.map((m) => m.row));
  return { fit, chip: acceptance === undefined ? efficient : withMtpAcceptance(efficient, acceptance.acceptance, source), acceptance };
}

/** The distinct `curve` cells of `rows`, in file order. */
export function curvesOf(rows: readonly Measurement[]): string[] {
  return [...new Set(rows.flatMap((m) => (m.curve === undefined ? [] : [m.curve])))];
}

/** A row left out and predicted by the fit on the others. */
export interface HeldPrediction {
  readonly metric: CalibrationMetric;
  readonly measured: number;
  readonly predicted: number;
}

/**
 * Each curve's feasible rows predicted by the procedure run on every other row (rows without a
 * curve are always fitted on), as `pnpm validate --fit` measures the first-party chips' errors.
 * `onCurve` is told before each fit (progress: each is a whole grid search).
 */
export function leaveOneCurveOut(p: Procedure, rows: readonly Measurement[], curves: readonly string[], onCurve?: (curve: string, index: number) => void): HeldPrediction[] {
  const held: HeldPrediction[] = [];
  curves.forEach((curve, i) => {
    onCurve?.(curve, i);
    const without = fitMeasurements(p, rows.filter((m) => m.curve !== curve), 'fit candidate');
    if (without === undefined) return;
    for (const m of rows.filter((x) => x.curve === curve && !p.infeasible.has(x.row.id))) {
      const predicted = inferenceRow(m.row).predict(without.chip);
      if (predicted !== undefined) held.push({ metric: m.row.metric, measured: m.row.measured, predicted });
    }
  });
  return held;
}

/** A fraction to three decimals, as quoted errors are. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function medianOf(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The error out of sample as a plugin quotes it (`CalibrationStatus.outOfSampleError`). */
export interface OutOfSample {
  /** Median |error| of the rate rows (tokens/s per chip). */
  readonly throughput: number;
  /** Median |error| of tokens/s per user, 1/TPOT, on the `tpot_s` rows: measured/predicted TPOT − 1. */
  readonly interactivity: number;
  /** Median |error| of the `ttft_s` rows, where any. */
  readonly ttft?: number;
  readonly rows: number;
  readonly curves: number;
}

/**
 * The held-out predictions' median |error| per kind of figure, as the first-party chips quote
 * theirs: throughput, tokens/s per user (1/TPOT) and TTFT. `undefined` without both a throughput and
 * a TPOT row, the two a quoted error must state.
 */
export function outOfSampleOf(held: readonly HeldPrediction[], curves: number): OutOfSample | undefined {
  const abs = (kind: (m: CalibrationMetric) => boolean, error: (h: { measured: number; predicted: number }) => number): number | undefined => medianOf(held.filter((h) => kind(h.metric)).map((h) => Math.abs(error(h))));
  const throughput = abs(isRate, (h) => h.predicted / h.measured - 1);
  // tokens/s per user is 1/TPOT: predicted (1/p) over measured (1/m), less one
  const interactivity = abs((m) => m === 'tpot_s', (h) => h.measured / h.predicted - 1);
  const ttft = abs((m) => m === 'ttft_s', (h) => h.predicted / h.measured - 1);
  if (throughput === undefined || interactivity === undefined) return undefined;
  return { throughput, interactivity, ...(ttft === undefined ? {} : { ttft }), rows: held.length, curves };
}

