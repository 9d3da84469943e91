import { planChoiceText, type ServingPlan, type ServingPlanChoice } from '@ridgeline/engine';
import type { ChipSpec, Precision } from '@ridgeline/hardware';
import type { InferenceConfig, ModelSpec } from '@ridgeline/model';
import { DURATION_ALLOWED } from './duration.ts';
import { priceFor } from './energy.ts';
import { resolveChip } from './estimate.ts';
import type { AppState } from './state.ts';
import type { PlanRequest } from './sweep/types.ts';
import { MAX_PLAN_RATE_RPS } from './url-state.ts';

/**
 * The latency-target panel's bridge to `planServing` (`@ridgeline/engine`, the search behind
 * `ridgeline plan`): the request the page's state describes, and the rows the panel shows. No
 * search here; the worker runs it on the WASM engine.
 */

/** A chip the plan covers: the chip, and the id that selects it on the page (`custom` for the form's chip). */
export interface PlanChip {
  readonly pageId: string;
  readonly chip: ChipSpec;
}

/** The panel's boxes that can be wrong. */
export type PlanField = 'ttftS' | 'tpotS' | 'rateRps';

/** The plan the settings describe, or what is wrong with them (`field`: the box to mark). */
export type PlanPlanned =
  | { readonly request: PlanRequest; readonly chips: readonly PlanChip[] }
  | { readonly error: string; readonly field: PlanField | null };

/**
 * The current chip and the compared ones, in that order, each once (by chip id, as `ridgeline plan`
 * counts `--hardware`); a chip the page cannot resolve (an invalid custom chip) is left out.
 *
 * @example
 * planChips(DEFAULT_STATE).map((c) => c.chip.id); // ['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu']
 */
export function planChips(state: AppState): PlanChip[] {
  const chips: PlanChip[] = [];
  for (const pageId of [state.hardware, ...state.compare]) {
    const resolved = resolveChip(pageId, state.customChip);
    if (resolved.ok && !chips.some((c) => c.chip.id === resolved.chip.id)) chips.push({ pageId, chip: resolved.chip });
  }
  return chips;
}

/** What is wrong with a target box, or null. */
function targetProblem(name: 'TTFT' | 'TPOT', seconds: number | null): string | null {
  return seconds !== null && Number.isNaN(seconds) ? `The ${name} target must be ${DURATION_ALLOWED}; leave it empty for none.` : null;
}

/**
 * What stops the page's settings from making a plan, or null: no target at all, a malformed
 * duration or rate, the chips objective without a rate, a malformed workload, no valid chip.
 * `ridgeline plan` refuses the same settings.
 *
 * @example
 * planProblem({ ...DEFAULT_STATE, plan: { ...DEFAULT_PLAN, ttftS: null, tpotS: null } }, chips);
 * // { error: 'Set a TTFT or a TPOT target, or both, to plan for.', field: null }
 */
export function planProblem(state: AppState, chips: readonly PlanChip[]): { readonly error: string; readonly field: PlanField | null } | null {
  const p = state.plan;
  const ttft = targetProblem('TTFT', p.ttftS);
  if (ttft !== null) return { error: ttft, field: 'ttftS' };
  const tpot = targetProblem('TPOT', p.tpotS);
  if (tpot !== null) return { error: tpot, field: 'tpotS' };
  if (p.rateRps !== null && !(Number.isFinite(p.rateRps) && p.rateRps > 0 && p.rateRps <= MAX_PLAN_RATE_RPS)) {
    return { error: 'The rate must be a number of requests per second above 0 and at most 1e9 (e.g. 10); leave it empty for none.', field: 'rateRps' };
  }
  if (p.objective === 'chips' && p.rateRps === null) return { error: 'The fewest-chips objective needs a rate: the requests per second to serve.', field: 'rateRps' };
  if (p.ttftS === null && p.tpotS === null) return { error: 'Set a TTFT or a TPOT target, or both, to plan for.', field: null };
  if (![state.inputTokens, state.outputTokens].every((n) => Number.isInteger(n) && n >= 1)) {
    return { error: 'Fix the workload first: the input and output lengths must be whole numbers ≥ 1.', field: null };
  }
  if (chips.length === 0) return { error: 'Choose a valid chip first.', field: null };
  return null;
}

