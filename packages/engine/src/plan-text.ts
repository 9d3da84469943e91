import { formatDuration, formatInteger, formatNumber, formatPower } from '@ridgeline/format';
import type { Precision } from '@ridgeline/hardware';
import { DEFAULT_PLAN_PRECISIONS, defaultMaxChips, type PlanLimit, type PlanPools, type PlanPowerBudget, type PlanUnpowered, type PlanWall, type ServingPlanChoice } from './plan-serving.ts';

/** What the next larger batch of a meeting configuration runs into, as `planChoiceText` says it. */
const LIMITS: Readonly<Record<PlanLimit, string>> = {
  'ttft-target': 'a larger batch would break the TTFT target',
  'tpot-target': 'a larger batch would break the TPOT target',
  capacity: 'a larger batch would not fit in memory',
  'max-chips': 'a larger batch would need more chips than --max-chips for --rate',
  'no-gain': 'a larger batch would not improve the objective',
  'batch-range': `the search's largest batch`,
};

/** The search a `ServingPlanChoice` came from, as far as `planChoiceText` needs it. */
export interface PlanChoiceTextOptions {
  /** The chip budget searched (default `defaultMaxChips` of the choice's chip). */
  readonly maxChips?: number;
  /** The precisions tried (default `DEFAULT_PLAN_PRECISIONS`). */
  readonly precisions?: readonly Precision[];
  /** The search ran under a power budget: a replica was bounded by the layouts, not by `maxChips`. */
  readonly powerBudget?: boolean;
}

/**
 * Why `planServing` chose a chip's configuration, in one line, as `ridgeline plan` and the web
 * app's latency-target panel print it: for a configuration that meets the targets, its decode bound
 * and the wall a larger batch hits; for the closest miss, each missed target with its ratio and
 * bound; when nothing fits, the chips the model needs or the precisions the chip computes in, with
 * the `ridgeline plan` flags that change that. A disaggregated answer starts with its prefill:decode
 * ratio and the pool (or the KV transfer) that sets its request rate.
 *
 * @example
 * planChoiceText(choice); // 'decode memory-bound; a larger batch would break the TPOT target'
 * planChoiceText(missed); // 'misses TPOT by 17.1× at best (17.1 ms; decode is memory-bound)'
 * planChoiceText(tooBig, { maxChips: 2 });
 * // 'does not fit in 2 chips (weights, KV cache and workspace); it needs at least 6 chips. Raise --max-chips or try narrower --precisions'
 * planChoiceText(disaggregated);
 * // 'prefill:decode 1:5, the decode workers set the request rate (the prefill workers idle 90%); decode memory-bound; …'
 */
export function planChoiceText(choice: ServingPlanChoice, options: PlanChoiceTextOptions = {}): string {
  if (choice.infeasible !== null) {
    const { reason, minChipsToFit } = choice.infeasible;
    if (reason === 'capacity') {
      const maxChips = options.maxChips ?? defaultMaxChips(choice.config.chip);
      const pair = choice.config.disaggregation === undefined ? '' : ' for a prefill and a decode worker';
      const needs = minChipsToFit === null ? '' : `; it needs at least ${minChipsToFit} chips${pair}`;
      if (options.powerBudget === true && options.maxChips === undefined) {
        return `does not fit in any replica searched (TP within one scale-up domain and dividing the heads, PP up to the layers; weights, KV cache and workspace)${needs}. Try narrower --precisions`;
      }
      return `does not fit in ${maxChips} chips (weights, KV cache and workspace)${needs}. Raise --max-chips or try narrower --precisions`;
    }
    if (reason === 'precision_unsupported') {
      const supported = Object.keys(choice.config.chip.compute.peakDenseFlopsPerS).join(', ');
      const precisions = options.precisions ?? DEFAULT_PLAN_PRECISIONS;
      return `computes in ${supported}, none of --precisions ${precisions.join(', ')}: add one (e.g. --precisions ${supported.replace(/, /g, ',')})`;
    }
    return `no configuration is feasible (${reason})`;
  }
  const m = choice.metrics;
  if (m === null) return '';
  const pools = choice.disaggregation === null ? '' : `${poolsText(choice.disaggregation)}; `;
  if (!choice.meetsTargets) {
    return pools + choice.misses
      .map((miss) =>
        miss.target === 'ttft'
          ? `misses TTFT by ${formatNumber(miss.ratio)}× at best (${formatDuration(m.ttftS)}; the prompt iterations are ${miss.bound ?? 'compute'}-bound)`
          : `misses TPOT by ${formatNumber(miss.ratio)}× at best (${formatDuration(m.tpotS)}; decode is ${miss.bound ?? 'memory'}-bound)`,
      )
      .join('; ');
  }
  return `${pools}decode ${m.boundDecode ?? '—'}-bound${choice.limit === null ? '' : `; ${LIMITS[choice.limit]}`}`;
}

