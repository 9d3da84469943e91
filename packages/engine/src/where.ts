// Filters (`where`): one grammar for the whole tool. A spec's `where: { ttftS: { max: 2 } }` and
// the CLI's `--where 'ttftS<=2'` both become WhereClause lists; the kernel applies them before its
// reducers, and row files and host code apply them with `matchesWhere`.
import type { AnyMetric } from './spec.ts';
import type { Metric } from './descriptors.ts';

/**
 * A filter on one metric: min ≤ value ≤ max, both inclusive; an absent bound does not limit (it is
 * omitted rather than ±Infinity, so a spec stays JSON). A configuration without the metric (null,
 * NaN) never matches.
 */
export interface WhereClause<M extends AnyMetric = Metric> {
  readonly metric: M;
  readonly min?: number;
  readonly max?: number;
}

/**
 * Whether a row (or any record of metric values) meets every clause; true for no clauses.
 *
 * @example
 * matchesWhere({ ttftS: 1.2, tpotS: 0.04 }, [{ metric: 'ttftS', max: 2 }]); // true
 * matchesWhere({ ttftS: null }, [{ metric: 'ttftS', max: 2 }]); // false
 */
export function matchesWhere(row: object, where: readonly WhereClause<AnyMetric>[]): boolean {
  const values = row as Readonly<Record<string, unknown>>;
  return where.every(({ metric, min, max }) => {
    const v = values[metric];
    return typeof v === 'number' && !Number.isNaN(v) && (min === undefined || v >= min) && (max === undefined || v <= max);
  });
}

/**
 * The clauses as the kernel reads them: [min, max] with ±Infinity for absent bounds.
 *
 * @example
 * whereBounds({ metric: 'ttftS', max: 2 }); // [-Infinity, 2]
 */
export function whereBounds(clause: WhereClause<AnyMetric>): [number, number] {
  return [clause.min ?? Number.NEGATIVE_INFINITY, clause.max ?? Number.POSITIVE_INFINITY];
}

/**
 * The clauses as text, for summaries: `ttftS ≤ 2, 0.01 ≤ tpotS ≤ 0.05`.
 *
 * @example
 * describeWhere([{ metric: 'ttftS', max: 2 }, { metric: 'tokensPerSPerUser', min: 20 }]); // 'ttftS ≤ 2, tokensPerSPerUser ≥ 20'
 */
export function describeWhere(where: readonly WhereClause<AnyMetric>[]): string {
  return where
    .map(({ metric, min, max }) => {
      if (min !== undefined && max !== undefined) return `${min} ≤ ${metric} ≤ ${max}`;
      return min !== undefined ? `${metric} ≥ ${min}` : `${metric} ≤ ${String(max)}`;
    })
    .join(', ');
}

/**
 * Clauses in the order of `metrics` (the sweep's metric list), so that the same filter always gives
 * the same image and fingerprint whatever order it was written in.
 *
 * @example
 * sortWhere([{ metric: 'tpotS', max: 0.05 }, { metric: 'ttftS', max: 2 }], METRICS)[0].metric; // 'ttftS'
 */
export function sortWhere<M extends AnyMetric>(where: readonly WhereClause<M>[], metrics: readonly M[]): WhereClause<M>[] {
  return [...where].sort((a, b) => metrics.indexOf(a.metric) - metrics.indexOf(b.metric));
}
