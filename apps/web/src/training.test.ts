import { estimateTraining } from '@ridgeline/model';
import { runCli } from 'ridgeline';
import { describe, expect, test } from 'vitest';
import { trainArgs } from './cli-command.ts';
import { resolveChip, resolveModel } from './estimate.ts';
import { findChip, findModel } from './registry.ts';
import { DEFAULT_STATE, DEFAULT_TRAINING, type AppState, type TrainingSettings } from './state.ts';
import { dataParallel, train, trainingConfigFor, trainingField } from './training.ts';

async function cliJson(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  let out = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: () => {} });
  return { code, json: JSON.parse(out) as Record<string, unknown> };
}

function withTraining(patch: Partial<TrainingSettings>, rest: Partial<AppState> = {}): AppState {
  return { ...DEFAULT_STATE, ...rest, view: 'training', training: { ...DEFAULT_TRAINING, ...patch } };
}

describe('trainingConfigFor builds what `ridgeline train` builds from the same flags', () => {
  test.each([
    ['the defaults (Llama 3.1 70B on 1024 H100s)', withTraining({})],
    ['an overlap and a price', withTraining({}, { overlap: 0.5, price: 1.75 })],
    ['ZeRO 3, full recomputation, interleaving and fp8 on MI300X', withTraining({ zeroStage: 3, recompute: 'full', virtualStages: 2, precision: 'fp8', microBatch: 2 }, { hardware: 'mi300x' })],
    ['an MoE model with EP and CP', withTraining({ chips: 512, tp: 4, pp: 4, cp: 2, ep: 8, sequenceLength: 16384, globalBatch: 256, totalTokens: 2e12 }, { model: { kind: 'catalog', id: 'mixtral-8x7b' } })],
    ['an infeasible interleave without a pipeline', withTraining({ pp: 1, chips: 256, virtualStages: 2 })],
    ['a capacity problem', withTraining({ chips: 8, tp: 8, pp: 1, globalBatch: 8, zeroStage: 0 })],
  ] as [string, AppState][])('%s', async (_, state) => {
    const model = resolveModel(state);
    const chip = resolveChip(state.hardware, null);
    if (!model.ok || !chip.ok) throw new Error('unresolved');
    const config = trainingConfigFor(state, model.model, chip.chip);
    const cli = await cliJson([...trainArgs(state)!, '--json']);
    const result = estimateTraining(config);
    expect(cli.code).toBe(0);
    expect(JSON.parse(JSON.stringify(result))).toEqual(cli.json);
  });
});

test('DP is chips ÷ (TP·PP·CP), and chips it does not divide are infeasible with the model’s reason', () => {
  expect(dataParallel(DEFAULT_TRAINING)).toBe(32);
  const state = withTraining({ chips: 1000 });
  const model = findModel('llama-3.1-70b')!;
  const out = train(trainingConfigFor(state, model, findChip('h100-sxm')!));
  expect(out.kind === 'result' && out.result.reason).toBe('chips_divide_parallelism');
  expect(out.kind === 'result' && out.result.explanation).toBe('1000 chips ≠ DP·TP·PP·CP = 31·8·4·1 = 992.');
  // Fewer chips than one replica needs: DP 1, still a rule break, not an input error.
  const few = train(trainingConfigFor(withTraining({ chips: 16 }), model, findChip('h100-sxm')!));
  expect(few.kind === 'result' && few.result.reason).toBe('chips_divide_parallelism');
});

describe('input mistakes become a message on the field at fault', () => {
  const model = findModel('llama-3.1-70b')!;
  const chip = findChip('h100-sxm')!;
  test.each([
    [{ chips: Number.NaN }, 'chips', 'chips must be a positive integer, got NaN'],
    [{ tp: 0 }, 'tp', 'parallelism.tp must be a positive integer, got 0'],
    [{ pp: Number.NaN }, 'pp', 'parallelism.pp must be a positive integer, got NaN'],
    [{ microBatch: 0 }, 'microBatch', 'microBatch must be a positive integer, got 0'],
    [{ sequenceLength: 1.5 }, 'sequenceLength', 'sequenceLength must be a positive integer, got 1.5'],
    [{ totalTokens: Number.NaN }, 'totalTokens', 'totalTokens must be a positive number of tokens, got NaN'],
    [{ virtualStages: -1 }, 'virtualStages', 'virtualStages must be a positive integer, got -1'],
  ] as [Partial<TrainingSettings>, string, string][])('%o', (patch, field, message) => {
    const out = train(trainingConfigFor(withTraining(patch), model, chip));
    expect(out).toMatchObject({ kind: 'error', field, message });
  });

  test('the shared overlap and price too', () => {
    expect(train(trainingConfigFor(withTraining({}, { overlap: 2 }), model, chip))).toMatchObject({ kind: 'error', field: 'overlap', modelField: 'commOverlap' });
    expect(train(trainingConfigFor(withTraining({}, { price: -1 }), model, chip))).toMatchObject({ kind: 'error', field: 'price', modelField: 'usdPerChipHour' });
  });

  test('fields the form does not have map to none', () => {
    expect(trainingField('parallelism.tp')).toBe('tp');
    expect(trainingField('optimizerBytesPerParam')).toBeNull();
  });
});
