import type {
  Bound,
  DisaggregationBound,
  FeasibleInferenceResult,
  FeasibleTrainingResult,
  InfeasibleInferenceResult,
  InfeasibleReason,
  InfeasibleTrainingResult,
} from '@ridgeline/model';
import { BOUNDS, DISAGGREGATION_BOUND_CODES, N_OUT, OUTPUTS, REASONS, STATE, type Output } from './descriptors.ts';
import { outputsDigest } from './digest.ts';
import { sweepResultProblem } from './result-check.ts';
import type { Kernel } from './engine.ts';
import { groupOf, groupShapeOf, type GroupShape } from './groups.ts';
import { modelStarts, type AnySweepPlan, type SweepConfig, type TrainingSweepConfig } from './plan.ts';
import { isTrainingSpec, type AnyMetric, type AnySweepSpec, type HistogramSpec, type Objective, type ReducerSpec } from './spec.ts';
import { TRAINING_OUTPUTS, type TrainingMetric } from './training.ts';

/**
 * A configuration kept by a reducer: its index, its keys (sign·value, smaller is better), its
 * group, the digest of its outputs (top-k entries), its row once known.
 */
export interface SweepEntry {
  readonly index: number;
  readonly keys: readonly number[];
  /** `groupOf` its index (absent: 0, one group). Reducers keep entries of different groups apart. */
  readonly group?: number;
  /**
   * Top-k entries: `outputsDigest` of its outputs and its (model, hardware) pair. Equal key and digest
   * make one entry, the lowest index: equivalent configurations.
   */
  readonly digest?: number;
  readonly row?: AnySweepRow;
}

/** Counts over every configuration of a range. */
export interface SweepCounts {
  readonly evaluated: number;
  readonly feasible: number;
  /** Feasible configurations meeting every `where` clause (= feasible without a filter): what the other reducers saw. */
  readonly matched: number;
  readonly infeasible: Readonly<Record<InfeasibleReason, number>>;
  /** Matching configurations by the bound that dominated each phase. */
  readonly bound: { readonly prefill: Readonly<Record<Bound, number>>; readonly decode: Readonly<Record<Bound, number>> };
}

/** Reducer state of a range of configurations: mergeable, and independent of evaluation order. */
export interface SweepState {
  readonly fingerprint: string;
  readonly total: number;
  /** The index ranges covered, sorted and coalesced: [[0, total]] for a whole sweep. */
  readonly ranges: readonly (readonly [number, number])[];
  readonly counts: SweepCounts;
  /** Per histogram: underflow, the bins, overflow. */
  readonly histograms: readonly (readonly number[])[];
  /** Up to k per group; sorted by group, key, then index. */
  readonly top: readonly SweepEntry[];
  /** Each group's frontier; sorted by group, keys (lexicographically), then index. */
  readonly pareto: readonly SweepEntry[];
}

/** Inference outputs only a disaggregated configuration has (null for one pool). */
type DisaggregatedOutput = 'prefillIdleShare' | 'decodeIdleShare' | 'kvTransferS';
/** Memory outputs a `capacity` infeasibility still reports (what did not fit). */
type MemoryOutput = 'memoryWeightsBytes' | 'memoryKvCacheBytes' | 'memoryActivationsBytes' | 'memoryTotalBytes' | 'memoryCapacityBytes';
type InferenceFigure = Exclude<Output, 'feasible' | 'reason' | 'boundPrefill' | 'boundDecode' | 'disaggregationBound' | 'minChipsToFit'>;

/**
 * A feasible inference row: the configuration and every figure as a number, as
 * `FeasibleInferenceResult` (of `@ridgeline/model`) has them; only the outputs of a disaggregated
 * deployment are null for a configuration of one pool. Pareto and top-k rows are all feasible.
 */
