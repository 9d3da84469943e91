import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import {
  DEFAULT_MOE_IMBALANCE,
  DEFAULT_MTP_ACCEPTANCE,
  DEFAULT_PUE,
  MAX_DRAFT_TOKENS,
  MAX_WORKERS,
  PREFILL_CHUNK_TOKENS,
  InputError,
  MODEL_LIMITS,
  TCO_LIMITS,
  WORKLOAD_LIMITS,
  limitText,
  validateModelSpec,
  type AttentionSharding,
  type ModelSpec,
  type Recompute,
  type Schedule,
  type SpeculativeMode,
} from '@ridgeline/model';
import { DISAGGREGATION_AXES, METRIC_ALIASES, METRICS, SCHEDULES, SPECULATIVE_MODES, defaultDirection, resolveMetric, type Direction, type Metric } from './descriptors.ts';
import { normaliseGroupBy, type GroupKey } from './groups.ts';
import { RECOMPUTES, TRAINING_METRIC_ALIASES, TRAINING_METRICS, defaultTrainingDirection, resolveTrainingMetric, type TrainingMetric } from './training.ts';
import { sortWhere, type WhereClause } from './where.ts';

/** A metric of an inference sweep (`Metric`) or of a training sweep (`TrainingMetric`). */
export type AnyMetric = Metric | TrainingMetric;

/** A Pareto objective or a top-k key: a metric and whether less or more is better. */
export interface Objective<M extends AnyMetric = Metric> {
  readonly metric: M;
  readonly direction: Direction;
}

/** A histogram over one metric with `bins` equal bins from `min` to `max` (in log space for `log`). */
export interface HistogramSpec<M extends AnyMetric = Metric> {
  readonly metric: M;
  readonly min: number;
  readonly max: number;
  readonly bins: number;
  readonly scale: 'linear' | 'log';
}

/** What a sweep reduces its configurations to. */
export interface ReducerSpec<M extends AnyMetric = Metric> {
  /** 2 or 3 objectives, or none. */
  readonly pareto: readonly Objective<M>[];
  readonly top: (Objective<M> & { readonly k: number }) | null;
  readonly histograms: readonly HistogramSpec<M>[];
  /**
   * Compute the top-k and the frontier per model, per chip or per (model, chip); counts and
   * histograms stay global. Absent or `[]`: one group.
   */
  readonly groupBy?: readonly GroupKey[];
}

/** A hardware entry: a chip id, optionally with its own price. */
export interface HardwareEntry {
  readonly chip: string;
  readonly usdPerChipHour?: number;
}

/**
 * A sweep spec with every default filled in: the axes of the cartesian product (MODEL.md §1) and
 * the reducers. `chips` and `dp` are exclusive: with `dp`, chips = TP·PP·DP.
 */
export interface SweepSpec {
  readonly models: readonly (string | ModelSpec)[];
  readonly hardware: readonly HardwareEntry[];
  readonly chips: readonly number[] | null;
  readonly dp: readonly number[] | null;
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  readonly ep: readonly number[];
  /**
   * R: redundant expert slots (`InferenceConfig.redundantExperts`), integers ≥ 0, or `auto`:
   * ⌈E/EP⌉·EP − E [auto]. Absent in a spec built by hand means `auto`.
   */
  readonly redundantExperts?: readonly (number | 'auto')[];
  readonly batch: readonly number[];
  readonly inputTokens: readonly number[];
  readonly outputTokens: readonly number[];
  readonly precisions: {
    readonly weights: readonly Precision[];
    readonly kvCache: readonly Precision[];
    readonly activations: readonly Precision[];
    /**
     * The attention block's projection weights where they differ from `weights` (an FP4 checkpoint
     * that keeps attention at fp8 or bf16); absent: each configuration's `weights`.
     */
    readonly attentionWeights?: readonly Precision[] | undefined;
  };
  readonly attentionSharding: readonly AttentionSharding[];
  /** Fractions in [0, 1], or `auto`: the plugin's overlap for prefill and none for decode. */
  readonly commOverlap: readonly (number | 'auto')[];
  readonly moeImbalance: readonly number[];
  /**
   * Two-batch overlap (`InferenceConfig.twoBatchOverlap`): false, true, or both [false]. The
   * parsers always fill it in; absent in a spec built by hand means false.
   */
  readonly twoBatchOverlap?: readonly boolean[];
  /** Serving schedules (`InferenceConfig.schedule`): continuous (chunked prefill, the default) or static. */
  readonly schedule: readonly Schedule[];
  /** C: tokens per iteration and prefill chunk (`InferenceConfig.chunkTokens`) [8192]. */
  readonly chunkTokens: readonly number[];
  /**
   * Speculative decoding (`InferenceConfig.speculative.mode`, docs/MODEL.md §7): none, mtp (the
   * model's multi-token-prediction modules) or draft (a draft model of `draftModels`) [none].
   * The parsers always fill in this and the next three; absent in a spec built by hand means none.
   */
  readonly speculative?: readonly SpeculativeMode[];
  /** γ: draft tokens per speculative step, integers 1–16 [1]. */
  readonly draftTokens?: readonly number[];
  /**
   * a: the probability that a draft token is accepted, one value for every draft position, in
   * [0, 1] [each chip's efficiency.mtpAcceptance (its serving stack's fitted one), else 0.85,
   * DEFAULT_MTP_ACCEPTANCE; a spec with `draft` must give it].
   */
  readonly acceptance?: readonly number[];
  /**
   * The draft models of `speculative: draft`: catalog ids or inline ModelSpecs [none]. A spec with
   * `draft` must list at least one; a configuration of mode draft without one is infeasible
   * (`speculative_unsupported`).
   */
  readonly draftModels?: readonly (string | ModelSpec)[];
  /**
   * Disaggregated prefill and decode (`InferenceConfig.disaggregation`, docs/MODEL.md §8): prefill
   * workers, 0 for none (one engine does both) or 1–65,536 [0]. With more than 0, `chips`/`dp` give
   * one decode worker's chips (= TP·PP), `batch` its requests in flight, and the schedule is continuous.
   * The parsers always fill in this and the next five; absent in a spec built by hand means none.
   */
  readonly prefillWorkers?: readonly number[];
  /** Decode workers, 1–65,536 [1]. */
  readonly decodeWorkers?: readonly number[];
  /** The prefill workers' chips: chip ids, or `same` for the decode workers' chip [same]. */
  readonly prefillHardware?: readonly string[];
  /** TP (= chips) of one prefill worker, or `auto`: the decode worker's TP [auto]. */
  readonly prefillTp?: readonly (number | 'auto')[];
  /** EP of one prefill worker, or `auto`: its TP when the decode worker runs EP > 1, else 1 [auto]. */
  readonly prefillEp?: readonly (number | 'auto')[];
  /** A prefill worker's attention: heads or dp [heads]. */
  readonly prefillAttention?: readonly ('heads' | 'dp')[];
  /**
   * Filters: only feasible configurations meeting every clause reach the reducers and row files.
   * The parsers always fill it in (`[]` for none); optional so that hand-built specs stay valid.
   */
  readonly where?: readonly WhereClause[];
  /**
   * PUE of the facility, facility power ÷ IT power, 1–10 [DEFAULT_PUE, 1.2]: one value for the
   * whole sweep, as `estimate --pue` takes one, for the node and facility metrics
   * (`provisionedFacilityW`, `tokensPerSPerProvisionedMW`, `facilityW`, `facilityJPerOutputToken`;
   * docs/MODEL.md §10). The parsers always fill it in; absent in a spec built by hand means the default.
   */
  readonly pue?: number;
  readonly reducers: ReducerSpec;
  /**
   * Axes given per model: by a model as `models` writes it (a catalog id as written, an inline
   * model's id), the axes whose values differ for that model; every other model, and every axis
   * not given here, takes the fields above. The parsers fill it in from an axis written as a
   * mapping, `ep: { default: 1, deepseek-r1: [1, 2, 4, 8] }` (absent or `{}`: one grid).
   */
  readonly perModel?: Readonly<Record<string, PerModelAxes>>;
}

/** The axes a sweep spec can give per model (`SweepSpec.perModel`), and `precisions`' three. */
export const PER_MODEL_AXES = [
  'chips', 'dp', 'tp', 'pp', 'ep', 'redundantExperts', 'batch', 'inputTokens', 'outputTokens', 'attentionSharding', 'commOverlap', 'moeImbalance',
  'twoBatchOverlap', 'schedule', 'chunkTokens', 'speculative', 'draftTokens', 'acceptance', 'prefillWorkers', 'decodeWorkers', 'prefillTp', 'prefillEp',
  'prefillAttention',
] as const;

/** One model's own axis values (`SweepSpec.perModel`): any of PER_MODEL_AXES and `precisions`. */
export type PerModelAxes = Partial<Pick<SweepSpec, (typeof PER_MODEL_AXES)[number] | 'precisions'>>;

