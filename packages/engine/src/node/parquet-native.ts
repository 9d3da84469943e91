/**
 * Parquet row files written by DuckDB (`@duckdb/node-api`, an optional peer dependency with
 * prebuilt native binaries): the engine's columns go into DuckDB's data chunks a column at a time
 * (one bulk copy of a typed array per column and chunk of up to 2,048 rows, no call per value), a
 * table function hands the chunks to `COPY … TO 'file' (FORMAT parquet)` on one DuckDB thread, and
 * DuckDB encodes them. `rows.ts` falls back to parquet-wasm when the package is not installed.
 */
import { createRequire } from 'node:module';
import type { ColumnCells, ParquetColumnType, RowBatch } from './rows.ts';

type NodeApi = typeof import('@duckdb/node-api');

/** DuckDB's handles, opaque here. */
type Handle = object;

/**
 * The functions of `@duckdb/node-bindings` (DuckDB's C API, which `@duckdb/node-api` is built on
 * and depends on at its own version) that fill a data chunk's vectors in bulk.
 */
interface Bindings {
  data_chunk_get_vector(chunk: Handle, index: number): Handle;
  copy_data_to_vector(vector: Handle, targetOffset: number, source: ArrayBufferLike, sourceOffset: number, byteCount: number): void;
  copy_data_to_vector_validity(vector: Handle, targetOffset: number, source: ArrayBufferLike, sourceOffset: number, byteCount: number): void;
  vector_ensure_validity_writable(vector: Handle): void;
  vector_assign_string_element(vector: Handle, index: number, text: string): void;
  vector_get_data(vector: Handle, byteCount: number): Uint8Array;
  create_varchar(text: string): Handle;
  vector_reference_value(vector: Handle, value: Handle): void;
}

/** The loaded DuckDB packages. */
export interface NativeParquet {
  readonly api: NodeApi;
  readonly bindings: Bindings;
}

let loaded: Promise<NativeParquet | undefined> | undefined;

/**
 * DuckDB's Node packages, or undefined when they are not installed (or their native binary does not
 * load on this platform). Loaded once.
 */
export function loadNativeParquet(): Promise<NativeParquet | undefined> {
  loaded ??= (async () => {
    try {
      const api = await import('@duckdb/node-api');
      // node-api's own bindings, resolved from where it is installed
      const bindings = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'))('@duckdb/node-bindings') as Bindings;
      return { api, bindings };
    } catch {
      return undefined;
    }
  })();
  return loaded;
}

/** What `writeNativeParquet` writes. */
export interface NativeParquetFile {
  /** The file to write (created or replaced). */
  readonly path: string;
  readonly columns: readonly string[];
  readonly types: readonly ParquetColumnType[];
  /** The file's key/value metadata. */
  readonly metadata: readonly { readonly key: string; readonly value: string }[];
  /** Rows per row group. */
  readonly rowGroup: number;
  /** The next batch of rows to write, undefined at the end; called on this thread, between DuckDB's requests. */
  readonly next: () => RowBatch | undefined;
}