export type FeasibleSweepRow = { readonly index: number } & SweepConfig & {
    readonly [K in Exclude<InferenceFigure, DisaggregatedOutput>]: number;
  } & {
    readonly [K in DisaggregatedOutput]: number | null;
  } & {
    readonly feasible: FeasibleInferenceResult['feasible'];
    readonly reason: FeasibleInferenceResult['reason'];
    readonly minChipsToFit: FeasibleInferenceResult['minChipsToFit'];
    readonly boundPrefill: Bound;
    readonly boundDecode: Bound;
    /** What sets a disaggregated configuration's request rate; null otherwise. */
    readonly disaggregationBound: DisaggregationBound | null;
  };

/**
 * An infeasible inference row: the configuration and its reason, with no figures and no bound, as
 * `InfeasibleInferenceResult` has them; for `capacity`, the memory that did not fit and the
 * smallest chip count that would (else null).
 */
export type InfeasibleSweepRow = { readonly index: number } & SweepConfig & {
    readonly [K in Exclude<InferenceFigure, MemoryOutput>]: null;
  } & {
    readonly [K in MemoryOutput]: number | null;
  } & {
    readonly feasible: InfeasibleInferenceResult['feasible'];
    readonly reason: InfeasibleInferenceResult['reason'];
    readonly minChipsToFit: number | null;
    readonly boundPrefill: null;
    readonly boundDecode: null;
    readonly disaggregationBound: null;
  };

/** A full inference row: the configuration and every output; narrow on `feasible` before reading a figure. */
export type SweepRow = FeasibleSweepRow | InfeasibleSweepRow;

type TrainingMemoryOutput = 'memoryWeightsBytes' | 'memoryGradientsBytes' | 'memoryOptimizerBytes' | 'memoryActivationsBytes' | 'memoryTotalBytes' | 'memoryCapacityBytes';

/** A feasible training row: the configuration and every figure as a number, as `FeasibleTrainingResult` has them. */
export type FeasibleTrainingSweepRow = { readonly index: number } & TrainingSweepConfig & {
    readonly [K in TrainingMetric]: number;
  } & {
    readonly feasible: FeasibleTrainingResult['feasible'];
    readonly reason: FeasibleTrainingResult['reason'];
    readonly bound: Bound;
  };

/**
 * An infeasible training row: the configuration and its reason, no figures and no bound, as
 * `InfeasibleTrainingResult` has them; for `capacity`, the memory that did not fit (else null).
 */
export type InfeasibleTrainingSweepRow = { readonly index: number } & TrainingSweepConfig & {
    readonly [K in Exclude<TrainingMetric, TrainingMemoryOutput>]: null;
  } & {
    readonly [K in TrainingMemoryOutput]: number | null;
  } & {
    readonly feasible: InfeasibleTrainingResult['feasible'];
    readonly reason: InfeasibleTrainingResult['reason'];
    readonly bound: null;
  };

/** A full row of a training sweep: the configuration and every output; narrow on `feasible` before reading a figure. */
export type TrainingSweepRow = FeasibleTrainingSweepRow | InfeasibleTrainingSweepRow;

/** A feasible row of either kind: what a result's Pareto and top-k rows are. */
export type FeasibleAnySweepRow = FeasibleSweepRow | FeasibleTrainingSweepRow;

/** A row of either kind of sweep; `isTrainingRow` tells them apart. */
export type AnySweepRow = SweepRow | TrainingSweepRow;

/**
 * Whether a row comes from a training sweep.
 *
 * @example
 * for (const row of result.top?.rows ?? []) console.log(isTrainingRow(row) ? row.costUsd : row.costPerMillionTokensUsd);
 */
export function isTrainingRow(row: AnySweepRow): row is TrainingSweepRow {
  return 'globalBatch' in row;
}

function record<K extends string>(keys: readonly K[], values: (i: number) => number): Record<K, number> {
  return Object.fromEntries(keys.map((k, i) => [k, values(i)])) as Record<K, number>;
}