/** How `models` and `perModel` name a model: a catalog id as written, or an inline model's id. */
export function modelKey(model: string | ModelSpec): string {
  return typeof model === 'string' ? model : model.id;
}

/**
 * The spec one model of `spec` sweeps: its `perModel` axes over the spec's own (with `chips`
 * given for the model, `dp` is null, and the other way round).
 *
 * @example
 * specForModel(spec, 'deepseek-r1').ep; // [1, 2, 4, 8]
 */
export function specForModel(spec: SweepSpec, model: string | ModelSpec): SweepSpec {
  const own = spec.perModel?.[modelKey(model)];
  if (own === undefined) return spec;
  const layout = own.chips !== undefined ? { chips: own.chips, dp: null } : own.dp !== undefined ? { chips: null, dp: own.dp } : {};
  return { ...spec, ...own, ...layout, precisions: { ...spec.precisions, ...own.precisions } };
}

/**
 * A training sweep spec (`mode: training`) with every default filled in: the axes are the fields
 * of `TrainingConfig` (`estimateTraining`). `chips` and `dp` are exclusive: with `dp`, chips =
 * DP·TP·PP·CP; with `chips`, DP = chips/(TP·PP·CP).
 */
export interface TrainingSweepSpec {
  readonly mode: 'training';
  readonly models: readonly (string | ModelSpec)[];
  readonly hardware: readonly HardwareEntry[];
  readonly chips: readonly number[] | null;
  readonly dp: readonly number[] | null;
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  readonly cp: readonly number[];
  readonly ep: readonly number[];
  readonly sequenceLength: readonly number[];
  readonly globalBatch: readonly number[];
  readonly microBatch: readonly number[];
  readonly virtualStages: readonly number[];
  readonly totalTokens: readonly number[];
  readonly precision: readonly Precision[];
  readonly zeroStage: readonly number[];
  readonly recompute: readonly Recompute[];
  /** true, false, or `auto` (on when TP > 1). */
  readonly sequenceParallel: readonly (boolean | 'auto')[];
  /** Fractions in [0, 1], or `auto`: the chip's overlap. */
  readonly commOverlap: readonly (number | 'auto')[];
  readonly optimizerBytesPerParam: readonly number[];
  /** Filters on training metrics, as `SweepSpec.where`. */
  readonly where?: readonly WhereClause<TrainingMetric>[];
  readonly reducers: ReducerSpec<TrainingMetric>;
}

/** An inference or a training sweep spec. */
export type AnySweepSpec = SweepSpec | TrainingSweepSpec;

/**
 * Whether a spec is a training sweep's.
 *
 * @example
 * isTrainingSpec(parseAnySweepSpec('mode: training\n…')); // true
 */
export function isTrainingSpec(spec: AnySweepSpec): spec is TrainingSweepSpec {
  return (spec as { mode?: unknown }).mode === 'training';
}

/** One problem in a sweep spec: where, and what is wrong with what is allowed. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A sweep spec that cannot be used. `message` lists every issue, one per line, each with its path
 * and the allowed values; `issues` has them as data.
 */
export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
  readonly issues: readonly SpecIssue[];
  /** The spec's name in the message (`spec.yaml`, `sweep spec`). */
  readonly source: string;
  /**
   * The spec's data as read, when it was a mapping the validators refused: what
   * `@ridgeline/engine/node`'s `withUnresolvedNames` looks its model and chip names up in, so that
   * unknown names come in the same error as the other problems. Not enumerable: errors compare
   * and print by their issues.
   */
  declare readonly data?: Readonly<Record<string, unknown>>;
  constructor(issues: readonly SpecIssue[], source = 'sweep spec', options: { readonly data?: Readonly<Record<string, unknown>> } = {}) {
    const where = (i: SpecIssue): string => (i.path === '' ? '' : `${i.path}: `);
    const lines = issues.map((i) => `  - ${where(i)}${i.message}`);
    const [only] = issues;
    super(
      issues.length === 1 && only !== undefined
        ? `${source}: ${where(only)}${only.message}`
        : `${source}: ${issues.length} problems\n${lines.join('\n')}`,
    );
    this.issues = issues;
    this.source = source;
    if (options.data !== undefined) Object.defineProperty(this, 'data', { value: options.data, enumerable: false });
  }
}

/** Runs a validator, giving the data to a `SweepSpecError` it throws. */
function withData<T>(data: object, source: string, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof SweepSpecError && error.data === undefined) throw new SweepSpecError(error.issues, source, { data: data as Record<string, unknown> });
    throw error;
  }
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

const got = (issue: { input: unknown }): string => `, got ${render(issue.input)}`;

function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const a = lower;
    const b = c.toLowerCase();
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = dp[0] ?? 0;
      dp[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = dp[j] ?? 0;
        dp[j] = Math.min((dp[j] ?? 0) + 1, (dp[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    const distance = dp[b.length] ?? Number.POSITIVE_INFINITY;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * A value whose schema depends on its shape (a number, a list, a mapping): the issues are those of
 * the matching schema, with their paths, instead of a union's "none matched".
 */
function shaped<T>(pick: (input: unknown) => v.GenericSchema<unknown, T> | undefined, message: (input: unknown) => string) {
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }): T => {
      const schema = pick(dataset.value);
      if (schema === undefined) {
        addIssue({ message: message(dataset.value) });
        return NEVER;
      }
      const result = v.safeParse(schema, dataset.value);
      if (result.success) return result.output;
      for (const issue of result.issues) addIssue({ message: issue.message, ...(issue.path === undefined ? {} : { path: issue.path }) });
      return NEVER;
    }),
  );
}

const isList = (x: unknown): boolean => Array.isArray(x);
const isMapping = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Integers from a list, one integer, or a range `{ from, to, step }` / `{ from, to, times }`. */
const MAX_AXIS_VALUES = 1_000_000;

/**
 * `max` is a rule of the field (zeroStage 0–3), said in the allowed range; `limit` is the physical
 * limit of `WORKLOAD_LIMITS` (docs/MODEL.md §1.5), said on its own: "must be at most 1e9".
 */
function integerAxis(field: string, min: number, max: number = Number.MAX_SAFE_INTEGER, limit: number = Number.MAX_SAFE_INTEGER) {
  const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  // one issue per value: beyond the limit says so, anything else says what is allowed
  const problem = (x: number): string | undefined =>
    Number.isInteger(x) && x > limit ? `must be at most ${limitText(limit)}` : Number.isSafeInteger(x) && x >= min && x <= max ? undefined : `must be ${allowed}`;
  const integer = v.pipe(
    v.number((i) => `must be ${allowed}${got(i)}`),
    v.check((x) => problem(x) === undefined, (i) => `${problem(i.input) ?? `must be ${allowed}`}${got(i)}`),
  );
  const range = v.pipe(
    v.strictObject(
      {
        from: integer,
        to: integer,
        step: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1, (i) => `step must be an integer ≥ 1${got(i)}`))),
        times: v.optional(v.pipe(v.number(), v.minValue(1.000001, (i) => `times must be a factor > 1${got(i)}`))),
      },
      (i) => `a range has the keys from, to and step or times${got(i)}`,
    ),
    v.check((r) => r.to >= r.from, 'a range needs to ≥ from'),
    v.check((r) => r.step === undefined || r.times === undefined, 'a range takes step or times, not both'),
  );
  const list = v.pipe(v.array(integer), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<number | number[] | v.InferOutput<typeof range>>(
      (x) => (isList(x) ? list : isMapping(x) ? range : typeof x === 'number' ? integer : undefined),
      (x) => `${field} must be an integer ≥ ${min}, a list of them, or a range { from, to, step | times }${got({ input: x })}`,
    ),
    v.transform((value): number[] => {
      if (typeof value === 'number') return [value];
      if (Array.isArray(value)) return value;
      const out: number[] = [];
      for (let x = value.from; x <= value.to && out.length <= MAX_AXIS_VALUES; ) {
        out.push(x);
        x = value.times === undefined ? x + (value.step ?? 1) : Math.max(x + 1, Math.round(x * value.times));
      }
      return out;
    }),
    v.check((values) => values.length <= MAX_AXIS_VALUES, `${field} may have at most ${MAX_AXIS_VALUES.toLocaleString('en')} values`),
  );
}

function enumAxis<const T extends string>(field: string, allowed: readonly T[]) {
  const one = v.picklist(allowed, (i) => `must be one of ${allowed.join(', ')}${got(i)}`);
  const list = v.pipe(v.array(one), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<T | T[]>(
      (x) => (isList(x) ? list : isMapping(x) ? undefined : one),
      (x) => `${field} must be one of ${allowed.join(', ')}, or a list of them${got({ input: x })}`,
    ),
    v.transform((value): T[] => (Array.isArray(value) ? value : [value as T])),
  );
}

