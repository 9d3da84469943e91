import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.ts';
import { sweepRows, type AnySweepRow } from '../state.ts';
import { matchesWhere } from '../where.ts';
import { planAnySweep, type AnySweepPlan } from '../plan.ts';
import { parseAnySweepSpec, resolveSweepSpec } from '../spec.ts';
import { TEST_RESOLVERS } from '../test-support/random.ts';
import { ENGINE_VERSION, estimateRowWrite, PARQUET_INTEGER_COLUMNS, parquetMetadata, ROW_COLUMNS, rowMetadataPathOf, TRAINING_ROW_COLUMNS, writeRows, type RowFileMetadata } from './rows.ts';

function exampleplan(file: string): AnySweepPlan {
  const text = readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');
  return planAnySweep(resolveSweepSpec(parseAnySweepSpec(text), TEST_RESOLVERS));
}

/** A Parquet value as the CSV writer spells it. */
function asCsv(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The physical (and UTF8) type each column should have. */
function expectedType(column: string, text: ReadonlySet<string>): string {
  if (column === 'feasible' || column === 'twoBatchOverlap') return 'BOOLEAN';
  if (text.has(column)) return 'UTF8';
  return PARQUET_INTEGER_COLUMNS[column] ?? 'DOUBLE';
}

describe('Parquet row files', () => {
  let dir = '';
  let engine: Engine;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-parquet-'));
    engine = await createEngine();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    // a slice across hardware and precision blocks, infeasible rows included; several row groups
    { name: 'inference (examples/sweep-llama70b.yaml)', file: 'sweep-llama70b.yaml', columns: ROW_COLUMNS, range: [190_000, 196_000] as const },
    { name: 'training (examples/sweep-train-llama70b.yaml)', file: 'sweep-train-llama70b.yaml', columns: TRAINING_ROW_COLUMNS, range: [1_000, 5_800] as const },
  ];
  for (const { name, file, columns, range } of cases) {
    it(`type integer columns as integers, match the CSV cell for cell and carry the sweep's metadata: ${name}`, async () => {
      const plan = exampleplan(file);
      const parquet = join(dir, `${file}.parquet`);
      const csv = join(dir, `${file}.csv`);
      const written = await writeRows(plan, parquet, { range, engine, chunk: 1500 });
      await writeRows(plan, csv, { range, engine, chunk: 1500 });
      expect(written.rows).toBe(range[1] - range[0]);

      const buffer = await asyncBufferFromFile(parquet);
      const metadata = await parquetMetadataAsync(buffer);
      // several row groups of `chunk` rows
      expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([1500, 1500, 1500, range[1] - range[0] - 4500]);
      const schema = metadata.schema.slice(1);
      expect(schema.map((s) => s.name)).toEqual(columns);
      const text = new Set(schema.filter((s) => s.converted_type === 'UTF8').map((s) => s.name));
      // the text columns are those with strings, so none of the numeric ones is among them
      for (const c of ['index', 'chips', 'tp', 'pp', 'ep', 'feasible']) expect(text.has(c)).toBe(false);
      const types = Object.fromEntries(schema.map((s) => [s.name, s.converted_type === 'UTF8' ? 'UTF8' : s.type]));
      expect(types).toEqual(Object.fromEntries(columns.map((c) => [c, expectedType(c, text)])));
      const integers = columns.filter((c) => PARQUET_INTEGER_COLUMNS[c] !== undefined);
      expect(integers).toEqual(
        file.includes('train')
          ? ['index', 'zeroStage', 'tp', 'pp', 'cp', 'ep', 'dp', 'chips', 'sequenceLength', 'globalBatch', 'microBatch', 'virtualStages']
          : ['index', 'chips', 'dp', 'tp', 'pp', 'ep', 'batch', 'inputTokens', 'outputTokens', 'chunkTokens', 'draftTokens', 'prefillWorkers', 'decodeWorkers', 'minChipsToFit'],
      );

      const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map(({ key, value }) => [key, value]));
      // besides the sweep's keys, only the Arrow schema that Arrow-based writers add (pyarrow reads its dictionary types back from it)
      expect(Object.keys(kv).filter((k) => !k.startsWith('ridgeline.'))).toEqual(['ARROW:schema']);
      delete kv['ARROW:schema'];
      expect(kv).toEqual({
        'ridgeline.spec': JSON.stringify(plan.resolved.spec),
        'ridgeline.fingerprint': plan.fingerprint,
        'ridgeline.version': ENGINE_VERSION,
        'ridgeline.range': JSON.stringify(range),
        'ridgeline.total': String(plan.total),
        'ridgeline.mode': plan.mode ?? 'inference',
      });
      expect(JSON.parse(kv['ridgeline.spec']!)).toEqual(plan.resolved.spec);
      expect(ENGINE_VERSION).toBe((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
      expect(metadata.created_by).toBe(`ridgeline-engine version ${ENGINE_VERSION}`);

      const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
      const lines = (await readFile(csv, 'utf8')).trimEnd().split('\n');
      expect(lines[0]).toBe(columns.join(','));
      expect(rows).toHaveLength(lines.length - 1);
      rows.forEach((row, i) => {
        expect(columns.map((c) => asCsv(row[c])).join(','), `row ${i}`).toBe(lines[i + 1]);
      });
      // integers read back as integers: INT64 as bigint, INT32 as number
      expect(typeof rows[0]!['index']).toBe('bigint');
      expect(Number.isInteger(rows[0]!['chips'])).toBe(true);
      // both feasible and infeasible rows, so null integer cells (minChipsToFit) are covered too
      expect(new Set(rows.map((r) => r['feasible']))).toEqual(new Set([true, false]));
    });
  }

  it('write only feasible rows with feasibleOnly, in every format', async () => {
    const plan = exampleplan('sweep-llama70b.yaml');
    const range = [190_000, 192_000] as const;
    const all = join(dir, 'all.csv');
    await writeRows(plan, all, { range, engine });
    const lines = (await readFile(all, 'utf8')).trimEnd().split('\n');
    const feasible = lines[0]!.split(',').indexOf('feasible');
    const expected = [lines[0], ...lines.slice(1).filter((l) => l.split(',')[feasible] === 'true')];
    expect(expected.length - 1).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(lines.length);
    const csv = join(dir, 'feasible.csv');
    expect((await writeRows(plan, csv, { range, engine, feasibleOnly: true, chunk: 700 })).rows).toBe(expected.length - 1);
    expect((await readFile(csv, 'utf8')).trimEnd().split('\n')).toEqual(expected);
    const jsonl = join(dir, 'feasible.jsonl');
    expect((await writeRows(plan, jsonl, { range, engine, feasibleOnly: true })).rows).toBe(expected.length - 1);
    const parquet = join(dir, 'feasible.parquet');
    expect((await writeRows(plan, parquet, { range, engine, feasibleOnly: true, chunk: 700 })).rows).toBe(expected.length - 1);
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(parquet) })) as Record<string, unknown>[];
    expect(rows.map((r) => ROW_COLUMNS.map((c) => asCsv(r[c])).join(','))).toEqual(expected.slice(1));
  });

  // The writers build columns straight from the kernel's buffer; a row object per configuration
  // (sweepRows), written as the first writers did, is the reference.
  const referenceCell = (row: AnySweepRow, column: string): unknown => {
    const value = (row as unknown as Record<string, unknown>)[column];
    return typeof value === 'number' && Number.isNaN(value) ? null : value;
  };
  const referenceCsv = (rows: readonly AnySweepRow[], columns: readonly string[]): string =>
    rows.map((r) => columns.map((c) => {
      const v = referenceCell(r, c);
      if (v === null || v === undefined) return '';
      if (typeof v === 'number') return String(v);
      return asCsv(v);
    }).join(',')).join('\n') + (rows.length > 0 ? '\n' : '');
  const referenceJsonl = (rows: readonly AnySweepRow[], columns: readonly string[]): string =>
    rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, referenceCell(r, c)])))).join('\n') + (rows.length > 0 ? '\n' : '');
  const specs = [
    { name: 'inference', plan: () => exampleplan('sweep-llama70b.yaml'), range: [150_000, 155_000] as const, feasibleOnly: false },
    { name: 'speculative decoding, feasible only', plan: () => exampleplan('sweep-speculative.yaml'), range: [0, 48] as const, feasibleOnly: true },
    { name: 'training', plan: () => exampleplan('sweep-train-llama70b.yaml'), range: [0, 4_000] as const, feasibleOnly: false },
    // the whole sweep: the dense model's 48 configurations, then DeepSeek-R1's 192 on its own axes
    {
      name: 'axes per model, across the model boundary',
      // examples/sweep-per-model.yaml with the catalog's id for DeepSeek-R1's architecture
      plan: () => planAnySweep(resolveSweepSpec(parseAnySweepSpec(readFileSync(new URL('../../examples/sweep-per-model.yaml', import.meta.url), 'utf8').replaceAll('deepseek-r1', 'deepseek-v3')), TEST_RESOLVERS)),
      range: [0, 240] as const,
      feasibleOnly: false,
    },
    {
      name: 'disaggregated, with a where',
      plan: () => planAnySweep(resolveSweepSpec(parseAnySweepSpec(DISAGGREGATED), TEST_RESOLVERS)),
      range: [0, 192] as const,
      feasibleOnly: false,
    },
  ];
  for (const { name, plan: planOfCase, range, feasibleOnly } of specs) {
    it(`write the CSV and JSON lines that row objects give, byte for byte: ${name}`, async () => {
      const plan = planOfCase();
      const kernel = await engine.open(plan.image(true));
      const columns = plan.mode === 'training' ? TRAINING_ROW_COLUMNS : ROW_COLUMNS;
      const filtered = plan.where.length > 0 || feasibleOnly;
      const rows = sweepRows(kernel, plan, range[0], range[1] - range[0]).filter((r) => !filtered || (r.feasible && matchesWhere(r, plan.where)));
      expect(rows.length).toBeGreaterThan(0);
      if (filtered) expect(rows.length).toBeLessThan(range[1] - range[0]);
      const csv = join(dir, `reference-${name}.csv`);
      const jsonl = join(dir, `reference-${name}.jsonl`);
      await writeRows(plan, csv, { range, engine, feasibleOnly, chunk: 1024 });
      await writeRows(plan, jsonl, { range, engine, feasibleOnly, chunk: 1024, signal: new AbortController().signal });
      expect(await readFile(csv, 'utf8')).toBe(`${columns.join(',')}\n${referenceCsv(rows, columns)}`);
      expect(await readFile(jsonl, 'utf8')).toBe(referenceJsonl(rows, columns));
    });
  }
});

