import { describe, expect, it } from 'vitest';
import type { ChipSpec } from '@ridgeline/hardware';
import type { InferenceConfig, ModelSpec } from '@ridgeline/model';
import type { ServingPlanChoice } from './plan-serving.ts';
import { planBudgetText, planChoiceText, planUnpoweredText } from './plan-text.ts';
import { CATALOG_MODELS, FIRST_PARTY_CHIPS } from './test-support/random.ts';

const H100 = FIRST_PARTY_CHIPS.find((c) => c.id === 'h100-sxm') as ChipSpec;
const GROQ = FIRST_PARTY_CHIPS.find((c) => c.id === 'groq-lpu') as ChipSpec;
const LLAMA_70B = CATALOG_MODELS.find((m) => m.id === 'llama-3.1-70b') as ModelSpec;

const config = (chip: ChipSpec): InferenceConfig => ({
  model: LLAMA_70B,
  chip,
  chips: 4,
  parallelism: { tp: 4, pp: 1, ep: 1 },
  batch: 48,
  inputTokens: 2048,
  outputTokens: 256,
  precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
});

const metrics = (ttftS: number, tpotS: number): NonNullable<ServingPlanChoice['metrics']> => ({
  ttftS,
  tpotS,
  tokensPerSPerChip: 500,
  tokensPerSPerUser: 25,
  totalTokensPerSPerChip: 4500,
  costPerMillionTokensUsd: 1.5,
  requestsPerSPerReplica: 7.8,
  boundPrefill: 'compute',
  boundDecode: 'memory',
});

/** A choice that meets the targets, limited by the TPOT target. */
const fitting: ServingPlanChoice = {
  chip: 'h100-sxm',
  meetsTargets: true,
  config: config(H100),
  replicas: 1,
  chips: 4,
  metrics: metrics(0.8, 0.04),
  disaggregation: null,
  limit: 'tpot-target',
  misses: [],
  infeasible: null,
  searched: 2880,
  meeting: 1057,
  powerBudget: null,
};

/** The closest miss: TPOT 17.1× over a 1 ms target, TTFT 1.55× over a 1 ms one. */
const missed: ServingPlanChoice = {
  ...fitting,
  meetsTargets: false,
  metrics: metrics(0.00155, 0.0171),
  limit: null,
  misses: [
    { target: 'tpot', ratio: 17.1, bound: 'memory' },
    { target: 'ttft', ratio: 1.55, bound: 'network' },
  ],
  meeting: 0,
};

const infeasible = (chip: ChipSpec, reason: 'capacity' | 'precision_unsupported', minChipsToFit: number | null): ServingPlanChoice => ({
  ...fitting,
  chip: chip.id,
  meetsTargets: false,
  config: config(chip),
  metrics: null,
  limit: null,
  infeasible: { reason, minChipsToFit },
  meeting: 0,
});

/** A disaggregated replica of one prefill and five decode workers, the decode pool setting its rate. */
const disaggregated: ServingPlanChoice = {
  ...fitting,
  config: { ...config(H100), chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, disaggregation: { prefillWorkers: 1, decodeWorkers: 5, prefillTp: 1 } },
  chips: 6,
  disaggregation: {
    prefillChip: 'b200',
    prefillWorkers: 1,
    decodeWorkers: 5,
    prefillWorkerChips: 1,
    decodeWorkerChips: 1,
    bound: 'decode',
    prefillIdleShare: 0.897,
    decodeIdleShare: 0,
  },
};

