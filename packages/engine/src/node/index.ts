/**
 * `@ridgeline/engine/node`: the engine's Node-only parts — sweeps over worker threads, row files
 * (Parquet, CSV, JSON lines) written atomically to paths checked before any work, and spec files
 * read from disk. Sweeps and row writes stop on an `AbortSignal`, leaving no file behind.
 *
 * @example
 * import { runSweep, writeRows } from '@ridgeline/engine/node';
 */
export { runSweep, type RunSweepOptions } from './run.ts';
export { estimateRowBytes, ROW_COLUMNS, ROW_FORMATS, rowFormatOf, TRAINING_ROW_COLUMNS, writeRows, type RowFormat, type WriteRowsOptions } from './rows.ts';
export { OutputPathError, reserveOutput, temporaryPathOf } from './output.ts';
export { WORKER_SOURCE, WORKER_URL } from './worker-source.ts';
