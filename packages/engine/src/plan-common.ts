// What the two searches behind `planServing` share: the batch ladder, the precision combinations,
// the output slots they read and the lexicographic order of their keys.
import { PRECISION_BYTES, figureStatus, type ChipSpec, type Precision } from '@ridgeline/hardware';
import type { Bound } from '@ridgeline/model';
import { BOUNDS, outputSlot, type Output } from './descriptors.ts';
import type { PlanMiss, PlanWall, ServingPlanChoice, ServingPlanRequest } from './plan-serving.ts';

/** Requests in flight per replica that the planner tries (a ~1.5× ladder from 1 to 4096). */
export const PLAN_BATCHES: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

/** Precisions tried by default: what production serving stacks run today without accuracy caveats. */
export const DEFAULT_PLAN_PRECISIONS: readonly Precision[] = ['bf16', 'fp8'];

/** 1, 2, 4, … up to `n`. */
export function powersOfTwoUpTo(n: number): number[] {
  const out: number[] = [];
  for (let x = 1; x <= n; x *= 2) out.push(x);
  return out;
}

type PlanSlot =
  | 'feasible'
  | 'reason'
  | 'ttft'
  | 'tpot'
  | 'perChip'
  | 'perUser'
  | 'totalPerChip'
  | 'cost'
  | 'boundPrefill'
  | 'boundDecode'
  | 'minChips'
  | 'prefillIdle'
  | 'decodeIdle'
  | 'disaggregationBound';

const SLOT = (name: Output): number => outputSlot(name);
/** The output slots the planner reads. */
export const S: Readonly<Record<PlanSlot, number>> = {
  feasible: SLOT('feasible'),
  reason: SLOT('reason'),
  ttft: SLOT('ttftS'),
  tpot: SLOT('tpotS'),
  perChip: SLOT('tokensPerSPerChip'),
  perUser: SLOT('tokensPerSPerUser'),
  totalPerChip: SLOT('totalTokensPerSPerChip'),
  cost: SLOT('costPerMillionTokensUsd'),
  boundPrefill: SLOT('boundPrefill'),
  boundDecode: SLOT('boundDecode'),
  minChips: SLOT('minChipsToFit'),
  prefillIdle: SLOT('prefillIdleShare'),
  decodeIdle: SLOT('decodeIdleShare'),
  disaggregationBound: SLOT('disaggregationBound'),
};

/** One (weights, KV cache, activations) combination. */
export interface PrecisionCombo {
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly activations: Precision;
}

/**
 * (weights, KV cache, activations) combinations worth trying: activations no narrower than the
 * weights (W16A8 computes in 16 bits anyway, see `computePrecision`), KV cache in 8 bits or more
 * (4-bit KV caches are not mainstream).
 */
export function precisionCombos(precisions: readonly Precision[]): PrecisionCombo[] {
  const combos: PrecisionCombo[] = [];
  for (const weights of precisions) {
    for (const activations of precisions) {
      if (PRECISION_BYTES[activations] < PRECISION_BYTES[weights]) continue;
      for (const kvCache of precisions) {
        if (PRECISION_BYTES[kvCache] < 1) continue;
        combos.push({ weights, kvCache, activations });
      }
    }
  }
  return combos;
}

/** The distinct precisions of each kind in `combos`: a sweep's precision axes, whose product holds every combination. */
export function precisionAxes(combos: readonly PrecisionCombo[]): { weights: Precision[]; kvCache: Precision[]; activations: Precision[] } {
  return {
    weights: [...new Set(combos.map((c) => c.weights))],
    kvCache: [...new Set(combos.map((c) => c.kvCache))],
    activations: [...new Set(combos.map((c) => c.activations))],
  };
}

/**
 * A plan's precision axes: `precisionAxes` of its combinations, with the request's attention
 * weights as a one-value axis where it gives them (every configuration tried holds attention's
 * projections at that precision; absent, each configuration's weights).
 */
export function planPrecisionAxes(
  combos: readonly PrecisionCombo[],
  attentionWeights: Precision | undefined,
): ReturnType<typeof precisionAxes> & { attentionWeights?: Precision[] } {
  const axes = precisionAxes(combos);
  return attentionWeights === undefined ? axes : { ...axes, attentionWeights: [attentionWeights] };
}