/** A disaggregated replica's ratio, what sets its request rate, and how much the other pool spares. */
function poolsText(p: PlanPools): string {
  const share = (x: number): string => (x > 0 && x < 0.005 ? 'under 1%' : `${Math.round(x * 100)}%`);
  const sets =
    p.bound === 'prefill'
      ? `the prefill workers set the request rate (the decode workers have ${share(p.decodeIdleShare)} to spare)`
      : p.bound === 'decode'
        ? `the decode workers set the request rate (the prefill workers idle ${share(p.prefillIdleShare)})`
        : 'the KV transfer between them sets the request rate';
  return `prefill:decode ${p.prefillWorkers}:${p.decodeWorkers}, ${sets}`;
}

/** Watts as MW, three significant figures. */
const megawatts = (w: number): string => `${formatNumber(w / 1e6)} MW`;

/** A facility's power: MW from a megawatt up, else W or kW. */
export const facilityPower = (w: number): string => (w >= 1e6 ? megawatts(w) : formatPower(w));

/** What each wall of a power-budget answer means, as `planBudgetText` says it. */
const WALLS: Readonly<Record<PlanWall, string>> = {
  power: 'power (the budget, not the chip, sets the layout)',
  capacity: 'capacity (memory stops a larger batch)',
  bandwidth: 'bandwidth (memory traffic bounds the phase that stops a larger batch)',
  compute: 'compute (FLOP/s bound the phase that stops a larger batch)',
  network: 'network (collectives bound the phase that stops a larger batch)',
};

/**
 * A power-budget answer's fleet in one line, as `ridgeline plan --power-budget` prints it: the
 * replicas the budget powers, their chips and provisioned power, the fleet's output tokens/s and
 * the wall that binds; and which of the power figures behind it are estimates.
 *
 * @example
 * planBudgetText(choice.powerBudget);
 * // '20 MW powers 1,633 replicas of 8 chips (13,064 chips at 1.53 kW each: 19.99 MW provisioned), 3.77 M output tokens/s (189 k per provisioned MW); the wall: bandwidth (…)'
 */
export function planBudgetText(b: PlanPowerBudget): string {
  const estimates = b.estimatedPowerFigures.length === 0 ? '' : `; estimated power figures: ${b.estimatedPowerFigures.join(', ')}`;
  return (
    `${megawatts(b.budgetW)} powers ${formatInteger(b.replicas)} replica${b.replicas === 1 ? '' : 's'} of ${formatInteger(b.replicaChips)} chip${b.replicaChips === 1 ? '' : 's'} ` +
    `(${formatInteger(b.chips)} chip${b.chips === 1 ? '' : 's'} at ${formatPower(b.provisionedWPerChip)} each: ${formatNumber(b.provisionedFacilityW / 1e6, 4)} MW provisioned, PUE ${b.pue}), ` +
    `${formatNumber(b.tokensPerS)} output tokens/s (${formatNumber(b.tokensPerSPerProvisionedMW)} per provisioned MW); the wall: ${WALLS[b.binding]}${estimates}`
  );
}

/**
 * A chip a power budget cannot power one replica of (`ServingPlan.unpowered`), in one line, as
 * `ridgeline plan --power-budget` prints it: its smallest replica and that replica's provisioned power.
 *
 * @example
 * planUnpoweredText(1000, { chip: 'h100-sxm', prefillChip: null, replicaChips: 1, provisionedWPerReplica: 1530 });
 * // 'h100-sxm: no answer: its smallest replica (1 chip) provisions 1.53 kW, above the 1.00 kW budget'
 */
export function planUnpoweredText(budgetW: number, u: PlanUnpowered): string {
  return `${u.chip}: no answer: its smallest replica (${formatInteger(u.replicaChips)} chip${u.replicaChips === 1 ? '' : 's'}${u.prefillChip === null ? '' : `, prefill on ${u.prefillChip}`}) provisions ${facilityPower(u.provisionedWPerReplica)}, above the ${facilityPower(budgetW)} budget`;
}
