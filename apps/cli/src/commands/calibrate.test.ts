import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import type { Precision } from '@ridgeline/hardware';
import { estimateInference, metricValue, withEfficiencies, type CalibrationMetric, type ConstantEfficiencies, type InferenceConfig } from '@ridgeline/model';
import { placeholderPlugin } from '../scaffold.ts';
import { cli, expectUserError } from '../test-cli.ts';

/** The example shipped with the guide; `RIDGELINE_WRITE_EXAMPLE=1` rewrites it from `exampleCsv`. */
const EXAMPLE = fileURLToPath(new URL('../../../../docs/examples/measurements.csv', import.meta.url));

/** The chip `ridgeline plugin init @acme/ridgeline-hardware` generates. */
const plugin = placeholderPlugin({ name: '@acme/ridgeline-hardware', chipId: 'acme-x1', today: '2026-01-01', hardwareVersion: '0.1.0', cliVersion: '0.1.0' });
const acme = plugin.chips[0]!;

/** What the example's "measurements" were generated with: the fit must find these again. */
const TRUTH: ConstantEfficiencies = { flop: 0.65, memory: 0.75, network: 0.8, layerOverheadS: 20e-6, commOverlap: 0.5 };

interface Shape {
  readonly model: string;
  readonly chips: number;
  readonly tp: number;
  readonly pp: number;
  readonly batch: number;
  readonly input: number;
  readonly output: number;
  readonly precision: Precision;
  readonly metric: CalibrationMetric;
}

const shape = (model: string, chips: number, tp: number, pp: number, batch: number, input: number, output: number, metric: CalibrationMetric, precision: Precision = 'bf16'): Shape => ({
  model,
  chips,
  tp,
  pp,
  batch,
  input,
  output,
  precision,
  metric,
});

/**
 * Rows that between them pin every efficiency: compute-bound prefills (η_flop), small-batch
 * decodes at TP 1 and TP 8 (η_mem against t_layer), a large-batch TP-8 decode (η_net: decode
 * collectives are not overlapped), TP-8 prefills (the prefill overlap), and whole requests.
 */
const SHAPES: readonly Shape[] = [
  shape('llama-3.1-8b', 1, 1, 1, 1, 2048, 1, 'ttft_s'),
  shape('llama-3.1-8b', 1, 1, 1, 1, 1024, 256, 'tpot_s'),
  shape('llama-3.1-8b', 1, 1, 1, 64, 1024, 256, 'request_latency_s'),
  shape('llama-3.1-70b', 8, 8, 1, 1, 2048, 1, 'ttft_s'),
  shape('llama-3.1-70b', 8, 8, 1, 1, 1024, 256, 'tpot_s'),
  shape('llama-3.1-70b', 8, 8, 1, 128, 1024, 256, 'tpot_s'),
  shape('llama-3.1-70b', 4, 4, 1, 32, 2048, 512, 'output_tokens_per_s_per_chip'),
  shape('llama-3.1-70b', 2, 2, 1, 16, 2048, 256, 'request_latency_s', 'fp8'),
  shape('mixtral-8x7b', 2, 2, 1, 8, 1024, 128, 'tpot_s'),
  shape('llama-3.1-70b', 16, 8, 2, 64, 2048, 128, 'request_latency_s'),
];

const HEADER = 'model,chips,tp,pp,ep,batch,input,output,weights,kv,activations,metric,value';

/** What a chip with efficiencies `truth` would measure on SHAPES, rounded to 4 significant digits like a measurement. */
function exampleCsv(truth: ConstantEfficiencies, comment: readonly string[] = []): string {
  const chip = withEfficiencies(acme, truth, 'truth');
  const lines = SHAPES.map((s) => {
    const model = getModel(s.model);
    if (model === undefined) throw new Error(`no model ${s.model}`);
    const config = {
      model,
      chip,
      chips: s.chips,
      parallelism: { tp: s.tp, pp: s.pp, ep: 1 },
      batch: s.batch,
      inputTokens: s.input,
      outputTokens: s.output,
      precision: { weights: s.precision, kvCache: s.precision, activations: s.precision },
    };
    const result = estimateInference(config);
    if (!result.feasible) throw new Error(`${s.model} on ${s.chips} chips is infeasible: ${result.explanation}`);
    const value = Number(metricValue(s.metric, result, config).toPrecision(4));
    return [s.model, s.chips, s.tp, s.pp, 1, s.batch, s.input, s.output, s.precision, s.precision, s.precision, s.metric, value].join(',');
  });
  return [...comment.map((c) => `# ${c}`), HEADER, ...lines, ''].join('\n');
}