/** true or false, or a list of them. */
function booleanAxis(field: string) {
  const one = v.boolean((i) => `must be true or false${got(i)}`);
  const list = v.pipe(v.array(one), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<boolean | boolean[]>(
      (x) => (isList(x) ? list : isMapping(x) ? undefined : one),
      (x) => `${field} must be true or false, or a list of them${got({ input: x })}`,
    ),
    v.transform((value): boolean[] => (Array.isArray(value) ? value : [value])),
  );
}

/** A chip id or `same`, or a list of them. */
function chipIdAxis(field: string) {
  const one = v.pipe(v.string((i) => `must be a chip id or "same"${got(i)}`), v.nonEmpty('a chip id cannot be empty'));
  const list = v.pipe(v.array(one), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<string | string[]>(
      (x) => (isList(x) ? list : isMapping(x) ? undefined : one),
      (x) => `${field} must be a chip id or "same", or a list of them${got({ input: x })}`,
    ),
    v.transform((value): string[] => (Array.isArray(value) ? value : [value])),
  );
}

/** `limit`, as in `integerAxis`: the physical limit of `WORKLOAD_LIMITS`, said on its own. */
function numberAxis(field: string, min: number, max: number, allowed: string, extra?: 'auto', integer = false, limit = Number.MAX_VALUE) {
  const allowedAll = extra === undefined ? allowed : `${allowed} or "${extra}"`;
  const num = v.pipe(
    v.number((i) => `must be ${allowedAll}${got(i)}`),
    v.check((x) => !integer || Number.isSafeInteger(x), (i) => `must be ${allowedAll}${got(i)}`),
    v.minValue(min, (i) => `must be ${allowedAll}${got(i)}`),
    v.check((x) => !(x > limit) || Number.isNaN(x), (i) => `must be at most ${limitText(limit)}${got(i)}`),
    v.maxValue(max, (i) => `must be ${allowedAll}${got(i)}`),
  );
  const one = extra === undefined ? num : v.union([num, v.literal(extra)], (i) => `must be ${allowed} or "${extra}"${got(i)}`);
  const list = v.pipe(v.array(one), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<number | 'auto' | (number | 'auto')[]>(
      (x) => (isList(x) ? list : isMapping(x) ? undefined : one),
      (x) => `${field} must be ${allowed}${extra === undefined ? '' : ` or "${extra}"`}, or a list of them${got({ input: x })}`,
    ),
    v.transform((value): (number | 'auto')[] => (Array.isArray(value) ? value : [value])),
  );
}

const direction = v.picklist(['min', 'max'] as const, (i) => `must be min or max${got(i)}`);

const METRICS_OF_INFERENCE: readonly string[] = METRICS;

/**
 * A metric of the spec's mode by its full name or the short name the CLI takes (`cost`, `tpot`,
 * `ttft`, …: METRIC_ALIASES, TRAINING_METRIC_ALIASES), or undefined.
 */
function specMetric<M extends AnyMetric>(name: string, metrics: readonly M[]): M | undefined {
  return (metrics === (TRAINING_METRICS as readonly AnyMetric[]) ? resolveTrainingMetric(name) : resolveMetric(name)) as M | undefined;
}

/** The short names of a mode's metrics. */
function shortNames(metrics: readonly string[]): string[] {
  return Object.keys(metrics === (TRAINING_METRICS as readonly string[]) ? TRAINING_METRIC_ALIASES : METRIC_ALIASES);
}

/** "unknown metric …" with a did-you-mean and the allowed list; names a metric of the other mode as such. */
function unknownMetricMessage(name: string, metrics: readonly string[]): string {
  const short = shortNames(metrics);
  const hint = closest(name, [...metrics, ...short]);
  // A metric of the other mode is the likeliest slip: say so rather than only listing these.
  const training = metrics === TRAINING_METRICS;
  const otherMode = (training ? METRICS_OF_INFERENCE : (TRAINING_METRICS as readonly string[])).includes(name)
    ? ` (a metric of ${training ? 'inference' : 'training'} sweeps; this is ${training ? 'a training' : 'an inference'} spec)`
    : '';
  return `unknown metric ${render(name)}${otherMode}${hint === undefined ? '.' : `; did you mean "${hint}"?`} Allowed: ${metrics.join(', ')}; or a short name: ${short.join(', ')}`;
}

/** A spec's `where` mapping (metric → { min?, max? }) as clauses in metric order, with every issue found. */
function whereOf<M extends AnyMetric>(value: unknown, metrics: readonly M[]): { readonly where: WhereClause<M>[]; readonly issues: SpecIssue[] } {
  if (value === undefined) return { where: [], issues: [] };
  if (!isMapping(value)) {
    return { where: [], issues: [{ path: 'where', message: `where maps metrics to bounds, e.g. { ttftS: { max: 2 } }${got({ input: value })}` }] };
  }
  const where: WhereClause<M>[] = [];
  const issues: SpecIssue[] = [];
  const firstName = new Map<M, string>();
  for (const [name, bounds] of Object.entries(value as Record<string, unknown>)) {
    const path = `where.${name}`;
    const metric = specMetric(name, metrics);
    if (metric === undefined) {
      issues.push({ path, message: unknownMetricMessage(name, metrics) });
      continue;
    }
    const earlier = firstName.get(metric);
    if (earlier !== undefined) {
      issues.push({ path, message: `${render(name)} is ${metric}, as where.${earlier} is; give each metric one entry, with min, max or both` });
      continue;
    }
    firstName.set(metric, name);
    const clause = clauseOf(metric, bounds, path, issues);
    if (clause !== undefined) where.push(clause);
  }
  return { where: sortWhere(where, metrics), issues };
}

/** One `where` entry's bounds: finite numbers, at least one, min ≤ max. Pushes issues and returns undefined when wrong. */
function clauseOf<M extends AnyMetric>(metric: M, bounds: unknown, path: string, issues: SpecIssue[]): WhereClause<M> | undefined {
  if (!isMapping(bounds)) {
    issues.push({ path, message: `a filter is { min, max } with one or both bounds (inclusive)${got({ input: bounds })}` });
    return undefined;
  }
  const given = bounds as Record<string, unknown>;
  const before = issues.length;
  for (const key of Object.keys(given).filter((k) => k !== 'min' && k !== 'max')) {
    const hint = closest(key, ['min', 'max']);
    issues.push({ path: `${path}.${key}`, message: `unknown field "${key}"${hint === undefined ? '.' : `; did you mean "${hint}"?`} Allowed: min, max` });
  }
  for (const side of ['min', 'max'] as const) {
    const x = given[side];
    if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x))) {
      issues.push({ path: `${path}.${side}`, message: `must be a finite number${got({ input: x })}` });
    }
  }
  const { min, max } = given as { min?: number; max?: number };
  if (min === undefined && max === undefined) issues.push({ path, message: 'a filter needs min, max or both, e.g. { max: 2 }' });
  else if (issues.length === before && min !== undefined && max !== undefined && min > max) {
    issues.push({ path, message: `min must be ≤ max, got min ${min} and max ${max}` });
  }
  if (issues.length > before) return undefined;
  return { metric, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

const groupKey = v.picklist(['model', 'chip', 'hardware'] as const, (i) => `must be model or chip (hardware is the same as chip)${got(i)}`);

/** `groupBy`: model, chip (or hardware), or a list of them; canonical order, each once. */
const groupBySchema = v.pipe(
  shaped<string | string[]>(
    (x) => (isList(x) ? v.array(groupKey) : typeof x === 'string' ? groupKey : undefined),
    (x) => `groupBy takes [model], [chip] or [model, chip]${got({ input: x })}`,
  ),
  v.transform((value): GroupKey[] => normaliseGroupBy(Array.isArray(value) ? value : [value]) ?? []),
);

/**
 * The largest top-k: k rows per group. The kernel keeps its k entries sorted and shifts them on
 * each insert, and every kept row is evaluated again, held and printed. Measured on the shipped
 * Llama 70B example (388,800 configurations, 2 threads): k 10,000 takes 2.1 s and 287 MB (k 10:
 * 0.4 s), grouped per chip 4.5 s and 746 MB; k 100,000 takes 15 s and 1.2 GB, and 1e8 exhausts the
 * kernel's memory. Every configuration's row goes to a file with `writeRows` instead.
 */
export const MAX_TOP_K = 10_000;

function reducersSchema<M extends AnyMetric>(METRICS: readonly M[], defaultDirection: (m: M) => Direction) {
/** A metric by full or short name. */
const metric = v.pipe(
  v.string((i) => `must be a metric name${got(i)}`),
  v.rawTransform(({ dataset, addIssue, NEVER }): M => {
    const found = specMetric(dataset.value, METRICS);
    if (found === undefined) {
      addIssue({ message: unknownMetricMessage(dataset.value, METRICS) });
      return NEVER;
    }
    return found;
  }),
);
/** `metric`, `metric:min|max`, or `{ metric, direction }`. */
const objective = v.pipe(
  v.union(
    [v.string(), v.strictObject({ metric: v.string(), direction: v.optional(v.string()) })],
    (i) => `an objective is a metric name, optionally with :min or :max, or { metric, direction }${got(i)}`,
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }): Objective<M> => {
    const value = dataset.value;
    const [name, dir] = typeof value === 'string' ? value.split(':') : [value.metric, value.direction];
    const found = specMetric(name ?? '', METRICS);
    if (found === undefined) {
      addIssue({ message: unknownMetricMessage(name ?? '', METRICS) });
      return NEVER;
    }
    if (dir !== undefined && dir !== 'min' && dir !== 'max') {
      addIssue({ message: `direction must be min or max, got ${render(dir)}` });
      return NEVER;
    }
    return { metric: found, direction: dir ?? defaultDirection(found) };
  }),
);

