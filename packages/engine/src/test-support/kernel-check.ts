import type { InferenceResult } from '@ridgeline/model';
import { N_OUT, OUTPUTS, REASONS } from '../descriptors.ts';
import { parseSweepSpec, SweepSpecError } from '../spec.ts';
import { referenceOutputs } from './random.ts';

/**
 * Appends to `mismatches` where the kernel's outputs of configuration `i` (`out`, N_OUT values per
 * configuration) differ from the reference model's `result`: the reason code, then every output bit
 * for bit (`Object.is`), at most 10 output mismatches in all.
 *
 * @example
 * kernelMismatches(out, i, estimateInference(inferenceConfig(plan, i)), mismatches);
 */
export function kernelMismatches(out: Float64Array, i: number, result: InferenceResult, mismatches: string[]): void {
  const expected = referenceOutputs(result);
  const reason = out[i * N_OUT + 1]!;
  if ((reason < 0 ? null : REASONS[reason]) !== result.reason) mismatches.push(`#${i} reason`);
  OUTPUTS.forEach((name, slot) => {
    if (name === 'reason') return;
    const got = out[i * N_OUT + slot]!;
    if (!Object.is(got, expected[name]) && mismatches.length < 10) mismatches.push(`#${i} ${name}: ${got} vs ${expected[name]}`);
  });
}

/** The message of the `SweepSpecError` that parsing `text` (as spec.yaml) throws; throws if none. */
export function specIssuesOf(text: string): string {
  try {
    parseSweepSpec(text, 'spec.yaml');
  } catch (error) {
    if (error instanceof SweepSpecError) return error.message;
    throw error;
  }
  throw new Error('expected a SweepSpecError');
}
