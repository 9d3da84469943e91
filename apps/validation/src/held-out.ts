import { fileURLToPath } from 'node:url';
import { getModel } from '@ridgeline/catalog';
import { withEfficiencyProfile } from '@ridgeline/hardware';
import { estimateInference, type ModelSpec } from '@ridgeline/model';
import { readCsvRecords } from './csv-rows.ts';
import { inferencexChip } from './inferencex.ts';
import { withMarkedSection } from './report.ts';
import { groupBy, quantile } from './validate.ts';

/**
 * TensorRT-LLM's performance overview (data/trtllm-perf-overview.csv, described in data/README.md):
 * maximum-throughput rows of other models than InferenceX's, which no fit sees. Each is predicted
 * with the chip's TensorRT-LLM profile, so the error says how efficiencies fitted on DeepSeek-R1
 * serving carry over to dense models and to another MoE.
 */

/** apps/validation/data/trtllm-perf-overview.csv. */
export const HELD_OUT_CSV: string = fileURLToPath(new URL('../data/trtllm-perf-overview.csv', import.meta.url));

/**
 * The batch sizes the benchmark's engine captures CUDA graphs for (the overview's `llm_options.yml`,
 * `cuda_graph_config.batch_sizes`): the batches the engine runs at, so the ones predicted.
 */
export const HELD_OUT_BATCHES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 384, 512, 1024, 2048, 4096, 8192];

/**
 * The overview's releases whose tables the file holds (the `release` column): v1.0's (PyTorch
 * backend, CUDA graphs) and v0.17's (TensorRT engines built by `trtllm-bench build`), both predicted
 * with the chip's TensorRT-LLM profile, the current stack's.
 */
export const HELD_OUT_RELEASES = ['v1.0', 'v0.17'] as const;
export type HeldOutRelease = (typeof HELD_OUT_RELEASES)[number];

/** One row of trtllm-perf-overview.csv. */
export interface HeldOutRow {
  /** The row's line in the file (the header is line 1). */
  readonly line: number;
  /** A catalog id. */
  readonly model: string;
  /** An InferenceX hardware name (`h100`, `h200`, `b200`, `gb200`). */
  readonly hardware: string;
  readonly tp: number;
  readonly ep: number;
  readonly precision: 'fp8' | 'fp4';
  readonly isl: number;
  readonly osl: number;
  /** Output tokens/s of the `tp` chips together. */
  readonly outputTokensPerS: number;
  /** The overview release whose table the row is from. */
  readonly release: HeldOutRelease;
}

/** Reads the rows; a malformed row is an error naming its line and column. */
export function readHeldOut(path: string = HELD_OUT_CSV): HeldOutRow[] {
  return readCsvRecords(path).map(({ line, fields: r, positive, fail }) => {
    const precision = r.precision;
    if (precision !== 'fp8' && precision !== 'fp4') throw fail(`precision must be fp8 or fp4, got ${JSON.stringify(precision)}`);
    const release = HELD_OUT_RELEASES.find((name) => name === r.release);
    if (release === undefined) throw fail(`release must be one of ${HELD_OUT_RELEASES.join(', ')}, got ${JSON.stringify(r.release)}`);
    return {
      line,
      model: r.model ?? '',
      hardware: r.hardware ?? '',
      tp: positive('tp'),
      ep: positive('ep'),
      precision,
      isl: positive('isl'),
      osl: positive('osl'),
      outputTokensPerS: positive('output_tokens_per_s'),
      release,
    };
  });
}

/** A row's prediction: the best output tokens/s over the batches that fit, and at which batch. */
export interface HeldOutPrediction {
  readonly row: HeldOutRow;
  readonly predictedTokensPerS: number;
  readonly batch: number;
  /** predicted / measured − 1. */
  readonly error: number;
}

/**
 * Predicts a row under maximum load: continuous batching at each of HELD_OUT_BATCHES until one no
 * longer fits in memory, the most output tokens/s of them. MoE rows run as the overview's MoE
 * options say, experts over EP with data-parallel attention.
 */
export function predictHeldOut(row: HeldOutRow): HeldOutPrediction {
  const model: ModelSpec | undefined = getModel(row.model);
  if (model === undefined) throw new Error(`line ${row.line}: model ${row.model} is not in the catalog`);
  const plugin = inferencexChip(row.hardware);
  if (plugin === undefined) throw new Error(`line ${row.line}: no plugin chip for hardware ${row.hardware}`);
  const chip = withEfficiencyProfile(plugin, 'trtllm').chip;
  let best = 0;
  let bestBatch = 0;
  for (const batch of HELD_OUT_BATCHES) {
    const r = estimateInference({
      model,
      chip,
      chips: row.tp,
      parallelism: { tp: row.tp, pp: 1, ep: row.ep },
      batch,
      inputTokens: row.isl,
      outputTokens: row.osl,
      precision: { weights: row.precision, kvCache: 'fp8', activations: row.precision },
      ...(row.ep > 1 ? { attentionSharding: 'dp' as const } : {}),
    });
    if (!r.feasible) break;
    if (r.tokensPerS > best) {
      best = r.tokensPerS;
      bestBatch = batch;
    }
  }
  if (bestBatch === 0) throw new Error(`line ${row.line}: ${row.model} does not fit on ${row.tp} ${row.hardware} at batch 1`);
  return { row, predictedTokensPerS: best, batch: bestBatch, error: best / row.outputTokensPerS - 1 };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x < 0 ? '−' : '+'}${(Math.abs(x) * 100).toFixed(1)}%`;

/** The predictions as a table per release, model, chip and layout, then pooled per release, dense / MoE, and all. */
export function heldOutLines(predictions: readonly HeldOutPrediction[]): string[] {
  const groups = groupBy(predictions, (p) => `${p.row.release} | ${p.row.model} | ${p.row.hardware} | ${p.row.tp}${p.row.ep > 1 ? ` (ep ${p.row.ep})` : ''} | ${p.row.precision}`);
  const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
  const cells = (ps: readonly HeldOutPrediction[]): string => {
    const errors = sorted(ps.map((p) => p.error));
    const absolute = sorted(errors.map(Math.abs));
    return `${ps.length} | ${percent(quantile(absolute, 0.5))} | ${signed(quantile(errors, 0.5))} | ${percent(quantile(absolute, 0.9))}`;
  };
  const dense = predictions.filter((p) => getModel(p.row.model)?.moe === undefined);
  const moe = predictions.filter((p) => getModel(p.row.model)?.moe !== undefined);
  return [
    '| release | model | chip | chips | precision | rows | median abs | median signed | p90 abs |',
    '|---|---|---|---:|---|---:|---:|---:|---:|',
    ...[...groups].map(([key, ps]) => `| ${key} | ${cells(ps)} |`),
    ...HELD_OUT_RELEASES.flatMap((release) => {
      const of = predictions.filter((p) => p.row.release === release);
      return of.length === 0 ? [] : [`| ${release}, all | | | | | ${cells(of)} |`];
    }),
    `| all dense | | | | | ${cells(dense)} |`,
    `| all MoE | | | | | ${cells(moe)} |`,
    `| all | | | | | ${cells(predictions)} |`,
  ];
}

/** `readme` with the table between its `<!-- held-out:begin -->` and `<!-- held-out:end -->` markers replaced (unchanged without them). */
export function withHeldOutSection(readme: string, lines: readonly string[]): string {
  return withMarkedSection(readme, 'held-out', lines);
}