/** `precision.attentionWeights` of a planned configuration: absent where it equals the weights (the same figures). */
export function attentionWeightsOf(c: { readonly weights: Precision; readonly attentionWeights: Precision }): { attentionWeights?: Precision } {
  return c.attentionWeights === c.weights ? {} : { attentionWeights: c.attentionWeights };
}

/**
 * Which digits of the (weights, KV cache, activations) axes, read as one number (weights
 * outermost, as in AXES), are a combination of `combos`: the sweep's product also holds the others.
 */
export function allowedPrecisionDigits(combos: readonly PrecisionCombo[], axes: ReturnType<typeof precisionAxes>): Uint8Array {
  const nk = axes.kvCache.length;
  const na = axes.activations.length;
  const allowed = new Uint8Array(axes.weights.length * nk * na);
  for (const c of combos) allowed[(axes.weights.indexOf(c.weights) * nk + axes.kvCache.indexOf(c.kvCache)) * na + axes.activations.indexOf(c.activations)] = 1;
  return allowed;
}

/** Whether key `a` sorts before key `b`, element by element (smaller first). */
export function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/**
 * A chosen row's figures as `ServingPlanChoice.metrics`, and the targets it misses, worst first,
 * with the bound of the phase behind each. `replicaChips` are the chips one replica's requests/s
 * spread over (TP·PP; with disaggregation, both pools' chips).
 */
export function rowFigures(
  row: Float64Array,
  targets: ServingPlanRequest['targets'],
  replicaChips: number,
  outputTokens: number,
): { metrics: NonNullable<ServingPlanChoice['metrics']>; misses: PlanMiss[] } {
  const o = (slot: number): number => row[slot] ?? Number.NaN;
  const bound = (slot: number): Bound | null => BOUNDS[o(slot)] ?? null;
  const misses: PlanMiss[] = [];
  if (targets.ttftS !== undefined && o(S.ttft) > targets.ttftS) misses.push({ target: 'ttft', ratio: o(S.ttft) / targets.ttftS, bound: bound(S.boundPrefill) });
  if (targets.tpotS !== undefined && o(S.tpot) > targets.tpotS) misses.push({ target: 'tpot', ratio: o(S.tpot) / targets.tpotS, bound: bound(S.boundDecode) });
  misses.sort((a, b) => b.ratio - a.ratio);
  return {
    metrics: {
      ttftS: o(S.ttft),
      tpotS: o(S.tpot),
      tokensPerSPerChip: o(S.perChip),
      tokensPerSPerUser: o(S.perUser),
      totalTokensPerSPerChip: o(S.totalPerChip),
      costPerMillionTokensUsd: o(S.cost),
      requestsPerSPerReplica: (o(S.perChip) * replicaChips) / outputTokens,
      boundPrefill: bound(S.boundPrefill),
      boundDecode: bound(S.boundDecode),
    },
    misses,
  };
}

/** Which of a chip's power figures behind its provisioned power are estimates (`figureStatus`: their source says so). */
export function estimatedPowerFigures(chip: ChipSpec): string[] {
  const figures = { 'power.maxW': chip.power.maxW, 'power.nodeOverheadW': chip.power.nodeOverheadW };
  return Object.entries(figures)
    .filter(([, f]) => f === undefined || figureStatus(f) === 'estimated')
    .map(([path, f]) => (f === undefined ? `${path} (absent: 0 W)` : path));
}

/** The power-budget wall of a phase's bound: memory traffic is `bandwidth`, collectives `network`, else `compute`. */
export function phaseWall(bound: Bound | null): PlanWall {
  return bound === 'memory' ? 'bandwidth' : bound === 'network' ? 'network' : 'compute';
}

/**
 * The most replicas whose fleet fits the budget: ⌊budgetW ÷ fleetW(1)⌋, then checked by `fleetW(n)`
 * itself — the fleet's provisioned power as the answer states it — so a rounding never puts the
 * fleet over the budget.
 */
export function replicasWithin(budgetW: number, fleetW: (replicas: number) => number): number {
  let n = Math.floor(budgetW / fleetW(1));
  while (n > 0 && fleetW(n) > budgetW) n--;
  while (fleetW(n + 1) <= budgetW) n++;
  return n;
}
