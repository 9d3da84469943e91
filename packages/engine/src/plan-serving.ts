import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { DEFAULT_PUE, InputError, provisionedFacilityW, type Bound, type DisaggregationBound, type InferenceConfig, type InfeasibleReason, type ModelSpec } from '@ridgeline/model';
import { AXES, N_OUT, REASONS } from './descriptors.ts';
import { createEngine, type Engine } from './engine.ts';
import { DEFAULT_PLAN_PRECISIONS, PLAN_BATCHES, S, allowedPrecisionDigits, attentionWeightsOf, estimatedPowerFigures, lexLess, phaseWall, planPrecisionAxes, powersOfTwoUpTo, precisionCombos, replicasWithin, rowFigures } from './plan-common.ts';
import { planDisaggregatedChip } from './plan-disaggregated.ts';
import { planSweep } from './plan.ts';
import { resolveSweepSpec, validateSweepSpec } from './spec.ts';

export { DEFAULT_PLAN_PRECISIONS, PLAN_BATCHES } from './plan-common.ts';
export { PLAN_MAX_DECODE_WORKERS, PLAN_MAX_PREFILL_WORKERS, planWorkerRatios } from './plan-disaggregated.ts';

/** What `planServing` optimises, among configurations that meet the latency targets. */
export const PLAN_OBJECTIVES = ['throughput', 'cost', 'chips'] as const;
/**
 * One of `PLAN_OBJECTIVES`: `throughput`, the most output tokens/s per chip; `cost`, the lowest
 * all-in cost per million output tokens; `chips`, the fewest chips that serve `rateRps`.
 */
export type PlanObjective = (typeof PLAN_OBJECTIVES)[number];

/** The default chip budget when none is given: one scale-up domain or 64, whichever is larger. */
export function defaultMaxChips(chip: ChipSpec): number {
  return Math.max(chip.scaleUp.domainSize.value, 64);
}

