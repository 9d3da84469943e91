/**
 * `@ridgeline/engine/node`: the engine's Node-only parts — sweeps over worker threads, row files
 * (Parquet, CSV, JSON lines) written atomically, and spec files read from disk.
 *
 * @example
 * import { runSweep, writeRows } from '@ridgeline/engine/node';
 */
export { runSweep, type RunSweepOptions } from './run.ts';
export { estimateRowBytes, ROW_COLUMNS, ROW_FORMATS, rowFormatOf, TRAINING_ROW_COLUMNS, writeRows, type RowFormat, type WriteRowsOptions } from './rows.ts';
export { WORKER_SOURCE, WORKER_URL } from './worker-source.ts';
