import { readFileSync } from 'node:fs';
import { open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Bool, Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, type Data, type DataType } from 'apache-arrow';
import { Compression, EnabledStatistics, Table as WasmTable, transformParquetStream, writeParquet, WriterPropertiesBuilder, type RecordBatch as WasmRecordBatch, type WriterProperties } from 'parquet-wasm';
import { AXES, BOUNDS, DISAGGREGATION_AXES, DISAGGREGATION_BOUND_CODES, N_OUT, OUTPUTS, REASONS } from '../descriptors.ts';
import { TRAINING_AXES, TRAINING_OUTPUTS, TRAINING_SWEEP_AXES } from '../training.ts';
import { createEngine, type Engine, type Kernel } from '../engine.ts';
import type { AnySweepPlan } from '../plan.ts';
import type { AnyMetric } from '../spec.ts';
import type { WhereClause } from '../where.ts';
import { reserveOutput, temporaryPathOf } from './output.ts';

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
  'attentionWeights',
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
  'attentionWeights',
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
 * A batch of row-file rows, column by column, in typed arrays made straight from the kernel's
 * output buffer (no row object per configuration): numbers in a Float64Array (NaN for a missing
 * value), flags in a Uint8Array, and everything else (ids, precisions, bounds, `auto`) as codes into
 * a small dictionary of the values a row object holds (-1 for null).
 */
type Cells =
  | { readonly kind: 'number'; readonly values: Float64Array }
  | { readonly kind: 'flag'; readonly values: Uint8Array }
  | { readonly kind: 'value'; readonly codes: Int32Array; readonly dictionary: readonly unknown[] };

interface RowBatch {
  readonly count: number;
  readonly cells: readonly Cells[];
}

/** How a column's cells are made. */
type ColumnSource =
  | { readonly kind: 'index' }
  /** A trailing axis whose configuration field is its value (`leafAxesOf`): digit `(index / stride) % values.length`. */
  | { readonly kind: 'axis'; readonly values: readonly number[]; readonly stride: number }
  /** Any other configuration field, read from `plan.config` once per block of the trailing axes. */
  | { readonly kind: 'config'; readonly key: string; readonly cell: 'number' | 'flag' | 'value'; readonly intern: Map<unknown, number>; readonly dictionary: unknown[] }
  | { readonly kind: 'output'; readonly slot: number }
  | { readonly kind: 'feasible'; readonly slot: number }
  | { readonly kind: 'code'; readonly slot: number; readonly table: readonly string[] };

/**
 * Axes whose configuration field holds the axis value itself and that no other field reads (so a
 * configuration's other fields are the same for every value of them). `rows.test.ts` checks the
 * columns against `plan.config` for every example.
 */
const LEAF_AXES: Readonly<Record<'inference' | 'training', ReadonlySet<string>>> = {
  inference: new Set(['moeImbalance', 'draftTokens', 'ep', 'prefillWorkers', 'decodeWorkers', 'chunkTokens', 'batch', 'inputTokens', 'outputTokens']),
  training: new Set(['ep', 'sequenceLength', 'microBatch', 'globalBatch', 'virtualStages', 'zeroStage', 'optimizerBytesPerParam', 'totalTokens']),
};

/** Configuration columns that are flags (booleans in a row object). */
const FLAG_COLUMNS = new Set(['feasible', 'twoBatchOverlap']);

/** A column's sources and the block of trailing axes over which the other configuration fields stay the same. */
interface Layout {
  readonly sources: readonly ColumnSource[];
  /** Configurations per block: the product of the trailing leaf axes' lengths. */
  readonly block: number;
}

