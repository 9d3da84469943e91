import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import { withEfficiencyProfile } from '@ridgeline/hardware';
import { mi300x } from '@ridgeline/hardware-amd';
import { b200, h100Sxm, h200 } from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';
import {
  MLPERF_BATCHES,
  MLPERF_BENCHMARKS,
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

describe("MLPerf Inference's Offline results of one node (data/mlperf-offline.csv)", () => {
  const rows = readMlperf();

  test('reads 30 single-node results of four benchmarks and six rounds, each with its source', () => {
    expect(rows).toHaveLength(30);
    const of = (benchmark: string) => rows.filter((r) => r.benchmark === benchmark);
    // Llama 2 70B: 18 (v4.0–v6.1); Mixtral 8x7B: 5 (v5.0 NVIDIA, v5.1 AMD); Llama 3.1 405B: 6 (v5.0, v5.1); DeepSeek-R1: NVIDIA's B200 (v5.1)
    expect([of('llama2-70b').length, of('mixtral-8x7b').length, of('llama3.1-405b').length, of('deepseek-r1').length]).toEqual([18, 5, 6, 1]);
    expect(new Set(rows.map((r) => r.round))).toEqual(new Set(['v4.0', 'v4.1', 'v5.0', 'v5.1', 'v6.0', 'v6.1']));
    expect(new Set(rows.map((r) => r.chip))).toEqual(new Set(['h100-sxm', 'h200', 'b200', 'gb200-nvl72', 'b300', 'mi300x', 'mi325x', 'mi355x']));
    for (const r of rows) expect(r.source, `line ${r.line}`).toMatch(/^[\w.-]+\/[\w.-]+:\S+/);
    // the first row: NVIDIA's v4.0 H200 node, 27,738.3 tokens/s (mlperf_log_summary.txt, "Tokens per second")
    expect(rows[0]).toMatchObject({ line: 2, round: 'v4.0', submitter: 'NVIDIA', benchmark: 'llama2-70b', chip: 'h200', accelerators: 8, precision: 'fp8', tokensPerS: 27738.3 });
    // GB200's rows are a 4-GPU tray
    for (const r of rows.filter((r) => r.chip === 'gb200-nvl72')) expect(r.accelerators).toBe(4);
  });

  test("each benchmark's lengths are its data set's means, rounded, and its model is in the catalog", () => {
    // prompts: 222.33, 427.39 and 9,428.64 tokens; answers (the reference's tokens per sample): 294.45, 144.84, 684.68
    expect(MLPERF_BENCHMARKS['llama2-70b']).toEqual({ model: 'llama-2-70b', inputTokens: Math.round(222.33), outputTokens: Math.round(294.45) });
    expect(MLPERF_BENCHMARKS['mixtral-8x7b']).toEqual({ model: 'mixtral-8x7b', inputTokens: Math.round(427.39), outputTokens: Math.round(144.84) });
    expect(MLPERF_BENCHMARKS['llama3.1-405b']).toEqual({ model: 'llama-3.1-405b', inputTokens: Math.round(9428.64), outputTokens: Math.round(684.68) });
    // DeepSeek-R1: prompts 803.79, answers 3,886.2274 (the reference's, capped at 20,000 tokens); its FP4 checkpoint keeps attention at FP8
    expect(MLPERF_BENCHMARKS['deepseek-r1']).toEqual({ model: 'deepseek-r1', inputTokens: Math.round(803.79), outputTokens: Math.round(3886.2274), fp4AttentionWeights: 'fp8' });
    for (const b of Object.values(MLPERF_BENCHMARKS)) expect(getModel(b.model), b.model).toBeDefined();
  });

  test("NVIDIA's TensorRT-LLM submissions run under the chip's trtllm profile; AMD's, under the chip's default", () => {
    const nvidia = rows.find((r) => r.chip === 'h200')!;
    expect(mlperfChip(nvidia)).toEqual({ chip: withEfficiencyProfile(h200, 'trtllm').chip, profile: 'trtllm' });
    const amd = rows.find((r) => r.chip === 'mi300x')!;
    expect(mlperfChip(amd)).toEqual({ chip: mi300x, profile: 'default' });
  });

  test("a row is the node's most output tokens/s over the engine layouts and batches that fit", () => {
    const row = rows.find((r) => r.chip === 'mi300x' && r.round === 'v5.1' && r.benchmark === 'llama2-70b')!;
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

  test("a MoE model's experts are also tried over EP = TP with data-parallel attention, and the best layout wins", () => {
    const row = rows.find((r) => r.chip === 'h100-sxm' && r.benchmark === 'mixtral-8x7b')!;
    const p = predictMlperf(row);
    const model = getModel('mixtral-8x7b')!;
    const chip = withEfficiencyProfile(h100Sxm, 'trtllm').chip;
    const node = (tp: number, pp: number, ep: number, batch: number): number => {
      const r = estimateInference({
        model,
        chip,
        chips: tp * pp,
        parallelism: { tp, pp, ep },
        batch,
        inputTokens: 427,
        outputTokens: 145,
        precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
        ...(ep > 1 ? { attentionSharding: 'dp' as const } : {}),
      });
      return r.feasible ? (r.tokensPerS / (tp * pp)) * 8 : 0;
    };
    const all = MLPERF_LAYOUTS.flatMap(([tp, pp]) => (tp > 1 ? [1, tp] : [1]).flatMap((ep) => MLPERF_BATCHES.map((batch) => node(tp, pp, ep, batch))));
    expect(p.predictedTokensPerS).toBe(Math.max(...all));
    expect(node(p.tp, p.pp, p.ep, p.batch)).toBe(p.predictedTokensPerS);
  });

  test("a DeepSeek-R1 row at FP4 keeps the attention block's weights at FP8, as the InferenceX FP4 rows are read", () => {
    const row = rows.find((r) => r.benchmark === 'deepseek-r1')!;
    expect(row.precision).toBe('fp4');
    const p = predictMlperf(row);
    const chip = withEfficiencyProfile(b200, 'trtllm').chip;
    const at = (attentionWeights?: 'fp8') =>
      estimateInference({
        model: getModel('deepseek-r1')!,
        chip,
        chips: p.tp * p.pp,
        parallelism: { tp: p.tp, pp: p.pp, ep: p.ep },
        batch: p.batch,
        inputTokens: 804,
        outputTokens: 3886,
        precision: { weights: 'fp4', kvCache: 'fp8', activations: 'fp4', ...(attentionWeights === undefined ? {} : { attentionWeights }) },
        ...(p.ep > 1 ? { attentionSharding: 'dp' as const } : {}),
      });
    const withFp8 = at('fp8');
    const allFp4 = at();
    expect(withFp8.feasible && allFp4.feasible).toBe(true);
    if (withFp8.feasible && allFp4.feasible) {
      expect((withFp8.tokensPerS / (p.tp * p.pp)) * 8).toBe(p.predictedTokensPerS);
      // the FP8 attention block is slower than an all-FP4 one, so the two differ
      expect(withFp8.tokensPerS).toBeLessThan(allFp4.tokensPerS);
    }
  });

  test('the ranking counts pairs of chips within a round, ordered by tokens/s per GPU', () => {
    const row = (round: string, chip: string, accelerators: number, tokensPerS: number): MlperfRow => ({
      line: 0, round, submitter: 'x', system: 'x', benchmark: 'b', chip, accelerators, precision: 'fp8', framework: 'x', tokensPerS, source: 'x',
    });
    const at = (r: MlperfRow, predictedTokensPerS: number): MlperfPrediction => ({ row: r, predictedTokensPerS, profile: 'default', tp: 1, pp: 1, ep: 1, batch: 1, error: predictedTokensPerS / r.tokensPerS - 1 });
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
    expect(mlperfRankingPairs(predictions)).toEqual({ pairs: 3, ordered: 2, misordered: ['A b a fp8 against c fp8'] });
  });

  test('a malformed row names its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlperf-'));
    const path = join(dir, 'rows.csv');
    const header = 'round,submitter,system,benchmark,chip,accelerators,precision,framework,tokens_per_s,source\n';
    writeFileSync(path, `${header}v5.0,NVIDIA,x,llama2-70b,h200,8,fp8,TensorRT-LLM,-5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: tokens_per_s must be a positive number, got "-5"`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,llama2-70b,h200,8,int3,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: precision must be one of fp8, fp4, got "int3"`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,llama2-70b,h300,8,fp8,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: chip must be a plugin chip id`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,llama2-70b,h200,2.5,fp8,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: accelerators must be a whole number, got "2.5"`);
    writeFileSync(path, `${header}v5.0,NVIDIA,x,gpt-j,h200,8,fp8,TensorRT-LLM,5,a/b:c\n`);
    expect(() => readMlperf(path)).toThrow(`${path}:2: benchmark must be one of llama2-70b, mixtral-8x7b, llama3.1-405b, deepseek-r1, got "gpt-j"`);
  });

  test("this app's README shows the table pnpm validate prints (pnpm validate --readme regenerates it)", () => {
    const lines = mlperfLines(rows.map((r) => predictMlperf(r)));
    // header 2 + 30 rows + four benchmarks, two vendors and all + blank + ranking
    expect(lines).toHaveLength(2 + 30 + 7 + 2);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('<!-- mlperf:begin -->');
    expect(withMlperfSection(readme, lines)).toBe(readme);
  });
});
