import { estimateInference } from '@ridgeline/model';
import { runCli } from 'ridgeline';
import { describe, expect, test } from 'vitest';
import { estimateArgs } from './cli-command.ts';
import { compare, configFor, estimate, layoutFor, resolveChip, resolveModel, resolvePrefillChip } from './estimate.ts';
import { sameWidthPrecision } from './precision.ts';
import { findChip, findModel } from './registry.ts';
import { costPanel, priceFor } from './energy.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_ENERGY, DEFAULT_STATE, type AppState } from './state.ts';

async function cliJson(args: string[]): Promise<{ result: Record<string, unknown>; cost: Record<string, unknown> | undefined }> {
  let out = '';
  await runCli(args, { stdout: (s) => (out += s), stderr: () => {} });
  // estimate's `cost` (docs/MODEL.md §11) is the CLI's addition to the result: the page's cost panel shows it
  const { cost, ...result } = JSON.parse(out) as { cost?: Record<string, unknown> };
  return { result, cost };
}

describe('configFor builds what the CLI builds from the same flags', () => {
  test.each([
    ['defaults', DEFAULT_STATE],
    ['an overlap and a price', { ...DEFAULT_STATE, overlap: 0.5, price: 1.25 }],
    ['fp8 weights on 4 MI300X', { ...DEFAULT_STATE, hardware: 'mi300x', chips: 4, tp: 4, weights: 'fp8', kvCache: 'fp8' }],
    ['a PUE', { ...DEFAULT_STATE, energy: { ...DEFAULT_ENERGY, pue: 1.4 } }],
    ['tco at the defaults', { ...DEFAULT_STATE, energy: { ...DEFAULT_ENERGY, priceBasis: 'tco' } }],
    [
      'tco with every input, on MI300X (no sourced capital)',
      { ...DEFAULT_STATE, hardware: 'mi300x', chips: 4, tp: 4, energy: { pue: 1.1, priceBasis: 'tco', capitalUsd: 15000, systemCapitalUsd: 4000, amortizationYears: 4, utilization: 0.7, usdPerKwh: 0.12, usdPerKwMonth: 150 } },
    ],
  ] as [string, AppState][])('%s', async (_, state) => {
    const model = resolveModel(state);
    const chip = resolveChip(state.hardware, null);
    if (!model.ok || !chip.ok) throw new Error('unresolved');
    const args = [...estimateArgs(state)!, '--json'];
    const cli = await cliJson(args);
    const result = estimateInference(configFor(state, model.model, chip.chip));
    expect(JSON.parse(JSON.stringify(result))).toEqual(cli.result);
    // the cost panel shows the CLI's cost figures
    const price = priceFor(state, chip.chip);
    if (!price.ok || !result.feasible) throw new Error('expected a priced, feasible result');
    const panel = costPanel(result, price, { chips: [chip.chip], priceGiven: state.price !== null });
    expect(panel.basis).toBe(cli.cost?.['basis']);
    expect(panel.usdPerChipHour).toBe(cli.cost?.['usdPerChipHour']);
    expect(panel.usdPerMillionInputTokens).toBe(cli.cost?.['usdPerMillionInputTokens']);
    expect(Object.fromEntries(panel.parts.map((p) => [p.key, p.usdPerChipHour]))).toEqual(cli.cost?.['breakdown']);
    expect(Object.fromEntries(panel.parts.map((p) => [p.key, p.usdPerMillionOutputTokens]))).toEqual(cli.cost?.['breakdownPerMillionOutputTokens']);
  });
});

test('estimate turns input mistakes into messages with the field', () => {
  const model = findModel('llama-3.1-8b')!;
  const chip = findChip('h100')!;
  const out = estimate(configFor({ ...DEFAULT_STATE, batch: Number.NaN }, model, chip));
  expect(out).toEqual({ kind: 'error', message: 'batch must be a positive integer, got NaN', field: 'batch' });
});