/** What a planning run asks for. */
export interface ServingPlanRequest {
  readonly model: ModelSpec;
  /** Chips to compare, each optionally with its own price per chip-hour. */
  readonly chips: readonly { readonly chip: ChipSpec; readonly usdPerChipHour?: number }[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Latency targets, seconds; a missing one is not constrained. */
  readonly targets: { readonly ttftS?: number; readonly tpotS?: number };
  /** Default `throughput`; `chips` needs `rateRps`. */
  readonly objective?: PlanObjective;
  /** Requests per second to serve: sets the replica count (and is required by the `chips` objective). */
  readonly rateRps?: number;
  /** Most chips a configuration may use, replicas included (default `defaultMaxChips` per chip). */
  readonly maxChips?: number;
  /** Precisions tried for weights, KV cache and activations (default `DEFAULT_PLAN_PRECISIONS`). */
  readonly precisions?: readonly Precision[];
  /**
   * The attention block's projection weights in every configuration tried, where they differ from
   * the weights (an FP4 checkpoint that keeps attention at fp8 or bf16; docs/MODEL.md §1.2). Absent:
   * each configuration's weights.
   */
  readonly attentionWeights?: Precision;
  /**
   * Search disaggregated prefill and decode instead (`InferenceConfig.disaggregation`): each of
   * `chips` is then the decode workers' chip, and an answer is one replica of n_p prefill workers
   * feeding n_d decode workers (the ratio from `planWorkerRatios`), with its layouts, batch and
   * precisions; `rateRps` sets how many replicas. Absent: one engine both prefills and decodes.
   */
  readonly disaggregation?: PlanDisaggregationRequest;
  /**
   * Plan a fleet under a facility power budget (docs/MODEL.md §10, "Planning under a power budget"):
   * each chip's answer is the layout whose replicas, as many as `facilityW` provisions at
   * `chips × (P_max + nodeOverheadW) × PUE`, serve the most output tokens/s (objective
   * `throughput`) or the cheapest (objective `cost`). The budget bounds the fleet; `maxChips`, when
   * given, bounds one replica (default: the chips the budget provisions). With `disaggregation`, a
   * replica is the prefill and decode workers' unit as without a budget (bounded by `maxChips`, default
   * `budgetDisaggregatedMaxChips`), and the budget sets how many: `⌊facilityW ÷ (Σ pool chips × (P_max +
   * nodeOverheadW)) × PUE⌋`. A chip whose smallest replica the budget cannot power is no answer: it is
   * listed in `ServingPlan.unpowered` instead. Not with `rateRps` or the `chips` objective.
   */
  readonly powerBudget?: PlanPowerBudgetRequest;
  /** An engine to reuse (default `createEngine()`). */
  readonly engine?: Engine;
}

/** A facility power budget (`ServingPlanRequest.powerBudget`). */
export interface PlanPowerBudgetRequest {
  /** The facility power to fill, W (`PLAN_MAX_POWER_BUDGET_W` at most). */
  readonly facilityW: number;
  /** Power usage effectiveness (default `DEFAULT_PUE`). */
  readonly pue?: number;
}

/** The largest facility power budget `planServing` takes: 10 GW, above the largest AI campuses announced (a few GW). */
export const PLAN_MAX_POWER_BUDGET_W: number = 10e9;

/**
 * The wall that binds a power-budget answer: `power` when the budget excludes the layout that would
 * serve the most per chip (or holds no replica at all); otherwise the replica's own wall, `capacity`
 * (memory stops a larger batch), or the bound of the phase that stops it: `bandwidth` (memory
 * traffic), `compute` or `network` (collectives; with disaggregation also the KV transfer between
 * the pools when it sets the replica's rate).
 */
export type PlanWall = 'power' | 'capacity' | 'bandwidth' | 'compute' | 'network';

/** A power-budget answer's fleet (`ServingPlanChoice.powerBudget`). */
export interface PlanPowerBudget {
  /** The budget, facility W. */
  readonly budgetW: number;
  readonly pue: number;
  /** (P_max + nodeOverheadW) × PUE: the facility power one chip provisions, W (a disaggregated replica's average over both pools). */
  readonly provisionedWPerChip: number;
  /** Chips of one replica (TP·PP; disaggregated, both pools') and the facility power it provisions, W. */
  readonly replicaChips: number;
  readonly provisionedWPerReplica: number;
  /** ⌊budget ÷ provisionedWPerReplica⌋ replicas and their chips. */
  readonly replicas: number;
  readonly chips: number;
  /** chips × (P_max + nodeOverheadW) × PUE ≤ budgetW: the fleet's provisioned facility power (= `energy.provisionedFacilityW`). */
  readonly provisionedFacilityW: number;
  /** Output tokens/s of the whole fleet. */
  readonly tokensPerS: number;
  /** tokensPerS ÷ (provisionedFacilityW / 1e6). */
  readonly tokensPerSPerProvisionedMW: number;
  readonly binding: PlanWall;
  /**
   * The chip's power figures that set the provisioned power (`power.maxW`, `power.nodeOverheadW`)
   * whose source is an estimate, not a published figure; empty when all are sourced.
   */
  readonly estimatedPowerFigures: readonly string[];
}

/** What a disaggregated search may use (`ServingPlanRequest.disaggregation`). */
export interface PlanDisaggregationRequest {
  /**
   * Chips the prefill workers may run on, each tried with every decode chip, at its list price
   * (default: the decode chip). A chip of the decode chip's id is that chip, at its price.
   */
  readonly prefillChips?: readonly ChipSpec[];
}

/** One replica of a disaggregated answer: its two pools, and what sets its request rate. */
export interface PlanPools {
  /** The prefill workers' chip id. */
  readonly prefillChip: string;
  /** n_p and n_d, the prefill:decode ratio in lowest terms. */
  readonly prefillWorkers: number;
  readonly decodeWorkers: number;
  /** Chips of one prefill worker (its TP) and of one decode worker (TP·PP). */
  readonly prefillWorkerChips: number;
  readonly decodeWorkerChips: number;
  /** The pool, or the KV transfer between them, that sets the replica's request rate. */
  readonly bound: DisaggregationBound;
  /** 1 − λ/λ_pool: the share of time the prefill workers idle, and the decode workers' spare share. */
  readonly prefillIdleShare: number;
  readonly decodeIdleShare: number;
}

/** Why the chosen configuration goes no further (its next larger batch, or the search's edge). */
export type PlanLimit = 'ttft-target' | 'tpot-target' | 'capacity' | 'max-chips' | 'no-gain' | 'batch-range';

/** A target a configuration misses, by how much, and the bound of the phase that sets it. */
export interface PlanMiss {
  readonly target: 'ttft' | 'tpot';
  /** Achieved ÷ target (> 1). */
  readonly ratio: number;
  /** Bound of the phase behind the target: the prefill iteration's for TTFT, decode's for TPOT. */
  readonly bound: Bound | null;
}

/** The planner's answer for one chip. */
export interface ServingPlanChoice {
  /** The chip's id. */
  readonly chip: string;
  /** Whether `config` meets every target within the chip budget. */
  readonly meetsTargets: boolean;
  /** The configuration to run; `estimateInference(config)` reproduces `metrics`. */
  readonly config: InferenceConfig;
  /**
   * Replicas (chips / (TP·PP), or with disaggregation copies of the replica that `config`
   * describes): 1 without a rate, else enough to serve it.
   */
  readonly replicas: number;
  /** Chips of the whole answer, replicas included (`config.chips` without disaggregation). */
  readonly chips: number;
  /** The configuration's figures (SI units, as `estimateInference` names them). */
  readonly metrics: {
    readonly ttftS: number;
    readonly tpotS: number;
    readonly tokensPerSPerChip: number;
    readonly tokensPerSPerUser: number;
    readonly totalTokensPerSPerChip: number;
    readonly costPerMillionTokensUsd: number;
    readonly requestsPerSPerReplica: number;
    readonly boundPrefill: Bound | null;
    readonly boundDecode: Bound | null;
  } | null;
  /** A disaggregated answer's pools (one replica's); null without disaggregation, or when nothing fits. */
  readonly disaggregation: PlanPools | null;
  /** What stops a larger batch from doing better (meeting configurations). */
  readonly limit: PlanLimit | null;
  /** The targets missed, worst first (configurations that do not meet them). */
  readonly misses: readonly PlanMiss[];
  /** When no configuration fits at all: the reason, and the chips the model needs at the smallest batch. */
  readonly infeasible: { readonly reason: InfeasibleReason; readonly minChipsToFit: number | null } | null;
  /** Configurations evaluated, and how many met every target. */
  readonly searched: number;
  readonly meeting: number;
  /** Under a power budget (`ServingPlanRequest.powerBudget`), the fleet it powers; null otherwise. */
  readonly powerBudget: PlanPowerBudget | null;
}

/** A chip a power budget cannot power one replica of (`ServingPlan.unpowered`): its smallest replica that holds the model. */
export interface PlanUnpowered {
  /** The chip's id (with disaggregation, the decode workers'). */
  readonly chip: string;
  /** With disaggregation on another chip, the prefill workers' chip id; null otherwise. */
  readonly prefillChip: string | null;
  /** Chips of that replica (both pools' with disaggregation). */
  readonly replicaChips: number;
  /** The facility power it provisions, W: above the budget. */
  readonly provisionedWPerReplica: number;
}

/** The planner's answers, one per chip, best first (meeting configurations by objective, then the closest misses). */
export interface ServingPlan {
  readonly objective: PlanObjective;
  readonly results: readonly ServingPlanChoice[];
  /**
   * Under a power budget, the chips it cannot power one replica of, the smallest replica first:
   * they are no answer, so not in `results` (empty without a budget).
   */
  readonly unpowered: readonly PlanUnpowered[];
}

function checkRequest(request: ServingPlanRequest): void {
  const positive = (field: string, x: number | undefined, integer: boolean): void => {
    if (x === undefined) return;
    if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isSafeInteger(x))) {
      throw new InputError(field, `${field} must be a ${integer ? 'positive integer' : 'positive finite number'}, got ${x}`);
    }
  };
  positive('inputTokens', request.inputTokens, true);
  positive('outputTokens', request.outputTokens, true);
  positive('targets.ttftS', request.targets.ttftS, false);
  positive('targets.tpotS', request.targets.tpotS, false);
  positive('rateRps', request.rateRps, false);
  positive('maxChips', request.maxChips, true);
  if (request.chips.length === 0) throw new InputError('chips', 'chips must name at least one chip');
  if (request.objective === 'chips' && request.rateRps === undefined) {
    throw new InputError('rateRps', 'the chips objective needs rateRps: the requests per second to serve');
  }
  if (request.precisions !== undefined && request.precisions.length === 0) throw new InputError('precisions', 'precisions must list at least one precision');
  if (request.precisions !== undefined && precisionCombos(request.precisions).length === 0) {
    // the KV cache is kept at a byte or more, and activations at least as wide as the weights
    throw new InputError(
      'precisions',
      `precisions ${request.precisions.join(', ')} make no combination to plan with: the KV cache needs one of a byte or more (fp8, int8, fp16, bf16, fp32); add one, e.g. ${request.precisions.join(',')},fp8`,
    );
  }
  if (request.attentionWeights !== undefined && !(PRECISIONS as readonly string[]).includes(request.attentionWeights)) {
    throw new InputError('attentionWeights', `attentionWeights must be one of ${PRECISIONS.join(', ')}, got ${String(request.attentionWeights)}`);
  }
  if (request.powerBudget !== undefined) {
    const { facilityW, pue } = request.powerBudget;
    if (!Number.isFinite(facilityW) || facilityW <= 0 || facilityW > PLAN_MAX_POWER_BUDGET_W) {
      throw new InputError('powerBudget.facilityW', `powerBudget.facilityW must be a facility power above 0 and at most ${PLAN_MAX_POWER_BUDGET_W} W, got ${facilityW}`);
    }
    if (pue !== undefined && !(Number.isFinite(pue) && pue >= 1 && pue <= 10)) throw new InputError('powerBudget.pue', `powerBudget.pue must be a power usage effectiveness from 1 to 10, got ${pue}`);
    if (request.rateRps !== undefined) throw new InputError('rateRps', 'rateRps and powerBudget both size the fleet: give one of them');
    if (request.objective === 'chips') throw new InputError('objective', 'the chips objective needs rateRps; under powerBudget plan for throughput or cost');
  }
  if (request.disaggregation !== undefined) {
    if (request.disaggregation.prefillChips?.length === 0) {
      throw new InputError('disaggregation.prefillChips', 'disaggregation.prefillChips must name at least one chip, or be left out for the decode chip');
    }
    if (request.maxChips !== undefined && request.maxChips < 2) {
      throw new InputError('maxChips', `maxChips must be at least 2 with disaggregation (a prefill and a decode worker), got ${request.maxChips}`);
    }
  }
}

