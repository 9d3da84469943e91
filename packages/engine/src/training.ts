import { RECOMPUTE_MODES, validateTrainingConfig, type Bound, type InfeasibleReason, type Recompute, type TrainingConfig } from '@ridgeline/model';
import { BOUNDS, REASONS, precisionCode } from './descriptors.ts';
import type { Engine } from './engine.ts';
import { DescriptorTables } from './evaluate.ts';
import { NO_AXES, buildImage } from './image.ts';

/**
 * Slots of an explicit training configuration record (assembly/layout.ts `T_*`); also the axes of
 * a training sweep but for `price` (a record-only override). A sweep nests its axes in the order
 * of `TRAINING_SWEEP_AXES`.
 */
export const TRAINING_FIELDS = [
  'model',
  'hardware',
  'precision',
  'zeroStage',
  'recompute',
  'sequenceParallel',
  'commOverlap',
  'optimizerBytesPerParam',
  'tp',
  'pp',
  'cp',
  'ep',
  'dp',
  'chips',
  'sequenceLength',
  'globalBatch',
  'microBatch',
  'virtualStages',
  'totalTokens',
  'price',
] as const;
/** The axes of a training sweep in record order (the record's slots but the price), as row files list them. */
export const TRAINING_AXES = TRAINING_FIELDS.slice(0, -1) as readonly Exclude<(typeof TRAINING_FIELDS)[number], 'price'>[];
/** One of `TRAINING_AXES`. */
export type TrainingAxis = (typeof TRAINING_AXES)[number];
/**
 * The axes of a training sweep, outermost first: the mixed-radix order of its configuration
 * indices (the last axis fastest; assembly/layout.ts `TS_*`). What the forward pass of a
 * micro-batch depends on comes first, so that the kernel computes it once for every DP, batch,
 * ZeRO stage, recomputation mode, … inside it.
 *
 * @example
 * TRAINING_SWEEP_AXES[0]; // 'model'
 * TRAINING_SWEEP_AXES.at(-1); // 'totalTokens'
 */
export const TRAINING_SWEEP_AXES: readonly TrainingAxis[] = [
  'model',
  'hardware',
  'precision',
  'commOverlap',
  'tp',
  'pp',
  'ep',
  'cp',
  'sequenceLength',
  'microBatch',
  'dp',
  'chips',
  'globalBatch',
  'virtualStages',
  'sequenceParallel',
  'recompute',
  'zeroStage',
  'optimizerBytesPerParam',
  'totalTokens',
];
/** f64 slots of a training configuration record. */
export const TRAINING_CONFIG_STRIDE: number = TRAINING_FIELDS.length;

/**
 * The outputs of one training configuration, in their f64 slot order (assembly/layout.ts `TO_*`).
 * Names follow `TrainingResult`, nested fields flattened (`memoryPerChipBytes.optimizer` →
 * `memoryOptimizerBytes`, `microBatchTime.computeS` → `microBatchComputeS`). `boundCopy` repeats
 * `bound` in the slot the inference reducers count decode bounds in.
 */
export const TRAINING_OUTPUTS = [
  'feasible',
  'reason',
  'stepTimeS',
  'tokensPerS',
  'tokensPerSPerChip',
  'mfu',
  'mfuWithAttention',
  'hfu',
  'bubbleFraction',
  'dataParallelS',
  'microBatches',
  'steps',
  'totalTimeS',
  'chipHours',
  'costUsd',
  'powerPerChipW',
  'energyJ',
  'bound',
  'boundCopy',
  'memoryWeightsBytes',
  'memoryGradientsBytes',
  'memoryOptimizerBytes',
  'memoryActivationsBytes',
  'memoryTotalBytes',
  'memoryCapacityBytes',
  'microBatchComputeS',
  'microBatchMemoryS',
  'microBatchNetworkS',
  'microBatchOverheadS',
] as const;
/** One of `TRAINING_OUTPUTS`. */
export type TrainingOutput = (typeof TRAINING_OUTPUTS)[number];
/** f64 slots per training configuration in an output buffer. */
export const N_TRAINING_OUT: number = TRAINING_OUTPUTS.length;
/** A numeric training output a reducer can order or bin by. */
export type TrainingMetric = Exclude<TrainingOutput, 'feasible' | 'reason' | 'bound' | 'boundCopy'>;
/** The numeric training outputs. */
export const TRAINING_METRICS: readonly TrainingMetric[] = TRAINING_OUTPUTS.filter(
  (o): o is TrainingMetric => o !== 'feasible' && o !== 'reason' && o !== 'bound' && o !== 'boundCopy',
);
/** Short names for training metrics on the command line (`--pareto cost,time`). Full metric names work too. */
export const TRAINING_METRIC_ALIASES: Readonly<Record<string, TrainingMetric>> = {
  cost: 'costUsd',
  time: 'totalTimeS',
  days: 'totalTimeS',
  step: 'stepTimeS',
  throughput: 'tokensPerS',
  'per-chip': 'tokensPerSPerChip',
  perchip: 'tokensPerSPerChip',
  energy: 'energyJ',
  power: 'powerPerChipW',
  memory: 'memoryTotalBytes',
  bubble: 'bubbleFraction',
  'chip-hours': 'chipHours',
};

