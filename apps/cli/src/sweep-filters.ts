// `ridgeline sweep --where` and `--group-by`: the spec's `where` and `reducers.groupBy`, from flags.
import {
  METRIC_ALIASES,
  METRICS,
  normaliseGroupBy,
  resolveMetric,
  resolveTrainingMetric,
  sortWhere,
  TRAINING_METRIC_ALIASES,
  TRAINING_METRICS,
  type AnyMetric,
  type GroupKey,
  type WhereClause,
} from '@ridgeline/engine';
import { decimal, quantity, quantityUnits, type Quantity } from './units.ts';
import { UserError } from './errors.ts';
import { didYouMean } from './suggest.ts';

/** Which kind of sweep a spec describes: its metrics differ. */
export type SweepMode = 'inference' | 'training';

/**
 * A metric of the sweep's mode by full name or short name; a one-line `UserError` naming `--flag`,
 * a did-you-mean and the allowed names otherwise.
 *
 * @example
 * sweepMetric('where', 'ttft', 'inference'); // 'ttftS'
 */
export function sweepMetric(flag: string, name: string, mode: SweepMode): AnyMetric {
  const training = mode === 'training';
  const metric = training ? resolveTrainingMetric(name) : resolveMetric(name);
  if (metric !== undefined) return metric;
  const metrics: readonly string[] = training ? TRAINING_METRICS : METRICS;
  const aliases = Object.keys(training ? TRAINING_METRIC_ALIASES : METRIC_ALIASES);
  const hint = didYouMean(name, [...aliases, ...metrics]);
  throw new UserError(`--${flag}: unknown ${training ? 'training ' : ''}metric "${name}".${hint} Use a metric (${metrics.join(', ')}) or a short name (${aliases.join(', ')})`);
}

/** One `--where` value: a metric, the side it bounds and the bound. */
export interface WhereFlag {
  readonly metric: AnyMetric;
  readonly side: 'min' | 'max';
  readonly value: number;
}

const WHERE_FLAG = /^\s*([A-Za-z][\w-]*)\s*(<=|>=)\s*(.*?)\s*$/;

/**
 * The quantity a metric measures, by the unit its name ends in (`…S` seconds, `…W` watts, `…J`
 * joules, `…Bytes`); undefined for counts, rates (`…PerS`), fractions and prices.
 *
 * @example
 * metricQuantity('tpotS'); // 'duration'
 * metricQuantity('tokensPerS'); // undefined
 */
export function metricQuantity(metric: string): Quantity | undefined {
  // a rate, also per chip, user or provisioned MW (tokensPerSPerProvisionedMW is no power)
  if (/PerS(Per[A-Z]\w*)?$/.test(metric)) return undefined;
  if (/S$/.test(metric)) return 'duration';
  if (/W$/.test(metric)) return 'power';
  // joules, also per output token (facilityJPerOutputToken)
  if (/J(PerOutputToken)?$/.test(metric)) return 'energy';
  if (/Bytes$/.test(metric)) return 'bytes';
  return undefined;
}

/**
 * Reads one `--where` value: `metric<=x` or `metric>=x` (inclusive), the metric by name or short
 * name, x a number in the CLI's grammar, with a unit where the metric is a quantity (`ttft<=2s`,
 * `tpot<=50ms`, `power<=700W`, `memory<=80GB`; a bare number is in seconds, watts, joules, bytes).
 *
 * @example
 * parseWhereFlag('ttft<=2', 'inference'); // { metric: 'ttftS', side: 'max', value: 2 }
 * parseWhereFlag('tpot<=50ms', 'inference'); // { metric: 'tpotS', side: 'max', value: 0.05 }
 * parseWhereFlag('ttftS<2', 'inference'); // throws: only <= and >=
 */
export function parseWhereFlag(raw: string, mode: SweepMode): WhereFlag {
  const match = WHERE_FLAG.exec(raw);
  if (match === null) {
    throw new UserError(`--where takes metric<=x or metric>=x (only <= and >=; quote it for the shell: --where 'ttftS<=2'), got "${raw}"`);
  }
  const [, name = '', operator, bound = ''] = match;
  // the metric first: a misspelt name is the likelier mistake
  const metric = sweepMetric('where', name, mode);
  const kind = metricQuantity(metric);
  const value = kind === undefined ? decimal(bound) : quantity(bound, kind);
  if (value === undefined) {
    const units = kind === undefined ? '' : ` or a ${kind === 'bytes' ? 'size' : kind} with a unit (${quantityUnits(kind).join(', ')})`;
    throw new UserError(`--where ${JSON.stringify(raw)}: the bound of ${metric} must be a finite number in plain or exponent notation (2, 0.05, 1e-3)${units}, got ${JSON.stringify(bound)}`);
  }
  return { metric, side: operator === '<=' ? 'max' : 'min', value };
}

/**
 * The filters of a run: the spec's, each `--where` replacing the bound on its side of its metric
 * (the last one wins) and adding the rest, in the order of the mode's metrics.
 *
 * @example
 * whereFromFlags([{ metric: 'ttftS', min: 0.1, max: 5 }], ['ttft<=2', 'tpot<=0.05'], 'inference');
 * // [{ metric: 'ttftS', min: 0.1, max: 2 }, { metric: 'tpotS', max: 0.05 }]
 */
export function whereFromFlags(base: readonly WhereClause<AnyMetric>[], raws: readonly string[], mode: SweepMode): WhereClause<AnyMetric>[] {
  const clauses = new Map<AnyMetric, { min?: number; max?: number }>(base.map((w) => [w.metric, { ...w }]));
  for (const raw of raws) {
    const { metric, side, value } = parseWhereFlag(raw, mode);
    clauses.set(metric, { ...clauses.get(metric), [side]: value });
  }
  const where = [...clauses].map(([metric, { min, max }]): WhereClause<AnyMetric> => {
    if (min !== undefined && max !== undefined && min > max) {
      throw new UserError(`--where: ${metric} ≥ ${min} and ≤ ${max} match nothing; give a min ≤ max`);
    }
    return { metric, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  });
  return sortWhere(where, (mode === 'training' ? TRAINING_METRICS : METRICS) as readonly AnyMetric[]);
}

/**
 * Reads `--group-by`: model, chip (or hardware) or both, separated by commas; the spec's grouping
 * when the flag is absent.
 *
 * @example
 * groupByFromFlag('hardware,model', []); // ['model', 'chip']
 */
export function groupByFromFlag(raw: string | undefined, base: readonly GroupKey[]): readonly GroupKey[] {
  if (raw === undefined) return base;
  const names = raw.split(',').map((s) => s.trim());
  const keys = names.includes('') ? undefined : normaliseGroupBy(names);
  if (keys === undefined) throw new UserError(`--group-by takes model, chip or model,chip (hardware is the same as chip), got "${raw}"`);
  return keys;
}