/** Where each column comes from, as `rowOf` (state.ts) builds a row: the outputs over the configuration. */
function layoutOf(plan: AnySweepPlan, columns: readonly string[]): Layout {
  const names = plan.outputs ?? OUTPUTS;
  const mode = plan.mode ?? 'inference';
  const order: readonly string[] = mode === 'training' ? TRAINING_SWEEP_AXES : AXES;
  const axes = plan.axes as Readonly<Record<string, readonly number[]>>;
  const leaves = LEAF_AXES[mode];
  // the trailing run of leaf axes, innermost last; a configuration's other fields are the same across it
  const trailing = new Map<string, { values: readonly number[]; stride: number }>();
  let block = 1;
  for (let a = order.length - 1; a >= 0; a--) {
    const axis = order[a] as string;
    if (!leaves.has(axis)) break;
    const values = axes[axis] ?? [];
    trailing.set(axis, { values, stride: block });
    block *= Math.max(1, values.length);
  }
  const sources = columns.map((name): ColumnSource => {
    if (name === 'index') return { kind: 'index' };
    const slot = names.indexOf(name);
    if (slot < 0) {
      const axis = trailing.get(name);
      if (axis !== undefined) return { kind: 'axis', ...axis };
      const cell = TEXT_COLUMNS.has(name) ? 'value' : FLAG_COLUMNS.has(name) ? 'flag' : 'number';
      return { kind: 'config', key: name, cell, intern: new Map(), dictionary: [] };
    }
    if (name === 'feasible') return { kind: 'feasible', slot };
    if (name === 'reason') return { kind: 'code', slot, table: REASONS };
    if (name === 'boundPrefill' || name === 'boundDecode' || name === 'bound') return { kind: 'code', slot, table: BOUNDS };
    if (name === 'disaggregationBound') return { kind: 'code', slot, table: DISAGGREGATION_BOUND_CODES };
    return { kind: 'output', slot };
  });
  return { sources, block };
}

/** The kernel rows of `count` configurations from `start` that are written: their offsets in the range. */
function keptRows(out: Float64Array, plan: AnySweepPlan, count: number, feasibleOnly: boolean, where: readonly WhereClause<AnyMetric>[]): Int32Array | undefined {
  // matchesWhere on the buffer: a NaN (null) never matches, absent bounds do not limit
  if (where.length === 0 && !feasibleOnly) return undefined;
  const names = plan.outputs ?? OUTPUTS;
  const feasibleSlot = names.indexOf('feasible');
  const clauses = where.map((c) => ({ slot: names.indexOf(c.metric), min: c.min ?? Number.NEGATIVE_INFINITY, max: c.max ?? Number.POSITIVE_INFINITY }));
  const kept = new Int32Array(count);
  let n = 0;
  rows: for (let k = 0; k < count; k++) {
    const base = k * N_OUT;
    if (out[base + feasibleSlot] !== 1) continue;
    for (const { slot, min, max } of clauses) {
      const v = out[base + slot] as number;
      if (!(v >= min && v <= max)) continue rows;
    }
    kept[n++] = k;
  }
  return kept.subarray(0, n);
}

/** 0, 1, …, count − 1: every row kept. */
function identity(count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let k = 0; k < count; k++) rows[k] = k;
  return rows;
}

/** A configuration value's code in its column's dictionary (-1: null). */
function internOf(source: { readonly intern: Map<unknown, number>; readonly dictionary: unknown[] }, value: unknown): number {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return -1;
  let code = source.intern.get(value);
  if (code === undefined) {
    code = source.dictionary.length;
    source.dictionary.push(value);
    source.intern.set(value, code);
  }
  return code;
}

/**
 * The rows of `count` configurations from `start` that are written, by column: with a `where`, the
 * feasible rows meeting it; else with `feasibleOnly` the feasible rows; else all of them.
 */
