import { createWriteStream, type WriteStream } from 'node:fs';
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

function parquetColumns(rows: readonly AnySweepRow[], columns: readonly string[]): ColumnSource[] {
  return columns.map((c): ColumnSource => {
    if (c === 'feasible' || c === 'twoBatchOverlap') return { name: c, data: rows.map((r) => cell(r, c) as boolean), type: 'BOOLEAN', nullable: false };
    if (TEXT_COLUMNS.has(c)) {
      return { name: c, data: rows.map((r) => { const v = cell(r, c); return v === null ? null : String(v); }), type: 'STRING', nullable: true };
    }
    return { name: c, data: rows.map((r) => cell(r, c) as number | null), type: 'DOUBLE', nullable: true };
  });
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
}

/** The rows of `count` configurations from `start` that the plan's `where` keeps: all of them without one, else only feasible rows meeting it. */
function keptRows(kernel: Kernel, plan: AnySweepPlan, start: number, count: number): AnySweepRow[] {
  const rows = sweepRows(kernel, plan, start, count);
  const where = plan.where;
  return where.length === 0 ? rows : rows.filter((r) => r.feasible && matchesWhere(r, where));
}

/**
 * Writes one full row per configuration (configuration, feasibility, every output, minChipsToFit)
 * to `path` as Parquet, CSV or JSON lines; with a `where` in the spec, only the feasible rows
 * meeting it. Checks first that `path` can be written (`reserveOutput`, unless given its
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
        const rows = keptRows(kernel, plan, from, count);
        options.onProgress?.(from + count - start, end - start);
        return rows;
      }
      const rows: AnySweepRow[] = [];
      for (let s = from; s < from + count; s += ROWS_BETWEEN_CHECKS) {
        await checkpoint();
        const n = Math.min(ROWS_BETWEEN_CHECKS, from + count - s);
        for (const row of keptRows(kernel, plan, s, n)) rows.push(row);
        options.onProgress?.(s + n - start, end - start);
      }
      return rows;
    };
    if (format === 'parquet') {
      let writer: ParquetWriter | undefined;
      for (let s = start; s < end; s += chunk) {
        const n = Math.min(chunk, end - s);
        const rows = await chunkRows(s, n);
        written += rows.length;
        if (rows.length > 0) {
          const columnData = parquetColumns(rows, columns);
          writer ??= new ParquetWriter({ writer: fileWriter(temporary), schema: schemaFromColumnData({ columnData }) });
          await writer.write({ columnData, rowGroupSize: chunk });
        }
      }
      if (writer === undefined) {
        const columnData = parquetColumns([], columns);
        writer = new ParquetWriter({ writer: fileWriter(temporary), schema: schemaFromColumnData({ columnData }) });
      }
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
