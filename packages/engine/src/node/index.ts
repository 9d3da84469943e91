/**
 * `@ridgeline/engine/node`: the engine's Node-only parts — `sweep(spec, { plugins })` in one call,
 * spec files, config.json models and plugin files resolved as the CLI does, sweeps over worker threads, row files
 * (Parquet, CSV, JSON lines) written atomically to paths checked before any work, and spec files
 * read from disk. Sweeps and row writes stop on an `AbortSignal`, leaving no file behind.
 *
 * @example
 * import { sweep } from '@ridgeline/engine/node';
 * const result = await sweep('spec.yaml', { plugins: ['./acme.json'] });
 */
export { CONFIGS_PER_THREAD, defaultThreads, runSweep, type RunSweepOptions } from './run.ts';
export { closeSweepPool, POOL_IDLE_MS } from './pool.ts';
export {
  ENGINE_VERSION,
  estimateRowBytes,
  estimateRowWrite,
  PARQUET_INTEGER_COLUMNS,
  parquetMetadata,
  ROW_COLUMNS,
  ROW_FORMATS,
  rowFormatOf,
  rowMetadataPathOf,
  TRAINING_ROW_COLUMNS,
  writeRows,
  type RowFileMetadata,
  type RowFormat,
  type RowWriteEstimate,
  type WriteRowsOptions,
} from './rows.ts';
export { OutputPathError, reserveOutput, temporaryPathOf } from './output.ts';
export { WORKER_SOURCE, WORKER_URL } from './worker-source.ts';
export {
  readSweepSpec,
  resolveSweep,
  sweep,
  sweepPlan,
  withUnresolvedNames,
  type LoadedSweepSpec,
  type ResolveSweepOptions,
  type SweepInput,
  type SweepOptions,
  type SweepPlanOptions,
} from './sweep.ts';
export { isConfigPath, loadPlugin, pluginSources, resolveChipRef, resolveModelRef, type LoadPluginOptions, type ResolveChipRefOptions } from './resolve.ts';
// the result's types, so a Node caller needs one import
export { ResolveError, SweepSpecError, type SweepProgress, type SweepResult, type FeasibleAnySweepRow } from '../index.ts';
