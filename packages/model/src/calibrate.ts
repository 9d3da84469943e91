import { efficiencyAt, type ChipSpec, type Efficiency, type Precision } from '@ridgeline/hardware';
import { finiteRunShare, type ClosedLoopRun } from './benchmark-run.ts';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import type { FeasibleInferenceResult, InferenceConfig } from './types.ts';

/**
 * Calibration: fit a chip's constant efficiencies (η_flop, η_mem, η_net, t_layer and the prefill
 * communication overlap) to measured rows with a grid search. Pure: no I/O, no globals. The
 * validation harness (`pnpm validate --fit`) and `ridgeline calibrate` both use it, so a vendor's
 * fit and Ridgeline's own are the same computation.
 */

/**
 * The figures a measured row may state, all SI: `ttft_s` (time to first token of the batch, s),
 * `tpot_s` (time per output token, s), `request_latency_s` (TTFT + (S_out − 1)·TPOT, s),
 * `output_tokens_per_s_per_chip` (B·S_out ÷ request latency ÷ (TP·PP), one replica's output rate;
 * a disaggregated deployment's output over all its chips, prefill workers included) and
 * `tokens_per_s_per_chip` (input and output tokens per second over all the configuration's chips,
 * `totalTokensPerSPerChip`: what InferenceX reports as throughput per GPU).
 *
 * @example
 * CALIBRATION_METRICS.includes('tpot_s'); // true
 */
export const CALIBRATION_METRICS = ['ttft_s', 'tpot_s', 'request_latency_s', 'output_tokens_per_s_per_chip', 'tokens_per_s_per_chip'] as const;

/**
 * One of `CALIBRATION_METRICS`.
 *
 * @example
 * const metric: CalibrationMetric = 'ttft_s';
 */
export type CalibrationMetric = (typeof CALIBRATION_METRICS)[number];

/**
 * The value of `metric` in a feasible result, SI. With `run`, a throughput is the one a finite
 * closed-loop benchmark run measures (`finiteRunShare`, docs/MODEL.md §9), not the steady state's;
 * latencies are unchanged.
 *
 * @example
 * const result = estimateInference(config);
 * if (result.feasible) metricValue('tpot_s', result, config); // seconds per decode step
 */
export function metricValue(metric: CalibrationMetric, result: FeasibleInferenceResult, config: InferenceConfig, run?: ClosedLoopRun): number {
  switch (metric) {
    case 'ttft_s':
      return result.ttftS;
    case 'tpot_s':
      return result.tpotS;
    case 'request_latency_s':
      return result.requestLatencyS;
    case 'output_tokens_per_s_per_chip': {
      // a disaggregated deployment's batch is one decode worker's, and its chips include the prefill pool
      const replicaChips = config.parallelism.tp * config.parallelism.pp;
      const steady = config.disaggregation === undefined ? (config.batch * config.outputTokens) / result.requestLatencyS / replicaChips : result.tokensPerSPerChip;
      return run === undefined ? steady : steady * finiteRunShare(run, result);
    }
    case 'tokens_per_s_per_chip':
      return run === undefined ? result.totalTokensPerSPerChip : result.totalTokensPerSPerChip * finiteRunShare(run, result);
  }
}

/**
 * A row to fit against: the measured figure (SI, > 0) and how to predict it for a chip. The
 * prediction is `undefined` when the model calls the configuration infeasible; such a row is left
 * out of the objective.
 *
 * @example
 * const row: CalibrationRow = { id: 'line 2', measured: 0.0123, predict: (chip) => estimateInference({ ...config, chip }).tpotS };
 */
export interface CalibrationRow {
  /** How reports name the row: a CSV line, a published row id. */
  readonly id: string;
  /** The measured figure, SI, > 0. */
  readonly measured: number;
  /** The same figure predicted for `chip` (the configuration's chip with candidate efficiencies). */
  readonly predict: (chip: ChipSpec) => number | undefined;
}

/**
 * A measured inference row: the configuration it ran, which figure was measured, and its value (SI).
 *
 * @example
 * const row: MeasuredInferenceRow = { id: 'line 2', config, metric: 'tpot_s', measured: 0.0123 };
 */
