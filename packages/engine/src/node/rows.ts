import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import { BOUNDS, DISAGGREGATION_AXES, DISAGGREGATION_BOUND_CODES, N_OUT, OUTPUTS, REASONS } from '../descriptors.ts';
import { TRAINING_AXES, TRAINING_OUTPUTS } from '../training.ts';
import { createEngine, type Engine, type Kernel } from '../engine.ts';
import type { AnySweepPlan } from '../plan.ts';
import type { AnyMetric } from '../spec.ts';
import type { WhereClause } from '../where.ts';
import { reserveOutput } from './output.ts';

/** File formats for full rows. */
export const ROW_FORMATS = ['parquet', 'csv', 'jsonl'] as const;
/** One of `ROW_FORMATS`. */
export type RowFormat = (typeof ROW_FORMATS)[number];

/** The columns of a row file, in order: index, the configuration, then every output. */
export const ROW_COLUMNS: readonly string[] = [
  'index',
  'model',
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
  'weights',
  'kvCache',
  'activations',
  'attentionSharding',
  'commOverlap',
  'moeImbalance',
  'twoBatchOverlap',
  'schedule',
  'chunkTokens',
  'speculative',
  'draftModel',
  'draftTokens',
  'acceptance',
  ...DISAGGREGATION_AXES,
  ...OUTPUTS,
];

/** The columns of a training sweep's row file: index, the configuration, then every output. */
export const TRAINING_ROW_COLUMNS: readonly string[] = ['index', ...TRAINING_AXES, ...TRAINING_OUTPUTS.filter((o) => o !== 'boundCopy')];

const TEXT_COLUMNS = new Set([
  'model',
  'hardware',
  'weights',
  'kvCache',
  'activations',
  'attentionSharding',
  'reason',
  'boundPrefill',
  'boundDecode',
  'commOverlap',
  'redundantExperts',
  'schedule',
  'speculative',
  'draftModel',
  'prefillHardware',
  'prefillTp',
  'prefillEp',
  'prefillAttention',
  'disaggregationBound',
  'precision',
  'recompute',
  'sequenceParallel',
  'bound',
]);

/** The columns of a plan's row files. */
function columnsOf(plan: AnySweepPlan): readonly string[] {
  return plan.mode === 'training' ? TRAINING_ROW_COLUMNS : ROW_COLUMNS;
}

/**
 * The format a file name asks for (`.parquet`, `.csv`, `.jsonl`/`.ndjson`), or undefined.
 *
 * @example
 * rowFormatOf('results.parquet'); // 'parquet'
 */
export function rowFormatOf(path: string): RowFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/**
 * A chunk of row-file rows, column by column: `values[c][k]` is column `c`'s cell of the k-th kept
 * row, as a row object would hold it (null for a missing or NaN number). Made straight from the
 * kernel's output buffer, without a row object per configuration.
 */
interface RowChunk {
  readonly count: number;
  readonly values: readonly unknown[][];
}

/** How one column's cells are made: the configuration index, a configuration field, or an output slot with its decoding. */
type ColumnSourceOf = { readonly kind: 'index' } | { readonly kind: 'config'; readonly key: string } | { readonly kind: 'output'; readonly slot: number; readonly decode: (code: number) => unknown };

const numberOrNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
const codeOf = (table: readonly string[]) => (v: number): string | null => (Number.isNaN(v) ? null : (table[v] ?? null));

/** Where each column comes from, as `rowOf` (state.ts) builds a row: the outputs over the configuration. */
function columnSources(plan: AnySweepPlan, columns: readonly string[]): ColumnSourceOf[] {
  const names = plan.outputs ?? OUTPUTS;
  return columns.map((name): ColumnSourceOf => {
    if (name === 'index') return { kind: 'index' };
    const slot = names.indexOf(name);
    if (slot < 0) return { kind: 'config', key: name };
    if (name === 'feasible') return { kind: 'output', slot, decode: (v) => v === 1 };
    if (name === 'reason') return { kind: 'output', slot, decode: (v) => (Number.isNaN(v) || v < 0 ? null : (REASONS[v] ?? null)) };
    if (name === 'boundPrefill' || name === 'boundDecode' || name === 'bound') return { kind: 'output', slot, decode: codeOf(BOUNDS) };
    if (name === 'disaggregationBound') return { kind: 'output', slot, decode: codeOf(DISAGGREGATION_BOUND_CODES) };
    return { kind: 'output', slot, decode: numberOrNull };
  });
}

/**
 * The rows of `count` configurations from `start` that are written, by column: with a `where`, the
 * feasible rows meeting it; else with `feasibleOnly` the feasible rows; else all of them.
 */