function batchOf(kernel: Kernel, plan: AnySweepPlan, layout: Layout, start: number, count: number, feasibleOnly: boolean, where: readonly WhereClause<AnyMetric>[] = plan.where): RowBatch {
  const out = kernel.rows(start, count);
  const chosen = keptRows(out, plan, count, feasibleOnly, where);
  const filtered = chosen !== undefined;
  const kept = chosen ?? identity(count);
  const n = kept.length;
  const { sources, block } = layout;
  const cells = sources.map((source): Cells => {
    switch (source.kind) {
      case 'config':
        return source.cell === 'value' ? { kind: 'value', codes: new Int32Array(n), dictionary: source.dictionary } : source.cell === 'flag' ? { kind: 'flag', values: new Uint8Array(n) } : { kind: 'number', values: new Float64Array(n) };
      case 'feasible': {
        const values = new Uint8Array(n);
        for (let k = 0; k < n; k++) values[k] = out[(kept[k] as number) * N_OUT + source.slot] === 1 ? 1 : 0;
        return { kind: 'flag', values };
      }
      case 'code': {
        const codes = new Int32Array(n);
        const { slot, table } = source;
        for (let k = 0; k < n; k++) {
          const v = out[(kept[k] as number) * N_OUT + slot] as number;
          // NaN, a negative reason (feasible) or an unknown code: null
          codes[k] = v >= 0 && v < table.length ? v : -1;
        }
        return { kind: 'value', codes, dictionary: table };
      }
      case 'output':
        return { kind: 'number', values: new Float64Array(n) };
      case 'index': {
        const values = new Float64Array(n);
        for (let k = 0; k < n; k++) values[k] = start + (kept[k] as number);
        return { kind: 'number', values };
      }
      case 'axis': {
        const values = new Float64Array(n);
        const { values: axis, stride } = source;
        const length = axis.length;
        for (let k = 0; k < n; k++) values[k] = axis[Math.floor((start + (kept[k] as number)) / stride) % length] as number;
        return { kind: 'number', values };
      }
    }
  });
  // the outputs, row by row through the kernel's row-major buffer
  const slots = Int32Array.from(sources.flatMap((s) => (s.kind === 'output' ? [s.slot] : [])));
  const targets = sources.flatMap((s, c) => (s.kind === 'output' ? [(cells[c] as { values: Float64Array }).values] : []));
  // in blocks of 64 rows, whose outputs stay in the L1 cache while each column takes its 64 values
  for (let from = 0; from < n; from += 64) {
    const to = Math.min(n, from + 64);
    for (let j = 0; j < slots.length; j++) {
      const target = targets[j] as Float64Array;
      const slot = slots[j] as number;
      if (filtered) for (let k = from; k < to; k++) target[k] = out[(kept[k] as number) * N_OUT + slot] as number;
      else for (let k = from, i = from * N_OUT + slot; k < to; k++, i += N_OUT) target[k] = out[i] as number;
    }
  }
  // the other configuration fields: one plan.config per block of the trailing axes, filled over its rows
  const configColumns = sources.flatMap((source, c) => (source.kind === 'config' ? [{ source, cells: cells[c] as Cells }] : []));
  if (configColumns.length > 0) {
    let k = 0;
    while (k < n) {
      const first = Math.floor((start + (kept[k] as number)) / block);
      const end = (first + 1) * block;
      let to = k + 1;
      while (to < n && start + (kept[to] as number) < end) to++;
      const config = plan.config(first * block) as unknown as Record<string, unknown>;
      for (const { source, cells: column } of configColumns) {
        const value = config[source.key];
        if (column.kind === 'value') column.codes.fill(internOf(source, value), k, to);
        else if (column.kind === 'flag') column.values.fill(value === true ? 1 : 0, k, to);
        else {
          if (typeof value !== 'number') throw new Error(`configuration field ${source.key} is ${String(value)}, not a number`);
          column.values.fill(value, k, to);
        }
      }
      k = to;
    }
  }
  return { count: n, cells };
}

/** A CSV cell: quoted when it holds a quote, comma or newline. */
function csvText(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A batch as CSV lines or JSON lines, in one buffer: each row's line is built from its cells (text
 * of dictionary values and flags spelt once per batch, numbers formatted once per run of equal
 * values) and encoded into the buffer as it is made, so that no text outlives its row. CSV spells
 * null as an empty cell, JSON as `null`, as the first row-object writers did.
 */
