import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import { finiteRunShare } from '@ridgeline/model';
import { bestFittedProfile } from '@ridgeline/hardware';
import amd from '@ridgeline/hardware-amd';
import nvidia from '@ridgeline/hardware-nvidia';
import {
  DEFAULT_INFERENCEX_CSV,
  errorStats,
  FP4_MATMUL_FRAMEWORKS,
  fp4PrefillSpeedups,
  inferencexPrecision,
  inferencexArgv,
  inferencexChip,
  inferencexChipById,
  INFERENCEX_CHIP_IDS,
  inferencexConfig,
  inferencexMeanTokens,
  inferencexRun,
  sustainedConcurrencyShare,
  SUSTAINED_CONCURRENCY_MIN,
  parseInferencex,
  predictedTputPerGpu,
  workerLayout,
  readInferencex,
  ALONG_FRONTIER,
  bestRowAt,
  frontierAt,
  rankingAgreement,
  rankingLines,
  runInferencex,
  selectInferencex,
} from './inferencex.ts';
import { transferCheck } from './inferencex-fit.ts';
import { quantile } from './validate.ts';

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
    // the GB200 Dynamo rows with zero workers (no stated split), and 20 rows that did not sustain their concurrency
    expect(selection.excludedCounts).toEqual({ 'not DeepSeek-R1': 0, 'disaggregated without a stated split': 60, 'no plugin': 0, 'concurrency not sustained': 20 });
    for (const e of selection.excluded) {
      if (e.reason === 'disaggregated without a stated split') expect([e.row.hardware, e.row.disagg, e.row.decodeNumWorkers]).toEqual(['gb200', true, 0]);
      else expect(e.reason).toBe('concurrency not sustained');
    }
    expect(selection.kept).toHaveLength(1198);
  });

  test('kept rows per chip and deployment; every InferenceX chip has a plugin', () => {
    const perChip: Record<string, number> = {};
    for (const r of selection.kept) perChip[r.hardware] = (perChip[r.hardware] ?? 0) + 1;
    expect(perChip).toEqual({ b200: 386, b300: 85, gb200: 190, h100: 62, h200: 144, mi300x: 10, mi355x: 321 });
    expect(selection.kept.filter((r) => !r.disagg)).toHaveLength(436);
    expect(selection.kept.filter((r) => r.disagg)).toHaveLength(762);
    expect(inferencexChip('b300')?.id).toBe('b300');
    // No GB300 row in this data yet; the mapping is ready for them.
    expect(rows.some((r) => r.hardware === 'gb300')).toBe(false);
    expect(inferencexChip('gb300')?.id).toBe('gb300-nvl72');
    // MTP beside data-parallel attention is kept now (21 single-node rows)
    expect(selection.kept.filter((r) => !r.disagg && r.decodeDpAttention && r.specMethod === 'mtp')).toHaveLength(21);
  });
});