function chunkOf(kernel: Kernel, plan: AnySweepPlan, sources: readonly ColumnSourceOf[], start: number, count: number, feasibleOnly: boolean, where: readonly WhereClause<AnyMetric>[] = plan.where): RowChunk {
  const out = kernel.rows(start, count);
  const names = plan.outputs ?? OUTPUTS;
  const feasibleSlot = names.indexOf('feasible');
  // matchesWhere on the buffer: a NaN (null) never matches, absent bounds do not limit
  const clauses = where.map((c) => ({ slot: names.indexOf(c.metric), min: c.min ?? Number.NEGATIVE_INFINITY, max: c.max ?? Number.POSITIVE_INFINITY }));
  const filter = clauses.length > 0 || feasibleOnly;
  const kept: number[] = [];
  for (let k = 0; k < count; k++) {
    const base = k * N_OUT;
    if (filter) {
      if (out[base + feasibleSlot] !== 1) continue;
      let meets = true;
      for (const { slot, min, max } of clauses) {
        const v = out[base + slot] as number;
        if (!(v >= min && v <= max)) {
          meets = false;
          break;
        }
      }
      if (!meets) continue;
    }
    kept.push(k);
  }
  const n = kept.length;
  const needsConfig = sources.some((s) => s.kind === 'config');
  const configs: Record<string, unknown>[] = needsConfig ? kept.map((k) => plan.config(start + k) as unknown as Record<string, unknown>) : [];
  const values = sources.map((source): unknown[] => {
    const cells = new Array<unknown>(n);
    if (source.kind === 'index') for (let i = 0; i < n; i++) cells[i] = start + (kept[i] as number);
    else if (source.kind === 'output') {
      const { slot, decode } = source;
      for (let i = 0; i < n; i++) cells[i] = decode(out[(kept[i] as number) * N_OUT + slot] as number);
    } else {
      const key = source.key;
      for (let i = 0; i < n; i++) {
        const v = (configs[i] as Record<string, unknown>)[key];
        cells[i] = typeof v === 'number' && Number.isNaN(v) ? null : v;
      }
    }
    return cells;
  });
  return { count: n, values };
}

/** A CSV cell: empty for null, quoted when it holds a quote, comma or newline. */
function csvText(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Per column, the text of a cell; strings (from small sets: ids, precisions, bounds) cached. */
function cellFormatter(json: boolean): (value: unknown) => string {
  const cache = new Map<unknown, string>();
  return (value) => {
    if (value === null || value === undefined) return json ? 'null' : '';
    if (typeof value === 'number') return Number.isFinite(value) || !json ? String(value) : 'null';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    let text = cache.get(value);
    if (text === undefined) {
      text = json ? JSON.stringify(value) : csvText(String(value));
      cache.set(value, text);
    }
    return text;
  };
}

function encodeCsv(chunk: RowChunk, columns: readonly string[]): string {
  const format = columns.map(() => cellFormatter(false));
  const { values } = chunk;
  const width = columns.length;
  const lines = new Array<string>(chunk.count + 1);
  const cells = new Array<string>(width);
  for (let k = 0; k < chunk.count; k++) {
    for (let c = 0; c < width; c++) cells[c] = (format[c] as (v: unknown) => string)((values[c] as unknown[])[k]);
    lines[k] = cells.join(',');
  }
  lines[chunk.count] = '';
  return chunk.count === 0 ? '' : lines.join('\n');
}

function encodeJsonl(chunk: RowChunk, columns: readonly string[]): string {
  const format = columns.map(() => cellFormatter(true));
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c)}:`);
  const { values } = chunk;
  const width = columns.length;
  const lines = new Array<string>(chunk.count + 1);
  const cells = new Array<string>(width + 1);
  cells[width] = '}';
  for (let k = 0; k < chunk.count; k++) {
    for (let c = 0; c < width; c++) cells[c] = (keys[c] as string) + (format[c] as (v: unknown) => string)((values[c] as unknown[])[k]);
    lines[k] = cells.join('');
  }
  lines[chunk.count] = '';
  return chunk.count === 0 ? '' : lines.join('\n');
}

/**
 * The integer columns of Parquet row files and their physical types: configuration indices can
 * pass 2^31 (INT64); chips, parallelism degrees, batches, lengths and minChipsToFit are integers
 * the spec bounds below 2^31 (`WORKLOAD_LIMITS`: INT32). Every other number is a DOUBLE, training's
 * `totalTokens` too (the spec takes any positive number of tokens).
 */
export const PARQUET_INTEGER_COLUMNS: Readonly<Record<string, 'INT32' | 'INT64'>> = {
  index: 'INT64',
  chips: 'INT32',
  dp: 'INT32',
  tp: 'INT32',
  pp: 'INT32',
  ep: 'INT32',
  cp: 'INT32',
  batch: 'INT32',
  inputTokens: 'INT32',
  outputTokens: 'INT32',
  chunkTokens: 'INT32',
  draftTokens: 'INT32',
  prefillWorkers: 'INT32',
  decodeWorkers: 'INT32',
  minChipsToFit: 'INT32',
  sequenceLength: 'INT32',
  globalBatch: 'INT32',
  microBatch: 'INT32',
  virtualStages: 'INT32',
  zeroStage: 'INT32',
};

/** A column's integer values (bigints for INT64); throws rather than truncate a value that is not an integer. */
function integerData(cells: readonly unknown[], column: string, type: 'INT32' | 'INT64'): (number | bigint | null)[] {
  return cells.map((v) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${column} is ${String(v)}, not an integer; its Parquet column is an integer column`);
    return type === 'INT64' ? BigInt(v) : v;
  });
}

