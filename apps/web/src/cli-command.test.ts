import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRECISIONS, type Precision } from '@ridgeline/hardware';
import { runCli } from 'ridgeline';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngine, planServing } from '@ridgeline/engine';
import { estimateInference } from '@ridgeline/model';
import { CHIP_FILE, MODEL_FILE, cliFiles, commandLine, estimateArgs, planArgs, trainArgs } from './cli-command.ts';
import { fieldsFromChip } from './custom-chip.ts';
import { configFor, estimate, resolveChip, resolveModel, resolvePrefillChip } from './estimate.ts';
import { planChips, planFor } from './plan.ts';
import { findChip } from './registry.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_ENERGY, DEFAULT_PLAN, DEFAULT_STATE, DEFAULT_TRAINING, type AppState, type DisaggregationSettings, type TrainingSettings } from './state.ts';
import { train, trainingConfigFor } from './training.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `ridgeline <args> --json` in-process in a fresh directory holding the state's files (a
 * pasted config.json, the custom chip), as a person would after saving them.
 */
async function runCommand(state: AppState, args: readonly string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'ridgeline-cli-command-'));
  dirs.push(cwd);
  for (const file of cliFiles(state)) writeFileSync(join(cwd, file.path), file.text);
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--json'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  // estimate's `cost` (docs/MODEL.md §11) is the CLI's: the page does not show it yet
  const { cost, ...json } = JSON.parse(stdout) as Record<string, unknown> & { cost?: { basis: string } };
  if (cost !== undefined) expect(cost.basis).toBe('list');
  return { code, json, stderr };
}

/** A result as the CLI prints it with `--json`. */
function asJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** What the page computes for the inference view's state. */
function pageEstimate(state: AppState): Record<string, unknown> {
  const model = resolveModel(state);
  const chip = resolveChip(state.hardware, state.customChip);
  const prefill = resolvePrefillChip(state);
  if (!model.ok || !chip.ok || prefill?.ok === false) throw new Error(`unresolved: ${model.ok ? '' : model.message} ${chip.ok ? '' : chip.message}`);
  const out = estimate(configFor(state, model.model, chip.chip, prefill?.chip ?? null));
  if (out.kind !== 'result') throw new Error(out.message);
  return asJson(out.result);
}

/** What the page computes for the training view's state. */
function pageTraining(state: AppState): Record<string, unknown> {
  const model = resolveModel(state);
  const chip = resolveChip(state.hardware, state.customChip);
  if (!model.ok || !chip.ok) throw new Error('unresolved');
  const out = train(trainingConfigFor(state, model.model, chip.chip));
  if (out.kind !== 'result') throw new Error(out.message);
  return asJson(out.result);
}

function withTraining(patch: Partial<TrainingSettings>, rest: Partial<AppState> = {}): AppState {
  return { ...DEFAULT_STATE, ...rest, view: 'training', training: { ...DEFAULT_TRAINING, ...patch } };
}

const h100 = fieldsFromChip(findChip('h100-sxm')!);
/** A custom chip: the H100's fields with a faster HBM and another name and price. */
const CUSTOM: Partial<AppState> = { hardware: 'custom', customChip: { ...h100, id: 'acme-x1', name: 'Acme X1', bandwidth: '4.8e12', price: '3.1' } };

/** A Llama-style config.json, as a person would paste it. */
const CONFIG_JSON = JSON.stringify(
  {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 4096,
    intermediate_size: 14336,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    num_hidden_layers: 32,
    vocab_size: 128256,
    max_position_embeddings: 131072,
    tie_word_embeddings: false,
    torch_dtype: 'bfloat16',
  },
  null,
  2,
);
const PASTED: Partial<AppState> = { model: { kind: 'config', json: CONFIG_JSON } };

/**
 * A result with the model's name taken out. The page names a pasted model `hf-<type>`; the CLI
 * names one read from ./config.json after its directory (and, for inference, says so in the
 * model's source). Only these labels differ: every number is the same.
 */
