/**
 * `@ridgeline/engine`: Ridgeline's WebAssembly sweep engine. The kernel mirrors
 * `estimateInference` and `estimateTraining` operator by operator over flat descriptors; a sweep
 * (inference, or `mode: training`) is a cartesian product
 * of axes enumerated by a mixed-radix index inside WebAssembly and streamed into reducers (Pareto
 * frontier, top-k, histograms, counts) there. Browser-safe: worker threads, files and Parquet live
 * in `@ridgeline/engine/node`.
 *
 * @example
 * import { createEngine, parseAnySweepSpec, planAnySweep, resolveSweepSpec, sweepRange } from '@ridgeline/engine';
 */
export * from './descriptors.ts';
export { createEngine, engineFromModule, Kernel, KERNEL_IMPORTS, type Engine, type KernelExports, type WasmModule } from './engine.ts';
export { evaluateConfigs, readResult, type EngineResult } from './evaluate.ts';
// The model's input checks, which the kernel relies on; re-exported for callers that build configurations.
export { validateInferenceConfig, validateTrainingConfig } from '@ridgeline/model';
export { flattenChip, flattenModel, type FlattenChipOptions } from './flatten.ts';
export { buildImage, fingerprint, NO_AXES, type ImageInput, type SlotFilter, type SlotHistogram, type SlotKey } from './image.ts';
export { DIGEST_FIRST_SLOT, outputsDigest } from './digest.ts';
export { GROUP_KEYS, groupByCode, groupOf, groupSegments, groupShapeOf, normaliseGroupBy, type GroupKey, type GroupShape } from './groups.ts';
export { describeWhere, matchesWhere, sortWhere, whereBounds, type WhereClause } from './where.ts';
export {
  histogramEdges,
  planAnySweep,
  modelStarts,
  planSweep,
  planTrainingSweep,
  shardRange,
  type AnySweepPlan,
  type SweepConfig,
  type SweepPlan,
  type TrainingSweepConfig,
} from './plan.ts';
export {
  isTrainingSpec,
  MAX_TOP_K,
  modelKey,
  PER_MODEL_AXES,
  specForModel,
  parseAnySweepSpec,
  parseSweepSpec,
  resolveSweepSpec,
  SweepSpecError,
  validateAnySweepSpec,
  validateSweepSpec,
  validateTrainingSweepSpec,
  type AnyMetric,
  type AnySweepSpec,
  type ChipResolver,
  type HardwareEntry,
  type HistogramSpec,
  type ModelResolver,
  type Objective,
  type PerModelAxes,
  type ReducerSpec,
  type ResolvedSweepSpec,
  type SpecIssue,
  type SweepSpec,
  type TrainingSweepSpec,
} from './spec.ts';
export {
  attachRows,
  emptyState,
  MergeError,
  mergeResults,
  mergeStates,
  paretoFrontier,
  rowOutputs,
  stateOfResult,
  sweepRows,
  toResult,
  topK,
  unpackState,
  type SweepCounts,
  type SweepEntry,
  type SweepResult,
  isTrainingRow,
  type AnySweepRow,
  type FeasibleAnySweepRow,
  type FeasibleSweepRow,
  type FeasibleTrainingSweepRow,
  type InfeasibleSweepRow,
  type InfeasibleTrainingSweepRow,
  type SweepRow,
  type SweepState,
  type TrainingSweepRow,
} from './state.ts';
export {
  defaultTrainingDirection,
  evaluateTrainingConfigs,
  N_TRAINING_OUT,
  readTrainingResult,
  RECOMPUTES,
  resolveTrainingMetric,
  TRAINING_AXES,
  TRAINING_CONFIG_STRIDE,
  TRAINING_FIELDS,
  TRAINING_METRIC_ALIASES,
  TRAINING_METRICS,
  TRAINING_OUTPUTS,
  TRAINING_SWEEP_AXES,
  trainingRecord,
  type EngineTrainingResult,
  type TrainingAxis,
  type TrainingMetric,
  type TrainingOutput,
} from './training.ts';
export { measureSweepRate, sweepRange, type SweepRangeOptions } from './sweep.ts';
export {
  DEFAULT_PLAN_PRECISIONS,
  defaultMaxChips,
  PLAN_BATCHES,
  PLAN_MAX_DECODE_WORKERS,
  PLAN_MAX_PREFILL_WORKERS,
  PLAN_MAX_POWER_BUDGET_W,
  PLAN_OBJECTIVES,
  budgetDisaggregatedMaxChips,
  budgetMaxChips,
  PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS,
  fleetReplicas,
  planServing,
  planWorkerRatios,
  type PlanDisaggregationRequest,
  type PlanPowerBudget,
  type PlanPowerBudgetRequest,
  type PlanUnpowered,
  type PlanWall,
  type PlanLimit,
  type PlanMiss,
  type PlanObjective,
  type PlanPools,
  type ServingPlan,
  type ServingPlanChoice,
  type ServingPlanRequest,
} from './plan-serving.ts';
export { facilityPower, planBudgetText, planChoiceText, planUnpoweredText, type PlanChoiceTextOptions } from './plan-text.ts';
export {
  modelIdsOf,
  chipIdsOf,
  progressReporter,
  resultOf,
  sourceOfInput,
  specOfInput,
  sweep,
  type BrowserSweepOptions,
  type InMemorySweepSpec,
  type ParsedSweepSpec,
  type SweepSpecData,
  type SweepProgress,
  type SweepSpecText,
} from './one-call.ts';
export {
  catalogModel,
  chipOfPlugin,
  findChip,
  FIRST_PARTY_PLUGINS,
  firstPartyChips,
  isPluginSpecifier,
  nearestChips,
  placeholderWarning,
  registerPlugins,
  ResolveError,
  unknownHardware,
  unknownModel,
  type PluginSource,
  type RegisteredChip,
} from './resolve.ts';