export interface MeasuredInferenceRow {
  readonly id: string;
  readonly config: InferenceConfig;
  readonly metric: CalibrationMetric;
  readonly measured: number;
  /** The closed-loop benchmark run that measured it, when its throughput is a finite run's (`metricValue`). */
  readonly run?: ClosedLoopRun;
}

/**
 * The `CalibrationRow` of a measured inference row: it runs `estimateInference` on the row's
 * configuration with the candidate chip and reads `metric`.
 *
 * @example
 * const rows = measured.map(inferenceRow);
 * calibrateEfficiencies(chip, rows);
 */
export function inferenceRow(row: MeasuredInferenceRow): CalibrationRow {
  return {
    id: row.id,
    measured: row.measured,
    predict: (chip) => {
      const config = { ...row.config, chip };
      const result = estimateInference(config);
      return result.feasible ? metricValue(row.metric, result, config, row.run) : undefined;
    },
  };
}

/**
 * Constant efficiencies, as `calibrateEfficiencies` fits them.
 *
 * @example
 * const e: ConstantEfficiencies = { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 10e-6, commOverlap: 0.5 };
 */
export interface ConstantEfficiencies {
  /** η_flop, fraction of peak FLOP/s. */
  readonly flop: number;
  /** η_mem, fraction of peak memory bandwidth. */
  readonly memory: number;
  /** η_net, fraction of link bandwidth. */
  readonly network: number;
  /** t_layer, seconds per layer. */
  readonly layerOverheadS: number;
  /** Fraction of prefill collective time hidden behind compute. */
  readonly commOverlap: number;
}

/**
 * Arithmetic intensities (FLOP/byte) where a fitted η_flop curve has its two points: a small GEMM
 * (a 64-token bf16 batch) and a large one, between which matmul efficiency typically climbs.
 */
export const FLOP_CURVE_INTENSITIES: readonly [number, number] = [128, 4096];

/**
 * Arithmetic intensities (FLOP/byte) of the curve a large-GEMM anchor makes (`flopLargeGemm`): the
 * fitted η_flop holds up to 128 (an FP8 GEMM of ~64 tokens, which reaches 10–20% of an H100's FP8
 * peak; MoE serving's expert GEMMs, a few tokens per expert, sit below) and rises linearly to the
 * anchor at 4,096 (~2k tokens, the achievable-matmul benchmarks' regime). A two-point curve with
 * its ends at 16 and 256 instead fitted InferenceX worse (pooled out-of-sample 20.5% / 19.6%
 * median on throughput / tokens/s per user; chip ranking 84% of pairs against 92%).
 */
export const FLOP_LARGE_GEMM_INTENSITIES: readonly [number, number] = [128, 4096];

/**
 * Fitted efficiencies: the constants, and, where it fits the rows clearly better, η_flop as a
 * two-point curve over arithmetic intensity (at `FLOP_CURVE_INTENSITIES`), which replaces `flop`.
 *
 * @example
 * const e: FittedEfficiencies = { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 1e-5, commOverlap: 0,
 *   flopCurve: [[128, 0.45], [4096, 0.7]] };
 */
