// `pnpm --filter @ridgeline/engine bench:rows`: rows per second that `writeRows` writes to Parquet,
// CSV and JSON lines for examples/sweep-llama70b.yaml (388,800 configurations, every row kept), on
// this thread. Each repeat writes every format once, in a rotating order (interleaved), to a
// temporary directory; prints each format's median with its range, by the clock and by the
// process's CPU time (user + system: what one core does, on a machine shared with other work).
// Prints, never asserts. Runs on the built package.
//
// RIDGELINE_BENCH_RUNS (default 3) sets the repeats; RIDGELINE_BENCH_ROWS writes only the first n
// rows; RIDGELINE_BENCH_BASELINE=<dir> names another built copy of this package (its dist/ and
// package.json, inside this package so that it resolves the same dependencies, e.g. .bench-baseline)
// whose writeRows runs interleaved with this one's, for a before/after in one run.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine, planAnySweep } from '../dist/index.js';
import { readSweepSpec, resolveSweep } from '../dist/node/index.js';

const runs = Math.max(1, Number(process.env.RIDGELINE_BENCH_RUNS ?? 3));
const example = new URL('../examples/sweep-llama70b.yaml', import.meta.url);
const { spec, dir } = await readSweepSpec(example.pathname);
const plan = planAnySweep(await resolveSweep(spec, { specDir: dir }));
const rows = Math.min(plan.total, Number(process.env.RIDGELINE_BENCH_ROWS ?? plan.total));
const range = [0, rows];

const writers = [{ label: 'this build', writeRows: (await import('../dist/node/index.js')).writeRows }];
if (process.env.RIDGELINE_BENCH_BASELINE) {
  const baseline = resolve(process.env.RIDGELINE_BENCH_BASELINE);
  writers.unshift({ label: 'baseline', writeRows: (await import(pathToFileURL(join(baseline, 'dist/node/index.js')).href)).writeRows });
}
const formats = ['parquet', 'csv', 'jsonl'];
const engine = await createEngine();
const out = await mkdtemp(join(tmpdir(), 'ridgeline-bench-rows-'));
/** seconds[writer][format]: one entry per repeat */
const seconds = writers.map(() => Object.fromEntries(formats.map((f) => [f, []])));
/** cpu[writer][format]: CPU seconds of each repeat */
const cpu = writers.map(() => Object.fromEntries(formats.map((f) => [f, []])));
const bytes = writers.map(() => ({}));
try {
  console.log(`writeRows, examples/sweep-llama70b.yaml: ${rows.toLocaleString('en')} rows, ${runs} interleaved repeats, one thread`);
  const jobs = writers.flatMap((_, w) => formats.map((format) => ({ w, format })));
  for (let r = 0; r < runs; r++) {
    // rotate the order each repeat, so that no writer or format always runs first or warm
    const order = jobs.map((_, k) => jobs[(k + r) % jobs.length]);
    for (const { w, format } of order) {
      const path = join(out, `rows-${w}.${format}`);
      const t = performance.now();
      const c = process.cpuUsage();
      const written = await writers[w].writeRows(plan, path, { range, engine });
      const used = process.cpuUsage(c);
      seconds[w][format].push((performance.now() - t) / 1000);
      cpu[w][format].push((used.user + used.system) / 1e6);
      if (written.rows !== rows) throw new Error(`${writers[w].label} wrote ${written.rows} rows of ${rows}`);
      bytes[w][format] = (await stat(path)).size;
      await rm(path);
    }
  }
} finally {
  await rm(out, { recursive: true, force: true });
}

const rate = (s) => Math.round(rows / s).toLocaleString('en');
for (const format of formats) {
  for (const [w, { label }] of writers.entries()) {
    const s = [...seconds[w][format]].sort((a, b) => a - b);
    const median = s[Math.floor(s.length / 2)];
    const c = [...cpu[w][format]].sort((a, b) => a - b);
    const cpuMedian = c[Math.floor(c.length / 2)];
    const mb = (bytes[w][format] / 1e6).toFixed(1);
    console.log(
      `  ${format.padEnd(8)} ${label.padEnd(11)} ${rate(median).padStart(10)} rows/s  (median of ${s.length}: ${rate(s.at(-1))}–${rate(s[0])}; ${median.toFixed(2)} s, ${mb} MB)` +
        `  ${rate(cpuMedian).padStart(10)} rows/CPU-s (${rate(c.at(-1))}–${rate(c[0])})`,
    );
  }
}

