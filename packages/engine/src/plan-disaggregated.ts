// planServing's search of disaggregated prefill and decode (`ServingPlanRequest.disaggregation`):
// one chip's decode workers, fed by prefill workers on that chip or on another.
import { PRECISION_BYTES, type ChipSpec } from '@ridgeline/hardware';
import { DEFAULT_PUE, countParams, memoryCapacityFor, provisionedPoolsW, type InferenceConfig, type ModelSpec } from '@ridgeline/model';
import { AXES, DISAGGREGATION_BOUND_CODES, N_OUT, REASONS, type Axis } from './descriptors.ts';
import type { Engine, Kernel } from './engine.ts';
import {
  DEFAULT_PLAN_PRECISIONS,
  PLAN_BATCHES,
  S,
  allowedPrecisionDigits,
  attentionWeightsOf,
  estimatedPowerFigures,
  lexLess,
  phaseWall,
  planPrecisionAxes,
  powersOfTwoUpTo,
  precisionCombos,
  replicasWithin,
  rowFigures,
} from './plan-common.ts';
import { planSweep, type SweepConfig, type SweepPlan } from './plan.ts';
import type { PlanLimit, PlanObjective, PlanPowerBudget, PlanWall, ServingPlanChoice, ServingPlanRequest } from './plan-serving.ts';
import { resolveSweepSpec, validateSweepSpec, type SweepSpec } from './spec.ts';

/**
 * The most prefill and decode workers of one replica. Their ratio in lowest terms spans 8:1 (long
 * prompts, short answers) to 1:16 (short prompts, long answers): every worker split of InferenceX's
 * disaggregated DeepSeek-R1 runs (apps/validation/data) but 9:1, 10:1 and 11:1, 8 of 774 rows,
 * whose small prefill workers (2–4 chips against 8–32 decoding) split the chips in a ratio that
 * fewer, larger prefill workers give here.
 */
export const PLAN_MAX_PREFILL_WORKERS = 8;
export const PLAN_MAX_DECODE_WORKERS = 16;

/**
 * The prefill:decode worker counts of one replica that the planner tries: coprime pairs within
 * PLAN_MAX_PREFILL_WORKERS and PLAN_MAX_DECODE_WORKERS. Every figure but the rate scales with the
 * workers, so k·n_p:k·n_d is k replicas of n_p:n_d, whose KV transfers stay within smaller groups.
 *
 * @example
 * planWorkerRatios().slice(0, 3); // [[1, 1], [1, 2], [1, 3]]
 */
export function planWorkerRatios(): [number, number][] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const out: [number, number][] = [];
  for (let p = 1; p <= PLAN_MAX_PREFILL_WORKERS; p++) {
    for (let d = 1; d <= PLAN_MAX_DECODE_WORKERS; d++) if (gcd(p, d) === 1) out.push([p, d]);
  }
  return out;
}

/** One sweep of the search: a prefill chip, prefill workers and decode TP fixed, the rest as axes. */
interface Part {
  readonly plan: SweepPlan;
  readonly kernel: Kernel;
  /** null: the decode chip. */
  readonly prefillChip: ChipSpec | null;
  readonly stride: Readonly<Record<Axis, number>>;
}

interface Candidate {
  readonly part: Part;
  readonly index: number;
  /** Chips of one replica: n_p·W_p + n_d·W_d. */
  readonly unitChips: number;
  /** Under a power budget, the facility power one replica provisions, W (NaN without a budget). */
  readonly replicaW: number;
  readonly replicas: number;
  readonly chips: number;
  readonly keys: readonly number[];
  readonly worstRatio: number;
}

