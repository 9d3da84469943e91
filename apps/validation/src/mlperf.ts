import { fileURLToPath } from 'node:url';
import { getModel } from '@ridgeline/catalog';
import { withEfficiencyProfile, type ChipSpec } from '@ridgeline/hardware';
import { estimateInference, type ModelSpec } from '@ridgeline/model';
import { readCsvRecords } from './csv-rows.ts';
import { PLUGIN_CHIPS } from './plugin-chips.ts';
import { withMarkedSection } from './report.ts';
import { groupBy, quantile } from './validate.ts';

/**
 * MLPerf Inference's Offline results of one node (data/mlperf-offline.csv, described in
 * data/README.md): the closed division's throughput of NVIDIA and AMD GPUs on the same benchmarks,
 * each vendor's own submission where it made one, across rounds. No fit sees them: each row is
 * predicted with the efficiencies the plugins commit, so the error and the order of the chips say
 * how the InferenceX calibration carries to other models, another benchmark and, for AMD, another
 * serving stack.
 */

/** apps/validation/data/mlperf-offline.csv. */
export const MLPERF_CSV: string = fileURLToPath(new URL('../data/mlperf-offline.csv', import.meta.url));

/** What a benchmark runs: its catalog model and the mean prompt and answer lengths of its data set, in the model's tokens, rounded. */
export interface MlperfBenchmark {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /**
   * Where the checkpoint at FP4 keeps the attention block at FP8 (DeepSeek-R1's FP4 checkpoints, as
   * the InferenceX FP4 rows are read, inferencex.ts `inferencexPrecision`); absent: the weights' precision.
   */
  readonly fp4AttentionWeights?: 'fp8';
}

/**
 * The benchmarks the file holds (data/README.md gives every length's source). The Offline scenario
 * sends every sample at once, so its throughput is the engine's at its largest batch over requests
 * of these lengths on average. The answer length is the reference implementation's tokens per
 * sample, which a closed result must reach within ±10% (the accuracy target `TOKENS_PER_SAMPLE`).
 */
export const MLPERF_BENCHMARKS: Readonly<Record<string, MlperfBenchmark>> = {
  // OpenOrca, 24,576 samples: prompts 222.33 tokens on average, answers 294.45
  'llama2-70b': { model: 'llama-2-70b', inputTokens: 222, outputTokens: 294 },
  // OpenOrca, GSM8K and MBXP, 15,000 samples: prompts 427.39, answers 144.84
  'mixtral-8x7b': { model: 'mixtral-8x7b', inputTokens: 427, outputTokens: 145 },
  // long-context summarisation and QA, 8,313 samples: prompts 9,428.64, answers 684.68
  'llama3.1-405b': { model: 'llama-3.1-405b', inputTokens: 9429, outputTokens: 685 },
  // AIME, MATH-500, GPQA, MMLU-Pro and LiveCodeBench, 4,388 samples: prompts 803.79, answers 3,886.23
  // (the reference's outputs capped at 20,000 tokens)
  'deepseek-r1': { model: 'deepseek-r1', inputTokens: 804, outputTokens: 3886, fp4AttentionWeights: 'fp8' },
};

/**
 * The requests in flight per engine tried (the most output tokens/s of those that fit is the
 * prediction): Offline leaves the batch to the submitter, who tunes it for throughput.
 */
export const MLPERF_BATCHES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

/**
 * The engine layouts tried, `[tp, pp]` (the node's GPUs split into engines of tp·pp GPUs each):
 * the submitters tune them (NVIDIA's v5.0 H100 Llama 2 engines are pipeline-parallel over two GPUs,
 * its H200 Llama 3.1 405B engine TP 4 × PP 2). A MoE model's experts are also tried over EP = TP
 * with data-parallel attention.
 */
export const MLPERF_LAYOUTS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [2, 1],
  [1, 2],
  [4, 1],
  [2, 2],
  [8, 1],
  [4, 2],
];

/** The compute precisions the submissions state (weights and activations). */
export const MLPERF_PRECISIONS = ['fp8', 'fp4'] as const;
export type MlperfPrecision = (typeof MLPERF_PRECISIONS)[number];

/** One row of mlperf-offline.csv. */
export interface MlperfRow {
  /** The row's line in the file (the header is line 1). */
  readonly line: number;
  /** The MLPerf Inference round, e.g. `v5.0`. */
  readonly round: string;
  readonly submitter: string;
  /** The submission's system name. */
  readonly system: string;
  /** The MLPerf benchmark, a key of MLPERF_BENCHMARKS. */
  readonly benchmark: string;
  /** The Ridgeline plugin chip id. */
  readonly chip: string;
  /** GPUs in the node. */
  readonly accelerators: number;
  /** Weights and activations, as the submission states them; the KV cache is FP8 in every row. */
  readonly precision: MlperfPrecision;
  /** The serving stack the submission names. */
  readonly framework: string;
  /** Output tokens/s of the node: the run's mlperf_log_summary.txt ("Tokens per second"), or the round's results table. */
  readonly tokensPerS: number;
  /** Where the figure is: repository:path@commit. */
  readonly source: string;
}

