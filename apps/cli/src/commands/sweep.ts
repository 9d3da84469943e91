import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { defineCommand, type CommandDef } from 'citty';
import { formatBytes, formatDuration, formatEnergy, formatNumber, formatPower, formatUsd, table } from '@ridgeline/format';
import { DEFAULT_PUE, InputError, TCO_LIMITS } from '@ridgeline/model';
import type { ChipSpec } from '@ridgeline/hardware';
import {
  createEngine,
  measureSweepRate,
  defaultDirection,
  defaultTrainingDirection,
  describeWhere,
  isTrainingRow,
  isTrainingSpec,
  MAX_TOP_K,
  METRICS,
  planAnySweep,
  ResolveError,
  shardRange,
  SweepSpecError,
  TRAINING_METRICS,
  type AnyMetric,
  type AnySweepPlan,
  type AnySweepRow,
  type AnySweepSpec,
  type Engine,
  type GroupKey,
  type Objective,
  type ReducerSpec,
  type SweepResult,
  type SweepRow,
  type TrainingSweepRow,
  type WhereClause,
} from '@ridgeline/engine';
import { defaultThreads, estimateRowBytes, estimateRowWrite, OutputPathError, readSweepSpec, reserveOutput, resolveSweep, rowFormatOf, sweepPlan, withUnresolvedNames, writeRows, type RowWriteEstimate } from '@ridgeline/engine/node';
import { durationSeconds, flagValues, positiveInteger } from '../args.ts';
import { detailsCommand } from '../details.ts';
import { Interrupted, quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { chipOnProfile, EFFICIENCY_PROFILE_ARG, profileFlag, STACK_ARG, type ProfileArgDef } from '../profile-flag.ts';
import { DEFAULT_PROGRESS_INTERVAL_S, progressFor } from '../progress.ts';
import { resolveChip } from '../registry.ts';
import { parseShard } from '../shard.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { PUE_ARG, pueFlag, type StringArgDef } from '../tco-flags.ts';
import { groupByFromFlag, metricQuantity, sweepMetric, whereFromFlags, type SweepMode } from '../sweep-filters.ts';

export type { SweepMode } from '../sweep-filters.ts';
export { parseShard } from '../shard.ts';

/** Above this many rows, `--out` states the file size and asks for `--yes`. */
export const LARGE_OUTPUT_ROWS = 1_000_000;

/** Above this many rows, `--out` prints the file's expected size and writing time before writing it. */
export const WRITE_ESTIMATE_ROWS = 10_000_000;

/**
 * The line printed before writing a very large row file: its rows (up to, with a filter), expected
 * size and seconds, at the writer's rate measured on this machine.
 *
 * @example
 * writeEstimateLine(2e7, 'parquet', 'rows.parquet', { bytes: 1.6e9, seconds: 40, rowsPerS: 5e5 }, false);
 * // 'ridgeline: writing 20,000,000 rows to rows.parquet: about 1.60 GB of parquet in about 40.0 s (500,000 rows/s measured here)'
 */
export function writeEstimateLine(rows: number, format: string, out: string, estimate: RowWriteEstimate, filtered: boolean): string {
  const upTo = filtered ? 'up to ' : '';
  return `ridgeline: writing ${upTo}${rows.toLocaleString('en')} rows to ${out}: about ${upTo}${formatBytes(estimate.bytes)} of ${format} in about ${formatDuration(estimate.seconds)} (${formatNumber(estimate.rowsPerS)} rows/s measured here)`;
}

/**
 * Configurations per second per thread that no sweep is expected to run below: a sweep that would
 * finish within the hour even at this rate is not timed. Rates vary with the spec: the engine's
 * benchmark measures 4.7–5.7 M/s per thread for inference and about 20 M/s for training, and
 * mostly feasible grids of large batches about 1 M/s.
 */
export const SLOWEST_RATE_PER_THREAD = 100_000;

/** A sweep estimated to take longer than this (an hour) states the estimate and needs `--yes`. */
export const LONG_SWEEP_S = 3600;

const args = {
  spec: { type: 'positional', required: true, valueHint: 'spec.yaml', description: 'Sweep spec (YAML or JSON): models, hardware and axes' },
  plugin: PLUGIN_ARG as PluginArgDef,
  out: { type: 'string', valueHint: 'file', description: 'Write every configuration as a row (.parquet, .csv or .jsonl), or the result as JSON (.json, the input of "ridgeline merge")' },
  stack: STACK_ARG as ProfileArgDef,
  'efficiency-profile': EFFICIENCY_PROFILE_ARG as ProfileArgDef,
  pareto: { type: 'string', valueHint: 'm1,m2[,m3]', description: 'Pareto objectives, e.g. cost,tpot or cost,tpot,per-chip:max (default: the spec\'s, else cost,tpot)' },
  top: { type: 'string', valueHint: 'k', description: `Keep the k best configurations by --by, at most ${MAX_TOP_K.toLocaleString('en')} (default: the spec's, else 10)` as string },
  by: { type: 'string', valueHint: 'metric[:min|max]', description: 'Metric of --top (default: costPerMillionTokensUsd; costUsd for a training spec)' },
  where: {
    type: 'string',
    repeatable: true,
    valueHint: "'metric<=x'",
    description: "Keep configurations with metric <= x or >= x (inclusive; quote it for the shell; times, power, energy and memory take units), e.g. --where 'ttft<=2s' --where 'tpot<=50ms'; repeatable, adds to the spec's where",
  },
  'feasible-only': { type: 'boolean', description: 'With --out rows: write the feasible configurations only (a --where already keeps only the feasible rows meeting it)' },
  'group-by': { type: 'string', valueHint: 'model,chip', description: 'Pareto frontier and top-k per model, per chip (hardware), or per model and chip' },
  pue: {
    ...PUE_ARG,
    description: `Power usage effectiveness of the facility, facility power ÷ IT power, ${TCO_LIMITS.pue.min} to ${TCO_LIMITS.pue.max}, for the whole sweep: provisionedFacilityW, tokensPerSPerProvisionedMW, facilityW and facilityJPerOutputToken (default: the spec's pue, else ${DEFAULT_PUE} as estimate's; inference sweeps only)`,
  } as StringArgDef,
  threads: { type: 'string', valueHint: 'n', description: 'Worker threads (default: from the sweep size, one for a small sweep, up to all cores)' },
  shard: {
    type: 'string',
    valueHint: 'i/N|auto/N',
    description:
      'Run slice i of N (0-based) of the configurations; combine with "ridgeline merge". auto/N takes i from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (Slurm job array); auto alone also takes N from RIDGELINE_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT',
  },
  'progress-interval': {
    type: 'string',
    valueHint: 'duration',
    description: `Seconds between progress lines when stderr is not a terminal (a log), e.g. 30s or 1min (default: ${DEFAULT_PROGRESS_INTERVAL_S}s)` as string,
  },
  json: { type: 'boolean', description: 'Print the result as JSON (the input of "ridgeline merge")' },
  yes: { type: 'boolean', description: 'Run without asking: a sweep estimated to take over an hour, or --out with more than 1,000,000 rows' },
} as const;

function objectiveOf(flag: string, text: string, mode: SweepMode): Objective<AnyMetric> {
  const [name = '', direction, ...extra] = text.trim().split(':');
  if (extra.length > 0) {
    throw new UserError(`--${flag}: ${quoted(text.trim())} has more than one suffix; write metric or metric:min or metric:max`);
  }
  const training = mode === 'training';
  const metric = sweepMetric(flag, name, mode);
  if (direction !== undefined && direction !== 'min' && direction !== 'max') {
    throw new UserError(`--${flag}: direction must be min or max, got ${quoted(direction)}`);
  }
  const natural = training ? defaultTrainingDirection(metric as (typeof TRAINING_METRICS)[number]) : defaultDirection(metric as (typeof METRICS)[number]);
  return { metric, direction: direction ?? natural };
}

/**
 * The reducers of a run: the spec's, with `--pareto`, `--top`, `--by` and `--group-by` overriding.
 *
 * @example
 * reducersFromFlags(spec.reducers, { pareto: 'cost,tpot' }).pareto; // cost ↓, tpot ↓
 */
export function reducersFromFlags(
  base: ReducerSpec<AnyMetric>,
  flags: { readonly pareto?: string | undefined; readonly top?: string | undefined; readonly by?: string | undefined; readonly groupBy?: string | undefined },
  mode: SweepMode = 'inference',
): ReducerSpec<AnyMetric> {
  let pareto = base.pareto;
  if (flags.pareto !== undefined) {
    pareto = flags.pareto.split(',').filter((s) => s.trim() !== '').map((s) => objectiveOf('pareto', s, mode));
    if (pareto.length !== 2 && pareto.length !== 3) {
      throw new UserError(`--pareto takes 2 or 3 metrics separated by commas (e.g. cost,tpot), got ${pareto.length}`);
    }
    const twice = pareto.find((o, i) => pareto.findIndex((p) => p.metric === o.metric) !== i);
    if (twice !== undefined) throw new UserError(`--pareto names ${twice.metric} twice; give each metric once`);
  }
  let top = base.top;
  const k = positiveInteger('top', flags.top);
  if (k !== undefined && k > MAX_TOP_K) {
    throw new UserError(`--top must be an integer from 1 to ${MAX_TOP_K.toLocaleString('en')} (to keep every configuration, write them with --out), got ${quoted(flags.top ?? '')}`);
  }
  if (k !== undefined || flags.by !== undefined) {
    const fallback: Objective<AnyMetric> = { metric: mode === 'training' ? 'costUsd' : 'costPerMillionTokensUsd', direction: 'min' };
    const by = flags.by === undefined ? (top ?? fallback) : objectiveOf('by', flags.by, mode);
    top = { metric: by.metric, direction: by.direction, k: k ?? top?.k ?? 10 };
  }
  return { pareto, top, histograms: base.histograms, groupBy: groupByFromFlag(flags.groupBy, base.groupBy ?? []) };
}

/**
 * The spec with `--pue` in place of its own pue; a training spec refuses it, as it has no facility
 * metrics.
 */
function withPue(spec: AnySweepSpec, pue: number | undefined): AnySweepSpec {
  if (pue === undefined) return spec;
  if (isTrainingSpec(spec)) throw new UserError('--pue applies to inference sweeps (their facility metrics); a training spec has none');
  return { ...spec, pue };
}

/** The spec with `where` replaced (the merge of its own and the `--where` flags). */
function withWhere(spec: AnySweepSpec, where: readonly WhereClause<AnyMetric>[]): AnySweepSpec {
  return { ...spec, where } as AnySweepSpec;
}

const METRIC_COLUMNS: readonly { readonly metric: keyof SweepRow; readonly header: string; readonly format: (x: number) => string }[] = [
  { metric: 'tpotS', header: 'TPOT', format: formatDuration },
  { metric: 'ttftS', header: 'TTFT', format: formatDuration },
  { metric: 'tokensPerSPerChip', header: 'tok/s/chip', format: formatNumber },
  { metric: 'tokensPerSPerUser', header: 'tok/s/user', format: formatNumber },
  { metric: 'costPerMillionTokensUsd', header: '$/Mtok', format: formatUsd },
];

const TRAINING_COLUMNS: readonly { readonly metric: keyof TrainingSweepRow; readonly header: string; readonly format: (x: number) => string }[] = [
  { metric: 'stepTimeS', header: 'step', format: formatDuration },
  { metric: 'tokensPerSPerChip', header: 'tok/s/chip', format: formatNumber },
  { metric: 'mfu', header: 'MFU', format: (x) => `${(x * 100).toFixed(1)}%` },
  { metric: 'totalTimeS', header: 'run', format: formatDuration },
  { metric: 'costUsd', header: 'cost', format: formatUsd },
];

function trainingRowsTable(rows: readonly TrainingSweepRow[], extra: readonly Objective<AnyMetric>[]): string {
  const metricColumns = [
    ...TRAINING_COLUMNS,
    ...extra
      .filter((o) => !TRAINING_COLUMNS.some((c) => c.metric === o.metric))
      .map((o) => ({ metric: o.metric as keyof TrainingSweepRow, header: o.metric, format: formatNumber })),
  ];
  const header = ['#', 'model', 'hardware', 'chips', 'dp', 'tp', 'pp', 'cp', 'ep', 'seq', 'gbs', 'mbs', 'v', 'zero', 'recompute', 'prec', ...metricColumns.map((c) => c.header), 'bound'];
  const lines = rows.map((r) => [
    String(r.index),
    r.model,
    r.hardware,
    String(r.chips),
    String(r.dp),
    String(r.tp),
    String(r.pp),
    String(r.cp),
    String(r.ep),
    String(r.sequenceLength),
    String(r.globalBatch),
    String(r.microBatch),
    String(r.virtualStages),
    String(r.zeroStage),
    r.recompute,
    r.precision,
    ...metricColumns.map((c) => {
      const v = r[c.metric];
      return typeof v === 'number' ? c.format(v) : '—';
    }),
    r.bound ?? '—',
  ]);
  return table([header, ...lines], header.map((_, i) => (i === 0 || (i >= 3 && i <= 13) || (i >= 16 && i < header.length - 1) ? 'right' : 'left')));
}

/** The table of a result's rows: one sweep's rows are all of one kind. */
function rowsTable(rows: readonly AnySweepRow[], extra: readonly Objective<AnyMetric>[]): string {
  const training = rows.filter(isTrainingRow);
  return training.length > 0 ? trainingRowsTable(training, extra) : inferenceRowsTable(rows.filter((r): r is SweepRow => !isTrainingRow(r)), extra);
}

/** A row's speculative decoding, short: `none`, `mtp γ3 a0.7`, `draft llama-3.1-8b γ1 a0.85`. */
function speculationText(r: SweepRow): string {
  if (r.speculative === 'none') return 'none';
  const drafter = r.speculative === 'draft' ? `draft ${r.draftModel ?? '?'}` : 'mtp';
  return `${drafter} γ${r.draftTokens} a${r.acceptance}`;
}

/** Short headers of the facility metrics, whose full names would widen every row of a table. */
const EXTRA_HEADERS: Readonly<Partial<Record<AnyMetric, string>>> = {
  tokensPerSPerProvisionedMW: 'tok/s/MW',
  provisionedFacilityW: 'provisioned',
  facilityW: 'facility',
  facilityJPerOutputToken: 'facility/tok',
  nodeJPerOutputToken: 'node/tok',
};

/** An objective's column beyond the usual ones: power and energy in their units, anything else a number. */
function extraColumn(metric: AnyMetric): { readonly metric: keyof SweepRow; readonly header: string; readonly format: (x: number) => string } {
  const kind = metricQuantity(metric);
  const format = kind === 'power' ? formatPower : kind === 'energy' ? formatEnergy : kind === 'duration' ? formatDuration : formatNumber;
  return { metric: metric as keyof SweepRow, header: EXTRA_HEADERS[metric] ?? metric, format };
}

function inferenceRowsTable(rows: readonly SweepRow[], extra: readonly Objective<AnyMetric>[]): string {
  const metricColumns = [...METRIC_COLUMNS, ...extra.filter((o) => !METRIC_COLUMNS.some((c) => c.metric === o.metric)).map((o) => extraColumn(o.metric))];
  // a speculative decoding column only where some row speculates
  const speculating = rows.some((r) => r.speculative !== 'none');
  const header = [
    '#', 'model', 'hardware', 'chips', 'tp', 'pp', 'ep', 'batch', 'in', 'out', 'w/kv/a', 'attn', ...(speculating ? ['speculative'] : []),
    ...metricColumns.map((c) => c.header), 'decode bound',
  ];
  const firstMetric = header.length - 1 - metricColumns.length;
  const lines = rows.map((r) => [
    String(r.index),
    r.model,
    r.hardware,
    String(r.chips),
    String(r.tp),
    String(r.pp),
    String(r.ep),
    String(r.batch),
    String(r.inputTokens),
    String(r.outputTokens),
    `${r.weights}${r.attentionWeights === undefined || r.attentionWeights === r.weights ? '' : ` (attn ${r.attentionWeights})`}/${r.kvCache}/${r.activations}`,
    r.attentionSharding,
    ...(speculating ? [speculationText(r)] : []),
    ...metricColumns.map((c) => {
      const v = r[c.metric];
      return typeof v === 'number' ? c.format(v) : '—';
    }),
    r.boundDecode ?? '—',
  ]);
  return table([header, ...lines], header.map((_, i) => (i === 0 || (i >= 3 && i <= 9) || (i >= firstMetric && i < header.length - 1) ? 'right' : 'left')));
}

function count(n: number): string {
  return n.toLocaleString('en');
}

/** "per model · hardware" for a grouped result, '' otherwise. */
function groupingText(groupBy: readonly GroupKey[]): string {
  return groupBy.length === 0 ? '' : ` per ${groupBy.map((k) => (k === 'chip' ? 'hardware' : k)).join(' · ')}`;
}

/**
 * A result's rows as tables: one table, or for a grouped result a heading and a table per group
 * (the rows come group by group, in spec order).
 */
function groupedTables(rows: readonly AnySweepRow[], extra: readonly Objective<AnyMetric>[], groupBy: readonly GroupKey[]): string[] {
  if (groupBy.length === 0) return rows.length > 0 ? [rowsTable(rows, extra)] : [];
  const label = (row: AnySweepRow): string => groupBy.map((k) => (k === 'model' ? row.model : row.hardware)).join(' · ');
  const groups: { readonly label: string; readonly rows: AnySweepRow[] }[] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last !== undefined && last.label === label(row)) last.rows.push(row);
    else groups.push({ label: label(row), rows: [row] });
  }
  return groups.flatMap((g, i) => [...(i === 0 ? [] : ['']), g.label, rowsTable(g.rows, extra)]);
}

