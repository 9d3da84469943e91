import { fileURLToPath } from 'node:url';
import { withEfficiencyProfile, type ChipSpec } from '@ridgeline/hardware';
import { getModel } from '@ridgeline/catalog';
import type { ModelSpec } from '@ridgeline/model';
import { publishedSi, readPublished, type PublishedRow } from './csv.ts';
import { NOT_EXPRESSIBLE, PLANS, predict, type Plan, type PlanContext } from './plans.ts';
import { PLUGIN_CHIPS } from './plugin-chips.ts';

/** apps/validation/data/public.csv, a copy of the published measurements (override with RIDGELINE_VALIDATION_CSV). */
export const DEFAULT_CSV: string =
  process.env.RIDGELINE_VALIDATION_CSV ?? fileURLToPath(new URL('../data/public.csv', import.meta.url));

export const PLAN_CONTEXT: PlanContext = {
  chip: (id) => {
    // the published rows that Ridgeline reproduces are on NVIDIA GPUs and Google TPUs
    const chip = PLUGIN_CHIPS.get(id);
    if (chip === undefined) throw new Error(`validation plan names unknown chip "${id}"`);
    // The published rows ran the stacks of their era: a chip's `2023` profile where it has one.
    return chip.efficiencyProfiles?.['2023'] === undefined ? chip : withEfficiencyProfile(chip, '2023').chip;
  },
  model: (id): ModelSpec => {
    const model = getModel(id);
    if (model === undefined) throw new Error(`validation plan names unknown model "${id}"`);
    return model;
  },
};

export interface RowOutcome {
  readonly row: PublishedRow;
  readonly plan: Plan;
  readonly publishedSi: number;
  /** undefined when the model calls the configuration infeasible. */
  readonly predictedSi: number | undefined;
  /** (predicted − published) / published. */
  readonly error: number | undefined;
  readonly infeasibleReason: string | null;
}

export interface ValidationReport {
  readonly outcomes: RowOutcome[];
  readonly skipped: Array<{ id: string; reason: string }>;
  /** Over measured rows (analytical worked examples excluded). */
  readonly medianAbsError: number;
  readonly p90AbsError: number;
  /** The median over measured inference rows, and over measured training rows. */
  readonly medianAbsErrorInference: number;
  readonly medianAbsErrorTraining: number;
  /** Over every reproduced row, worked examples included. */
  readonly medianAbsErrorAll: number;
}

/** `items` grouped by `keyOf`, groups and items in first-seen order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  return groups;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Reproduces every expressible row; `chipOverride` swaps in a chip (used by the fit). */
export function runValidation(rows: readonly PublishedRow[], chipOverride?: (id: string) => ChipSpec | undefined): ValidationReport {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const outcomes: RowOutcome[] = [];
  for (const plan of PLANS) {
    const row = byId.get(plan.id);
    if (row === undefined) continue;
    const published = publishedSi(row);
    if (published === undefined) throw new Error(`row ${row.id}: unit "${row.unit}" has no SI conversion`);
    const p = predict(plan, PLAN_CONTEXT, chipOverride?.(plan.chip));
    outcomes.push({
      row,
      plan,
      publishedSi: published,
      predictedSi: p.value,
      error: p.value === undefined ? undefined : (p.value - published) / published,
      infeasibleReason: p.reason,
    });
  }
  const planned = new Set(PLANS.map((p) => p.id));
  const skipped = rows
    .filter((r) => !planned.has(r.id))
    .map((r) => ({ id: r.id, reason: NOT_EXPRESSIBLE[r.id] ?? 'no reason recorded' }));
  const absErrors = (list: readonly RowOutcome[]): number[] =>
    list.flatMap((o) => (o.error === undefined ? [] : [Math.abs(o.error)])).sort((a, b) => a - b);
  const measuredOutcomes = outcomes.filter((o) => o.plan.sourceAssumes === undefined);
  const measured = absErrors(measuredOutcomes);
  return {
    outcomes,
    skipped,
    medianAbsError: quantile(measured, 0.5),
    p90AbsError: quantile(measured, 0.9),
    medianAbsErrorInference: quantile(absErrors(measuredOutcomes.filter((o) => o.plan.kind !== 'training')), 0.5),
    medianAbsErrorTraining: quantile(absErrors(measuredOutcomes.filter((o) => o.plan.kind === 'training')), 0.5),
    medianAbsErrorAll: quantile(absErrors(outcomes), 0.5),
  };
}

export function loadRows(path: string = DEFAULT_CSV): PublishedRow[] {
  return readPublished(path);
}