/**
 * The best disaggregated deployment on one decode chip (see `ServingPlanRequest.disaggregation`),
 * on the WebAssembly engine. A replica is n_p prefill workers feeding n_d decode workers, n_p:n_d
 * from `planWorkerRatios`. The decode worker: TP in powers of two within the chip's scale-up
 * domain, PP in powers of two dividing the layers, and for MoE models EP 1 or powers of two up to
 * TP dividing the experts, with attention by heads or data-parallel; `PLAN_BATCHES` requests in
 * flight. The prefill worker, on each prefill chip: TP in powers of two within its scale-up domain,
 * EP its TP when decode runs EP (else 1), attention by heads or (MoE) data-parallel. Every
 * precision combination; a replica's chips at most `maxChips`, and `rateRps` served by replicas
 * whose chips are at most `maxChips` too. Worker sizes whose share of the layers' weights overflows
 * a chip are left out: they cannot fit at any batch.
 *
 * Under `powerBudget`, each replica provisions Σ pool chips × (P_max + nodeOverheadW) × PUE, the
 * budget holds ⌊budget ÷ that⌋ replicas, and the objective is the fleet's: the most output tokens/s
 * of all replicas (`cost`: the lowest $/Mtok, then the most fleet tokens/s). A chip whose every
 * replica is above the budget answers with its smallest replica and `powerBudget.replicas` 0.
 */