function compareEntries(a: SweepEntry, b: SweepEntry): number {
  const groups = (a.group ?? 0) - (b.group ?? 0);
  if (groups !== 0) return groups;
  for (let i = 0; i < a.keys.length; i++) {
    const x = a.keys[i] ?? 0;
    const y = b.keys[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.index - b.index;
}

/** a ≺ b: no worse in every key and better in one, or the same keys at a lower index. */
function dominates(a: SweepEntry, b: SweepEntry): boolean {
  let better = false;
  for (let i = 0; i < a.keys.length; i++) {
    const x = a.keys[i] ?? 0;
    const y = b.keys[i] ?? 0;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better || a.index < b.index;
}

/** Entries split by group, each group's entries sorted, groups in order. */
function sortedGroups(entries: readonly SweepEntry[]): SweepEntry[][] {
  const groups = new Map<number, SweepEntry[]>();
  for (const e of [...entries].sort(compareEntries)) {
    const g = e.group ?? 0;
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [e]);
    else list.push(e);
  }
  return [...groups.values()];
}

/**
 * The Pareto frontier of each group of entries (minimising every key; equal keys keep the lowest
 * index, so configurations with equal objectives are one entry), sorted by group, keys and index.
 * The same set gives the same frontiers whatever its order.
 *
 * @example
 * paretoFrontier([{ index: 0, keys: [1, 2] }, { index: 1, keys: [2, 1] }, { index: 2, keys: [2, 2] }]); // entries 0 and 1
 */
export function paretoFrontier(entries: readonly SweepEntry[]): SweepEntry[] {
  return sortedGroups(entries).flatMap((sorted) => {
    // In lexicographic order no entry is dominated by a later one, so one pass suffices.
    const kept: SweepEntry[] = [];
    for (const e of sorted) if (!kept.some((k) => dominates(k, e))) kept.push(e);
    return kept;
  });
}

/**
 * Entries with the same group, key and digest — equivalent configurations: one model on one
 * hardware entry, with the same outputs — reduced to the one with the lowest index. Entries without
 * a digest are all kept.
 */
function collapseEqualOutputs(entries: readonly SweepEntry[]): SweepEntry[] {
  const kept = new Map<string, SweepEntry>();
  const rest: SweepEntry[] = [];
  for (const e of entries) {
    if (e.digest === undefined) {
      rest.push(e);
      continue;
    }
    // String(-0) is "0": the kernel compares keys with ==, which equates them too
    const id = `${e.group ?? 0}:${String(e.keys[0])}:${e.digest}`;
    const seen = kept.get(id);
    if (seen === undefined || e.index < seen.index) kept.set(id, e);
  }
  return [...kept.values(), ...rest];
}

/**
 * The k best entries of each group by their single key (ties by index), entries with equal outputs
 * (same key and digest) counted once at their lowest index; sorted by group, key and index.
 *
 * @example
 * topK([{ index: 3, keys: [1] }, { index: 1, keys: [1] }], 1); // [{ index: 1, keys: [1] }]
 */
export function topK(entries: readonly SweepEntry[], k: number): SweepEntry[] {
  return sortedGroups(collapseEqualOutputs(entries)).flatMap((group) => group.slice(0, k));
}

function coalesce(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && a < last[1]) throw new RangeError(`ranges overlap: [${last[0]}, ${last[1]}) and [${a}, ${b})`);
    if (last !== undefined && a === last[1]) last[1] = b;
    else out.push([a, b]);
  }
  return out;
}

/**
 * Decodes a kernel's packed reducer state (assembly/reducers.ts `packState`) for the range it ran.
 *
 * @example
 * unpackState(kernel.packState(), plan, [0, plan.total]);
 */