const EXAMPLE_COMMENT = [
  'Synthetic measurements of the placeholder chip of "ridgeline plugin init @acme/ridgeline-hardware" (acme-x1),',
  'generated with η_flop 0.65, η_mem 0.75, η_net 0.8, t_layer 20 µs, prefill overlap 0.5 and rounded to 4 digits.',
  'Format: docs/writing-a-hardware-plugin.md. Regenerate: RIDGELINE_WRITE_EXAMPLE=1 npx vitest run src/commands/calibrate.test.ts (in apps/cli).',
];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-calibrate-'));
  await writeFile(join(dir, 'acme.json'), JSON.stringify(plugin));
  if (process.env['RIDGELINE_WRITE_EXAMPLE'] === '1') await writeFile(EXAMPLE, exampleCsv(TRUTH, EXAMPLE_COMMENT));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CalibrationJson {
  readonly chip: string;
  readonly file: string;
  readonly rows: ReadonlyArray<{
    readonly id: string;
    readonly line: number;
    readonly metric: string;
    readonly measured: number;
    readonly before: { readonly predicted: number | null; readonly error: number | null };
    readonly after: { readonly predicted: number | null; readonly error: number | null };
    readonly infeasible: { readonly reason: string; readonly explanation: string } | null;
  }>;
  readonly before: { readonly medianAbsError: number };
  readonly after: { readonly medianAbsError: number };
  readonly fitted: ConstantEfficiencies;
  readonly atGridEdge: readonly string[];
  readonly efficiency: Record<string, { readonly value: number; readonly source: string }>;
}

/** Writes `csv` as `file` beside the plugin and runs `ridgeline calibrate` on it with `extra` flags. */
async function calibrateFile(file: string, csv: string, ...extra: string[]): ReturnType<typeof cli> {
  await writeFile(join(dir, file), csv);
  return cli(['calibrate', file, '--hardware', './acme.json', ...extra], dir);
}