describe('planChoiceText', () => {
  it('says a fitting choice’s decode bound and what stops a larger batch', () => {
    expect(planChoiceText(fitting)).toBe('decode memory-bound; a larger batch would break the TPOT target');
    expect(planChoiceText({ ...fitting, limit: 'batch-range' })).toBe(`decode memory-bound; the search's largest batch`);
    expect(planChoiceText({ ...fitting, limit: 'max-chips' })).toBe('decode memory-bound; a larger batch would need more chips than --max-chips for --rate');
  });

  it('says each target a miss misses, by how much, worst first, and the bound behind it', () => {
    expect(planChoiceText(missed)).toBe(
      'misses TPOT by 17.1× at best (17.1 ms; decode is memory-bound); misses TTFT by 1.55× at best (1.55 ms; the prompt iterations are network-bound)',
    );
  });

  it('starts a disaggregated choice with its prefill:decode ratio and what sets its request rate', () => {
    expect(planChoiceText(disaggregated)).toBe(
      'prefill:decode 1:5, the decode workers set the request rate (the prefill workers idle 90%); decode memory-bound; a larger batch would break the TPOT target',
    );
    const pools = disaggregated.disaggregation as NonNullable<ServingPlanChoice['disaggregation']>;
    const prefillBound = { ...disaggregated, disaggregation: { ...pools, bound: 'prefill' as const, prefillIdleShare: 0, decodeIdleShare: 0.043 } };
    expect(planChoiceText(prefillBound)).toMatch(/^prefill:decode 1:5, the prefill workers set the request rate \(the decode workers have 4% to spare\); /);
    expect(planChoiceText({ ...disaggregated, disaggregation: { ...pools, bound: 'kv-transfer' } })).toMatch(/^prefill:decode 1:5, the KV transfer between them sets the request rate; /);
    expect(planChoiceText({ ...disaggregated, ...missed, config: disaggregated.config, disaggregation: pools })).toMatch(/^prefill:decode 1:5, .+; misses TPOT by 17\.1× at best/);
    expect(planChoiceText({ ...infeasible(H100, 'capacity', 16), config: disaggregated.config, disaggregation: null }, { maxChips: 8 })).toBe(
      'does not fit in 8 chips (weights, KV cache and workspace); it needs at least 16 chips for a prefill and a decode worker. Raise --max-chips or try narrower --precisions',
    );
  });

  it('says what a chip lacks when nothing fits: chips, with the budget searched, or a precision it computes in', () => {
    expect(planChoiceText(infeasible(H100, 'capacity', 6), { maxChips: 2 })).toBe(
      'does not fit in 2 chips (weights, KV cache and workspace); it needs at least 6 chips. Raise --max-chips or try narrower --precisions',
    );
    // The budget defaults to one scale-up domain or 64 chips.
    expect(planChoiceText(infeasible(H100, 'capacity', null))).toBe(
      'does not fit in 64 chips (weights, KV cache and workspace). Raise --max-chips or try narrower --precisions',
    );
    expect(planChoiceText(infeasible(GROQ, 'precision_unsupported', null))).toBe(
      'computes in fp16, int8, none of --precisions bf16, fp8: add one (e.g. --precisions fp16,int8)',
    );
    expect(planChoiceText(infeasible(GROQ, 'precision_unsupported', null), { precisions: ['bf16', 'fp8', 'fp4'] })).toBe(
      'computes in fp16, int8, none of --precisions bf16, fp8, fp4: add one (e.g. --precisions fp16,int8)',
    );
  });
});

describe('planBudgetText', () => {
  // 20 MW of H100s: 1,530 W per chip, 8-chip replicas of 12,240 W; ⌊20e6 / 12,240⌋ = 1,633 replicas
  const budget = {
    budgetW: 20e6,
    pue: 1.2,
    provisionedWPerChip: 1530,
    replicaChips: 8,
    provisionedWPerReplica: 12240,
    replicas: 1633,
    chips: 13064,
    provisionedFacilityW: 13064 * 1530,
    tokensPerS: 13064 * 330,
    tokensPerSPerProvisionedMW: (13064 * 330) / ((13064 * 1530) / 1e6),
    binding: 'bandwidth',
    estimatedPowerFigures: [],
  } as const;

  it('says the replicas, chips, provisioned power, fleet tokens/s and the wall', () => {
    expect(planBudgetText(budget)).toBe(
      '20.0 MW powers 1,633 replicas of 8 chips (13,064 chips at 1.53 kW each: 19.99 MW provisioned, PUE 1.2), 4,311,120 output tokens/s (215,686 per provisioned MW); the wall: bandwidth (memory traffic bounds the phase that stops a larger batch)',
    );
  });

  it('names the estimated power figures', () => {
    expect(planBudgetText({ ...budget, estimatedPowerFigures: ['power.maxW'] })).toMatch(/; the wall: bandwidth \(.+\); estimated power figures: power\.maxW$/);
  });

  it('says a chip the budget powers no replica of, with its smallest replica\'s power', () => {
    expect(planUnpoweredText(1000, { chip: 'h100-sxm', prefillChip: null, replicaChips: 1, provisionedWPerReplica: 1530 })).toBe(
      'h100-sxm: no answer: its smallest replica (1 chip) provisions 1.53 kW, above the 1.00 kW budget',
    );
    expect(planUnpoweredText(2e6, { chip: 'b200', prefillChip: null, replicaChips: 24, provisionedWPerReplica: 3.2e6 })).toMatch(/^b200: no answer: its smallest replica \(24 chips\) provisions 3\.20 MW, above the 2\.00 MW budget$/);
    expect(planUnpoweredText(2000, { chip: 'h200', prefillChip: 'b200', replicaChips: 2, provisionedWPerReplica: 3675 })).toBe(
      'h200: no answer: its smallest replica (2 chips, prefill on b200) provisions 3.67 kW, above the 2.00 kW budget',
    );
  });
});