function parquetColumns(chunk: RowChunk, columns: readonly string[]): ColumnSource[] {
  return columns.map((c, i): ColumnSource => {
    const cells = chunk.values[i] as unknown[];
    if (c === 'feasible' || c === 'twoBatchOverlap') return { name: c, data: cells as boolean[], type: 'BOOLEAN', nullable: false };
    if (TEXT_COLUMNS.has(c)) return { name: c, data: cells.map((v) => (v === null ? null : String(v))), type: 'STRING', nullable: true };
    const integer = PARQUET_INTEGER_COLUMNS[c];
    if (integer !== undefined) return { name: c, data: integerData(cells, c, integer) as number[], type: integer, nullable: c !== 'index' };
    return { name: c, data: cells as (number | null)[], type: 'DOUBLE', nullable: true };
  });
}

/** The engine's version (its package.json, beside both src/ and dist/). */
export const ENGINE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The key/value metadata of a Parquet row file: `ridgeline.spec` (the spec as JSON, its `where`
 * included), `ridgeline.fingerprint` (the plan's, as in the sweep's result), `ridgeline.version`
 * (the engine's), `ridgeline.range` (the configuration indices written, `[start, end)` as JSON),
 * `ridgeline.total` (configurations in the whole sweep) and `ridgeline.mode`.
 *
 * @example
 * parquetMetadata(plan, [0, plan.total]).find((m) => m.key === 'ridgeline.fingerprint');
 */
export function parquetMetadata(plan: AnySweepPlan, range: readonly [number, number]): { key: string; value: string }[] {
  return [
    { key: 'ridgeline.spec', value: JSON.stringify(plan.resolved.spec) },
    { key: 'ridgeline.fingerprint', value: plan.fingerprint },
    { key: 'ridgeline.version', value: ENGINE_VERSION },
    { key: 'ridgeline.range', value: JSON.stringify([range[0], range[1]]) },
    { key: 'ridgeline.total', value: String(plan.total) },
    { key: 'ridgeline.mode', value: plan.mode ?? 'inference' },
  ];
}

/** Rows evaluated between two checks for an abort: about 0.2 s of work at ~50,000 rows/s. */
const ROWS_BETWEEN_CHECKS = 8192;

/** Options for `writeRows`. */
export interface WriteRowsOptions {
  readonly format?: RowFormat;
  /** The slice of the sweep to write (default: all of it). */
  readonly range?: readonly [number, number];
  readonly onProgress?: (done: number, total: number) => void;
  readonly engine?: Engine;
  /** Rows per kernel call and per Parquet row group (default 65536). */
  readonly chunk?: number;
  /** The temporary file `reserveOutput(path)` returned, to fill (default: reserve it here). */
  readonly temporary?: string;
  /** Stops within about 0.2 s (8,192 rows): the temporary file is removed and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Write feasible rows only (default false: every row, unless the plan has a `where`). A plan's
   * `where` already keeps only the feasible rows meeting it; this keeps every feasible row.
   */
  readonly feasibleOnly?: boolean;
}

/**
 * Writes one full row per configuration (configuration, feasibility, every output, minChipsToFit)
 * to `path` as Parquet, CSV or JSON lines; with a `where` in the spec, only the feasible rows
 * meeting it, and with `feasibleOnly`, only feasible rows. Parquet files type integer columns as
 * INT32/INT64 (`PARQUET_INTEGER_COLUMNS`), hold a row group per `chunk` rows and carry the sweep in
 * their key/value metadata (`parquetMetadata`: spec, fingerprint, engine version, range). Checks first that `path` can be written (`reserveOutput`, unless given its
 * temporary file), then fills the temporary file beside it and renames it into place, so an
 * interrupted or failed write never leaves a partial file under the final name, and removes it.
 * Returns the rows written.
 *
 * @example
 * await writeRows(plan, 'results.parquet');
 */
export async function writeRows(plan: AnySweepPlan, path: string, options: WriteRowsOptions = {}): Promise<{ readonly rows: number; readonly bytes: number }> {
  const format = options.format ?? rowFormatOf(path) ?? 'csv';
  const temporary = options.temporary ?? (await reserveOutput(path));
  const [start, end] = options.range ?? [0, plan.total];
  const chunk = options.chunk ?? 65_536;
  const columns = columnsOf(plan);
  const signal = options.signal;
  const feasibleOnly = options.feasibleOnly ?? false;
  let written = 0;
  let stream: WriteStream | undefined;
  /** Lets a signal handler run (rows and Parquet are made synchronously), then stops if aborted. */
  const checkpoint = async (): Promise<void> => {
    if (signal === undefined) return;
    await nextTurn();
    signal.throwIfAborted();
  };
  try {
    const engine = options.engine ?? (await createEngine());
    const kernel = await engine.open(plan.image(true));
    /**
     * A chunk's kept rows, reporting progress; with a signal, a slice at a time with a checkpoint
     * before each, as a whole chunk takes seconds.
     */
    const sources = columnSources(plan, columns);
    const chunkRows = async (from: number, count: number): Promise<RowChunk> => {
      if (signal === undefined) {
        const rows = chunkOf(kernel, plan, sources, from, count, feasibleOnly);
        options.onProgress?.(from + count - start, end - start);
        return rows;
      }
      const parts: RowChunk[] = [];
      for (let s = from; s < from + count; s += ROWS_BETWEEN_CHECKS) {
        await checkpoint();
        const n = Math.min(ROWS_BETWEEN_CHECKS, from + count - s);
        parts.push(chunkOf(kernel, plan, sources, s, n, feasibleOnly));
        options.onProgress?.(s + n - start, end - start);
      }
      return parts.length === 1 ? (parts[0] as RowChunk) : { count: parts.reduce((t, p) => t + p.count, 0), values: columns.map((_, c) => parts.flatMap((p) => p.values[c] as unknown[])) };
    };
    if (format === 'parquet') {
      const open = (columnData: ColumnSource[]): ParquetWriter =>
        new ParquetWriter({
          writer: fileWriter(temporary),
          schema: schemaFromColumnData({ columnData }),
          kvMetadata: parquetMetadata(plan, [start, end]),
          createdBy: `ridgeline-engine version ${ENGINE_VERSION}`,
        });
      let writer: ParquetWriter | undefined;
      for (let s = start; s < end; s += chunk) {
        const n = Math.min(chunk, end - s);
        const rows = await chunkRows(s, n);
        written += rows.count;
        if (rows.count > 0) {
          const columnData = parquetColumns(rows, columns);
          writer ??= open(columnData);
          await writer.write({ columnData, rowGroupSize: chunk });
        }
      }
      writer ??= open(parquetColumns({ count: 0, values: columns.map(() => []) }, columns));
      await writer.finish();
    } else {
      const out = createWriteStream(temporary);
      stream = out;
      const write = async (text: string): Promise<void> => {
        if (!out.write(text)) await once(out, 'drain');
      };
      if (format === 'csv') await write(`${columns.join(',')}\n`);
      for (let s = start; s < end; s += chunk) {
        const n = Math.min(chunk, end - s);
        const rows = await chunkRows(s, n);
        written += rows.count;
        await write(format === 'csv' ? encodeCsv(rows, columns) : encodeJsonl(rows, columns));
      }
      out.end();
      await once(out, 'finish');
    }
    await checkpoint();
    await rename(temporary, path);
    return { rows: written, bytes: (await stat(path)).size };
  } catch (error) {
    stream?.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Bytes a row file of `rows` rows would take, measured on the first rows of the plan (up to 2000,
 * unfiltered: with a `where`, an upper bound for `rows` configurations).
 *
 * @example
 * estimateRowBytes(plan, 'csv', 5e6); // ≈ 1.6e9
 */
export async function estimateRowBytes(plan: AnySweepPlan, format: RowFormat, rows: number, engine?: Engine): Promise<number> {
  const e = engine ?? (await createEngine());
  const kernel = await e.open(plan.image(true));
  const n = Math.min(2000, plan.total);
  if (n === 0) return 0;
  const columns = columnsOf(plan);
  const sample = chunkOf(kernel, plan, columnSources(plan, columns), 0, n, false, []);
  let bytes: number;
  if (format === 'csv') bytes = Buffer.byteLength(encodeCsv(sample, columns));
  else if (format === 'jsonl') bytes = Buffer.byteLength(encodeJsonl(sample, columns));
  else {
    // Parquet compresses repetitive columns well; measure an encoded sample.
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    bytes = parquetWriteBuffer({ columnData: parquetColumns(sample, columns) }).byteLength;
  }
  return Math.round((bytes / n) * rows);
}
