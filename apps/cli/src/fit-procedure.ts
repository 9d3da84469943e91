import type { ChipSpec } from '@ridgeline/hardware';
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
  type CalibrationRow,
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

/**
 * The procedure on `subset`. The serving one fits the efficiencies on the rows that do not draft
 * with MTP at the chip's acceptance, then that acceptance on the rows that do (on MTP rows alone a
 * step's cost and the tokens it accepts trade off); where no feasible row is without MTP, the
 * efficiencies at the chip's acceptance. `undefined` when no grid point runs any row.
 *
 * @example
 * const outcome = fitMeasurements({ chip, serving: true, grid: servingCalibrationGrid(chip), infeasible: new Set() }, rows, 'fit: my rows');
 */
export function fitMeasurements(p: Procedure, subset: readonly Measurement[], source: string): FitOutcome | undefined {
  // the procedure pnpm validate --fit runs: η_flop per compute precision the rows ran at
  const flopPrecisions = [...new Set(subset.map((m) => computePrecision(m.row.config.precision.weights, m.row.config.precision.activations)))];
  const separate = p.serving && subset.some(draftsAtChipAcceptance) && subset.some((m) => !draftsAtChipAcceptance(m) && !p.infeasible.has(m.row.id));
  const basis = separate ? subset.filter((m) => !draftsAtChipAcceptance(m)) : subset;
  const options = p.serving ? servingCalibrationOptions(p.chip, flopPrecisions) : { flopPrecisions };
  // every candidate keeps the chip's figures the search does not set (t_req, the acceptance, the KV cache budget)
  const fitRow = (m: Measurement): CalibrationRow => {
    const row = inferenceRow(m.row);
    return { ...row, predict: (candidate) => row.predict(withUnfitted(candidate, p.chip)) };
  };
  const fit = calibrateEfficiencies(p.chip, basis.map(fitRow), p.grid, options);
  if (fit === undefined) return undefined;
  const efficient = withUnfitted(withEfficiencies(p.chip, fit.efficiencies, source), p.chip);
  const acceptance = separate ? fitMtpAcceptance(efficient, subset.filter(draftsAtChipAcceptance).map((m) => m.row)) : undefined;
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

/**
 * `candidate` (the chip with fitted efficiencies, which `withEfficiencies` builds from the searched
 * figures alone) with the figures of `chip` that no search sets where it has none: its front end's
 * t_req, its MTP acceptance and its KV cache budget. Without them a first-party chip's rows would be
 * fitted with a TTFT short of its t_req and MTP at the model's default acceptance.
 */
export function withUnfitted(candidate: ChipSpec, chip: ChipSpec): ChipSpec {
  const kept = (['requestOverheadS', 'mtpAcceptance', 'kvCacheBudget'] as const).filter((k) => chip.efficiency[k] !== undefined && candidate.efficiency[k] === undefined);
  if (kept.length === 0) return candidate;
  return { ...candidate, efficiency: { ...candidate.efficiency, ...Object.fromEntries(kept.map((k) => [k, chip.efficiency[k]])) } };
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