describe('reading the parallelism columns as data/README.md does', () => {
  test("TP below the worker's chips means data-parallel attention over them, EP the row's or W", () => {
    expect(workerLayout(16, 8, 8, true)).toEqual({ chips: 16, tp: 16, ep: 8, attention: 'dp' });
    expect(workerLayout(8, 1, 8, false)).toEqual({ chips: 8, tp: 8, ep: 8, attention: 'dp' });
    expect(workerLayout(48, 1, 1, true)).toEqual({ chips: 48, tp: 48, ep: 48, attention: 'dp' });
    expect(workerLayout(8, 8, 1, false)).toEqual({ chips: 8, tp: 8, ep: 1, attention: 'heads' });
    expect(workerLayout(8, 8, 1, true)).toEqual({ chips: 8, tp: 8, ep: 1, attention: 'dp' });
  });

  test('a disaggregated row: prefill and decode workers, concurrency per decode worker, the flags that reproduce it', () => {
    // mi355x mori-sglang fp8 mtp: prefill 1 worker of 8 (TP 8 EP 1), decode 1 worker of 16 (TP 8 EP 8, dp attention)
    const row = rows.find((r) => r.disagg && r.hardware === 'mi355x' && r.prefillTp === 8 && r.prefillEp === 1 && r.numDecodeGpu === 16 && r.decodeNumWorkers === 1 && r.decodeTp === 8 && r.decodeEp === 8 && r.specMethod === 'mtp')!;
    expect(row).toBeDefined();
    const config = inferencexConfig(row, 'continuous');
    expect(config).toMatchObject({
      chips: 16,
      parallelism: { tp: 16, pp: 1, ep: 8 },
      attentionSharding: 'dp',
      batch: row.conc,
      disaggregation: { prefillWorkers: 1, decodeWorkers: 1, prefillTp: 8, prefillEp: 1, prefillAttention: 'heads' },
      // MoRI-SGLang FP8 with data-parallel attention from February 2026: DECODE_MTP_SIZE=1 (data/inferencex-mtp-drafts.csv)
      speculative: { mode: 'mtp', draftTokens: 1 },
    });
    expect(inferencexArgv(row).slice(-8)).toEqual(['--prefill-workers', '1', '--decode-workers', '1', '--prefill-tp', '8', '--prefill-ep', '1']);
  });

  test("a single TensorRT-LLM engine takes its script's token budget, per attention rank", () => {
    // 64·⌈(B + S_in + 64)/64⌉, at least 8,192: 8k input at concurrency 64, attention over heads:
    // 64·⌈(64 + 8,192 + 64)/64⌉ = 64·130 = 8,320
    const heads = rows.find((r) => !r.disagg && r.framework === 'trt' && !r.decodeDpAttention && r.specMethod === 'none' && r.isl === 8192 && r.conc === 64)!;
    expect(inferencexConfig(heads, 'continuous').chunkTokens).toBe(8320);
    // 1k input at concurrency 4: 64·⌈1,092/64⌉ = 1,152, so the floor of 8,192
    const small = rows.find((r) => !r.disagg && r.framework === 'trt' && r.specMethod === 'none' && r.isl === 1024 && r.conc === 4)!;
    expect(inferencexConfig(small, 'continuous').chunkTokens).toBe(8192);
    // data-parallel attention with MTP over TP 8 at concurrency 256: (γ + 1)·(256/8) slots per rank,
    // 64·⌈((γ + 1)·32 + 8,192 + 64)/64⌉ per rank, 8 ranks
    const dp = rows.find((r) => !r.disagg && r.framework === 'trt' && r.decodeDpAttention && r.decodeTp === 8 && r.specMethod === 'mtp' && r.isl === 8192 && r.conc === 256)!;
    const gamma = inferencexConfig(dp, 'continuous').speculative!.draftTokens!;
    expect(inferencexConfig(dp, 'continuous').chunkTokens).toBe(8 * 64 * Math.ceil(((gamma + 1) * 32 + 8192 + 64) / 64));
    expect(inferencexArgv(dp)).toContain('--chunk-tokens');
    // other stacks keep the default budget
    const sglang = rows.find((r) => !r.disagg && r.framework === 'sglang')!;
    expect(inferencexConfig(sglang, 'continuous').chunkTokens).toBeUndefined();
  });

  test('fewer requests than decode workers: only as many workers are busy, and the idle ones still count among the GPUs', () => {
    // h200 dynamo-sglang: 1 prefill worker of 8 GPUs, 9 decode workers of 8 (72 GPUs), 1 request in flight
    const row = rows.find((r) => r.disagg && r.hardware === 'h200' && r.conc === 1 && r.decodeNumWorkers === 9 && r.numDecodeGpu === 72 && r.numPrefillGpu === 8)!;
    expect(row).toBeDefined();
    const config = inferencexConfig(row, 'continuous');
    // one busy decode worker holding the one request, not 9 workers of one request each
    expect(config).toMatchObject({ chips: 8, batch: 1, disaggregation: { prefillWorkers: 1, decodeWorkers: 1 } });
    // the configuration's 8 + 1 × 8 = 16 chips make 1,600 tokens/s per chip = 25,600 tokens/s; the row
    // divides by all 8 + 72 = 80 GPUs: 25,600 / 80 = 320 tokens/s per GPU
    // (one client: its run is its ten requests, the finite-run share is 1)
    expect(predictedTputPerGpu(row, { totalTokensPerSPerChip: 1600, requestLatencyS: 20, tpotS: 0.02 })).toBeCloseTo(320, 9);
    // with concurrency ≥ workers nothing is idle: the per-chip figure stands, over the finite run
    const busy = rows.find((r) => r.disagg && r.conc >= r.decodeNumWorkers && r.decodeNumWorkers > 1)!;
    expect(inferencexConfig(busy, 'continuous').disaggregation?.decodeWorkers).toBe(busy.decodeNumWorkers);
    const figures = { totalTokensPerSPerChip: 1600, requestLatencyS: 20, tpotS: 0.02 };
    expect(predictedTputPerGpu(busy, figures)).toBe(1600 * finiteRunShare(inferencexRun(busy), figures));
  });
});