function withoutModelName(json: Record<string, unknown>): Record<string, unknown> {
  const inputs = json['inputs'] as { model: string; sources?: Record<string, string> };
  expect(inputs.model).toMatch(/^hf-llama$|^ridgeline-cli-command-/);
  const sources = inputs.sources === undefined ? {} : { sources: { ...inputs.sources, model: '(name)' } };
  if (inputs.sources !== undefined) expect(inputs.sources['model']).toMatch(/^Hugging Face config\.json( \(ridgeline-cli-command-\w+\))?$/);
  return { ...json, inputs: { ...inputs, model: '(name)', ...sources } };
}

const inference = (patch: Partial<AppState>): AppState => ({ ...DEFAULT_STATE, ...patch });

/** A disaggregated inference state. */
const disaggregated = (d: Partial<DisaggregationSettings>, patch: Partial<AppState> = {}): AppState => inference({ ...patch, disaggregation: { ...DEFAULT_DISAGGREGATION, ...d } });

/** Llama 3.1 70B in fp8 decoding on 256 Groq 3 LPUs (TP 16 · PP 16), 16 requests in flight per worker. */
const LPU_DECODE: Partial<AppState> = { hardware: 'nvidia-groq3-lpu', chips: 256, tp: 16, pp: 16, batch: 16, weights: 'fp8', kvCache: 'fp8', activations: 'fp8' };