const histogram = v.pipe(
  v.strictObject({
    metric,
    // every metric is ≥ 0, so a histogram starts at 0 or above (and no edge prints as a negative figure)
    min: v.pipe(v.number('min must be a number'), v.finite('min must be a finite number'), v.minValue(0, 'min must be ≥ 0: every metric is')),
    max: v.pipe(v.number('max must be a number'), v.finite('max must be a finite number')),
    bins: v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'bins must be an integer ≥ 1'), v.maxValue(100_000, 'bins must be at most 100000')),
    scale: v.optional(v.picklist(['linear', 'log'] as const, (i) => `must be linear or log${got(i)}`), 'linear'),
  }),
  v.check((h) => h.max > h.min, 'a histogram needs max > min'),
  v.check((h) => h.scale === 'linear' || h.min > 0, 'a log histogram needs min > 0'),
);

const reducers = v.strictObject({
  pareto: v.optional(
    v.pipe(
      v.array(objective),
      v.check((o) => o.length === 0 || o.length === 2 || o.length === 3, 'pareto takes 2 or 3 objectives (or none)'),
    ),
  ),
  // nullable, not a union with null: a union reports its own "Invalid type" instead of the
  // object's per-field issues (reducers.top.by: unknown metric …)
  top: v.optional(
    v.nullable(
      v.pipe(
        v.strictObject(
          {
            k: v.pipe(v.number('k must be a number'), v.safeInteger(`k must be an integer from 1 to ${MAX_TOP_K.toLocaleString('en')}`), v.minValue(1, 'k must be an integer ≥ 1'), v.maxValue(MAX_TOP_K, `k must be at most ${MAX_TOP_K.toLocaleString('en')}`)),
            by: v.union([v.string(), v.strictObject({ metric, direction: v.optional(direction) })]),
            direction: v.optional(direction),
          },
          (i) => `top is null or { k, by }${got(i)}`,
        ),
        v.rawTransform(({ dataset, addIssue, NEVER }) => {
          const by = dataset.value.by;
          const parsed = v.safeParse(objective, typeof by === 'string' && dataset.value.direction !== undefined ? `${by}:${dataset.value.direction}` : by);
          if (!parsed.success) {
            addIssue({
              message: parsed.issues[0]?.message ?? 'must be a metric',
              path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'by', value: by }],
            });
            return NEVER;
          }
          return { ...parsed.output, k: dataset.value.k };
        }),
      ),
    ),
  ),
  histograms: v.optional(v.array(histogram)),
  groupBy: v.optional(groupBySchema),
});
return reducers;
}

/** An integer from `min` to a `MODEL_LIMITS` limit; the rest of an inline model is checked by `validateModelSpec`. */
const sizeField = (min: number, limit: number) => {
  const problem = (x: number): string | undefined =>
    !Number.isInteger(x) || x < min ? `must be an integer ≥ ${min}` : x > limit ? `must be at most ${limitText(limit)}` : undefined;
  return v.pipe(
    v.number((i) => `must be an integer ≥ ${min}${got(i)}`),
    v.check((x) => problem(x) === undefined, (i) => `${problem(i.input) ?? 'is out of range'}${got(i)}`),
  );
};
const inlineModel = v.looseObject(
  {
    id: v.pipe(v.string('an inline model needs an id (a string)'), v.nonEmpty('an inline model needs an id')),
    name: v.optional(v.string()),
    layers: sizeField(1, MODEL_LIMITS.layers),
    hiddenSize: sizeField(1, MODEL_LIMITS.hiddenSize),
    heads: sizeField(1, MODEL_LIMITS.heads),
    kvHeads: sizeField(1, MODEL_LIMITS.heads),
    headDim: sizeField(1, MODEL_LIMITS.headDim),
    ffnHiddenSize: sizeField(0, MODEL_LIMITS.ffnHiddenSize),
    gatedFfn: v.boolean((i) => `must be true or false${got(i)}`),
    vocabSize: sizeField(1, MODEL_LIMITS.vocabSize),
    tiedEmbeddings: v.boolean((i) => `must be true or false${got(i)}`),
  },
  // valibot gives a missing key this object-level message too
  (i) => (i.input === undefined ? 'is required' : `a model is a catalog id or an inline ModelSpec object${got(i)}`),
);

const hardwareEntry = v.union(
  [
    v.pipe(v.string(), v.nonEmpty('a chip id cannot be empty')),
    v.strictObject({
      chip: v.pipe(v.string('chip must be a chip id'), v.nonEmpty('a chip id cannot be empty')),
      usdPerChipHour: v.optional(
        v.pipe(
          v.number(),
          v.minValue(0, (i) => `usdPerChipHour must be a price ≥ 0${got(i)}`),
          v.maxValue(WORKLOAD_LIMITS.usdPerChipHour, (i) => `must be at most ${limitText(WORKLOAD_LIMITS.usdPerChipHour)}${got(i)}`),
        ),
      ),
    }),
  ],
  (i) => `a hardware entry is a chip id or { chip, usdPerChipHour }${got(i)}`,
);

/** What `pue` takes, in the words of `estimate --pue`'s error. */
const PUE_ALLOWED = `a power usage effectiveness from ${TCO_LIMITS.pue.min} to ${TCO_LIMITS.pue.max}`;

const KNOWN_KEYS = [
  'models',
  'hardware',
  'chips',
  'dp',
  'tp',
  'pp',
  'ep',
  'redundantExperts',
  'batch',
  'inputTokens',
  'outputTokens',
  'precisions',
  'attentionSharding',
  'commOverlap',
  'moeImbalance',
  'twoBatchOverlap',
  'schedule',
  'chunkTokens',
  'speculative',
  'draftTokens',
  'acceptance',
  'draftModels',
  ...DISAGGREGATION_AXES,
  'pue',
  'where',
  'reducers',
] as const;

const TRAINING_KEYS = [
  'mode',
  'models',
  'hardware',
  'chips',
  'dp',
  'tp',
  'pp',
  'cp',
  'ep',
  'sequenceLength',
  'globalBatch',
  'microBatch',
  'virtualStages',
  'totalTokens',
  'precision',
  'zeroStage',
  'recompute',
  'sequenceParallel',
  'commOverlap',
  'optimizerBytesPerParam',
  'where',
  'reducers',
] as const;

/** A list of models: catalog ids or inline ModelSpecs, at least one. */
function modelList(field: string, example: string) {
  return v.pipe(
    // Dispatch on the entry's shape rather than a union, so an inline model's own problems (a missing
    // or malformed field) are reported, not only "not a model".
    v.array(
      shaped<string | v.InferOutput<typeof inlineModel>>(
        (x) => (typeof x === 'string' ? v.pipe(v.string(), v.nonEmpty('a model id cannot be empty')) : isMapping(x) ? inlineModel : undefined),
        (x) => `a model is a catalog id or an inline ModelSpec object${got({ input: x })}`,
      ),
      (i) => `${field} is a list of catalog ids or inline ModelSpecs${got(i)}`,
    ),
    v.minLength(1, `${field} needs at least one model (a catalog id such as ${example}, or an inline ModelSpec)`),
  );
}
const modelsSchema = modelList('models', 'llama-3.1-70b');
const hardwareSchema = v.pipe(v.array(hardwareEntry), v.minLength(1, 'hardware needs at least one chip id (such as h100-sxm)'));

/** true, false or "auto", or a list of them. */
function switchAxis(field: string) {
  const one = v.union([v.boolean(), v.literal('auto')], (i) => `must be true, false or "auto"${got(i)}`);
  const list = v.pipe(v.array(one), v.minLength(1, `${field} needs at least one value`));
  return v.pipe(
    shaped<boolean | 'auto' | (boolean | 'auto')[]>(
      (x) => (isList(x) ? list : isMapping(x) ? undefined : one),
      (x) => `${field} must be true, false or "auto", or a list of them${got({ input: x })}`,
    ),
    v.transform((value): (boolean | 'auto')[] => (Array.isArray(value) ? value : [value])),
  );
}