function encodeLines(batch: RowBatch, keys: readonly string[] | undefined): Buffer {
  const json = keys !== undefined;
  const none = json ? 'null' : '';
  const { count, cells } = batch;
  const width = cells.length;
  const prefixes = json ? keys.map((key, c) => `${c === 0 ? '{' : ','}${JSON.stringify(key)}:`) : cells.map((_, c) => (c === 0 ? '' : ','));
  const end = json ? '}\n' : '\n';
  const spelt = cells.map((cell) => (cell.kind === 'value' ? cell.dictionary.map((v) => (json ? JSON.stringify(v) : csvText(String(v)))) : []));
  const last = new Float64Array(width).fill(Number.NaN);
  const lastText = new Array<string>(width).fill(none);
  let buffer = Buffer.allocUnsafe(Math.max(1024, count * width * 12));
  let offset = 0;
  for (let k = 0; k < count; k++) {
    let line = '';
    for (let c = 0; c < width; c++) {
      const cell = cells[c] as Cells;
      let text: string;
      if (cell.kind === 'number') {
        const v = cell.values[k] as number;
        if (Number.isNaN(v)) text = none;
        else if (v === last[c]) text = lastText[c] as string;
        else {
          text = json && !Number.isFinite(v) ? 'null' : String(v);
          last[c] = v;
          lastText[c] = text;
        }
      } else if (cell.kind === 'flag') text = cell.values[k] === 1 ? 'true' : 'false';
      else {
        const code = cell.codes[k] as number;
        text = code < 0 ? none : ((spelt[c] as string[])[code] as string);
      }
      line += (prefixes[c] as string) + text;
    }
    line += end;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (offset + line.length * 3 > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, offset + line.length * 3));
      buffer.copy(grown, 0, 0, offset);
      buffer = grown;
    }
    offset += buffer.write(line, offset, 'utf8');
  }
  return buffer.subarray(0, offset);
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

/** A Parquet column's Arrow type, from its name (the same for every batch). */
function arrowType(column: string): DataType {
  if (FLAG_COLUMNS.has(column)) return new Bool();
  if (TEXT_COLUMNS.has(column)) return new Utf8();
  const integer = PARQUET_INTEGER_COLUMNS[column];
  if (integer === 'INT64') return new Int64();
  if (integer === 'INT32') return new Int32();
  return new Float64();
}

/** The Arrow schema of a plan's Parquet row files: flags and the index required, the rest nullable. */
function arrowSchema(columns: readonly string[]): Schema {
  return new Schema(columns.map((name) => new Field(name, arrowType(name), name !== 'index' && !FLAG_COLUMNS.has(name))));
}

/** The validity bitmap of numbers (bit set: not NaN) and the null count; no bitmap without a null. */
function numberValidity(values: Float64Array): { nullBitmap?: Uint8Array; nullCount: number } {
  let nullCount = 0;
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k] as number)) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k] as number)) nullBitmap[k >> 3] = (nullBitmap[k >> 3] as number) | (1 << (k & 7));
  return { nullBitmap, nullCount };
}

const utf8 = new TextEncoder();

