import { calibrateEfficiencies, computePrecision, estimateInference, evaluateRows, fittedFlopAt, MTP_ACCEPTANCE_GRID, servingCalibrationGrid, servingCalibrationOptions, withEfficiencies, withMtpAcceptance, type CalibrationGrid, type CalibrationRow, type FittedEfficiencies, type InferenceResult } from '@ridgeline/model';
import type { CalibrationStatus, ChipSpec, Efficiency, EfficiencyProfile, KvCacheBudget, Precision } from '@ridgeline/hardware';
import { groupBy } from './validate.ts';
import { BEST_ROW, contradictedClause, errorStats, inferencexChipById, inferencexConfig, predictedTputPerGpu, rankingAgreement, rankingShare, INFERENCEX_CHIP_IDS, stackOf, type ErrorStats, type InferencexRow, type RankedPrediction, type RankingRule } from './inferencex.ts';

/**
 * One fitting procedure on InferenceX (docs/MODEL.md §9): per chip (or per chip and serving stack:
 * a profile; chips of one die, `FITTED_TOGETHER`, fitted as one), the constant efficiencies of
 * `calibrateEfficiencies` (the grid search `ridgeline calibrate` runs) fitted to throughput per GPU
 * and tokens/s per user of every row the model runs;
 * per serving stack, one MTP acceptance over every chip's rows; and the same fit repeated with each
 * curve left out (the same chip, framework, precision and mode), so the error it reports on the
 * left-out curve is out of sample. `pnpm validate --fit --write` writes the per-stack profiles into
 * the NVIDIA and AMD plugins.
 */

/** A curve of InferenceX: one chip, framework (serving stack), precision and mode (MTP or not). */
export function curveOf(row: InferencexRow): string {
  return `${row.hardware} ${row.framework} ${row.precision} ${row.specMethod === 'mtp' ? 'mtp' : 'no-mtp'}`;
}

/**
 * Chips fitted together, one efficiency set for each group: the same GPU die on another board or
 * with other memory (docs/MODEL.md §9). An efficiency is a fraction of the chip's own datasheet
 * peak, so one set serves every chip of the die, each row at its own chip's peaks; the rows of
 * every chip of the die then pin it, where one chip's rows alone (H100's are all two-node
 * deployments) would fold what they do not express into its HBM efficiency.
 */
export const FITTED_TOGETHER: readonly (readonly string[])[] = [['h200', 'h100-sxm']];

/** The group of chips `id` is fitted with (`FITTED_TOGETHER`), else the chip alone. */
export function fittedTogetherWith(id: string): readonly string[] {
  return FITTED_TOGETHER.find((group) => group.includes(id)) ?? [id];
}

const onRowChipMemo = new WeakMap<ChipSpec, Map<string, ChipSpec>>();

/**
 * The KV cache budget of a row's serving stack (docs/MODEL.md §4, "KV cache budget"): the one the
 * row's chip's profile of that stack carries (TensorRT-LLM's on NVIDIA chips), else none. A property
 * of the stack the plugin sources, not a fitted figure, so every fit serves a row with it.
 */
export function stackKvCacheBudget(row: InferencexRow): KvCacheBudget | undefined {
  const id = INFERENCEX_CHIP_IDS[row.hardware];
  const chip = id === undefined ? undefined : inferencexChipById(id);
  return chip?.efficiencyProfiles?.[stackOf(row.framework)]?.kvCacheBudget;
}

/**
 * `chip` (fitted efficiencies) as it serves `row`: its own datasheet on its own rows and on any chip
 * it is not fitted with, on the rows of another chip of its group that chip's datasheet, with
 * `chip`'s efficiencies in both cases and the KV cache budget of the row's stack
 * (`stackKvCacheBudget`; one object per chip, row hardware and stack, since the fit memoises per chip object).
 */
export function onRowChip(chip: ChipSpec, row: InferencexRow): ChipSpec {
  const id = INFERENCEX_CHIP_IDS[row.hardware];
  const otherDatasheet = id !== undefined && id !== chip.id && fittedTogetherWith(chip.id).includes(id);
  const budget = stackKvCacheBudget(row);
  if (!otherDatasheet && budget === chip.efficiency.kvCacheBudget) return chip;
  let byKey = onRowChipMemo.get(chip);
  if (byKey === undefined) {
    byKey = new Map();
    onRowChipMemo.set(chip, byKey);
  }
  // the row's hardware and stack set both the datasheet and the budget
  const key = `${row.hardware} ${stackOf(row.framework)}`;
  let served = byKey.get(key);
  if (served === undefined) {
    const datasheet = otherDatasheet ? inferencexChipById(id) : chip;
    if (datasheet === undefined) return chip;
    const { kvCacheBudget: _held, ...efficiency } = chip.efficiency;
    void _held;
    served = { ...datasheet, efficiency: budget === undefined ? efficiency : { ...efficiency, kvCacheBudget: budget } };
    byKey.set(key, served);
  }
  return served;
}

/**
 * The grid the InferenceX fit searches: the serving procedure's (`servingCalibrationGrid` in
 * @ridgeline/model, docs/MODEL.md §9), which `ridgeline calibrate --serving` searches too.
 */
export const inferencexFitGrid: (chip: ChipSpec) => CalibrationGrid = servingCalibrationGrid;

/**
 * Two calibration rows per InferenceX row, throughput per GPU and tokens/s per user, that share one
 * `estimateInference` per candidate chip (the search predicts every row for one candidate in turn).
 */
export function calibrationRowsOf(rows: readonly InferencexRow[], acceptanceOf?: (row: InferencexRow) => number | undefined): CalibrationRow[] {
  return rows.flatMap((row): CalibrationRow[] => {
    const config = inferencexConfig(row, 'continuous');
    // a candidate chip serves the row at its stack's MTP acceptance where one is given
    const acceptance = acceptanceOf?.(row);
    let lastChip: ChipSpec | undefined;
    let last: InferenceResult | undefined;
    const result = (chip: ChipSpec): InferenceResult => {
      if (chip !== lastChip) {
        lastChip = chip;
        const served = onRowChip(chip, row);
        last = estimateInference({ ...config, chip: acceptance === undefined ? served : withMtpAcceptance(served, acceptance, 'fit candidate') });
      }
      return last!;
    };
    return [
      { id: `line ${row.line} tput`, measured: row.tputPerGpu, predict: (chip) => { const r = result(chip); return r.feasible ? predictedTputPerGpu(row, r) : undefined; } },
      { id: `line ${row.line} interactivity`, measured: row.medianIntvty, predict: (chip) => { const r = result(chip); return r.feasible ? r.tokensPerSPerUser : undefined; } },
    ];
  });
}

/** Signed errors of throughput, tokens/s per user and TTFT over rows, for one chip's efficiencies. */
export interface Errors {
  readonly throughput: number[];
  readonly interactivity: number[];
  readonly ttft: number[];
}