interface Candidate {
  readonly index: number;
  readonly replicas: number;
  readonly chips: number;
  /** Smaller is better: the objective's key, then the tie-breaks. */
  readonly keys: readonly number[];
  /** max(achieved ÷ target) over the targets; ≤ 1 meets them. */
  readonly worstRatio: number;
}

/**
 * The best configuration per chip that meets TTFT and TPOT targets, on the WebAssembly engine:
 * for each chip, every TP and PP (powers of two within the chip budget, TP within one scale-up
 * domain), EP (MoE models), batch (`PLAN_BATCHES`) and precision combination, under continuous
 * batching. Replicas follow from `rateRps`. When nothing meets the targets, the answer for that
 * chip is the configuration that misses them by the least, with the wall that stops it. With
 * `disaggregation`, the same for disaggregated prefill and decode (`planDisaggregatedChip` says
 * what it searches).
 *
 * @example
 * const plan = await planServing({ model, chips: [{ chip: h100 }], inputTokens: 2048, outputTokens: 256, targets: { ttftS: 2, tpotS: 0.05 } });
 * plan.results[0].config; // run it with estimateInference
 * const split = await planServing({ ...request, disaggregation: { prefillChips: [b200] } });
 * split.results[0].disaggregation; // { prefillChip: 'b200', prefillWorkers: 1, decodeWorkers: 2, … }
 */
