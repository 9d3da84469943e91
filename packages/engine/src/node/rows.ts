import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import { DISAGGREGATION_AXES, OUTPUTS } from '../descriptors.ts';
import { TRAINING_AXES, TRAINING_OUTPUTS } from '../training.ts';
import { createEngine, type Engine, type Kernel } from '../engine.ts';
import type { AnySweepPlan } from '../plan.ts';
import { sweepRows, type AnySweepRow } from '../state.ts';
import { matchesWhere } from '../where.ts';
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

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function cell(row: AnySweepRow, column: string): unknown {
  const value = (row as unknown as Record<string, unknown>)[column];
  return typeof value === 'number' && Number.isNaN(value) ? null : value;
}

function encodeCsv(rows: readonly AnySweepRow[], columns: readonly string[]): string {
  return rows.map((r) => columns.map((c) => csvCell(cell(r, c))).join(',')).join('\n') + (rows.length > 0 ? '\n' : '');
}

function encodeJsonl(rows: readonly AnySweepRow[], columns: readonly string[]): string {
  return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, cell(r, c)])))).join('\n') + (rows.length > 0 ? '\n' : '');
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
function integerData(rows: readonly AnySweepRow[], column: string, type: 'INT32' | 'INT64'): (number | bigint | null)[] {
  return rows.map((r) => {
    const v = cell(r, column) as number | null;
    if (v === null) return null;
    if (!Number.isSafeInteger(v)) throw new Error(`row ${r.index}: ${column} is ${v}, not an integer; its Parquet column is an integer column`);
    return type === 'INT64' ? BigInt(v) : v;
  });
}

function parquetColumns(rows: readonly AnySweepRow[], columns: readonly string[]): ColumnSource[] {
  return columns.map((c): ColumnSource => {
    if (c === 'feasible' || c === 'twoBatchOverlap') return { name: c, data: rows.map((r) => cell(r, c) as boolean), type: 'BOOLEAN', nullable: false };
    if (TEXT_COLUMNS.has(c)) {
      return { name: c, data: rows.map((r) => { const v = cell(r, c); return v === null ? null : String(v); }), type: 'STRING', nullable: true };
    }
    const integer = PARQUET_INTEGER_COLUMNS[c];
    if (integer !== undefined) return { name: c, data: integerData(rows, c, integer) as number[], type: integer, nullable: c !== 'index' };
    return { name: c, data: rows.map((r) => cell(r, c) as number | null), type: 'DOUBLE', nullable: true };
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
 * The rows of `count` configurations from `start` that are written: with a `where`, the feasible
 * rows meeting it; else with `feasibleOnly` the feasible rows; else all of them.
 */
function keptRows(kernel: Kernel, plan: AnySweepPlan, start: number, count: number, feasibleOnly: boolean): AnySweepRow[] {
  const rows = sweepRows(kernel, plan, start, count);
  const where = plan.where;
  if (where.length > 0) return rows.filter((r) => r.feasible && matchesWhere(r, where));
  return feasibleOnly ? rows.filter((r) => r.feasible) : rows;
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
    const chunkRows = async (from: number, count: number): Promise<AnySweepRow[]> => {
      if (signal === undefined) {
        const rows = keptRows(kernel, plan, from, count, feasibleOnly);
        options.onProgress?.(from + count - start, end - start);
        return rows;
      }
      const rows: AnySweepRow[] = [];
      for (let s = from; s < from + count; s += ROWS_BETWEEN_CHECKS) {
        await checkpoint();
        const n = Math.min(ROWS_BETWEEN_CHECKS, from + count - s);
        for (const row of keptRows(kernel, plan, s, n, feasibleOnly)) rows.push(row);
        options.onProgress?.(s + n - start, end - start);
      }
      return rows;
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
        written += rows.length;
        if (rows.length > 0) {
          const columnData = parquetColumns(rows, columns);
          writer ??= open(columnData);
          await writer.write({ columnData, rowGroupSize: chunk });
        }
      }
      writer ??= open(parquetColumns([], columns));
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
        written += rows.length;
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
  const sample = sweepRows(kernel, plan, 0, n);
  const columns = columnsOf(plan);
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