/** Reads the rows; a malformed row is an error naming its line and column. */
export function readMlperf(path: string = MLPERF_CSV): MlperfRow[] {
  return readCsvRecords(path).map(({ line, fields: r, positive, fail }) => {
    const benchmark = r.benchmark ?? '';
    if (MLPERF_BENCHMARKS[benchmark] === undefined) throw fail(`benchmark must be one of ${Object.keys(MLPERF_BENCHMARKS).join(', ')}, got ${JSON.stringify(r.benchmark)}`);
    const chip = r.chip ?? '';
    if (!PLUGIN_CHIPS.has(chip)) throw fail(`chip must be a plugin chip id (${[...PLUGIN_CHIPS.keys()].join(', ')}), got ${JSON.stringify(r.chip)}`);
    const precision = MLPERF_PRECISIONS.find((p) => p === r.precision);
    if (precision === undefined) throw fail(`precision must be one of ${MLPERF_PRECISIONS.join(', ')}, got ${JSON.stringify(r.precision)}`);
    const accelerators = positive('accelerators');
    if (!Number.isInteger(accelerators)) throw fail(`accelerators must be a whole number, got ${JSON.stringify(r.accelerators)}`);
    return {
      line,
      round: r.round ?? '',
      submitter: r.submitter ?? '',
      system: r.system ?? '',
      benchmark,
      chip,
      accelerators,
      precision,
      framework: r.framework ?? '',
      tokensPerS: positive('tokens_per_s'),
      source: r.source ?? '',
    };
  });
}

/** A row's prediction: the node's most output tokens/s over the engine layouts and batches that fit. */
export interface MlperfPrediction {
  readonly row: MlperfRow;
  readonly predictedTokensPerS: number;
  /** The efficiency profile the chip ran under: NVIDIA's submissions run TensorRT-LLM; the others, the chip's default. */
  readonly profile: string;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly batch: number;
  /** predicted / measured − 1. */
  readonly error: number;
}

/**
 * The chip's efficiencies for a submission: a TensorRT-LLM submission (NVIDIA's and the OEMs' that
 * reuse its code) runs under the chip's `trtllm` profile; AMD's vLLM and PyTorch harnesses, stacks
 * no InferenceX row measures, under the chip's default (its best-fitted stack).
 */
export function mlperfChip(row: MlperfRow): { readonly chip: ChipSpec; readonly profile: string } {
  const plugin = PLUGIN_CHIPS.get(row.chip);
  if (plugin === undefined) throw new Error(`line ${row.line}: no plugin chip ${row.chip}`);
  if (/tensorrt/i.test(row.framework) && plugin.efficiencyProfiles?.trtllm !== undefined) return { chip: withEfficiencyProfile(plugin, 'trtllm').chip, profile: 'trtllm' };
  return { chip: plugin, profile: 'default' };
}

/**
 * Predicts a row at maximum throughput: the node's GPUs as engines of each layout in MLPERF_LAYOUTS
 * that divides them (a MoE model's experts over EP 1, and over EP = TP with data-parallel attention),
 * each engine at each of MLPERF_BATCHES until one no longer fits, the most output tokens/s of the
 * node; requests of the benchmark's mean lengths, the KV cache in FP8.
 */