describe("the benchmark's finite run: ten requests per client, over until the slowest client is done", () => {
  test("a row's run: its clients, ten requests each, output lengths uniform on [⌊0.8·osl⌋, osl]", () => {
    // 1k outputs: 819…1024, √((206² − 1)/12) = 59.466 tokens; 8k: 6,553…8,192, 473.43
    expect(inferencexRun({ conc: 64, osl: 1024 })).toEqual({ clients: 64, requestsPerClient: 10, outputTokensSd: Math.sqrt((206 * 206 - 1) / 12) });
    expect(inferencexRun({ conc: 4, osl: 8192 }).outputTokensSd).toBeCloseTo(473.43, 2);
    // the predicted throughput is the steady state's over that run: 1 − 1/(1 + 59.466·0.02·2.33669/(√10·20)) ≈ 4.2% less at 64
    const figures = { requestLatencyS: 20, tpotS: 0.02 };
    expect(finiteRunShare(inferencexRun({ conc: 64, osl: 1024 }), figures)).toBeCloseTo(0.957909, 5);
    expect(finiteRunShare(inferencexRun({ conc: 1, osl: 1024 }), figures)).toBe(1);
  });

  test('the measurements agree without any prediction: disaggregated rows hold a share that falls with concurrency as the formula does', () => {
    // sustainedConcurrencyShare reads the measurements only; the formula here reads their measured
    // TTFT and TPOT (ℓ̄ = TTFT + (mean osl − 1)·TPOT). The medians by concurrency agree within 2%.
    const kept = selectInferencex(rows).kept.filter((r) => r.disagg);
    const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
    for (const [low, high] of [[1, 2], [3, 16], [17, 128], [129, 1024], [1025, 10000]] as const) {
      const group = kept.filter((r) => r.conc >= low && r.conc <= high);
      expect(group.length).toBeGreaterThan(20);
      const measured = median(group.map(sustainedConcurrencyShare));
      const formula = median(group.map((r) => finiteRunShare(inferencexRun(r), { requestLatencyS: r.medianTtft + (inferencexMeanTokens(r.osl) - 1) * r.medianTpot, tpotS: r.medianTpot })));
      expect(Math.abs(measured - formula)).toBeLessThan(0.02);
    }
  });
});

describe("the requests' lengths: uniform over [⌊0.8·L⌋, L] (InferenceX's --random-range-ratio 0.8)", () => {
  test('the mean, by hand', () => {
    // np.random.randint(int(1024 * 0.8), 1024 + 1): 819…1024, mean (819 + 1024)/2 = 921.5, rounded to 922
    expect(inferencexMeanTokens(1024)).toBe(922);
    // 6553…8192: mean 7372.5 → 7373
    expect(inferencexMeanTokens(8192)).toBe(7373);
  });
  test('the rows measure it: median request latency ≈ 0.9 × (TTFT + osl × TPOT) on every disaggregated row set', () => {
    const rowsWithLatency = rows.filter((r) => r.disagg && r.medianE2el > 0 && r.medianTpot > 0);
    const ratios = rowsWithLatency.map((r) => r.medianE2el / (r.medianTtft + (r.osl - 1) * r.medianTpot)).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    // at the nominal osl the ratio would be ≈ 1; at the mean (≈ 0.9·osl) it is ≈ 0.9
    expect(median).toBeGreaterThan(0.85);
    expect(median).toBeLessThan(0.95);
  });
});