/** A chip's efficiencies on rows (`chipFor` the chip as it serves each row): the throughput per GPU, tokens/s per user and TTFT it predicts for each row it can run. */
function predictionsOf(rows: readonly InferencexRow[], chipFor: ChipSpec | ((row: InferencexRow) => ChipSpec)): RankedPrediction[] {
  const out: RankedPrediction[] = [];
  for (const row of rows) {
    const chip = onRowChip(typeof chipFor === 'function' ? chipFor(row) : chipFor, row);
    const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip });
    if (!r.feasible) continue;
    out.push({ row, predicted: { throughput: predictedTputPerGpu(row, r), interactivity: r.tokensPerSPerUser, ttft: r.ttftS }, config: { chip: { id: chip.id } } });
  }
  return out;
}

/** The signed errors of predictions against their rows' measurements. */
function errorsOf(predictions: readonly RankedPrediction[]): Errors {
  const errors: Errors = { throughput: [], interactivity: [], ttft: [] };
  for (const { row, predicted } of predictions) {
    if (predicted === undefined) continue;
    errors.throughput.push((predicted.throughput - row.tputPerGpu) / row.tputPerGpu);
    errors.interactivity.push((predicted.interactivity - row.medianIntvty) / row.medianIntvty);
    errors.ttft.push((predicted.ttft - row.medianTtft) / row.medianTtft);
  }
  return errors;
}

/** MTP acceptances the fit tries: the serving procedure's (@ridgeline/model), which `ridgeline calibrate --serving` tries too. */
export { MTP_ACCEPTANCE_GRID };
/** t_req values the fit tries, seconds: a serving front end's fixed time per request. */
export const REQUEST_OVERHEAD_GRID: readonly number[] = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];

/**
 * The concurrency up to which a row's TTFT fits t_req: at low load a request's first token waits
 * for its own prefill and the front end, not for a queue (whose length the model gets less right,
 * and which a fixed t_req would only mimic). Only single-node rows count: a disaggregated
 * deployment's router and KV hand-off add orchestration of their own, which is not the front end's.
 */
export const REQUEST_OVERHEAD_MAX_CONCURRENCY = 16;

/**
 * What the fit adds to the efficiencies, per serving stack (docs/MODEL.md §9): its MTP acceptance
 * (where some chip ran it with MTP), fitted on every chip's rows of the stack together, since it is
 * the software's and the model's, not the chip's (the same DeepSeek-R1 MTP module on the same random
 * prompts); and t_req, the front end's time per request, pooled the same way by `fitStackServing`
 * and refitted on a chip's own rows where it has some (`withOwnRequestOverhead`).
 */
export interface ServingFit {
  readonly mtpAcceptance: number | undefined;
  readonly requestOverheadS: number;
  /** The chips whose MTP rows the acceptance was fitted on, and how many rows. */
  readonly mtpChips: readonly string[];
  readonly mtpRows: number;
  /** The chips whose low-concurrency single-node TTFTs t_req was fitted on, and how many rows. */
  readonly ttftChips: readonly string[];
  readonly ttftRows: number;
}

/** Per serving stack (`stackOf`): its pooled MTP acceptance and t_req. */
export type StackServing = Readonly<Record<string, ServingFit>>;

/** One chip's share of a pooled serving fit: its rows, predicted by the chip (its fitted efficiencies). */
export interface ServingTerm {
  readonly chip: ChipSpec;
  readonly rows: readonly InferencexRow[];
}

/**
 * `chip` (fitted efficiencies) as it serves `row`: at the MTP acceptance and t_req of the row's
 * stack in `serving` (the chip's own where the stack has none).
 */
export function servingChip(chip: ChipSpec, serving: StackServing, row: InferencexRow, source = 'fit: InferenceX'): ChipSpec {
  const fit = serving[stackOf(row.framework)];
  if (fit === undefined) return chip;
  return {
    ...chip,
    efficiency: {
      ...chip.efficiency,
      ...(fit.mtpAcceptance === undefined ? {} : { mtpAcceptance: { value: fit.mtpAcceptance, source } }),
      requestOverheadS: { value: fit.requestOverheadS, source },
    },
  };
}

// A pooled fit predicts the same row with the same chip at each grid value many times over (once
// per curve left out): the |ln| of throughput and of tokens/s per user of (chip, row, acceptance),
// and the TTFT without t_req, are kept per chip object.
const rateLossMemo = new WeakMap<ChipSpec, Map<string, number | null>>();
const ttftMemo = new WeakMap<ChipSpec, Map<string, number | null>>();

function memoised(memo: WeakMap<ChipSpec, Map<string, number | null>>, chip: ChipSpec, key: string, compute: () => number | null): number | null {
  let byKey = memo.get(chip);
  if (byKey === undefined) {
    byKey = new Map();
    memo.set(chip, byKey);
  }
  if (!byKey.has(key)) byKey.set(key, compute());
  return byKey.get(key)!;
}

/** The calibration objective on one MTP row at acceptance `a`: its two calibration rows' mean |ln(predicted/measured)| (`evaluateRows`; null when infeasible). */
function rateLoss(chip: ChipSpec, row: InferencexRow, a: number): number | null {
  return memoised(rateLossMemo, chip, `${row.line} ${a}`, () => evaluateRows(calibrationRowsOf([row]), withMtpAcceptance(chip, a, 'fit candidate')).loss ?? null);
}

/** A row's predicted TTFT without t_req, at acceptance `a` (null when infeasible). */
function ttftWithoutOverhead(chip: ChipSpec, row: InferencexRow, a: number | undefined): number | null {
  return memoised(ttftMemo, chip, `${row.line} ${a}`, () => {
    const served = onRowChip(chip, row);
    const { requestOverheadS: _ignored, ...efficiency } = (a === undefined ? served : withMtpAcceptance(served, a, 'fit candidate')).efficiency;
    void _ignored;
    const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: { ...served, efficiency } });
    return r.feasible ? r.ttftS : null;
  });
}

/**
 * The serving figures of every stack the terms' rows ran (or of `stack` alone), each fitted on all
 * the terms' rows of that stack with each term's efficiencies held: the MTP acceptance on the MTP
 * rows, the lowest calibration loss (mean |ln| of throughput and tokens/s per user over every row
 * the model runs) over `MTP_ACCEPTANCE_GRID` (undefined without MTP rows); then t_req on the TTFT
 * of the single-node rows at concurrency ≤ `REQUEST_OVERHEAD_MAX_CONCURRENCY` (`fitRequestOverhead`;
 * 0 without such rows: t_req adds to TTFT alone).
 */