export function unpackState(packed: Float64Array, plan: AnySweepPlan, range: readonly [number, number]): SweepState {
  const at = (i: number): number => packed[i] ?? 0;
  const counts: SweepCounts = {
    evaluated: at(STATE.evaluated),
    feasible: at(STATE.feasible),
    matched: at(STATE.matched),
    infeasible: record(REASONS, (i) => at(STATE.reasons + i)),
    bound: { prefill: record(BOUNDS, (i) => at(STATE.boundPrefill + i)), decode: record(BOUNDS, (i) => at(STATE.boundDecode + i)) },
  };
  let p = STATE.counts;
  const histograms = plan.edges.map((edges) => {
    const n = edges.length + 1; // bins + 2
    const h = Array.from(packed.subarray(p, p + n));
    p += n;
    return h;
  });
  const shape = groupShapeOf(plan);
  const topCount = at(p++);
  const top: SweepEntry[] = [];
  for (let i = 0; i < topCount; i++, p += STATE.topStride) {
    const index = at(p + 1);
    top.push({ index, keys: [at(p)], group: groupOf(shape, index), digest: at(p + 2) });
  }
  const paretoCount = at(p++);
  const objectives = plan.reducers.pareto.length;
  const pareto: SweepEntry[] = [];
  for (let i = 0; i < paretoCount; i++, p += STATE.paretoStride) {
    const index = at(p + 3);
    pareto.push({ index, keys: [at(p), at(p + 1), at(p + 2)].slice(0, objectives), group: groupOf(shape, index) });
  }
  return {
    fingerprint: plan.fingerprint,
    total: plan.total,
    ranges: coalesce([range]),
    counts,
    histograms,
    top: top.sort(compareEntries),
    pareto: pareto.sort(compareEntries),
  };
}

function addRecords<K extends string>(a: Readonly<Record<K, number>>, b: Readonly<Record<K, number>>): Record<K, number> {
  const out = { ...a } as Record<K, number>;
  for (const k of Object.keys(b) as K[]) out[k] = (out[k] ?? 0) + (b[k] ?? 0);
  return out;
}

/**
 * Merges the states of two disjoint ranges of the same sweep into the state of their union —
 * exactly the state one run over the union would give, group by group. Used for worker results and by
 * `ridgeline merge` for shard files. Throws when fingerprints differ or ranges overlap.
 *
 * @example
 * const whole = mergeStates(plan.reducers, shard0, shard1);
 */
export function mergeStates(reducers: ReducerSpec<AnyMetric>, a: SweepState, b: SweepState): SweepState {
  if (a.fingerprint !== b.fingerprint || a.total !== b.total) {
    throw new Error(`cannot merge results of different sweeps (fingerprints ${a.fingerprint} and ${b.fingerprint})`);
  }
  const byIndex = (entries: readonly SweepEntry[]): SweepEntry[] => {
    const seen = new Map<number, SweepEntry>();
    for (const e of entries) if (!seen.has(e.index) || e.row !== undefined) seen.set(e.index, e);
    return [...seen.values()];
  };
  return {
    fingerprint: a.fingerprint,
    total: a.total,
    ranges: coalesce([...a.ranges, ...b.ranges]),
    counts: {
      evaluated: a.counts.evaluated + b.counts.evaluated,
      feasible: a.counts.feasible + b.counts.feasible,
      matched: a.counts.matched + b.counts.matched,
      infeasible: addRecords(a.counts.infeasible, b.counts.infeasible),
      bound: { prefill: addRecords(a.counts.bound.prefill, b.counts.bound.prefill), decode: addRecords(a.counts.bound.decode, b.counts.bound.decode) },
    },
    histograms: a.histograms.map((h, i) => h.map((n, j) => n + (b.histograms[i]?.[j] ?? 0))),
    top: reducers.top === null ? [] : topK(byIndex([...a.top, ...b.top]), reducers.top.k),
    pareto: reducers.pareto.length === 0 ? [] : paretoFrontier(byIndex([...a.pareto, ...b.pareto])),
  };
}

/** An empty state over no configurations (the identity of `mergeStates`). */
export function emptyState(plan: AnySweepPlan): SweepState {
  return unpackState(new Float64Array(STATE.counts + plan.edges.reduce((n, e) => n + e.length + 1, 0) + 2), plan, [0, 0]);
}

