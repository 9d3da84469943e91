import { describe, expect, it } from 'vitest';
import { PRECISION_BYTES, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { estimateInference, minChipsToFit, type InferenceConfig, type InferenceResult, type ModelSpec } from '@ridgeline/model';
import { createEngine } from './engine.ts';
import { PLAN_BATCHES, defaultMaxChips, planServing, type ServingPlanChoice } from './plan-serving.ts';
import { CATALOG_MODELS, FIRST_PARTY_CHIPS } from './test-support/random.ts';

const model = (id: string): ModelSpec => CATALOG_MODELS.find((m) => m.id === id) as ModelSpec;
const chip = (id: string): ChipSpec => FIRST_PARTY_CHIPS.find((c) => c.id === id) as ChipSpec;

const LLAMA_8B = model('llama-3.1-8b');
const H100 = chip('h100-sxm');
const engine = await createEngine();

/**
 * The planner's search written out plainly on the TypeScript reference model: every layout,
 * batch and precision combination, estimated one by one, then filtered and sorted.
 */
function bruteForce(m: ModelSpec, c: ChipSpec, maxChips: number, rateRps?: number): { config: InferenceConfig; result: InferenceResult; chips: number }[] {
  const powers = (n: number): number[] => [1, 2, 4, 8, 16, 32, 64].filter((x) => x <= n);
  const precisions: Precision[] = ['bf16', 'fp8'];
  const out: { config: InferenceConfig; result: InferenceResult; chips: number }[] = [];
  for (const tp of powers(Math.min(maxChips, c.scaleUp.domainSize.value)).filter((x) => m.heads % x === 0)) {
    for (const pp of powers(maxChips).filter((x) => m.layers % x === 0)) {
      for (const batch of PLAN_BATCHES) {
        for (const weights of precisions) {
          for (const activations of precisions.filter((p) => PRECISION_BYTES[p] >= PRECISION_BYTES[weights])) {
            for (const kvCache of precisions) {
              const config: InferenceConfig = {
                model: m, chip: c, chips: tp * pp, parallelism: { tp, pp, ep: 1 }, batch, inputTokens: 2048, outputTokens: 256,
                precision: { weights, kvCache, activations },
              };
              const result = estimateInference(config);
              if (!result.feasible) continue;
              // requests/s of one replica = its output tokens/s ÷ output tokens per request
              const replicas = rateRps === undefined ? 1 : Math.ceil(rateRps / ((result.tokensPerSPerChip * tp * pp) / 256) - 1e-9);
              if (replicas * tp * pp <= maxChips) out.push({ config, result, chips: replicas * tp * pp });
            }
          }
        }
      }
    }
  }
  return out;
}

function expectReproduces(choice: ServingPlanChoice): InferenceResult {
  const result = estimateInference(choice.config);
  expect(result.feasible).toBe(true);
  expect(result.ttftS).toBe(choice.metrics?.ttftS);
  expect(result.tpotS).toBe(choice.metrics?.tpotS);
  expect(result.tokensPerSPerChip).toBe(choice.metrics?.tokensPerSPerChip);
  expect(result.costPerMillionTokensUsd).toBe(choice.metrics?.costPerMillionTokensUsd);
  return result;
}

describe('planServing', () => {
  const targets = { ttftS: 0.5, tpotS: 0.02 };

  it('finds the configuration with the most tokens/s per chip that meets the targets, as a brute force on the reference model does', async () => {
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 4, engine });
    const [choice] = plan.results;
    expect(choice?.meetsTargets).toBe(true);
    const result = expectReproduces(choice as ServingPlanChoice);
    expect(result.ttftS).toBeLessThanOrEqual(targets.ttftS);
    expect(result.tpotS).toBeLessThanOrEqual(targets.tpotS);
    const meeting = bruteForce(LLAMA_8B, H100, 4).filter((r) => r.result.ttftS <= targets.ttftS && r.result.tpotS <= targets.tpotS);
    expect(choice?.meeting).toBe(meeting.length);
    const best = Math.max(...meeting.map((r) => r.result.tokensPerSPerChip));
    expect(result.tokensPerSPerChip).toBe(best);
  });

  it('minimises cost with the cost objective', async () => {
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 4, objective: 'cost', engine });
    const result = expectReproduces(plan.results[0] as ServingPlanChoice);
    const meeting = bruteForce(LLAMA_8B, H100, 4).filter((r) => r.result.ttftS <= targets.ttftS && r.result.tpotS <= targets.tpotS);
    expect(result.costPerMillionTokensUsd).toBe(Math.min(...meeting.map((r) => r.result.costPerMillionTokensUsd)));
  });

  it('serves a request rate with the fewest chips, replicas = ⌈rate ÷ requests/s of one replica⌉', async () => {
    const rateRps = 40;
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 64, objective: 'chips', rateRps, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    const result = expectReproduces(choice);
    const { tp, pp } = choice.config.parallelism;
    const perReplica = (result.tokensPerSPerChip * tp * pp) / 256;
    expect(choice.replicas).toBe(Math.ceil(rateRps / perReplica - 1e-9));
    expect(choice.config.chips).toBe(choice.replicas * tp * pp);
    expect(choice.replicas * perReplica).toBeGreaterThanOrEqual(rateRps);
    const meeting = bruteForce(LLAMA_8B, H100, 64, rateRps).filter((r) => r.result.ttftS <= targets.ttftS && r.result.tpotS <= targets.tpotS);
    expect(choice.config.chips).toBe(Math.min(...meeting.map((r) => r.chips)));
  });

  it('answers with the closest configuration and the wall that stops it when nothing meets the targets', async () => {
    const impossible = { ttftS: 10, tpotS: 1e-4 }; // 0.1 ms per token: no chip streams 8B weights that fast
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets: impossible, maxChips: 4, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    expect(choice.meetsTargets).toBe(false);
    expect(choice.meeting).toBe(0);
    const result = expectReproduces(choice);
    expect(choice.misses[0]?.target).toBe('tpot');
    expect(choice.misses[0]?.ratio).toBe(result.tpotS / impossible.tpotS);
    expect(choice.misses[0]?.bound).toBe(result.bound.decode);
    // the closest: the least worst ratio over the whole search
    const worst = bruteForce(LLAMA_8B, H100, 4).map((r) => Math.max(r.result.ttftS / impossible.ttftS, r.result.tpotS / impossible.tpotS));
    expect(Math.max(result.ttftS / impossible.ttftS, result.tpotS / impossible.tpotS)).toBe(Math.min(...worst));
  });

  it('says how many chips a model needs when it fits in none of the budget', async () => {
    const big = model('llama-3.1-405b');
    const plan = await planServing({ model: big, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 2, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    expect(choice.meetsTargets).toBe(false);
    expect(choice.metrics).toBeNull();
    expect(choice.infeasible?.reason).toBe('capacity');
    // 405B at fp8 (the narrowest precision tried) on H100s, at the smallest batch
    const c = choice.config;
    const expected = minChipsToFit({ model: c.model, chip: c.chip, ep: 1, batch: 1, inputTokens: 2048, outputTokens: 256, precision: c.precision });
    expect(choice.infeasible?.minChipsToFit).toBe(expected);
    expect(expected).toBeGreaterThan(2);
  });

  it('ranks chips best first: meeting ones by the objective, then misses', async () => {
    const plan = await planServing({
      model: LLAMA_8B,
      chips: [{ chip: H100 }, { chip: chip('h200') }, { chip: chip('a100-sxm') }],
      inputTokens: 2048,
      outputTokens: 256,
      targets,
      maxChips: 8,
      engine,
    });
    const meeting = plan.results.filter((r) => r.meetsTargets);
    const perChip = meeting.map((r) => r.metrics?.tokensPerSPerChip ?? 0);
    expect(perChip).toEqual([...perChip].sort((a, b) => b - a));
    expect(plan.results.map((r) => r.chip).sort()).toEqual(['a100-sxm', 'h100-sxm', 'h200']);
  });

  it('defaults the chip budget to one scale-up domain or 64, whichever is larger', () => {
    expect(defaultMaxChips(H100)).toBe(64);
    expect(defaultMaxChips(chip('gb200-nvl72'))).toBe(72);
  });

  it('rejects a chips objective without a rate, and non-positive targets, naming the field', async () => {
    const base = { model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, engine };
    await expect(planServing({ ...base, objective: 'chips' })).rejects.toThrow(/rateRps/);
    await expect(planServing({ ...base, targets: { tpotS: 0 } })).rejects.toThrow(/targets\.tpotS must be a positive finite number/);
    await expect(planServing({ ...base, maxChips: 2.5 })).rejects.toThrow(/maxChips must be a positive integer/);
  });
});