export function fitStackServing(terms: readonly ServingTerm[], stack?: string): StackServing {
  const stacks = stack === undefined ? [...new Set(terms.flatMap((t) => t.rows.map((r) => stackOf(r.framework))))] : [stack];
  const out: Record<string, ServingFit> = {};
  for (const s of stacks) {
    const ofStack = terms.map((t) => ({ chip: t.chip, rows: t.rows.filter((r) => stackOf(r.framework) === s) })).filter((t) => t.rows.length > 0);
    if (ofStack.length === 0) continue;
    const mtp = ofStack.map((t) => ({ chip: t.chip, rows: t.rows.filter((r) => r.specMethod === 'mtp') }));
    const mtpRows = mtp.reduce((n, t) => n + t.rows.length, 0);
    let mtpAcceptance: number | undefined;
    if (mtpRows > 0) {
      let best = Number.POSITIVE_INFINITY;
      for (const a of MTP_ACCEPTANCE_GRID) {
        // every feasible row weighs the same, whichever chip ran it (both its calibration rows are feasible or neither)
        let sum = 0;
        let count = 0;
        for (const t of mtp) {
          for (const row of t.rows) {
            const l = rateLoss(t.chip, row, a);
            if (l === null) continue;
            sum += l;
            count += 1;
          }
        }
        const loss = count === 0 ? Number.POSITIVE_INFINITY : sum / count;
        if (loss < best) {
          best = loss;
          mtpAcceptance = a;
        }
      }
    }
    const overhead = fitRequestOverhead(ofStack, mtpAcceptance);
    out[s] = { mtpAcceptance, mtpChips: [...new Set(mtp.filter((t) => t.rows.length > 0).map((t) => t.chip.id))], mtpRows, ...overhead };
  }
  return out;
}

/**
 * t_req of one stack's rows: the TTFT of the single-node rows at concurrency ≤
 * `REQUEST_OVERHEAD_MAX_CONCURRENCY`, predicted without it (MTP rows at `mtpAcceptance`), the
 * lowest summed |ln| over `REQUEST_OVERHEAD_GRID`; 0 without such rows.
 */
function fitRequestOverhead(terms: readonly ServingTerm[], mtpAcceptance: number | undefined): Pick<ServingFit, 'requestOverheadS' | 'ttftChips' | 'ttftRows'> {
  const pairs = terms.flatMap((t) =>
    t.rows
      .filter((r) => r.conc <= REQUEST_OVERHEAD_MAX_CONCURRENCY && !r.disagg && r.medianTtft > 0)
      .flatMap((row) => {
        const ttft = ttftWithoutOverhead(t.chip, row, row.specMethod === 'mtp' ? mtpAcceptance : undefined);
        return ttft === null ? [] : [{ chip: t.chip.id, predicted: ttft, measured: row.medianTtft }];
      }),
  );
  let requestOverheadS = 0;
  let best = Number.POSITIVE_INFINITY;
  for (const t of REQUEST_OVERHEAD_GRID) {
    const loss = pairs.reduce((sum, { predicted, measured }) => sum + Math.abs(Math.log((predicted + t) / measured)), 0);
    if (loss < best) {
      best = loss;
      requestOverheadS = t;
    }
  }
  return { requestOverheadS, ttftChips: [...new Set(pairs.map((p) => p.chip))], ttftRows: pairs.length };
}

/**
 * `serving` with each stack's t_req refitted on `term`'s own rows where they hold some that fit it
 * (docs/MODEL.md §9): a chip's TTFT at low load carries its own prefill, which the model gets only
 * so right: the pooled value alone gave TTFT a p90 of 105.8% out of sample, against 97.8% so.
 * A chip without such rows keeps the stack's pooled t_req rather than none.
 */
export function withOwnRequestOverhead(serving: StackServing, term: ServingTerm): StackServing {
  return Object.fromEntries(
    Object.entries(serving).map(([stack, fit]) => {
      const own = fitRequestOverhead([{ chip: term.chip, rows: term.rows.filter((r) => stackOf(r.framework) === stack) }], fit.mtpAcceptance);
      return [stack, own.ttftRows === 0 ? fit : { ...fit, ...own }];
    }),
  );
}

/** Error statistics of the three InferenceX metrics. */
export interface FitStats {
  readonly throughput: ErrorStats;
  readonly interactivity: ErrorStats;
  readonly ttft: ErrorStats;
}

function fitStatsOf(e: Errors): FitStats {
  return { throughput: errorStats(e.throughput), interactivity: errorStats(e.interactivity), ttft: errorStats(e.ttft) };
}

/** One chip's fit: the efficiencies from all its rows, and the error in and out of sample. */
export interface InferencexChipFit {
  readonly chip: string;
  readonly rows: number;
  readonly curves: number;
  /** What the efficiencies were fitted on: the chip alone, or every chip of its group (`FITTED_TOGETHER`), with their rows and curves. */
  readonly fittedOn: { readonly chips: readonly string[]; readonly rows: number; readonly curves: number };
  /** The compute precisions of the rows: η_flop is fitted for each, and only for them. */
  readonly precisions: readonly Precision[];
  /** Fitted on every row of the chip (what a plugin would carry). */
  readonly efficiencies: FittedEfficiencies;
  /** The MTP acceptance and t_req of each stack of the rows, pooled over every chip fitted with this one (`fitStackServing`). */
  readonly serving: StackServing;
  readonly atGridEdge: readonly string[];
  readonly inSample: FitStats;
  /** Each curve predicted with the efficiencies fitted on the chip's other curves; absent with one curve. */
  readonly outOfSample: FitStats | undefined;
  /** The out-of-sample predictions behind `outOfSample` (none with one curve): their errors pool over chips, and the ranking check reads them. */
  readonly heldPredictions: readonly RankedPrediction[];
  /** The chip's plugin efficiencies as they are, on the same rows. */
  readonly before: FitStats;
}

/** The compute precisions of rows (η_flop is fitted per compute precision). */
function computePrecisionsOf(rows: readonly InferencexRow[]): Precision[] {
  return [...new Set(rows.map((r) => { const p = inferencexConfig(r, 'continuous').precision; return computePrecision(p.weights, p.activations); }))];
}

/** `chip` without the serving figures a committed profile carries (fitted on these rows before): a fit starts from the model's defaults. */
export function withoutServingFigures(chip: ChipSpec): ChipSpec {
  const { mtpAcceptance: _acceptance, requestOverheadS: _overhead, ...efficiency } = chip.efficiency;
  void _acceptance;
  void _overhead;
  return { ...chip, efficiency };
}

/** What is fitted together: one chip's rows (all its stacks, or one stack's: a profile). */
export interface FitUnit {
  readonly chip: ChipSpec;
  readonly rows: readonly InferencexRow[];
}

interface EfficiencyFit {
  readonly efficiencies: FittedEfficiencies;
  readonly atGridEdge: readonly string[];
  /** The chip with them, one object per fit (the pooled serving fit memoises per chip object). */
  readonly chip: ChipSpec;
  /** Fitted on plain decoding; false when the rows all ran MTP, and the acceptance was held instead. */
  readonly plain: boolean;
}

/**
 * A chip's efficiencies fitted on `subset` (`calibrateEfficiencies`): on its rows without MTP, or,
 * when all ran MTP, on them at `acceptanceOf`'s acceptance. The chip's committed serving figures are
 * dropped first, so nothing fitted on these rows before is read.
 */