describe('disaggregation', () => {
  const on = (patch: Partial<typeof DEFAULT_DISAGGREGATION>): AppState => ({ ...DEFAULT_STATE, disaggregation: { ...DEFAULT_DISAGGREGATION, ...patch } });

  test('configFor passes what is set, and leaves the model its defaults', () => {
    const model = findModel('llama-3.1-70b')!;
    const chip = findChip('h100-sxm')!;
    expect(configFor(DEFAULT_STATE, model, chip).disaggregation).toBeUndefined();
    expect(configFor(on({ prefillWorkers: 2, decodeWorkers: 3 }), model, chip).disaggregation).toEqual({ prefillWorkers: 2, decodeWorkers: 3 });
    const b200 = findChip('b200')!;
    expect(configFor(on({ prefillTp: 4, prefillEp: 2, prefillAttention: 'dp', prefillHardware: 'b200' }), model, chip, b200).disaggregation).toEqual({
      prefillWorkers: 1,
      decodeWorkers: 1,
      prefillTp: 4,
      prefillEp: 2,
      prefillAttention: 'dp',
      prefillChip: b200,
    });
  });

  test('resolvePrefillChip: none for the decode chip, the chip, or why not', () => {
    expect(resolvePrefillChip(DEFAULT_STATE)).toBeNull();
    expect(resolvePrefillChip(on({}))).toBeNull();
    expect(resolvePrefillChip(on({ prefillHardware: 'mi300x' }))).toEqual({ ok: true, chip: findChip('mi300x') });
    const broken = resolvePrefillChip({ ...on({ prefillHardware: 'custom' }), customChip: { id: 'x' } });
    expect(broken?.ok === false && broken.message).toBe('The prefill chip: The custom chip is not valid yet: fix the fields marked in the form.');
  });

  test('the comparison runs the same workers: each chip decodes, and prefills unless a prefill chip is named', () => {
    const state: AppState = { ...on({ prefillWorkers: 2, decodeWorkers: 3 }), compare: ['h100-sxm', 'mi300x'] };
    const model = findModel('llama-3.1-70b')!;
    const [, mi300x] = compare(state, model);
    const d = mi300x?.outcome.kind === 'result' && mi300x.outcome.result.feasible ? mi300x.outcome.result.disaggregation : null;
    expect([d?.prefillChip, d?.prefillWorkers, d?.decodeWorkers]).toEqual(['mi300x', 2, 3]);
    const [, mixed] = compare(state, model, findChip('b200')!);
    expect(mixed?.outcome.kind === 'result' && mixed.outcome.result.feasible && mixed.outcome.result.disaggregation?.prefillChip).toBe('b200');
  });
});

describe('layoutFor', () => {
  const model = findModel('llama-3.1-70b')!; // 64 heads, 80 layers
  test('prefers the largest TP inside the scale-up domain', () => {
    expect(layoutFor(model, findChip('h100-sxm')!, 16)).toEqual({ tp: 8, pp: 2 });
    expect(layoutFor(model, findChip('h100-sxm')!, 4)).toEqual({ tp: 4, pp: 1 });
  });
  test('uses TP beyond the domain only when nothing else divides', () => {
    expect(layoutFor(model, findChip('h100-sxm')!, 5120)).toEqual({ tp: 64, pp: 80 });
  });
  test('undefined when no TP·PP split exists', () => {
    expect(layoutFor(model, findChip('h100-sxm')!, 7)).toBeUndefined();
  });
});

describe('compare', () => {
  test('runs every chip on the same workload, fitting the ones that need it', () => {
    const state: AppState = { ...DEFAULT_STATE, batch: 1, compare: ['h100-sxm', 'groq-lpu'] };
    const model = findModel('llama-3.1-70b')!;
    const [h100, groq] = compare(state, model);
    expect(h100?.adjustments).toEqual([]);
    expect(h100?.outcome.kind === 'result' && h100.outcome.result.inputs.chips).toBe(8);
    // The LPU has no bf16 rate and 230 MB of SRAM: fp16, and the smallest layout that holds 70B.
    expect(groq?.adjustments[0]).toBe('fp16 (no bf16 rate)');
    expect(groq?.adjustments[1]).toMatch(/^\d+ chips \(tp \d+ · pp \d+\) to hold the model$/);
    expect(groq?.outcome.kind === 'result' && groq.outcome.result.feasible).toBe(true);
  });

  test('without fitting, each chip runs exactly the main configuration', () => {
    const state: AppState = { ...DEFAULT_STATE, compareFit: false, compare: ['groq-lpu'] };
    const [groq] = compare(state, findModel('llama-3.1-70b')!);
    expect(groq?.adjustments).toEqual([]);
    expect(groq?.outcome.kind === 'result' && groq.outcome.result.reason).toBe('precision_unsupported');
  });

  test('a dense model keeps EP 1 when fitted', () => {
    const state: AppState = { ...DEFAULT_STATE, chips: 1, tp: 1, compare: ['h100-sxm'] };
    const [h100] = compare(state, findModel('llama-3.1-70b')!);
    expect(h100?.outcome.kind === 'result' && h100.outcome.result.feasible).toBe(true);
    expect(h100?.outcome.kind === 'result' && h100.outcome.result.inputs.parallelism.ep).toBe(1);
  });
});

test('sameWidthPrecision', () => {
  expect(sameWidthPrecision(findChip('groq-lpu')!, 'bf16')).toBe('fp16');
  expect(sameWidthPrecision(findChip('groq-lpu')!, 'fp8')).toBe('int8');
  expect(sameWidthPrecision(findChip('h100-sxm')!, 'bf16')).toBe('bf16');
  expect(sameWidthPrecision(findChip('h100-sxm')!, 'fp4')).toBeUndefined();
});