function rowOf(plan: AnySweepPlan, index: number, out: Float64Array, base: number): AnySweepRow {
  const value = (slot: number): number | null => {
    const x = out[base + slot] ?? Number.NaN;
    return Number.isNaN(x) ? null : x;
  };
  const names = plan.outputs ?? OUTPUTS;
  const entries: [string, unknown][] = names.map((name, slot) => [name, value(slot)]);
  const outputs = Object.fromEntries(entries) as Record<string, number | null>;
  const reason = outputs['reason'] ?? -1;
  const bound = (code: number | null | undefined): Bound | null => (code === null || code === undefined ? null : (BOUNDS[code] ?? null));
  if (plan.mode === 'training') {
    delete outputs['boundCopy'];
    return {
      index,
      ...plan.config(index),
      ...outputs,
      feasible: outputs['feasible'] === 1,
      reason: reason < 0 ? null : (REASONS[reason] ?? null),
      bound: bound(outputs['bound']),
    } as TrainingSweepRow;
  }
  return {
    index,
    ...plan.config(index),
    ...outputs,
    feasible: outputs['feasible'] === 1,
    reason: reason < 0 ? null : (REASONS[reason] ?? null),
    boundPrefill: bound(outputs['boundPrefill']),
    boundDecode: bound(outputs['boundDecode']),
    disaggregationBound: outputs['disaggregationBound'] == null ? null : (DISAGGREGATION_BOUND_CODES[outputs['disaggregationBound']] ?? null),
  } as SweepRow;
}

/**
 * Full rows for `count` configurations from `start`, evaluated by `kernel` (opened on the plan's image).
 *
 * @example
 * const [row] = sweepRows(kernel, plan, 42, 1);
 */
export function sweepRows(kernel: Kernel, plan: AnySweepPlan, start: number, count: number): AnySweepRow[] {
  const out = kernel.rows(start, count);
  return Array.from({ length: count }, (_, k) => rowOf(plan, start + k, out, k * N_OUT));
}

/** The state with a row attached to every top-k and Pareto entry (evaluated one by one). */
export function attachRows(kernel: Kernel, plan: AnySweepPlan, state: SweepState): SweepState {
  const withRow = (e: SweepEntry): SweepEntry => (e.row !== undefined ? e : { ...e, row: sweepRows(kernel, plan, e.index, 1)[0] as AnySweepRow });
  return { ...state, top: state.top.map(withRow), pareto: state.pareto.map(withRow) };
}

/** The JSON a sweep prints with `--json` and a shard writes; `ridgeline merge` reads it back. */
export interface SweepResult {
  readonly format: 'ridgeline-sweep';
  readonly version: 1;
  readonly fingerprint: string;
  readonly total: number;
  readonly ranges: readonly (readonly [number, number])[];
  /** Whether `ranges` cover every configuration. */
  readonly complete: boolean;
  readonly spec: AnySweepSpec;
  readonly reducers: ReducerSpec<AnyMetric>;
  readonly counts: SweepCounts;
  /** The frontier's rows; with `reducers.groupBy`, each group's frontier in turn, groups in spec order. */
  readonly pareto: { readonly objectives: readonly Objective<AnyMetric>[]; readonly rows: readonly FeasibleAnySweepRow[] };
  /** The k best rows (configurations with equal outputs once); with `reducers.groupBy`, up to k per group, groups in spec order. */
  readonly top: (Objective<AnyMetric> & { readonly k: number; readonly rows: readonly FeasibleAnySweepRow[] }) | null;
  readonly histograms: readonly (HistogramSpec<AnyMetric> & {
    readonly edges: readonly number[];
    readonly underflow: number;
    readonly counts: readonly number[];
    readonly overflow: number;
  })[];
}

/**
 * The result document of a state whose entries carry rows (see `attachRows`).
 *
 * @example
 * JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state)));
 */