/** One column of a batch as Arrow data of its Parquet type; throws rather than truncate a value that is not an integer. */
function arrowData(field: Field, cells: Cells, count: number): Data {
  if (cells.kind === 'flag') {
    const data = new Uint8Array((count + 7) >> 3);
    const { values } = cells;
    for (let k = 0; k < count; k++) if (values[k] === 1) data[k >> 3] = (data[k >> 3] as number) | (1 << (k & 7));
    return makeData({ type: field.type as Bool, length: count, nullCount: 0, data });
  }
  if (cells.kind === 'value') {
    // plain UTF-8 strings, copied from each dictionary value's bytes
    const { codes } = cells;
    const spelt = cells.dictionary.map((v) => utf8.encode(String(v)));
    let bytes = 0;
    let nullCount = 0;
    for (let k = 0; k < count; k++) {
      const code = codes[k] as number;
      if (code < 0) nullCount++;
      else bytes += (spelt[code] as Uint8Array).length;
    }
    const valueOffsets = new Int32Array(count + 1);
    const data = new Uint8Array(bytes);
    const nullBitmap = nullCount === 0 ? undefined : new Uint8Array((count + 7) >> 3);
    let at = 0;
    for (let k = 0; k < count; ) {
      const code = codes[k] as number;
      // a run of one value (configuration columns hold runs of a whole block): its bytes once, then doubled natively
      let to = k + 1;
      while (to < count && codes[to] === code) to++;
      if (code >= 0) {
        const value = spelt[code] as Uint8Array;
        const length = value.length;
        data.set(value, at);
        for (let filled = length, total = length * (to - k); filled < total; filled *= 2) data.copyWithin(at + filled, at, at + Math.min(filled, total - filled));
        for (let r = k; r < to; r++) {
          at += length;
          valueOffsets[r + 1] = at;
          if (nullBitmap !== undefined) nullBitmap[r >> 3] = (nullBitmap[r >> 3] as number) | (1 << (r & 7));
        }
      } else valueOffsets.fill(at, k + 1, to + 1);
      k = to;
    }
    return makeData({ type: field.type as Utf8, length: count, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }), valueOffsets, data });
  }
  const { values } = cells;
  const { nullBitmap, nullCount } = numberValidity(values);
  const valid = nullBitmap === undefined ? {} : { nullBitmap };
  const integer = PARQUET_INTEGER_COLUMNS[field.name];
  if (integer === undefined) return makeData({ type: field.type as Float64, length: count, nullCount, ...valid, data: values });
  for (let k = 0; k < count; k++) {
    const v = values[k] as number;
    if (!Number.isNaN(v) && !(Number.isSafeInteger(v) && (integer === 'INT64' ? v >= 0 : (v | 0) === v))) {
      throw new Error(`${field.name} is ${String(v)}, not an integer; its Parquet column is an integer column`);
    }
  }
  if (integer === 'INT64') {
    // little-endian 64-bit words from two 32-bit halves (configuration indices are below 2^53)
    const words = new Uint32Array(count * 2);
    for (let k = 0; k < count; k++) {
      const v = values[k] as number;
      if (Number.isNaN(v)) continue;
      words[2 * k] = v % 4294967296;
      words[2 * k + 1] = Math.floor(v / 4294967296);
    }
    return makeData({ type: field.type as Int64, length: count, nullCount, ...valid, data: new BigInt64Array(words.buffer) });
  }
  const data = new Int32Array(count);
  for (let k = 0; k < count; k++) data[k] = values[k] as number; // NaN → 0 under its null bit
  return makeData({ type: field.type as Int32, length: count, nullCount, ...valid, data });
}

/** A batch as an Arrow RecordBatch in JavaScript. */
function arrowBatch(schema: Schema, batch: RowBatch): RecordBatch {
  const children = schema.fields.map((field, c) => arrowData(field, batch.cells[c] as Cells, batch.count));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.count, nullCount: 0, children }));
}

/** Arrow batches in parquet-wasm's memory (by Arrow IPC), as a table for `writeParquet`. */
function wasmTable(schema: Schema, batches: readonly RowBatch[]): WasmTable {
  return WasmTable.fromIPCStream(tableToIPC(new Table(schema, batches.map((b) => arrowBatch(schema, b))), 'stream'));
}

/** A batch as a RecordBatch in parquet-wasm's memory, for `transformParquetStream`. */
function wasmBatch(schema: Schema, batch: RowBatch): WasmRecordBatch {
  const table = wasmTable(schema, [batch]);
  const record = table.recordBatch(0);
  table.free();
  if (record === undefined) throw new Error('parquet-wasm read no record batch back');
  return record;
}

