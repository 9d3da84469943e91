// The details command a sweep prints for its best row must reproduce that row exactly: run it through
// `estimate`/`train --json` and compare with the sweep's own figures (the WASM kernel is bit-exact
// with the model, so equality is exact).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTrainingRow, type AnySweepRow, type SweepResult } from '@ridgeline/engine';
import { detailsCommand } from './details.ts';
import { cli } from './test-cli.ts';

// The optional settings come first in their axes: where they change nothing (MoE imbalance on the
// dense model, overlap without communication), the top-k keeps the lowest index of configurations
// with equal outputs, so the rows it shows carry the flags under test.
const INFERENCE = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
dp: [1, 2]
tp: [1, 2, 8]
ep: [1, 8]
batch: [1, 16, 128]
inputTokens: [1024]
outputTokens: [256, 512]
precisions: { weights: [bf16, fp8], kvCache: [bf16, fp8] }
attentionSharding: [heads, batch]
commOverlap: [0.5, auto]
moeImbalance: [1.25, 1]
reducers: { pareto: [costPerMillionTokensUsd, tpotS], top: { k: 6, by: tokensPerSPerChip:max } }
`;

// Every row uses the optional flags: batch-sharded attention, EP with redundant experts and MoE imbalance.
const INFERENCE_FLAGS = `
models: [mixtral-8x7b]
hardware: [h100]
chips: [8, 16]
tp: [8]
ep: [8]
redundantExperts: [auto, 8]
batch: [32, 64]
attentionSharding: batch
moeImbalance: 1.25
schedule: [static]
chunkTokens: [4096]
pue: 1.45
`;

// Speculative decoding: MTP on DeepSeek-V3, a draft model on both, γ and acceptance on and off their
// defaults (a draft model has no default acceptance: its rows always name it); the top k per model
// shows both drafters.
const INFERENCE_SPECULATIVE = `
models: [deepseek-v3, llama-3.1-70b]
hardware: [h200]
chips: [8]
tp: [8]
ep: [1, 8]
batch: [16, 64]
inputTokens: [1024]
outputTokens: [256]
precisions: { weights: fp8, kvCache: fp8 }
schedule: [continuous, static]
speculative: [mtp, draft]
draftModels: [llama-3.1-8b]
draftTokens: [3, 1]
acceptance: [0.9, 0.85]
reducers: { pareto: [costPerMillionTokensUsd, tokensPerSPerUser], top: { k: 6, by: tokensPerSPerUser:max }, groupBy: [model] }
`;

// Data-parallel attention: TP 6 does not divide Mixtral's 32 heads, nor B = 20 by 6; experts over EP 6.
const INFERENCE_DP = `
models: [mixtral-8x7b]
hardware: [h100]
chips: [6, 12]
tp: [6]
ep: [6]
batch: [20, 64]
precisions: { weights: [bf16, fp8] }
attentionSharding: dp
`;

// An FP4 checkpoint's attention held wider (docs/MODEL.md §1.2): every row names its attention weights.
const INFERENCE_ATTENTION = `
models: [deepseek-v3]
hardware: [b200]
chips: [8]
tp: [8]
ep: [8]
attentionSharding: dp
batch: [16, 64, 256]
precisions: { weights: fp4, kvCache: fp8, activations: fp4, attentionWeights: [fp8, bf16] }
reducers: { pareto: [costPerMillionTokensUsd, tpotS], top: { k: 6, by: tokensPerSPerChip:max } }
`;

const TRAINING = `
mode: training
models: [llama-3.1-8b]
hardware: [h200, { chip: mi300x, usdPerChipHour: 2.5 }]
chips: [64, 128]
tp: [1, 2, 4]
pp: [1, 2]
globalBatch: [256]
microBatch: [1, 2]
virtualStages: [1, 2]
sequenceLength: 8192
totalTokens: 1.5e12
zeroStage: [1, 3]
recompute: [selective, full]
sequenceParallel: [false, auto]
commOverlap: [0.3, auto]
optimizerBytesPerParam: 16
reducers: { pareto: [costUsd, totalTimeS], top: { k: 6, by: mfu:max } }
`;

const INLINE = `
models: [{ id: tiny, name: Tiny, layers: 2, hiddenSize: 256, heads: 4, kvHeads: 4, headDim: 64, ffnHiddenSize: 1024, vocabSize: 1000, gatedFfn: true, tiedEmbeddings: false }]
hardware: [h100-sxm]
`;

const INLINE_DRAFT = `
models: [llama-3.1-8b]
hardware: [h100-sxm]
speculative: draft
acceptance: 0.8
draftModels: [{ id: tiny, name: Tiny, layers: 2, hiddenSize: 256, heads: 4, kvHeads: 4, headDim: 64, ffnHiddenSize: 1024, vocabSize: 1000, gatedFfn: true, tiedEmbeddings: false }]
`;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-details-'));
  await writeFile(join(dir, 'inference.yaml'), INFERENCE);
  await writeFile(join(dir, 'inference-flags.yaml'), INFERENCE_FLAGS);
  await writeFile(join(dir, 'inference-speculative.yaml'), INFERENCE_SPECULATIVE);
  await writeFile(join(dir, 'inference-dp.yaml'), INFERENCE_DP);
  await writeFile(join(dir, 'inference-attention.yaml'), INFERENCE_ATTENTION);
  await writeFile(join(dir, 'training.yaml'), TRAINING);
  await writeFile(join(dir, 'inline.yaml'), INLINE);
  await writeFile(join(dir, 'inline-draft.yaml'), INLINE_DRAFT);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sweep(file: string): Promise<SweepResult> {
  const r = await cli(['sweep', file, '--json', '--threads', '1'], dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SweepResult;
}

/** The figures a row and the command's --json must agree on. */
function figures(row: AnySweepRow): Record<string, number | null> {
  return isTrainingRow(row)
    ? { stepTimeS: row.stepTimeS, mfu: row.mfu, totalTimeS: row.totalTimeS, costUsd: row.costUsd, memory: row.memoryTotalBytes }
    : { ttftS: row.ttftS, tpotS: row.tpotS, cost: row.costPerMillionTokensUsd, perChip: row.tokensPerSPerChip, memory: row.memoryTotalBytes, provisionedW: row.provisionedFacilityW, perMw: row.tokensPerSPerProvisionedMW };
}

function figuresOfJson(json: Record<string, unknown>, training: boolean): Record<string, number | null> {
  const memory = (json['memoryPerChipBytes'] as { total: number }).total;
  return training
    ? { stepTimeS: json['stepTimeS'] as number, mfu: json['mfu'] as number, totalTimeS: json['totalTimeS'] as number, costUsd: json['costUsd'] as number, memory }
    : (() => {
        const energy = json['energy'] as { provisionedFacilityW: number; tokensPerSPerProvisionedMW: number };
        return { ttftS: json['ttftS'] as number, tpotS: json['tpotS'] as number, cost: json['costPerMillionTokensUsd'] as number, perChip: json['tokensPerSPerChip'] as number, memory, provisionedW: energy.provisionedFacilityW, perMw: energy.tokensPerSPerProvisionedMW };
      })();
}

describe('the details command of a sweep row', () => {
  it.each(['inference.yaml', 'inference-flags.yaml', 'inference-speculative.yaml', 'inference-dp.yaml', 'inference-attention.yaml', 'training.yaml'])('reproduces every frontier and top-k row of %s exactly', async (file) => {
    const result = await sweep(file);
    const chipIds = result.spec.hardware.map((h) => ({ h100: 'h100-sxm', 'tpu-v5p': 'tpu-v5p', h200: 'h200', mi300x: 'mi300x' })[h.chip] ?? h.chip);
    const rows = [...result.pareto.rows, ...(result.top?.rows ?? [])];
    expect(rows.length).toBeGreaterThan(5);
    // the sample reaches the optional flags, so each of them is checked
    const commands = rows.map((row) => detailsCommand(row, { spec: result.spec, chipIds, plugins: [] }) ?? '');
    const text = commands.join('\n');
    const flags: Record<string, string[]> = {
      'inference.yaml': ['--price 3.1', '--overlap 0.5', '--moe-imbalance 1.25'],
      'inference-flags.yaml': ['--hardware h100 ', '--attention batch', '--ep 8', '--redundant-experts 8', '--moe-imbalance 1.25', '--schedule static', '--chunk-tokens 4096', '--pue 1.45'],
      'inference-speculative.yaml': [
        '--speculative mtp --draft-tokens 3 --acceptance 0.9',
        '--speculative draft --draft-model llama-3.1-8b --draft-tokens 3 --acceptance 0.85',
        '--speculative draft --draft-model llama-3.1-8b --acceptance 0.9',
      ],
      'inference-dp.yaml': ['--attention dp', '--tp 6', '--ep 6'],
      'inference-attention.yaml': ['--activations fp4 --attention-weights fp8', '--activations fp4 --attention-weights bf16'],
      'training.yaml': ['--price 2.5', '--overlap 0.3', '--optimizer-bytes 16', '--sequence-parallel off', '--tokens 1.5e12'],
    };
    for (const needed of flags[file] ?? []) {
      expect(text).toContain(needed);
    }
    // MTP's acceptance is always stated: its default is the chip's stack's, which --stack may change
    if (file === 'inference-speculative.yaml') expect(commands.some((c) => /--speculative mtp --draft-tokens 3 --acceptance [\d.]+$/.test(c))).toBe(true);
    for (const [i, row] of rows.entries()) {
      const words = commands[i]!.split(' ');
      expect(words[0]).toBe('ridgeline');
      const r = await cli([...words.slice(1), '--json'], dir);
      expect(r.code, `${commands[i]}\n${r.stderr}`).toBe(0);
      expect(figuresOfJson(JSON.parse(r.stdout) as Record<string, unknown>, isTrainingRow(row)), commands[i]).toEqual(figures(row));
    }
  });

  it('is printed under the tables, for the first row of the top k', async () => {
    const r = await cli(['sweep', 'training.yaml', '--threads', '1'], dir);
    const result = await sweep('training.yaml');
    const best = result.top!.rows[0]!;
    expect(r.stdout).toMatch(new RegExp(`\\nDetails of #${best.index}: ridgeline train --model llama-3\\.1-8b --hardware `));
  });

  it.each(['inline.yaml', 'inline-draft.yaml'])('is left out for a model or draft model given inline in the spec, which no flag can name (%s)', async (file) => {
    const r = await cli(['sweep', file, '--threads', '1'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Top 1');
    expect(r.stdout).not.toContain('Details of');
  });
});
