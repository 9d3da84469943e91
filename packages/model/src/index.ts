export * from './types.ts';
export { attentionParams, countParams, type ParamCounts } from './params.ts';
export { InputError } from './errors.ts';
export { computePrecision, estimateInference } from './inference.ts';
export { memoryPerChip, minChipsToFit, PREFILL_CHUNK_TOKENS, weightParamsPerChip, type MemoryInputs } from './memory.ts';
export { allGatherS, allReduceS, allToAllS, linkLevelFor, membersPerDomainFor, pointToPointS, torusAxisSizes, type LinkLevel } from './collectives.ts';
export { expectedExpertsTouched, meanAttendedContext, meanCachedTokens, shardLayout, type ShardLayout } from './layout.ts';
export { dominantBound, operatorCost } from './phase.ts';
export { activationBytesPerLayer, estimateTraining } from './training.ts';