export function predictMlperf(row: MlperfRow): MlperfPrediction {
  const benchmark = MLPERF_BENCHMARKS[row.benchmark];
  if (benchmark === undefined) throw new Error(`line ${row.line}: no benchmark ${row.benchmark}`);
  const model: ModelSpec | undefined = getModel(benchmark.model);
  if (model === undefined) throw new Error(`${benchmark.model} is not in the catalog`);
  const { chip, profile } = mlperfChip(row);
  let best = { tokensPerS: 0, tp: 0, pp: 0, ep: 0, batch: 0 };
  for (const [tp, pp] of MLPERF_LAYOUTS) {
    const engineGpus = tp * pp;
    if (engineGpus > row.accelerators || row.accelerators % engineGpus !== 0) continue;
    for (const ep of model.moe !== undefined && tp > 1 ? [1, tp] : [1]) {
      for (const batch of MLPERF_BATCHES) {
        const r = estimateInference({
          model,
          chip,
          chips: engineGpus,
          parallelism: { tp, pp, ep },
          batch,
          inputTokens: benchmark.inputTokens,
          outputTokens: benchmark.outputTokens,
          precision: {
            weights: row.precision,
            kvCache: 'fp8',
            activations: row.precision,
            ...(row.precision === 'fp4' && benchmark.fp4AttentionWeights !== undefined ? { attentionWeights: benchmark.fp4AttentionWeights } : {}),
          },
          ...(ep > 1 ? { attentionSharding: 'dp' as const } : {}),
        });
        if (!r.feasible) break;
        const node = (r.tokensPerS / engineGpus) * row.accelerators;
        if (node > best.tokensPerS) best = { tokensPerS: node, tp, pp, ep, batch };
      }
    }
  }
  if (best.batch === 0) throw new Error(`line ${row.line}: ${benchmark.model} does not fit on ${row.accelerators} ${row.chip} at batch 1`);
  return { row, predictedTokensPerS: best.tokensPerS, profile, tp: best.tp, pp: best.pp, ep: best.ep, batch: best.batch, error: best.tokensPerS / row.tokensPerS - 1 };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x < 0 ? '−' : '+'}${(Math.abs(x) * 100).toFixed(1)}%`;
const thousands = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * Pairs of rows of one round and benchmark on different chips, and how many of them the model
 * orders as measured by output tokens/s per GPU (the ranking the InferenceX check asks for, on rows
 * no fit saw).
 */
export function mlperfRankingPairs(predictions: readonly MlperfPrediction[]): { readonly pairs: number; readonly ordered: number; readonly misordered: readonly string[] } {
  let pairs = 0;
  let ordered = 0;
  const misordered: string[] = [];
  const perGpu = (x: number, p: MlperfPrediction): number => x / p.row.accelerators;
  for (const [, ps] of groupBy(predictions, (p) => `${p.row.round} ${p.row.benchmark}`)) {
    for (let i = 0; i < ps.length; i++) {
      for (let j = i + 1; j < ps.length; j++) {
        const a = ps[i]!;
        const b = ps[j]!;
        if (a.row.chip === b.row.chip) continue;
        pairs++;
        const measured = perGpu(a.row.tokensPerS, a) - perGpu(b.row.tokensPerS, b);
        const predicted = perGpu(a.predictedTokensPerS, a) - perGpu(b.predictedTokensPerS, b);
        if (Math.sign(measured) === Math.sign(predicted)) ordered++;
        else misordered.push(`${a.row.round} ${a.row.benchmark} ${a.row.chip} ${a.row.precision} against ${b.row.chip} ${b.row.precision}`);
      }
    }
  }
  return { pairs, ordered, misordered };
}

/** The predictions as a table per row, then pooled per benchmark, per vendor and all, and the ranking line. */
export function mlperfLines(predictions: readonly MlperfPrediction[]): string[] {
  const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
  const pooled = (label: string, ps: readonly MlperfPrediction[]): string => {
    const errors = sorted(ps.map((p) => p.error));
    return `| ${label} | | | | | | | ${ps.length} row${ps.length === 1 ? '' : 's'} | ${percent(quantile(sorted(errors.map(Math.abs)), 0.5))} | ${signed(quantile(errors, 0.5))} |`;
  };
  const vendors = groupBy(predictions, (p) => PLUGIN_CHIPS.get(p.row.chip)?.vendor ?? '?');
  const ranking = mlperfRankingPairs(predictions);
  return [
    '| round | benchmark | submitter | chip × GPUs | precision | stack (profile) | measured tokens/s | predicted (engine, batch) | \\|error\\| | signed |',
    '|---|---|---|---|---|---|---:|---:|---:|---:|',
    ...predictions.map(
      (p) =>
        `| ${p.row.round} | ${p.row.benchmark} | ${p.row.submitter} | ${p.row.chip} × ${p.row.accelerators} | ${p.row.precision} | ${p.row.framework} (${p.profile}) | ${thousands(p.row.tokensPerS)} | ${thousands(p.predictedTokensPerS)} (TP ${p.tp}${p.pp > 1 ? ` PP ${p.pp}` : ''}${p.ep > 1 ? ` EP ${p.ep}` : ''}, ${p.batch}) | ${percent(Math.abs(p.error))} | ${signed(p.error)} |`,
    ),
    ...[...groupBy(predictions, (p) => p.row.benchmark)].map(([benchmark, ps]) => pooled(`${benchmark}, all`, ps)),
    ...[...vendors].map(([vendor, ps]) => pooled(`${vendor}, all`, ps)),
    pooled('all', predictions),
    '',
    `Ranking: ${ranking.ordered} of ${ranking.pairs} pairs of chips in one round and benchmark ordered as measured by tokens/s per GPU${ranking.misordered.length === 0 ? '' : `; not: ${ranking.misordered.join('; ')}`}.`,
  ];
}

/** `readme` with the table between its `<!-- mlperf:begin -->` and `<!-- mlperf:end -->` markers replaced (unchanged without them). */
export function withMlperfSection(readme: string, lines: readonly string[]): string {
  return withMarkedSection(readme, 'mlperf', lines);
}
