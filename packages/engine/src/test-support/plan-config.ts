import type { InferenceConfig } from '@ridgeline/model';
import type { SweepPlan } from '../plan.ts';
import { TEST_RESOLVERS } from './random.ts';

/**
 * The \`InferenceConfig\` of an inference sweep's configuration \`index\`, as \`estimateInference\` takes
 * it: the tests that check the kernel's rows against the reference model build it this one way.
 *
 * @example
 * estimateInference(inferenceConfig(plan, 0)); // the reference for the kernel's row 0
 */
export function inferenceConfig(plan: SweepPlan, index: number): InferenceConfig {
  const c = plan.config(index);
  const resolved = plan.resolved;
  const model = resolved.models.find((m) => m.id === c.model)!;
  const chip = resolved.chips.find((x) => x.chip.id === c.hardware)!;
  const draftModel = resolved.draftModels?.find((m) => m.id === c.draftModel);
  return {
    model,
    chip: chip.chip,
    chips: c.chips,
    parallelism: { tp: c.tp, pp: c.pp, ep: c.ep },
    ...(c.redundantExperts === 'auto' ? {} : { redundantExperts: c.redundantExperts }),
    batch: c.batch,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    precision: { weights: c.weights, kvCache: c.kvCache, activations: c.activations, attentionWeights: c.attentionWeights },
    attentionSharding: c.attentionSharding,
    moeImbalance: c.moeImbalance,
    twoBatchOverlap: c.twoBatchOverlap,
    schedule: c.schedule,
    chunkTokens: c.chunkTokens,
    ...(c.commOverlap === 'auto' ? {} : { commOverlap: c.commOverlap }),
    ...(chip.usdPerChipHour === undefined ? {} : { usdPerChipHour: chip.usdPerChipHour }),
    ...(!('pue' in resolved.spec) || resolved.spec.pue === undefined ? {} : { pue: resolved.spec.pue }),
    ...(c.speculative === 'none'
      ? {}
      : {
          speculative: {
            mode: c.speculative,
            draftTokens: c.draftTokens,
            acceptance: c.acceptance,
            ...(c.speculative === 'draft' && draftModel !== undefined ? { draftModel } : {}),
          },
        }),
    ...(c.prefillWorkers === 0
      ? {}
      : {
          disaggregation: {
            prefillWorkers: c.prefillWorkers,
            decodeWorkers: c.decodeWorkers,
            prefillChip: TEST_RESOLVERS.chip(c.prefillHardware),
            ...(c.prefillTp === 'auto' ? {} : { prefillTp: c.prefillTp }),
            ...(c.prefillEp === 'auto' ? {} : { prefillEp: c.prefillEp }),
            prefillAttention: c.prefillAttention,
          },
        }),
  };
}
