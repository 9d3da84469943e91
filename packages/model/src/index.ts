export * from './types.ts';
export { attentionParams, countParams, type ParamCounts } from './params.ts';
export { InputError } from './errors.ts';
export { divisors, largestDivisorAtMost } from './divisors.ts';
export { limitText, MODEL_LIMITS, validateModelSpec, WORKLOAD_LIMITS } from './limits.ts';
export { attentionComputePrecision, computePrecision, DEFAULT_MOE_IMBALANCE, estimateInference, prefillWorkerOf, validateInferenceConfig, type PrefillWorker } from './inference.ts';
export { NO_SPECULATION, steadyState, type IterationSpeculation, type SteadyState } from './serving.ts';
export { DEFAULT_MTP_ACCEPTANCE, expectedTokensPerStep, resolveSpeculation, type ResolvedSpeculation } from './speculative.ts';
export { memoryCapacityFor, memoryPerChip, minChipsToFit, PREFILL_CHUNK_TOKENS, smallestLayoutToFit, weightParamsPerChip, workspaceTokens, type MemoryInputs } from './memory.ts';
export { allGatherS, allReduceS, allToAllS, linkLevelFor, membersPerDomainFor, pointToPointS, torusAxisSizes, workerLinkBytesPerS, type LinkLevel } from './collectives.ts';
export {
  dataParallelAttentionImbalance,
  defaultRedundantExperts,
  evenStageLayers,
  busiestExpertRank,
  expectedExpertsTouched,
  expectedMaxStandardNormal,
  meanAttendedContext,
  meanCachedTokens,
  shardLayout,
  slowestStageLayers,
  touchedFraction,
  weightBytes,
  type ShardLayout,
  type StageLayers,
} from './layout.ts';
export { LAYER_KERNELS, layerKernelWeights, REFERENCE_LAYER_KERNELS, type LayerKernelWeights } from './layer-overhead.ts';
export { dominantBound, iterationOverlap, operatorCost, type PromptChunk } from './phase.ts';
export { activationBytesPerLayer, estimateTraining, validateTrainingConfig } from './training.ts';
export { CLOSED_LOOP_RUN_LIMITS, finiteRunShare, uniformLengthsSd, type ClosedLoopRun } from './benchmark-run.ts';
export { CALIBRATION_METRICS, DEFAULT_CALIBRATION_GRID, FLOP_CURVE_INTENSITIES, FLOP_LARGE_GEMM_INTENSITIES, calibrateEfficiencies, evaluateRows, fittedFlopAt, inferenceRow, metricValue, withEfficiencies, type CalibrationGrid, type CalibrationMetric, type CalibrationOptions, type CalibrationResult, type CalibrationRow, type ConstantEfficiencies, type FittedEfficiencies, type MeasuredInferenceRow, type RowFit, type RowsEvaluation } from './calibrate.ts';
export { MTP_ACCEPTANCE_GRID, fitMtpAcceptance, servingCalibrationGrid, servingCalibrationOptions, withMtpAcceptance, type MtpAcceptanceFit } from './serving-calibration.ts';
export {
  chipFloorW,
  chipPowerComponentsW,
  chipPowerW,
  DEFAULT_PUE,
  energyFigures,
  estimateUnderPowerCap,
  figuresStatus,
  hasComponentPower,
  powerFiguresOf,
  provisionedFacilityW,
  provisionedPoolsW,
  withPowerCap,
  type EnergyFigures,
  type EstimatedFigure,
  type FiguresStatus,
  type PowerComponentsW,
  type PowerPool,
} from './power.ts';
export {
  costFigures,
  DEFAULT_AMORTIZATION_YEARS,
  DEFAULT_USD_PER_KW_MONTH,
  DEFAULT_USD_PER_KWH,
  DEFAULT_UTILIZATION,
  HOURS_PER_MONTH,
  HOURS_PER_YEAR,
  MissingCapitalError,
  tcoPrice,
  TCO_LIMITS,
  type CostBreakdown,
  type CostFigure,
  type CostProvenance,
  type CostFigures,
  type PriceBasis,
  type TcoOptions,
  type TcoPrice,
} from './cost.ts';
