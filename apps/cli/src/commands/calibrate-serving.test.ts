import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import { efficiencyAt, HARDWARE_API_VERSION, validateHardware } from '@ridgeline/hardware';
import { h200 } from '@ridgeline/hardware-nvidia';
import { estimateInference, metricValue, servingCalibrationOptions, withEfficiencies, withMtpAcceptance, type CalibrationMetric, type FittedEfficiencies, type InferenceConfig } from '@ridgeline/model';
import { cli, expectUserError } from '../test-cli.ts';

// `ridgeline calibrate` on serving rows: the columns `ridgeline estimate` takes as flags
// (attention, speculative, draft_tokens, acceptance, prefill_workers, …), the metric
// tokens_per_s_per_chip, and --serving, the procedure pnpm validate --fit runs on InferenceX.

/** The serving example shipped with the guide; `RIDGELINE_WRITE_EXAMPLE=1` rewrites it from `servingExampleCsv`. */
const SERVING_EXAMPLE = fileURLToPath(new URL('../../../../docs/examples/serving-measurements.csv', import.meta.url));

/**
 * What the example's rows were generated with: the experts' GEMMs at 0.1 of the FP8 peak (rising to
 * H200's own large-GEMM figure), η_mem 0.7, t_layer 40 µs, MTP acceptance 0.6, and η_net and the
 * overlap as the serving procedure holds them.
 */
const SERVING_OPTIONS = servingCalibrationOptions(h200, ['fp8']);
const SERVING_TRUTH: FittedEfficiencies = {
  flop: 0.1,
  memory: 0.7,
  network: efficiencyAt(h200.efficiency.network, 1e6),
  layerOverheadS: 40e-6,
  commOverlap: 0,
  flopLargeGemm: SERVING_OPTIONS.flopLargeGemm!,
  ...(SERVING_OPTIONS.flopLargeGemmByPrecision === undefined ? {} : { flopLargeGemmByPrecision: SERVING_OPTIONS.flopLargeGemmByPrecision }),
  flopForExperts: true,
};
const SERVING_ACCEPTANCE = 0.6;