export async function planServing(request: ServingPlanRequest): Promise<ServingPlan> {
  checkRequest(request);
  const objective = request.objective ?? 'throughput';
  const engine = request.engine ?? (await createEngine());
  const results: ServingPlanChoice[] = [];
  const unpowered: PlanUnpowered[] = [];
  for (const entry of request.chips) {
    const budget = request.powerBudget;
    const maxChips =
      request.maxChips ??
      (budget === undefined ? defaultMaxChips(entry.chip) : request.disaggregation === undefined ? budgetMaxChips(entry.chip, budget) : budgetDisaggregatedMaxChips(entry.chip));
    const choice = await (request.disaggregation === undefined ? planChip : planDisaggregatedChip)(request, objective, entry, engine, maxChips);
    // a budget that powers no replica of the chip: no answer, only its smallest replica's power
    if (choice.powerBudget !== null && choice.powerBudget.replicas === 0) {
      unpowered.push({
        chip: choice.chip,
        prefillChip: choice.config.disaggregation?.prefillChip?.id ?? null,
        replicaChips: choice.powerBudget.replicaChips,
        provisionedWPerReplica: choice.powerBudget.provisionedWPerReplica,
      });
    } else results.push(choice);
  }
  unpowered.sort((a, b) => a.provisionedWPerReplica - b.provisionedWPerReplica);
  const rank = (c: ServingPlanChoice): number[] => {
    const m = c.metrics;
    if (m === null) return [2, 0];
    if (!c.meetsTargets) return [1, c.misses[0]?.ratio ?? Number.POSITIVE_INFINITY];
    // under a power budget, the fleet's tokens/s: a chip of half the power serves twice the chips
    const fleet = c.powerBudget === null ? [] : [-c.powerBudget.tokensPerS];
    if (objective === 'cost') return [0, m.costPerMillionTokensUsd, ...fleet];
    return [0, ...fleet, objective === 'chips' ? c.chips : -m.tokensPerSPerChip];
  };
  const order = results.map((c, i) => ({ c, i, key: rank(c) })).sort((a, b) => (lexLess(a.key, b.key) ? -1 : lexLess(b.key, a.key) ? 1 : a.i - b.i));
  return { objective, results: order.map((o) => o.c), unpowered };
}