describe("Little's law: the concurrency a row sustained", () => {
  test('by hand, line 834 (H100 Dynamo-TRT, 462 requests stated)', () => {
    // h100,dynamo-trt,…,num_prefill_gpu 16, num_decode_gpu 48, isl 1024, osl 1024, conc 462, …, median_e2el 22.245, tput_per_gpu 254.73
    const row = rows.find((r) => r.line === 834)!;
    expect(row).toMatchObject({ hardware: 'h100', conc: 462, tputPerGpu: 254.73, medianE2el: 22.245 });
    // 254.73 tok/s × 64 GPUs ÷ (922 + 922) tokens a request = 8.8409 requests/s; × 22.245 s = 196.67 in flight; ÷ 462 = 0.4257
    expect(sustainedConcurrencyShare(row)).toBeCloseTo((((254.73 * 64) / (922 + 922)) * 22.245) / 462, 12);
    expect(sustainedConcurrencyShare(row)).toBeCloseTo(0.4257, 4);
    expect(selectInferencex([row]).excluded[0]?.reason).toBe('concurrency not sustained');
  });
  test('every stack sustains its stated concurrency on the median row, and the kept rows at least the threshold', () => {
    const kept = selectInferencex(rows).kept;
    for (const r of kept) expect(sustainedConcurrencyShare(r), `line ${r.line}`).toBeGreaterThanOrEqual(SUSTAINED_CONCURRENCY_MIN);
    const shares = rows.map(sustainedConcurrencyShare).sort((a, b) => a - b);
    const median = shares[Math.floor(shares.length / 2)]!;
    expect(median).toBeGreaterThan(0.9);
    expect(median).toBeLessThan(1.02);
  });
});

