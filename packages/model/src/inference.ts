import type { InferenceConfig, InferenceResult } from './types.ts';

/**
 * Estimates prefill (TTFT) and decode (TPOT) of one inference configuration (MODEL.md §2–§4).
 * Throws `InputError` for malformed numbers; returns `feasible: false` with a reason for rule breaks.
 */
export function estimateInference(config: InferenceConfig): InferenceResult {
  throw new Error(`not implemented yet: ${config.model.id}`);
}