/**
 * How Parquet row files are written (parquet-wasm): plain encoding without dictionaries (its
 * dictionary encoder costs 30–70 ns a value, more than the rest of the row; Snappy still shrinks
 * the long runs of the configuration columns to almost nothing), Snappy pages, statistics on the
 * index and the integer columns (for readers that skip row groups) and none on the outputs, row
 * groups of `rowGroup` rows, the sweep in the key/value metadata.
 */
function writerProperties(plan: AnySweepPlan, columns: readonly string[], range: readonly [number, number], rowGroup: number): WriterProperties {
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(EnabledStatistics.None)
    .setMaxRowGroupSize(rowGroup)
    .setCreatedBy(`ridgeline-engine version ${ENGINE_VERSION}`)
    .setKeyValueMetadata(new Map(parquetMetadata(plan, range).map(({ key, value }) => [key, value])));
  for (const c of columns) if (PARQUET_INTEGER_COLUMNS[c] !== undefined) builder = builder.setColumnStatisticsEnabled(c, EnabledStatistics.Chunk);
  return builder.build();
}

/** The engine's version (its package.json, beside both src/ and dist/). */
export const ENGINE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The key/value metadata of a row file: `ridgeline.spec` (the spec as JSON, its `where`
 * included), `ridgeline.fingerprint` (the plan's, as in the sweep's result), `ridgeline.version`
 * (the engine's), `ridgeline.range` (the configuration indices written, `[start, end)` as JSON),
 * `ridgeline.total` (configurations in the whole sweep) and `ridgeline.mode`. A Parquet file holds
 * it in its footer; a CSV or JSON lines file in its sidecar (`rowMetadataPathOf`).
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

/**
 * The sidecar of a CSV or JSON lines row file: the file's name with `-metadata.json` appended (the
 * place CSV on the Web, W3C's tabular metadata, looks first), so that the rows stay plain CSV or
 * JSON lines that any reader takes.
 *
 * @example
 * rowMetadataPathOf('/data/rows.csv'); // '/data/rows.csv-metadata.json'
 */
export function rowMetadataPathOf(path: string): string {
  return `${path}-metadata.json`;
}

/**
 * What a CSV or JSON lines row file's sidecar holds: the file's name (`url`), its `format`, its
 * `columns` in order, and the key/value metadata of a Parquet row file (`parquetMetadata`) under
 * the same keys, with the same string values.
 */
export interface RowFileMetadata {
  readonly url: string;
  readonly format: 'csv' | 'jsonl';
  readonly columns: readonly string[];
  readonly [key: `ridgeline.${string}`]: string;
}

/** The sidecar of a CSV or JSON lines row file (`RowFileMetadata`). */
function sidecarOf(plan: AnySweepPlan, path: string, format: 'csv' | 'jsonl', columns: readonly string[], range: readonly [number, number]): RowFileMetadata {
  return { url: basename(path), format, columns, ...Object.fromEntries(parquetMetadata(plan, range).map(({ key, value }) => [key, value])) };
}

/**
 * Rows per kernel call and batch, and between two checks for an abort: about 0.3 s of work at
 * Parquet's rate (smaller batches cost more per row: each has its own Arrow message and kernel call).
 */
const ROWS_BETWEEN_CHECKS = 65_536;

/** Options for `writeRows`. */
export interface WriteRowsOptions {
  readonly format?: RowFormat;
  /** The slice of the sweep to write (default: all of it). */
  readonly range?: readonly [number, number];
  readonly onProgress?: (done: number, total: number) => void;
  readonly engine?: Engine;
  /** Rows per kernel call and per Parquet row group (default 131072). */
  readonly chunk?: number;
  /** The temporary file `reserveOutput(path)` returned, to fill (default: reserve it here). */
  readonly temporary?: string;
  /** Stops within about 0.3 s (65,536 rows): the temporary file is removed and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Write feasible rows only (default false: every row, unless the plan has a `where`). A plan's
   * `where` already keeps only the feasible rows meeting it; this keeps every feasible row.
   */
  readonly feasibleOnly?: boolean;
}

/** Writes Parquet bytes from parquet-wasm's stream to a file. */
async function drain(stream: ReadableStream<Uint8Array>, file: FileHandle): Promise<void> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    await file.write(value);
  }
}