function efficiencyFit(unitChip: ChipSpec, subset: readonly InferencexRow[], grid: (chip: ChipSpec) => CalibrationGrid, acceptanceOf?: (row: InferencexRow) => number | undefined): EfficiencyFit | undefined {
  // the serving procedure's options (servingCalibrationOptions): η_flop per precision of the
  // routed experts' GEMMs, rising to the chip's own large-GEMM figure; its other matmuls keep theirs
  const plain = subset.filter((r) => r.specMethod !== 'mtp');
  const basis = plain.length > 0 ? plain : subset;
  const chip = withoutServingFigures(unitChip);
  const result = calibrateEfficiencies(chip, calibrationRowsOf(basis, plain.length > 0 ? undefined : acceptanceOf), grid(chip), servingCalibrationOptions(unitChip, computePrecisionsOf(subset)));
  if (result === undefined) return undefined;
  return { efficiencies: result.efficiencies, atGridEdge: result.atGridEdge, chip: withEfficiencies(chip, result.efficiencies, 'fit'), plain: plain.length > 0 };
}

/**
 * Fits several units and cross-validates each leaving one curve out (docs/MODEL.md §9): per unit
 * the efficiencies (`calibrateEfficiencies`), on its rows without MTP; then per serving stack the
 * MTP acceptance pooled over every unit's rows of the stack (`fitStackServing`), each unit's
 * efficiencies held, and t_req the unit's own where it has rows for it, else the stack's pooled
 * value. A unit whose rows all ran MTP fits its efficiencies on them at the acceptance the other
 * units give its stack (the model's default where they give none) and adds nothing to the pooled
 * fit: its efficiencies and acceptance cannot be told apart. The plugin's committed acceptance and
 * t_req, fitted on these rows before, are never read.
 *
 * Out of sample, a curve (chip, framework, precision, MTP or not) is predicted by its unit's
 * efficiencies fitted on the unit's other curves and the serving figures of its stack fitted on the
 * other units' rows (at their own efficiencies) and the unit's other curves (at the training ones):
 * nothing it predicts was fitted on its rows. A unit of several chips (`FITTED_TOGETHER`) reports each
 * chip on its own rows, with the unit's efficiencies and serving figures. `crossValidate: false`
 * skips the curves left out (no `outOfSample`, no `heldPredictions`): the fit alone, in a fraction
 * of the time.
 */
export function fitInferencexUnits<U extends FitUnit>(units: readonly U[], grid: (chip: ChipSpec) => CalibrationGrid = inferencexFitGrid, onProgress?: (message: string) => void, crossValidate = true): Array<InferencexChipFit & { readonly unit: U }> {
  const acceptanceFrom = (serving: StackServing) => (row: InferencexRow): number | undefined => serving[stackOf(row.framework)]?.mtpAcceptance;

  // 1. Every unit's efficiencies on all its rows, those with plain decoding first.
  const all = new Map<FitUnit, EfficiencyFit | undefined>();
  for (const unit of units) {
    if (!unit.rows.some((r) => r.specMethod !== 'mtp')) continue;
    onProgress?.(`fitting ${unit.chip.id} (${unit.rows.length} rows)`);
    all.set(unit, efficiencyFit(unit.chip, unit.rows, grid));
  }
  const termsExcept = (excluded: FitUnit | undefined): ServingTerm[] =>
    units.flatMap((u) => {
      const f = all.get(u);
      return u === excluded || f === undefined || !f.plain ? [] : [{ chip: f.chip, rows: u.rows }];
    });
  // 2. The pooled serving figures of every stack; then the units measured only with MTP.
  const serving = fitStackServing(termsExcept(undefined));
  for (const unit of units) {
    if (all.has(unit)) continue;
    onProgress?.(`fitting ${unit.chip.id} (${unit.rows.length} rows, all with MTP)`);
    all.set(unit, efficiencyFit(unit.chip, unit.rows, grid, acceptanceFrom(serving)));
  }

  const fits: Array<InferencexChipFit & { readonly unit: U }> = [];
  for (const unit of units) {
    const fit = all.get(unit);
    if (fit === undefined) continue;
    const { chip, rows } = unit;
    const ownStacks = new Set(rows.map((r) => stackOf(r.framework)));
    const unitServing = withOwnRequestOverhead(Object.fromEntries(Object.entries(serving).filter(([stack]) => ownStacks.has(stack))), { chip: fit.chip, rows });
    const curves = [...new Set(rows.map(curveOf))];
    const heldPredictions: RankedPrediction[] = [];
    if (crossValidate && curves.length > 1) {
      const others = termsExcept(unit);
      const othersServing = fitStackServing(others);
      for (const curve of curves) {
        onProgress?.(`  ${chip.id}: leaving out ${curve}`);
        const held = rows.filter((r) => curveOf(r) === curve);
        const training = rows.filter((r) => curveOf(r) !== curve);
        const stack = stackOf(held[0]!.framework);
        const trained = efficiencyFit(unit.chip, training, grid, acceptanceFrom(othersServing));
        if (trained === undefined) continue;
        // the held curve's stack figures: the other units' rows and, where its efficiencies were
        // fitted apart from the acceptance, this unit's other curves
        const heldServing = withOwnRequestOverhead(fitStackServing(trained.plain ? [...others, { chip: trained.chip, rows: training }] : others, stack), { chip: trained.chip, rows: training });
        heldPredictions.push(...predictionsOf(held, (row) => servingChip(trained.chip, heldServing, row, 'fit: InferenceX, one curve left out')));
      }
    }
    // one entry per chip of the unit (a group fitted together shares its efficiencies and serving figures), each on its own rows
    const chipIdOf = (row: InferencexRow): string => INFERENCEX_CHIP_IDS[row.hardware] ?? chip.id;
    const chipIds = [...new Set(rows.map(chipIdOf))];
    const fittedOn = { chips: chipIds, rows: rows.length, curves: curves.length };
    const precisions = computePrecisionsOf(rows);
    for (const id of chipIds) {
      const own = rows.filter((r) => chipIdOf(r) === id);
      const plugin = id === chip.id ? chip : (inferencexChipById(id) ?? chip);
      const held = heldPredictions.filter((p) => chipIdOf(p.row) === id);
      fits.push({
        unit,
        chip: id,
        rows: own.length,
        curves: new Set(own.map(curveOf)).size,
        fittedOn,
        precisions,
        efficiencies: fit.efficiencies,
        serving: unitServing,
        atGridEdge: fit.atGridEdge,
        inSample: fitStatsOf(errorsOf(predictionsOf(own, (row) => servingChip(fit.chip, unitServing, row)))),
        outOfSample: curves.length > 1 && held.length > 0 ? fitStatsOf(errorsOf(held)) : undefined,
        heldPredictions: held,
        before: fitStatsOf(errorsOf(predictionsOf(own, plugin))),
      });
    }
  }
  return fits;
}