export async function planDisaggregatedChip(
  request: ServingPlanRequest,
  objective: PlanObjective,
  entry: { readonly chip: ChipSpec; readonly usdPerChipHour?: number },
  engine: Engine,
  maxChips: number,
): Promise<ServingPlanChoice> {
  const { model, inputTokens, outputTokens, targets } = request;
  const chip = entry.chip;
  const combos = precisionCombos(request.precisions ?? DEFAULT_PLAN_PRECISIONS);
  const precisions = planPrecisionAxes(combos, request.attentionWeights);
  const allowed = allowedPrecisionDigits(combos, precisions);
  const precisionCount = allowed.length;
  const allowedCount = combos.length;
  const moe = model.moe;
  // Data-parallel attention serves MoE models beside expert parallelism (SGLang's
  // --enable-dp-attention); for a dense model it would only replicate the attention weights.
  const attentions: ('heads' | 'dp')[] = moe === undefined ? ['heads'] : ['heads', 'dp'];
  const fits = workerFits(model, Math.min(...combos.map((c) => PRECISION_BYTES[c.weights])));
  const tpOk = (tp: number): boolean => model.heads % tp === 0 || attentions.includes('dp');
  const decodeTps = powersOfTwoUpTo(Math.min(maxChips - 1, chip.scaleUp.domainSize.value)).filter(tpOk);
  const pps = powersOfTwoUpTo(maxChips - 1).filter((pp) => model.layers % pp === 0);
  const epsFor = (tp: number): number[] => (moe === undefined ? [1] : powersOfTwoUpTo(tp).filter((ep) => moe.experts % ep === 0));
  const prefillChips: (ChipSpec | null)[] = [];
  // null: the decode chip itself (a prefill chip of its id is that chip, at its price)
  for (const c of request.disaggregation?.prefillChips ?? [chip]) {
    const id = c.id === chip.id ? null : c.id;
    if (!prefillChips.some((p) => (p?.id ?? null) === id)) prefillChips.push(id === null ? null : c);
  }
  const ratios = planWorkerRatios();
  const budget = request.powerBudget;
  const pue = budget?.pue ?? DEFAULT_PUE;

  const base = validateSweepSpec({
    models: [model.id],
    hardware: [chip.id],
    dp: [1],
    batch: [...PLAN_BATCHES],
    inputTokens: [inputTokens],
    outputTokens: [outputTokens],
    precisions,
    reducers: { pareto: [], top: null },
  });
  const resolvers = {
    model: () => model,
    chip: (id: string): ChipSpec => (id === chip.id ? chip : (prefillChips.find((c) => c?.id === id) ?? chip)),
  };
  const priced = [entry.usdPerChipHour === undefined ? { chip } : { chip, usdPerChipHour: entry.usdPerChipHour }];

  const ratioOf = (ttft: number, tpot: number): number =>
    Math.max(targets.ttftS === undefined ? 0 : ttft / targets.ttftS, targets.tpotS === undefined ? 0 : tpot / targets.tpotS);
  let best: Candidate | undefined;
  let closest: Candidate | undefined;
  // under a budget: the best meeting replica by the per-chip objective that the budget cannot power
  // (power then binds), and the replica of the least power, reported when the budget powers none
  let bestUnpowered: { keys: number[] } | undefined;
  let smallest: { candidate: Candidate; key: number[] } | undefined;
  let searched = 0;
  let meeting = 0;
  // Rows in small chunks: each sweep opens an instance of its own, and a large output buffer in
  // each makes the next instantiation wait on the memory of the last (measured 12–25% slower at 65,536).
  const chunk = 16_384;
  for (const prefillChip of prefillChips) {
    const pChip = prefillChip ?? chip;
    const prefillTps = powersOfTwoUpTo(Math.min(maxChips - 1, pChip.scaleUp.domainSize.value)).filter((w) => tpOk(w) && fits(pChip, w, 1));
    for (let prefillWorkers = 1; prefillWorkers <= PLAN_MAX_PREFILL_WORKERS; prefillWorkers++) {
      for (const tp of decodeTps) {
        // One sweep per prefill chip, n_p and decode TP: the other axes' product then holds few
        // configurations over the chip budget, and the sweeps (an instance each) stay few.
        const smallestPrefill = prefillTps[0];
        if (smallestPrefill === undefined) break;
        const pp = pps.filter((p) => prefillWorkers * smallestPrefill + tp * p <= maxChips && fits(chip, tp, p));
        const smallestDecode = pp[0];
        if (smallestDecode === undefined) continue;
        const prefillTp = prefillTps.filter((w) => prefillWorkers * w + tp * smallestDecode <= maxChips);
        const decodeWorkers = ratios.filter(([p, d]) => p === prefillWorkers && prefillWorkers * smallestPrefill + d * tp * smallestDecode <= maxChips).map(([, d]) => d);
        if (decodeWorkers.length === 0) continue;
        const spec: SweepSpec = {
          ...base,
          tp: [tp],
          pp,
          ep: epsFor(tp),
          attentionSharding: attentions,
          prefillWorkers: [prefillWorkers],
          decodeWorkers,
          prefillHardware: [prefillChip?.id ?? 'same'],
          prefillTp,
          prefillAttention: attentions,
        };
        const plan = planSweep({ ...resolveSweepSpec(spec, resolvers), chips: priced });
        const kernel = await engine.open(plan.image(false));
        const stride = stridesOf(plan);
        const part: Part = { plan, kernel, prefillChip, stride };
        // One layout per block of batches (the last axis that varies): which to evaluate, its chips
        // and, under a budget, the power of one replica and how many the budget holds.
        const blockRows = stride.batch * PLAN_BATCHES.length;
        const blocks = plan.total / blockRows;
        const blockChips = new Float64Array(blocks);
        const blockW = new Float64Array(blocks);
        const blockReplicas = new Float64Array(blocks);
        const runs: [number, number][] = [];
        const digit = (index: number, axis: Axis, length: number): number => Math.floor(index / stride[axis]) % length;
        for (let b = 0; b < blocks; b++) {
          const index = b * blockRows;
          // a precision combination not asked for, or a replica over the chip budget, is not evaluated at all
          if (allowed[digit(index, 'activations', precisionCount)] !== 1) continue;
          const prefillChips = prefillWorkers * (prefillTp[digit(index, 'prefillTp', prefillTp.length)] ?? Number.NaN);
          const decodeChips = (decodeWorkers[digit(index, 'decodeWorkers', decodeWorkers.length)] ?? Number.NaN) * tp * (pp[digit(index, 'pp', pp.length)] ?? Number.NaN);
          const unitChips = prefillChips + decodeChips;
          if (!(unitChips <= maxChips)) continue;
          blockChips[b] = unitChips;
          if (budget !== undefined) {
            // the pools as the estimate's energy sums them, so its provisionedFacilityW is this number
            const replicaW = provisionedPoolsW(prefillChip === null ? [{ chip, chips: unitChips }] : [{ chip: prefillChip, chips: prefillChips }, { chip, chips: decodeChips }], pue);
            blockW[b] = replicaW;
            blockReplicas[b] = replicasWithin(budget.facilityW, (n) => n * replicaW);
          }
          const last = runs[runs.length - 1];
          if (last !== undefined && last[0] + last[1] === index) last[1] += blockRows;
          else runs.push([index, blockRows]);
        }
        // the configurations within the chip budget, in the precision combinations asked for
        const perUnit = (plan.total / (prefillTp.length * pp.length * decodeWorkers.length)) * (allowedCount / precisionCount);
        for (const w of prefillTp) for (const p of pp) for (const d of decodeWorkers) if (prefillWorkers * w + d * tp * p <= maxChips) searched += perUnit;
        for (const [runStart, runRows] of runs) {
          for (let start = runStart; start < runStart + runRows; start += chunk) {
            const count = Math.min(chunk, runStart + runRows - start);
            const out = kernel.rows(start, count);
            for (let k = 0; k < count; k++) {
              const o = k * N_OUT;
              if (out[o + S.feasible] !== 1) continue;
              const index = start + k;
              const b = Math.floor(index / blockRows);
              const unitChips = blockChips[b] ?? Number.NaN;
              const perChip = out[o + S.perChip] ?? Number.NaN;
              const worstRatio = ratioOf(out[o + S.ttft] ?? Number.NaN, out[o + S.tpot] ?? Number.NaN);
              const cost = out[o + S.cost] ?? Number.NaN;
              const replicaW = blockW[b] ?? Number.NaN;
              let replicas: number;
              // the objective's key, then the tie-breaks, as scalars: most rows lose, and allocate nothing
              let k0: number;
              let k1: number;
              let k2: number;
              if (budget !== undefined) {
                replicas = blockReplicas[b] ?? 0;
                if (replicas === 0) {
                  const meets = worstRatio <= 1;
                  const perChipKeys = objective === 'cost' ? [cost, -perChip, unitChips] : [-perChip, unitChips, cost];
                  if (meets && (bestUnpowered === undefined || lexLess(perChipKeys, bestUnpowered.keys))) bestUnpowered = { keys: perChipKeys };
                  const key = [replicaW, meets ? 0 : 1, -perChip];
                  if (smallest === undefined || lexLess(key, smallest.key)) smallest = { candidate: { part, index, unitChips, replicaW, replicas: 0, chips: 0, keys: key, worstRatio }, key };
                  continue;
                }
                // the fleet's output tokens/s: every replica's
                const fleetTokens = perChip * unitChips * replicas;
                k0 = objective === 'cost' ? cost : -fleetTokens;
                k1 = objective === 'cost' ? -fleetTokens : -perChip;
                k2 = objective === 'cost' ? replicas * unitChips : cost;
              } else {
                const requestsPerS = (perChip * unitChips) / outputTokens;
                replicas = request.rateRps === undefined ? 1 : Math.max(1, Math.ceil(request.rateRps / requestsPerS - 1e-9));
                if (replicas * unitChips > maxChips) continue;
                k0 = objective === 'cost' ? cost : objective === 'chips' ? replicas * unitChips : -perChip;
                k1 = objective === 'throughput' ? replicas * unitChips : -perChip;
                k2 = objective === 'cost' ? replicas * unitChips : cost;
              }
              const chips = replicas * unitChips;
              if (worstRatio <= 1) {
                meeting++;
                if (best === undefined || before(k0, k1, k2, best.keys)) best = { part, index, unitChips, replicaW, replicas, chips, keys: [k0, k1, k2], worstRatio };
              } else if (best === undefined && (closest === undefined || worstRatio < closest.worstRatio || (worstRatio === closest.worstRatio && before(k0, k1, k2, closest.keys)))) {
                closest = { part, index, unitChips, replicaW, replicas, chips, keys: [k0, k1, k2], worstRatio };
              }
            }
          }
        }
      }
    }
  }

  const chosen = best ?? closest ?? smallest?.candidate;
  if (chosen === undefined) return await unfitting(request, entry, engine, prefillChips, { searched, meeting });
  const { part } = chosen;
  const row = part.kernel.rows(chosen.index, 1).slice();
  const o = (slot: number): number => row[slot] ?? Number.NaN;
  const sweepConfig = part.plan.config(chosen.index);
  const { metrics, misses } = rowFigures(row, targets, chosen.unitChips, outputTokens);
  const decodeWorkerChips = sweepConfig.tp * sweepConfig.pp;
  const bound = DISAGGREGATION_BOUND_CODES[o(S.disaggregationBound)] ?? 'decode';
  const limit = best === undefined ? null : limitOf(chosen);
  return {
    chip: chip.id,
    meetsTargets: best !== undefined,
    config: disaggregatedConfigOf(sweepConfig, model, chip, part.prefillChip, entry.usdPerChipHour),
    replicas: chosen.replicas,
    chips: chosen.chips,
    metrics,
    disaggregation: {
      prefillChip: (part.prefillChip ?? chip).id,
      prefillWorkers: sweepConfig.prefillWorkers,
      decodeWorkers: sweepConfig.decodeWorkers,
      prefillWorkerChips: sweepConfig.prefillTp === 'auto' ? sweepConfig.tp : sweepConfig.prefillTp,
      decodeWorkerChips,
      bound,
      prefillIdleShare: o(S.prefillIdle),
      decodeIdleShare: o(S.decodeIdle),
    },
    limit,
    misses,
    infeasible: null,
    searched,
    meeting,
    powerBudget: budget === undefined ? null : budgetFigures(budget.facilityW, chosen),
  };

  /** The fleet of `c`'s replicas the budget powers, and the wall that binds it. */
  function budgetFigures(budgetW: number, c: Candidate): PlanPowerBudget {
    const fleetW = c.replicas * c.replicaW;
    const tokensPerS = metrics.tokensPerSPerChip * c.chips;
    const perChipKeys =
      objective === 'cost' ? [metrics.costPerMillionTokensUsd, -metrics.tokensPerSPerChip, c.unitChips] : [-metrics.tokensPerSPerChip, c.unitChips, metrics.costPerMillionTokensUsd];
    // power binds when the budget powers no replica, or not one of a replica that would serve more per chip
    const binding: PlanWall =
      c.replicas === 0 || (best !== undefined && bestUnpowered !== undefined && lexLess(bestUnpowered.keys, perChipKeys))
        ? 'power'
        : limit === 'capacity'
          ? 'capacity'
          : limit === 'ttft-target'
            ? phaseWall(metrics.boundPrefill)
            : bound === 'kv-transfer'
              ? 'network'
              : phaseWall(metrics.boundDecode);
    const prefill = c.part.prefillChip;
    return {
      budgetW,
      pue,
      provisionedWPerChip: c.replicaW / c.unitChips,
      replicaChips: c.unitChips,
      provisionedWPerReplica: c.replicaW,
      replicas: c.replicas,
      chips: c.chips,
      provisionedFacilityW: fleetW,
      tokensPerS,
      tokensPerSPerProvisionedMW: fleetW === 0 ? 0 : tokensPerS / (fleetW / 1e6),
      binding,
      // with two chips, each figure named with its chip
      estimatedPowerFigures:
        prefill === null ? estimatedPowerFigures(chip) : [...estimatedPowerFigures(prefill).map((f) => `${prefill.id} ${f}`), ...estimatedPowerFigures(chip).map((f) => `${chip.id} ${f}`)],
    };
  }

  /** What the next larger batch of the winner's layout and workers runs into. */
  function limitOf(c: Candidate): PlanLimit {
    const batchDigit = Math.floor(c.index / c.part.stride.batch) % PLAN_BATCHES.length;
    if (batchDigit === PLAN_BATCHES.length - 1) return 'batch-range';
    const next = c.part.kernel.rows(c.index + c.part.stride.batch, 1);
    const n = (slot: number): number => next[slot] ?? Number.NaN;
    if (n(S.feasible) !== 1) return 'capacity';
    if (targets.ttftS !== undefined && n(S.ttft) > targets.ttftS) return 'ttft-target';
    if (targets.tpotS !== undefined && n(S.tpot) > targets.tpotS) return 'tpot-target';
    if (request.rateRps !== undefined) {
      const perReplica = (n(S.perChip) * c.unitChips) / outputTokens;
      if (Math.max(1, Math.ceil(request.rateRps / perReplica - 1e-9)) * c.unitChips > maxChips) return 'max-chips';
    }
    return 'no-gain';
  }
}

