import { describe, expect, it } from 'vitest';
import { estimateInference, type InferenceConfig } from '@ridgeline/model';
import { createEngine } from './engine.ts';
import { evaluateConfigs, readResult } from './evaluate.ts';
import { planSweep } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec, SweepSpecError } from './spec.ts';
import { kernelMismatches } from './test-support/kernel-check.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { CATALOG_MODELS, FIRST_PARTY_CHIPS, TEST_RESOLVERS } from './test-support/random.ts';

// An FP4 checkpoint that keeps its attention wider (docs/MODEL.md §1.2): the kernel against the reference.
const deepseek = CATALOG_MODELS.find((m) => m.id === 'deepseek-v3')!;
const b200 = FIRST_PARTY_CHIPS.find((c) => c.id === 'b200')!;
const config: InferenceConfig = {
  model: deepseek,
  chip: b200,
  chips: 8,
  parallelism: { tp: 8, pp: 1, ep: 8 },
  attentionSharding: 'dp',
  batch: 64,
  inputTokens: 1024,
  outputTokens: 1024,
  precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp4' },
};

describe('attention weights at their own precision in the kernel', () => {
  it('explicit configurations agree with estimateInference, and the wider attention costs time and memory', async () => {
    const engine = await createEngine();
    const wider: InferenceConfig = { ...config, precision: { ...config.precision, attentionWeights: 'fp8' } };
    const out = await evaluateConfigs(engine, [config, wider]);
    const mismatches: string[] = [];
    kernelMismatches(out, 0, estimateInference(config), mismatches);
    kernelMismatches(out, 1, estimateInference(wider), mismatches);
    expect(mismatches).toEqual([]);
    const [narrow, wide] = [readResult(out, 0), readResult(out, 1)];
    expect(wide.memoryWeightsBytes).toBeGreaterThan(narrow.memoryWeightsBytes);
    expect(wide.tpotS).toBeGreaterThan(narrow.tpotS);
    expect(wide.ttftS).toBeGreaterThan(narrow.ttftS);
  });

  it('takes them equal to the weights as if absent', async () => {
    const engine = await createEngine();
    const out = await evaluateConfigs(engine, [{ ...config, precision: { ...config.precision, attentionWeights: 'fp4' } }, config]);
    expect(readResult(out, 0)).toEqual(readResult(out, 1));
  });

  it('sweeps precisions.attentionWeights as an axis, each row equal to estimateInference and naming its precision', async () => {
    const plan = planSweep(
      resolveSweepSpec(
        parseSweepSpec(`
models: [deepseek-v3]
hardware: [b200, h200]
chips: [8]
tp: [8]
ep: [8]
attentionSharding: [heads, dp]
batch: [1, 256]
inputTokens: [8192]
outputTokens: [1024]
precisions: { weights: fp4, kvCache: fp8, activations: [fp4, fp8], attentionWeights: [fp4, fp8, bf16] }
prefillWorkers: [0, 1]
decodeWorkers: [2]
prefillHardware: [same, h200]
`),
        TEST_RESOLVERS,
      ),
    );
    expect(plan.total).toBe(2 * 2 * 3 * 2 * 2 * 2 * 2);
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < plan.total; i++) {
      const c = plan.config(i);
      const result = estimateInference(inferenceConfig(plan, i));
      kernelMismatches(out, i, result, mismatches);
      // H200 computes no fp4: infeasible as the reference says, whatever the attention's precision
      const key = `${c.attentionWeights} ${result.feasible ? 'feasible' : result.reason}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(mismatches).toEqual([]);
    for (const precision of ['fp4', 'fp8', 'bf16']) expect(seen.get(`${precision} feasible`) ?? 0).toBeGreaterThan(0);
    expect(plan.config(0).attentionWeights).toBe('fp4');
  });

  it('names the field of a bad attention precision in a spec', () => {
    expect(() => parseSweepSpec('models: [deepseek-v3]\nhardware: [b200]\nprecisions: { attentionWeights: fp5 }')).toThrow(SweepSpecError);
    try {
      parseSweepSpec('models: [deepseek-v3]\nhardware: [b200]\nprecisions: { attentionWeights: fp5 }');
    } catch (e) {
      expect(String(e)).toContain('precisions.attentionWeights');
    }
  });

  it('without the axis, a row names the weights’ precision', () => {
    const plan = planSweep(resolveSweepSpec(parseSweepSpec('models: [deepseek-v3]\nhardware: [b200]\nchips: [8]\ntp: [8]\nprecisions: { weights: fp8 }'), TEST_RESOLVERS));
    expect(plan.config(0).attentionWeights).toBe('fp8');
  });
});