/**
 * The most chips of one disaggregated replica under a power budget (without `maxChips`): one
 * scale-up domain or 64 as without a budget, but at most `PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS`.
 */
export function budgetDisaggregatedMaxChips(chip: ChipSpec): number {
  return Math.min(defaultMaxChips(chip), PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS);
}

/**
 * The bound of a disaggregated replica under a power budget: 72 chips, an NVL72 rack, the largest
 * GPU scale-up domain (so a GPU's bound is its plain `--disaggregate` one). A TPU pod's or an LPU
 * system's domain spans thousands of chips, and both pools' layouts up to it are tens of millions of
 * configurations (DeepSeek-R1 on TPU v7: 27 M, 14 s): more replicas, not larger ones, fill the budget.
 */
export const PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS = 72;

/**
 * One replica's search bound under a power budget: the chips it provisions, ⌊facilityW ÷ ((P_max +
 * nodeOverheadW) × PUE)⌋, or `defaultMaxChips` when that is more (so a layout the budget cannot power
 * is seen, and power is said to bind when it would serve more per chip).
 */
export function budgetMaxChips(chip: ChipSpec, budget: PlanPowerBudgetRequest): number {
  return Math.max(defaultMaxChips(chip), fleetReplicas(chip, 1, budget));
}

/** ⌊budget ÷ provisioned power of one replica of `replicaChips` chips⌋, exactly: the fleet's `provisionedFacilityW` never exceeds the budget. */
export function fleetReplicas(chip: ChipSpec, replicaChips: number, budget: PlanPowerBudgetRequest): number {
  const pue = budget.pue ?? DEFAULT_PUE;
  return replicasWithin(budget.facilityW, (n) => provisionedFacilityW(chip, n * replicaChips, pue));
}