/** `calibrateFile` with `--json`, which must succeed: its report. */
async function calibrateJson(file: string, csv: string): Promise<CalibrationJson> {
  const r = await calibrateFile(file, csv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CalibrationJson;
}

/** Llama 3.1 70B on 8 acme chips at TP 8 as the model reads a row's `config` cells, and its `metric` there. */
function llamaOnAcme(metric: CalibrationMetric, config: Pick<InferenceConfig, 'batch' | 'inputTokens' | 'outputTokens' | 'precision' | 'maxBatch'>): number {
  const full = { model: getModel('llama-3.1-70b')!, chip: acme, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, ...config };
  const result = estimateInference(full);
  if (!result.feasible) throw new Error(result.explanation);
  return metricValue(metric, result, full);
}

// Each fit is an exhaustive grid search (~40,000 candidates): seconds of honest work, more when
// every package's suite shares the two cores.
describe('ridgeline calibrate', { timeout: 240_000 }, () => {
  it('recovers the efficiencies a synthetic CSV was generated with', async () => {
    const other: ConstantEfficiencies = { flop: 0.5, memory: 0.85, network: 0.6, layerOverheadS: 40e-6, commOverlap: 0.25 };
    const json = await calibrateJson('synthetic.csv', exampleCsv(other));
    expect(json.fitted).toEqual(other);
    expect(json.after.medianAbsError).toBeLessThan(0.001);
    expect(json.before.medianAbsError).toBeGreaterThan(0.05);
    expect(json.rows.map((row) => row.id)).toEqual(SHAPES.map((_, i) => `line ${i + 2}`));
  });

  it('recovers them from the example shipped with the guide', async () => {
    expect(await readFile(EXAMPLE, 'utf8')).toBe(exampleCsv(TRUTH, EXAMPLE_COMMENT));
    const r = await cli(['calibrate', EXAMPLE, '--hardware', './acme.json', '--json'], dir);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as CalibrationJson;
    expect(json.fitted).toEqual(TRUTH);
    expect(json).toMatchObject({ chip: 'acme-x1', file: 'measurements.csv', atGridEdge: [] });
    const source = `fit: ridgeline calibrate, measurements.csv lines 5-14 (10 rows), median |error| ${(json.after.medianAbsError * 100).toFixed(1)}%`;
    expect(json.efficiency).toEqual({
      flop: { value: 0.65, source },
      memory: { value: 0.75, source },
      network: { value: 0.8, source },
      layerOverheadS: { value: 20e-6, source },
      commOverlap: { value: 0.5, source },
      calibration: { status: 'fitted', basis: source },
    });
    for (const row of json.rows) {
      expect(row.after.error).not.toBeNull();
      expect(row.after.error).toBeCloseTo((row.after.predicted! - row.measured) / row.measured, 12);
    }
  });

  it('reads attention_weights: a row holding attention at bf16 is predicted as estimateInference predicts it, not as the fp8 row', async () => {
    const csv = [
      'id,model,chips,tp,batch,input,output,weights,kv,activations,attention_weights,metric,value',
      'fp8,llama-3.1-70b,8,8,1,2048,1,fp8,fp8,fp8,,ttft_s,0.2',
      'bf16-attention,llama-3.1-70b,8,8,1,2048,1,fp8,fp8,fp8,bf16,ttft_s,0.2',
      '',
    ].join('\n');
    const [plain, wide] = (await calibrateJson('attention.csv', csv)).rows;
    // the second row as the model reads it, at the plugin's own efficiencies ("before")
    const precision = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'bf16' } as const;
    expect(wide!.before.predicted).toBe(llamaOnAcme('ttft_s', { batch: 1, inputTokens: 2048, outputTokens: 1, precision }));
    // the attention block's prefill GEMMs at bf16's peak, half fp8's: a longer TTFT
    expect(wide!.before.predicted!).toBeGreaterThan(plain!.before.predicted!);
    expectUserError(
      await calibrateFile('bad-attention.csv', csv.replace(',bf16,ttft_s', ',bf17,ttft_s')),
      'bad-attention.csv line 3: attention_weights must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "bf17"',
    );
  });

  it('reads max_batch: a row run above the engine\'s cap is predicted with the wait for a slot, as estimateInference predicts it', async () => {
    const csv = [
      'id,model,chips,tp,batch,input,output,weights,kv,activations,max_batch,metric,value',
      'uncapped,llama-3.1-70b,8,8,48,2048,256,fp8,fp8,fp8,,ttft_s,10',
      'capped,llama-3.1-70b,8,8,48,2048,256,fp8,fp8,fp8,16,ttft_s,10',
      '',
    ].join('\n');
    const [uncapped, capped] = (await calibrateJson('capped.csv', csv)).rows;
    const precision = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    expect(capped!.before.predicted).toBe(llamaOnAcme('ttft_s', { batch: 48, maxBatch: 16, inputTokens: 2048, outputTokens: 256, precision }));
    // 32 of the 48 wait for one of 16 slots: far longer than every request in flight at once
    expect(capped!.before.predicted!).toBeGreaterThan(uncapped!.before.predicted!);
    expectUserError(await calibrateFile('bad-cap.csv', csv.replace(',fp8,16,ttft_s', ',fp8,0,ttft_s')), 'bad-cap.csv line 3: max_batch must be a positive integer, got "0"');
    const staticCsv = `${csv.trim().replace('max_batch,metric', 'max_batch,schedule,metric').replace(',,ttft_s', ',,static,ttft_s').replace(',16,ttft_s', ',16,static,ttft_s')}\n`;
    expectUserError(
      await calibrateFile('static-cap.csv', staticCsv),
      'static-cap.csv line 3: max_batch caps the requests a continuous engine holds in flight; give it only with schedule continuous',
    );
  });

  it('reads requests_per_client and output_sd: a throughput measured over a closed-loop run is predicted over that run, latencies as they are', async () => {
    const csv = [
      'id,model,chips,tp,batch,input,output,weights,kv,activations,requests_per_client,output_sd,metric,value',
      'steady,llama-3.1-70b,8,8,48,2048,256,fp8,fp8,fp8,,,output_tokens_per_s_per_chip,100',
      'run,llama-3.1-70b,8,8,48,2048,256,fp8,fp8,fp8,10,30,output_tokens_per_s_per_chip,100',
      'latency,llama-3.1-70b,8,8,48,2048,256,fp8,fp8,fp8,10,30,tpot_s,0.03',
      '',
    ].join('\n');
    const [steady, run, latency] = (await calibrateJson('run.csv', csv)).rows;
    const precision = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } as const;
    const config = { batch: 48, inputTokens: 2048, outputTokens: 256, precision };
    const full = { model: getModel('llama-3.1-70b')!, chip: acme, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, ...config };
    const result = estimateInference(full);
    if (!result.feasible) throw new Error(result.explanation);
    // 48 clients (one replica), ten requests each, outputs ±30 tokens: the steady state times 1/(1 + 30·TPOT·e(48)/(√10·ℓ))
    expect(steady!.before.predicted).toBe(llamaOnAcme('output_tokens_per_s_per_chip', config));
    expect(run!.before.predicted).toBe(metricValue('output_tokens_per_s_per_chip', result, full, { clients: 48, requestsPerClient: 10, outputTokensSd: 30 }));
    expect(run!.before.predicted!).toBeLessThan(steady!.before.predicted!);
    expect(latency!.before.predicted).toBe(llamaOnAcme('tpot_s', config));
    const one = (file: string, from: string, to: string): ReturnType<typeof cli> => calibrateFile(file, csv.replace(from, to));
    expectUserError(await one('half.csv', ',10,30,output', ',10,,output'), 'half.csv line 3: requests_per_client and output_sd describe the closed-loop benchmark run together; give both (output_sd 0 when every output has the same length), or neither for a steady state');
    expectUserError(await one('zero.csv', ',10,30,output', ',0,30,output'), 'zero.csv line 3: requests_per_client must be a positive integer, got "0"');
    expectUserError(await one('sd.csv', ',10,30,output', ',10,-3,output'), 'sd.csv line 3: output_sd must be the standard deviation of the output lengths, tokens from 0 to 10000000, got "-3"');
  });

  it('prints every row before and after, both medians and a block to paste', async () => {
    const r = await cli(['calibrate', EXAMPLE, '--hardware', './acme.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('ridgeline: fitting η_flop, η_mem, η_net, t_layer, prefill overlap to 10 rows over 39,200 grid points\n');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Calibrating Acme X1 (TODO: product name) (acme-x1) on 10 rows of measurements.csv');
    expect(lines[2]).toMatch(/^row\s+model\s+chips\s+tp\s+pp\s+batch\s+input\s+output\s+metric\s+measured\s+before\s+error\s+fitted\s+error$/);
    expect(lines[3]).toMatch(/^line 5\s+llama-3\.1-8b\s+1\s+1\s+1\s+1\s+2048\s+1\s+ttft_s\s+\S+ ms\s+\S+ ms\s+[+-]\d+\.\d%\s+\S+ ms\s+[+-]?0\.\d%$/);
    expect(lines[9]).toMatch(/^line 11\s+llama-3\.1-70b\s+4\s+4\s+1\s+32\s+2048\s+512\s+output_tokens_per_s_per_chip\s+\S+ tok\/s\s+/);
    expect(r.stdout).toMatch(/\nmedian \|error\| {2}before \d+\.\d% {2}after 0\.\d% {2}\(mean \|ln\(predicted\/measured\)\| \S+ → \S+\)\n/);
    expect(r.stdout).toContain('\nfitted          η_flop 0.65, η_mem 0.75, η_net 0.8, t_layer 20.0 µs, prefill overlap 0.5\n');
    const block = r.stdout.slice(r.stdout.indexOf('Paste into'));
    expect(block).toMatch(
      new RegExp(
        [
          'Paste into the chip "acme-x1" of your plugin, in place of its efficiency block:',
          '',
          '  efficiency: \\{',
          "    flop: \\{ value: 0\\.65, source: 'fit: ridgeline calibrate, measurements\\.csv lines 5-14 \\(10 rows\\), median \\|error\\| 0\\.\\d%' \\},",
          "    memory: \\{ value: 0\\.75, source: '[^']+' \\},",
          "    network: \\{ value: 0\\.8, source: '[^']+' \\},",
          "    layerOverheadS: \\{ value: 20e-6, source: '[^']+' \\},",
          "    commOverlap: \\{ value: 0\\.5, source: '[^']+' \\},",
          "    calibration: \\{ status: 'fitted', basis: '[^']+' \\},",
          '  \\},',
          '',
        ].join('\n'),
      ),
    );
  });

  it('uses the id column to name rows, leaves infeasible rows out with a note, and warns at a grid edge', async () => {
    const csv = [
      'id,model,chips,tp,batch,input,output,schedule,metric,value',
      // 2 s per token for an 8B model: slower than even the grid's lowest η_mem can explain. A static
      // batch, so that the decode step carries no prompt tokens whose compute would involve η_flop.
      'small,llama-3.1-8b,1,1,1,1024,256,static,tpot_s,2',
      'too-big,llama-3.1-405b,1,1,1,1024,256,static,tpot_s,0.5',
      '',
    ].join('\n');
    const r = await calibrateFile('ids.csv', csv, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as CalibrationJson;
    expect(json.rows.map((row) => row.id)).toEqual(['small', 'too-big']);
    expect(json.rows[1]).toMatchObject({ infeasible: { reason: 'capacity' }, before: { predicted: null, error: null }, after: { predicted: null, error: null } });
    expect(json.efficiency['flop']?.source).toMatch(/^fit: ridgeline calibrate, ids\.csv rows small \(1 row\), median \|error\| /);
    const notes = r.stderr.split('\n');
    expect(notes[0]).toMatch(/^ridgeline: note: too-big of ids\.csv is infeasible on acme-x1 \(capacity\): Does not fit: .+ It is left out of the fit\.$/);
    expect(notes).toContain('ridgeline: note: η_mem landed on the first value of its grid (0.3): the best value may lie below it, or the rows may not pin it down');
    // What one TPOT row cannot pin down (η_flop, η_net, overlap) stays at the chip's own values, off the grid's edges.
    expect(notes.some((n) => n.includes('η_flop landed'))).toBe(false);
  });

  it('reports a file with no feasible row', async () => {
    const r = await calibrateFile('none.csv', 'model,chips,tp,batch,input,output,metric,value\nllama-3.1-405b,1,1,1,1024,256,tpot_s,0.5\n');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').at(-2)).toBe(
      'ridgeline: error: none of the 1 rows of none.csv is feasible on acme-x1 (see the notes above), so there is nothing to fit',
    );
  });

  it.each([
    ['a missing file', null, 'cannot read nope.csv: file not found'],
    ['an empty file', '', 'bad.csv is empty; it needs a header line (model, chips, tp, batch, input, output, metric, value) and one row per measurement'],
    ['a header and no rows', 'model,chips,tp,batch,input,output,metric,value\n', 'bad.csv has a header but no rows'],
    [
      'a missing column',
      'model,chips,tp,batch,input,output,value\nllama-3.1-8b,1,1,1,1024,256,0.02\n',
      'bad.csv: missing column "metric"; the header needs model, chips, tp, batch, input, output, metric, value',
    ],
    [
      'an unknown column',
      'model,chips,tpp,batch,input,output,metric,value\n',
      'bad.csv: unknown column "tpp". Did you mean "pp" or "tp"? Columns: model, chips, tp, batch, input, output, metric, value, id, pp, ep, weights, kv, activations, attention_weights, max_batch, schedule, chunk_tokens, requests_per_client, output_sd, attention, speculative, draft_tokens, acceptance, draft_model, prefill_workers, decode_workers, prefill_tp, prefill_ep, prefill_attention, receive_interval, curve, notes',
    ],
    [
      'an unknown metric',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-8b,1,1,1,1024,256,ttft,0.2\n',
      'bad.csv line 2: metric must be one of ttft_s, tpot_s, request_latency_s, output_tokens_per_s_per_chip, tokens_per_s_per_chip, got "ttft". Did you mean "ttft_s"?',
    ],
    [
      'a value in milliseconds',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-8b,1,1,1,1024,256,tpot_s,20 ms\n',
      'bad.csv line 2: value must be a number > 0 in SI units (seconds, tokens/s), got "20 ms"',
    ],
    [
      'a bad integer, on its line',
      '# a comment line\nmodel,chips,tp,batch,input,output,metric,value\n\nllama-3.1-8b,1,0,1,1024,256,tpot_s,0.02\n',
      'bad.csv line 4: tp must be a positive integer, got "0"',
    ],
    [
      'a bad precision',
      'model,chips,tp,batch,input,output,weights,metric,value\nllama-3.1-8b,1,1,1,1024,256,bf17,tpot_s,0.02\n',
      'bad.csv line 2: weights must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "bf17"',
    ],
    [
      'an unknown model',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-7b,1,1,1,1024,256,tpot_s,0.02\n',
      'bad.csv line 2: unknown model "llama-3.1-7b". Did you mean "llama-3.1-70b" or "llama-3.1-8b"? Run "ridgeline models list" to see all.',
    ],
    [
      'a repeated id',
      'id,model,chips,tp,batch,input,output,metric,value\na,llama-3.1-8b,1,1,1,1024,256,tpot_s,0.02\na,llama-3.1-8b,1,1,8,1024,256,tpot_s,0.02\n',
      'bad.csv line 3: id "a" is used by an earlier row; give each row its own id',
    ],
    // Before: a 1 ns TPOT was fitted (dragging η to its grid's edge), and of two "value" columns
    // the last was used without a word.
    [
      'an impossible measurement: a 1 ns TPOT',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-8b,1,1,1,1024,256,tpot_s,0.02\nllama-3.1-8b,1,1,1,1024,256,tpot_s,1e-9\n',
      'bad.csv line 3: value 1e-9 is impossible for tpot_s: an ideal acme-x1 (every efficiency 1, no overheads) needs 3.79 ms on this row, and a measurement cannot take even half that; is the value in SI units (seconds)?',
    ],
    [
      'an impossible throughput',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-8b,1,1,64,1024,256,output_tokens_per_s_per_chip,1e9\n',
      'bad.csv line 2: value 1e9 is impossible for output_tokens_per_s_per_chip: an ideal acme-x1 (every efficiency 1, no overheads) reaches 6,298 tok/s on this row, and a measurement cannot reach even twice that; is the value in SI units (tokens/s)?',
    ],
    [
      'a duplicate column',
      'model,chips,tp,batch,input,output,metric,value,Value\nllama-3.1-8b,1,1,1,1024,256,tpot_s,0.02,0.03\n',
      'bad.csv: column "value" appears twice (columns 8 and 9 of the header); keep one',
    ],
    [
      'a row with too many cells',
      'model,chips,tp,batch,input,output,metric,value\nllama-3.1-8b,1,1,1,1024,256,tpot_s,0.02,9\n',
      'cannot parse bad.csv: invalid Record Length: columns length is 8, got 9 on line 2',
    ],
  ])('reports %s in one line', async (_, content, message) => {
    const file = content === null ? 'nope.csv' : 'bad.csv';
    if (content !== null) await writeFile(join(dir, 'bad.csv'), content);
    expectUserError(await cli(['calibrate', file, '--hardware', './acme.json'], dir), message);
  });

  it('needs a file and --hardware', async () => {
    expectUserError(await cli(['calibrate', '--hardware', 'h100'], dir), 'missing argument <file>. Run "ridgeline calibrate --help" for usage.');
    expectUserError(await cli(['calibrate', 'x.csv'], dir), 'missing required flag --hardware. Run "ridgeline calibrate --help" for usage.');
  });
});
