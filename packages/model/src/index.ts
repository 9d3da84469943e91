export * from './types.ts';
export { attentionParams, countParams, type ParamCounts } from './params.ts';
export { InputError } from './errors.ts';
export { estimateInference } from './inference.ts';