/**
 * A training metric by full name or alias (case-insensitive for aliases), or undefined.
 *
 * @example
 * resolveTrainingMetric('cost'); // 'costUsd'
 */
export function resolveTrainingMetric(name: string): TrainingMetric | undefined {
  return TRAINING_METRICS.find((m) => m === name) ?? TRAINING_METRIC_ALIASES[name.toLowerCase()];
}

/** Recompute codes: index in this list (the model's `RECOMPUTE_MODES`). */
export const RECOMPUTES: readonly Recompute[] = RECOMPUTE_MODES;

/** The natural direction of a training metric: less time, cost, energy, memory; more throughput and utilisation. */
export function defaultTrainingDirection(metric: TrainingMetric): 'min' | 'max' {
  return /^(tokensPerS|mfu|hfu)/.test(metric) ? 'max' : 'min';
}

/**
 * The record of one training configuration (TRAINING_CONFIG_STRIDE f64) with model and chip as
 * table indices; defaults as in `estimateTraining`.
 */
export function trainingRecord(config: TrainingConfig, model: number, chip: number): number[] {
  const p = config.parallelism;
  return [
    model,
    chip,
    precisionCode(config.precision ?? 'bf16'),
    config.zeroStage ?? 0,
    RECOMPUTES.indexOf(config.recompute ?? 'selective'),
    config.sequenceParallel === undefined ? Number.NaN : config.sequenceParallel ? 1 : 0,
    config.commOverlap ?? Number.NaN,
    config.optimizerBytesPerParam ?? 12,
    p.tp,
    p.pp,
    p.cp,
    p.ep,
    p.dp,
    config.chips,
    config.sequenceLength,
    config.globalBatch,
    config.microBatch,
    config.virtualStages ?? 1,
    config.totalTokens,
    config.usdPerChipHour ?? Number.NaN,
  ];
}

/**
 * Evaluates explicit training configurations in one kernel call: N_TRAINING_OUT f64 per
 * configuration in TRAINING_OUTPUTS order (read them with `readTrainingResult`). Throws
 * `InputError` like `estimateTraining` for malformed numbers.
 *
 * @example
 * const out = await evaluateTrainingConfigs(await createEngine(), [config]);
 * readTrainingResult(out, 0).mfu;
 */
export async function evaluateTrainingConfigs(engine: Engine, configs: readonly TrainingConfig[]): Promise<Float64Array> {
  const tables = new DescriptorTables();
  const records = new Float64Array(configs.length * TRAINING_CONFIG_STRIDE);
  configs.forEach((config, i) => {
    validateTrainingConfig(config);
    records.set(trainingRecord(config, tables.model(config.model), tables.chip(config.chip)), i * TRAINING_CONFIG_STRIDE);
  });
  const kernel = await engine.open(
    buildImage({ models: tables.models, chips: tables.chips, axes: NO_AXES, dpMode: false, minChips: false, pareto: [], top: null, histograms: [] }),
  );
  return kernel.evaluateTrainingRecords(records);
}

/** One training configuration's outputs, named as in `TrainingResult` (nested fields flattened). */
export type EngineTrainingResult = {
  readonly [K in TrainingMetric]: number;
} & {
  readonly feasible: boolean;
  readonly reason: InfeasibleReason | null;
  /** null when infeasible. */
  readonly bound: Bound | null;
};

/**
 * The named outputs of training configuration `i` of an output buffer.
 *
 * @example
 * readTrainingResult(out, 0).costUsd;
 */
export function readTrainingResult(out: Float64Array, i: number): EngineTrainingResult {
  const base = i * N_TRAINING_OUT;
  const result: Record<string, unknown> = {};
  TRAINING_OUTPUTS.forEach((name, slot) => {
    if (name !== 'boundCopy') result[name] = out[base + slot] ?? Number.NaN;
  });
  const reason = result['reason'] as number;
  const bound = result['bound'] as number;
  return {
    ...result,
    feasible: result['feasible'] === 1,
    reason: reason < 0 ? null : (REASONS[reason] ?? null),
    bound: Number.isNaN(bound) ? null : (BOUNDS[bound] ?? null),
  } as EngineTrainingResult;
}