/** Whether the key (k0, k1, k2) sorts before `keys` (smaller first, element by element). */
function before(k0: number, k1: number, k2: number, keys: readonly number[]): boolean {
  const [b0 = 0, b1 = 0, b2 = 0] = keys;
  return k0 !== b0 ? k0 < b0 : k1 !== b1 ? k1 < b1 : k2 < b2;
}

/**
 * Whether a worker of TP·PP chips can hold its layers' weights at `bytes` per weight, as a bound
 * that never drops a layout that fits: its fullest chip holds the slowest stage's ⌈L/PP⌉ layers
 * (as many of them MoE layers as the model has, `slowestStageLayers`), and of each layer at least
 * 1/TP, experts included.
 */
function workerFits(model: ModelSpec, bytes: number): (chip: ChipSpec, tp: number, pp: number) => boolean {
  const p = countParams(model);
  const dense = p.attentionPerLayer + p.denseFfnPerLayer;
  const sparse = p.attentionPerLayer + p.routedExpertsPerLayer + p.sharedExpertsPerLayer + p.routerPerLayer;
  return (chip, tp, pp) => {
    const layers = Math.ceil(model.layers / pp);
    const moeLayers = Math.min(layers, p.moeLayers);
    const stageBytes = ((layers - moeLayers) * dense + moeLayers * sparse) * bytes;
    // with no activations and no KV cache: M · usableFraction, or all a free-memory KV cache budget leaves (M − R)
    const weights = stageBytes / tp;
    return weights <= memoryCapacityFor(chip, weights, 0);
  };
}