describe('Row file metadata and estimates', () => {
  let dir = '';
  let engine: Engine;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-row-metadata-'));
    engine = await createEngine();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const format of ['csv', 'jsonl'] as const) {
    it(`give a ${format} file a sidecar with the Parquet file's key/value metadata, leaving the rows plain`, async () => {
      const plan = exampleplan('sweep-llama70b.yaml');
      const range = [1_000, 1_300] as const;
      const path = join(dir, `rows.${format}`);
      await writeRows(plan, path, { range, engine });
      expect(rowMetadataPathOf(path)).toBe(`${path}-metadata.json`);
      const sidecar = JSON.parse(await readFile(rowMetadataPathOf(path), 'utf8')) as RowFileMetadata;
      expect(sidecar).toEqual({
        url: `rows.${format}`,
        format,
        columns: ROW_COLUMNS,
        ...Object.fromEntries(parquetMetadata(plan, range).map(({ key, value }) => [key, value])),
      });
      expect(JSON.parse(sidecar['ridgeline.spec'] as string)).toEqual(plan.resolved.spec);
      expect(sidecar['ridgeline.fingerprint']).toBe(plan.fingerprint);
      // the rows themselves: a header (CSV) and one line per row, no comment or metadata line
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(format === 'csv' ? 301 : 300);
      if (format === 'csv') expect(lines[0]).toBe(ROW_COLUMNS.join(','));
      else expect(JSON.parse(lines[0] as string)).toMatchObject({ index: 1000 });
    });
  }

  it('write no sidecar for Parquet, whose footer holds the metadata, nor for a stopped write', async () => {
    const sub = await mkdtemp(join(dir, 'only-'));
    const plan = exampleplan('sweep-llama70b.yaml');
    await writeRows(plan, join(sub, 'rows.parquet'), { range: [0, 100], engine });
    const controller = new AbortController();
    const stopped = writeRows(plan, join(sub, 'stopped.csv'), { range: [0, 40_000], engine, signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) });
    await expect(stopped).rejects.toThrow('stop');
    expect(await readdir(sub)).toEqual(['rows.parquet']);
  });

  it('write a Parquet file with the schema and the metadata when no row is kept', async () => {
    const plan = planAnySweep(resolveSweepSpec(parseAnySweepSpec(`${DISAGGREGATED.replace('where: { ttftS: { max: 5 } }', 'where: { ttftS: { max: 1e-12 } }')}`), TEST_RESOLVERS));
    const path = join(dir, 'none.parquet');
    expect((await writeRows(plan, path, { engine })).rows).toBe(0);
    const buffer = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(buffer);
    expect(Number(metadata.num_rows)).toBe(0);
    expect(metadata.schema.slice(1).map((s) => s.name)).toEqual(ROW_COLUMNS);
    const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map(({ key, value }) => [key, value]));
    expect(kv['ridgeline.fingerprint']).toBe(plan.fingerprint);
    expect(await parquetReadObjects({ file: buffer })).toEqual([]);
  });

  it("estimate a row file's size from a sample, with the rate measured on it", async () => {
    const plan = exampleplan('sweep-llama70b.yaml');
    for (const format of ['parquet', 'csv', 'jsonl'] as const) {
      const path = join(dir, `estimated.${format}`);
      const { bytes } = await writeRows(plan, path, { range: [0, 20_000], engine });
      const estimate = await estimateRowWrite(plan, format, 20_000, engine, 20_000);
      // the same rows encoded in memory: within a few percent of the file (Parquet adds a footer and row groups)
      expect(estimate.bytes / bytes, format).toBeGreaterThan(0.9);
      expect(estimate.bytes / bytes, format).toBeLessThan(1.1);
      expect(estimate.rowsPerS).toBeGreaterThan(0);
      expect(estimate.seconds).toBeCloseTo(20_000 / estimate.rowsPerS, 9);
      expect((await stat(path)).size).toBe(bytes);
    }
  });
});

/** Disaggregated serving (prefill workers, chips and degrees) with a filter. */
const DISAGGREGATED = `
models: [llama-3.1-70b]
hardware: [h100-sxm]
chips: [8, 16]
tp: [4, 8]
batch: [8, 64]
inputTokens: [4096]
outputTokens: [512]
prefillWorkers: [0, 1, 2]
decodeWorkers: [1, 2]
prefillHardware: [same, h200]
prefillTp: [auto, 4]
where: { ttftS: { max: 5 } }
`;