/** Fits one chip alone on its rows (`fitInferencexUnits` with one unit): its stacks' serving figures come from its own rows. */
export function fitInferencexChip(chip: ChipSpec, rows: readonly InferencexRow[], grid: CalibrationGrid = inferencexFitGrid(chip), onProgress?: (message: string) => void): InferencexChipFit | undefined {
  const fit = fitInferencexUnits([{ chip, rows }], () => grid, onProgress)[0];
  if (fit === undefined) return undefined;
  const { unit: _unit, ...rest } = fit;
  return rest;
}

/** Fits every chip of the rows (in first-seen order), given the chip of each InferenceX hardware id: one unit per chip or group fitted together (`FITTED_TOGETHER`), the serving figures pooled per stack over them. */
export function fitInferencex(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined, onProgress?: (message: string) => void): InferencexChipFit[] {
  return fitInferencexUnits(unitsOf(rows, chipOf), undefined, onProgress).map(({ unit: _unit, ...fit }) => fit);
}

/**
 * The rows of each group of chips fitted together (`FITTED_TOGETHER`; a chip alone otherwise), in
 * the order the rows first name them: the unit's chip is its first, whose datasheet the fit's
 * candidates carry (every other chip of the group serves its rows on its own, `onRowChip`).
 */
function unitsOf(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined): FitUnit[] {
  const units = new Map<string, { chip: ChipSpec; rows: InferencexRow[] }>();
  for (const row of rows) {
    const chip = chipOf(row.hardware);
    if (chip === undefined) continue;
    const key = fittedTogetherWith(chip.id).join(' ');
    const unit = units.get(key);
    if (unit === undefined) units.set(key, { chip, rows: [row] });
    else unit.rows.push(row);
  }
  return [...units.values()];
}