/**
 * Writes one full row per configuration (configuration, feasibility, every output, minChipsToFit)
 * to `path` as Parquet, CSV or JSON lines; with a `where` in the spec, only the feasible rows
 * meeting it, and with `feasibleOnly`, only feasible rows. Rows go columnar, a batch at a time,
 * from the kernel's output buffer. Parquet files (written by parquet-wasm from Arrow batches) type
 * integer columns as INT32/INT64 (`PARQUET_INTEGER_COLUMNS`), hold a row group per `chunk` rows
 * and carry the sweep in their key/value metadata (`parquetMetadata`: spec, fingerprint, engine
 * version, range); CSV and JSON lines files carry the same in a sidecar beside them
 * (`rowMetadataPathOf`: `rows.csv-metadata.json`). Checks first that `path` can be written
 * (`reserveOutput`, unless given its temporary file), then fills the temporary file beside it and
 * renames it into place, so an interrupted or failed write never leaves a partial file under the
 * final name, and removes it. Returns the rows written.
 *
 * @example
 * await writeRows(plan, 'results.parquet');
 */
export async function writeRows(plan: AnySweepPlan, path: string, options: WriteRowsOptions = {}): Promise<{ readonly rows: number; readonly bytes: number }> {
  const format = options.format ?? rowFormatOf(path) ?? 'csv';
  const temporary = options.temporary ?? (await reserveOutput(path));
  const [start, end] = options.range ?? [0, plan.total];
  const chunk = options.chunk ?? 131_072;
  const columns = columnsOf(plan);
  const signal = options.signal;
  const feasibleOnly = options.feasibleOnly ?? false;
  // kernel calls and batches of at most 65,536 rows (the Parquet row groups still hold `chunk` rows)
  const step = Math.min(chunk, ROWS_BETWEEN_CHECKS);
  let written = 0;
  let file: FileHandle | undefined;
  let sidecar: string | undefined;
  try {
    const engine = options.engine ?? (await createEngine());
    const kernel = await engine.open(plan.image(true));
    const layout = layoutOf(plan, columns);
    let next = start;
    /**
     * The next batch of rows (undefined at the end), reporting progress; with a signal a slice
     * at a time, after a turn of the event loop for a handler to run (rows are made synchronously).
     */
    const nextBatch = async (): Promise<RowBatch | undefined> => {
      if (next >= end) return undefined;
      if (signal !== undefined) {
        await nextTurn();
        signal.throwIfAborted();
      }
      const n = Math.min(step, end - next);
      const batch = batchOf(kernel, plan, layout, next, n, feasibleOnly);
      next += n;
      written += batch.count;
      options.onProgress?.(next - start, end - start);
      return batch;
    };
    file = await open(temporary, 'w');
    if (format === 'parquet') {
      const schema = arrowSchema(columns);
      const properties = writerProperties(plan, columns, [start, end], chunk);
      let first: RowBatch | undefined;
      while ((first = await nextBatch()) !== undefined && first.count === 0);
      if (first === undefined) {
        // no row: a file with the schema and the metadata only
        await file.write(writeParquet(wasmTable(schema, []), properties));
      } else {
        let pending: RowBatch | undefined = first;
        const batches = new ReadableStream<WasmRecordBatch>(
          {
            pull: async (controller) => {
              let batch = pending;
              pending = undefined;
              while (batch !== undefined && batch.count === 0) batch = await nextBatch();
              batch ??= await nextBatch();
              while (batch !== undefined && batch.count === 0) batch = await nextBatch();
              if (batch === undefined) controller.close();
              else controller.enqueue(wasmBatch(schema, batch));
            },
          },
          { highWaterMark: 0 },
        );
        await drain((await transformParquetStream(batches, properties)) as ReadableStream<Uint8Array>, file);
      }
    } else {
      if (format === 'csv') await file.write(`${columns.join(',')}\n`);
      for (let batch = await nextBatch(); batch !== undefined; batch = await nextBatch()) {
        if (batch.count > 0) await file.write(encodeLines(batch, format === 'csv' ? undefined : columns));
      }
    }
    await file.close();
    file = undefined;
    signal?.throwIfAborted();
    if (format !== 'parquet') {
      // the sidecar first, under its own temporary name, so that no row file stands without it
      sidecar = temporaryPathOf(rowMetadataPathOf(path));
      await writeFile(sidecar, `${JSON.stringify(sidecarOf(plan, path, format, columns, [start, end]), null, 2)}\n`);
      await rename(sidecar, rowMetadataPathOf(path));
      sidecar = undefined;
    }
    await rename(temporary, path);
    return { rows: written, bytes: (await stat(path)).size };
  } catch (error) {
    await file?.close();
    await rm(temporary, { force: true });
    if (sidecar !== undefined) await rm(sidecar, { force: true });
    throw error;
  }
}

