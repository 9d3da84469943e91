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
const finite = v.pipe(v.number((i) => `must be a finite number${got(i)}`), v.finite((i) => `must be a finite number${got(i)}`));
const clause = v.looseObject({ metric: v.string((i) => `must be a metric name${got(i)}`), min: v.optional(finite), max: v.optional(finite) }, (i) => `must be a filter { metric, min, max }${got(i)}`);
const row = v.looseObject({ index: count }, (i) => `must be a row (an object with an index)${got(i)}`);
const rows = v.array(row, (i) => `must be a list of rows${got(i)}`);

const RESULT = v.looseObject({
  fingerprint: v.string((i) => `must be a string${got(i)}`),
  total: count,
  ranges: v.array(v.tuple([count, count], (i) => `must be a range [start, end]${got(i)}`), (i) => `must be a list of ranges${got(i)}`),
  complete: v.boolean((i) => `must be true or false${got(i)}`),
  spec: v.looseObject(
    {
      models: v.array(v.unknown(), (i) => `must be a list${got(i)}`),
      hardware: v.array(v.unknown(), (i) => `must be a list${got(i)}`),
      // the summary describes the filters the rows met
      where: v.optional(v.array(clause, (i) => `must be a list of filters${got(i)}`)),
    },
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
    histograms: v.array(
      v.looseObject({
        metric: v.string((i) => `must be a metric name${got(i)}`),
        min: v.pipe(finite, v.minValue(0, (i) => `must be ≥ 0, as every metric is${got(i)}`)),
        max: finite,
        bins: v.pipe(count, v.minValue(1, (i) => `must be an integer ≥ 1${got(i)}`)),
        scale: v.picklist(['linear', 'log'], (i) => `must be linear or log${got(i)}`),
      }),
      (i) => `must be a list of histograms${got(i)}`,
    ),
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
      edges: v.array(v.pipe(finite, v.minValue(0, (i) => `must be ≥ 0, as every metric is${got(i)}`))),
      underflow: count,
      counts: v.array(count, (i) => `must be a list of counts${got(i)}`),
      overflow: count,
    }),
    (i) => `must be a list of histograms${got(i)}`,
  ),
});

/** A row's labels, printed as they are: text wherever a row has them (`model` and `hardware` it always has). */
const ROW_TEXT = ['model', 'hardware', 'weights', 'kvCache', 'activations', 'attentionWeights', 'attentionSharding', 'schedule', 'speculative', 'prefillHardware', 'prefillAttention', 'precision', 'recompute'];
/** The settings every row of a sweep of each kind has: the summary's tables print them. */
const INFERENCE_ROW = ['model', 'hardware', 'chips', 'dp', 'tp', 'pp', 'ep', 'batch', 'inputTokens', 'outputTokens', 'weights', 'kvCache', 'activations', 'attentionSharding', 'speculative'];
const TRAINING_ROW = ['model', 'hardware', 'chips', 'dp', 'tp', 'pp', 'cp', 'ep', 'sequenceLength', 'globalBatch', 'microBatch', 'virtualStages', 'zeroStage', 'recompute', 'precision'];
/** A row's labels that are null where they do not apply. */
const ROW_TEXT_OR_NULL = ['reason', 'bound', 'boundPrefill', 'boundDecode', 'disaggregationBound', 'draftModel'];

/** What is wrong with one value of a row, or undefined: every value is a label, a flag, null, or a finite number ≥ 0. */
function rowValueProblem(key: string, value: unknown): string | undefined {
  if (ROW_TEXT.includes(key) && typeof value !== 'string') return `must be text${got({ input: value })}`;
  if (ROW_TEXT_OR_NULL.includes(key) && typeof value !== 'string' && value !== null) return `must be text or null${got({ input: value })}`;
  // every figure of a row, and every numeric setting, is finite and ≥ 0 (JSON has no NaN: null)
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : `must be a finite number ≥ 0, got ${value}`;
  if (typeof value === 'object' && value !== null) return `must be a single value${got({ input: value })}`;
  return undefined;
}

/**
 * The first number of the spec a result echoes that is not finite and ≥ 0, as `path: what is
 * wrong`. Every setting of a sweep is; only a filter's bounds may be negative (they then match
 * nothing, or everything).
 */
function specNumberProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : `${path}: must be a finite number ≥ 0, got ${value}`;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (path === 'spec' && key === 'where') continue;
    const problem = specNumberProblem(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The first problem with a result's figures that its schema cannot see, as `path: what is wrong`. */
function figuresProblem(r: SweepResult): string | undefined {
  const spec = specNumberProblem(r.spec, 'spec');
  if (spec !== undefined) return spec;
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
  const required = (r.spec as { mode?: unknown }).mode === 'training' ? TRAINING_ROW : INFERENCE_ROW;
  const inRanges = (index: number): boolean => r.ranges.some(([start, end]) => index >= start && index < end);
  const checkRows = (path: string, list: readonly AnySweepRow[], metrics: readonly string[]): string | undefined => {
    for (const [i, item] of list.entries()) {
      if (!inRanges(item.index)) return `${path}[${i}].index: ${item.index} is outside the shard's ranges`;
      for (const key of required) if (!(key in item)) return `${path}[${i}].${key}: is missing`;
      for (const [key, value] of Object.entries(item)) {
        const problem = rowValueProblem(key, value);
        if (problem !== undefined) return `${path}[${i}].${key}: ${problem}`;
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