const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number): string => (Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`);
const cell = (s: ErrorStats): string => `${pct(s.medianAbs)} (${signed(s.medianSigned)})`;

/** A serving figure per stack: the value alone for one stack, else `stack value` for each. */
function servingCell(serving: StackServing, value: (fit: ServingFit) => string): string {
  const entries = Object.entries(serving);
  if (entries.length === 1) return value(entries[0]![1]);
  return entries.map(([stack, fit]) => `${stack} ${value(fit)}`).join(', ');
}

/** The fit as a Markdown table: efficiencies, and median |error| (bias) before, in sample and out of sample. */
export function inferencexFitLines(fits: readonly InferencexChipFit[]): string[] {
  return [
    '| chip | rows | curves | η_flop of expert GEMMs (by compute precision) | η_mem | t_layer | MTP acceptance | t_req | tput/GPU plugin | tput/GPU fitted | tput/GPU out of sample | tok/s/user plugin | tok/s/user fitted | tok/s/user out of sample |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fits.map((f) => {
      const e = f.efficiencies;
      const edge = (k: string): string => (f.atGridEdge.includes(k) ? ' (grid edge)' : '');
      const oos = f.outOfSample;
      const byPrecision = Object.entries(e.flopByPrecision ?? {}).map(([p, v]) => `${p} ${v}`).join(', ');
      return `| ${f.chip} | ${f.rows} | ${f.curves} | ${e.flop}${edge('flop')}${byPrecision === '' ? '' : `; ${byPrecision}`} | ${e.memory}${edge('memory')} | ${(e.layerOverheadS * 1e6).toFixed(0)} µs${edge('layerOverheadS')} | ${servingCell(f.serving, (x) => (x.mtpAcceptance === undefined ? '—' : `${x.mtpAcceptance}`))} | ${servingCell(f.serving, (x) => `${(x.requestOverheadS * 1e3).toFixed(0)} ms`)} | ${cell(f.before.throughput)} | ${cell(f.inSample.throughput)} | ${oos === undefined ? '—' : cell(oos.throughput)} | ${cell(f.before.interactivity)} | ${cell(f.inSample.interactivity)} | ${oos === undefined ? '—' : cell(oos.interactivity)} |`;
    }),
  ];
}

/**
 * Every chip's out-of-sample errors pooled: the figure the issue's done-when reads (median and
 * 90th percentile |error| of throughput per GPU and of tokens/s per user, one curve left out).
 */
export function pooledOutOfSampleLine(fits: readonly InferencexChipFit[]): string {
  const { throughput: t, interactivity: u, ttft } = fitStatsOf(errorsOf(fits.flatMap((f) => f.heldPredictions)));
  return `Out of sample, every chip pooled (${t.n} rows): tput/GPU median |error| ${pct(t.medianAbs)}, p90 ${pct(t.p90Abs)}; tok/s/user ${pct(u.medianAbs)}, p90 ${pct(u.p90Abs)}; TTFT ${pct(ttft.medianAbs)}, p90 ${pct(ttft.p90Abs)}.`;
}

/**
 * The ranking check (`rankingAgreement`) on the fits' out-of-sample predictions: every curve ranked
 * as predicted by efficiencies fitted without it, where `pnpm validate` ranks with the committed
 * profiles, which were fitted on these rows. A chip with one curve has none and drops out.
 */
export function outOfSampleRankingLine(fits: readonly InferencexChipFit[], what: string, rule: RankingRule = BEST_ROW): string {
  const check = rankingAgreement(fits.flatMap((f) => f.heldPredictions), rule);
  return `Ranking out of sample${rule.title} (${what}): ${check.agree} of ${check.pairs} chip pairs (${rankingShare(check)}) ordered as measured${contradictedClause(check)}.`;
}

/** One chip and stack's fit (an efficiency profile), as `fitInferencexChip` reports it. */
export interface InferencexStackFit extends InferencexChipFit {
  readonly stack: string;
}

/**
 * Fits every (chip, stack) of the rows: one efficiency profile per serving stack a chip was
 * measured on, cross-validated leaving one curve out within the stack; each stack's MTP acceptance
 * and t_req pooled over every chip's profile of it (`fitInferencexUnits`).
 */
export function fitInferencexStacks(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined, onProgress?: (message: string) => void): InferencexStackFit[] {
  return fitInferencexUnits(stackUnitsOf(rows, chipOf), undefined, onProgress).map(({ unit, ...fit }) => ({ ...fit, stack: unit.stack }));
}

/** One unit per (chip or group fitted together, serving stack) of the rows: the profiles `--stack` selects. */
function stackUnitsOf(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined): Array<FitUnit & { readonly stack: string }> {
  const units: Array<FitUnit & { readonly stack: string }> = [];
  for (const { chip, rows: ofGroup } of unitsOf(rows, chipOf)) {
    for (const stack of [...new Set(ofGroup.map((r) => stackOf(r.framework)))]) units.push({ chip, rows: ofGroup.filter((r) => stackOf(r.framework) === stack), stack });
  }
  return units;
}

/**
 * Where the forward check cuts the rows (`forwardCheck`): March 2026 on, the last third of
 * InferenceX's runs by date (398 of the 1,198 rows kept), a stack release or two after the rows
 * before it.
 */
export const FORWARD_CUTOFF = '2026-03-01';

/** The forward check: every stack profile fitted on the rows before a date, predicting the rows from it on. */
export interface ForwardCheck {
  /** Rows measured from this date (YYYY-MM-DD) on are predicted; the rows before it are fitted. */
  readonly cutoff: string;
  readonly trainRows: number;
  readonly testRows: number;
  /** The predictions of the rows from the cutoff on whose chip (or die) and stack have rows before it. */
  readonly predictions: readonly RankedPrediction[];
  /** Rows from the cutoff on that were not predicted: no rows of their chip and stack before it (a chip or stack new since), or infeasible. */
  readonly unpredicted: number;
  readonly stats: FitStats;
  /** Per chip of the predicted rows: how many, and the signed median error of throughput per GPU and of tokens/s per user. */
  readonly perChip: ReadonlyArray<{ readonly chip: string; readonly rows: number; readonly throughput: number; readonly interactivity: number }>;
}

/**
 * The calibration's forward check: out of sample in time, not only across curves. Every (chip,
 * stack) profile is fitted as `pnpm validate --fit` fits it (`fitInferencexUnits`, the serving
 * figures pooled per stack) but on the rows measured before `cutoff` only, and predicts the rows
 * measured from `cutoff` on. Leaving a curve out keeps the software of the curves around it, which
 * share its dates and images; this check asks what held-out measurements ask, how the fit carries
 * to runs made after it, on newer stack releases.
 */
export function forwardCheck(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined, cutoff: string = FORWARD_CUTOFF, grid: (chip: ChipSpec) => CalibrationGrid = inferencexFitGrid, onProgress?: (message: string) => void): ForwardCheck {
  const train = rows.filter((r) => r.date < cutoff);
  const test = rows.filter((r) => r.date >= cutoff);
  const fits = fitInferencexUnits(stackUnitsOf(train, chipOf), grid, onProgress, false);
  const predictions: RankedPrediction[] = [];
  const done = new Set<FitUnit>();
  for (const fit of fits) {
    // a unit of several chips reports each; it predicts once, for every chip of its die
    if (done.has(fit.unit)) continue;
    done.add(fit.unit);
    const die = fittedTogetherWith(fit.unit.chip.id);
    const own = test.filter((r) => stackOf(r.framework) === fit.unit.stack && die.includes(INFERENCEX_CHIP_IDS[r.hardware] ?? ''));
    const fitted = withEfficiencies(withoutServingFigures(fit.unit.chip), fit.efficiencies, 'fit');
    predictions.push(...predictionsOf(own, (row) => servingChip(fitted, fit.serving, row, `fit: InferenceX rows before ${cutoff}`)));
  }
  const byChip = groupBy(predictions, (p) => INFERENCEX_CHIP_IDS[p.row.hardware] ?? p.row.hardware);
  return {
    cutoff,
    trainRows: train.length,
    testRows: test.length,
    predictions,
    unpredicted: test.length - predictions.length,
    stats: fitStatsOf(errorsOf(predictions)),
    perChip: [...byChip].map(([chip, list]) => {
      const e = errorsOf(list);
      return { chip, rows: list.length, throughput: errorStats(e.throughput).medianSigned, interactivity: errorStats(e.interactivity).medianSigned };
    }),
  };
}

/** The forward check as the line `pnpm validate --fit` prints and the validation README quotes. */
export function forwardCheckLine(check: ForwardCheck): string {
  const { throughput: t, interactivity: u, ttft } = check.stats;
  const chips = check.perChip.map((c) => `${c.chip} ${signed(c.throughput)} / ${signed(c.interactivity)} (${c.rows})`).join(', ');
  return `Forward out of sample (every stack profile fitted on the ${check.trainRows} rows measured before ${check.cutoff}, predicting the ${check.predictions.length} of the ${check.testRows} rows from then on whose chip and stack were measured before it): tput/GPU median |error| ${pct(t.medianAbs)}, p90 ${pct(t.p90Abs)}, signed ${signed(t.medianSigned)}; tok/s/user ${pct(u.medianAbs)}, p90 ${pct(u.p90Abs)}, signed ${signed(u.medianSigned)}; TTFT ${pct(ttft.medianAbs)}. Signed tput/GPU / tok/s/user per chip (rows): ${chips}.`;
}

/** The per-stack fits as a table (the same columns as `inferencexFitLines`, with the stack). */
export function inferencexStackFitLines(fits: readonly InferencexStackFit[]): string[] {
  const lines = inferencexFitLines(fits.map((f) => ({ ...f, chip: `${f.chip} ${f.stack}` })));
  return [lines[0]!.replace('| chip |', '| chip and stack |'), ...lines.slice(1)];
}

/** An out-of-sample error a profile quotes, what it was measured on and how (a plugin's `calibration.outOfSampleError`). */
export type QuotedError = NonNullable<CalibrationStatus['outOfSampleError']>;

/** Error statistics as a profile quotes them: each median |error| to 3 decimals. */
function quotedError(stats: { readonly throughput: ErrorStats; readonly interactivity: ErrorStats; readonly ttft?: ErrorStats }, on: string, method?: QuotedError['method']): QuotedError {
  const r3 = (x: number): number => Number(x.toFixed(3));
  return {
    throughput: r3(stats.throughput.medianAbs),
    interactivity: r3(stats.interactivity.medianAbs),
    ...(stats.ttft === undefined ? {} : { ttft: r3(stats.ttft.medianAbs) }),
    on,
    ...(method === undefined ? {} : { method }),
  };
}

/** `error` as the TypeScript literal the generated profiles module carries. */
function quotedErrorLiteral(error: QuotedError): string {
  return `{ throughput: ${error.throughput}, interactivity: ${error.interactivity}, ${error.ttft === undefined ? '' : `ttft: ${error.ttft}, `}on: ${JSON.stringify(error.on)}${error.method === undefined ? '' : `, method: '${error.method}'`} }`;
}

/**
 * The error each profile fitted on one curve quotes, keyed `chip stack`: it has no curve of its own
 * to leave out, so its out-of-sample figure comes from a fit that never saw its rows. First the
 * chip's fit on its other curves (another stack's rows: H100's TensorRT-LLM curves predicting its
 * SGLang one), else the transfer rule's check onto the chip (another chip's committed profile of the
 * stack: MI355X's predicting MI300X's rows). Either is pessimistic beside a curve left out of the
 * profile's own stack, and a profile without either still quotes none.
 */
export function oneCurveProfileErrors(stackFits: readonly InferencexStackFit[], chipFits: readonly InferencexChipFit[], transfers: readonly TransferCheck[]): Map<string, QuotedError> {
  const quoted = new Map<string, QuotedError>();
  for (const f of stackFits) {
    // a chip fitted together with another has that chip's curves to leave out
    if (f.outOfSample !== undefined) continue;
    const chipHeld = chipFits.find((c) => c.chip === f.chip)?.heldPredictions ?? [];
    const errors = errorsOf(chipHeld.filter((p) => stackOf(p.row.framework) === f.stack));
    if (errors.throughput.length > 0) {
      const others = [...new Set(chipHeld.map((p) => stackOf(p.row.framework)))].filter((stack) => stack !== f.stack);
      const on = `InferenceX DeepSeek-R1, ${errors.throughput.length} ${f.stack} rows (one curve) predicted by the chip's fit on its other curves (${others.join(', ')}): no curve of the profile's own to leave out`;
      quoted.set(`${f.chip} ${f.stack}`, quotedError(fitStatsOf(errors), on, 'another-fit'));
      continue;
    }
    const transfer = transfers.find((t) => t.to === f.chip && t.stack === f.stack);
    if (transfer !== undefined) {
      const on = `InferenceX DeepSeek-R1, ${transfer.throughput.n} ${f.stack} rows (one curve) predicted by ${transfer.from}'s ${f.stack} profile, the transfer rule (docs/MODEL.md §9): no curve of the profile's own, nor another stack of the chip, to leave out`;
      quoted.set(`${f.chip} ${f.stack}`, quotedError(transfer, on, 'another-fit'));
    }
  }
  return quoted;
}

/** `efficiency` as the TypeScript literal the generated profiles module carries. */
function efficiencyLiteral(efficiency: Efficiency): string {
  const source = JSON.stringify(efficiency.source);
  if ('value' in efficiency) return `{ value: ${efficiency.value}, source: ${source} }`;
  return `{ curve: [${efficiency.curve.map(([x, y]) => `[${x}, ${y}]`).join(', ')}], over: '${efficiency.over}', source: ${source} }`;
}

/** Where a profile's t_req comes from: the chip's own low-load TTFTs, else its die's (`FITTED_TOGETHER`), else the stack's pooled value, else none. */
function requestOverheadSource(chip: string, stack: string, serving: ServingFit, date: string): string {
  const rows = `${stack} single-node rows at concurrency ≤ ${REQUEST_OVERHEAD_MAX_CONCURRENCY}`;
  if (serving.ttftRows === 0) return `no InferenceX DeepSeek-R1 ${rows} of any chip: none fitted (pnpm validate --fit, ${date})`;
  if (serving.ttftChips.length === 1 && serving.ttftChips[0] === chip) return `fit: pnpm validate --fit over the TTFT of InferenceX DeepSeek-R1 ${rows} of ${chip} (${serving.ttftRows} rows; ${date})`;
  // a chip fitted together with another takes the die's value where only the other has such rows
  const die = fittedTogetherWith(chip);
  if (die.length > 1 && serving.ttftChips.every((c) => die.includes(c))) return `the die's value, ${chip} having no ${rows}: pnpm validate --fit over their TTFT on ${serving.ttftChips.join(', ')}, fitted together with it (${serving.ttftRows} rows; ${date})`;
  return `the stack's value, ${chip} having no ${rows}: pnpm validate --fit over their TTFT on ${serving.ttftChips.join(', ')} (${serving.ttftRows} rows; ${date})`;
}