/** A row file's expected size and writing time (`estimateRowWrite`). */
export interface RowWriteEstimate {
  /** Bytes the file would take. */
  readonly bytes: number;
  /** Seconds writing it would take on this thread, at the rate measured on a sample. */
  readonly seconds: number;
  /** The measured rate, rows per second. */
  readonly rowsPerS: number;
}

/** A sample of rows encoded in memory as `format` would write them: its bytes. */
function encodeSample(plan: AnySweepPlan, kernel: Kernel, format: RowFormat, columns: readonly string[], n: number): number {
  const batch = batchOf(kernel, plan, layoutOf(plan, columns), 0, n, false, []);
  if (format !== 'parquet') return encodeLines(batch, format === 'csv' ? undefined : columns).byteLength;
  return writeParquet(wasmTable(arrowSchema(columns), [batch]), writerProperties(plan, columns, [0, n], n)).byteLength;
}

/**
 * The size and writing time of a row file of `rows` rows, measured by encoding the first rows of the
 * plan (up to `sample`, default 32768; unfiltered: with a `where`, an upper bound for `rows`
 * configurations) in memory: once to warm up, once timed.
 *
 * @example
 * const { bytes, seconds } = await estimateRowWrite(plan, 'parquet', 5e7);
 */
export async function estimateRowWrite(plan: AnySweepPlan, format: RowFormat, rows: number, engine?: Engine, sample = 32_768): Promise<RowWriteEstimate> {
  const e = engine ?? (await createEngine());
  const kernel = await e.open(plan.image(true));
  const n = Math.min(sample, plan.total);
  if (n === 0) return { bytes: 0, seconds: 0, rowsPerS: Number.POSITIVE_INFINITY };
  const columns = columnsOf(plan);
  encodeSample(plan, kernel, format, columns, n);
  const started = performance.now();
  const bytes = encodeSample(plan, kernel, format, columns, n);
  const rowsPerS = n / Math.max((performance.now() - started) / 1000, 1e-9);
  return { bytes: Math.round((bytes / n) * rows), seconds: rows / rowsPerS, rowsPerS };
}

/**
 * Bytes a row file of `rows` rows would take, measured on the first rows of the plan (up to 2000,
 * unfiltered: with a `where`, an upper bound for `rows` configurations).
 *
 * @example
 * estimateRowBytes(plan, 'csv', 5e6); // ≈ 1.6e9
 */
export async function estimateRowBytes(plan: AnySweepPlan, format: RowFormat, rows: number, engine?: Engine): Promise<number> {
  return (await estimateRowWrite(plan, format, rows, engine, 2000)).bytes;
}