export function toResult(spec: AnySweepSpec, reducers: ReducerSpec<AnyMetric>, edges: readonly (readonly number[])[], state: SweepState): SweepResult {
  const rows = (entries: readonly SweepEntry[]): FeasibleAnySweepRow[] =>
    entries.map((e) => {
      if (e.row === undefined) throw new Error(`entry ${e.index} has no row; call attachRows first`);
      // the reducers see feasible configurations only
      if (!e.row.feasible) throw new Error(`entry ${e.index} is infeasible; reducers keep feasible configurations only`);
      return e.row;
    });
  const first = state.ranges[0];
  return {
    format: 'ridgeline-sweep',
    version: 1,
    fingerprint: state.fingerprint,
    total: state.total,
    ranges: state.ranges,
    complete: state.ranges.length === 1 && first !== undefined && first[0] === 0 && first[1] === state.total,
    spec,
    reducers,
    counts: state.counts,
    pareto: { objectives: reducers.pareto, rows: rows(state.pareto) },
    top: reducers.top === null ? null : { ...reducers.top, rows: rows(state.top) },
    histograms: reducers.histograms.map((h, i) => {
      const counts = state.histograms[i] ?? [];
      return { ...h, edges: edges[i] ?? [], underflow: counts[0] ?? 0, counts: counts.slice(1, -1), overflow: counts.at(-1) ?? 0 };
    }),
  };
}

/**
 * A row's outputs as the kernel wrote them, in slot order (`names`: OUTPUTS or TRAINING_OUTPUTS):
 * null back to NaN, feasibility, reason and bounds back to their codes (`rowOf` inverted).
 *
 * @example
 * outputsDigest(rowOutputs(row, OUTPUTS), groupOf({ ...groupShapeOf(plan), groupBy: ['model', 'chip'] }, row.index)); // the digest the kernel gave it
 */
export function rowOutputs(row: AnySweepRow, names: readonly string[]): Float64Array {
  const values = row as unknown as Readonly<Record<string, unknown>>;
  return Float64Array.from(names, (name) => {
    const v = values[name === 'boundCopy' ? 'bound' : name];
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (name === 'reason') return v === null ? -1 : REASONS.indexOf(v as InfeasibleReason);
    return typeof v === 'string' ? BOUNDS.indexOf(v as Bound) : Number.NaN;
  });
}

function keysOf(row: AnySweepRow, objectives: readonly Objective<AnyMetric>[]): number[] {
  return objectives.map((o) => {
    const value = (row as unknown as Record<string, number | null | undefined>)[o.metric] ?? null;
    if (value === null) throw new Error(`row ${row.index} has no ${o.metric}`);
    return o.direction === 'min' ? value : -value;
  });
}

/**
 * Reads a result document back into a mergeable state (keys from the rows' metrics).
 *
 * @example
 * mergeStates(reducers, stateOfResult(a), stateOfResult(b));
 */
export function stateOfResult(result: SweepResult): SweepState {
  const top = result.top;
  const perModel = !isTrainingSpec(result.spec) && result.spec.perModel !== undefined && Object.keys(result.spec.perModel).length > 0;
  const shape: GroupShape = {
    total: result.total,
    models: result.spec.models.length,
    chips: result.spec.hardware.length,
    groupBy: result.reducers.groupBy ?? [],
    ...(perModel && !isTrainingSpec(result.spec) ? { modelStarts: modelStarts(result.spec) } : {}),
  };
  const names = isTrainingSpec(result.spec) ? TRAINING_OUTPUTS : OUTPUTS;
  // a configuration's (model, hardware) pair, part of its digest
  const pairs: GroupShape = { ...shape, groupBy: ['model', 'chip'] };
  return {
    fingerprint: result.fingerprint,
    total: result.total,
    ranges: coalesce(result.ranges),
    counts: result.counts,
    histograms: result.histograms.map((h) => [h.underflow, ...h.counts, h.overflow]),
    top:
      top === null
        ? []
        : top.rows.map((row) => ({ index: row.index, keys: keysOf(row, [top]), group: groupOf(shape, row.index), digest: outputsDigest(rowOutputs(row, names), groupOf(pairs, row.index)), row })),
    pareto: result.pareto.rows.map((row) => ({ index: row.index, keys: keysOf(row, result.pareto.objectives), group: groupOf(shape, row.index), row })),
  };
}

