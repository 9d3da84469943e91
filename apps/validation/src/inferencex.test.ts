import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import {
  DEFAULT_INFERENCEX_CSV,
  errorStats,
  inferencexArgv,
  inferencexChip,
  inferencexConfig,
  parseInferencex,
  readInferencex,
  runInferencex,
  selectInferencex,
} from './inferencex.ts';

const text = readFileSync(DEFAULT_INFERENCEX_CSV, 'utf8');
const [header = '', firstRow = ''] = text.split('\n');
const rows = readInferencex();

/** The header and the first data row with one cell replaced. */
function withCell(column: string, value: string): string {
  const columns = header.split(',');
  const cells = firstRow.split(',');
  cells[columns.indexOf(column)] = value;
  return `${header}\n${cells.join(',')}\n`;
}

describe('reading inferencex-dsr1.csv', () => {
  test('reads all 1,278 rows with numbers parsed', () => {
    expect(rows).toHaveLength(1278);
    const first = rows[0]!;
    expect(first).toMatchObject({ line: 2, hardware: 'mi355x', decodeTp: 4, conc: 4, isl: 1024, osl: 1024, disagg: false });
    expect(first.tputPerGpu).toBe(180.66);
    expect(first.medianTtft).toBe(0.10738);
    // Some early rows leave the container and the split throughputs empty.
    expect(rows[1]!.image).toBeUndefined();
    expect(rows[1]!.outputTputPerGpu).toBeUndefined();
  });

  test('the unmodified first row parses', () => {
    expect(parseInferencex(withCell('decode_tp', '4'))).toHaveLength(1);
  });

  test('a malformed cell throws an error naming the column and the row', () => {
    expect(() => parseInferencex(withCell('decode_tp', 'eight'))).toThrow(/row 1 \(line 2\), column "decode_tp": expected an integer ≥ 1, got "eight"/);
    expect(() => parseInferencex(withCell('median_ttft', ''))).toThrow(/row 1 \(line 2\), column "median_ttft": expected a positive number, got an empty cell/);
    expect(() => parseInferencex(withCell('disagg', 'yes'))).toThrow(/column "disagg": expected one of true, false/);
    expect(() => parseInferencex(withCell('precision', 'int4'))).toThrow(/column "precision"/);
    expect(() => parseInferencex(withCell('conc', '2.5'))).toThrow(/column "conc"/);
  });

  test('a missing column is named', () => {
    const drop = header.split(',').indexOf('tput_per_gpu');
    const without = (line: string): string => line.split(',').filter((_, i) => i !== drop).join(',');
    expect(() => parseInferencex(`${without(header)}\n${without(firstRow)}\n`)).toThrow(/column "tput_per_gpu" is missing/);
  });
});

describe('selecting the rows Ridgeline expresses', () => {
  const selection = selectInferencex(rows);

  test('kept and left-out rows add up to all 1,278, each left-out row with its reason', () => {
    expect(selection.total).toBe(1278);
    expect(selection.excludedCounts).toEqual({
      'not DeepSeek-R1': 0,
      disaggregated: 834,
      'MTP with data-parallel attention': 21,
      'no plugin': 0,
    });
    const excluded = Object.values(selection.excludedCounts).reduce((a, b) => a + b, 0);
    expect(selection.excluded).toHaveLength(excluded);
    expect(selection.kept.length + excluded).toBe(1278);
    expect(selection.kept).toHaveLength(423);
  });

  test('kept rows per chip; every InferenceX chip has a plugin', () => {
    const perChip: Record<string, number> = {};
    for (const r of selection.kept) perChip[r.hardware] = (perChip[r.hardware] ?? 0) + 1;
    expect(perChip).toEqual({ b200: 233, b300: 40, h200: 46, mi300x: 10, mi355x: 94 });
    expect(selection.excluded.filter((e) => e.reason === 'no plugin')).toEqual([]);
    // B300's other 45 rows are disaggregated (multi-node Dynamo-TRT); its 15 single-node MTP rows are kept.
    const b300Left = selection.excluded.filter((e) => e.row.hardware === 'b300');
    expect(b300Left.filter((e) => e.reason === 'disaggregated')).toHaveLength(45);
    expect(b300Left).toHaveLength(45);
    expect(inferencexChip('b300')?.id).toBe('b300');
    // No GB300 row in this data yet; the mapping is ready for them.
    expect(rows.some((r) => r.hardware === 'gb300')).toBe(false);
    expect(inferencexChip('gb300')?.id).toBe('gb300-nvl72');
    for (const r of selection.kept) expect(r.disagg).toBe(false);
    // data-parallel attention rows are kept (13), but not beside MTP
    expect(selection.kept.filter((r) => r.decodeDpAttention)).toHaveLength(13);
    for (const r of selection.kept) if (r.decodeDpAttention) expect(r.specMethod).toBe('none');
    // MTP rows are kept, with speculative decoding (122 of the single-node rows)
    expect(selection.kept.filter((r) => r.specMethod === 'mtp')).toHaveLength(122);
  });
});