/** The example's rows: DeepSeek-V3 FP8 on 8 H200s, one engine and disaggregated, with and without MTP. */
function servingExampleCsv(): string {
  // H200 with the truth's efficiencies, keeping its own t_req and KV cache budget (no fit sets them)
  const chip = withMtpAcceptance(withEfficiencies(h200, SERVING_TRUTH, 'truth'), SERVING_ACCEPTANCE, 'truth');
  const model = getModel('deepseek-v3')!;
  const fp8 = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
  const mtp = { mode: 'mtp', draftTokens: 2 } as const;
  const disaggregated = { prefillWorkers: 1, decodeWorkers: 2, prefillTp: 8, prefillAttention: 'dp' } as const;
  const shapes: Array<[Partial<InferenceConfig>, CalibrationMetric]> = [
    [{ batch: 8 }, 'tokens_per_s_per_chip'],
    [{ batch: 64 }, 'tokens_per_s_per_chip'],
    [{ batch: 256 }, 'tokens_per_s_per_chip'],
    [{ batch: 8 }, 'tpot_s'],
    [{ batch: 64 }, 'tpot_s'],
    [{ batch: 1, inputTokens: 8192 }, 'ttft_s'],
    [{ batch: 256, attentionSharding: 'dp', disaggregation: disaggregated }, 'tokens_per_s_per_chip'],
    [{ batch: 256, attentionSharding: 'dp', disaggregation: disaggregated }, 'tpot_s'],
    [{ batch: 32, speculative: mtp }, 'tokens_per_s_per_chip'],
    [{ batch: 128, speculative: mtp }, 'tokens_per_s_per_chip'],
    [{ batch: 32, speculative: mtp }, 'tpot_s'],
    [{ batch: 256, attentionSharding: 'dp', disaggregation: disaggregated, speculative: mtp }, 'tokens_per_s_per_chip'],
  ];
  const lines = shapes.map(([shape, metric]) => {
    const config: InferenceConfig = { model, chip, chips: 8, parallelism: { tp: 8, pp: 1, ep: 8 }, batch: 1, inputTokens: 1024, outputTokens: 1024, precision: fp8, ...shape };
    const result = estimateInference(config);
    if (!result.feasible) throw new Error(`${JSON.stringify(shape)}: ${result.explanation}`);
    const d = config.disaggregation;
    return [
      'deepseek-v3', 8, 8, 8, config.batch, config.inputTokens, 1024, 'fp8', 'fp8', 'fp8',
      config.attentionSharding ?? 'heads', config.speculative?.mode ?? 'none', config.speculative?.draftTokens ?? '',
      d?.prefillWorkers ?? '', d?.decodeWorkers ?? '', d?.prefillTp ?? '', d?.prefillAttention ?? '',
      metric, Number(metricValue(metric, result, config).toPrecision(4)),
    ].join(',');
  });
  return [
    '# Synthetic serving measurements of DeepSeek-V3 FP8 on 8 × H200 (one engine, and one prefill worker feeding two decode workers),',
    "# generated with the experts' η_flop 0.1 (rising to H200's own large-GEMM figure), η_mem 0.7, t_layer 40 µs, MTP acceptance 0.6 (H200's t_req); 4 digits.",
    '# Format: docs/writing-a-hardware-plugin.md. Regenerate: RIDGELINE_WRITE_EXAMPLE=1 npx vitest run src/commands/calibrate-serving.test.ts (in apps/cli).',
    'model,chips,tp,ep,batch,input,output,weights,kv,activations,attention,speculative,draft_tokens,prefill_workers,decode_workers,prefill_tp,prefill_attention,metric,value',
    ...lines,
    '',
  ].join('\n');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-calibrate-serving-'));
  if (process.env['RIDGELINE_WRITE_EXAMPLE'] === '1') await writeFile(SERVING_EXAMPLE, servingExampleCsv());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function calibrateFile(file: string, csv: string, ...extra: string[]): ReturnType<typeof cli> {
  await writeFile(join(dir, file), csv);
  return cli(['calibrate', file, '--hardware', 'h200', ...extra], dir);
}

interface Row {
  readonly id: string;
  readonly measured: number;
  readonly before: { readonly predicted: number | null };
  readonly after: { readonly predicted: number | null; readonly error: number | null };
}

const HEADER = 'id,model,chips,tp,ep,batch,input,output,weights,kv,activations,attention,speculative,draft_tokens,prefill_workers,decode_workers,prefill_tp,prefill_attention,metric,value';

describe('ridgeline calibrate on serving rows', () => {
  it('reads each serving column as estimate reads the flag of its name', async () => {
    // DeepSeek-V3 FP8 on H200: a decode worker of 8 with data-parallel attention and MTP (2 drafts),
    // fed by one prefill worker of 8 with data-parallel attention; input and output tokens/s per chip
    const argv = ['--model', 'deepseek-v3', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8', '--batch', '64', '--input', '1024', '--output', '1024', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--attention', 'dp', '--speculative', 'mtp', '--draft-tokens', '2', '--prefill-workers', '1', '--decode-workers', '2', '--prefill-tp', '8', '--prefill-attention', 'dp'];
    const estimate = await cli(['estimate', ...argv, '--json']);
    expect(estimate.code, estimate.stderr).toBe(0);
    const result = JSON.parse(estimate.stdout) as { totalTokensPerSPerChip: number; tokensPerSPerChip: number; tpotS: number };
    const csv = [
      HEADER,
      'tput,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,mtp,2,1,2,8,dp,tokens_per_s_per_chip,1000',
      'out,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,mtp,2,1,2,8,dp,output_tokens_per_s_per_chip,500',
      'tpot,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,mtp,2,1,2,8,dp,tpot_s,0.02',
      '',
    ].join('\n');
    const r = await calibrateFile('columns.csv', csv, '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    expect(rows.map((x) => x.before.predicted)).toEqual([result.totalTokensPerSPerChip, result.tokensPerSPerChip, result.tpotS]);
    // over all 24 chips, the prefill worker's too: (1,024 + 1,024)/1,024 of the output rate
    expect(rows[0]!.before.predicted! / rows[1]!.before.predicted!).toBeCloseTo(2, 9);
  });

  it.each([
    ['draft_tokens without speculative', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,,2,,,,,tpot_s,0.02', 'draft_tokens needs speculative mtp or draft'],
    ['prefill_tp without prefill_workers', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,,,,,8,,tpot_s,0.02', 'prefill_tp needs prefill_workers (disaggregated prefill and decode)'],
    ['an unknown attention', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dpp,,,,,,,tpot_s,0.02', 'attention must be one of heads, batch, dp, got "dpp"'],
    ['an unknown speculative mode', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,eagle,,,,,,tpot_s,0.02', 'speculative must be one of none, mtp, draft, got "eagle"'],
    ['too many decode workers', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,,,1,100000,,,tpot_s,0.02', 'decode_workers must be a positive integer up to 65536, got "100000"'],
    ['an unknown prefill attention', 'x,deepseek-v3,8,8,8,64,1024,1024,fp8,fp8,fp8,dp,,,1,1,8,batch,tpot_s,0.02', 'prefill_attention must be one of heads, dp, got "batch"'],
  ])('a bad serving cell is one line naming the column: %s', async (_, line, message) => {
    expectUserError(await calibrateFile('bad.csv', `${HEADER}\n${line}\n`), `bad.csv line 2: ${message}`);
  });

  it('reads a draft model and its acceptances as estimate reads --draft-model and --acceptance', async () => {
    const argv = ['--model', 'llama-3.1-70b', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--batch', '16', '--input', '1024', '--output', '256', '--speculative', 'draft', '--draft-model', 'llama-3.1-8b', '--acceptance', '0.8,0.6'];
    const estimate = await cli(['estimate', ...argv, '--json']);
    expect(estimate.code, estimate.stderr).toBe(0);
    const header = 'model,chips,tp,batch,input,output,speculative,draft_model,acceptance,metric,value';
    const r = await calibrateFile('draft.csv', `${header}\nllama-3.1-70b,8,8,16,1024,256,draft,llama-3.1-8b,"0.8,0.6",tpot_s,0.02\n`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { rows: Row[] }).rows[0]!.before.predicted).toBe((JSON.parse(estimate.stdout) as { tpotS: number }).tpotS);
    expectUserError(
      await calibrateFile('draft-mtp.csv', `${header}\nllama-3.1-70b,8,8,16,1024,256,mtp,llama-3.1-8b,,tpot_s,0.02\n`),
      "draft-mtp.csv line 2: draft_model needs speculative draft (mtp drafts with the model's own module)",
    );
    expectUserError(
      await calibrateFile('draft-none.csv', `${header}\nllama-3.1-70b,8,8,16,1024,256,draft,,0.8,tpot_s,0.02\n`),
      'draft-none.csv line 2: speculative draft needs draft_model: the small model that drafts the tokens (a catalog id or config.json)',
    );
  });

  it('reads receive_interval as estimate reads --receive-interval, and bounds it', async () => {
    const argv = ['--model', 'deepseek-v3', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8', '--batch', '32', '--input', '8192', '--output', '1024', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--receive-interval', '30'];
    const estimate = await cli(['estimate', ...argv, '--json']);
    expect(estimate.code, estimate.stderr).toBe(0);
    const header = 'model,chips,tp,ep,batch,input,output,weights,kv,activations,receive_interval,metric,value';
    const r = await calibrateFile('intake.csv', `${header}\ndeepseek-v3,8,8,8,32,8192,1024,fp8,fp8,fp8,30,ttft_s,1\ndeepseek-v3,8,8,8,32,8192,1024,fp8,fp8,fp8,,ttft_s,1\n`, '--json');
    expect(r.code, r.stderr).toBe(0);
    const [every30, atOnce] = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    expect(every30!.before.predicted).toBe((JSON.parse(estimate.stdout) as { ttftS: number }).ttftS);
    // an arrival waits 15 iterations on average: a longer TTFT than a request that starts at once
    expect(every30!.before.predicted!).toBeGreaterThan(atOnce!.before.predicted!);
    expectUserError(await calibrateFile('intake-big.csv', `${header}\ndeepseek-v3,8,8,8,32,8192,1024,fp8,fp8,fp8,2000000,ttft_s,1\n`), 'intake-big.csv line 2: receive_interval must be at most 1e6, got "2000000"');
    const disaggregated = 'model,chips,tp,batch,input,output,prefill_workers,receive_interval,metric,value\nllama-3.1-70b,8,8,8,1024,128,1,10,tpot_s,0.02\n';
    expectUserError(await calibrateFile('intake-disagg.csv', disaggregated), 'intake-disagg.csv line 2: receive_interval applies to one engine: not with prefill_workers');
  });

  it('names up to 8 rows by their ids in the fitted source, more by their lines', { timeout: 240_000 }, async () => {
    const rowsOf = (n: number): string => ['id,model,chips,tp,batch,input,output,metric,value', ...Array.from({ length: n }, (_, i) => `r${i + 1},llama-3.1-8b,1,1,${i + 1},1024,128,tpot_s,${(0.008 + 0.001 * i).toFixed(3)}`), ''].join('\n');
    const source = async (n: number): Promise<string> => {
      const r = await calibrateFile(`ids-${n}.csv`, rowsOf(n), '--json');
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { efficiency: { memory: { source: string } } }).efficiency.memory.source;
    };
    expect(await source(8)).toMatch(/^fit: ridgeline calibrate, ids-8\.csv rows r1, r2, r3, r4, r5, r6, r7, r8 \(8 rows\)/);
    expect(await source(9)).toMatch(/^fit: ridgeline calibrate, ids-9\.csv lines 2-10 \(9 rows\)/);
  });

  it('with a curve column, leaves one curve out at a time and quotes the error out of sample in the block', { timeout: 240_000 }, async () => {
    // the serving example's rows in three curves: one engine without MTP, disaggregated, with MTP
    const lines = (await readFile(SERVING_EXAMPLE, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const curveOf = (line: string): string => (line.includes(',mtp,') ? 'mtp' : line.includes(',1,2,8,dp,') ? 'disaggregated' : 'one engine');
    const csv = [`${lines[0]},curve`, ...lines.slice(1).map((l) => `${l},${curveOf(l)}`), ''].join('\n');
    const r = await calibrateFile('curves.csv', csv, '--serving', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ridgeline: out of sample: fitting without curve "one engine" (1 of 3)\n');
    const json = JSON.parse(r.stdout) as { outOfSample: { throughput: number; interactivity: number; ttft?: number; rows: number; curves: number }; efficiency: { calibration: { outOfSampleError: { throughput: number; interactivity: number; on: string } } } };
    // every row is left out once; the rows were made with one set of figures, so what the other
    // curves fit predicts them to within rounding, except where a curve alone pins a figure
    expect(json.outOfSample.rows).toBe(12);
    expect(json.outOfSample.curves).toBe(3);
    const quoted = json.efficiency.calibration.outOfSampleError;
    expect(quoted.throughput).toBe(Math.round(json.outOfSample.throughput * 1000) / 1000);
    expect(quoted.interactivity).toBe(Math.round(json.outOfSample.interactivity * 1000) / 1000);
    expect(quoted.on).toBe('curves.csv: 12 rows, one of 3 curves left out at a time (ridgeline calibrate --serving)');
    // one curve only: a note, and no error quoted
    const one = await calibrateFile('one-curve.csv', csv.replace(/,(one engine|disaggregated|mtp)\n/g, ',all\n'), '--serving', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('every row given a curve is on "all": a second curve is needed to leave one out, so no error out of sample is measured');
    expect((JSON.parse(one.stdout) as { outOfSample: unknown }).outOfSample).toBeNull();
  });

  it('refuses disaggregation on a static batch, naming the columns', async () => {
    const csv = 'model,chips,tp,batch,input,output,schedule,prefill_workers,metric,value\nllama-3.1-70b,8,8,8,1024,128,static,1,tpot_s,0.02\n';
    expectUserError(await calibrateFile('static.csv', csv), 'static.csv line 2: prefill_workers needs schedule continuous: disaggregated decode workers batch continuously');
  });

  it('--serving recovers the serving fit that generated the example rows: the experts\' η_flop, η_mem, t_layer, then the MTP acceptance', { timeout: 240_000 }, async () => {
    expect(await readFile(SERVING_EXAMPLE, 'utf8')).toBe(servingExampleCsv());
    const r = await cli(['calibrate', SERVING_EXAMPLE, '--hardware', 'h200', '--serving', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { procedure: string; fitted: FittedEfficiencies; mtpAcceptance: number | null; after: { medianAbsError: number }; efficiency: Record<string, unknown> };
    expect(json.procedure).toBe('serving');
    expect(json.fitted.flopByPrecision?.fp8 ?? json.fitted.flop).toBe(SERVING_TRUTH.flop);
    expect(json.fitted.memory).toBe(SERVING_TRUTH.memory);
    expect(json.fitted.layerOverheadS).toBe(SERVING_TRUTH.layerOverheadS);
    expect(json.fitted.network).toBe(SERVING_TRUTH.network);
    expect(json.fitted.commOverlap).toBe(0);
    expect(json.mtpAcceptance).toBe(SERVING_ACCEPTANCE);
    expect(json.after.medianAbsError).toBeLessThan(0.001);
    // the block keeps H200's own η_flop for its other matmuls and gives the experts the fitted curve
    expect(json.efficiency['flop']).toEqual(h200.efficiency.flop);
    expect(json.efficiency['mtpAcceptance']).toMatchObject({ value: 0.6, source: expect.stringMatching(/^fit: ridgeline calibrate --serving, serving-measurements\.csv lines 5-16 \(12 rows\)/) });
    expect(json.efficiency['network']).toMatchObject({ source: expect.stringMatching(/^held at the chip's value while fitting: /) });
    // H200's own t_req stays, and the block is one a plugin may carry
    expect(json.efficiency['requestOverheadS']).toEqual(h200.efficiency.requestOverheadS);
    const check = validateHardware({ apiVersion: HARDWARE_API_VERSION, meta: { name: 'check', version: '0.0.0' }, chips: [{ ...h200, efficiency: json.efficiency }] });
    expect(check.ok, JSON.stringify(check)).toBe(true);
    // the text report says what it fitted and what it held, and prints a block to paste
    const text = await cli(['calibrate', SERVING_EXAMPLE, '--hardware', 'h200', '--serving']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain("ridgeline: fitting the experts' η_flop (fp8), η_mem and t_layer (η_net and the prefill overlap held) to 8 rows over 1,470 grid points, then the MTP acceptance to 4 rows\n");
    expect(text.stdout).toMatch(/fitted {10}experts' η_flop fp8 0\.1 at 128 → [0-9.]+ at 4096 FLOP\/byte, η_mem 0\.7, t_layer 40(\.0)? µs, η_net [0-9.]+ \(held\), MTP acceptance 0\.6\n/);
    expect(text.stdout).toMatch(/\n {4}expertFlop(ByPrecision)?: \{ .*curve: \[\[128, 0\.1\], \[4096, /);
    expect(text.stdout).toContain('\n    mtpAcceptance: { value: 0.6, source: ');
    // without --serving the same rows take the default procedure: every matmul's η_flop, no acceptance
    const plain = await cli(['calibrate', SERVING_EXAMPLE, '--hardware', 'h200', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    const plainJson = JSON.parse(plain.stdout) as { procedure: string; mtpAcceptance: number | null; after: { medianAbsError: number } };
    expect([plainJson.procedure, plainJson.mtpAcceptance]).toEqual(['default', null]);
    expect(plainJson.after.medianAbsError).toBeGreaterThan(json.after.medianAbsError);
  });
});