/** A string as an SQL literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** An identifier as SQL quotes it. */
function identifier(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** DuckDB's vector size: rows per data chunk. */
const VECTOR_SIZE = 2048;

/**
 * Fills the vectors of one data chunk with `n` rows of `batch` from row `from`: numbers, integers
 * and flags by one bulk copy per column (a validity mask where a number is NaN), text by assigning
 * each distinct value of the chunk once and copying its 16-byte string reference to the other rows.
 */
class ChunkFiller {
  private readonly validity = new Uint8Array(VECTOR_SIZE / 8);
  private readonly int32 = new Int32Array(VECTOR_SIZE);
  private readonly int64 = new Uint32Array(VECTOR_SIZE * 2);
  private readonly strings = new Uint32Array(VECTOR_SIZE * 4);
  private readonly firstOf = new Int32Array(VECTOR_SIZE);
  /** Per text column, code → duckdb value for a chunk that holds one value throughout. */
  private readonly constants: Map<number, Handle>[];
  private readonly bindings: Bindings;
  private readonly columns: readonly string[];
  private readonly types: readonly ParquetColumnType[];

  constructor(bindings: Bindings, columns: readonly string[], types: readonly ParquetColumnType[]) {
    this.bindings = bindings;
    this.columns = columns;
    this.types = types;
    this.constants = columns.map(() => new Map());
  }

  /** Clears the validity bits of the NaNs among `values[from, from + n)`; whether there was one. */
  private nanMask(values: Float64Array, from: number, n: number): boolean {
    let none = true;
    for (let k = 0; k < n; k++) {
      const v = values[from + k] as number;
      if (v !== v) {
        if (none) {
          this.validity.fill(255);
          none = false;
        }
        this.validity[k >> 3] = (this.validity[k >> 3] as number) & ~(1 << (k & 7));
      }
    }
    return !none;
  }

  private setValidity(vector: Handle, n: number): void {
    const b = this.bindings;
    b.vector_ensure_validity_writable(vector);
    b.copy_data_to_vector_validity(vector, 0, this.validity.buffer, 0, Math.ceil(n / 64) * 8);
  }

  fill(chunk: Handle, batch: RowBatch, from: number, n: number): void {
    const b = this.bindings;
    for (let c = 0; c < this.columns.length; c++) {
      const vector = b.data_chunk_get_vector(chunk, c);
      const cells = batch.cells[c] as ColumnCells;
      const type = this.types[c] as ParquetColumnType;
      if (cells.kind === 'flag') {
        const values = cells.values;
        b.copy_data_to_vector(vector, 0, values.buffer, values.byteOffset + from, n);
      } else if (cells.kind === 'value') this.fillText(vector, c, cells, from, n);
      else {
        const values = cells.values;
        const nulls = this.nanMask(values, from, n);
        if (type === 'DOUBLE') b.copy_data_to_vector(vector, 0, values.buffer, values.byteOffset + from * 8, n * 8);
        else if (type === 'INT32') {
          const target = this.int32;
          for (let k = 0; k < n; k++) {
            const v = values[from + k] as number;
            if (v !== v) target[k] = 0;
            else if ((v | 0) === v) target[k] = v;
            else throw new Error(`${this.columns[c]} is ${String(v)}, not an integer; its Parquet column is an integer column`);
          }
          b.copy_data_to_vector(vector, 0, target.buffer, 0, n * 4);
        } else {
          // INT64: little-endian words from two 32-bit halves (configuration indices are below 2^53)
          const target = this.int64;
          for (let k = 0; k < n; k++) {
            const v = values[from + k] as number;
            if (v !== v) {
              target[2 * k] = 0;
              target[2 * k + 1] = 0;
            } else if (Number.isSafeInteger(v) && v >= 0) {
              target[2 * k] = v % 4294967296;
              target[2 * k + 1] = Math.floor(v / 4294967296);
            } else throw new Error(`${this.columns[c]} is ${String(v)}, not an integer; its Parquet column is an integer column`);
          }
          b.copy_data_to_vector(vector, 0, target.buffer, 0, n * 8);
        }
        if (nulls) this.setValidity(vector, n);
      }
    }
  }

  private fillText(vector: Handle, c: number, cells: Extract<ColumnCells, { kind: 'value' }>, from: number, n: number): void {
    const b = this.bindings;
    const { codes, dictionary } = cells;
    const first = codes[from] as number;
    let constant = true;
    for (let k = 1; k < n; k++) {
      if (codes[from + k] !== first) {
        constant = false;
        break;
      }
    }
    if (constant && first >= 0) {
      // one value throughout: a constant vector of it
      const constants = this.constants[c] as Map<number, Handle>;
      let value = constants.get(first);
      if (value === undefined) {
        value = b.create_varchar(String(dictionary[first]));
        constants.set(first, value);
      }
      b.vector_reference_value(vector, value);
      return;
    }
    // each distinct value assigned once, at rows 0, 1, …, then its reference copied to every row it is in
    const firstOf = this.firstOf;
    const slots: number[] = [];
    const slotOf = new Map<number, number>();
    let nulls = false;
    for (let k = 0; k < n; k++) {
      const code = codes[from + k] as number;
      if (code < 0) {
        nulls = true;
        firstOf[k] = -1;
        continue;
      }
      let slot = slotOf.get(code);
      if (slot === undefined) {
        slot = slots.length;
        slots.push(code);
        slotOf.set(code, slot);
      }
      firstOf[k] = slot;
    }
    for (let s = 0; s < slots.length; s++) b.vector_assign_string_element(vector, s, String(dictionary[slots[s] as number]));
    const assigned = b.vector_get_data(vector, slots.length * 16);
    const references = new Uint32Array(assigned.buffer, assigned.byteOffset, slots.length * 4);
    const target = this.strings;
    if (nulls) this.validity.fill(255);
    for (let k = 0; k < n; k++) {
      const slot = firstOf[k] as number;
      if (slot < 0) {
        target[4 * k] = 0;
        target[4 * k + 1] = 0;
        target[4 * k + 2] = 0;
        target[4 * k + 3] = 0;
        this.validity[k >> 3] = (this.validity[k >> 3] as number) & ~(1 << (k & 7));
      } else {
        target[4 * k] = references[4 * slot] as number;
        target[4 * k + 1] = references[4 * slot + 1] as number;
        target[4 * k + 2] = references[4 * slot + 2] as number;
        target[4 * k + 3] = references[4 * slot + 3] as number;
      }
    }
    b.copy_data_to_vector(vector, 0, target.buffer, 0, n * 16);
    if (nulls) this.setValidity(vector, n);
  }
}

/**
 * Writes `file.next()`'s batches to `file.path` as Parquet with DuckDB on one thread: Snappy pages,
 * INT32/INT64/DOUBLE/BOOLEAN/UTF8 columns as `types` says, row groups of `rowGroup` rows (each data
 * chunk ends at a row group's end, and DuckDB closes a row group once it holds `rowGroup` rows), the
 * key/value metadata given. Rejects with the first error `next` throws; the caller removes the file.
 */
export async function writeNativeParquet(native: NativeParquet, file: NativeParquetFile): Promise<void> {
  const { api, bindings } = native;
  const { columns, types, rowGroup } = file;
  const duckdbType = { BOOLEAN: api.BOOLEAN, UTF8: api.VARCHAR, INT32: api.INTEGER, INT64: api.BIGINT, DOUBLE: api.DOUBLE } as const;
  const instance = await api.DuckDBInstance.create(':memory:', { threads: '1' });
  try {
    const connection = await instance.connect();
    try {
      const filler = new ChunkFiller(bindings, columns, types);
      let batch: RowBatch | undefined;
      let at = 0;
      let inGroup = 0;
      let failure: { error: unknown } | undefined;
      connection.registerTableFunction(
        api.DuckDBTableFunction.create({
          name: 'ridgeline_rows',
          bindFunction: (info) => {
            columns.forEach((name, c) => info.addResultColumn(name, duckdbType[types[c] as ParquetColumnType]));
          },
          initFunction: (info) => {
            info.setMaxThreads(1);
          },
          mainFunction: (info, output) => {
            try {
              while (batch === undefined || at >= batch.count) {
                batch = file.next();
                at = 0;
                if (batch === undefined) {
                  output.rowCount = 0;
                  return;
                }
              }
              // at most a vector, never past the end of a row group
              const n = Math.min(VECTOR_SIZE, batch.count - at, rowGroup - inGroup);
              output.rowCount = n;
              filler.fill(output.chunk, batch, at, n);
              at += n;
              inGroup = (inGroup + n) % rowGroup;
            } catch (error) {
              failure ??= { error };
              output.rowCount = 0;
              info.setError(error instanceof Error ? error.message : String(error));
            }
          },
        }),
      );
      const metadata = file.metadata.map(({ key, value }) => `${literal(key)}: ${literal(value)}`).join(', ');
      const sql =
        `COPY (SELECT ${columns.map(identifier).join(', ')} FROM ridgeline_rows()) TO ${literal(file.path)} ` +
        `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup}${process.env['RIDGELINE_DUCKDB_PARQUET_OPTIONS'] ?? ''}, KV_METADATA {${metadata}})`;
      try {
        await connection.run(sql);
      } catch (error) {
        throw failure === undefined ? error : failure.error;
      }
      if (failure !== undefined) throw failure.error;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * EXPERIMENT (issue 14 evaluation, not shipped): the same batches through nodejs-polars — a
 * DataFrame per batch from the typed arrays (NaN → null, integers cast, text codes replaced by
 * their values), concatenated, then `writeParquet` (Snappy). nodejs-polars takes no key/value
 * metadata and no row group size in `writeParquet`, so the file lacks both; this only times it.
 */
export async function writePolarsParquet(file: NativeParquetFile): Promise<void> {
  const pl = (await import('nodejs-polars')).default;
  const { columns, types } = file;
  const frames: ReturnType<typeof pl.DataFrame>[] = [];
  for (let batch = file.next(); batch !== undefined; batch = file.next()) {
    if (batch.count === 0) continue;
    const cells = batch.cells;
    const series = columns.map((name, c) => {
      const cell = cells[c] as ColumnCells;
      if (cell.kind === 'flag') return pl.Series(name, cell.values);
      if (cell.kind === 'value') return pl.Series(name, cell.codes);
      return pl.Series(name, cell.values);
    });
    const exprs = columns.map((name, c) => {
      const cell = cells[c] as ColumnCells;
      const type = types[c] as ParquetColumnType;
      if (cell.kind === 'flag') return pl.col(name).cast(pl.Bool);
      if (cell.kind === 'value') {
        if (cell.dictionary.length === 0) return pl.lit(null).cast(pl.Utf8).alias(name);
        const old = cell.dictionary.map((_, k) => k);
        // -1 (null) first to null, then each code to its value
        return pl.when(pl.col(name).gtEq(0)).then(pl.col(name)).otherwise(pl.lit(null)).replaceStrict(old, cell.dictionary.map(String)).alias(name);
      }
      const e = pl.col(name).fillNan(null);
      return type === 'INT32' ? e.cast(pl.Int32) : type === 'INT64' ? e.cast(pl.Int64) : e;
    });
    frames.push(pl.DataFrame(series).select(...exprs));
  }
  const frame = frames.length === 1 ? frames[0]! : pl.concat(frames, { rechunk: false, how: 'vertical' });
  frame.writeParquet(file.path, { compression: 'snappy' });
}