export interface FittedEfficiencies extends ConstantEfficiencies {
  readonly flopCurve?: readonly [readonly [number, number], readonly [number, number]];
  /** η_flop per compute precision, where fitted (`options.flopPrecisions`); others use `flop`. */
  readonly flopByPrecision?: Partial<Readonly<Record<Precision, number>>>;
  /**
   * η_flop of large GEMMs, e.g. the chip's achievable-matmul benchmark (`options.flopLargeGemm`).
   * When set, `flop` and each `flopByPrecision` value are the small-GEMM end of a curve (at
   * `FLOP_LARGE_GEMM_INTENSITIES[0]`) rising linearly to max(value, flopLargeGemm) at
   * `FLOP_LARGE_GEMM_INTENSITIES[1]`: serving rows of a MoE model pin its small expert GEMMs, and
   * must not drag a dense model's larger GEMMs down with them (docs/MODEL.md §9).
   */
  readonly flopLargeGemm?: number;
  /**
   * The large-GEMM anchor per compute precision, where the chip's matmuls reach a different share of
   * that precision's peak (e.g. Blackwell's FP4 GEMMs 0.54 of the FP4 peak against 0.78 at BF16): that
   * precision's η_flop (its `flopByPrecision` value, else the shared `flop`) rises to max(value, this)
   * instead; a precision without an anchor of its own uses `flopLargeGemm`
   * (`options.flopLargeGemmByPrecision`).
   */
  readonly flopLargeGemmByPrecision?: Partial<Readonly<Record<Precision, number>>>;
  /**
   * The fitted η_flop (`flop`, `flopByPrecision`, with the `flopLargeGemm` anchor) describes the
   * routed experts' grouped GEMMs only: it becomes `expertFlop` / `expertFlopByPrecision`, and the
   * chip's other matmuls keep its own `flop` (`options.flopForExperts`; docs/MODEL.md §2, §9).
   */
  readonly flopForExperts?: boolean;
}

/**
 * The values the grid search tries for each efficiency.
 *
 * @example
 * const coarse: CalibrationGrid = { ...DEFAULT_CALIBRATION_GRID, network: [0.7] };
 */
export type CalibrationGrid = { readonly [K in keyof ConstantEfficiencies]: readonly number[] };

const FRACTIONS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

/**
 * The grid `pnpm validate --fit` and `ridgeline calibrate` search: 14 × 14 × 5 × 8 × 5 points.
 * Per-layer launch + synchronisation costs of stacks without CUDA graphs reach ~100 µs (10–15
 * kernels and two collective calls per layer); beyond that t_layer only trades off against η_mem,
 * so the grid stops at 120 µs.
 *
 * @example
 * DEFAULT_CALIBRATION_GRID.layerOverheadS.at(-1); // 120e-6
 */
export const DEFAULT_CALIBRATION_GRID: CalibrationGrid = {
  flop: FRACTIONS,
  memory: FRACTIONS,
  network: [0.5, 0.6, 0.7, 0.8, 0.9],
  layerOverheadS: [0, 5e-6, 10e-6, 20e-6, 40e-6, 60e-6, 80e-6, 120e-6],
  commOverlap: [0, 0.25, 0.5, 0.75, 0.9],
};

/**
 * The η_flop a fit gives the matmuls at `precision`, as `withEfficiencies` builds it: the
 * precision's own fitted value (`flopByPrecision`), else the shared η_flop (`flop`, or
 * `flopCurve`), as a curve rising to the precision's own large-GEMM anchor
 * (`flopLargeGemmByPrecision`, else `flopLargeGemm`) where the fit has one. The anchor is the
 * chip's, not the fit's: a precision that kept the shared small-GEMM value still tops out where
 * that precision's matmuls do (Blackwell's FP4 at 0.54 of the FP4 peak, not BF16's 0.78). A
 * profile written from a fit reads its values here, so it carries what was fitted.
 *
 * @example
 * fittedFlopAt({ flop: 0.05, memory: 0.6, network: 0.8, layerOverheadS: 0, commOverlap: 0, flopByPrecision: { fp4: 0.03 }, flopLargeGemm: 0.78, flopLargeGemmByPrecision: { fp4: 0.54 } }, 'fp4', 'fit');
 * // { curve: [[128, 0.03], [4096, 0.54]], over: 'arithmeticIntensity', source: 'fit' }
 */
export function fittedFlopAt(e: FittedEfficiencies, precision: Precision | undefined, source: string): Efficiency {
  const own = precision === undefined ? undefined : e.flopByPrecision?.[precision];
  if (own === undefined && e.flopCurve !== undefined) return { curve: e.flopCurve, over: 'arithmeticIntensity', source };
  const value = own ?? e.flop;
  const anchor = e.flopLargeGemm === undefined ? undefined : precision === undefined ? e.flopLargeGemm : (e.flopLargeGemmByPrecision?.[precision] ?? e.flopLargeGemm);
  const [small, big] = FLOP_LARGE_GEMM_INTENSITIES;
  return anchor === undefined ? { value, source } : { curve: [[small, value], [big, Math.max(value, anchor)]], over: 'arithmeticIntensity', source };
}