/** How far one step of each axis moves the configuration index (the last axis fastest). */
function stridesOf(plan: SweepPlan): Record<Axis, number> {
  const axes = plan.axes as Readonly<Record<Axis, readonly number[]>>;
  const stride = {} as Record<Axis, number>;
  let n = 1;
  for (let a = AXES.length - 1; a >= 0; a--) {
    const axis = AXES[a] as Axis;
    stride[axis] = n;
    n *= axes[axis].length;
  }
  return stride;
}

/** A sweep configuration as the `InferenceConfig` of one replica: one decode worker, and the workers of both pools. */
function disaggregatedConfigOf(c: SweepConfig, model: ModelSpec, chip: ChipSpec, prefillChip: ChipSpec | null, usdPerChipHour: number | undefined): InferenceConfig {
  return {
    model,
    chip,
    chips: c.tp * c.pp,
    parallelism: { tp: c.tp, pp: c.pp, ep: c.ep },
    batch: c.batch,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    precision: { weights: c.weights, kvCache: c.kvCache, activations: c.activations, ...attentionWeightsOf(c) },
    moeImbalance: c.moeImbalance,
    attentionSharding: c.attentionSharding,
    schedule: 'continuous',
    chunkTokens: c.chunkTokens,
    ...(usdPerChipHour === undefined ? {} : { usdPerChipHour }),
    disaggregation: {
      prefillWorkers: c.prefillWorkers,
      decodeWorkers: c.decodeWorkers,
      prefillTp: c.prefillTp === 'auto' ? c.tp : c.prefillTp,
      prefillAttention: c.prefillAttention,
      ...(prefillChip === null ? {} : { prefillChip }),
    },
  };
}

