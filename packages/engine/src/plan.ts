import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { DEFAULT_MTP_ACCEPTANCE, type AttentionSharding, type Recompute, type Schedule, type SpeculativeMode } from '@ridgeline/model';
import { ATTENTION_SHARDINGS, AXES, OUTPUTS, SCHEDULES, SPECULATIVE_MODES, markChipIdentities, outputSlot, precisionCode, type Axis, type Metric } from './descriptors.ts';
import { flattenChip, flattenModel } from './flatten.ts';
import { groupByCode } from './groups.ts';
import { buildImage, fingerprint, type SlotFilter, type SlotHistogram } from './image.ts';
import { isTrainingSpec, specForModel, type AnyMetric, type SweepSpec, type AnySweepSpec, type HistogramSpec, type ReducerSpec, type ResolvedSweepSpec, type TrainingSweepSpec } from './spec.ts';
import { RECOMPUTES, TRAINING_OUTPUTS, TRAINING_SWEEP_AXES, type TrainingAxis, type TrainingMetric } from './training.ts';
import { whereBounds, type WhereClause } from './where.ts';

/** One configuration of a sweep, decoded from its index. */
export interface SweepConfig {
  readonly model: string;
  readonly hardware: string;
  readonly chips: number;
  /** Replicas, chips / (TP·PP); NaN when chips is not a multiple of TP·PP. */
  readonly dp: number;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  /** R: redundant expert slots (`InferenceConfig.redundantExperts`), or `auto` (⌈E/EP⌉·EP − E). */
  readonly redundantExperts: number | 'auto';
  readonly batch: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly activations: Precision;
  /** The attention block's projection weights (`InferenceConfig.precision.attentionWeights`): `weights` unless the spec gives them. */
  readonly attentionWeights: Precision;
  readonly attentionSharding: AttentionSharding;
  readonly commOverlap: number | 'auto';
  readonly moeImbalance: number;
  /** Two micro-batches per stage (`InferenceConfig.twoBatchOverlap`). */
  readonly twoBatchOverlap: boolean;
  /** How requests share a replica (`InferenceConfig.schedule`). */
  readonly schedule: Schedule;
  /** C: tokens per iteration, and the prefill chunk of the memory workspace (`InferenceConfig.chunkTokens`). */
  readonly chunkTokens: number;
  /** Speculative decoding's mode (`InferenceConfig.speculative.mode`); with `none` the next three are unused. */
  readonly speculative: SpeculativeMode;
  /** The `draftModels` axis' value: a draft model's id, or null when the spec has none. Only mode `draft` uses it. */
  readonly draftModel: string | null;
  /** γ: draft tokens per step. */
  readonly draftTokens: number;
  /** a: every draft position's acceptance. */
  readonly acceptance: number;
  /** Disaggregated prefill workers; 0: one engine does both (the next five unused). */
  readonly prefillWorkers: number;
  readonly decodeWorkers: number;
  /** The prefill workers' chip id (the decode chip's for `same`). */
  readonly prefillHardware: string;
  readonly prefillTp: number | 'auto';
  readonly prefillEp: number | 'auto';
  readonly prefillAttention: 'heads' | 'dp';
}

/** One configuration of a training sweep, decoded from its index (a `TrainingConfig`, flattened). */
export interface TrainingSweepConfig {
  readonly model: string;
  readonly hardware: string;
  readonly precision: Precision;
  readonly zeroStage: number;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean | 'auto';
  readonly commOverlap: number | 'auto';
  readonly optimizerBytesPerParam: number;
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly ep: number;
  /** Replicas; NaN when chips is not a multiple of TP·PP·CP. */
  readonly dp: number;
  readonly chips: number;
  readonly sequenceLength: number;
  readonly globalBatch: number;
  readonly microBatch: number;
  readonly virtualStages: number;
  readonly totalTokens: number;
}

/**
 * A sweep ready to run: flattened descriptors, numeric axes, reducers and the index space. An
 * inference sweep's (`planSweep`) by default; `SweepPlan<TrainingSweepConfig, TrainingMetric>`
 * for a training sweep (`planTrainingSweep`).
 */