/**
 * `chip` with its efficiencies replaced by constants, each carrying `source`. What no grid search
 * sets stays the chip's: its sourced η_mem of contiguous weight reads (`weightMemory`), its front
 * end's t_req (`requestOverheadS`), its MTP acceptance and its KV cache budget. Without the last
 * three a first-party chip's candidates would run TTFT short of its t_req and MTP at the model's
 * default acceptance while its rows were fitted (`fitMtpAcceptance` sets the acceptance on its own).
 *
 * @example
 * withEfficiencies(h100, { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 1e-5, commOverlap: 0 }, 'fit: my rows').efficiency.flop;
 * // { value: 0.6, source: 'fit: my rows' }
 */
export function withEfficiencies(chip: ChipSpec, e: FittedEfficiencies, source: string): ChipSpec {
  const flop = fittedFlopAt(e, undefined, source);
  // every precision the fit gave a value or the chip a large-GEMM anchor of its own
  const precisions = new Set([...Object.keys(e.flopByPrecision ?? {}), ...(e.flopLargeGemm === undefined ? [] : Object.keys(e.flopLargeGemmByPrecision ?? {}))]);
  const byPrecision =
    precisions.size === 0
      ? undefined
      : (Object.fromEntries([...precisions].map((p) => [p, fittedFlopAt(e, p as Precision, source)])) as Partial<Record<Precision, Efficiency>>);
  const flops =
    e.flopForExperts === true
      ? {
          // the chip's other matmuls keep its own η_flop, per precision too (Blackwell's FP4 GEMMs)
          flop: chip.efficiency.flop,
          ...(chip.efficiency.flopByPrecision === undefined ? {} : { flopByPrecision: chip.efficiency.flopByPrecision }),
          expertFlop: flop,
          ...(byPrecision === undefined ? {} : { expertFlopByPrecision: byPrecision }),
        }
      : { flop, ...(byPrecision === undefined ? {} : { flopByPrecision: byPrecision }) };
  return {
    ...chip,
    efficiency: {
      ...flops,
      memory: { value: e.memory, source },
      // the η_mem of contiguous weight reads is sourced (a STREAM-type benchmark), not fitted: it stays the chip's
      ...(chip.efficiency.weightMemory === undefined ? {} : { weightMemory: chip.efficiency.weightMemory }),
      network: { value: e.network, source },
      layerOverheadS: { value: e.layerOverheadS, source },
      commOverlap: { value: e.commOverlap, source },
      ...(chip.efficiency.requestOverheadS === undefined ? {} : { requestOverheadS: chip.efficiency.requestOverheadS }),
      ...(chip.efficiency.mtpAcceptance === undefined ? {} : { mtpAcceptance: chip.efficiency.mtpAcceptance }),
      ...(chip.efficiency.kvCacheBudget === undefined ? {} : { kvCacheBudget: chip.efficiency.kvCacheBudget }),
    },
  };
}

/**
 * One row predicted for one chip.
 *
 * @example
 * const fit: RowFit = { id: 'line 2', measured: 0.0123, predicted: 0.0119, error: -0.0325 };
 */
export interface RowFit {
  readonly id: string;
  readonly measured: number;
  /** undefined when the model calls the row's configuration infeasible. */
  readonly predicted: number | undefined;
  /** (predicted − measured) / measured; undefined when infeasible. */
  readonly error: number | undefined;
}

/**
 * How well a chip reproduces rows.
 *
 * @example
 * const e: RowsEvaluation = evaluateRows(rows, chip); // e.medianAbsError, e.rows[i].error
 */
export interface RowsEvaluation {
  readonly rows: readonly RowFit[];
  /** The objective: mean |ln(predicted / measured)| over feasible rows; undefined when none is feasible. */
  readonly loss: number | undefined;
  /** Median |error| over feasible rows (NaN when none is). */
  readonly medianAbsError: number;
}