async function planChip(
  request: ServingPlanRequest,
  objective: PlanObjective,
  entry: { readonly chip: ChipSpec; readonly usdPerChipHour?: number },
  engine: Engine,
  maxChips: number,
): Promise<ServingPlanChoice> {
  const { model, inputTokens, outputTokens, targets } = request;
  const chip = entry.chip;
  const tpValues = powersOfTwoUpTo(Math.min(maxChips, chip.scaleUp.domainSize.value)).filter((tp) => model.heads % tp === 0);
  // under a power budget, uneven stages too (the slowest holds ⌈L/PP⌉ layers): a model of prime depth
  // (DeepSeek-V3's 61 layers) then spreads over the hundreds of chips an SRAM-only chip needs
  const ppValues = powersOfTwoUpTo(maxChips).filter((pp) => (request.powerBudget === undefined ? model.layers % pp === 0 : pp <= model.layers));
  const experts = model.moe?.experts;
  const epValues = experts === undefined ? [1] : powersOfTwoUpTo(maxChips).filter((ep) => experts % ep === 0);
  const combos = precisionCombos(request.precisions ?? DEFAULT_PLAN_PRECISIONS);
  const precisions = planPrecisionAxes(combos, request.attentionWeights);
  const spec = validateSweepSpec({
    models: [model.id],
    hardware: [chip.id],
    dp: [1],
    tp: tpValues.length > 0 ? tpValues : [1],
    pp: ppValues.length > 0 ? ppValues : [1],
    ep: epValues,
    batch: [...PLAN_BATCHES],
    inputTokens: [inputTokens],
    outputTokens: [outputTokens],
    precisions,
    reducers: { pareto: [], top: null },
  });
  const resolved = resolveSweepSpec(spec, { model: () => model, chip: () => chip });
  const plan = planSweep({ ...resolved, chips: [entry.usdPerChipHour === undefined ? { chip } : { chip, usdPerChipHour: entry.usdPerChipHour }] });
  const kernel = await engine.open(plan.image(true));
  const allowed = allowedPrecisionDigits(combos, precisions);
  const axes = plan.axes as Readonly<Record<(typeof AXES)[number], readonly number[]>>;
  const strideOf = (axis: (typeof AXES)[number]): number => AXES.slice(AXES.indexOf(axis) + 1).reduce((n, a) => n * axes[a].length, 1);
  const batchStride = strideOf('batch');
  const batchDigit = (index: number): number => Math.floor(index / batchStride) % PLAN_BATCHES.length;
  // digits by arithmetic rather than plan.config: the loop below visits every configuration
  const precisionStride = strideOf('activations');
  const tpStride = strideOf('tp');
  const ppStride = strideOf('pp');
  const modelChipsOf = (index: number): number =>
    (axes.tp[Math.floor(index / tpStride) % axes.tp.length] ?? Number.NaN) * (axes.pp[Math.floor(index / ppStride) % axes.pp.length] ?? Number.NaN);

  const ratioOf = (ttft: number, tpot: number): number =>
    Math.max(targets.ttftS === undefined ? 0 : ttft / targets.ttftS, targets.tpotS === undefined ? 0 : tpot / targets.tpotS);

  const budget = request.powerBudget;
  // under a budget: the best meeting layout by the per-chip objective that the budget powers no replica of (then power binds)
  let bestUnpowered: { index: number; keys: number[] } | undefined;
  // the smallest feasible replica (the least power), reported when the budget powers none
  let unpowered: { index: number; key: number[]; worstRatio: number } | undefined;
  let best: Candidate | undefined;
  let closest: Candidate | undefined;
  let searched = 0;
  let meeting = 0;
  let nearestInfeasible: { index: number; key: number[] } | undefined;
  const chunk = 65_536;
  for (let start = 0; start < plan.total; start += chunk) {
    const count = Math.min(chunk, plan.total - start);
    const out = kernel.rows(start, count);
    for (let k = 0; k < count; k++) {
      const index = start + k;
      if (allowed[Math.floor(index / precisionStride) % allowed.length] !== 1) continue;
      searched++;
      const o = (slot: number): number => out[k * N_OUT + slot] ?? Number.NaN;
      const modelChips = modelChipsOf(index);
      if (o(S.feasible) !== 1) {
        // At the smallest batch, keep the configuration that comes closest to fitting (the fewest
        // chips needed); a rule broken elsewhere (an unsupported precision) only when nothing is short of capacity.
        if (batchDigit(index) === 0) {
          const capacity = REASONS[o(S.reason)] === 'capacity';
          const need = capacity ? o(S.minChips) : Number.POSITIVE_INFINITY;
          const key = [capacity ? 0 : 1, Number.isNaN(need) ? Number.POSITIVE_INFINITY : need, -modelChips];
          if (nearestInfeasible === undefined || lexLess(key, nearestInfeasible.key)) nearestInfeasible = { index, key };
        }
        continue;
      }
      const perChip = o(S.perChip);
      const worstRatio = ratioOf(o(S.ttft), o(S.tpot));
      if (budget !== undefined) {
        if (modelChips > maxChips) continue;
        const replicas = fleetReplicas(chip, modelChips, budget);
        if (replicas === 0) {
          const perChipKeys = objective === 'cost' ? [o(S.cost), -perChip, modelChips] : [-perChip, modelChips, o(S.cost)];
          if (worstRatio <= 1 && (bestUnpowered === undefined || lexLess(perChipKeys, bestUnpowered.keys))) bestUnpowered = { index, keys: perChipKeys };
          const key = [modelChips, worstRatio <= 1 ? 0 : 1, -perChip];
          if (unpowered === undefined || lexLess(key, unpowered.key)) unpowered = { index, key, worstRatio };
          continue;
        }
        const chips = replicas * modelChips;
        const fleetTokens = perChip * chips;
        const keys = objective === 'cost' ? [o(S.cost), -fleetTokens, chips] : [-fleetTokens, -perChip, o(S.cost)];
        const candidate: Candidate = { index, replicas, chips, keys, worstRatio };
        if (worstRatio <= 1) {
          meeting++;
          if (best === undefined || lexLess(candidate.keys, best.keys)) best = candidate;
        } else if (closest === undefined || worstRatio < closest.worstRatio || (worstRatio === closest.worstRatio && lexLess(candidate.keys, closest.keys))) {
          closest = candidate;
        }
        continue;
      }
      const requestsPerSPerReplica = (perChip * modelChips) / outputTokens;
      const replicas = request.rateRps === undefined ? 1 : Math.max(1, Math.ceil(request.rateRps / requestsPerSPerReplica - 1e-9));
      const chips = replicas * modelChips;
      if (chips > maxChips) continue;
      const objectiveKeys =
        objective === 'cost' ? [o(S.cost), -perChip, chips] : objective === 'chips' ? [chips, -perChip, o(S.cost)] : [-perChip, chips, o(S.cost)];
      const candidate: Candidate = { index, replicas, chips, keys: objectiveKeys, worstRatio };
      if (worstRatio <= 1) {
        meeting++;
        if (best === undefined || lexLess(candidate.keys, best.keys)) best = candidate;
      } else if (closest === undefined || worstRatio < closest.worstRatio || (worstRatio === closest.worstRatio && lexLess(candidate.keys, closest.keys))) {
        closest = candidate;
      }
    }
  }

  const chosen: Candidate | undefined =
    best ?? closest ?? (unpowered === undefined ? undefined : { index: unpowered.index, replicas: 0, chips: 0, keys: unpowered.key, worstRatio: unpowered.worstRatio });
  const pue = budget === undefined ? undefined : (budget.pue ?? DEFAULT_PUE);
  if (chosen === undefined) {
    const index = nearestInfeasible?.index ?? 0;
    const out = kernel.rows(index, 1);
    const reasonCode = out[S.reason] ?? -1;
    const minChips = out[S.minChips] ?? Number.NaN;
    const modelChips = plan.config(index).tp * plan.config(index).pp;
    return {
      chip: chip.id,
      meetsTargets: false,
      config: configOf(plan.config(index), model, chip, entry.usdPerChipHour, modelChips, pue),
      replicas: 1,
      chips: modelChips,
      metrics: null,
      disaggregation: null,
      limit: null,
      misses: [],
      infeasible: { reason: REASONS[reasonCode] ?? 'capacity', minChipsToFit: Number.isFinite(minChips) ? minChips : null },
      searched,
      meeting,
      powerBudget: null,
    };
  }
  const row = kernel.rows(chosen.index, 1).slice();
  const config = plan.config(chosen.index);
  const { metrics, misses } = rowFigures(row, targets, config.tp * config.pp, outputTokens);
  const limit = best === undefined ? null : limitOf();
  return {
    chip: chip.id,
    meetsTargets: best !== undefined,
    // a budget that powers no replica (planServing lists the chip as unpowered): the one replica it would need
    config: configOf(config, model, chip, entry.usdPerChipHour, chosen.chips === 0 ? config.tp * config.pp : chosen.chips, pue),
    replicas: chosen.replicas,
    chips: chosen.chips,
    metrics,
    disaggregation: null,
    limit,
    misses,
    infeasible: null,
    searched,
    meeting,
    powerBudget: budget === undefined ? null : budgetFigures(budget),
  };

  /** The fleet the budget powers, and the wall that binds it. */
  function budgetFigures(b: PlanPowerBudgetRequest): PlanPowerBudget {
    const replicaChips = config.tp * config.pp;
    const pueOf = b.pue ?? DEFAULT_PUE;
    const fleetW = provisionedFacilityW(chip, chosen!.chips, pueOf);
    const tokensPerS = metrics.tokensPerSPerChip * chosen!.chips;
    // power binds when the budget powers no replica, or not one replica of a layout that would serve more per chip
    const binding: PlanWall =
      chosen!.replicas === 0 || (best !== undefined && bestUnpowered !== undefined && lexLess(bestUnpowered.keys, perChipKeysOf(chosen!.index)))
        ? 'power'
        : limit === 'capacity'
          ? 'capacity'
          : limit === 'ttft-target'
            ? phaseWall(metrics.boundPrefill)
            : phaseWall(metrics.boundDecode);
    return {
      budgetW: b.facilityW,
      pue: pueOf,
      provisionedWPerChip: provisionedFacilityW(chip, 1, pueOf),
      replicaChips,
      provisionedWPerReplica: provisionedFacilityW(chip, replicaChips, pueOf),
      replicas: chosen!.replicas,
      chips: chosen!.chips,
      provisionedFacilityW: fleetW,
      tokensPerS,
      tokensPerSPerProvisionedMW: fleetW === 0 ? 0 : tokensPerS / (fleetW / 1e6),
      binding,
      estimatedPowerFigures: estimatedPowerFigures(chip),
    };
  }

  /** A meeting row's per-chip keys, as `bestUnpowered` ranks them. */
  function perChipKeysOf(index: number): number[] {
    const r = kernel.rows(index, 1);
    const o = (slot: number): number => r[slot] ?? Number.NaN;
    const modelChips = modelChipsOf(index);
    return objective === 'cost' ? [o(S.cost), -o(S.perChip), modelChips] : [-o(S.perChip), modelChips, o(S.cost)];
  }

  /** What the next larger batch of the winner's layout runs into. */
  function limitOf(): PlanLimit {
    const digit = batchDigit(chosen!.index);
    if (digit === PLAN_BATCHES.length - 1) return 'batch-range';
    const next = kernel.rows(chosen!.index + batchStride, 1);
    const n = (slot: number): number => next[slot] ?? Number.NaN;
    if (n(S.feasible) !== 1) return 'capacity';
    if (targets.ttftS !== undefined && n(S.ttft) > targets.ttftS) return 'ttft-target';
    if (targets.tpotS !== undefined && n(S.tpot) > targets.tpotS) return 'tpot-target';
    if (request.rateRps !== undefined || request.maxChips !== undefined) {
      const modelChips = config.tp * config.pp;
      const perReplica = (n(S.perChip) * modelChips) / outputTokens;
      const replicas = request.rateRps === undefined ? 1 : Math.max(1, Math.ceil(request.rateRps / perReplica - 1e-9));
      if (replicas * modelChips > maxChips) return 'max-chips';
    }
    return 'no-gain';
  }
}

function configOf(
  c: ReturnType<ReturnType<typeof planSweep>['config']>,
  model: ModelSpec,
  chip: ChipSpec,
  usdPerChipHour: number | undefined,
  chips: number,
  pue?: number,
): InferenceConfig {
  return {
    model,
    chip,
    chips,
    parallelism: { tp: c.tp, pp: c.pp, ep: c.ep },
    batch: c.batch,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    precision: { weights: c.weights, kvCache: c.kvCache, activations: c.activations, ...attentionWeightsOf(c) },
    moeImbalance: c.moeImbalance,
    attentionSharding: c.attentionSharding,
    schedule: c.schedule,
    chunkTokens: c.chunkTokens,
    ...(usdPerChipHour === undefined ? {} : { usdPerChipHour }),
    ...(pue === undefined ? {} : { pue }),
  };
}