/** Thrown for files `mergeResults` cannot combine; the message names the file and the fix. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/**
 * Merges shard results of one sweep into the result one run over their union would print: equal
 * to it, byte for byte once serialised, when the shards cover the sweep.
 *
 * @example
 * const merged = mergeResults([shard0, shard1, shard2]);
 * merged.complete; // true when the shards cover every configuration
 */
export function mergeResults(results: readonly { readonly name: string; readonly result: unknown }[]): SweepResult {
  if (results.length === 0) throw new MergeError('nothing to merge: give one or more shard result files');
  const checked = results.map(({ name, result }) => {
    const r = result as Partial<SweepResult> | null;
    if (r === null || typeof r !== 'object' || r.format !== 'ridgeline-sweep' || r.version !== 1) {
      throw new MergeError(`${name} is not a ridgeline sweep result (write one with "ridgeline sweep … --json")`);
    }
    const problem = sweepResultProblem(r);
    if (problem !== undefined) throw new MergeError(`${name}: ${problem}; the file is damaged or edited, so run its shard again`);
    return { name, result: r as SweepResult };
  });
  const [head, ...rest] = checked;
  if (head === undefined) throw new MergeError('nothing to merge');
  let state = stateOfResult(head.result);
  for (const { name, result } of rest) {
    if (result.fingerprint !== head.result.fingerprint) {
      // the echoed spec holds the spec file's reducers, which --pareto, --top and --by override
      const specOf = (r: SweepResult): string => JSON.stringify({ ...r.spec, reducers: undefined });
      const sameSweep = result.total === head.result.total && specOf(result) === specOf(head.result);
      if (sameSweep && JSON.stringify(result.reducers) !== JSON.stringify(head.result.reducers)) {
        const [ours, theirs] = [reducersText(result.reducers), reducersText(head.result.reducers)];
        const what = ours === theirs ? 'other histograms' : `${ours} against ${theirs}`;
        throw new MergeError(
          `${name} ran the same spec as ${head.name} with other reducers (${what}): run every shard with the same --pareto, --top, --by and --group-by`,
        );
      }
      throw new MergeError(`${name} is from a different sweep than ${head.name} (fingerprint ${result.fingerprint} ≠ ${head.result.fingerprint}): merge shards of one spec, run with the same version`);
    }
    // the fingerprint is only a string in the file: what it stands for must match too
    const differs = (['total', 'spec', 'reducers'] as const).find((key) => JSON.stringify(result[key]) !== JSON.stringify(head.result[key]));
    const edgesDiffer = JSON.stringify(result.histograms.map((h) => h.edges)) !== JSON.stringify(head.result.histograms.map((h) => h.edges));
    if (differs !== undefined || edgesDiffer) {
      const what =
        differs === 'total'
          ? `its total (${result.total}) differs from ${head.name}'s (${head.result.total})`
          : `its ${differs === undefined ? 'histogram edges differ' : `"${differs}" field differs`} from ${head.name}'s`;
      throw new MergeError(`${name}: ${what} under the same fingerprint; the file is damaged or edited, so run its shard again`);
    }
    try {
      state = mergeStates(head.result.reducers, state, stateOfResult(result));
    } catch (error) {
      throw new MergeError(`${name}: ${error instanceof Error ? error.message : String(error)} (was a shard given twice?)`);
    }
  }
  const edges = head.result.histograms.map((h) => h.edges);
  return toResult(head.result.spec, head.result.reducers, edges, state);
}

/** A sweep's reducers in a few words, for a message: `pareto cost ↓, tpot ↓; top 10 by cost`. */
function reducersText(reducers: SweepResult['reducers']): string {
  const pareto = reducers.pareto.map((o) => `${o.metric} ${o.direction === 'min' ? '↓' : '↑'}`).join(', ');
  const top = reducers.top === null || reducers.top === undefined ? 'no top' : `top ${reducers.top.k} by ${reducers.top.metric}`;
  const groupBy = (reducers.groupBy ?? []).length === 0 ? '' : `; grouped by ${(reducers.groupBy ?? []).join(', ')}`;
  return `pareto ${pareto}; ${top}${groupBy}`;
}