/** Linear interpolation between order statistics of an ascending list. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The objective alone, for the inner loop of the search. */
function lossOf(rows: readonly CalibrationRow[], chip: ChipSpec): number | undefined {
  const logs: number[] = [];
  for (const row of rows) {
    const predicted = row.predict(chip);
    if (predicted !== undefined) logs.push(Math.abs(Math.log(predicted / row.measured)));
  }
  if (logs.length === 0) return undefined;
  return logs.reduce((a, b) => a + b, 0) / logs.length;
}

/**
 * Predicts every row for `chip` (as it is, curves included) and scores it.
 *
 * @example
 * const before = evaluateRows(rows, chip);
 * before.medianAbsError; // e.g. 0.23
 */
export function evaluateRows(rows: readonly CalibrationRow[], chip: ChipSpec): RowsEvaluation {
  const fits = rows.map((row): RowFit => {
    const predicted = row.predict(chip);
    return {
      id: row.id,
      measured: row.measured,
      predicted,
      error: predicted === undefined ? undefined : (predicted - row.measured) / row.measured,
    };
  });
  const feasible = fits.filter((f) => f.predicted !== undefined);
  const loss =
    feasible.length === 0
      ? undefined
      : feasible.map((f) => Math.abs(Math.log(f.predicted! / f.measured))).reduce((a, b) => a + b, 0) / feasible.length;
  const abs = fits.flatMap((f) => (f.error === undefined ? [] : [Math.abs(f.error)])).sort((a, b) => a - b);
  return { rows: fits, loss, medianAbsError: quantile(abs, 0.5) };
}

/**
 * The result of `calibrateEfficiencies`.
 *
 * @example
 * const fit: CalibrationResult | undefined = calibrateEfficiencies(chip, rows);
 */
export interface CalibrationResult extends RowsEvaluation {
  /**
   * The grid point with the smallest loss; on ties, the one nearest the chip's own values (so an
   * efficiency the rows do not constrain keeps its sourced value). `flopCurve` is set when a
   * two-point η_flop curve lowers the loss by at least 2%.
   */
  readonly efficiencies: FittedEfficiencies;
  readonly loss: number;
  /**
   * Efficiencies that landed on the first or last value of their grid where that is not a natural
   * bound (0 for t_layer and overlap, 1 for fractions): the best value may lie beyond the grid.
   */
  readonly atGridEdge: ReadonlyArray<keyof ConstantEfficiencies>;
}

/**
 * How `calibrateEfficiencies` searches beyond the constants of its grid.
 *
 * @example
 * const options: CalibrationOptions = { flopPrecisions: ['fp8'] };
 */
export interface CalibrationOptions {
  /** false: never try η_flop as a two-point curve over arithmetic intensity (default: tried). */
  readonly flopCurve?: boolean;
  /** Fit η_flop per these compute precisions too (`flopByPrecision`). */
  readonly flopPrecisions?: readonly Precision[];
  /** η_flop of large GEMMs: the fitted value becomes a curve's small-GEMM end rising to it (`FittedEfficiencies.flopLargeGemm`). */
  readonly flopLargeGemm?: number;
  /** The large-GEMM anchor per compute precision, where it differs (`FittedEfficiencies.flopLargeGemmByPrecision`). */
  readonly flopLargeGemmByPrecision?: Partial<Readonly<Record<Precision, number>>>;
  /** The fitted η_flop is the routed experts' only (`FittedEfficiencies.flopForExperts`). */
  readonly flopForExperts?: boolean;
}

const NATURAL_BOUNDS: { readonly [K in keyof ConstantEfficiencies]: readonly number[] } = {
  flop: [1],
  memory: [1],
  network: [1],
  layerOverheadS: [0],
  commOverlap: [0, 1],
};