/** "1 curve", "3 curves": the basis text `hardware show` prints. */
function curvesText(count: number): string {
  return `${count} ${count === 1 ? 'curve' : 'curves'}`;
}

/**
 * A TypeScript module of fitted efficiency profiles for one plugin package, generated by
 * `pnpm validate --fit --write`: per chip id, per stack, an efficiency profile whose every value
 * names the rows it was fitted on, with its calibration status and out-of-sample error. η_flop is
 * written per compute precision the rows ran at (fp8, fp4) and nowhere else: the fallback η_flop,
 * which BF16 work (training, dense models) uses, stays the plugin's own sourced value, since MoE
 * serving GEMMs say nothing about it (`withFlopFallback` in @ridgeline/hardware joins the two).
 */
export function profilesModule(fits: readonly InferencexStackFit[], date: string, quoted: ReadonlyMap<string, QuotedError> = new Map()): string {
  const byChip = groupBy(fits, (f) => f.chip);
  const chipEntries = [...byChip].map(([chip, list]) => {
    const profiles = list.map((f) => {
      const e = f.efficiencies;
      // a chip fitted together with others (the same die) names their rows too
      const others = f.fittedOn.chips.filter((c) => c !== chip);
      const rowsText = others.length === 0
        ? `${f.stack} rows of ${chip} (${f.rows} rows, ${curvesText(f.curves)}; ${date})`
        : `${f.stack} rows of ${chip} (${f.rows} rows, ${curvesText(f.curves)}) and of ${others.join(', ')} (${f.fittedOn.rows - f.rows} rows, ${curvesText(f.fittedOn.curves - f.curves)}), fitted together as one die (${date})`;
      const fitOn = `pnpm validate --fit over InferenceX DeepSeek-R1, ${rowsText}`;
      const sourceText = `fit: ${fitOn}`;
      const source = JSON.stringify(sourceText);
      // η_net is held at the plugin's value, the prefill overlap at 0 (inferencexFitGrid).
      const held = JSON.stringify(`held at the plugin's value while fitting: ${fitOn}`);
      const noOverlap = JSON.stringify(`held at 0 while fitting (the stacks' collectives run on the critical path): ${fitOn}`);
      // each precision's experts as the fit ran them (fittedFlopAt, what withEfficiencies builds)
      const byPrecision = f.precisions.map((p) => `${p}: ${efficiencyLiteral(fittedFlopAt(e, p, sourceText))}`);
      // its own curves left out where it has several, else the stand-in quoted for it (if any)
      const error = f.outOfSample === undefined ? quoted.get(`${chip} ${f.stack}`) : quotedError(f.outOfSample, `InferenceX DeepSeek-R1, ${f.rows} ${f.stack} rows, one curve left out at a time${others.length === 0 ? '' : ` (${others.join(', ')}'s curves kept)`}`);
      const serving = f.serving[f.stack]!;
      return `    ${JSON.stringify(f.stack)}: {
      description: ${JSON.stringify(`${f.stack} as InferenceX ran it (DeepSeek-R1, ${date}): fitted ${others.length === 0 ? 'per chip' : `per die, with ${others.join(', ')}`}, ${f.fittedOn.curves > 1 ? 'one curve left out for the error' : 'on one curve, its error from a fit that never saw it'}`)},
      expertFlopByPrecision: { ${byPrecision.join(', ')} },
      memory: { value: ${e.memory}, source: ${source} },
      network: { value: ${e.network}, source: ${held} },
      layerOverheadS: { value: ${e.layerOverheadS}, source: ${source} },
      commOverlap: { value: ${e.commOverlap}, source: ${noOverlap} },${serving.mtpAcceptance === undefined ? '' : `
      mtpAcceptance: { value: ${serving.mtpAcceptance}, source: ${JSON.stringify(`fit: pnpm validate --fit, one value for the stack: over InferenceX DeepSeek-R1 ${f.stack} MTP rows of ${serving.mtpChips.join(', ')} (${serving.mtpRows} rows; ${date}), each chip's efficiencies held`)} },`}
      requestOverheadS: { value: ${serving.requestOverheadS}, source: ${JSON.stringify(requestOverheadSource(chip, f.stack, serving, date))} },
      calibration: {
        status: 'fitted',
        basis: ${source},${error === undefined ? '' : `
        outOfSampleError: ${quotedErrorLiteral(error)},`}
      },
    },`;
    });
    return `  ${JSON.stringify(chip)}: {\n${profiles.join('\n')}\n  },`;
  });
  return `// Generated by \`pnpm validate --fit --write\` (apps/validation/src/inferencex-fit.ts): efficiency
// profiles fitted per serving stack on InferenceX's DeepSeek-R1 rows. Do not edit by hand; rerun it.
import type { ProfileWithoutFlopFallback } from '@ridgeline/hardware';

/** Per chip id, per serving stack: the fitted profile (the expert GEMMs' η_flop per fitted precision; the plugin adds its own η_flop for every other matmul). */
export const INFERENCEX_PROFILES: Readonly<Record<string, Readonly<Record<string, ProfileWithoutFlopFallback>>>> = {
${chipEntries.join('\n')}
};
`;
}

/** One check of the transfer rule (docs/MODEL.md §9) on a pair of fitted chips. */
export interface TransferCheck {
  readonly from: string;
  readonly to: string;
  readonly stack: string;
  readonly throughput: ErrorStats;
  readonly interactivity: ErrorStats;
  readonly ttft: ErrorStats;
}

/** Where a transfer check reads a chip's profile of a stack. */
export type StackProfileOf = (chip: ChipSpec, stack: string) => EfficiencyProfile | undefined;

/** The profiles the plugins carry (committed by the last `--fit --write`). */
export const committedProfileOf: StackProfileOf = (chip, stack) => chip.efficiencyProfiles?.[stack];

/**
 * The profiles `stackFits` describe, as `--write` will commit them, before they are written: each
 * fit's efficiencies over the chip's own sourced figures (`withEfficiencies`, as the plugin's
 * `fittedProfiles` completes the generated module) with its stack's MTP acceptance and t_req. So
 * `--fit --write` quotes a one-curve profile's transfer error against the profiles it writes, not
 * the ones it replaces (which took a second write pass after a refit that moved the source chip).
 */
export function fittedProfileOf(stackFits: ReadonlyArray<Pick<InferencexStackFit, 'chip' | 'stack' | 'efficiencies' | 'serving'>>): StackProfileOf {
  return (chip, stack) => {
    const fit = stackFits.find((f) => f.chip === chip.id && f.stack === stack);
    if (fit === undefined) return undefined;
    const source = `fit: pnpm validate --fit over InferenceX DeepSeek-R1, ${stack} rows of ${chip.id} (this run, not yet written)`;
    const serving = fit.serving[stack];
    return {
      ...withEfficiencies(withoutServingFigures(chip), fit.efficiencies, source).efficiency,
      ...(serving?.mtpAcceptance === undefined ? {} : { mtpAcceptance: { value: serving.mtpAcceptance, source } }),
      ...(serving === undefined ? {} : { requestOverheadS: { value: serving.requestOverheadS, source } }),
      description: `${chip.id} ${stack} as this run fitted it`,
    };
  };
}

/**
 * The transfer rule measured where it can be: `from`'s `stack` profile, unchanged, predicting the
 * rows `to` was measured on with that stack. A chip without measurements quotes the pair that
 * differs from its source the same way (GB300 from B300 quotes B200 → GB200). The profile is the
 * committed one unless `profileOf` says otherwise (`fittedProfileOf`: a fit not yet written).
 */
export function transferCheck(rows: readonly InferencexRow[], chipOf: (id: string) => ChipSpec | undefined, from: string, to: string, stack: string, profileOf: StackProfileOf = committedProfileOf): TransferCheck | undefined {
  const fromChip = chipOf(from);
  const committed = fromChip === undefined ? undefined : profileOf(fromChip, stack);
  const target = chipOf(to);
  if (fromChip === undefined || committed === undefined || target === undefined) return undefined;
  const { description, ...efficiency } = fittedTogetherWith(from).includes(to) ? fittedAlone(fromChip, committed, rows.filter((r) => INFERENCEX_CHIP_IDS[r.hardware] === from && stackOf(r.framework) === stack)) ?? committed : committed;
  void description;
  const errors = errorsOf(predictionsOf(rows.filter((r) => INFERENCEX_CHIP_IDS[r.hardware] === to && stackOf(r.framework) === stack), { ...target, efficiency }));
  if (errors.throughput.length === 0) return undefined;
  return { from, to, stack, throughput: errorStats(errors.throughput), interactivity: errorStats(errors.interactivity), ttft: errorStats(errors.ttft) };
}

/**
 * The profile `chip` would carry had it been fitted alone on `rows` (one stack's): its efficiencies
 * refitted on them, at the committed profile's MTP acceptance and t_req (the stack's, pooled over
 * every chip). Two chips fitted together share one committed profile, so the transfer rule between
 * them is measured with this instead.
 */
function fittedAlone(chip: ChipSpec, committed: EfficiencyProfile, rows: readonly InferencexRow[]): EfficiencyProfile | undefined {
  const acceptance = committed.mtpAcceptance?.value;
  const fit = efficiencyFit(chip, rows, inferencexFitGrid, () => acceptance);
  if (fit === undefined) return undefined;
  const held = (value: number) => ({ value, source: 'the committed profile\'s, held while fitting alone' });
  return {
    ...fit.chip.efficiency,
    ...(acceptance === undefined ? {} : { mtpAcceptance: held(acceptance) }),
    ...(committed.requestOverheadS === undefined ? {} : { requestOverheadS: held(committed.requestOverheadS.value) }),
    description: `${chip.id} fitted alone on ${rows.length} rows`,
  };
}

/** The pairs `pnpm validate --fit` checks the transfer rule on: the same die with other memory, and a GPU moved into a rack. */
export const TRANSFER_PAIRS: readonly (readonly [from: string, to: string, stack: string])[] = [
  ['h100-sxm', 'h200', 'trtllm'],
  ['h100-sxm', 'h200', 'sglang'],
  ['b200', 'gb200-nvl72', 'trtllm'],
  ['b200', 'gb200-nvl72', 'sglang'],
  ['b200', 'b300', 'trtllm'],
  ['b200', 'b300', 'sglang'],
  ['mi355x', 'mi300x', 'sglang'],
];

/** The transfer checks as a Markdown table. */
export function transferCheckLines(checks: readonly TransferCheck[]): string[] {
  return [
    '| from → to | stack | rows | tput/GPU | tok/s/user | TTFT |',
    '|---|---|---:|---:|---:|---:|',
    ...checks.map((c) => `| ${c.from} → ${c.to} | ${c.stack} | ${c.throughput.n} | ${cell(c.throughput)} | ${cell(c.interactivity)} | ${cell(c.ttft)} |`),
  ];
}