export interface SweepPlan<C extends object = SweepConfig, M extends AnyMetric = Metric> {
  /** What the kernel evaluates (default inference). */
  readonly mode?: 'inference' | 'training';
  /** Output names by slot (default OUTPUTS; TRAINING_OUTPUTS for training). */
  readonly outputs?: readonly string[];
  readonly resolved: ResolvedSweepSpec<AnySweepSpec>;
  readonly reducers: ReducerSpec<M>;
  /** The spec's filters (`[]` for none): the kernel's reducers and `writeRows` see only rows meeting them. */
  readonly where: readonly WhereClause<M>[];
  /** Numeric axis values by axis (model and hardware as table indices); indices nest them in AXES or TRAINING_SWEEP_AXES order. */
  readonly axes: Readonly<Record<Axis, readonly number[]>> | Readonly<Record<TrainingAxis, readonly number[]>>;
  /**
   * An inference plan with axes given per model (`SweepSpec.perModel`): each model's axis values
   * (AXES order, `axes` being the spec's own), and where each model's index range starts, the total
   * last. Absent: one grid, `axes`.
   */
  readonly modelAxes?: readonly Readonly<Record<Axis, readonly number[]>>[];
  readonly modelStarts?: readonly number[];
  /** The `chips` axis holds DP (chips = TP·PP·DP). */
  readonly dpMode: boolean;
  /** Configurations in the cartesian product. */
  readonly total: number;
  /** Fingerprint of descriptors, axes and reducers: shard outputs merge only when theirs match. */
  readonly fingerprint: string;
  /** Histogram bin edges, per histogram. */
  readonly edges: readonly (readonly number[])[];
  /** The setup image; `minChips` makes `rows` compute minChipsToFit for capacity-infeasible rows. */
  image(minChips?: boolean): Float64Array;
  /** The configuration at `index` (mixed radix over `axes` — AXES or TRAINING_SWEEP_AXES order — the last axis fastest). */
  config(index: number): C;
}

/** An inference or a training sweep's plan. */
export type AnySweepPlan = SweepPlan | SweepPlan<TrainingSweepConfig, TrainingMetric>;

/**
 * The bin edges of a histogram: `bins + 1` increasing values from `min` to `max`, equally spaced
 * (in log space for `log`). The kernel and the JavaScript reference both bin by these.
 *
 * @example
 * histogramEdges({ metric: 'tpotS', min: 0, max: 1, bins: 4, scale: 'linear' }); // [0, 0.25, 0.5, 0.75, 1]
 */
export function histogramEdges(h: HistogramSpec<AnyMetric>): number[] {
  const edges: number[] = [];
  if (h.scale === 'log') {
    const a = Math.log(h.min);
    const b = Math.log(h.max);
    for (let i = 0; i <= h.bins; i++) edges.push(i === 0 ? h.min : i === h.bins ? h.max : Math.exp(a + ((b - a) * i) / h.bins));
  } else {
    for (let i = 0; i <= h.bins; i++) edges.push(i === 0 ? h.min : i === h.bins ? h.max : h.min + ((h.max - h.min) * i) / h.bins);
  }
  return edges;
}

/** Filters as the kernel reads them: output slots and ±Infinity for absent bounds. */
function slotFilters<M extends AnyMetric>(where: readonly WhereClause<M>[], slot: (metric: M) => number): SlotFilter[] {
  return where.map((w) => {
    const [min, max] = whereBounds(w);
    return { slot: slot(w.metric), min, max };
  });
}

/**
 * Turns a resolved spec into a plan: models and chips flattened (validated) once, axes encoded,
 * the index space counted. Throws `RangeError` past 2^53 configurations.
 *
 * @example
 * const plan = planSweep(resolveSweepSpec(parseSweepSpec(text), resolvers));
 * plan.total; // e.g. 1_474_560
 */