function checkRows(rows: readonly CalibrationRow[], grid: CalibrationGrid): void {
  if (rows.length === 0) throw new InputError('rows', 'calibration needs at least one measured row');
  for (const row of rows) {
    if (!Number.isFinite(row.measured) || row.measured <= 0) {
      throw new InputError('rows', `row ${row.id}: the measured value must be a finite number > 0, got ${row.measured}`);
    }
  }
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new InputError(`grid.${key}`, `grid.${key} must list at least one value`);
  }
}

/**
 * Fits constant efficiencies to measured rows: an exhaustive grid search minimising the mean
 * |ln(predicted / measured)| over the rows the model can run (a symmetric, scale-free error, so a
 * 2× overestimate weighs as much as a 2× underestimate and TTFTs in seconds weigh as much as TPOTs
 * in milliseconds). Ties go to the grid point nearest the chip's current efficiencies. A second
 * stage tries η_flop as a two-point curve over arithmetic intensity (`FLOP_CURVE_INTENSITIES`) and
 * keeps it if it lowers the loss by at least 2% (`options.flopCurve: false` skips it). Returns `undefined` when no grid point makes any row feasible.
 * Throws `InputError` for no rows, a measured value ≤ 0, or an empty grid dimension.
 *
 * @example
 * const rows = measured.map(inferenceRow);
 * const fit = calibrateEfficiencies(chip, rows);
 * fit?.efficiencies; // { flop: 0.6, memory: 0.8, network: 0.7, layerOverheadS: 1e-5, commOverlap: 0.5 }
 * fit?.medianAbsError; // e.g. 0.012
 */
export function calibrateEfficiencies(
  chip: ChipSpec,
  rows: readonly CalibrationRow[],
  grid: CalibrationGrid = DEFAULT_CALIBRATION_GRID,
  options: CalibrationOptions = {},
): CalibrationResult | undefined {
  checkRows(rows, grid);
  // what every candidate carries besides the searched constants: the large-GEMM anchors, and whose η_flop it is
  const carried = {
    ...(options.flopLargeGemm === undefined ? {} : { flopLargeGemm: options.flopLargeGemm }),
    ...(options.flopLargeGemm === undefined || options.flopLargeGemmByPrecision === undefined ? {} : { flopLargeGemmByPrecision: options.flopLargeGemmByPrecision }),
    ...(options.flopForExperts === true ? { flopForExperts: true } : {}),
  };
  const stage1 = searchConstants(chip, rows, grid, undefined, carried);
  if (stage1 === undefined) return undefined;
  let fitted: FittedEfficiencies = { ...stage1.efficiencies, ...carried };
  let bestLoss = stage1.loss;
  // Stage 2: η_flop as a curve rising from small to large GEMMs, the other constants held; kept
  // only if it is clearly better, and then the other constants are searched again under it.
  const [lowAi, highAi] = FLOP_CURVE_INTENSITIES;
  let bestCurve: FittedEfficiencies['flopCurve'];
  let curveLoss = bestLoss;
  // (a large-GEMM anchor already makes η_flop a curve: no second curve is searched)
  for (const low of options.flopCurve === false || options.flopLargeGemm !== undefined ? [] : grid.flop) {
    for (const high of grid.flop) {
      if (high <= low) continue;
      const flopCurve = [[lowAi, low], [highAi, high]] as const;
      const loss = lossOf(rows, withEfficiencies(chip, { ...fitted, flopCurve }, 'fit candidate'));
      if (loss !== undefined && loss < curveLoss) {
        curveLoss = loss;
        bestCurve = flopCurve;
      }
    }
  }
  if (bestCurve !== undefined && curveLoss < bestLoss * 0.98) {
    const stage3 = searchConstants(chip, rows, { ...grid, flop: [bestCurve[1][1]] }, bestCurve, carried);
    if (stage3 !== undefined && stage3.loss <= curveLoss) {
      fitted = { ...stage3.efficiencies, ...carried, flop: bestCurve[1][1], flopCurve: bestCurve };
      bestLoss = stage3.loss;
    }
  }
  // Stage 4: η_flop per compute precision (`options.flopPrecisions`), each on grid.flop with every
  // other efficiency held, two rounds of coordinate descent; a precision's value is kept only when it
  // lowers the loss, so a precision no row computes at keeps the shared η_flop.
  if ((options.flopPrecisions?.length ?? 0) > 0 && fitted.flopCurve === undefined) {
    let byPrecision: Partial<Record<Precision, number>> = {};
    for (let round = 0; round < 2; round++) {
      for (const precision of options.flopPrecisions ?? []) {
        for (const value of grid.flop) {
          const candidate = { ...fitted, flopByPrecision: { ...byPrecision, [precision]: value } };
          const loss = lossOf(rows, withEfficiencies(chip, candidate, 'fit candidate'));
          if (loss !== undefined && loss < bestLoss * (1 - 1e-12)) {
            bestLoss = loss;
            byPrecision = candidate.flopByPrecision;
          }
        }
      }
    }
    if (Object.keys(byPrecision).length > 0) fitted = { ...fitted, flopByPrecision: byPrecision };
  }
  const evaluation = evaluateRows(rows, withEfficiencies(chip, fitted, 'fit candidate'));
  const atGridEdge = (Object.keys(grid) as Array<keyof ConstantEfficiencies>).filter((key) => {
    const values = grid[key];
    const value = fitted[key];
    const edge = value === Math.min(...values) || value === Math.max(...values);
    return values.length > 1 && edge && !NATURAL_BOUNDS[key].includes(value);
  });
  return { ...evaluation, loss: bestLoss, efficiencies: fitted, atGridEdge };
}