describe("an FP4 row's matmuls: FP4 on TensorRT-LLM, FP8 elsewhere", () => {
  test('by stack', () => {
    expect(FP4_MATMUL_FRAMEWORKS).toEqual(['trt', 'dynamo-trt']);
    // the attention block's weights stay at FP8 (NVIDIA's v2 checkpoint: FP4 output projection, the rest taken as unquantised)
    expect(inferencexPrecision('fp4', 'dynamo-trt')).toEqual({ weights: 'fp4', kvCache: 'fp8', activations: 'fp4', attentionWeights: 'fp8' });
    expect(inferencexPrecision('fp4', 'dynamo-sglang')).toEqual({ weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'fp8' });
    expect(inferencexPrecision('fp8', 'trt')).toEqual({ weights: 'fp8', kvCache: 'fp8', activations: 'fp8' });
    // line 125: b200,sglang,dsr1,fp4,…: SGLang keeps FP8 matmuls
    expect(inferencexConfig(rows.find((r) => r.line === 125)!, 'continuous').precision.activations).toBe('fp8');
  });

  test('fp4PrefillSpeedups by hand: the most input tokens/s per prefill GPU at FP4 over the most at FP8', () => {
    const at = (line: number, precision: 'fp8' | 'fp4', inputTputPerGpu: number | undefined, framework = 'dynamo-trt') => ({
      ...rows.find((r) => r.disagg && r.prefillNumWorkers > 0)!,
      line,
      hardware: 'b200',
      framework,
      precision,
      inputTputPerGpu,
    });
    const fixture = [
      at(2, 'fp8', 4000),
      at(3, 'fp8', 6000),
      at(4, 'fp4', 9000),
      at(5, 'fp4', undefined), // an early row without the column counts for nothing
      at(6, 'fp4', 5000, 'dynamo-sglang'), // a stack with one precision has no ratio
    ];
    expect(fp4PrefillSpeedups(fixture)).toEqual([
      { hardware: 'b200', framework: 'dynamo-trt', fp4InputPerPrefillGpu: 9000, fp8InputPerPrefillGpu: 6000, speedup: 9000 / 6000 },
    ]);
  });

  test("the rows: TensorRT-LLM prefills FP4 over twice as fast as FP8 on every Blackwell chip, GB200's SGLang and MI355X's MoRI-SGLang under 1.25×", () => {
    const speedups = fp4PrefillSpeedups(rows);
    const of = (hardware: string, framework: string): number => speedups.find((s) => s.hardware === hardware && s.framework === framework)!.speedup;
    for (const hardware of ['b200', 'gb200', 'b300']) expect(of(hardware, 'dynamo-trt'), hardware).toBeGreaterThan(2);
    expect(of('gb200', 'dynamo-sglang')).toBeLessThan(1.25);
    expect(of('mi355x', 'mori-sglang')).toBeLessThan(1.25);
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
        // the requests' mean lengths: (⌊0.8·1024⌋ + 1024)/2 = (819 + 1024)/2 = 921.5 → 922, (6553 + 8192)/2 = 7372.5 → 7373
        inputTokens: 922,
        outputTokens: 7373,
        // TensorRT-LLM runs the FP4 checkpoint's GEMMs in FP4 (FP4_MATMUL_FRAMEWORKS)
        precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp4', attentionWeights: 'fp8' },
        // its script's max_num_tokens: 64·⌈(64 + 1,024 + 64)/64⌉ = 1,152, at least 8,192
        chunkTokens: 8192,
        // a continuous engine takes a cap, its own 64 clients here (no recipe read), so that it admits
        // only the requests whose KV cache fits; a static batch is its own batch
        ...(schedule === 'continuous' ? { maxBatch: 64 } : {}),
        schedule,
      });
    }
  });

  test('the ridgeline estimate command', () => {
    expect(inferencexArgv(row)).toEqual([
      'estimate', '--model', 'deepseek-v3', '--hardware', 'b200', '--chips', '8', '--tp', '8', '--ep', '8',
      '--batch', '64', '--max-batch', '64', '--chunk-tokens', '8192', '--input', '922', '--output', '7373', '--weights', 'fp4', '--kv', 'fp8', '--activations', 'fp4',
      '--attention-weights', 'fp8', '--schedule', 'continuous',
    ]);
  });

  test('a data-parallel-attention row keeps its TP and EP and splits attention by sequences', () => {
    // Line 195: h200,trt,dsr1,fp8,none,false,false,8,8,true,0,8,8,true,0,64,64,8192,1024,64,…
    const dp = rows.find((r) => r.line === 195)!;
    expect(dp).toMatchObject({ hardware: 'h200', decodeTp: 8, decodeEp: 8, decodeDpAttention: true, conc: 64 });
    const config = inferencexConfig(dp, 'continuous');
    // 8 attention ranks of 64·⌈(64 + 8,192 + 64)/64⌉ = 8,320 tokens each
    expect(config).toMatchObject({ chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 64, maxBatch: 64, attentionSharding: 'dp', chunkTokens: 8 * 8320 });
    expect(inferencexArgv(dp)).toEqual([
      'estimate', '--model', 'deepseek-v3', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8',
      '--batch', '64', '--max-batch', '64', '--chunk-tokens', '66560', '--input', '7373', '--output', '922', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8',
      '--attention', 'dp', '--schedule', 'continuous',
    ]);
  });

  test('an fp8 TensorRT-LLM row runs everything in FP8 on its chip (an SGLang one on Hopper keeps a BF16 KV cache: inferencex-kv.test.ts)', () => {
    const h200 = rows.find((r) => r.hardware === 'h200' && r.framework === 'trt' && !r.disagg && r.specMethod === 'none' && !r.decodeDpAttention)!;
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

  test('every kept row is predicted (single-node rows under both schedules), or counted infeasible with a reason', () => {
    const report = runInferencex(rows);
    for (const schedule of ['static', 'continuous'] as const) {
      const predictions = report.predictions[schedule];
      expect(predictions).toHaveLength(schedule === 'static' ? 436 : 1198);
      for (const p of predictions) {
        expect(p.config.schedule).toBe(schedule);
        if (p.error === undefined) expect(p.infeasibleReason, `line ${p.row.line}`).not.toBeNull();
        else for (const e of Object.values(p.error)) expect(Number.isFinite(e), `line ${p.row.line}`).toBe(true);
      }
    }
  });
});