export function planSweep(resolved: ResolvedSweepSpec, reducers: ReducerSpec = resolved.spec.reducers): SweepPlan {
  const spec = resolved.spec;
  // the draft models follow the spec's models in the kernel's model table
  const draftModels = resolved.draftModels ?? [];
  const allModels = [...resolved.models, ...draftModels];
  const models = allModels.map(flattenModel);
  const chipTable = resolved.chips.map((c) => flattenChip(c.chip, c.usdPerChipHour === undefined ? {} : { usdPerChipHour: c.usdPerChipHour }));
  // the prefill chips follow the spec's hardware in the kernel's chip table (NaN: the decode chip)
  const prefillChipSpecs = resolved.prefillChips ?? [null];
  const prefillExtra = prefillChipSpecs.filter((c): c is ChipSpec => c !== null);
  const chips = [...chipTable, ...prefillExtra.map((c) => flattenChip(c))];
  let extraIndex = chipTable.length;
  const prefillHardwareCodes = prefillChipSpecs.map((c) => (c === null ? Number.NaN : extraIndex++));
  markChipIdentities(chips, [...resolved.chips.map((c) => c.chip.id), ...prefillExtra.map((c) => c.id)]);
  const dpMode = spec.chips === null;
  const axesOf = (spec: SweepSpec, model: readonly number[]): Record<Axis, readonly number[]> => ({
    model,
    hardware: chipTable.map((_, i) => i),
    weights: spec.precisions.weights.map(precisionCode),
    kvCache: spec.precisions.kvCache.map(precisionCode),
    activations: spec.precisions.activations.map(precisionCode),
    // NaN: each configuration's weights
    attentionWeights: spec.precisions.attentionWeights?.map(precisionCode) ?? [Number.NaN],
    attentionSharding: spec.attentionSharding.map((s) => ATTENTION_SHARDINGS.indexOf(s)),
    commOverlap: spec.commOverlap.map((o) => (o === 'auto' ? Number.NaN : o)),
    moeImbalance: spec.moeImbalance,
    twoBatchOverlap: (spec.twoBatchOverlap ?? [false]).map((on) => (on ? 1 : 0)),
    speculative: (spec.speculative ?? ['none']).map((m) => SPECULATIVE_MODES.indexOf(m)),
    draftModel: draftModels.length === 0 ? [Number.NaN] : draftModels.map((_, i) => resolved.models.length + i),
    draftTokens: spec.draftTokens ?? [1],
    // NaN: each chip's own default (efficiency.mtpAcceptance, else the model's), resolved per row below
    acceptance: spec.acceptance ?? [Number.NaN],
    schedule: spec.schedule.map((s) => SCHEDULES.indexOf(s)),
    tp: spec.tp,
    pp: spec.pp,
    ep: spec.ep,
    redundantExperts: (spec.redundantExperts ?? ['auto']).map((r) => (r === 'auto' ? Number.NaN : r)),
    chips: spec.chips ?? spec.dp ?? [1],
    prefillWorkers: spec.prefillWorkers ?? [0],
    decodeWorkers: spec.decodeWorkers ?? [1],
    prefillHardware: prefillHardwareCodes,
    prefillTp: (spec.prefillTp ?? ['auto']).map((t) => (t === 'auto' ? Number.NaN : t)),
    prefillEp: (spec.prefillEp ?? ['auto']).map((e) => (e === 'auto' ? Number.NaN : e)),
    prefillAttention: (spec.prefillAttention ?? ['heads']).map((a) => ATTENTION_SHARDINGS.indexOf(a)),
    chunkTokens: spec.chunkTokens,
    batch: spec.batch,
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
  });
  const axes = axesOf(spec, resolved.models.map((_, i) => i));
  // axes given per model: each model its own grid, the models' index ranges one after another
  const perModel = spec.perModel !== undefined && Object.keys(spec.perModel).length > 0;
  const modelAxes = perModel ? spec.models.map((m, i) => axesOf(specForModel(spec, m), [i])) : undefined;
  const starts = modelStarts(spec);
  const total = starts.at(-1) ?? 0;
  if (!Number.isSafeInteger(total)) {
    throw new RangeError(`the sweep has ${total.toExponential(2)} configurations; at most 2^53 − 1 can be indexed`);
  }
  const edges = reducers.histograms.map(histogramEdges);
  const histograms: SlotHistogram[] = reducers.histograms.map((h, i) => ({ slot: outputSlot(h.metric), edges: edges[i] ?? [] }));
  const sign = (d: 'min' | 'max'): 1 | -1 => (d === 'min' ? 1 : -1);
  const where = spec.where ?? [];
  const image = (minChips = false): Float64Array =>
    buildImage({
      models,
      chips,
      axes,
      dpMode,
      minChips,
      pareto: reducers.pareto.map((o) => ({ slot: outputSlot(o.metric), sign: sign(o.direction) })),
      top: reducers.top === null ? null : { slot: outputSlot(reducers.top.metric), sign: sign(reducers.top.direction), k: reducers.top.k },
      histograms,
      where: slotFilters(where, outputSlot),
      groupBy: groupByCode(reducers.groupBy ?? []),
      ...(modelAxes === undefined ? {} : { modelAxes }),
      ...(spec.pue === undefined ? {} : { pue: spec.pue }),
    });
  const grids = (modelAxes ?? [axes]).map((a) => ({ axes: a, lengths: AXES.map((name) => a[name].length) }));
  // each axis' digit, looked up once per plan rather than per field of every configuration
  const axisPosition = Object.fromEntries(AXES.map((a, i) => [a, i])) as Record<Axis, number>;
  const config = (index: number): SweepConfig => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= total) throw new RangeError(`configuration index ${index} is outside [0, ${total})`);
    const m = modelAxes === undefined ? 0 : modelOfIndex(starts, index);
    const grid = grids[m] ?? { axes, lengths: [] };
    const digits = digitsOf(index - (modelAxes === undefined ? 0 : (starts[m] ?? 0)), grid.lengths);
    const at = (a: Axis): number => grid.axes[a][digits[axisPosition[a]] ?? 0] ?? Number.NaN;
    const tp = at('tp');
    const pp = at('pp');
    const chipsValue = dpMode ? tp * pp * at('chips') : at('chips');
    const dp = chipsValue / (tp * pp);
    const overlap = at('commOverlap');
    const redundant = at('redundantExperts');
    const draft = at('draftModel');
    const prefillTp = at('prefillTp');
    const prefillEp = at('prefillEp');
    return {
      model: resolved.models[at('model')]?.id ?? '',
      hardware: resolved.chips[at('hardware')]?.chip.id ?? '',
      chips: chipsValue,
      dp: Number.isInteger(dp) ? dp : Number.NaN,
      tp,
      pp,
      ep: at('ep'),
      redundantExperts: Number.isNaN(redundant) ? 'auto' : redundant,
      batch: at('batch'),
      inputTokens: at('inputTokens'),
      outputTokens: at('outputTokens'),
      weights: PRECISIONS[at('weights')] ?? 'bf16',
      kvCache: PRECISIONS[at('kvCache')] ?? 'bf16',
      activations: PRECISIONS[at('activations')] ?? 'bf16',
      attentionWeights: PRECISIONS[at('attentionWeights')] ?? PRECISIONS[at('weights')] ?? 'bf16',
      attentionSharding: ATTENTION_SHARDINGS[at('attentionSharding')] ?? 'heads',
      commOverlap: Number.isNaN(overlap) ? 'auto' : overlap,
      moeImbalance: at('moeImbalance'),
      twoBatchOverlap: at('twoBatchOverlap') === 1,
      schedule: SCHEDULES[at('schedule')] ?? 'continuous',
      chunkTokens: at('chunkTokens'),
      speculative: SPECULATIVE_MODES[at('speculative')] ?? 'none',
      draftModel: Number.isNaN(draft) ? null : (allModels[draft]?.id ?? null),
      draftTokens: at('draftTokens'),
      acceptance: Number.isNaN(at('acceptance')) ? (resolved.chips[at('hardware')]?.chip.efficiency.mtpAcceptance?.value ?? DEFAULT_MTP_ACCEPTANCE) : at('acceptance'),
      prefillWorkers: at('prefillWorkers'),
      decodeWorkers: at('decodeWorkers'),
      prefillHardware: (prefillChipSpecs[digits[axisPosition.prefillHardware] ?? 0] ?? resolved.chips[at('hardware')]?.chip)?.id ?? '',
      prefillTp: Number.isNaN(prefillTp) ? 'auto' : prefillTp,
      prefillEp: Number.isNaN(prefillEp) ? 'auto' : prefillEp,
      prefillAttention: at('prefillAttention') === 2 ? 'dp' : 'heads',
    };
  };
  return {
    mode: 'inference',
    outputs: OUTPUTS,
    resolved,
    reducers,
    where,
    axes,
    ...(modelAxes === undefined ? {} : { modelAxes, modelStarts: starts }),
    dpMode,
    total,
    fingerprint: fingerprint(image(false)),
    edges,
    image,
    config,
  };
}