/**
 * The answer when no replica fits within the budget: the smallest pair of one prefill and one
 * decode worker that fits at batch 1 whatever the budget (its chips are `minChipsToFit`), else why
 * none does.
 */
async function unfitting(
  request: ServingPlanRequest,
  entry: { readonly chip: ChipSpec; readonly usdPerChipHour?: number },
  engine: Engine,
  prefillChips: readonly (ChipSpec | null)[],
  counts: { readonly searched: number; readonly meeting: number },
): Promise<ServingPlanChoice> {
  const { model, inputTokens, outputTokens } = request;
  const chip = entry.chip;
  const combos = precisionCombos(request.precisions ?? DEFAULT_PLAN_PRECISIONS);
  const precisions = planPrecisionAxes(combos, request.attentionWeights);
  const allowed = allowedPrecisionDigits(combos, precisions);
  const attentions: ('heads' | 'dp')[] = model.moe === undefined ? ['heads'] : ['heads', 'dp'];
  const experts = model.moe?.experts;
  let found: { config: InferenceConfig; chips: number } | undefined;
  let why: { config: InferenceConfig; reason: number } | undefined;
  for (const prefillChip of prefillChips) {
    const spec = validateSweepSpec({
      models: [model.id],
      hardware: [chip.id],
      dp: [1],
      tp: powersOfTwoUpTo(chip.scaleUp.domainSize.value),
      pp: powersOfTwoUpTo(model.layers).filter((pp) => model.layers % pp === 0),
      ep: experts === undefined ? [1] : powersOfTwoUpTo(chip.scaleUp.domainSize.value).filter((ep) => experts % ep === 0),
      attentionSharding: attentions,
      batch: [1],
      inputTokens: [inputTokens],
      outputTokens: [outputTokens],
      precisions,
      prefillWorkers: [1],
      decodeWorkers: [1],
      prefillHardware: [prefillChip?.id ?? 'same'],
      prefillTp: powersOfTwoUpTo((prefillChip ?? chip).scaleUp.domainSize.value),
      prefillAttention: attentions,
      reducers: { pareto: [], top: null },
    });
    const priced = [entry.usdPerChipHour === undefined ? { chip } : { chip, usdPerChipHour: entry.usdPerChipHour }];
    const plan = planSweep({ ...resolveSweepSpec(spec, { model: () => model, chip: (id) => (id === chip.id ? chip : (prefillChip ?? chip)) }), chips: priced });
    const kernel = await engine.open(plan.image(false));
    const stride = stridesOf(plan);
    const axes = plan.axes as Readonly<Record<Axis, readonly number[]>>;
    const at = (axis: Axis, index: number): number => axes[axis][Math.floor(index / stride[axis]) % axes[axis].length] ?? Number.NaN;
    const out = kernel.rows(0, plan.total);
    let fewest: { index: number; chips: number } | undefined;
    let reason: { index: number; code: number } | undefined;
    for (let index = 0; index < plan.total; index++) {
      if (allowed[Math.floor(index / stride.activations) % allowed.length] !== 1) continue;
      if (out[index * N_OUT + S.feasible] === 1) {
        const chips = at('tp', index) * at('pp', index) + at('prefillTp', index);
        if (fewest === undefined || chips < fewest.chips) fewest = { index, chips };
      } else {
        const code = out[index * N_OUT + S.reason] ?? -1;
        if (reason === undefined || (REASONS[code] === 'capacity' && REASONS[reason.code] !== 'capacity')) reason = { index, code };
      }
    }
    const configAt = (index: number): InferenceConfig => disaggregatedConfigOf(plan.config(index), model, chip, prefillChip, entry.usdPerChipHour);
    if (fewest !== undefined && (found === undefined || fewest.chips < found.chips)) found = { config: configAt(fewest.index), chips: fewest.chips };
    if (reason !== undefined && (why === undefined || (REASONS[reason.code] === 'capacity' && REASONS[why.reason] !== 'capacity'))) why = { config: configAt(reason.index), reason: reason.code };
  }
  // every configuration either fits or breaks a rule, so one of the two is set
  const config = (found ?? why)?.config;
  if (config === undefined) throw new Error('unreachable: the search of the smallest pair of workers evaluated nothing');
  return {
    chip: chip.id,
    meetsTargets: false,
    config,
    replicas: 1,
    chips: found?.chips ?? config.chips + (config.disaggregation?.prefillTp ?? 0),
    metrics: null,
    disaggregation: null,
    limit: null,
    misses: [],
    infeasible: {
      reason: found !== undefined ? 'capacity' : (REASONS[why?.reason ?? -1] ?? 'capacity'),
      minChipsToFit: found?.chips ?? null,
    },
    searched: counts.searched,
    meeting: counts.meeting,
    powerBudget: null,
  };
}