/**
 * The readable summary of a sweep result: counts, the Pareto frontier and the top-k.
 *
 * @example
 * io.stdout(renderSummary(result));
 */
export function renderSummary(result: SweepResult, details?: (row: AnySweepRow) => string | undefined): string {
  const c = result.counts;
  const training = isTrainingSpec(result.spec);
  const infeasible = Object.entries(c.infeasible)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${count(n)}`);
  const out: string[] = [];
  const covered = result.ranges.map(([a, b]) => `${a}…${b - 1}`).join(', ');
  const where = result.spec.where ?? [];
  const matching = where.length === 0 ? '' : `; matching where (${describeWhere(where)}) ${count(c.matched)}`;
  out.push(`Configurations: ${count(c.evaluated)} of ${count(result.total)}${result.complete ? '' : ` (${covered === '' ? 'no indices' : `indices ${covered}`})`}; feasible ${count(c.feasible)}${matching}`);
  if (infeasible.length > 0) out.push(`Infeasible: ${infeasible.join(', ')}`);
  out.push(
    `${training ? 'Training' : 'Decode'} bound: compute ${count(c.bound.decode.compute)}, memory ${count(c.bound.decode.memory)}, network ${count(c.bound.decode.network)}`,
  );
  const groupBy = result.reducers.groupBy ?? [];
  const per = groupingText(groupBy);
  if (result.pareto.objectives.length > 0) {
    const objectives = result.pareto.objectives.map((o) => `${o.metric} ${o.direction === 'min' ? '↓' : '↑'}`).join(', ');
    out.push('', `Pareto frontier (${objectives})${per}: ${result.pareto.rows.length} configuration${result.pareto.rows.length === 1 ? '' : 's'}`);
    out.push(...groupedTables(result.pareto.rows, result.pareto.objectives, groupBy));
  }
  if (result.top !== null) {
    out.push('', `Top ${result.top.k} by ${result.top.metric} ${result.top.direction === 'min' ? '↓' : '↑'}${per}`);
    out.push(...groupedTables(result.top.rows, [result.top], groupBy));
  }
  // The best row's own command, for the report behind its figures (the first of the top k, else of the frontier).
  const best = result.top?.rows[0] ?? result.pareto.rows[0];
  const command = best === undefined ? undefined : details?.(best);
  if (best !== undefined && command !== undefined) out.push('', `Details of #${best.index}: ${command}`);
  for (const h of result.histograms) {
    const peak = Math.max(1, ...h.counts);
    out.push('', `Histogram of ${h.metric} (${h.scale}, ${h.bins} bins; below ${formatNumber(h.min)}: ${h.underflow}, above ${formatNumber(h.max)}: ${h.overflow})`);
    h.counts.forEach((n, i) => {
      const bar = '█'.repeat(Math.round((n / peak) * 40));
      out.push(`  ${formatNumber(h.edges[i] ?? Number.NaN).padStart(9)} … ${formatNumber(h.edges[i + 1] ?? Number.NaN).padEnd(9)} ${String(n).padStart(10)} ${bar}`);
    });
  }
  return `${out.join('\n')}\n`;
}

