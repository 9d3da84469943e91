// EXPERIMENT (issue 14, "output at engine speed"): Parquet row files of examples/sweep-llama70b.yaml
// (388,800 rows × 75 columns) written end to end by writeRows (kernel + columns + encoder + file)
// with parquet-wasm (today's path), DuckDB (@duckdb/node-api, one thread: its defaults, then without
// dictionaries and Bloom filters) and nodejs-polars (POLARS_MAX_THREADS=1), and with no encoder at
// all (the kernel and the columns alone: the floor under any encoder); then each encoder alone on
// the same rows already in its own memory, writing a file. Interleaved in one process, rotating the
// order each repeat; medians and ranges by CPU time (process.cpuUsage: every thread of the process)
// and by the clock. Prints, never asserts. Runs on the built package (`pnpm build` first).
//
// RIDGELINE_BENCH_RUNS (default 5) sets the repeats.
process.env.POLARS_MAX_THREADS = '1';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, planAnySweep } from '../dist/index.js';
import { PARQUET_INTEGER_COLUMNS, readSweepSpec, resolveSweep, writeRows } from '../dist/node/index.js';

const runs = Math.max(1, Number(process.env.RIDGELINE_BENCH_RUNS ?? 5));
const { spec, dir } = await readSweepSpec(new URL('../examples/sweep-llama70b.yaml', import.meta.url).pathname);
const plan = planAnySweep(await resolveSweep(spec, { specDir: dir }));
const rows = plan.total;
const engine = await createEngine();
const out = await mkdtemp(join(tmpdir(), 'ridgeline-bench-parquet-native-'));
const TUNED = ', DICTIONARY_SIZE_LIMIT 1, WRITE_BLOOM_FILTER false';

/** Runs `jobs` interleaved `runs` times; returns per job its CPU and wall seconds and file bytes. */
async function interleaved(jobs) {
  const results = jobs.map(() => ({ cpu: [], wall: [], bytes: 0 }));
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < jobs.length; j++) {
      const k = (j + r) % jobs.length;
      const path = join(out, `job-${k}.parquet`);
      const c = process.cpuUsage();
      const t = performance.now();
      await jobs[k].run(path);
      const wall = (performance.now() - t) / 1000;
      const used = process.cpuUsage(c);
      results[k].cpu.push((used.user + used.system) / 1e6);
      results[k].wall.push(wall);
      results[k].bytes = (await stat(path)).size;
      await rm(path);
    }
  }
  return results;
}

const rate = (s) => Math.round(rows / s).toLocaleString('en');
function print(jobs, results) {
  for (const [k, { label }] of jobs.entries()) {
    const c = [...results[k].cpu].sort((a, b) => a - b);
    const w = [...results[k].wall].sort((a, b) => a - b);
    const m = Math.floor(c.length / 2);
    console.log(
      `  ${label.padEnd(34)} ${rate(c[m]).padStart(10)} rows/CPU-s (${rate(c.at(-1))}–${rate(c[0])})` +
        `  ${rate(w[m]).padStart(10)} rows/s (${rate(w.at(-1))}–${rate(w[0])})  ${(results[k].bytes / 1e6).toFixed(1)} MB`,
    );
  }
}

const withOptions = async (options, run) => {
  const before = process.env.RIDGELINE_DUCKDB_PARQUET_OPTIONS;
  if (options === undefined) delete process.env.RIDGELINE_DUCKDB_PARQUET_OPTIONS;
  else process.env.RIDGELINE_DUCKDB_PARQUET_OPTIONS = options;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.RIDGELINE_DUCKDB_PARQUET_OPTIONS;
    else process.env.RIDGELINE_DUCKDB_PARQUET_OPTIONS = before;
  }
};

try {
  const endToEnd = [
    { label: 'parquet-wasm 0.8.0 (today)', run: (path) => writeRows(plan, path, { engine, parquetEncoder: 'wasm' }) },
    { label: 'DuckDB 1.5.6, its defaults', run: (path) => withOptions(undefined, () => writeRows(plan, path, { engine, parquetEncoder: 'native' })) },
    { label: 'DuckDB, no dictionary/Bloom', run: (path) => withOptions(TUNED, () => writeRows(plan, path, { engine, parquetEncoder: 'native' })) },
    { label: 'nodejs-polars 0.24.1', run: (path) => writeRows(plan, path, { engine, parquetEncoder: 'polars' }) },
    { label: 'no encoder (kernel + columns)', run: (path) => writeRows(plan, path, { engine, parquetEncoder: 'none' }) },
  ];
  // warm-up: each once
  for (const job of endToEnd) await job.run(join(out, 'warm.parquet'));
  console.log(`writeRows end to end, examples/sweep-llama70b.yaml: ${rows.toLocaleString('en')} rows, ${runs} interleaved repeats, one thread each:`);
  print(endToEnd, await interleaved(endToEnd));

  // each encoder alone, on the rows already in its memory (read back from today's file), writing a file
  const source = join(out, 'source.parquet');
  await writeRows(plan, source, { engine, parquetEncoder: 'wasm' });
  const pw = await import('parquet-wasm');
  const arrow = await import('apache-arrow');
  const { readFile } = await import('node:fs/promises');
  const arrowTable = arrow.tableFromIPC(pw.readParquet(new Uint8Array(await readFile(source))).intoIPCStream());
  const properties = () => {
    let b = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.None).setMaxRowGroupSize(131_072);
    for (const f of arrowTable.schema.fields) if (PARQUET_INTEGER_COLUMNS[f.name] !== undefined) b = b.setColumnStatisticsEnabled(f.name, pw.EnabledStatistics.Chunk);
    return b.build();
  };
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await duck.connect();
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${source}')`);
  const pl = (await import('nodejs-polars')).default;
  const frame = pl.readParquet(source);
  const alone = [
    { label: 'parquet-wasm (Arrow IPC copy + encode)', run: (path) => writeFile(path, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(arrowTable, 'stream')), properties())) },
    { label: 'DuckDB, its defaults', run: (path) => connection.run(`COPY t TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)`) },
    { label: 'DuckDB, no dictionary/Bloom', run: (path) => connection.run(`COPY t TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072${TUNED})`) },
    { label: 'nodejs-polars writeParquet', run: async (path) => frame.writeParquet(path, { compression: 'snappy' }) },
  ];
  for (const job of alone) await job.run(join(out, 'warm.parquet'));
  console.log(`The encoders alone, the same rows in their own memory, to a file (${runs} interleaved repeats):`);
  print(alone, await interleaved(alone));
  connection.closeSync();
  duck.closeSync();
} finally {
  await rm(out, { recursive: true, force: true });
}