const trainingSchema = v.pipe(
  v.strictObject(
    {
      mode: v.literal('training'),
      models: modelsSchema,
      hardware: hardwareSchema,
      chips: v.optional(integerAxis('chips', 1, undefined, WORKLOAD_LIMITS.chips)),
      dp: v.optional(integerAxis('dp', 1, undefined, WORKLOAD_LIMITS.chips)),
      tp: v.optional(integerAxis('tp', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      pp: v.optional(integerAxis('pp', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      cp: v.optional(integerAxis('cp', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      ep: v.optional(integerAxis('ep', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      sequenceLength: v.optional(integerAxis('sequenceLength', 1, undefined, WORKLOAD_LIMITS.tokens), 4096),
      globalBatch: v.optional(integerAxis('globalBatch', 1, undefined, WORKLOAD_LIMITS.batch), 512),
      microBatch: v.optional(integerAxis('microBatch', 1, undefined, WORKLOAD_LIMITS.batch), 1),
      virtualStages: v.optional(integerAxis('virtualStages', 1, undefined, WORKLOAD_LIMITS.virtualStages), 1),
      totalTokens: v.optional(numberAxis('totalTokens', Number.MIN_VALUE, Number.MAX_VALUE, 'a positive number of tokens', undefined, false, WORKLOAD_LIMITS.totalTokens)),
      precision: v.optional(enumAxis('precision', PRECISIONS), 'bf16'),
      zeroStage: v.optional(integerAxis('zeroStage', 0, 3), 0),
      recompute: v.optional(enumAxis('recompute', RECOMPUTES), 'selective'),
      sequenceParallel: v.optional(switchAxis('sequenceParallel'), 'auto'),
      commOverlap: v.optional(numberAxis('commOverlap', 0, 1, 'a fraction in [0, 1]', 'auto'), 'auto'),
      optimizerBytesPerParam: v.optional(numberAxis('optimizerBytesPerParam', 0, Number.MAX_VALUE, 'a number of bytes ≥ 0', undefined, false, WORKLOAD_LIMITS.optimizerBytesPerParam), 12),
      // checked by whereOf, which names each metric's path
      where: v.optional(v.unknown()),
      reducers: v.optional(reducersSchema(TRAINING_METRICS, defaultTrainingDirection), {}),
    },
    (i) => `unknown field${got(i)}`,
  ),
  v.check((s) => !(s.chips !== undefined && s.dp !== undefined), 'give chips or dp, not both (with dp, chips = dp·tp·pp·cp)'),
);

const specSchema = v.pipe(
  v.strictObject(
    {
      mode: v.optional(v.literal('inference', (i) => `must be inference or training${got(i)}`)),
      models: modelsSchema,
      hardware: hardwareSchema,
      chips: v.optional(integerAxis('chips', 1, undefined, WORKLOAD_LIMITS.chips)),
      dp: v.optional(integerAxis('dp', 1, undefined, WORKLOAD_LIMITS.chips)),
      tp: v.optional(integerAxis('tp', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      pp: v.optional(integerAxis('pp', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      ep: v.optional(integerAxis('ep', 1, undefined, WORKLOAD_LIMITS.chips), 1),
      redundantExperts: v.optional(numberAxis('redundantExperts', 0, Number.MAX_SAFE_INTEGER, 'an integer ≥ 0', 'auto', true), 'auto'),
      batch: v.optional(integerAxis('batch', 1, undefined, WORKLOAD_LIMITS.batch), 1),
      inputTokens: v.optional(integerAxis('inputTokens', 1, undefined, WORKLOAD_LIMITS.tokens), 2048),
      outputTokens: v.optional(integerAxis('outputTokens', 1, undefined, WORKLOAD_LIMITS.tokens), 256),
      precisions: v.optional(
        v.strictObject({
          weights: v.optional(enumAxis('precisions.weights', PRECISIONS), 'bf16'),
          kvCache: v.optional(enumAxis('precisions.kvCache', PRECISIONS), 'bf16'),
          activations: v.optional(enumAxis('precisions.activations', PRECISIONS), 'bf16'),
          attentionWeights: v.optional(enumAxis('precisions.attentionWeights', PRECISIONS)),
        }),
        {},
      ),
      attentionSharding: v.optional(enumAxis('attentionSharding', ['heads', 'batch', 'dp'] as const), 'heads'),
      commOverlap: v.optional(numberAxis('commOverlap', 0, 1, 'a fraction in [0, 1]', 'auto'), 'auto'),
      moeImbalance: v.optional(numberAxis('moeImbalance', 1, Number.MAX_VALUE, 'a factor ≥ 1', undefined, false, WORKLOAD_LIMITS.moeImbalance), DEFAULT_MOE_IMBALANCE),
      twoBatchOverlap: v.optional(booleanAxis('twoBatchOverlap'), false),
      schedule: v.optional(enumAxis('schedule', SCHEDULES), 'continuous'),
      chunkTokens: v.optional(integerAxis('chunkTokens', 1, undefined, WORKLOAD_LIMITS.tokens), PREFILL_CHUNK_TOKENS),
      speculative: v.optional(enumAxis('speculative', SPECULATIVE_MODES), 'none'),
      draftTokens: v.optional(integerAxis('draftTokens', 1, MAX_DRAFT_TOKENS), 1),
      // no default here: a spec with draft must give it (validateSweepSpec fills in 0.85 otherwise)
      acceptance: v.optional(numberAxis('acceptance', 0, 1, 'a probability in [0, 1]')),
      draftModels: v.optional(modelList('draftModels', 'llama-3.1-8b')),
      prefillWorkers: v.optional(integerAxis('prefillWorkers', 0, MAX_WORKERS), 0),
      decodeWorkers: v.optional(integerAxis('decodeWorkers', 1, MAX_WORKERS), 1),
      prefillHardware: v.optional(chipIdAxis('prefillHardware'), 'same'),
      prefillTp: v.optional(numberAxis('prefillTp', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1', 'auto', true, WORKLOAD_LIMITS.chips), 'auto'),
      prefillEp: v.optional(numberAxis('prefillEp', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1', 'auto', true, WORKLOAD_LIMITS.chips), 'auto'),
      prefillAttention: v.optional(enumAxis('prefillAttention', ['heads', 'dp'] as const), 'heads'),
      // one value, not an axis: the facility the whole sweep is provisioned in (estimate's --pue bounds)
      pue: v.optional(
        v.pipe(
          v.number((i) => `must be ${PUE_ALLOWED}${got(i)}`),
          v.check((x) => Number.isFinite(x) && x >= TCO_LIMITS.pue.min && x <= TCO_LIMITS.pue.max, (i) => `must be ${PUE_ALLOWED}${got(i)}`),
        ),
        DEFAULT_PUE,
      ),
      // checked by whereOf, which names each metric's path
      where: v.optional(v.unknown()),
      reducers: v.optional(reducersSchema(METRICS, defaultDirection), {}),
    },
    (i) => `unknown field${got(i)}`,
  ),
  v.check((s) => !(s.chips !== undefined && s.dp !== undefined), 'give chips or dp, not both (with dp, chips = tp·pp·dp)'),
);

type AnyIssue = v.BaseIssue<unknown>;

/** A valibot issue's path as people write it: `reducers.top.k`, `tp[1]`. */
export function pathOf(issue: AnyIssue): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (key !== undefined) out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The issues to show for one valibot issue: for a union, the deepest issues of its closest branch. */
function leafIssues(issue: AnyIssue): AnyIssue[] {
  if (issue.type === 'union' && issue.issues !== undefined && issue.issues.length > 0) {
    // a union's own issues carry paths relative to it (valibot prefixes only the outer issue)
    const depth = (i: AnyIssue): number => i.path?.length ?? 0;
    const deepest = Math.max(...issue.issues.map(depth));
    if (deepest > 0) {
      return issue.issues
        .filter((i) => depth(i) === deepest)
        .map((i) => ({ ...i, path: [...(issue.path ?? []), ...(i.path ?? [])] }) as AnyIssue)
        .flatMap(leafIssues);
    }
  }
  return [issue];
}

function toSpecIssues(issues: readonly AnyIssue[], knownKeys: readonly string[] = KNOWN_KEYS): SpecIssue[] {
  const out: SpecIssue[] = [];
  const seen = new Set<string>();
  for (const issue of issues.flatMap(leafIssues)) {
    let path = pathOf(issue);
    let message = issue.message;
    if (
      (issue.type === 'strict_object' || issue.type === 'loose_object') &&
      (issue.input === undefined || issue.expected === 'never') &&
      typeof (issue.path?.at(-1) as { key?: unknown } | undefined)?.key === 'string'
    ) {
      const key = String((issue.path?.at(-1) as { key: string }).key);
      const parent = path.slice(0, Math.max(0, path.length - key.length - 1));
      const allowed: readonly string[] =
        parent === '' ? knownKeys : parent === 'precisions' ? ['weights', 'kvCache', 'activations', 'attentionWeights'] : parent === 'reducers' ? ['pareto', 'top', 'histograms', 'groupBy'] : [];
      if (issue.input === undefined && issue.expected !== 'never') {
        // valibot reports a missing required key under the object's own issue type, like an unknown one
        message = "is required";
      } else {
        const hint = closest(key, allowed);
        const list = allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}` : '';
        message = `unknown field "${key}"${hint === undefined ? (list === '' ? '' : `.${list}`) : `; did you mean "${hint}"?${list}`}`;
      }
      path = parent === '' ? key : `${parent}.${key}`;
    }
    const line = `${path}\u0000${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ path, message });
  }
  return out;
}

/**
 * Reads a sweep spec from YAML or JSON text (JSON is YAML) and validates it, filling in defaults.
 * Throws `SweepSpecError` listing every problem with its path and the allowed values.
 *
 * @example
 * const spec = parseSweepSpec('models: [llama-3.1-70b]\nhardware: [h100-sxm]\ntp: [1, 2, 4, 8]\nchips: 8\n');
 * spec.tp; // [1, 2, 4, 8]
 */
export function parseSweepSpec(text: string, source = 'sweep spec'): SweepSpec {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new SweepSpecError([{ path: '', message: `not valid YAML or JSON: ${message}` }], source);
  }
  return validateSweepSpec(data, source);
}

/** One issue per value that repeats an earlier one of the same axis. */
function duplicateIssues(path: string, values: readonly unknown[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  values.forEach((value, i) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) issues.push({ path: `${path}[${i}]`, message: `${render(value)} appears twice; each value of an axis must be distinct` });
    seen.add(key);
  });
  return issues;
}

type RawHardware = string | { readonly chip: string; readonly usdPerChipHour?: number | undefined };

/** Models and chips named twice (ids compare case-insensitively; a chip at two prices is two entries). */
function modelAndHardwareDuplicates(s: { readonly models: readonly (string | { readonly id: string })[]; readonly hardware: readonly RawHardware[] }): SpecIssue[] {
  return [
    ...duplicateIssues('models', s.models.map((m) => (typeof m === 'string' ? m.toLowerCase() : m.id))),
    ...duplicateIssues('hardware', s.hardware.map((h) => (typeof h === 'string' ? h.toLowerCase() : `${h.chip.toLowerCase()}@${String(h.usdPerChipHour)}`))),
  ];
}

function hardwareEntries(hardware: readonly RawHardware[]): HardwareEntry[] {
  return hardware.map((h): HardwareEntry =>
    typeof h === 'string' ? { chip: h } : h.usdPerChipHour === undefined ? { chip: h.chip } : { chip: h.chip, usdPerChipHour: h.usdPerChipHour },
  );
}

/**
 * A spec's reducers with the defaults filled in: a Pareto frontier of cost against `versus` (both
 * minimised) and the ten cheapest, ungrouped; `top: null` turns the top-k off.
 */
function withDefaultReducers<M extends AnyMetric>(
  given: {
    readonly pareto?: Objective<M>[] | undefined;
    readonly top?: (Objective<M> & { readonly k: number }) | null | undefined;
    readonly histograms?: HistogramSpec<M>[] | undefined;
    readonly groupBy?: GroupKey[] | undefined;
  },
  cost: M,
  versus: M,
): ReducerSpec<M> {
  return {
    pareto: given.pareto ?? [
      { metric: cost, direction: 'min' },
      { metric: versus, direction: 'min' },
    ],
    top: given.top === null ? null : (given.top ?? { metric: cost, direction: 'min', k: 10 }),
    histograms: given.histograms ?? [],
    groupBy: given.groupBy ?? [],
  };
}

/**
 * What speculative decoding needs beyond each axis' own values, as `ridgeline estimate` asks: a
 * draft model and an acceptance for `draft` (there is no model-independent acceptance), and draft
 * models only where `draft` uses them.
 */
function speculationIssues(s: { readonly speculative: readonly SpeculativeMode[]; readonly acceptance?: unknown; readonly draftModels?: unknown }): SpecIssue[] {
  if (!s.speculative.includes('draft')) {
    return s.draftModels === undefined ? [] : [{ path: 'draftModels', message: 'draft models are the drafters of speculative: draft; add draft to speculative, or remove draftModels' }];
  }
  const issues: SpecIssue[] = [];
  if (s.draftModels === undefined) {
    issues.push({ path: 'draftModels', message: 'speculative: draft needs draftModels, the small models that draft the tokens (catalog ids such as llama-3.1-8b, or inline ModelSpecs)' });
  }
  if (s.acceptance === undefined) {
    issues.push({
      path: 'acceptance',
      message: `is required with speculative: draft: the probability each draft token is accepted, in [0, 1] (mtp alone defaults to ${DEFAULT_MTP_ACCEPTANCE}, DeepSeek-V3's MTP module)`,
    });
  }
  return issues;
}

/**
 * Validates a sweep spec given as data (see `parseSweepSpec`).
 *
 * @example
 * validateSweepSpec({ models: ['llama-3.1-8b'], hardware: ['h100-sxm'] }).batch; // [1]
 */
export function validateSweepSpec(data: unknown, source = 'sweep spec'): SweepSpec {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SweepSpecError([{ path: '', message: `a sweep spec is a mapping with models, hardware and axes such as tp, batch${got({ input: data })}` }], source);
  }
  if ((data as { mode?: unknown }).mode === 'training') {
    throw new SweepSpecError([{ path: 'mode', message: 'a training spec: read it with parseAnySweepSpec or validateTrainingSweepSpec' }], source);
  }
  return withData(data, source, () => validateMapping(data as Record<string, unknown>, source));
}

function validateMapping(data: Record<string, unknown>, source: string): SweepSpec {
  const split = splitPerModel(data);
  const attempt = (spec: Record<string, unknown>): { readonly spec?: SweepSpec; readonly issues: readonly SpecIssue[] } => {
    try {
      return { spec: validateOneGrid(spec, source), issues: [] };
    } catch (error) {
      if (error instanceof SweepSpecError) return { issues: error.issues };
      throw error;
    }
  };
  const base = attempt(split.base);
  const issues: SpecIssue[] = [...split.issues, ...base.issues];
  const seen = new Set(base.issues.map((i) => `${i.path}\u0000${i.message}`));
  const perModel: Record<string, PerModelAxes> = {};
  for (const [key, overrides] of split.models) {
    const spec = structuredClone(split.base);
    for (const { path, value } of overrides) setAt(spec, path, value);
    const own = attempt(spec);
    for (const issue of own.issues) {
      // the base's own problems are reported once; a model's are named at its entry
      if (seen.has(`${issue.path}\u0000${issue.message}`)) continue;
      const axis = overrides.find((o) => issue.path === o.path.join('.') || issue.path.startsWith(`${o.path.join('.')}[`));
      issues.push(
        axis === undefined
          ? { path: issue.path, message: `for model ${JSON.stringify(key)}: ${issue.message}` }
          : { path: `${axis.path.join('.')}.${key}${issue.path.slice(axis.path.join('.').length)}`, message: issue.message },
      );
    }
    if (own.spec === undefined) continue;
    const picked: Record<string, unknown> = {};
    for (const { path } of overrides) {
      const [field] = path;
      if (field === 'precisions') picked['precisions'] = own.spec.precisions;
      else if (field !== undefined) picked[field] = own.spec[field as (typeof PER_MODEL_AXES)[number]];
    }
    perModel[key] = picked as PerModelAxes;
  }
  if (issues.length > 0 || base.spec === undefined) throw new SweepSpecError(issues, source);
  return Object.keys(perModel).length === 0 ? base.spec : { ...base.spec, perModel };
}

/** Where each per-model axis sits in a spec. */
const PER_MODEL_PATHS: readonly (readonly string[])[] = [
  ...PER_MODEL_AXES.map((a) => [a]),
  ['precisions', 'weights'],
  ['precisions', 'kvCache'],
  ['precisions', 'activations'],
  ['precisions', 'attentionWeights'],
];

const RANGE_KEYS = ['from', 'to', 'step', 'times'];

function getAt(data: Record<string, unknown>, path: readonly string[]): unknown {
  let at: unknown = data;
  for (const key of path) at = isMapping(at) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

function setAt(data: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = data;
  path.slice(0, -1).forEach((key) => {
    if (!isMapping(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  });
  const last = path.at(-1) ?? '';
  if (value === undefined) delete at[last];
  else at[last] = value;
}

/**
 * A spec's axes written per model (`ep: { default: 1, deepseek-r1: [1, 2, 4, 8] }`): the spec with
 * each such axis at its `default` (absent: the axis' own default), and per model the axes it gives.
 * A mapping with a range's keys (from, to, step, times) is a range, not a per-model axis. Keys
 * name models as `models` writes them (case-insensitive); anything else is an issue.
 */
function splitPerModel(data: Record<string, unknown>): {
  readonly base: Record<string, unknown>;
  readonly models: Map<string, { readonly path: readonly string[]; readonly value: unknown }[]>;
  readonly issues: SpecIssue[];
} {
  const base = structuredClone(data);
  const models = new Map<string, { path: readonly string[]; value: unknown }[]>();
  const issues: SpecIssue[] = [];
  const listed = Array.isArray(data['models']) ? (data['models'] as unknown[]) : [];
  const chips = data['chips'];
  const chipsMode = chips !== undefined && !(isMapping(chips) && !Object.keys(chips as object).some((k) => RANGE_KEYS.includes(k)) && (chips as Record<string, unknown>)['default'] === undefined);
  const keys = listed.flatMap((m): string[] => (typeof m === 'string' ? [m] : isMapping(m) && typeof (m as { id?: unknown }).id === 'string' ? [(m as { id: string }).id] : []));
  for (const path of PER_MODEL_PATHS) {
    const value = getAt(data, path);
    if (!isMapping(value) || Object.keys(value as object).some((k) => RANGE_KEYS.includes(k))) continue;
    const field = path.join('.');
    const entries = Object.entries(value as Record<string, unknown>);
    setAt(base, path, (value as Record<string, unknown>)['default']);
    const named = new Map<string, string>();
    for (const [name, values] of entries) {
      if (name === 'default') continue;
      const key = keys.find((k) => k === name) ?? keys.find((k) => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) {
        const hint = closest(name, keys);
        issues.push({
          path: `${field}.${name}`,
          message: `${render(name)} is not a model of this spec${hint === undefined ? '' : `; did you mean "${hint}"?`} Per-model values are keyed by default or a model of models: ${keys.join(', ')}`,
        });
        continue;
      }
      const earlier = named.get(key);
      if (earlier !== undefined) {
        issues.push({ path: `${field}.${name}`, message: `${render(name)} is the model ${render(key)}, as ${field}.${earlier} is; give each model one entry` });
        continue;
      }
      named.set(key, name);
      // one sweep counts chips or dp (with dp, chips = tp·pp·dp): a model gives the one the others do
      if ((field === 'chips' && !chipsMode) || (field === 'dp' && chipsMode)) {
        issues.push({
          path: `${field}.${name}`,
          message: field === 'chips' ? 'the other models count dp: give chips a default too, or give this model dp' : 'the other models count chips: give this model chips',
        });
        continue;
      }
      const own = models.get(key) ?? [];
      own.push({ path, value: values });
      models.set(key, own);
    }
  }
  return { base, models, issues };
}

const SPEC_FIELDS = specSchema.pipe[0].entries;
type ParsedSpec = v.InferOutput<typeof specSchema>;

/** The inference axes whose values must be distinct (prefillHardware and precisions apart). */
const DISTINCT_AXES = [
  'chips', 'dp', 'tp', 'pp', 'ep', 'redundantExperts', 'batch', 'inputTokens', 'outputTokens', 'attentionSharding', 'commOverlap', 'moeImbalance', 'schedule', 'chunkTokens',
  'twoBatchOverlap', 'speculative', 'draftTokens', 'acceptance', 'prefillWorkers', 'decodeWorkers', 'prefillTp', 'prefillEp', 'prefillAttention',
] as const;

/**
 * The rules across values and fields, on the fields that parsed (`s` holds those): repeated values,
 * static with prefill workers, what speculative decoding needs. Each rule runs when its fields did.
 */
function crossFieldIssues(s: Partial<ParsedSpec>): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const axis of DISTINCT_AXES) {
    const values = s[axis];
    if (values !== undefined) issues.push(...duplicateIssues(axis, values));
  }
  if (s.prefillHardware !== undefined) issues.push(...duplicateIssues('prefillHardware', s.prefillHardware.map((h) => h.toLowerCase())));
  if (s.prefillWorkers !== undefined && s.schedule !== undefined && s.prefillWorkers.some((n) => n > 0) && s.schedule.includes('static')) {
    issues.push({ path: 'schedule', message: 'static cannot run with prefillWorkers above 0: disaggregated decode workers batch continuously (docs/MODEL.md §8); remove static, or set prefillWorkers to 0' });
  }
  if (s.precisions !== undefined) {
    for (const p of ['weights', 'kvCache', 'activations', 'attentionWeights'] as const) {
      const values = s.precisions[p];
      if (values !== undefined) issues.push(...duplicateIssues(`precisions.${p}`, values));
    }
  }
  if (s.models !== undefined && s.hardware !== undefined) issues.push(...modelAndHardwareDuplicates({ models: s.models, hardware: s.hardware }));
  else {
    if (s.models !== undefined) issues.push(...modelAndHardwareDuplicates({ models: s.models, hardware: [] }));
    if (s.hardware !== undefined) issues.push(...modelAndHardwareDuplicates({ models: [], hardware: s.hardware }));
  }
  if (s.draftModels !== undefined) issues.push(...duplicateIssues('draftModels', s.draftModels.map((m) => (typeof m === 'string' ? m.toLowerCase() : m.id))));
  if (s.speculative !== undefined) issues.push(...speculationIssues({ speculative: s.speculative, acceptance: s.acceptance, draftModels: s.draftModels }));
  return issues;
}

function validateOneGrid(data: Record<string, unknown>, source: string): SweepSpec {
  const result = v.safeParse(specSchema, data);
  const filters = whereOf((data as { where?: unknown }).where, METRICS);
  if (!result.success) {
    // in the same round: the rules across values and fields, on the fields that parsed alone,
    // and values repeated in lists the schema could not read whole
    const schemaIssues = toSpecIssues(result.issues);
    const parsed: Record<string, unknown> = {};
    const failed = new Set<string>();
    for (const [key, schema] of Object.entries(SPEC_FIELDS)) {
      const field = v.safeParse(schema as v.GenericSchema, data[key]);
      if (field.success) parsed[key] = field.output;
      else failed.add(key);
    }
    const repeated = [...PER_MODEL_PATHS.map((p) => p.join('.')), 'prefillHardware'].flatMap((field) => {
      const raw = getAt(data, field.split('.'));
      if (!Array.isArray(raw) || !failed.has(field.split('.')[0] ?? field) || schemaIssues.some((i) => i.path === field)) return [];
      return duplicateIssues(field, field === 'prefillHardware' ? raw.map((x: unknown) => (typeof x === 'string' ? x.toLowerCase() : x)) : raw).filter((d) => !schemaIssues.some((i) => i.path === d.path));
    });
    const across = crossFieldIssues(parsed as Partial<ParsedSpec>);
    if (data['chips'] !== undefined && data['dp'] !== undefined) across.push({ path: '', message: 'give chips or dp, not both (with dp, chips = tp·pp·dp)' });
    const said = new Set(schemaIssues.map((i) => `${i.path}\u0000${i.message}`));
    // a field the schema refused has been spoken of: no second word on it (draftModels: [] is not missing)
    const fresh = across.filter((i) => !said.has(`${i.path}\u0000${i.message}`) && !failed.has(i.path.split(/[.[]/)[0] ?? i.path));
    throw new SweepSpecError([...schemaIssues, ...repeated, ...fresh, ...filters.issues], source);
  }
  const s = result.output;
  const issues: SpecIssue[] = [...filters.issues, ...crossFieldIssues(s)];
  if (issues.length > 0) throw new SweepSpecError(issues, source);
  return {
    models: s.models as (string | ModelSpec)[],
    hardware: hardwareEntries(s.hardware),
    chips: s.chips ?? null,
    dp: s.chips === undefined ? (s.dp ?? [1]) : null,
    tp: s.tp,
    pp: s.pp,
    ep: s.ep,
    redundantExperts: s.redundantExperts,
    batch: s.batch,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    precisions: s.precisions,
    attentionSharding: s.attentionSharding,
    commOverlap: s.commOverlap,
    moeImbalance: s.moeImbalance as number[],
    twoBatchOverlap: s.twoBatchOverlap,
    schedule: s.schedule,
    chunkTokens: s.chunkTokens,
    speculative: s.speculative,
    draftTokens: s.draftTokens,
    ...(s.acceptance === undefined ? {} : { acceptance: s.acceptance as number[] }),
    draftModels: (s.draftModels ?? []) as (string | ModelSpec)[],
    prefillWorkers: s.prefillWorkers,
    decodeWorkers: s.decodeWorkers,
    prefillHardware: s.prefillHardware,
    prefillTp: s.prefillTp,
    prefillEp: s.prefillEp,
    prefillAttention: s.prefillAttention,
    where: filters.where,
    pue: s.pue,
    reducers: withDefaultReducers(s.reducers, 'costPerMillionTokensUsd', 'tpotS'),
  };
}

/**
 * Validates a training sweep spec (`mode: training`) given as data, filling in defaults. Throws
 * `SweepSpecError` listing every problem with its path and the allowed values.
 *
 * @example
 * validateTrainingSweepSpec({ mode: 'training', models: ['llama-3.1-8b'], hardware: ['h100-sxm'], totalTokens: 1e12 }).tp; // [1]
 */
export function validateTrainingSweepSpec(data: unknown, source = 'sweep spec'): TrainingSweepSpec {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SweepSpecError([{ path: '', message: `a training sweep spec is a mapping with mode: training, models, hardware, totalTokens and axes such as tp, dp${got({ input: data })}` }], source);
  }
  return withData(data, source, () => validateTrainingMapping(data, source));
}

function validateTrainingMapping(given: object, source: string): TrainingSweepSpec {
  // axes per model are an inference spec's: said once per axis, the axis then left to its default
  const data: Record<string, unknown> = { ...(given as Record<string, unknown>) };
  const perModel = TRAINING_KEYS.filter((key) => {
    const value = data[key];
    return key !== 'reducers' && key !== 'where' && isMapping(value) && !Object.keys(value as object).some((k) => RANGE_KEYS.includes(k));
  });
  for (const key of perModel) delete data[key];
  const result = v.safeParse(trainingSchema, data);
  const filters = whereOf(data['where'], TRAINING_METRICS);
  const issues: SpecIssue[] = perModel.map((path) => ({
    path,
    message: `a training spec takes one grid: give ${path} one value, a list or a range { from, to, step | times } (axes per model are for inference specs)`,
  }));
  if (data['totalTokens'] === undefined && !perModel.includes('totalTokens')) {
    issues.push({ path: 'totalTokens', message: 'totalTokens is required: the tokens of the whole run (e.g. 15e12)' });
  }
  issues.push(...filters.issues);
  if (!result.success) throw new SweepSpecError([...issues, ...toSpecIssues(result.issues, TRAINING_KEYS)], source);
  if (issues.length > 0) throw new SweepSpecError(issues, source);
  const s = result.output;
  const axes = [
    'chips', 'dp', 'tp', 'pp', 'cp', 'ep', 'sequenceLength', 'globalBatch', 'microBatch', 'virtualStages', 'totalTokens',
    'precision', 'zeroStage', 'recompute', 'sequenceParallel', 'commOverlap', 'optimizerBytesPerParam',
  ] as const;
  for (const axis of axes) {
    const values = s[axis];
    if (values !== undefined) issues.push(...duplicateIssues(axis, values));
  }
  issues.push(...modelAndHardwareDuplicates(s));
  if (issues.length > 0) throw new SweepSpecError(issues, source);
  return {
    mode: 'training',
    models: s.models as (string | ModelSpec)[],
    hardware: hardwareEntries(s.hardware),
    chips: s.chips ?? null,
    dp: s.chips === undefined ? (s.dp ?? [1]) : null,
    tp: s.tp,
    pp: s.pp,
    cp: s.cp,
    ep: s.ep,
    sequenceLength: s.sequenceLength,
    globalBatch: s.globalBatch,
    microBatch: s.microBatch,
    virtualStages: s.virtualStages,
    totalTokens: (s.totalTokens ?? []) as number[],
    precision: s.precision,
    zeroStage: s.zeroStage,
    recompute: s.recompute,
    sequenceParallel: s.sequenceParallel,
    commOverlap: s.commOverlap,
    optimizerBytesPerParam: s.optimizerBytesPerParam as number[],
    where: filters.where,
    reducers: withDefaultReducers(s.reducers, 'costUsd', 'totalTimeS'),
  };
}

/**
 * Validates an inference or a training sweep spec (`mode: training`) given as data.
 *
 * @example
 * isTrainingSpec(validateAnySweepSpec(data));
 */
export function validateAnySweepSpec(data: unknown, source = 'sweep spec'): AnySweepSpec {
  const mode = typeof data === 'object' && data !== null ? (data as { mode?: unknown }).mode : undefined;
  return mode === 'training' ? validateTrainingSweepSpec(data, source) : validateSweepSpec(data, source);
}

/**
 * Reads an inference or a training sweep spec (`mode: training`) from YAML or JSON text.
 *
 * @example
 * const spec = parseAnySweepSpec('mode: training\nmodels: [llama-3.1-70b]\nhardware: [h100-sxm]\ntotalTokens: 15e12\n');
 */
export function parseAnySweepSpec(text: string, source = 'sweep spec'): AnySweepSpec {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new SweepSpecError([{ path: '', message: `not valid YAML or JSON: ${message}` }], source);
  }
  return validateAnySweepSpec(data, source);
}

/** Looks up a model by catalog id or alias; throws an Error whose message says what is known. */
export type ModelResolver = (id: string) => ModelSpec;
/** Looks up a chip by id or alias; throws an Error whose message says what is known. */
export type ChipResolver = (id: string) => ChipSpec;

/** A spec whose model and chip ids are resolved to specs. */
export interface ResolvedSweepSpec<S extends AnySweepSpec = SweepSpec> {
  readonly spec: S;
  readonly models: readonly ModelSpec[];
  /** An inference spec's `draftModels`, resolved like `models` (absent or `[]`: none). */
  readonly draftModels?: readonly ModelSpec[];
  readonly chips: readonly { readonly chip: ChipSpec; readonly usdPerChipHour?: number }[];
  /** An inference spec's `prefillHardware`, resolved; null for `same` (absent: every entry `same`). */
  readonly prefillChips?: readonly (ChipSpec | null)[];
}

/**
 * Resolves the spec's model, draft model and chip ids with the given resolvers (the CLI passes the
 * catalog, with Hugging Face ids and config.json paths, and the first-party plugins). Collects
 * every unknown id, and every model listed twice under two spellings (an id and its alias), into
 * one `SweepSpecError`.
 *
 * @example
 * resolveSweepSpec(spec, { model: (id) => getModel(id)!, chip: (id) => findChip(chips, id)! });
 */
export function resolveSweepSpec<S extends AnySweepSpec>(
  spec: S,
  resolvers: { readonly model: ModelResolver; readonly chip: ChipResolver },
  source = 'sweep spec',
): ResolvedSweepSpec<S> {
  const issues: SpecIssue[] = [];
  const resolveModels = (entries: readonly (string | ModelSpec)[], field: string): ModelSpec[] => {
    const out: ModelSpec[] = [];
    // Two spellings of one model (an id and its Hugging Face alias) would run it twice under one name.
    const firstById = new Map<string, { readonly index: number; readonly entry: string | ModelSpec }>();
    const spelled = (entry: string | ModelSpec): string => JSON.stringify(typeof entry === 'string' ? entry : entry.id);
    entries.forEach((m, i) => {
      let model: ModelSpec;
      if (typeof m !== 'string') {
        const partial = m as Partial<ModelSpec> & ModelSpec;
        model = { ...m, name: partial.name ?? m.id, source: partial.source ?? 'inline in the sweep spec' };
        try {
          // the schema checks the common fields; this checks MoE, MLA, windows and their relations
          validateModelSpec(model);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          issues.push({ path: `${field}[${i}].${error.field}`, message: error.message });
          return;
        }
      } else {
        try {
          model = resolvers.model(m);
        } catch (error) {
          issues.push({ path: `${field}[${i}]`, message: error instanceof Error ? error.message : String(error) });
          return;
        }
      }
      const first = firstById.get(model.id);
      if (first !== undefined) {
        issues.push({
          path: `${field}[${i}]`,
          message: `${spelled(m)} is the model ${JSON.stringify(model.id)}, as ${field}[${first.index}] ${spelled(first.entry)} is; list each model once`,
        });
        return;
      }
      firstById.set(model.id, { index: i, entry: m });
      out.push(model);
    });
    return out;
  };
  const models = resolveModels(spec.models, 'models');
  const draftModels = isTrainingSpec(spec) ? [] : resolveModels(spec.draftModels ?? [], 'draftModels');
  const chips: { chip: ChipSpec; usdPerChipHour?: number }[] = [];
  spec.hardware.forEach((h, i) => {
    try {
      const chip = resolvers.chip(h.chip);
      chips.push(h.usdPerChipHour === undefined ? { chip } : { chip, usdPerChipHour: h.usdPerChipHour });
    } catch (error) {
      issues.push({ path: `hardware[${i}]`, message: error instanceof Error ? error.message : String(error) });
    }
  });
  const prefillChips: (ChipSpec | null)[] = [];
  (isTrainingSpec(spec) ? [] : (spec.prefillHardware ?? ['same'])).forEach((id, i) => {
    if (id.toLowerCase() === 'same') {
      prefillChips.push(null);
      return;
    }
    try {
      prefillChips.push(resolvers.chip(id));
    } catch (error) {
      issues.push({ path: `prefillHardware[${i}]`, message: error instanceof Error ? error.message : String(error) });
    }
  });
  if (issues.length > 0) throw new SweepSpecError(issues, source);
  return { spec, models, chips, draftModels, prefillChips };
}
