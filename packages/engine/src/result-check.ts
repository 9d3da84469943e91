// What `mergeResults` checks of a shard file before trusting it: a result is data a person can
// edit or a disk can corrupt, and a merge that accepted it would print its figures as the sweep's.
import * as v from 'valibot';
import { GROUP_KEYS } from './groups.ts';
import { MAX_TOP_K, pathOf } from './spec.ts';
import type { AnySweepRow, SweepResult } from './state.ts';

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

const got = (issue: { readonly input: unknown }): string => `, got ${shown(issue.input)}`;

const count = v.pipe(
  v.number((i) => `must be an integer ≥ 0${got(i)}`),
  v.safeInteger((i) => `must be an integer ≥ 0${got(i)}`),
  v.minValue(0, (i) => `must be an integer ≥ 0${got(i)}`),
);
const counts = v.record(v.string(), count, (i) => `must map names to counts${got(i)}`);
const direction = v.picklist(['min', 'max'], (i) => `must be min or max${got(i)}`);
const objective = v.looseObject({ metric: v.string((i) => `must be a metric name${got(i)}`), direction });
const row = v.looseObject({ index: count }, (i) => `must be a row (an object with an index)${got(i)}`);
const rows = v.array(row, (i) => `must be a list of rows${got(i)}`);

const RESULT = v.looseObject({
  fingerprint: v.string((i) => `must be a string${got(i)}`),
  total: count,
  ranges: v.array(v.tuple([count, count], (i) => `must be a range [start, end]${got(i)}`), (i) => `must be a list of ranges${got(i)}`),
  complete: v.boolean((i) => `must be true or false${got(i)}`),
  spec: v.looseObject(
    { models: v.array(v.unknown(), (i) => `must be a list${got(i)}`), hardware: v.array(v.unknown(), (i) => `must be a list${got(i)}`) },
    (i) => `must be the sweep spec${got(i)}`,
  ),
  reducers: v.looseObject({
    pareto: v.array(objective, (i) => `must be a list of objectives${got(i)}`),
    top: v.nullable(
      v.looseObject(
        {
          metric: v.string(),
          direction,
          k: v.pipe(count, v.minValue(1, (i) => `must be an integer from 1 to ${MAX_TOP_K}${got(i)}`), v.maxValue(MAX_TOP_K, (i) => `must be an integer from 1 to ${MAX_TOP_K}${got(i)}`)),
        },
        (i) => `must be the top-k or null${got(i)}`,
      ),
    ),
    histograms: v.array(v.unknown(), (i) => `must be a list${got(i)}`),
    groupBy: v.optional(v.array(v.picklist(GROUP_KEYS, (i) => `must be model or chip${got(i)}`))),
  }),
  counts: v.looseObject({
    evaluated: count,
    feasible: count,
    matched: count,
    infeasible: counts,
    bound: v.looseObject({ prefill: counts, decode: counts }),
  }),
  pareto: v.looseObject({ objectives: v.array(objective, (i) => `must be a list of objectives${got(i)}`), rows }),
  top: v.nullable(v.looseObject({ metric: v.string(), direction, k: count, rows }, (i) => `must be the top-k or null${got(i)}`)),
  histograms: v.array(
    v.looseObject({
      edges: v.array(v.number((i) => `must be a number${got(i)}`)),
      underflow: count,
      counts: v.array(count, (i) => `must be a list of counts${got(i)}`),
      overflow: count,
    }),
    (i) => `must be a list of histograms${got(i)}`,
  ),
});

/** The first problem with a result's figures that its schema cannot see, as `path: what is wrong`. */
function figuresProblem(r: SweepResult): string | undefined {
  let covered = 0;
  let lastEnd = -1;
  for (const [i, [start, end]] of r.ranges.entries()) {
    if (end <= start) return `ranges[${i}]: [${start}, ${end}] is reversed or empty; a range is [start, end) with start < end`;
    if (end > r.total) return `ranges[${i}]: [${start}, ${end}] goes past the sweep's ${r.total} configurations`;
    if (start < lastEnd) return `ranges[${i}]: [${start}, ${end}] overlaps or comes before the range before it; ranges are sorted and disjoint`;
    lastEnd = end;
    covered += end - start;
  }
  const c = r.counts;
  if (c.evaluated !== covered) return `counts.evaluated: ${c.evaluated} configurations, but the ranges cover ${covered}`;
  const infeasible = Object.values(c.infeasible).reduce((a, b) => a + b, 0);
  if (c.feasible + infeasible !== c.evaluated) {
    return `counts: ${c.feasible} feasible and ${infeasible} infeasible do not add up to the ${c.evaluated} evaluated`;
  }
  if (c.matched > c.feasible) return `counts.matched: ${c.matched} is more than the ${c.feasible} feasible`;
  const inRanges = (index: number): boolean => r.ranges.some(([start, end]) => index >= start && index < end);
  const checkRows = (path: string, list: readonly AnySweepRow[], metrics: readonly string[]): string | undefined => {
    for (const [i, item] of list.entries()) {
      if (!inRanges(item.index)) return `${path}[${i}].index: ${item.index} is outside the shard's ranges`;
      for (const [key, value] of Object.entries(item)) {
        // every figure of a row, and every numeric setting, is finite and ≥ 0 (JSON has no NaN: null)
        if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) return `${path}[${i}].${key}: must be a finite number ≥ 0, got ${value}`;
      }
      for (const metric of metrics) {
        const value = (item as unknown as Readonly<Record<string, unknown>>)[metric];
        if (typeof value !== 'number') return `${path}[${i}].${metric}: must be a number (the row is ranked by it), got ${shown(value)}`;
      }
    }
    return undefined;
  };
  const pareto = checkRows('pareto.rows', r.pareto.rows, r.pareto.objectives.map((o) => o.metric));
  if (pareto !== undefined) return pareto;
  if (r.top !== null) return checkRows('top.rows', r.top.rows, [r.top.metric]);
  return undefined;
}

/**
 * Why `value` is not a sweep result `mergeResults` can trust, as `path: what is wrong`; undefined
 * when it is one. Checks the schema, that its ranges are sorted, disjoint and within the total,
 * that its counts are integers ≥ 0 that add up over the ranges, and that every row lies in them
 * with every number finite and ≥ 0.
 *
 * @example
 * sweepResultProblem(JSON.parse(text)); // 'pareto.rows[3].tpotS: must be a finite number ≥ 0, got -0.02'
 */
export function sweepResultProblem(value: unknown): string | undefined {
  const parsed = v.safeParse(RESULT, value);
  if (!parsed.success) {
    const [issue] = parsed.issues;
    if (issue === undefined) return 'is not a sweep result';
    const path = pathOf(issue);
    return `${path === '' ? '' : `${path}: `}${issue.input === undefined ? 'is missing' : issue.message}`;
  }
  return figuresProblem(value as SweepResult);
}