/** The model whose index range holds `index`: the last start at or before it. */
function modelOfIndex(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((starts[mid] ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Values of an axis of the kernel in a spec (the `axesOf` of `planSweep`, counted without resolving). */
function axisCounts(spec: SweepSpec): number {
  const lengths = [
    spec.hardware.length,
    spec.precisions.weights.length,
    spec.precisions.kvCache.length,
    spec.precisions.activations.length,
    (spec.precisions.attentionWeights ?? [null]).length,
    spec.attentionSharding.length,
    spec.commOverlap.length,
    spec.moeImbalance.length,
    (spec.twoBatchOverlap ?? [false]).length,
    (spec.speculative ?? ['none']).length,
    Math.max(1, (spec.draftModels ?? []).length),
    (spec.draftTokens ?? [1]).length,
    (spec.acceptance ?? [Number.NaN]).length,
    spec.schedule.length,
    spec.tp.length,
    spec.pp.length,
    spec.ep.length,
    (spec.redundantExperts ?? ['auto']).length,
    (spec.chips ?? spec.dp ?? [1]).length,
    (spec.prefillWorkers ?? [0]).length,
    (spec.decodeWorkers ?? [1]).length,
    (spec.prefillHardware ?? ['same']).length,
    (spec.prefillTp ?? ['auto']).length,
    (spec.prefillEp ?? ['auto']).length,
    (spec.prefillAttention ?? ['heads']).length,
    spec.chunkTokens.length,
    spec.batch.length,
    spec.inputTokens.length,
    spec.outputTokens.length,
  ];
  return lengths.reduce((n, l) => n * l, 1);
}

/**
 * Where each model's configurations start in an inference spec's index space, and the total last
 * (`models.length + 1` entries): the model is the slowest axis, and with axes given per model
 * (`perModel`) each model's range is the size of its own grid. Needs only the spec, so a result
 * file's groups are found as a plan's are.
 *
 * @example
 * modelStarts(parseSweepSpec('models: [a, b]\nhardware: [h100-sxm]\nep: { default: 1, b: [1, 2] }\n')); // [0, 1, 3]
 */
export function modelStarts(spec: SweepSpec): number[] {
  const starts = [0];
  for (const m of spec.models) starts.push((starts.at(-1) ?? 0) + axisCounts(specForModel(spec, m)));
  return starts;
}

/** Digits of `index` in mixed radix over `lengths` (the last fastest). */
function digitsOf(index: number, lengths: readonly number[]): number[] {
  const digits = new Array<number>(lengths.length).fill(0);
  let rest = index;
  for (let a = lengths.length - 1; a >= 0; a--) {
    const n = lengths[a] ?? 1;
    digits[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return digits;
}

/**
 * Turns a resolved training spec into a plan: the axes are TRAINING_AXES, nested in the order of
 * TRAINING_SWEEP_AXES (the forward pass's axes outermost, so the kernel reuses it), the outputs
 * TRAINING_OUTPUTS; reducers, sharding and merging work as for inference. Throws `RangeError`
 * past 2^53 configurations.
 *
 * @example
 * const plan = planTrainingSweep(resolveSweepSpec(validateTrainingSweepSpec(data), resolvers));
 */
export function planTrainingSweep(
  resolved: ResolvedSweepSpec<TrainingSweepSpec>,
  reducers: ReducerSpec<TrainingMetric> = resolved.spec.reducers,
): SweepPlan<TrainingSweepConfig, TrainingMetric> {
  const spec = resolved.spec;
  const models = resolved.models.map(flattenModel);
  const chips = resolved.chips.map((c) => flattenChip(c.chip, c.usdPerChipHour === undefined ? {} : { usdPerChipHour: c.usdPerChipHour }));
  const dpMode = spec.chips === null;
  const axes: Record<TrainingAxis, readonly number[]> = {
    model: models.map((_, i) => i),
    hardware: chips.map((_, i) => i),
    precision: spec.precision.map(precisionCode),
    zeroStage: spec.zeroStage,
    recompute: spec.recompute.map((r) => RECOMPUTES.indexOf(r)),
    sequenceParallel: spec.sequenceParallel.map((x) => (x === 'auto' ? Number.NaN : x ? 1 : 0)),
    commOverlap: spec.commOverlap.map((o) => (o === 'auto' ? Number.NaN : o)),
    optimizerBytesPerParam: spec.optimizerBytesPerParam,
    tp: spec.tp,
    pp: spec.pp,
    cp: spec.cp,
    ep: spec.ep,
    // the kernel derives the other: chips = DP·TP·PP·CP, or DP = chips/(TP·PP·CP)
    dp: spec.chips === null ? (spec.dp ?? [1]) : [Number.NaN],
    chips: spec.chips ?? [Number.NaN],
    sequenceLength: spec.sequenceLength,
    globalBatch: spec.globalBatch,
    microBatch: spec.microBatch,
    virtualStages: spec.virtualStages,
    totalTokens: spec.totalTokens,
  };
  const lengths = TRAINING_SWEEP_AXES.map((a) => axes[a].length);
  const total = lengths.reduce((n, l) => n * l, 1);
  if (!Number.isSafeInteger(total)) {
    throw new RangeError(`the sweep has ${total.toExponential(2)} configurations; at most 2^53 − 1 can be indexed`);
  }
  const slot = (metric: TrainingMetric): number => TRAINING_OUTPUTS.indexOf(metric);
  const edges = reducers.histograms.map(histogramEdges);
  const histograms: SlotHistogram[] = reducers.histograms.map((h, i) => ({ slot: slot(h.metric), edges: edges[i] ?? [] }));
  const sign = (d: 'min' | 'max'): 1 | -1 => (d === 'min' ? 1 : -1);
  const where = spec.where ?? [];
  const image = (): Float64Array =>
    buildImage({
      models,
      chips,
      axes: Object.fromEntries(AXES.map((a) => [a, []])) as unknown as Record<Axis, readonly number[]>,
      training: TRAINING_SWEEP_AXES.map((a) => axes[a]),
      dpMode,
      minChips: false,
      pareto: reducers.pareto.map((o) => ({ slot: slot(o.metric), sign: sign(o.direction) })),
      top: reducers.top === null ? null : { slot: slot(reducers.top.metric), sign: sign(reducers.top.direction), k: reducers.top.k },
      histograms,
      where: slotFilters(where, slot),
      groupBy: groupByCode(reducers.groupBy ?? []),
    });
  const axisPosition = Object.fromEntries(TRAINING_SWEEP_AXES.map((a, i) => [a, i])) as Record<TrainingAxis, number>;
  const config = (index: number): TrainingSweepConfig => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= total) throw new RangeError(`configuration index ${index} is outside [0, ${total})`);
    const digits = digitsOf(index, lengths);
    const at = (a: TrainingAxis): number => axes[a][digits[axisPosition[a]] ?? 0] ?? Number.NaN;
    const tp = at('tp');
    const pp = at('pp');
    const cp = at('cp');
    let dp = at('dp');
    let chipsValue = at('chips');
    if (dpMode) chipsValue = dp * tp * pp * cp;
    else dp = chipsValue % (tp * pp * cp) === 0 ? chipsValue / (tp * pp * cp) : Number.NaN;
    const overlap = at('commOverlap');
    const sp = at('sequenceParallel');
    return {
      model: resolved.models[at('model')]?.id ?? '',
      hardware: resolved.chips[at('hardware')]?.chip.id ?? '',
      precision: PRECISIONS[at('precision')] ?? 'bf16',
      zeroStage: at('zeroStage'),
      recompute: RECOMPUTES[at('recompute')] ?? 'selective',
      sequenceParallel: Number.isNaN(sp) ? 'auto' : sp === 1,
      commOverlap: Number.isNaN(overlap) ? 'auto' : overlap,
      optimizerBytesPerParam: at('optimizerBytesPerParam'),
      tp,
      pp,
      cp,
      ep: at('ep'),
      dp,
      chips: chipsValue,
      sequenceLength: at('sequenceLength'),
      globalBatch: at('globalBatch'),
      microBatch: at('microBatch'),
      virtualStages: at('virtualStages'),
      totalTokens: at('totalTokens'),
    };
  };
  return {
    mode: 'training',
    outputs: TRAINING_OUTPUTS,
    resolved,
    reducers,
    where,
    axes,
    dpMode,
    total,
    fingerprint: fingerprint(image()),
    edges,
    image,
    config,
  };
}

/**
 * A plan for an inference or a training spec (`planSweep` or `planTrainingSweep`).
 *
 * @example
 * const plan = planAnySweep(resolveSweepSpec(parseAnySweepSpec(text), resolvers));
 */
export function planAnySweep(resolved: ResolvedSweepSpec<AnySweepSpec>, reducers?: ReducerSpec<AnyMetric>): AnySweepPlan {
  const spec = resolved.spec;
  if (isTrainingSpec(spec)) {
    return planTrainingSweep({ ...resolved, spec }, (reducers as ReducerSpec<TrainingMetric> | undefined) ?? spec.reducers);
  }
  return planSweep({ ...resolved, spec }, (reducers as ReducerSpec | undefined) ?? spec.reducers);
}

/**
 * The contiguous slice of [0, total) that shard `index` of `count` runs: a deterministic split
 * whose slices cover the range exactly once.
 *
 * @example
 * shardRange(10, 0, 3); // [0, 3]
 * shardRange(10, 2, 3); // [6, 10]
 */
export function shardRange(total: number, index: number, count: number): [number, number] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new RangeError(`shard index must be in 0…${count - 1}, got ${index}`);
  const at = (i: number): number => Number((BigInt(total) * BigInt(i)) / BigInt(count));
  return [at(index), at(index + 1)];
}