describe('a known row maps to its configuration', () => {
  // Line 184: b200,trt,dsr1,fp4,none,false,false,8,8,false,0,8,8,false,0,64,64,1024,8192,64,…,536,476.5,59.496,60.578,…
  // num_decode_gpu is 64 (TP × EP); the engine is decode_tp = 8 GPUs.
  const row = rows.find((r) => r.line === 184)!;

  test('the row as read', () => {
    expect(row).toMatchObject({
      hardware: 'b200',
      framework: 'trt',
      precision: 'fp4',
      decodeTp: 8,
      decodeEp: 8,
      numDecodeGpu: 64,
      isl: 1024,
      osl: 8192,
      conc: 64,
      tputPerGpu: 536,
      medianIntvty: 60.578,
      medianTtft: 0.1487,
    });
  });

  test('static and continuous configurations', () => {
    for (const schedule of ['static', 'continuous'] as const) {
      const config = inferencexConfig(row, schedule);
      expect(config).toEqual({
        model: getModel('deepseek-v3'),
        chip: expect.objectContaining({ id: 'b200' }),
        chips: 8,
        parallelism: { tp: 8, pp: 1, ep: 8 },
        batch: 64,
        inputTokens: 1024,
        outputTokens: 8192,
        precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp8' },
        schedule,
      });
    }
  });

  test('the ridgeline estimate command', () => {
    expect(inferencexArgv(row)).toEqual([
      'estimate', '--model', 'deepseek-v3', '--hardware', 'b200', '--chips', '8', '--tp', '8', '--ep', '8',
      '--batch', '64', '--input', '1024', '--output', '8192', '--weights', 'fp4', '--kv', 'fp8', '--activations', 'fp8',
      '--schedule', 'continuous',
    ]);
  });

  test('a data-parallel-attention row keeps its TP and EP and splits attention by sequences', () => {
    // Line 195: h200,trt,dsr1,fp8,none,false,false,8,8,true,0,8,8,true,0,64,64,8192,1024,64,…
    const dp = rows.find((r) => r.line === 195)!;
    expect(dp).toMatchObject({ hardware: 'h200', decodeTp: 8, decodeEp: 8, decodeDpAttention: true, conc: 64 });
    const config = inferencexConfig(dp, 'continuous');
    expect(config).toMatchObject({ chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64, attentionSharding: 'dp' });
    expect(inferencexArgv(dp)).toEqual([
      'estimate', '--model', 'deepseek-v3', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8',
      '--batch', '64', '--input', '8192', '--output', '1024', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8',
      '--attention', 'dp', '--schedule', 'continuous',
    ]);
  });

  test('an fp8 row runs everything in FP8 on its chip', () => {
    const h200 = rows.find((r) => r.hardware === 'h200' && !r.disagg && r.specMethod === 'none' && !r.decodeDpAttention)!;
    expect(h200.precision).toBe('fp8');
    const config = inferencexConfig(h200, 'static');
    expect(config.chip.id).toBe('h200');
    expect(config.precision).toEqual({ weights: 'fp8', kvCache: 'fp8', activations: 'fp8' });
  });
});

describe('predictions and error statistics', () => {
  test('median, signed median and 90th percentile on five errors, by hand', () => {
    // |e| sorted: 0.05 0.1 0.2 0.3 0.4 → median 0.2; p90 at position 0.9·4 = 3.6: 0.3 + 0.6·(0.4 − 0.3) = 0.36.
    // e sorted: −0.4 −0.1 0.05 0.2 0.3 → median 0.05.
    const s = errorStats([0.3, -0.4, 0.05, 0.2, -0.1]);
    expect(s.n).toBe(5);
    expect(s.medianAbs).toBeCloseTo(0.2, 12);
    expect(s.medianSigned).toBeCloseTo(0.05, 12);
    expect(s.p90Abs).toBeCloseTo(0.36, 12);
  });

  test('every kept row is predicted under both schedules, or counted infeasible with a reason', () => {
    const report = runInferencex(rows);
    for (const schedule of ['static', 'continuous'] as const) {
      const predictions = report.predictions[schedule];
      expect(predictions).toHaveLength(423);
      for (const p of predictions) {
        expect(p.config.schedule).toBe(schedule);
        if (p.error === undefined) expect(p.infeasibleReason, `line ${p.row.line}`).not.toBeNull();
        else for (const e of Object.values(p.error)) expect(Number.isFinite(e), `line ${p.row.line}`).toBe(true);
      }
    }
  });
});