function userErrorOf(error: unknown): unknown {
  if (error instanceof SweepSpecError || error instanceof InputError || error instanceof ResolveError) return new UserError(error.message, { cause: error });
  if (error instanceof RangeError) return new UserError(error.message, { cause: error });
  return error;
}

/**
 * Reserves `--out`'s temporary file (see `reserveOutput`): a path that cannot be written is a user
 * error before any work, not an internal one after the whole sweep.
 */
export async function reserveOut(shown: string, path: string): Promise<string> {
  try {
    return await reserveOutput(path);
  } catch (error) {
    if (error instanceof OutputPathError) throw new UserError(`--out ${shown}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Asks a question on the terminal (stderr, so stdout stays the result) and returns whether the
 * answer is yes. Ctrl-C at the prompt reaches readline, not the process: it is sent on as SIGINT.
 */
async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question, { signal }));
  } finally {
    rl.close();
  }
}

/**
 * How long the sweep would take, when that is more than an hour, as "the sweep has … configurations:
 * about … on n threads at … each (timed on a sample)"; undefined otherwise. The rate is measured on
 * this machine (`measureSweepRate`) and assumed to scale with the threads.
 */
async function longSweepEstimate(engine: Engine, plan: AnySweepPlan, range: readonly [number, number], threads: number): Promise<string | undefined> {
  const size = range[1] - range[0];
  if (size <= LONG_SWEEP_S * SLOWEST_RATE_PER_THREAD * threads) return undefined;
  const rate = await measureSweepRate(engine, plan, range);
  const seconds = size / (rate * threads);
  if (seconds <= LONG_SWEEP_S) return undefined;
  const on = threads === 1 ? 'on 1 thread at' : `on ${threads} threads at`;
  return `the sweep has ${count(size)} configurations: about ${formatDuration(seconds)} ${on} ${formatNumber(rate / 1e6)} M configurations/s${threads === 1 ? '' : ' each'} (timed on a sample)`;
}

/** `ridgeline sweep`: every configuration of a spec's axes through the WebAssembly engine. */
const command: CommandDef<typeof args> = defineCommand({
  meta: {
    name: 'sweep',
    description: 'Evaluate every configuration of a sweep spec (WebAssembly, all cores): Pareto frontier, top-k, counts',
  },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const threads = positiveInteger('threads', a.threads);
    const shard = a.shard === undefined ? undefined : parseShard(a.shard);
    const intervalS = durationSeconds('progress-interval', a['progress-interval']) ?? DEFAULT_PROGRESS_INTERVAL_S;
    // --out x.json: the result (what --json prints), as a shard of a cluster job writes it
    const resultJson = a.out !== undefined && /\.json$/i.test(a.out);
    const format = a.out === undefined || resultJson ? undefined : rowFormatOf(a.out);
    if (a.out !== undefined && !resultJson && format === undefined) {
      throw new UserError(`--out must end in .parquet, .csv or .jsonl (rows), or .json (the result), got ${quoted(a.out)}`);
    }
    const pue = pueFlag(a.pue);
    const feasibleOnly = a['feasible-only'] === true;
    if (feasibleOnly && format === undefined) throw new UserError('--feasible-only applies to row files: add --out rows.parquet, .csv or .jsonl');
    const out = a.out === undefined ? undefined : resolve(io.cwd, a.out);

    // From here a signal stops the work, removes the temporary file and says how far the run got.
    const stop = stopOnSignals();
    let temporary: string | undefined;
    const progress = { phase: 'sweep' as 'sweep' | 'rows', done: 0, size: undefined as number | undefined };
    try {
      if (out !== undefined && a.out !== undefined) temporary = await reserveOut(a.out, out);
      let plan;
      try {
        const plugins = pluginFlags(rawArgs);
        const note = (m: string): void => io.stderr(`ridgeline: note: ${m}\n`);
        const stack = profileFlag(a.stack, a['efficiency-profile']);
        // the CLI's registry: the first-party chips, the config file's plugins, then --plugin's
        // --stack: every chip on that serving stack's efficiencies (a note for a chip without it)
        const chip = async (value: string): Promise<ChipSpec> => chipOnProfile(await resolveChip(value, { cwd: io.cwd, plugins, warn: note }), stack, note);
        let loaded;
        try {
          loaded = await readSweepSpec(a.spec, { baseDir: io.cwd });
        } catch (error) {
          // unknown models and chips in the same error as the spec's other problems
          throw await withUnresolvedNames(error, { baseDir: io.cwd, specDir: dirname(resolve(io.cwd, a.spec)), chip: (value) => resolveChip(value, { cwd: io.cwd, plugins }) });
        }
        const { spec: parsed, dir } = loaded;
        const mode = isTrainingSpec(parsed) ? 'training' : 'inference';
        const reducers = reducersFromFlags(parsed.reducers, { pareto: a.pareto, top: a.top, by: a.by, groupBy: a['group-by'] }, mode);
        const spec = withWhere(withPue(parsed, pue), whereFromFlags(parsed.where ?? [], flagValues(rawArgs, 'where'), mode));
        const resolved = await resolveSweep(spec, {
          baseDir: io.cwd,
          specDir: dir,
          source: a.spec,
          chip,
          onWarning: (message, kind) => io.stderr(`ridgeline: ${kind}: ${message}\n`),
        });
        plan = planAnySweep(resolved, reducers);
      } catch (error) {
        throw userErrorOf(error);
      }
      const filtered = plan.where.length > 0 || feasibleOnly;
      const range = shard === undefined ? ([0, plan.total] as const) : shardRange(plan.total, shard.index, shard.count);
      const size = range[1] - range[0];
      progress.size = size;
      const engine = await createEngine();
      if (out !== undefined && format !== undefined && size > LARGE_OUTPUT_ROWS && a.yes !== true) {
        // with a filter the file holds only the matching rows, which only the sweep can count
        const bytes = await estimateRowBytes(plan, format, size, engine);
        const upTo = filtered ? 'up to ' : '';
        const fewer = plan.where.length > 0 ? '; only those matching where are written' : feasibleOnly ? '; only the feasible ones are written' : '';
        throw new UserError(
          `--out would write ${upTo}${size.toLocaleString('en')} rows (about ${upTo}${formatBytes(bytes)} of ${format}${fewer}) to ${a.out}; add --yes to write it, or narrow the spec`,
        );
      }

      // A bar on a terminal; a log (piped or captured stderr) gets a line at the start and then every intervalS.
      const interactive = process.stderr.isTTY === true;
      const estimate = a.yes === true ? undefined : await longSweepEstimate(engine, plan, range, threads ?? defaultThreads(size));
      if (estimate !== undefined) {
        if (!interactive || process.stdin.isTTY !== true) throw new UserError(`${estimate}; pass --yes to run it, or narrow the spec or split it with --shard`);
        io.stderr(`ridgeline: ${estimate}\n`);
        if (!(await confirm('Run it? (y/N) ', stop.signal))) throw new UserError('the sweep was not run; pass --yes to run it without asking');
      }

      const bar = progressFor({ label: 'sweep', unit: 'configurations' }, { interactive, intervalS, write: io.stderr, enabled: io.progress !== false });
      const onProgress = (done: number, total: number): void => {
        progress.done = done;
        bar.update(done, total);
      };
      const started = Date.now();
      onProgress(0, size);
      let result;
      try {
        result = await sweepPlan(plan, { engine, range, signal: stop.signal, ...(threads === undefined ? {} : { threads }), onProgress: ({ done, total }) => onProgress(done, total) });
      } finally {
        bar.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      // printed once the rows are written too, so that an interrupted run prints one line
      const summary = `ridgeline: ${size.toLocaleString('en')} configurations in ${formatDuration(seconds)} (${formatNumber(size / Math.max(seconds, 1e-9))}/s)\n`;

      if (out !== undefined && format !== undefined && temporary !== undefined) {
        progress.phase = 'rows';
        progress.done = 0;
        if (size > WRITE_ESTIMATE_ROWS) io.stderr(`${writeEstimateLine(size, format, a.out ?? out, await estimateRowWrite(plan, format, size, engine), filtered)}\n`);
        const writeBar = progressFor({ label: 'writing rows', unit: 'configurations' }, { interactive, intervalS, write: io.stderr, enabled: io.progress !== false });
        try {
          writeBar.update(0, size);
          const written = await writeRows(plan, out, {
            format,
            range,
            engine,
            temporary,
            feasibleOnly,
            signal: stop.signal,
            onProgress: (done, total) => {
              progress.done = done;
              writeBar.update(done, total);
            },
          });
          temporary = undefined;
          writeBar.stop();
          io.stderr(`${summary}ridgeline: wrote ${written.rows.toLocaleString('en')} ${plan.where.length > 0 ? 'rows matching where' : feasibleOnly ? 'feasible rows' : 'rows'} (${formatBytes(written.bytes)}) to ${a.out}\n`);
        } finally {
          writeBar.stop();
        }
      } else if (resultJson && out !== undefined && temporary !== undefined && a.out !== undefined) {
        await writeFile(temporary, `${JSON.stringify(result)}\n`);
        stop.signal.throwIfAborted();
        await rename(temporary, out);
        temporary = undefined;
        io.stderr(`${summary}ridgeline: wrote the result to ${a.out}\n`);
      } else {
        io.stderr(summary);
      }
      const stack = profileFlag(a.stack, a['efficiency-profile']);
      const context = { spec: plan.resolved.spec, chipIds: plan.resolved.chips.map((c) => c.chip.id), plugins: pluginFlags(rawArgs), ...(stack === undefined ? {} : { stack }) };
      io.stdout(a.json ? `${JSON.stringify(result)}\n` : renderSummary(result, (row) => detailsCommand(row, context)));
    } catch (error) {
      const signal = stop.received();
      if (signal === undefined) throw error;
      const where = progress.size === undefined ? 'before the sweep began' : `${progress.phase === 'rows' ? 'writing rows ' : ''}at ${count(progress.done)} of ${count(progress.size)} configurations`;
      throw new Interrupted(signal, `interrupted ${where}; ${a.out === undefined ? 'nothing printed' : `nothing written to ${a.out}`}`);
    } finally {
      stop.release();
      if (temporary !== undefined) await rm(temporary, { force: true });
    }
  },
});

export default command;
