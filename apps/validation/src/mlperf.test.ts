import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import { withEfficiencyProfile } from '@ridgeline/hardware';
import { mi300x } from '@ridgeline/hardware-amd';
import { h200 } from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';
import {
  MLPERF_BATCHES,
  MLPERF_LLAMA2_INPUT_TOKENS,
  MLPERF_LLAMA2_OUTPUT_TOKENS,
  MLPERF_LAYOUTS,
  mlperfChip,
  mlperfLines,
  mlperfRankingPairs,
  predictMlperf,
  readMlperf,
  withMlperfSection,
  type MlperfPrediction,
  type MlperfRow,
} from './mlperf.ts';

describe("MLPerf Inference's Llama 2 70B Offline results (data/mlperf-llama2-70b.csv)", () => {
  const rows = readMlperf();

  test('reads 18 single-node results of six rounds, each with its source', () => {
    expect(rows).toHaveLength(18);
    expect(new Set(rows.map((r) => r.round))).toEqual(new Set(['v4.0', 'v4.1', 'v5.0', 'v5.1', 'v6.0', 'v6.1']));
    expect(new Set(rows.map((r) => r.chip))).toEqual(new Set(['h100-sxm', 'h200', 'b200', 'gb200-nvl72', 'b300', 'mi300x', 'mi325x', 'mi355x']));
    for (const r of rows) expect(r.source, `line ${r.line}`).toMatch(/^[\w.-]+\/[\w.-]+:\S+/);
    // the first row: NVIDIA's v4.0 H200 node, 27,738.3 tokens/s (mlperf_log_summary.txt, "Tokens per second")
    expect(rows[0]).toMatchObject({ line: 2, round: 'v4.0', submitter: 'NVIDIA', chip: 'h200', accelerators: 8, precision: 'fp8', tokensPerS: 27738.3 });
    // GB200's row is a 4-GPU tray
    expect(rows.find((r) => r.chip === 'gb200-nvl72')?.accelerators).toBe(4);
  });

  test('the benchmark lengths are the data set\'s means, rounded: 222.33 prompt and 294.45 answer tokens', () => {
    expect(MLPERF_LLAMA2_INPUT_TOKENS).toBe(Math.round(222.33));
    expect(MLPERF_LLAMA2_OUTPUT_TOKENS).toBe(Math.round(294.45));
  });

  test("NVIDIA's TensorRT-LLM submissions run under the chip's trtllm profile; AMD's, under the chip's default", () => {
    const nvidia = rows.find((r) => r.chip === 'h200')!;
    expect(mlperfChip(nvidia)).toEqual({ chip: withEfficiencyProfile(h200, 'trtllm').chip, profile: 'trtllm' });
    const amd = rows.find((r) => r.chip === 'mi300x')!;
    expect(mlperfChip(amd)).toEqual({ chip: mi300x, profile: 'default' });
  });

  test("a row is the node's most output tokens/s over the engine layouts and batches that fit", () => {
    const row = rows.find((r) => r.chip === 'mi300x' && r.round === 'v5.1')!;
    const p = predictMlperf(row);
    const model = getModel('llama-2-70b')!;
    // every engine of tp·pp GPUs on the node's 8: (tokens/s of one engine ÷ its GPUs) × 8
    const node = (tp: number, pp: number, batch: number): number => {
      const r = estimateInference({
        model,
        chip: mi300x,
        chips: tp * pp,
        parallelism: { tp, pp, ep: 1 },
        batch,
        inputTokens: 222,
        outputTokens: 294,
        precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
      });
      return r.feasible ? (r.tokensPerS / (tp * pp)) * 8 : 0;
    };
    const all = MLPERF_LAYOUTS.flatMap(([tp, pp]) => MLPERF_BATCHES.map((batch) => node(tp, pp, batch)));
    expect(p.predictedTokensPerS).toBe(Math.max(...all));
    expect(node(p.tp, p.pp, p.batch)).toBe(p.predictedTokensPerS);
    expect(p.error).toBe(p.predictedTokensPerS / 27803.9 - 1);
  });

  test('the ranking counts pairs of chips within a round, ordered by tokens/s per GPU', () => {
    const row = (round: string, chip: string, accelerators: number, tokensPerS: number): MlperfRow => ({
      line: 0, round, submitter: 'x', system: 'x', chip, accelerators, precision: 'fp8', framework: 'x', tokensPerS, source: 'x',
    });
    const at = (r: MlperfRow, predictedTokensPerS: number): MlperfPrediction => ({ row: r, predictedTokensPerS, profile: 'default', tp: 1, pp: 1, batch: 1, error: predictedTokensPerS / r.tokensPerS - 1 });
    const predictions = [
      // round A: a measured 100/GPU against b's 50/GPU (b is a 4-GPU node); predicted 90 against 60: ordered
      at(row('A', 'a', 8, 800), 720),
      at(row('A', 'b', 4, 200), 240),
      // round A, c measured 70/GPU, predicted 120/GPU: above a (misordered) and above b (ordered)
      at(row('A', 'c', 8, 560), 960),
      // round B: one chip alone makes no pair; the same chip twice in a round is no pair either
      at(row('B', 'a', 8, 100), 100),
      at(row('B', 'a', 8, 200), 100),
    ];
    // A: (a, b) ordered, (a, c) not, (b, c) ordered → 2 of 3
    expect(mlperfRankingPairs(predictions)).toEqual({ pairs: 3, ordered: 2, misordered: ['A a fp8 against c fp8'] });
  });

  test('a malformed row names its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlperf-'));
    const path = join(dir, 'rows.csv');
    const header = 'round,submitter,system,chip,accelerators,precision,framework,tokens_per_s,source\n';
    writeFileSync(path, `${header}v5.0,NVIDIA,x,h200,8,fp8,TensorRT-LLM,-5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: tokens_per_s must be a positive number, got "-5"`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,h200,8,int3,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: precision must be one of fp8, fp4, got "int3"`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,h300,8,fp8,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: chip must be a plugin chip id`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,h200,2.5,fp8,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: accelerators must be a whole number, got "2.5"`);
  });

  test("this app's README shows the table pnpm validate prints (pnpm validate --readme regenerates it)", () => {
    const lines = mlperfLines(rows.map((r) => predictMlperf(r)));
    // header 2 + 18 rows + NVIDIA, AMD, all + blank + ranking
    expect(lines).toHaveLength(2 + 18 + 3 + 2);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('<!-- mlperf:begin -->');
    expect(withMlperfSection(readme, lines)).toBe(readme);
  });
});