/** How far a grid value lies from `current`, in grid steps (for breaking ties toward the chip's own values). */
function gridSteps(values: readonly number[], value: number, current: number): number {
  let nearest = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]! - current) < Math.abs(values[nearest]! - current)) nearest = i;
  return Math.abs(values.indexOf(value) - nearest);
}

/** The exhaustive grid over the constants (η_flop fixed to `flopCurve` when given). */
function searchConstants(
  chip: ChipSpec,
  rows: readonly CalibrationRow[],
  grid: CalibrationGrid,
  flopCurve: FittedEfficiencies['flopCurve'],
  carried: Pick<FittedEfficiencies, 'flopLargeGemm' | 'flopLargeGemmByPrecision' | 'flopForExperts'> = {},
): { efficiencies: ConstantEfficiencies; loss: number } | undefined {
  const e = chip.efficiency;
  const current: ConstantEfficiencies = {
    flop: efficiencyAt(e.flop, FLOP_CURVE_INTENSITIES[1]),
    memory: efficiencyAt(e.memory, 1),
    network: efficiencyAt(e.network, 1e6),
    layerOverheadS: e.layerOverheadS.value,
    commOverlap: e.commOverlap?.value ?? 0,
  };
  const distance = (c: ConstantEfficiencies): number =>
    (Object.keys(grid) as Array<keyof ConstantEfficiencies>).reduce((sum, key) => sum + gridSteps(grid[key], c[key], current[key]), 0);
  let best: ConstantEfficiencies | undefined;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const flop of grid.flop) {
    for (const memory of grid.memory) {
      for (const network of grid.network) {
        for (const layerOverheadS of grid.layerOverheadS) {
          for (const commOverlap of grid.commOverlap) {
            const candidate = { flop, memory, network, layerOverheadS, commOverlap };
            const chipCandidate = withEfficiencies(chip, { ...candidate, ...carried, ...(flopCurve === undefined ? {} : { flopCurve }) }, 'fit candidate');
            const loss = lossOf(rows, chipCandidate);
            if (loss === undefined) continue;
            // Equal losses (an efficiency no row depends on) go to the point nearest the chip's own values.
            const tie = Number.isFinite(bestLoss) && Math.abs(loss - bestLoss) <= 1e-12 * bestLoss;
            if (loss < bestLoss && !tie) {
              bestLoss = loss;
              best = candidate;
              bestDistance = distance(candidate);
            } else if (tie) {
              const d = distance(candidate);
              if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
              }
            }
          }
        }
      }
    }
  }
  return best === undefined ? undefined : { efficiencies: best, loss: bestLoss };
}
