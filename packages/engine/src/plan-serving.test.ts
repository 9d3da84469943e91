import { describe, expect, it } from 'vitest';
import { PRECISION_BYTES, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { estimateInference, minChipsToFit, type FeasibleInferenceResult, type InferenceConfig, type ModelSpec } from '@ridgeline/model';
import { createEngine } from './engine.ts';
import {
  budgetMaxChips,
  fleetReplicas,
  PLAN_BATCHES,
  PLAN_MAX_DECODE_WORKERS,
  PLAN_MAX_PREFILL_WORKERS,
  defaultMaxChips,
  planServing,
  planWorkerRatios,
  type ServingPlanChoice,
} from './plan-serving.ts';
import { CATALOG_MODELS, FIRST_PARTY_CHIPS, feasible } from './test-support/random.ts';

const model = (id: string): ModelSpec => CATALOG_MODELS.find((m) => m.id === id) as ModelSpec;
const chip = (id: string): ChipSpec => FIRST_PARTY_CHIPS.find((c) => c.id === id) as ChipSpec;

const LLAMA_8B = model('llama-3.1-8b');
const H100 = chip('h100-sxm');
const engine = await createEngine();

/**
 * The planner's search written out plainly on the TypeScript reference model: every layout,
 * batch and precision combination, estimated one by one, then filtered and sorted.
 */
function bruteForce(m: ModelSpec, c: ChipSpec, maxChips: number, rateRps?: number, attentionWeights?: Precision): { config: InferenceConfig; result: FeasibleInferenceResult; chips: number }[] {
  const powers = (n: number): number[] => [1, 2, 4, 8, 16, 32, 64].filter((x) => x <= n);
  const precisions: Precision[] = ['bf16', 'fp8'];
  const out: { config: InferenceConfig; result: FeasibleInferenceResult; chips: number }[] = [];
  for (const tp of powers(Math.min(maxChips, c.scaleUp.domainSize.value)).filter((x) => m.heads % x === 0)) {
    for (const pp of powers(maxChips).filter((x) => m.layers % x === 0)) {
      for (const batch of PLAN_BATCHES) {
        for (const weights of precisions) {
          for (const activations of precisions.filter((p) => PRECISION_BYTES[p] >= PRECISION_BYTES[weights])) {
            for (const kvCache of precisions) {
              const config: InferenceConfig = {
                model: m, chip: c, chips: tp * pp, parallelism: { tp, pp, ep: 1 }, batch, inputTokens: 2048, outputTokens: 256,
                precision: { weights, kvCache, activations, ...(attentionWeights === undefined || attentionWeights === weights ? {} : { attentionWeights }) },
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

function expectReproduces(choice: ServingPlanChoice): FeasibleInferenceResult {
  const result = feasible(estimateInference(choice.config));
  expect(result.ttftS).toBe(choice.metrics?.ttftS);
  expect(result.tpotS).toBe(choice.metrics?.tpotS);
  expect(result.tokensPerSPerChip).toBe(choice.metrics?.tokensPerSPerChip);
  // The search prices one replica; the answer runs `replicas` of them, whose fleet price and token
  // rate scale by the same factor: equal in real arithmetic, within an ulp or two in floating point.
  expect(Math.abs(result.costPerMillionTokensUsd / choice.metrics!.costPerMillionTokensUsd - 1)).toBeLessThan(1e-12);
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

  it('rejects a power budget out of range, or with a rate or the chips objective, naming the field', async () => {
    const base = { model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, engine };
    await expect(planServing({ ...base, powerBudget: { facilityW: 0 } })).rejects.toThrow(/^powerBudget\.facilityW must be a facility power above 0 and at most 10000000000 W, got 0$/);
    await expect(planServing({ ...base, powerBudget: { facilityW: 2e10 } })).rejects.toThrow(/powerBudget\.facilityW/);
    await expect(planServing({ ...base, powerBudget: { facilityW: 1e6, pue: 0.9 } })).rejects.toThrow(/powerBudget\.pue must be a power usage effectiveness from 1 to 10/);
    await expect(planServing({ ...base, powerBudget: { facilityW: 1e6 }, rateRps: 5 })).rejects.toThrow(/rateRps and powerBudget both size the fleet/);
    await expect(planServing({ ...base, objective: 'chips', powerBudget: { facilityW: 1e6 } })).rejects.toThrow(/rateRps/);
  });

  it('fills a power budget with whole replicas, the fleet provisioned within it, and the plain plan unchanged beside it', async () => {
    const base = { model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, engine };
    const [fleet] = (await planServing({ ...base, powerBudget: { facilityW: 1e6 } })).results;
    const b = fleet!.powerBudget!;
    // 1 MW of H100s at 1,530 W each: ⌊1e6 / (m × 1,530)⌋ replicas of m chips
    expect(b.replicas).toBe(Math.floor(1e6 / (b.replicaChips * 1530)));
    expect(fleet!.chips).toBe(b.replicas * b.replicaChips);
    expect(b.provisionedFacilityW).toBeLessThanOrEqual(1e6);
    expect(feasible(estimateInference(fleet!.config)).energy.provisionedFacilityW).toBe(b.provisionedFacilityW);
    expect(fleet!.config.chips).toBe(fleet!.chips);
    const [plain] = (await planServing(base)).results;
    expect(plain!.powerBudget).toBeNull();
  });

  it('gives no answer for a chip the budget cannot power one replica of, only its smallest replica', async () => {
    const base = { model: LLAMA_8B, inputTokens: 2048, outputTokens: 256, targets, engine };
    // 2 kW: one H100 (1,530 W provisioned) but not one B200; Llama 3.1 8B fits on one chip of either
    const plan = await planServing({ ...base, chips: [{ chip: H100 }, { chip: chip('b200') }], powerBudget: { facilityW: 2000 } });
    expect(plan.results.map((c) => c.chip)).toEqual(['h100-sxm']);
    const b200 = chip('b200');
    const b200W = (b200.power.maxW.value + (b200.power.nodeOverheadW?.value ?? 0)) * 1.2;
    expect(b200W).toBeGreaterThan(2000);
    expect(plan.unpowered).toEqual([{ chip: 'b200', prefillChip: null, replicaChips: 1, provisionedWPerReplica: b200W }]);
    const none = await planServing({ ...base, chips: [{ chip: H100 }], powerBudget: { facilityW: 1000 } });
    expect(none.results).toEqual([]);
    expect(none.unpowered).toEqual([{ chip: 'h100-sxm', prefillChip: null, replicaChips: 1, provisionedWPerReplica: expect.closeTo(1530, 6) }]);
    expect((await planServing({ ...base, chips: [{ chip: H100 }] })).unpowered).toEqual([]);
  });

  it('holds every configuration\'s attention weights at the precision asked, as a brute force on the reference model does', async () => {
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 4, attentionWeights: 'bf16', engine });
    const choice = plan.results[0] as ServingPlanChoice;
    const result = expectReproduces(choice);
    const meeting = bruteForce(LLAMA_8B, H100, 4, undefined, 'bf16').filter((r) => r.result.ttftS <= targets.ttftS && r.result.tpotS <= targets.tpotS);
    expect(choice.meeting).toBe(meeting.length);
    expect(result.tokensPerSPerChip).toBe(Math.max(...meeting.map((r) => r.result.tokensPerSPerChip)));
    // the answer says so where its weights are narrower: fp8 weights, bf16 attention
    if (choice.config.precision.weights !== 'bf16') expect(choice.config.precision.attentionWeights).toBe('bf16');
    else expect(choice.config.precision.attentionWeights).toBeUndefined();
    // wider attention costs the fp8 configurations time: fewer meet the targets than without it
    const plain = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, maxChips: 4, engine });
    expect(choice.meeting).toBeLessThan(plain.results[0]!.meeting);
    await expect(planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, attentionWeights: 'fp5' as Precision, engine })).rejects.toThrow(
      expect.objectContaining({ name: 'InputError', field: 'attentionWeights' }),
    );
  });

  it('rejects precisions that make no combination (a KV cache under a byte) as an input error, not a broken spec', async () => {
    const base = { model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets, engine };
    for (const precisions of [['fp4'], ['int4', 'fp4']] as Precision[][]) {
      await expect(planServing({ ...base, precisions })).rejects.toThrow(
        expect.objectContaining({ name: 'InputError', field: 'precisions', message: expect.stringMatching(/make no combination to plan with: the KV cache needs one of a byte or more/) }),
      );
      await expect(planServing({ ...base, precisions, disaggregation: {} })).rejects.toThrow(expect.objectContaining({ name: 'InputError', field: 'precisions' }));
    }
    await expect(planServing({ ...base, precisions: ['fp4', 'fp8'] })).resolves.toBeDefined();
  });
});

/** A candidate of the disaggregated search: one replica's configuration, its estimate and the chips of every replica. */
interface Deployment {
  readonly config: InferenceConfig;
  readonly result: FeasibleInferenceResult;
  readonly unitChips: number;
  readonly chips: number;
}

/**
 * The disaggregated search written out plainly on the TypeScript reference model: every decode
 * worker layout, prefill chip and TP, attention, prefill:decode ratio in lowest terms, batch and
 * precision combination, estimated one by one, then filtered by the chip budget.
 */
function bruteForceDisaggregated(
  m: ModelSpec,
  decode: ChipSpec,
  prefillChips: readonly ChipSpec[],
  maxChips: number,
  precisions: readonly Precision[],
  lengths: { readonly inputTokens: number; readonly outputTokens: number },
  rateRps?: number,
): Deployment[] {
  const powers = (n: number): number[] => [1, 2, 4, 8, 16, 32, 64].filter((x) => x <= n);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const moe = m.moe;
  const attentions: ('heads' | 'dp')[] = moe === undefined ? ['heads'] : ['heads', 'dp'];
  const splits = (tp: number): boolean => m.heads % tp === 0 || moe !== undefined;
  const out: Deployment[] = [];
  for (const prefill of prefillChips) {
    for (const tp of powers(Math.min(maxChips - 1, decode.scaleUp.domainSize.value)).filter(splits)) {
      for (const pp of powers(maxChips - 1).filter((x) => m.layers % x === 0)) {
        for (const ep of moe === undefined ? [1] : powers(tp).filter((x) => moe.experts % x === 0)) {
          for (const attentionSharding of attentions) {
            for (const prefillTp of powers(Math.min(maxChips - 1, prefill.scaleUp.domainSize.value)).filter(splits)) {
              for (const prefillAttention of attentions) {
                for (let prefillWorkers = 1; prefillWorkers <= PLAN_MAX_PREFILL_WORKERS; prefillWorkers++) {
                  for (let decodeWorkers = 1; decodeWorkers <= PLAN_MAX_DECODE_WORKERS; decodeWorkers++) {
                    if (gcd(prefillWorkers, decodeWorkers) !== 1) continue;
                    const unitChips = prefillWorkers * prefillTp + decodeWorkers * tp * pp;
                    if (unitChips > maxChips) continue;
                    for (const batch of PLAN_BATCHES) {
                      for (const weights of precisions) {
                        for (const activations of precisions.filter((p) => PRECISION_BYTES[p] >= PRECISION_BYTES[weights])) {
                          for (const kvCache of precisions) {
                            const config: InferenceConfig = {
                              model: m,
                              chip: decode,
                              chips: tp * pp,
                              parallelism: { tp, pp, ep },
                              batch,
                              ...lengths,
                              precision: { weights, kvCache, activations },
                              attentionSharding,
                              disaggregation: { prefillWorkers, decodeWorkers, prefillTp, prefillAttention, ...(prefill === decode ? {} : { prefillChip: prefill }) },
                            };
                            const result = estimateInference(config);
                            if (!result.feasible) continue;
                            // a replica serves its request rate, output tokens/s ÷ output tokens per request
                            const replicas = rateRps === undefined ? 1 : Math.ceil(rateRps / ((result.tokensPerSPerChip * unitChips) / lengths.outputTokens) - 1e-9);
                            if (replicas * unitChips <= maxChips) out.push({ config, result, unitChips, chips: replicas * unitChips });
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const meets = (targets: { ttftS: number; tpotS: number }) => (d: Deployment): boolean => d.result.ttftS <= targets.ttftS && d.result.tpotS <= targets.tpotS;

describe('planServing with disaggregation', () => {
  const MIXTRAL = model('mixtral-8x7b');
  const B200 = chip('b200');

  it('tries prefill:decode ratios from 8:1 to 1:16 in lowest terms', () => {
    const ratios = planWorkerRatios();
    expect(ratios).toContainEqual([8, 1]);
    expect(ratios).toContainEqual([1, 16]);
    expect(ratios).toContainEqual([3, 4]);
    expect(ratios).not.toContainEqual([2, 4]);
    expect(ratios).toHaveLength(83);
  });

  it('finds the deployment with the most tokens/s per chip over both pools that meets the targets, prefill on H100 or B200, as a brute force on the reference model does', async () => {
    const targets = { ttftS: 0.5, tpotS: 0.03 };
    const lengths = { inputTokens: 512, outputTokens: 1024 };
    const plan = await planServing({
      model: LLAMA_8B,
      chips: [{ chip: H100 }],
      ...lengths,
      targets,
      maxChips: 6,
      disaggregation: { prefillChips: [H100, B200] },
      engine,
    });
    const choice = plan.results[0] as ServingPlanChoice;
    expect(choice.meetsTargets).toBe(true);
    const result = expectReproduces(choice);
    expect(result.ttftS).toBeLessThanOrEqual(targets.ttftS);
    expect(result.tpotS).toBeLessThanOrEqual(targets.tpotS);
    const meeting = bruteForceDisaggregated(LLAMA_8B, H100, [H100, B200], 6, ['bf16', 'fp8'], lengths).filter(meets(targets));
    expect(choice.meeting).toBe(meeting.length);
    expect(result.tokensPerSPerChip).toBe(Math.max(...meeting.map((d) => d.result.tokensPerSPerChip)));
    // a grid worth searching: many ratios and both prefill chips meet the targets
    const ratios = new Set(meeting.map((d) => `${d.config.disaggregation?.prefillWorkers}:${d.config.disaggregation?.decodeWorkers}`));
    expect(ratios.size).toBeGreaterThan(5);
    expect(new Set(meeting.map((d) => d.config.disaggregation?.prefillChip?.id ?? 'h100-sxm')).size).toBe(2);
    // the pools as the estimate reports them: one replica of n_p prefill and n_d decode workers
    const pools = result.disaggregation;
    const { tp, pp } = choice.config.parallelism;
    expect(choice.config.chips).toBe(tp * pp);
    expect(choice.disaggregation).toEqual({
      prefillChip: pools?.prefillChip,
      prefillWorkers: pools?.prefillWorkers,
      decodeWorkers: pools?.decodeWorkers,
      prefillWorkerChips: pools?.prefillParallelism.tp,
      decodeWorkerChips: tp * pp,
      bound: pools?.bound,
      prefillIdleShare: pools?.prefillIdleShare,
      decodeIdleShare: pools?.decodeIdleShare,
    });
    expect(choice.chips).toBe((pools?.prefillChips ?? 0) + (pools?.decodeChips ?? 0));
    expect(choice.metrics?.requestsPerSPerReplica).toBeCloseTo(pools?.requestsPerS ?? 0, 9);
  });

  it('minimises cost over expert parallelism and data-parallel attention in both pools of an MoE model', async () => {
    const targets = { ttftS: 1, tpotS: 0.03 };
    const plan = await planServing({
      model: MIXTRAL,
      chips: [{ chip: H100 }],
      inputTokens: 2048,
      outputTokens: 256,
      targets,
      maxChips: 4,
      objective: 'cost',
      precisions: ['fp8'],
      disaggregation: {},
      engine,
    });
    const choice = plan.results[0] as ServingPlanChoice;
    const result = expectReproduces(choice);
    const meeting = bruteForceDisaggregated(MIXTRAL, H100, [H100], 4, ['fp8'], { inputTokens: 2048, outputTokens: 256 }).filter(meets(targets));
    expect(choice.meeting).toBe(meeting.length);
    expect(result.costPerMillionTokensUsd).toBe(Math.min(...meeting.map((d) => d.result.costPerMillionTokensUsd)));
    expect(new Set(meeting.map((d) => `${d.config.attentionSharding}/${d.config.disaggregation?.prefillAttention}`)).size).toBe(4);
    expect(new Set(meeting.map((d) => d.config.parallelism.ep)).size).toBeGreaterThan(1);
  });

  it('serves a request rate with the fewest chips: replicas of the prefill:decode unit, each ⌈rate ÷ requests/s of one⌉', async () => {
    const targets = { ttftS: 0.5, tpotS: 0.02 };
    // The first rate, on a grid up to what the best one unit of up to 16 chips serves within the
    // targets (brute force on the reference model), at which copies of a unit need strictly fewer
    // chips than any one unit that serves it alone: the answer must then be copies, whatever the
    // chip's efficiencies.
    const units = bruteForceDisaggregated(LLAMA_8B, H100, [H100], 16, ['bf16', 'fp8'], { inputTokens: 2048, outputTokens: 256 }).filter(meets(targets));
    const rateOf = (d: Deployment): number => d.result.disaggregation?.requestsPerS ?? 0;
    const best = Math.max(...units.map(rateOf));
    const alone = (rate: number): number => Math.min(...units.filter((d) => rateOf(d) >= rate).map((d) => d.unitChips));
    const asCopies = (rate: number): number => Math.min(...units.filter((d) => rateOf(d) < rate).map((d) => Math.ceil(rate / rateOf(d) - 1e-9) * d.unitChips));
    const rateRps = Array.from({ length: 100 }, (_, i) => (best * (i + 1)) / 100).find((rate) => asCopies(rate) < alone(rate) && asCopies(rate) <= 16);
    if (rateRps === undefined) throw new Error('no rate at which copies of a unit need fewer chips than one unit');
    const plan = await planServing({
      model: LLAMA_8B,
      chips: [{ chip: H100 }],
      inputTokens: 2048,
      outputTokens: 256,
      targets,
      maxChips: 16,
      objective: 'chips',
      rateRps,
      disaggregation: {},
      engine,
    });
    const choice = plan.results[0] as ServingPlanChoice;
    const result = expectReproduces(choice);
    const perReplica = result.disaggregation?.requestsPerS ?? 0;
    expect(choice.replicas).toBeGreaterThan(1); // no one unit serves this rate
    expect(choice.replicas).toBe(Math.ceil(rateRps / perReplica - 1e-9));
    expect(choice.replicas * perReplica).toBeGreaterThanOrEqual(rateRps);
    expect(choice.chips).toBe(choice.replicas * ((result.disaggregation?.prefillChips ?? 0) + (result.disaggregation?.decodeChips ?? 0)));
    const meeting = bruteForceDisaggregated(LLAMA_8B, H100, [H100], 16, ['bf16', 'fp8'], { inputTokens: 2048, outputTokens: 256 }, rateRps).filter(meets(targets));
    expect(choice.meeting).toBe(meeting.length);
    expect(choice.chips).toBe(Math.min(...meeting.map((d) => d.chips)));
  });

  it('fills a power budget with replicas of the prefill:decode unit that serve the most fleet tokens/s, as a brute force on the reference model does', async () => {
    const targets = { ttftS: 0.5, tpotS: 0.02 };
    const lengths = { inputTokens: 2048, outputTokens: 256 };
    // 20 kW of H100s at 1,530 W each: 13 chips, so a 4-chip replica fits 3 times, a 6-chip one twice
    const facilityW = 20e3;
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], ...lengths, targets, maxChips: 6, disaggregation: {}, powerBudget: { facilityW }, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    const result = expectReproduces(choice);
    const b = choice.powerBudget!;
    const fleetOf = (d: Deployment): number => d.result.tokensPerSPerChip * d.unitChips * Math.floor(facilityW / (d.unitChips * 1530));
    const meeting = bruteForceDisaggregated(LLAMA_8B, H100, [H100], 6, ['bf16', 'fp8'], lengths).filter(meets(targets));
    expect(choice.meeting).toBe(meeting.length);
    expect(b.tokensPerS).toBeCloseTo(Math.max(...meeting.map(fleetOf)), 6);
    // one replica is the estimate; the budget holds ⌊20,000 / (its chips × 1,530)⌋ of them
    const unitChips = (result.disaggregation?.prefillChips ?? 0) + (result.disaggregation?.decodeChips ?? 0);
    expect(b.replicaChips).toBe(unitChips);
    expect(b.replicas).toBe(Math.floor(facilityW / (unitChips * 1530)));
    expect(choice.replicas).toBe(b.replicas);
    expect(choice.chips).toBe(b.replicas * unitChips);
    expect(b.provisionedWPerReplica).toBe(result.energy.provisionedFacilityW);
    expect(b.provisionedFacilityW).toBe(b.replicas * result.energy.provisionedFacilityW);
    expect(b.provisionedFacilityW).toBeLessThanOrEqual(facilityW);
    // a budget under the smallest pair of workers (two chips) powers none: no answer
    const none = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], ...lengths, targets, maxChips: 6, disaggregation: {}, powerBudget: { facilityW: 3000 }, engine });
    expect(none.results).toEqual([]);
    expect(none.unpowered).toEqual([{ chip: 'h100-sxm', prefillChip: null, replicaChips: 2, provisionedWPerReplica: expect.closeTo(2 * 1530, 6) }]);
  });

  it('answers with the closest deployment and its ratio when nothing meets the targets', async () => {
    const impossible = { ttftS: 10, tpotS: 1e-4 };
    const plan = await planServing({ model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets: impossible, maxChips: 4, disaggregation: {}, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    expect(choice.meetsTargets).toBe(false);
    expect(choice.meeting).toBe(0);
    expect(choice.disaggregation?.prefillWorkers).toBe(choice.config.disaggregation?.prefillWorkers);
    const result = expectReproduces(choice);
    expect(choice.misses[0]).toEqual({ target: 'tpot', ratio: result.tpotS / impossible.tpotS, bound: result.bound.decode });
    const worst = bruteForceDisaggregated(LLAMA_8B, H100, [H100], 4, ['bf16', 'fp8'], { inputTokens: 2048, outputTokens: 256 }).map((d) =>
      Math.max(d.result.ttftS / impossible.ttftS, d.result.tpotS / impossible.tpotS),
    );
    expect(Math.max(result.ttftS / impossible.ttftS, result.tpotS / impossible.tpotS)).toBe(Math.min(...worst));
  });

  it('says how many chips a prefill and a decode worker need when no replica fits in the budget', async () => {
    const big = model('llama-3.1-405b');
    const plan = await planServing({ model: big, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets: { tpotS: 0.05 }, maxChips: 8, disaggregation: {}, engine });
    const choice = plan.results[0] as ServingPlanChoice;
    expect(choice.meetsTargets).toBe(false);
    expect(choice.metrics).toBeNull();
    expect(choice.infeasible?.reason).toBe('capacity');
    // 405B at fp8 needs 8 H100s in each worker: the answer is that pair, which fits at batch 1
    expect(choice.infeasible?.minChipsToFit).toBe(16);
    expect(estimateInference(choice.config).feasible).toBe(true);
    expect(choice.config.chips + (choice.config.disaggregation?.prefillTp ?? 0)).toBe(16);
  });

  it('rejects an empty list of prefill chips, and a budget without room for two workers, naming the field', async () => {
    const base = { model: LLAMA_8B, chips: [{ chip: H100 }], inputTokens: 2048, outputTokens: 256, targets: { tpotS: 0.05 }, engine };
    await expect(planServing({ ...base, disaggregation: { prefillChips: [] } })).rejects.toThrow(/disaggregation\.prefillChips must name at least one chip/);
    await expect(planServing({ ...base, maxChips: 1, disaggregation: {} })).rejects.toThrow(/maxChips must be at least 2 with disaggregation/);
  });
});

describe('fleetReplicas', () => {
  const h100 = FIRST_PARTY_CHIPS.find((c) => c.id === 'h100-sxm')!;
  it('is ⌊budget ÷ (replica chips × (P_max + node overhead) × PUE)⌋, never over the budget', () => {
    // H100: (700 + 575) W × 1.2 = 1,530 W per chip; 8-chip replicas 12,240 W; 20e6 / 12,240 = 1,633.99
    expect(fleetReplicas(h100, 8, { facilityW: 20e6 })).toBe(1633);
    expect(fleetReplicas(h100, 1, { facilityW: 20e6 })).toBe(13071);
    // exactly one replica's power holds one replica; a watt less holds none
    expect(fleetReplicas(h100, 8, { facilityW: 12240, pue: 1.2 })).toBe(1);
    expect(fleetReplicas(h100, 8, { facilityW: 12239, pue: 1.2 })).toBe(0);
    // PUE 1.5: 1,912.5 W per chip
    expect(fleetReplicas(h100, 1, { facilityW: 1e6, pue: 1.5 })).toBe(Math.floor(1e6 / 1912.5));
  });

  it('bounds one replica by the chips the budget powers, or one scale-up domain or 64 when that is more', () => {
    expect(budgetMaxChips(h100, { facilityW: 20e6 })).toBe(13071);
    expect(budgetMaxChips(h100, { facilityW: 10e3 })).toBe(64);
  });
});