describe("the plugins' calibration status", () => {

  test('every chip with InferenceX rows defaults to its best-fitted stack profile, with that profile\'s out-of-sample error', () => {
    const kept = selectInferencex(rows).kept;
    const ids = [...new Set(kept.map((r) => INFERENCEX_CHIP_IDS[r.hardware]!))];
    expect(ids.length).toBeGreaterThanOrEqual(7);
    for (const id of ids) {
      const chip = inferencexChipById(id)!;
      const best = bestFittedProfile(chip.efficiencyProfiles)!;
      expect(best, id).toBeDefined();
      expect(chip.efficiency, id).toEqual(best.efficiency);
      expect(chip.efficiency.calibration?.status, id).toBe('fitted');
      // the profile was fitted on this chip's rows of that stack (the generated module says which)
      expect(chip.efficiency.calibration?.basis, id).toContain(`${best.name} rows of ${id} (`);
      // every default quotes an error: its own curves left out, or (one curve) another fit's
      const error = chip.efficiency.calibration?.outOfSampleError;
      expect(error, id).toBeDefined();
      // a chip fitted together with another (the same die) names the chips whose curves stayed in
      if (error!.method === undefined) expect(error!.on).toMatch(new RegExp(`^InferenceX DeepSeek-R1, \\d+ ${best.name} rows, one curve left out at a time( \\([\\w, -]+'s curves kept\\))?$`));
      else expect(chip.efficiency.calibration?.basis, id).toContain('1 curve;');
    }
  });

  test('a profile fitted on one curve quotes another fit\'s error on its rows: the chip\'s other stack, else the transfer check, as computed', () => {
    const kept = selectInferencex(rows).kept;
    let standIns = 0;
    for (const id of [...new Set(kept.map((r) => INFERENCEX_CHIP_IDS[r.hardware]!))]) {
      for (const [stack, profile] of Object.entries(inferencexChipById(id)!.efficiencyProfiles ?? {})) {
        const calibration = profile.calibration;
        if (calibration?.status !== 'fitted' || !/InferenceX/.test(calibration.basis)) continue;
        const error = calibration.outOfSampleError;
        expect(error, `${id} ${stack}`).toBeDefined();
        const oneCurve = calibration.basis.includes(' 1 curve;');
        expect(error!.method === 'another-fit', `${id} ${stack}`).toBe(oneCurve);
        if (!oneCurve) continue;
        standIns += 1;
        const transfer = /predicted by ([\w-]+)'s /.exec(error!.on)?.[1];
        if (transfer === undefined) {
          // the chip's fit on its other stacks' curves: the chip has another stack to fit on
          expect(error!.on, `${id} ${stack}`).toMatch(/predicted by the chip's fit on its other curves \(\w+/);
          expect(Object.keys(inferencexChipById(id)!.efficiencyProfiles ?? {}).filter((s) => s !== stack && s !== '2023').length, `${id} ${stack}`).toBeGreaterThan(0);
        } else {
          const check = transferCheck(kept, inferencexChipById, transfer, id, stack)!;
          expect(error!.throughput, `${id} ${stack}`).toBeCloseTo(check.throughput.medianAbs, 3);
          expect(error!.interactivity, `${id} ${stack}`).toBeCloseTo(check.interactivity.medianAbs, 3);
          expect(error!.ttft, `${id} ${stack}`).toBeCloseTo(check.ttft.medianAbs, 3);
        }
      }
    }
    // MI300X SGLang today (H100 SGLang, fitted with H200, has H200's curves to leave out)
    expect(standIns).toBeGreaterThanOrEqual(1);
  });

  test('chips without measurements quote the transfer rule\'s error measured on the analogous fitted pair, stack by stack', () => {
    const kept = selectInferencex(rows).kept;
    // [chip, the fitted pair that differs the same way, the source chip whose default sets the default's stack]
    const quoted = [
      [nvidia.chips.find((c) => c.id === 'gb300-nvl72')!, 'b200', 'gb200-nvl72', 'b300'],
      [amd.chips.find((c) => c.id === 'mi325x')!, 'h100-sxm', 'h200', 'mi300x'],
    ] as const;
    const expectQuote = (id: string, committed: { throughput: number; interactivity: number; ttft?: number; on: string } | undefined, from: string, to: string, stack: string): void => {
      const check = transferCheck(kept, inferencexChipById, from, to, stack)!;
      expect(committed?.on, `${id} ${stack}`).toContain(`${from}'s ${stack} profile on ${to}'s ${check.throughput.n} ${stack} rows`);
      expect(committed!.throughput, `${id} ${stack}`).toBeCloseTo(check.throughput.medianAbs, 3);
      expect(committed!.interactivity, `${id} ${stack}`).toBeCloseTo(check.interactivity.medianAbs, 3);
      // time to first token too, so a TTFT lead beside a transferred chip is weighed against its own error
      expect(committed!.ttft, `${id} ${stack}`).toBeCloseTo(check.ttft.medianAbs, 3);
    };
    for (const [chip, from, to, source] of quoted) {
      expect(chip.efficiency.calibration?.status).toBe('transferred');
      // the default is the source chip's default profile, so it quotes that stack's pair
      const defaultStack = bestFittedProfile(inferencexChipById(source)!.efficiencyProfiles)!.name;
      expectQuote(chip.id, chip.efficiency.calibration?.outOfSampleError, from, to, defaultStack);
      const profiles = Object.entries(chip.efficiencyProfiles ?? {});
      expect(profiles.length, chip.id).toBeGreaterThan(0);
      for (const [stack, profile] of profiles) {
        expect(profile.calibration?.status).toBe('transferred');
        expectQuote(chip.id, profile.calibration?.outOfSampleError, from, to, stack);
      }
    }
  });
});

describe('rankingAgreement: chips ordered by their best throughput per GPU at an interactivity', () => {
  // Three chips at one isl/osl and precision; each row: measured (tput, tok/s/user), predicted (tput, tok/s/user).
  const at = (chip: string, measured: [number, number], predicted: [number, number]) =>
    ({
      row: { isl: 1024, osl: 1024, precision: 'fp8', tputPerGpu: measured[0], medianIntvty: measured[1] },
      config: { chip: { id: chip } },
      predicted: { throughput: predicted[0], interactivity: predicted[1], ttft: 1 },
    }) as unknown as Parameters<typeof rankingAgreement>[0][number];
  test('counts pairs by hand, ties under 10% left out', () => {
    const check = rankingAgreement([
      at('a', [1000, 15], [900, 15]), // a: best 1000 measured / 900 predicted at ≥ 10
      at('b', [500, 12], [950, 12]), // b: 500 / 950 at ≥ 10: measured a ahead by 100%, predicted b ahead
      at('c', [1050, 11], [1000, 11]), // c: 1050 / 1000: a vs c is a 5% lead, a tie
    ]);
    // at ≥ 10 tok/s/user: pairs a–b (disagree), a–c (tie), b–c (agree: c ahead, measured and predicted);
    // at ≥ 20 and above no row qualifies
    expect(check.pairs).toBe(2);
    expect(check.agree).toBe(1);
    expect(check.disagreements).toEqual(['1024/1024 fp8 at ≥ 10 tok/s/user: measured a ahead of b by 100%, predicted behind by 6%']);
  });
  test('a disagreement whose measured leader is at most the other chip on every datasheet figure is counted as one the datasheets contradict', () => {
    // B300 is at least B200 on every figure serving reads at FP8 (datasheets.ts); MI355X is not at least B200 (its scale-up is 537.6 GB/s against 900)
    const check = rankingAgreement([
      at('b200', [1000, 15], [800, 15]),
      at('b300', [500, 15], [900, 15]), // measured B200 ahead by 100%, predicted behind: contradicted
      at('mi355x', [400, 15], [850, 15]), // measured B200 ahead by 150%, predicted behind: MI355X does not dominate B200
    ]);
    expect(check.pairs).toBe(3);
    expect(check.agree).toBe(1); // B300 ahead of MI355X, measured and predicted
    expect(check.contradicted).toBe(1);
    expect(check.disagreements).toEqual([
      '1024/1024 fp8 at ≥ 10 tok/s/user: measured b200 ahead of b300 by 100%, predicted behind by 13% (the datasheets contradict the measured order: b300 is at least b200 on every figure)',
      '1024/1024 fp8 at ≥ 10 tok/s/user: measured b200 ahead of mi355x by 150%, predicted behind by 6%',
    ]);
    expect(rankingLines(check, false)[0]).toMatch(/; 1 of the 2 ordered otherwise are measured orders the datasheets contradict/);
  });
  test('along the frontier a point just across a level moves the value a little, not to its neighbour', () => {
    // b measured at (74, 7000) and (127, 950); predicted at (81, 7700) and (135, 1000): 10% fast everywhere
    // a measured at (90, 1500); predicted at (90, 1500)
    const rows = [at('a', [1500, 90], [1500, 90]), at('b', [7000, 74], [7700, 81]), at('b', [950, 127], [1000, 135])];
    // row by row at ≥ 80: b's measured best is 950 (only its 127 qualifies), predicted 7700 (its 81 now does):
    // measured a ahead by 58%, predicted b ahead 5.1×
    const byRow = rankingAgreement(rows);
    expect(byRow.disagreements).toEqual(['1024/1024 fp8 at ≥ 80 tok/s/user: measured a ahead of b by 58%, predicted behind by 413%']);
    // along the frontier at 80: b measured 7000·(950/7000)^((80 − 74)/(127 − 74)) = 5,583, predicted 7,700 (80 is below
    // its predicted frontier's least interactive point, 81: its highest throughput); a is 1,500 at 80 in both: b ahead in both
    const measuredB = Math.exp(Math.log(7000) + ((80 - 74) / (127 - 74)) * (Math.log(950) - Math.log(7000)));
    expect(frontierAt([[74, 7000], [127, 950]], 80)).toBeCloseTo(measuredB, 9);
    expect(measuredB).toBeCloseTo(5583.5, 0);
    const alongFrontier = rankingAgreement(rows, ALONG_FRONTIER);
    expect(alongFrontier.disagreements).toEqual([]);
    expect(alongFrontier.agree).toBe(alongFrontier.pairs);
  });
});

describe('a chip\'s throughput at an interactivity', () => {
  const points = [[10, 4000], [20, 3000], [15, 2000], [40, 1000]] as const; // (15, 2000) is under the frontier
  test('row by row: the best point at or above the level', () => {
    expect(bestRowAt(points, 12)).toBe(3000);
    expect(bestRowAt(points, 40)).toBe(1000);
    expect(bestRowAt(points, 41)).toBeUndefined();
  });
  test('along the frontier: log-linear between the frontier points around the level, the best below them, none above', () => {
    // between (20, 3000) and (40, 1000) at 30: 3000 · (1000/3000)^(10/20) = 3000/√3 = 1732.05
    expect(frontierAt(points, 30)).toBeCloseTo(3000 / Math.sqrt(3), 9);
    // (15, 2000) is dominated by (20, 3000): between (10, 4000) and (20, 3000) at 15, 4000 · 0.75^0.5 = 3464.1
    expect(frontierAt(points, 15)).toBeCloseTo(4000 * Math.sqrt(0.75), 9);
    expect(frontierAt(points, 5)).toBe(4000);
    expect(frontierAt(points, 40)).toBe(1000);
    expect(frontierAt(points, 40.5)).toBeUndefined();
    expect(frontierAt([], 10)).toBeUndefined();
  });
});