/**
 * The `planServing` request for the page's model and chips, workload, targets, objective and rate
 * (at the page's price override, if any, or each chip's cost of ownership under the tco basis), or
 * what to fix first (`planProblem`, or a chip tco cannot price).
 *
 * @example
 * const planned = planFor(DEFAULT_STATE, model, planChips(DEFAULT_STATE));
 * if ('request' in planned) planned.request.targets; // { ttftS: 2, tpotS: 0.05 }
 */
export function planFor(state: AppState, model: ModelSpec, chips: readonly PlanChip[]): PlanPlanned {
  const problem = planProblem(state, chips);
  if (problem !== null) return problem;
  const p = state.plan;
  const price = state.price !== null && Number.isFinite(state.price) ? state.price : undefined;
  const priced: PlanRequest['chips'][number][] = [];
  for (const { chip } of chips) {
    if (state.energy.priceBasis === 'tco') {
      // each chip at its own cost of ownership, as `ridgeline plan --price-basis tco` prices it
      const tco = priceFor(state, chip);
      if (!tco.ok) return { error: `The plan prices every chip by tco: ${tco.message}`, field: null };
      priced.push(tco.usdPerChipHour === undefined ? { chip } : { chip, usdPerChipHour: tco.usdPerChipHour });
    } else priced.push(price === undefined ? { chip } : { chip, usdPerChipHour: price });
  }
  const request: PlanRequest = {
    model,
    chips: priced,
    inputTokens: state.inputTokens,
    outputTokens: state.outputTokens,
    targets: { ...(p.ttftS === null ? {} : { ttftS: p.ttftS }), ...(p.tpotS === null ? {} : { tpotS: p.tpotS }) },
    objective: p.objective,
    ...(p.rateRps === null ? {} : { rateRps: p.rateRps }),
  };
  return { request, chips };
}

/** One row of the panel: a chip's answer, as shown. */
export interface PlanRow {
  /** The chip's id (`ServingPlanChoice.chip`). */
  readonly chipId: string;
  /** The id that selects it on the page. */
  readonly pageId: string;
  readonly chipName: string;
  readonly meetsTargets: boolean;
  /** The configuration: replicas·TP·PP chips; null when nothing fits. */
  readonly layout: {
    readonly chips: number;
    readonly replicas: number;
    readonly tp: number;
    readonly pp: number;
    readonly ep: number;
    readonly batch: number;
    readonly weights: Precision;
    readonly kvCache: Precision;
    readonly activations: Precision;
  } | null;
  /** The configuration's figures (`ServingPlanChoice.metrics`). */
  readonly metrics: ServingPlanChoice['metrics'];
  /** What limits it, in one line. */
  readonly why: string;
  /** What *Use* applies to the page. */
  readonly config: InferenceConfig;
}

/**
 * The panel's rows: `planServing`'s answers in its order (best first), with the page id and name of
 * each chip and what limits it.
 *
 * @example
 * planRows(plan, chips)[0]?.why; // 'decode memory-bound; a larger batch would break the TPOT target'
 */
export function planRows(plan: ServingPlan, chips: readonly PlanChip[], maxChips?: number): PlanRow[] {
  return plan.results.map((c) => {
    const chip = chips.find((x) => x.chip.id === c.chip);
    const config = c.config;
    const { tp, pp, ep } = config.parallelism;
    const p = config.precision;
    return {
      chipId: c.chip,
      pageId: chip?.pageId ?? c.chip,
      chipName: chip?.chip.name ?? c.chip,
      meetsTargets: c.meetsTargets,
      layout: c.metrics === null ? null : { chips: config.chips, replicas: c.replicas, tp, pp, ep, batch: config.batch, weights: p.weights, kvCache: p.kvCache, activations: p.activations },
      metrics: c.metrics,
      why: planChoiceText(c, maxChips === undefined ? {} : { maxChips }),
      config,
    };
  });
}