describe('estimateArgs: `ridgeline estimate` gives the inference view’s numbers exactly', () => {
  test.each([
    ['the defaults', inference({})],
    ['an MoE model with EP', inference({ model: { kind: 'catalog', id: 'mixtral-8x7b' }, chips: 8, tp: 8, ep: 8, batch: 32 })],
    ['a pipeline, one user, long prompts', inference({ chips: 16, tp: 8, pp: 2, batch: 1, inputTokens: 32768, outputTokens: 1024 })],
    ['an overlap and a price', inference({ overlap: 0.35, price: 1.25 })],
    [
      'an FP4 checkpoint with FP8 attention weights',
      inference({ model: { kind: 'catalog', id: 'deepseek-v3' }, hardware: 'b200', chips: 8, tp: 8, ep: 8, weights: 'fp4', kvCache: 'fp8', activations: 'fp8', attentionWeights: 'fp8' }),
    ],
    ['no overlap and a free chip', inference({ overlap: 0, price: 0 })],
    ['an engine cap below the batch: 48 users on 16 slots', inference({ batch: 48, maxBatch: 16 })],
    ['disaggregated, decode workers capped below their batch', disaggregated({ prefillWorkers: 2, decodeWorkers: 3 }, { batch: 24, maxBatch: 8 })],
    ['mixed precisions on MI300X', inference({ hardware: 'mi300x', chips: 4, tp: 4, weights: 'fp8', kvCache: 'fp8', activations: 'fp16' })],
    ['data parallelism', inference({ model: { kind: 'catalog', id: 'llama-3.1-8b' }, chips: 8, tp: 2 })],
    ['a pasted config.json and a custom chip', inference({ ...PASTED, ...CUSTOM, chips: 2, tp: 2 })],
    ['disaggregated: 2 prefill workers feed 3 decode workers', disaggregated({ prefillWorkers: 2, decodeWorkers: 3 })],
    ['disaggregated, a mixed fleet: B200 prefill, Groq 3 LPU decode', disaggregated({ prefillWorkers: 2, decodeWorkers: 2, prefillHardware: 'b200', prefillTp: 8 }, LPU_DECODE)],
    ['disaggregated MoE: prefill TP, EP and dp attention of its own', disaggregated({ prefillWorkers: 3, decodeWorkers: 2, prefillTp: 4, prefillEp: 4, prefillAttention: 'dp' }, { model: { kind: 'catalog', id: 'mixtral-8x7b' }, ep: 8, batch: 32 })],
    ['disaggregated, the custom chip prefilling for an H100', disaggregated({ prefillWorkers: 2, prefillHardware: 'custom' }, { customChip: CUSTOM.customChip ?? null })],
    ['disaggregated, a prefill chip that is the decode chip', disaggregated({ prefillWorkers: 2, prefillHardware: 'h100-sxm' })],
  ] as [string, AppState][])('%s', async (_, state) => {
    const args = estimateArgs(state)!;
    const run = await runCommand(state, args);
    expect(run.code, run.stderr).toBe(0);
    const page = pageEstimate(state);
    if (state.model.kind === 'config') expect(withoutModelName(run.json)).toEqual(withoutModelName(page));
    else expect(run.json).toEqual(page);
  });

  test.each(PRECISIONS.map((p) => [p] as [Precision]))('every precision: %s on B200 (an unsupported one infeasible, as on the page)', async (p) => {
    const state = inference({ hardware: 'b200', weights: p, kvCache: p, activations: p });
    const args = estimateArgs(state)!;
    const page = pageEstimate(state);
    const run = await runCommand(state, args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toEqual(page);
  });

  test.each([
    ['a model too big for one chip', inference({ chips: 1, tp: 1 })],
    ['chips that TP·PP does not divide', inference({ chips: 10, tp: 8 })],
    ['TP not dividing the heads', inference({ chips: 6, tp: 6 })],
    ['disaggregated, chips that are not one decode worker', disaggregated({ prefillWorkers: 2 }, { chips: 16 })],
    ['disaggregated, a prefill worker too small for the model', disaggregated({ prefillWorkers: 2, prefillTp: 1 })],
  ] as [string, AppState][])('infeasible the same way: %s', async (_, state) => {
    const run = await runCommand(state, estimateArgs(state)!);
    expect(run.code).toBe(0);
    expect(run.json).toEqual(pageEstimate(state));
    expect(run.stderr).toBe('');
    expect(run.json['feasible']).toBe(false);
  });

  test('leaves out the CLI’s defaults, but keeps chips and TP', () => {
    expect(estimateArgs(DEFAULT_STATE)).toEqual(['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '8', '--tp', '8', '--batch', '64']);
    expect(estimateArgs(inference({ batch: 1 }))).toEqual(['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '8', '--tp', '8']);
    expect(estimateArgs(inference({ pp: 2, ep: 2, inputTokens: 100, outputTokens: 10, weights: 'fp8', kvCache: 'int8', activations: 'fp16', overlap: 0.5, price: 2 }))).toEqual([
      'estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '8', '--tp', '8',
      '--pp', '2', '--ep', '2', '--batch', '64', '--input', '100', '--output', '10',
      '--weights', 'fp8', '--kv', 'int8', '--activations', 'fp16', '--overlap', '0.5', '--price', '2',
    ]);
  });

  test('disaggregated: --prefill-workers always, the other --prefill-* flags when not the CLI’s defaults', () => {
    const base = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '8', '--tp', '8', '--batch', '64'];
    expect(estimateArgs(disaggregated({}))).toEqual([...base, '--prefill-workers', '1']);
    expect(estimateArgs(disaggregated({ prefillHardware: 'h100-sxm' }))).toEqual([...base, '--prefill-workers', '1']);
    expect(estimateArgs(disaggregated({ prefillWorkers: 4, decodeWorkers: 6, prefillHardware: 'b200', prefillTp: 4, prefillEp: 2, prefillAttention: 'dp' }, { price: 2 }))).toEqual([
      ...base, '--prefill-workers', '4', '--decode-workers', '6', '--prefill-tp', '4', '--prefill-ep', '2', '--prefill-attention', 'dp', '--prefill-hardware', 'b200', '--price', '2',
    ]);
    // A custom prefill chip is ./chip.json, saved next to the command as for a custom chip.
    const custom = disaggregated({ prefillHardware: 'custom' }, { customChip: CUSTOM.customChip ?? null });
    expect(estimateArgs(custom)?.slice(-2)).toEqual(['--prefill-hardware', CHIP_FILE]);
    expect(cliFiles(custom).map((f) => f.path)).toEqual([CHIP_FILE]);
    expect(cliFiles({ ...custom, view: 'training' })).toEqual([]);
    // The custom chip decoding and prefilling is one chip: --hardware ./chip.json is enough.
    expect(estimateArgs(disaggregated({ prefillHardware: 'custom' }, CUSTOM))).not.toContain('--prefill-hardware');
    expect(estimateArgs(disaggregated({ prefillWorkers: Number.NaN }))).toBeUndefined();
    expect(estimateArgs(disaggregated({ prefillTp: Number.NaN }))).toBeUndefined();
  });

  test('a pasted model and a custom chip are files the command names, with what to save in them', () => {
    const state = inference({ ...PASTED, ...CUSTOM });
    expect(estimateArgs(state)?.slice(1, 5)).toEqual(['--model', MODEL_FILE, '--hardware', CHIP_FILE]);
    const [config, chip] = cliFiles(state);
    expect(config).toEqual({ path: './config.json', text: CONFIG_JSON, what: 'the pasted config.json' });
    expect(chip?.path).toBe('./chip.json');
    expect(JSON.parse(chip?.text ?? '')).toMatchObject({ apiVersion: 2, chips: [{ id: 'acme-x1', name: 'Acme X1' }] });
    expect(cliFiles(DEFAULT_STATE)).toEqual([]);
  });

  test('no command while a number box holds no number', () => {
    expect(estimateArgs(inference({ batch: Number.NaN }))).toBeUndefined();
    expect(estimateArgs(inference({ price: Number.NaN }))).toBeUndefined();
  });
});

describe('trainArgs: `ridgeline train` gives the training view’s numbers exactly', () => {
  test.each([
    ['the defaults (Llama 3.1 70B on 1024 H100s)', withTraining({})],
    ['an overlap and a price', withTraining({}, { overlap: 0.5, price: 1.75 })],
    ['ZeRO 3, full recomputation, interleaving and fp8 on MI300X', withTraining({ zeroStage: 3, recompute: 'full', virtualStages: 2, precision: 'fp8', microBatch: 2 }, { hardware: 'mi300x' })],
    ['an MoE model with EP and CP', withTraining({ chips: 512, tp: 4, pp: 4, cp: 2, ep: 8, sequenceLength: 16384, globalBatch: 256, totalTokens: 2e12 }, { model: { kind: 'catalog', id: 'mixtral-8x7b' } })],
    ['the CLI’s own defaults: TP 1, PP 1, 4k sequences, 1 T tokens', withTraining({ chips: 64, tp: 1, pp: 1, sequenceLength: 4096, globalBatch: 512, totalTokens: 1e12 }, { model: { kind: 'catalog', id: 'llama-3.1-8b' } })],
    ['ZeRO 0 without recomputation', withTraining({ chips: 64, tp: 4, pp: 2, sequenceLength: 2048, globalBatch: 64, totalTokens: 1e11, zeroStage: 0, recompute: 'none' }, { model: { kind: 'catalog', id: 'llama-3.1-8b' }, hardware: 'mi300x' })],
    ['ZeRO 2 in fp16, a small run', withTraining({ chips: 128, tp: 4, pp: 2, zeroStage: 2, precision: 'fp16', totalTokens: 5e9 }, { hardware: 'h200' })],
    ['a pasted config.json and a custom chip', withTraining({ chips: 64, tp: 8, pp: 1, globalBatch: 256, totalTokens: 1e11 }, { ...PASTED, ...CUSTOM })],
  ] as [string, AppState][])('%s', async (_, state) => {
    const run = await runCommand(state, trainArgs(state)!);
    expect(run.code, run.stderr).toBe(0);
    const page = pageTraining(state);
    if (state.model.kind === 'config') expect(withoutModelName(run.json)).toEqual(withoutModelName(page));
    else expect(run.json).toEqual(page);
  });

  test.each([
    ['interleaving without a pipeline', withTraining({ pp: 1, chips: 256, virtualStages: 2 }), 'interleave_needs_pipeline'],
    ['a run that does not fit', withTraining({ chips: 8, tp: 8, pp: 1, globalBatch: 8, zeroStage: 0 }), 'capacity'],
    ['chips TP·PP·CP does not divide (--dp)', withTraining({ chips: 1000 }), 'chips_divide_parallelism'],
    ['fewer chips than one replica (--dp 1)', withTraining({ chips: 16 }), 'chips_divide_parallelism'],
  ] as [string, AppState, string][])('infeasible the same way: %s', async (_, state, reason) => {
    const run = await runCommand(state, trainArgs(state)!);
    expect(run.code).toBe(0);
    expect(run.json['reason']).toBe(reason);
    expect(run.json).toEqual(pageTraining(state));
  });

  test('leaves out the CLI’s defaults, but keeps chips and the global batch; --dp only where the CLI needs it', () => {
    expect(trainArgs(withTraining({}))).toEqual([
      'train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '1024', '--tp', '8', '--pp', '4',
      '--seq', '8192', '--global-batch', '512', '--tokens', '1.5e13',
    ]);
    expect(trainArgs(withTraining({ chips: 1000 }))?.slice(5, 9)).toEqual(['--chips', '1000', '--dp', '31']);
    expect(trainArgs(withTraining({ chips: 16 }))?.slice(5, 9)).toEqual(['--chips', '16', '--dp', '1']);
    expect(trainArgs(withTraining({ totalTokens: 4096 }))).toContain('4096');
  });

  test('no command while a number box holds no number', () => {
    expect(trainArgs(withTraining({ totalTokens: Number.NaN }))).toBeUndefined();
    expect(trainArgs(withTraining({ tp: Number.NaN }))).toBeUndefined();
  });
});

describe('planArgs: `ridgeline plan` gives the latency-target panel’s plan', () => {
  const small = (patch: Partial<AppState>): AppState =>
    inference({ model: { kind: 'catalog', id: 'llama-3.1-8b' }, compare: ['mi300x'], inputTokens: 1024, outputTokens: 128, plan: { ...DEFAULT_PLAN, ttftS: 0.5, tpotS: 0.02 }, ...patch });

  test.each([
    ['Llama 3.1 8B on H100 and MI300X', small({})],
    ['the cost objective at a rate, TPOT only', small({ plan: { ttftS: null, tpotS: 0.03, objective: 'cost', rateRps: 25 } })],
    ['a pasted config.json on a custom chip and an H200', small({ ...PASTED, ...CUSTOM, compare: ['custom', 'h200'] })],
    [
      'the cost objective at each chip\'s cost of ownership, PUE 1.3, 80% utilization',
      small({ hardware: 'h100-sxm', compare: ['b200'], energy: { ...DEFAULT_ENERGY, priceBasis: 'tco', pue: 1.3, utilization: 0.8 }, plan: { ...DEFAULT_PLAN, ttftS: 0.5, tpotS: 0.02, objective: 'cost' } }),
    ],
  ] as [string, AppState][])('%s', async (_, state) => {
    const run = await runCommand(state, planArgs(state)!);
    expect(run.code, run.stderr).toBe(0);
    const model = resolveModel(state);
    if (!model.ok) throw new Error(model.message);
    const planned = planFor(state, model.model, planChips(state));
    if (!('request' in planned)) throw new Error(planned.error);
    const page = await planServing({ ...planned.request, engine: await createEngine() });
    const results = run.json['results'] as { chip: string; meetsTargets: boolean; command: string[]; result: Record<string, unknown>; replicas: number }[];
    expect(results.map((r) => [r.chip, r.meetsTargets, r.replicas])).toEqual(page.results.map((c) => [c.chip, c.meetsTargets, c.replicas]));
    for (const [i, r] of results.entries()) {
      const c = page.results[i]!;
      const estimate = asJson(estimateInference(c.config));
      // plan --json adds estimate --json's cost block to a feasible result; its headline is the result's
      const { cost, ...result } = r.result;
      if (r.result['feasible'] === true) expect(cost).toMatchObject({ usdPerMillionOutputTokens: r.result['costPerMillionTokensUsd'] });
      else expect(cost).toBeUndefined();
      expect(state.model.kind === 'config' ? withoutModelName(result) : result).toEqual(state.model.kind === 'config' ? withoutModelName(estimate) : estimate);
      if (c.metrics !== null) for (const k of ['ttftS', 'tpotS', 'tokensPerSPerChip', 'tokensPerSPerUser', 'costPerMillionTokensUsd'] as const) expect(r.result[k], k).toBe(c.metrics[k]);
    }
  });

  test('names the chips in the panel’s order, the targets as durations, and what is not the default', () => {
    expect(planArgs(DEFAULT_STATE)).toEqual(['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm,mi300x,tpu-v6e,groq-lpu', '--ttft', '2s', '--tpot', '50ms']);
    expect(planArgs(inference({ hardware: 'b200', compare: ['h100-sxm', 'b200'], inputTokens: 4096, outputTokens: 512, plan: { ttftS: null, tpotS: 0.0125, objective: 'chips', rateRps: 2.5 } }))).toEqual([
      'plan', '--model', 'llama-3.1-70b', '--hardware', 'b200,h100-sxm', '--input', '4096', '--output', '512', '--tpot', '12.5ms', '--objective', 'chips', '--rate', '2.5',
    ]);
    expect(planArgs(inference({ ...PASTED, ...CUSTOM, compare: ['custom', 'h200'] }))?.slice(1, 5)).toEqual(['--model', MODEL_FILE, '--hardware', `${CHIP_FILE},h200`]);
  });

  test('the tco basis, its inputs and the PUE; the PUE alone is not a plan flag', () => {
    expect(planArgs(inference({ compare: [], energy: { ...DEFAULT_ENERGY, pue: 1.3 } }))).toEqual(['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--ttft', '2s', '--tpot', '50ms']);
    expect(planArgs(inference({ compare: [], energy: { ...DEFAULT_ENERGY, priceBasis: 'tco', pue: 1.3, usdPerKwh: 0.1 } }))?.slice(-7)).toEqual(['50ms', '--pue', '1.3', '--price-basis', 'tco', '--usd-per-kwh', '0.1']);
  });

  test('no command while the panel has no plan', () => {
    expect(planArgs(inference({ plan: { ...DEFAULT_PLAN, ttftS: null, tpotS: null } }))).toBeUndefined();
    expect(planArgs(inference({ plan: { ...DEFAULT_PLAN, tpotS: Number.NaN } }))).toBeUndefined();
    expect(planArgs(inference({ plan: { ...DEFAULT_PLAN, objective: 'chips' } }))).toBeUndefined();
    expect(planArgs(inference({ outputTokens: Number.NaN }))).toBeUndefined();
  });
});

describe('commandLine quotes for a POSIX shell only where it must', () => {
  test('plain words as they are', () => {
    expect(commandLine(['ridgeline', 'estimate', '--model', 'llama-3.1-70b', '--hardware', './chip.json', '--tokens', '1.5e13', '--price', '1.25'])).toBe(
      'ridgeline estimate --model llama-3.1-70b --hardware ./chip.json --tokens 1.5e13 --price 1.25',
    );
    expect(commandLine(['a=b', 'x@y', '50%', 'a+b', 'k:v,w', 'under_score'])).toBe('a=b x@y 50% a+b k:v,w under_score');
  });

  test.each([
    ['with space', "'with space'"],
    ['', "''"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['a;b', "'a;b'"],
    ['`x`', "'`x`'"],
    ['"q"', `'"q"'`],
    ['~/x', "'~/x'"],
    ['#c', "'#c'"],
    ['*.json', "'*.json'"],
    ['naïve', "'naïve'"],
    ['line\nbreak', "'line\nbreak'"],
  ])('%j → %s', (word, quoted) => {
    expect(commandLine([word])).toBe(quoted);
  });

  test('a shell reads the words back', () => {
    const words = ['plain', 'with space', '', "it's", '$HOME', 'a;b', '`x`', '"q"', '~/x', '#c', '*', 'naïve', 'tab\there', "''"];
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine(words)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});