// Parquet encoders alone, on the same columns: the first rows of the file this build writes, read
// back with hyparquet, encoded in memory by hyparquet-writer (the encoder this package used before,
// with its defaults: statistics, dictionary trial, Snappy) and by parquet-wasm from Arrow (as
// writeRows does: plain pages, Snappy, no dictionary), interleaved, medians with their range.
{
  const { parquetReadObjects } = await import('hyparquet');
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm');
  const { PARQUET_INTEGER_COLUMNS, ROW_COLUMNS } = await import('../dist/node/index.js');
  const n = Math.min(rows, Number(process.env.RIDGELINE_BENCH_ENCODER_ROWS ?? 65_536));
  const dir = await mkdtemp(join(tmpdir(), 'ridgeline-bench-encoders-'));
  let objects;
  try {
    const path = join(dir, 'sample.parquet');
    await writers.at(-1).writeRows(plan, path, { range: [0, n], engine });
    const { asyncBufferFromFile } = await import('hyparquet');
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const flags = new Set(['feasible', 'twoBatchOverlap']);
  const kindOf = (c) => (flags.has(c) ? 'BOOLEAN' : PARQUET_INTEGER_COLUMNS[c] ?? (objects.some((o) => typeof o[c] === 'string') ? 'STRING' : 'DOUBLE'));
  const kinds = ROW_COLUMNS.map(kindOf);
  const hyparquetColumns = ROW_COLUMNS.map((name, i) => ({
    name,
    type: kinds[i],
    nullable: name !== 'index' && kinds[i] !== 'BOOLEAN',
    data: objects.map((o) => (kinds[i] === 'INT64' ? o[name] : o[name] === null ? null : kinds[i] === 'INT32' ? Number(o[name]) : o[name])),
  }));
  const arrowTypes = { BOOLEAN: () => new arrow.Bool(), INT64: () => new arrow.Int64(), INT32: () => new arrow.Int32(), STRING: () => new arrow.Utf8(), DOUBLE: () => new arrow.Float64() };
  const fields = ROW_COLUMNS.map((name, i) => new arrow.Field(name, arrowTypes[kinds[i]](), hyparquetColumns[i].nullable));
  const schema = new arrow.Schema(fields);
  const vectors = hyparquetColumns.map((c, i) => arrow.vectorFromArray(c.data, fields[i].type));
  const table = new arrow.Table(schema, new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: vectors.map((v) => v.data[0]) })));
  const properties = () => {
    let b = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.None);
    for (const c of ROW_COLUMNS) if (PARQUET_INTEGER_COLUMNS[c] !== undefined) b = b.setColumnStatisticsEnabled(c, pw.EnabledStatistics.Chunk);
    return b.build();
  };
  const encoders = [
    { label: 'hyparquet-writer', encode: () => parquetWriteBuffer({ columnData: hyparquetColumns, rowGroupSize: n }).byteLength },
    { label: 'parquet-wasm', encode: () => pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties()).byteLength },
  ];
  const times = encoders.map(() => []);
  const sizes = [];
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < encoders.length; k++) {
      const e = (k + r) % encoders.length;
      const c = process.cpuUsage();
      sizes[e] = encoders[e].encode();
      const used = process.cpuUsage(c);
      times[e].push((used.user + used.system) / 1e6);
    }
  }
  console.log(`Parquet encoders alone, the same ${n.toLocaleString('en')} rows × ${ROW_COLUMNS.length} columns in memory (CPU time, ${runs} interleaved repeats):`);
  for (const [e, { label }] of encoders.entries()) {
    const s = [...times[e]].sort((a, b) => a - b);
    const r = (x) => Math.round(n / x).toLocaleString('en');
    console.log(`  ${label.padEnd(17)} ${r(s[Math.floor(s.length / 2)]).padStart(10)} rows/CPU-s  (median of ${s.length}: ${r(s.at(-1))}–${r(s[0])}; ${(sizes[e] / 1e6).toFixed(1)} MB)`);
  }
}
