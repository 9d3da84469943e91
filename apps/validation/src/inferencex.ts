import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { getModel } from '@ridgeline/catalog';
import { datasheetDominates, withEfficiencyProfile, type ChipSpec } from '@ridgeline/hardware';
import {
  estimateInference,
  finiteRunShare,
  uniformLengthsSd,
  type ClosedLoopRun,
  type InferenceConfig,
  type InfeasibleReason,
  type ModelSpec,
  type PrecisionConfig,
  type Schedule,
} from '@ridgeline/model';
import { PLUGIN_CHIPS } from './plugin-chips.ts';
import { groupBy, quantile } from './validate.ts';
import { inferencexDecodeCap } from './inferencex-caps.ts';
import { inferencexKvCache } from './inferencex-kv.ts';
import { inferencexDraftTokens } from './inferencex-mtp.ts';
import { inferencexReceiveInterval } from './inferencex-receive.ts';

/**
 * InferenceX's DeepSeek-R1 serving points (data/inferencex-dsr1.csv, described in data/README.md):
 * read, select the rows Ridgeline expresses today, predict each under a static batch and under
 * continuous batching, and report the error per chip and per framework.
 */

/** apps/validation/data/inferencex-dsr1.csv (override with RIDGELINE_INFERENCEX_CSV). */
export const DEFAULT_INFERENCEX_CSV: string =
  process.env.RIDGELINE_INFERENCEX_CSV ?? fileURLToPath(new URL('../data/inferencex-dsr1.csv', import.meta.url));

export type InferencexPrecision = 'fp8' | 'fp4';

/** One row of inferencex-dsr1.csv, typed; the fields are the columns in camelCase (times in seconds). */
export interface InferencexRow {
  /** The row's line in the file (the header is line 1). */
  readonly line: number;
  readonly hardware: string;
  readonly framework: string;
  readonly model: string;
  readonly precision: InferencexPrecision;
  /** `none` or `mtp` (multi-token prediction). */
  readonly specMethod: string;
  readonly disagg: boolean;
  readonly isMultinode: boolean;
  readonly prefillTp: number;
  readonly prefillEp: number;
  readonly prefillDpAttention: boolean;
  readonly prefillNumWorkers: number;
  readonly decodeTp: number;
  readonly decodeEp: number;
  readonly decodeDpAttention: boolean;
  readonly decodeNumWorkers: number;
  readonly numPrefillGpu: number;
  readonly numDecodeGpu: number;
  readonly isl: number;
  readonly osl: number;
  readonly conc: number;
  /** The serving container; empty in some early rows. */
  readonly image: string | undefined;
  readonly medianTpot: number;
  readonly medianTtft: number;
  readonly medianE2el: number;
  /** (input + output) tokens/s per GPU. */
  readonly tputPerGpu: number;
  /** Empty in some early rows. */
  readonly outputTputPerGpu: number | undefined;
  readonly inputTputPerGpu: number | undefined;
  /** 1 / median_tpot, tokens/s per user. */
  readonly medianIntvty: number;
  readonly date: string;
  readonly runId: string;
}

const COLUMNS = [
  'hardware',
  'framework',
  'model',
  'precision',
  'spec_method',
  'disagg',
  'is_multinode',
  'prefill_tp',
  'prefill_ep',
  'prefill_dp_attention',
  'prefill_num_workers',
  'decode_tp',
  'decode_ep',
  'decode_dp_attention',
  'decode_num_workers',
  'num_prefill_gpu',
  'num_decode_gpu',
  'isl',
  'osl',
  'conc',
  'image',
  'median_tpot',
  'median_ttft',
  'median_e2el',
  'tput_per_gpu',
  'output_tput_per_gpu',
  'input_tput_per_gpu',
  'median_intvty',
  'date',
  'run_id',
] as const;
type Column = (typeof COLUMNS)[number];

/** Reads the cells of one record, throwing an error that names the file, row, line and column. */
class Cells {
  private readonly record: Readonly<Record<string, string | undefined>>;
  private readonly where: string;

  constructor(record: Readonly<Record<string, string | undefined>>, where: string) {
    this.record = record;
    this.where = where;
  }

  private fail(column: Column, expected: string): never {
    const raw = this.record[column];
    const got = raw === undefined || raw === '' ? 'an empty cell' : `"${raw}"`;
    throw new Error(`${this.where}, column "${column}": expected ${expected}, got ${got}`);
  }

  text(column: Column): string {
    const raw = this.record[column] ?? '';
    if (raw.trim() === '') this.fail(column, 'a value');
    return raw;
  }

  optionalText(column: Column): string | undefined {
    const raw = this.record[column] ?? '';
    return raw === '' ? undefined : raw;
  }

  oneOf<T extends string>(column: Column, options: readonly T[]): T {
    const raw = this.record[column];
    const found = options.find((o) => o === raw);
    if (found === undefined) this.fail(column, `one of ${options.join(', ')}`);
    return found;
  }

  flag(column: Column): boolean {
    return this.oneOf(column, ['true', 'false']) === 'true';
  }

  /** An integer ≥ min. */
  count(column: Column, min: number): number {
    const raw = this.record[column] ?? '';
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isInteger(value) || value < min) this.fail(column, `an integer ≥ ${min}`);
    return value;
  }

  /** A finite number > 0. */
  measure(column: Column): number {
    const raw = this.record[column] ?? '';
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value <= 0) this.fail(column, 'a positive number');
    return value;
  }

  optionalMeasure(column: Column): number | undefined {
    return (this.record[column] ?? '') === '' ? undefined : this.measure(column);
  }
}

/**
 * Parses InferenceX CSV text. Every column must be present; every cell must parse, except `image`,
 * `output_tput_per_gpu` and `input_tput_per_gpu`, which some early rows leave empty. A bad or
 * missing cell throws an error naming the row, its line and the column.
 */
export function parseInferencex(text: string, file: string = 'inferencex-dsr1.csv'): InferencexRow[] {
  const records = parse(text, {
    columns: (header: string[]) => {
      for (const column of COLUMNS) {
        if (!header.includes(column)) throw new Error(`${file}: column "${column}" is missing from the header`);
      }
      return header;
    },
    skip_empty_lines: true,
    info: true,
  }) as Array<{ info: { lines: number }; record: Record<string, string | undefined> }>;
  return records.map(({ info, record }, index) => {
    const c = new Cells(record, `${file} row ${index + 1} (line ${info.lines})`);
    return {
      line: info.lines,
      hardware: c.text('hardware'),
      framework: c.text('framework'),
      model: c.text('model'),
      precision: c.oneOf('precision', ['fp8', 'fp4'] as const),
      specMethod: c.text('spec_method'),
      disagg: c.flag('disagg'),
      isMultinode: c.flag('is_multinode'),
      prefillTp: c.count('prefill_tp', 1),
      prefillEp: c.count('prefill_ep', 1),
      prefillDpAttention: c.flag('prefill_dp_attention'),
      prefillNumWorkers: c.count('prefill_num_workers', 0),
      decodeTp: c.count('decode_tp', 1),
      decodeEp: c.count('decode_ep', 1),
      decodeDpAttention: c.flag('decode_dp_attention'),
      decodeNumWorkers: c.count('decode_num_workers', 0),
      numPrefillGpu: c.count('num_prefill_gpu', 0),
      numDecodeGpu: c.count('num_decode_gpu', 0),
      isl: c.count('isl', 1),
      osl: c.count('osl', 1),
      conc: c.count('conc', 1),
      image: c.optionalText('image'),
      medianTpot: c.measure('median_tpot'),
      medianTtft: c.measure('median_ttft'),
      medianE2el: c.measure('median_e2el'),
      tputPerGpu: c.measure('tput_per_gpu'),
      outputTputPerGpu: c.optionalMeasure('output_tput_per_gpu'),
      inputTputPerGpu: c.optionalMeasure('input_tput_per_gpu'),
      medianIntvty: c.measure('median_intvty'),
      date: c.text('date'),
      runId: c.text('run_id'),
    };
  });
}

/** Reads data/inferencex-dsr1.csv (or another file of the same columns). */
export function readInferencex(path: string = DEFAULT_INFERENCEX_CSV): InferencexRow[] {
  return parseInferencex(readFileSync(path, 'utf8'), basename(path));
}

// --- Selection -------------------------------------------------------------------------------

/** InferenceX hardware ids → Ridgeline chip ids. */
export const INFERENCEX_CHIP_IDS: Readonly<Record<string, string>> = {
  h100: 'h100-sxm',
  h200: 'h200',
  b200: 'b200',
  gb200: 'gb200-nvl72',
  b300: 'b300',
  gb300: 'gb300-nvl72',
  mi300x: 'mi300x',
  mi355x: 'mi355x',
};

/** The plugin chip of an InferenceX hardware id, or undefined when no plugin describes it. */
export function inferencexChip(hardware: string): ChipSpec | undefined {
  const id = INFERENCEX_CHIP_IDS[hardware];
  return id === undefined ? undefined : PLUGIN_CHIPS.get(id);
}

/** The plugin chip of a Ridgeline chip id that InferenceX measures (`INFERENCEX_CHIP_IDS`' values), else undefined. */
export function inferencexChipById(id: string): ChipSpec | undefined {
  return Object.values(INFERENCEX_CHIP_IDS).includes(id) ? PLUGIN_CHIPS.get(id) : undefined;
}

/**
 * The GPUs `tput_per_gpu` divides over: both pools' when disaggregated, else the engine's
 * `decode_tp` (data/README.md).
 */
export function rowGpus(row: InferencexRow): number {
  return row.disagg ? row.numPrefillGpu + row.numDecodeGpu : row.decodeTp;
}

/** Why a row is left out, in the order they are tested (a row counts under the first that applies). */
export const EXCLUSION_REASONS = ['not DeepSeek-R1', 'disaggregated without a stated split', 'no plugin', 'concurrency not sustained'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Why Ridgeline cannot express the row today, or undefined when it can. */
export function exclusionReason(row: InferencexRow): ExclusionReason | undefined {
  if (row.model !== 'dsr1') return 'not DeepSeek-R1';
  // Some GB200 Dynamo rows give zero workers: how the chips split between prefill and decode is unknown
  // (data/README.md), and so is a worker's size when the GPUs do not divide among the workers.
  if (row.disagg && (workerChips(row.numPrefillGpu, row.prefillNumWorkers) === undefined || workerChips(row.numDecodeGpu, row.decodeNumWorkers) === undefined)) {
    return 'disaggregated without a stated split';
  }
  if (inferencexChip(row.hardware) === undefined) return 'no plugin';
  if (sustainedConcurrencyShare(row) < SUSTAINED_CONCURRENCY_MIN) return 'concurrency not sustained';
  return undefined;
}

/**
 * Below this share of its stated concurrency in flight (`sustainedConcurrencyShare`), a row did
 * not run the configuration it names. Every stack's median share is 0.94–0.98 (the run ends with
 * its slowest client, `finiteRunShare`); 20 of the 1,278 rows fall below 0.75: 9 H100 Dynamo-TRT rows
 * (0.43–0.75, lowest at 462–1,845 requests), 8 B200 SGLang rows at concurrency 4–32 (0.57–0.73), 2
 * GB200 Dynamo-TRT and 1 B200 Dynamo-SGLang row. Their loop did not hold the stated concurrency —
 * gaps between one request's end and the next one's start, or failed requests, which the benchmark
 * leaves out of its counts — so the configuration the row names is not what ran.
 */
export const SUSTAINED_CONCURRENCY_MIN = 0.75;

/**
 * The share of a row's stated concurrency its measurements account for, by Little's law on the
 * benchmark's closed loop: requests in flight = request rate × request latency. The rate is the
 * row's tokens/s (`tput_per_gpu` × its GPUs: both pools' when disaggregated, else `decode_tp`) over
 * a request's mean tokens (`inferencexMeanTokens`), the latency `median_e2el`. A model-free check:
 * it reads the measurements only, never a prediction.
 */
export function sustainedConcurrencyShare(row: InferencexRow): number {
  const requestsPerS = (row.tputPerGpu * rowGpus(row)) / (inferencexMeanTokens(row.isl) + inferencexMeanTokens(row.osl));
  return (requestsPerS * row.medianE2el) / row.conc;
}

/** W: one worker's chips, GPUs ÷ workers; undefined without workers or when they do not divide. */
function workerChips(gpus: number, workers: number): number | undefined {
  if (workers < 1 || gpus < 1 || gpus % workers !== 0) return undefined;
  return gpus / workers;
}

/**
 * One engine (single node) or worker (disaggregated) as the README reads the columns: W chips,
 * attention data-parallel over them when the row says so or when TP < W, then TP = W; EP the row's
 * when above 1, else W with data-parallel attention from TP < W, else 1.
 */
export interface WorkerLayout {
  readonly chips: number;
  readonly tp: number;
  readonly ep: number;
  readonly attention: 'heads' | 'dp';
}

export function workerLayout(chips: number, tp: number, ep: number, dpAttention: boolean): WorkerLayout {
  const spread = tp < chips;
  const attention = dpAttention || spread ? 'dp' : 'heads';
  return { chips, tp: attention === 'dp' ? chips : tp, ep: ep > 1 ? ep : spread ? chips : 1, attention };
}

/** The decode engine or worker of a row: single node, `decode_tp` chips; disaggregated, `num_decode_gpu ÷ decode_num_workers`. */
export function decodeLayout(row: InferencexRow): WorkerLayout {
  const chips = row.disagg ? (workerChips(row.numDecodeGpu, row.decodeNumWorkers) ?? row.decodeTp) : row.decodeTp;
  return workerLayout(chips, row.decodeTp, row.decodeEp, row.decodeDpAttention);
}

/** A disaggregated row's prefill worker: `num_prefill_gpu ÷ prefill_num_workers` chips. */
export function prefillLayout(row: InferencexRow): WorkerLayout {
  const chips = workerChips(row.numPrefillGpu, row.prefillNumWorkers) ?? row.prefillTp;
  return workerLayout(chips, row.prefillTp, row.prefillEp, row.prefillDpAttention);
}

export interface InferencexSelection {
  readonly total: number;
  readonly kept: readonly InferencexRow[];
  readonly excluded: ReadonlyArray<{ readonly row: InferencexRow; readonly reason: ExclusionReason }>;
  /** Rows left out per reason (every reason present, 0 when none). */
  readonly excludedCounts: Readonly<Record<ExclusionReason, number>>;
}

export function selectInferencex(rows: readonly InferencexRow[]): InferencexSelection {
  const kept: InferencexRow[] = [];
  const excluded: Array<{ row: InferencexRow; reason: ExclusionReason }> = [];
  const excludedCounts = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
  for (const row of rows) {
    const reason = exclusionReason(row);
    if (reason === undefined) {
      kept.push(row);
    } else {
      excluded.push({ row, reason });
      excludedCounts[reason] += 1;
    }
  }
  return { total: rows.length, kept, excluded, excludedCounts };
}

// --- Configuration -----------------------------------------------------------------------------

/** DeepSeek-R1 has DeepSeek-V3's architecture. */
export const INFERENCEX_MODEL_ID = 'deepseek-v3';

let model: ModelSpec | undefined;
function deepseekV3(): ModelSpec {
  model ??= getModel(INFERENCEX_MODEL_ID);
  if (model === undefined) throw new Error(`the catalog has no model "${INFERENCEX_MODEL_ID}"`);
  return model;
}

/**
 * The serving stacks that run an FP4 checkpoint's GEMMs in FP4: TensorRT-LLM, alone and under Dynamo.
 * The measurements say so, not a prediction (`fp4PrefillSpeedups`): at their most, Dynamo-TRT's FP4
 * rows prefill 2.2–2.7× the input tokens/s per prefill GPU of its FP8 rows on B200, GB200 and B300,
 * where GB200's Dynamo-SGLang and MI355X's MoRI-SGLang measure 1.2× and 1.1×. (B200's Dynamo-SGLang
 * measures 2.2×, its FP8 prefill workers running TP 8 without expert parallelism and its FP4 ones
 * EP 4; it is not among them: read so too, the pooled error was the same, 12.0% / 12.3%.)
 */
export const FP4_MATMUL_FRAMEWORKS: readonly string[] = ['trt', 'dynamo-trt'];

/**
 * fp8: everything in FP8. fp4: MXFP4/NVFP4 weights but the attention block's, held at FP8
 * (`attentionWeights`, docs/MODEL.md §1.2), and an FP8 KV cache, with FP4 matmuls on the stacks of
 * FP4_MATMUL_FRAMEWORKS and FP8 matmuls on the others; attention computes at FP8 on every stack.
 *
 * Why FP8 matmuls on the others: the FP4 checkpoints these stacks serve quantise the experts, not
 * all of attention — the dataset describes its FP4 as "MXFP4/NVFP4 experts" (data/README.md), and
 * nvidia/DeepSeek-R1-0528-FP4's v2 card says it "additionally quantizes the wo module in attention
 * layers", so the checkpoint before it leaves attention's output projection unquantised. MLA's
 * attention itself runs at FP8 or wider. The SGLang-based stacks' saturated disaggregated rows
 * measure about the same input tokens/s per prefill GPU at FP4 as at FP8 (GB200 Dynamo-SGLang 9–13k
 * against 10.5–11k; MI355X MoRI-SGLang 4–6k against 3.4–5k). A configuration has one compute
 * precision, so their FP4 rows run theirs at FP8 and read their weights as FP4; read as all-FP4
 * matmuls on every stack, the pooled out-of-sample error was 18.4% / 16.1% (p90 70.8% / 47.4%)
 * against 16.9% / 14.3% (p90 57.5% / 45.1%). TensorRT-LLM's FP4 rows prefill 2.2–2.7× faster than
 * its FP8 ones, so there the FP4 rate binds: read as FP4 matmuls, with the experts' FP4 η_flop
 * fitted on them, the pooled out-of-sample error went from 12.9% / 12.6% (p90 47.9% / 38.0%) to
 * 12.1% / 12.3% (p90 48.1% / 36.6%); every stack's read so gave 13.3% / 12.9% (p90 54.7% / 39.2%)
 * (apps/validation/README.md).
 *
 * Why FP8 attention weights: NVIDIA's v2 checkpoint "additionally quantizes the wo module in
 * attention layers" over v1. Taking the rest of MLA as unquantised (BF16; not stated), v2 holds 117 M
 * of a layer's 187 M attention parameters at FP4, about 1.06 bytes a parameter, so FP8's 1 byte and
 * FP8 compute stand for it. AMD's MXFP4 checkpoint is assumed alike, unverified.
 * Before, all weights were read as FP4 and the TensorRT-LLM rows ran attention at FP4 too. Refitted
 * so, the pooled out-of-sample p90 went from 48.1% / 36.6% to 46.3% / 36.1%, medians unchanged.
 */
export function inferencexPrecision(precision: InferencexPrecision, framework: string): PrecisionConfig {
  if (precision === 'fp8') return { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' };
  return { weights: 'fp4', kvCache: 'fp8', activations: FP4_MATMUL_FRAMEWORKS.includes(framework) ? 'fp4' : 'fp8', attentionWeights: 'fp8' };
}

/** One chip and disaggregated stack's FP4 prefill against its FP8 prefill, from the measurements alone. */
export interface Fp4PrefillSpeedup {
  readonly hardware: string;
  readonly framework: string;
  /** The most input tokens/s per prefill GPU over the chip and stack's FP4 rows, and over its FP8 rows. */
  readonly fp4InputPerPrefillGpu: number;
  readonly fp8InputPerPrefillGpu: number;
  /** fp4InputPerPrefillGpu / fp8InputPerPrefillGpu. */
  readonly speedup: number;
}

/**
 * Per chip and disaggregated stack with both precisions, the most input tokens/s per prefill GPU
 * its FP4 rows measure over the most its FP8 rows measure: at the highest concurrencies the prefill
 * workers are saturated, so the ratio is how much faster the stack prefills an FP4 checkpoint.
 */
export function fp4PrefillSpeedups(rows: readonly InferencexRow[]): Fp4PrefillSpeedup[] {
  const best = new Map<string, { hardware: string; framework: string; fp4: number; fp8: number }>();
  for (const r of rows) {
    if (!r.disagg || r.prefillNumWorkers === 0 || r.inputTputPerGpu === undefined) continue;
    const key = `${r.hardware} ${r.framework}`;
    const b = best.get(key) ?? { hardware: r.hardware, framework: r.framework, fp4: 0, fp8: 0 };
    b[r.precision] = Math.max(b[r.precision], r.inputTputPerGpu);
    best.set(key, b);
  }
  return [...best.values()].flatMap(({ hardware, framework, fp4, fp8 }) =>
    fp4 === 0 || fp8 === 0 ? [] : [{ hardware, framework, fp4InputPerPrefillGpu: fp4, fp8InputPerPrefillGpu: fp8, speedup: fp4 / fp8 }],
  );
}

function chipOf(row: InferencexRow): ChipSpec {
  const chip = inferencexChip(row.hardware);
  if (chip === undefined) throw new Error(`line ${row.line}: no hardware plugin for "${row.hardware}"`);
  return chip;
}

/**
 * InferenceX's single-node TensorRT-LLM scripts (`benchmarks/single_node/dsr1_{fp8,fp4}_{b200,h200}_trt{,_mtp}.sh`,
 * SemiAnalysisAI/InferenceX) set `max_num_tokens`, a budget per attention rank, to the longest
 * prompt and one token per slot, rounded up to 64 and at least 8,192: 64·⌈(B + S_in + 64)/64⌉
 * with B the concurrency ((γ + 1) × the slots per rank with MTP). With data-parallel attention
 * (`enable_attention_dp`) the engine's budget is TP of those (docs/MODEL.md §6). Other stacks keep
 * the default budget.
 *
 * The same scripts turn on attention-DP balance with data-parallel attention (`attention_dp_config:
 * { enable_balance: true, timeout_iters: 60 }`, docs/MODEL.md §6 "Context balance"); the rows are
 * not read with it yet (apps/validation/README.md, "Context balance, tried").
 */
export function trtllmSingleNodeBudget(row: InferencexRow, tp: number, dpAttention: boolean): Pick<InferenceConfig, 'chunkTokens'> {
  if (row.framework !== 'trt') return {};
  const slots = row.specMethod === 'mtp' ? (inferencexDraftTokens(row) + 1) * (dpAttention ? Math.max(1, Math.floor(row.conc / tp)) : row.conc) : row.conc;
  const perRank = Math.max(8192, 64 * Math.ceil((slots + row.isl + 64) / 64));
  return { chunkTokens: dpAttention ? tp * perRank : perRank };
}

/**
 * The configuration of a row. Single node: one engine of `decode_tp` chips (not `num_decode_gpu`,
 * which some rows give as TP × EP), `conc` sequences. Disaggregated: one decode worker of
 * `num_decode_gpu ÷ decode_num_workers` chips with `conc ÷ decode_num_workers` requests in flight,
 * fed by `prefill_num_workers` prefill workers (continuous schedule only); with fewer requests than
 * decode workers (`activeDecodeWorkers`), only as many workers as requests are busy. Either way the layout of
 * `workerLayout`: with data-parallel attention the busiest chip holds ⌈B/W⌉ sequences and the dense
 * FFN, shared experts and LM head stay over TP.
 */
export function inferencexConfig(row: InferencexRow, schedule: Schedule): InferenceConfig {
  const decode = decodeLayout(row);
  const prefill = row.disagg ? prefillLayout(row) : undefined;
  const decodeCap = inferencexDecodeCap(row);
  const clientsPerWorker = row.disagg ? Math.max(1, Math.round(row.conc / activeDecodeWorkers(row))) : row.conc;
  const receiveInterval = inferencexReceiveInterval(row);
  const config: InferenceConfig = {
    model: deepseekV3(),
    chip: chipOf(row),
    chips: decode.chips,
    parallelism: { tp: decode.tp, pp: 1, ep: decode.ep },
    // requests per decode worker (concurrency need not divide: the mean)
    batch: clientsPerWorker,
    // the engine's cap on requests in flight, its recipe's where read (data/inferencex-decode-caps.csv),
    // else the row's own clients, slots that never bind: with a cap an engine also admits only the
    // requests whose KV cache fits and queues the rest (docs/MODEL.md §6, "Engine cap"), as every
    // serving engine does; a static batch is its own batch
    ...(schedule === 'static' ? {} : { maxBatch: decodeCap ?? clientsPerWorker }),
    inputTokens: inferencexMeanTokens(row.isl),
    outputTokens: inferencexMeanTokens(row.osl),
    // the KV cache as the row's recipe stores it (data/inferencex-kv-cache.csv)
    precision: { ...inferencexPrecision(row.precision, row.framework), kvCache: inferencexKvCache(row) },
    ...(row.specMethod === 'mtp' ? { speculative: { mode: 'mtp' as const, draftTokens: inferencexDraftTokens(row) } } : {}),
    ...(decode.attention === 'dp' ? { attentionSharding: 'dp' as const } : {}),
    // a single TensorRT-LLM engine: its scripts' token budget, per attention rank (trtllmSingleNodeBudget)
    ...(row.disagg ? {} : trtllmSingleNodeBudget(row, decode.tp, decode.attention === 'dp')),
    // a single SGLang engine's intake every N iterations, as its script sets it (data/inferencex-receive-interval.csv); a static batch takes its requests at once
    ...(receiveInterval === undefined || schedule === 'static' ? {} : { receiveInterval }),
    ...(prefill === undefined
      ? {}
      : {
          disaggregation: {
            prefillWorkers: row.prefillNumWorkers,
            decodeWorkers: activeDecodeWorkers(row),
            prefillTp: prefill.tp,
            prefillEp: prefill.ep,
            prefillAttention: prefill.attention,
          },
        }),
  };
  return { ...config, schedule };
}

/**
 * The range ratio of InferenceX's random dataset (the InferenceMAX README's client configuration:
 * `--random-range-ratio 0.8`): each request's input and output lengths are drawn uniformly from
 * [⌊0.8·L⌋, L], L the row's `isl` or `osl` (utils/bench_serving/benchmark_serving.py,
 * `sample_uniform`: `np.random.randint(int(seq_len * range_ratio), seq_len + 1)`).
 */
export const INFERENCEX_RANGE_RATIO = 0.8;

/**
 * The mean length of a row's requests, (⌊0.8·L⌋ + L)/2 rounded: 922 for 1024, 7,373 for 8,192.
 * The rows agree: the measured median request latency is 0.91–0.92 × (TTFT + osl × TPOT) on every
 * disaggregated stack, and Little's law with the request rate at the nominal osl closes at
 * 0.85–0.87 × the concurrency (at the mean length, ≈ 0.96).
 */
export function inferencexMeanTokens(length: number): number {
  return Math.round((Math.floor(length * INFERENCEX_RANGE_RATIO) + length) / 2);
}

/**
 * The decode workers a disaggregated row keeps busy: all of them, or one per request when the
 * benchmark's concurrency is lower (1 request on 9 workers is 1 in flight, not 9 — the model's
 * batch is requests per worker, at least 1). The idle workers still count among the row's GPUs
 * (`predictedTputPerGpu`).
 */
export function activeDecodeWorkers(row: InferencexRow): number {
  return Math.min(row.decodeNumWorkers, row.conc);
}

/**
 * Requests each client of InferenceX's benchmark sends, one after another: its scripts run the
 * client with `--num-prompts` ten times `--max-concurrency` (`--request-rate inf`), so a row's
 * `conc` clients each send ten and the run ends when the slowest client's tenth returns.
 */
export const INFERENCEX_REQUESTS_PER_CLIENT = 10;

/**
 * The benchmark run a row measured (docs/MODEL.md §9, "The benchmark's finite run"): its `conc`
 * clients each send ten requests (`INFERENCEX_REQUESTS_PER_CLIENT`) whose output lengths are drawn
 * uniformly from [⌊0.8·osl⌋, osl]. The run ends with the slowest client, so it measures
 * `finiteRunShare` of the steady state's throughput: 1 at concurrency 1, about 0.955 at 64 and 0.94
 * at 1,024 on 1k outputs.
 *
 * The measurements agree without any prediction (`sustainedConcurrencyShare`, the share of `conc`
 * their own rate and latency account for): on the disaggregated rows its median falls from
 * 0.99–1.0 at concurrency 1–2 to 0.955 at 33–64 and 0.934 at 513–1,024, where the share on their
 * measured TTFT and TPOT gives 0.99–1.0, 0.959 and 0.947. Single-node engines measure 0.96–0.985 at
 * every concurrency, above the share's 0.95 at 256: once the last prompts are in, the requests still
 * running decode without prompt chunks and at a shrinking batch, so the run's tail is shorter than
 * the mean step predicts.
 */
export function inferencexRun(row: Pick<InferencexRow, 'conc' | 'osl'>): ClosedLoopRun {
  return {
    clients: row.conc,
    requestsPerClient: INFERENCEX_REQUESTS_PER_CLIENT,
    outputTokensSd: uniformLengthsSd(Math.floor(row.osl * INFERENCEX_RANGE_RATIO), row.osl),
  };
}

/** What `predictedTputPerGpu` reads of a feasible estimate. */
export interface ThroughputFigures {
  readonly totalTokensPerSPerChip: number;
  readonly requestLatencyS: number;
  readonly tpotS: number;
}

/**
 * The row's tokens/s per GPU as predicted: the configuration's (input + output) tokens/s over all
 * the row's GPUs, idle decode workers included (`activeDecodeWorkers`), as the benchmark divides,
 * over the benchmark's finite run (`finiteRunShare`).
 */
export function predictedTputPerGpu(row: InferencexRow, result: ThroughputFigures): number {
  const perChip = result.totalTokensPerSPerChip * finiteRunShare(inferencexRun(row), result);
  if (!row.disagg || activeDecodeWorkers(row) === row.decodeNumWorkers) return perChip;
  const decodeWorkerChips = row.numDecodeGpu / row.decodeNumWorkers;
  const modelled = row.numPrefillGpu + activeDecodeWorkers(row) * decodeWorkerChips;
  return (perChip * modelled) / rowGpus(row);
}

/** The same configuration as `ridgeline estimate` arguments. */
export function inferencexArgv(row: InferencexRow, schedule: Schedule = 'continuous'): string[] {
  const config = inferencexConfig(row, schedule);
  const d = config.disaggregation;
  return [
    'estimate',
    '--model',
    INFERENCEX_MODEL_ID,
    '--hardware',
    config.chip.id,
    '--chips',
    String(config.chips),
    '--tp',
    String(config.parallelism.tp),
    '--ep',
    String(config.parallelism.ep),
    '--batch',
    String(config.batch),
    ...(config.maxBatch === undefined ? [] : ['--max-batch', String(config.maxBatch)]),
    ...(config.chunkTokens === undefined ? [] : ['--chunk-tokens', String(config.chunkTokens)]),
    ...(config.contextBalance === undefined ? [] : ['--context-balance', String(config.contextBalance.timeoutIterations)]),
    ...(config.receiveInterval === undefined ? [] : ['--receive-interval', String(config.receiveInterval)]),
    '--input',
    String(config.inputTokens),
    '--output',
    String(config.outputTokens),
    '--weights',
    config.precision.weights,
    '--kv',
    config.precision.kvCache,
    '--activations',
    config.precision.activations,
    ...(config.precision.attentionWeights === undefined ? [] : ['--attention-weights', config.precision.attentionWeights]),
    ...(config.attentionSharding === 'dp' ? ['--attention', 'dp'] : []),
    '--schedule',
    schedule,
    ...(config.speculative === undefined ? [] : ['--speculative', 'mtp', '--draft-tokens', String(config.speculative.draftTokens)]),
    ...(d === undefined
      ? []
      : [
          '--prefill-workers',
          String(d.prefillWorkers),
          '--decode-workers',
          String(d.decodeWorkers),
          '--prefill-tp',
          String(d.prefillTp),
          '--prefill-ep',
          String(d.prefillEp),
          ...(d.prefillAttention === 'dp' ? ['--prefill-attention', 'dp'] : []),
        ]),
  ];
}

// --- Prediction ---------------------------------------------------------------------------------

export const INFERENCEX_METRICS = ['throughput', 'interactivity', 'ttft'] as const;
export type InferencexMetric = (typeof INFERENCEX_METRICS)[number];
export type MetricValues = Readonly<Record<InferencexMetric, number>>;

const METRIC_LABEL: Readonly<Record<InferencexMetric, string>> = {
  throughput: 'tput/GPU',
  interactivity: 'tok/s/user',
  ttft: 'TTFT',
};

export interface InferencexPrediction {
  readonly row: InferencexRow;
  readonly schedule: Schedule;
  readonly config: InferenceConfig;
  /** tput_per_gpu, median_intvty and median_ttft. */
  readonly measured: MetricValues;
  /** undefined when the model calls the configuration infeasible. */
  readonly predicted: MetricValues | undefined;
  /** (predicted − measured) / measured, per metric. */
  readonly error: MetricValues | undefined;
  readonly infeasibleReason: InfeasibleReason | null;
}

export function measuredValues(row: InferencexRow): MetricValues {
  return { throughput: row.tputPerGpu, interactivity: row.medianIntvty, ttft: row.medianTtft };
}

/**
 * The serving stack (efficiency profile name) of an InferenceX framework: Dynamo and MoRI run
 * SGLang or TensorRT-LLM engines.
 */
export function stackOf(framework: string): string {
  if (framework.includes('sglang')) return 'sglang';
  if (framework.includes('trt')) return 'trtllm';
  return framework;
}

/**
 * Predicts a row; with `stackProfile`, on its chip's efficiency profile for the row's serving stack
 * (`--stack`), where the chip has one.
 */
export function predictInferencex(row: InferencexRow, schedule: Schedule, stackProfile = false): InferencexPrediction {
  const base = inferencexConfig(row, schedule);
  const config = stackProfile ? { ...base, chip: withEfficiencyProfile(base.chip, stackOf(row.framework)).chip } : base;
  const result = estimateInference(config);
  const measured = measuredValues(row);
  if (!result.feasible) {
    return { row, schedule, config, measured, predicted: undefined, error: undefined, infeasibleReason: result.reason };
  }
  const predicted: MetricValues = {
    throughput: predictedTputPerGpu(row, result),
    interactivity: result.tokensPerSPerUser,
    ttft: result.ttftS,
  };
  const error = Object.fromEntries(
    INFERENCEX_METRICS.map((m) => [m, (predicted[m] - measured[m]) / measured[m]]),
  ) as Record<InferencexMetric, number>;
  return { row, schedule, config, measured, predicted, error, infeasibleReason: null };
}

// --- Statistics and report ----------------------------------------------------------------------

export interface ErrorStats {
  readonly n: number;
  /** Median of |error|. */
  readonly medianAbs: number;
  /** Median of the signed error (the bias: > 0 over-predicts). */
  readonly medianSigned: number;
  /** 90th percentile of |error| (linear interpolation between order statistics). */
  readonly p90Abs: number;
}

export function errorStats(errors: readonly number[]): ErrorStats {
  const signed = [...errors].sort((a, b) => a - b);
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  return { n: errors.length, medianAbs: quantile(abs, 0.5), medianSigned: quantile(signed, 0.5), p90Abs: quantile(abs, 0.9) };
}

export interface GroupSummary {
  readonly group: string;
  /** Rows the model predicts (feasible). */
  readonly rows: number;
  readonly infeasible: number;
  readonly stats: Readonly<Record<InferencexMetric, ErrorStats>>;
}

/** Error statistics per group (in first-seen order of `groupOf`), then over all rows. */
export function summarise(
  predictions: readonly InferencexPrediction[],
  groupOf: (p: InferencexPrediction) => string,
): GroupSummary[] {
  const groups = groupBy(predictions, groupOf);
  const summary = (group: string, list: readonly InferencexPrediction[]): GroupSummary => {
    const feasible = list.flatMap((p) => (p.error === undefined ? [] : [p.error]));
    return {
      group,
      rows: feasible.length,
      infeasible: list.length - feasible.length,
      stats: Object.fromEntries(INFERENCEX_METRICS.map((m) => [m, errorStats(feasible.map((e) => e[m]))])) as Record<
        InferencexMetric,
        ErrorStats
      >,
    };
  };
  return [...[...groups].map(([g, list]) => summary(g, list)), summary('all', predictions)];
}

/** Tokens/s per user at which chips are ranked: each chip's best throughput per GPU at or above it. */
export const RANKING_INTERACTIVITY: readonly number[] = [10, 20, 40, 80];
/** A measured lead below this fraction is a tie (run-to-run noise), not a ranking. */
export const RANKING_TIE = 0.1;

/** How often the model orders two chips as InferenceX measured them. */
export interface RankingCheck {
  /** Chip pairs compared (same isl/osl and precision, one interactivity level), ties left out. */
  readonly pairs: number;
  /** Pairs the model orders as measured. */
  readonly agree: number;
  /** The pairs it orders otherwise, one line each. */
  readonly disagreements: readonly string[];
  /**
   * Of those, the measured orders the datasheets contradict: the chip measured ahead is, on every
   * figure serving reads, at most the chip it leads (`datasheetDominates`), so any model that holds
   * efficiencies equal ranks them the other way, and the measured lead is the software's.
   */
  readonly contradicted: number;
  /** How each chip's throughput at a level was read. */
  readonly rule: RankingRule;
}

/**
 * A chip's throughput per GPU at `level` tokens/s per user from its (tok/s/user, tput/GPU) points.
 * `bestRowAt`: the best point at or above the level, the issue's wording taken row by row.
 * `frontierAt`: along the Pareto frontier of the points, log-linear in throughput between the two
 * frontier points around the level (a concurrency between two measured ones serves between them);
 * below the frontier's range, its highest throughput; above it, none. Row by row, a point whose
 * tok/s/user lands just across a level swaps in or out a neighbour several times its throughput, so
 * an interactivity error of a few percent flips a ranking; along the frontier it moves the value by
 * a few percent.
 */
export type ThroughputAt = (points: ReadonlyArray<readonly [interactivity: number, throughput: number]>, level: number) => number | undefined;

export const bestRowAt: ThroughputAt = (points, level) => {
  let best: number | undefined;
  for (const [x, y] of points) if (x >= level && !(best !== undefined && best >= y)) best = y;
  return best;
};

export const frontierAt: ThroughputAt = (points, level) => {
  // the frontier, from the most interactive point down: each point that beats every more interactive one
  const byInteractivity = [...points].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  const frontier: Array<readonly [number, number]> = [];
  for (const point of byInteractivity) if (frontier.length === 0 || point[1] > frontier[frontier.length - 1]![1]) frontier.push(point);
  frontier.reverse(); // ascending interactivity, descending throughput
  if (frontier.length === 0 || level > frontier[frontier.length - 1]![0]) return undefined;
  if (level <= frontier[0]![0]) return frontier[0]![1];
  let i = 0;
  while (frontier[i + 1]![0] < level) i++;
  const [x0, y0] = frontier[i]!;
  const [x1, y1] = frontier[i + 1]!;
  if (x1 === level) return y1;
  return Math.exp(Math.log(y0) + ((level - x0) / (x1 - x0)) * (Math.log(y1) - Math.log(y0)));
};

/** How the ranking check reads a chip's throughput at a level, and how its lines name that reading. */
export interface RankingRule {
  readonly throughputAt: ThroughputAt;
  /** After "Ranking" in a line's title: '' row by row, ' along the frontier'. */
  readonly title: string;
  /** A level as a disagreement line names it: `≥ 80` row by row, `80` along the frontier. */
  readonly level: (level: number) => string;
  /** What is compared, for `pnpm validate`'s line. */
  readonly what: string;
}

export const BEST_ROW: RankingRule = {
  throughputAt: bestRowAt,
  title: '',
  level: (level) => `≥ ${level}`,
  what: `each chip's best throughput per GPU at ≥ ${RANKING_INTERACTIVITY.join(', ')} tok/s/user`,
};

export const ALONG_FRONTIER: RankingRule = {
  throughputAt: frontierAt,
  title: ' along the frontier',
  level: (level) => `${level}`,
  what: `each chip's throughput per GPU at ${RANKING_INTERACTIVITY.join(', ')} tok/s/user along its frontier (log-linear between neighbouring frontier points), measured and predicted`,
};

/** The share of pairs ordered as measured, as the ranking lines print it. */
export function rankingShare(check: RankingCheck): string {
  return check.pairs === 0 ? '—' : `${((check.agree / check.pairs) * 100).toFixed(0)}%`;
}

/** What the ranking check reads of a prediction: an `InferencexPrediction`, or a fit's out-of-sample one. */
export type RankedPrediction = Pick<InferencexPrediction, 'row' | 'predicted'> & { readonly config: { readonly chip: { readonly id: string } } };

/**
 * The issue's ranking criterion: for each isl/osl and precision and each level of
 * `RANKING_INTERACTIVITY`, each chip's throughput per GPU at that tokens/s per user (`rule` read
 * off its rows: measured, and as the model predicts the same rows, its own interactivity placing
 * them) and for every pair of chips whose measured values differ by more than `RANKING_TIE`,
 * whether the predicted values order them the same way.
 */
export function rankingAgreement(predictions: readonly RankedPrediction[], rule: RankingRule = BEST_ROW): RankingCheck {
  const groups = groupBy(
    predictions.filter((p) => p.predicted !== undefined),
    (p) => `${p.row.isl}/${p.row.osl} ${p.row.precision}`,
  );
  let pairs = 0;
  let agree = 0;
  let contradicted = 0;
  const disagreements: string[] = [];
  for (const [key, list] of groups) {
    const byChip = groupBy(list, (p) => p.config.chip.id);
    for (const level of RANKING_INTERACTIVITY) {
      const chips: Array<[string, { measured: number; predicted: number }]> = [];
      for (const [chip, rows] of byChip) {
        const measured = rule.throughputAt(rows.map((p) => [p.row.medianIntvty, p.row.tputPerGpu] as const), level);
        const predicted = rule.throughputAt(rows.map((p) => [p.predicted!.interactivity, p.predicted!.throughput] as const), level);
        if (measured !== undefined && predicted !== undefined) chips.push([chip, { measured, predicted }]);
      }
      for (let i = 0; i < chips.length; i++) {
        for (let j = i + 1; j < chips.length; j++) {
          const [a, ba] = chips[i]!;
          const [b, bb] = chips[j]!;
          const measured = Math.log(ba.measured / bb.measured);
          if (Math.abs(measured) < Math.log(1 + RANKING_TIE)) continue;
          pairs++;
          const predicted = Math.log(ba.predicted / bb.predicted);
          if (Math.sign(predicted) === Math.sign(measured)) agree++;
          else {
            const [hi, lo] = measured > 0 ? [a, b] : [b, a];
            const hiChip = inferencexChipById(hi);
            const loChip = inferencexChipById(lo);
            const against = hiChip !== undefined && loChip !== undefined && datasheetDominates(loChip, hiChip, list[0]!.row.precision);
            if (against) contradicted++;
            disagreements.push(
              `${key} at ${rule.level(level)} tok/s/user: measured ${hi} ahead of ${lo} by ${((Math.exp(Math.abs(measured)) - 1) * 100).toFixed(0)}%, predicted behind by ${((Math.exp(Math.abs(predicted)) - 1) * 100).toFixed(0)}%${against ? ` (the datasheets contradict the measured order: ${lo} is at least ${hi} on every figure)` : ''}`,
            );
          }
        }
      }
    }
  }
  return { pairs, agree, disagreements, contradicted, rule };
}

/** How many of the pairs ordered otherwise the datasheets contradict, as a clause after a ranking line's count ('' when none). */
export function contradictedClause(check: RankingCheck): string {
  return check.contradicted > 0 ? `; ${check.contradicted} of the ${check.pairs - check.agree} ordered otherwise are measured orders the datasheets contradict` : '';
}

/** The ranking check as lines for `pnpm validate` (with every disagreement) or the README (counts only). */
export function rankingLines(check: RankingCheck, withDisagreements: boolean): string[] {
  const contradicted = contradictedClause(check);
  return [
    `Ranking${check.rule.title}: ${check.agree} of ${check.pairs} chip pairs (${rankingShare(check)}) ordered as measured — ${check.rule.what}, same isl/osl and precision; measured leads under ${RANKING_TIE * 100}% are ties and not counted${contradicted === '' ? '' : `${contradicted} (the chip measured ahead is at most the other on every figure)`}.`,
    ...(withDisagreements ? check.disagreements.map((d) => `  ${d}`) : []),
  ];
}

export interface InferencexReport {
  readonly selection: InferencexSelection;
  readonly predictions: Readonly<Record<Schedule, readonly InferencexPrediction[]>>;
  /** Continuous, each row on its chip's profile for its serving stack (in sample: the profiles are fitted to these rows). */
  readonly stackProfiles: readonly InferencexPrediction[];
}

export function runInferencex(rows: readonly InferencexRow[] = readInferencex()): InferencexReport {
  const selection = selectInferencex(rows);
  return {
    selection,
    predictions: {
      // disaggregated decode workers batch continuously: the static schedule is single-node only
      static: selection.kept.filter((r) => !r.disagg).map((r) => predictInferencex(r, 'static')),
      continuous: selection.kept.map((r) => predictInferencex(r, 'continuous')),
    },
    stackProfiles: selection.kept.map((r) => predictInferencex(r, 'continuous', true)),
  };
}

export const SCHEDULE_LABEL: Readonly<Record<Schedule, string>> = {
  static: 'before: static batch (single-node rows only)',
  continuous: 'after: continuous batching',
};

const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const signedPct = (x: number): string => (Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`);

function summaryTable(title: string, summaries: readonly GroupSummary[]): string[] {
  const metricHeads = INFERENCEX_METRICS.flatMap((m) => [`${METRIC_LABEL[m]} median abs`, `${METRIC_LABEL[m]} bias`, `${METRIC_LABEL[m]} p90 abs`]);
  return [
    `| ${title} | rows | infeasible | ${metricHeads.join(' | ')} |`,
    `|---|---:|---:|${metricHeads.map(() => '---:').join('|')}|`,
    ...summaries.map(
      (s) =>
        `| ${s.group} | ${s.rows} | ${s.infeasible} | ${INFERENCEX_METRICS.flatMap((m) => [pct(s.stats[m].medianAbs), signedPct(s.stats[m].medianSigned), pct(s.stats[m].p90Abs)]).join(' | ')} |`,
    ),
  ];
}

function countsText(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

function tally<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

/** A row's deployment: single node or disaggregated, with data-parallel attention or not. */
function deploymentOf(p: InferencexPrediction): string {
  const dp = p.config.attentionSharding === 'dp' ? ', dp attention' : '';
  return `${p.row.disagg ? 'disaggregated' : 'single node'}${dp}`;
}

/** The section `pnpm validate` prints after the public rows. */
export function inferencexLines(report: InferencexReport): string[] {
  const { selection } = report;
  const kept = tally(selection.kept, (r) => INFERENCEX_CHIP_IDS[r.hardware] ?? r.hardware);
  const leftOut = EXCLUSION_REASONS.filter((r) => selection.excludedCounts[r] > 0).map((reason) => {
    const hardware = [...tally(selection.excluded.filter((e) => e.reason === reason), (e) => e.row.hardware).keys()];
    return `${reason} ${selection.excludedCounts[reason]}${reason === 'no plugin' ? ` (${hardware.join(', ')})` : ''}`;
  });
  const lines = [
    `InferenceX DeepSeek-R1 serving points (data/inferencex-dsr1.csv): ${selection.total} rows; ${selection.kept.length} reproduced (${countsText(kept)}): ${selection.kept.filter((r) => !r.disagg).length} single-node, ${selection.kept.filter((r) => r.disagg).length} disaggregated.`,
    `Left out: ${leftOut.join(', ')}.`,
    'tput/GPU: predicted (input + output) tokens/s per chip vs tput_per_gpu; tok/s/user: 1/TPOT vs median_intvty; TTFT vs median_ttft.',
    'Error = (predicted − measured) / measured; median abs and p90 abs are of |error|, bias is the median signed error (> 0: Ridgeline over-predicts).',
  ];
  for (const schedule of ['static', 'continuous'] as const) {
    const predictions = report.predictions[schedule];
    const infeasible = tally(
      predictions.filter((p) => p.error === undefined),
      (p) => p.infeasibleReason ?? 'unknown',
    );
    lines.push(
      '',
      `${SCHEDULE_LABEL[schedule]}:`,
      '',
      ...summaryTable('chip', summarise(predictions, (p) => p.config.chip.id)),
      '',
      ...summaryTable('framework', summarise(predictions, (p) => p.row.framework)),
      '',
      ...summaryTable('mode', summarise(predictions, (p) => (p.row.specMethod === 'mtp' ? 'MTP (γ as the recipe set it, data/inferencex-mtp-drafts.csv; the chip\'s acceptance)' : 'no MTP'))),
      '',
      ...summaryTable('deployment', summarise(predictions, deploymentOf)),
      '',
      `Infeasible (${[...infeasible.values()].reduce((a, b) => a + b, 0)}): ${infeasible.size === 0 ? 'none' : countsText(infeasible)}.`,
      ...(schedule === 'continuous' ? [BEST_ROW, ALONG_FRONTIER].flatMap((rule) => ['', ...rankingLines(rankingAgreement(predictions, rule), true)]) : []),
    );
  }
  return [...lines, ...stackProfileLines(report)];
}

/** The stack-profile section: each row on its chip's fitted profile for its serving stack, in sample. */
function stackProfileLines(report: InferencexReport): string[] {
  return [
    '',
    "with each row's serving-stack profile (--stack sglang|trtllm|atom; in sample: these profiles are fitted to these rows — pnpm validate --fit prints their error with one curve left out):",
    '',
    ...summaryTable('chip', summarise(report.stackProfiles, (p) => p.config.chip.id)),
  ];
}

/**
 * The README's InferenceX block: what is reproduced and left out, and the per-chip error under each
 * schedule (the framework split and the row list stay in `pnpm validate`).
 */
export function inferencexReadmeLines(report: InferencexReport): string[] {
  const lines = inferencexLines(report);
  const out: string[] = lines.slice(0, 4);
  for (const schedule of ['static', 'continuous'] as const) {
    out.push('', `${SCHEDULE_LABEL[schedule]}:`, '', ...summaryTable('chip', summarise(report.predictions[schedule], (p) => p.config.chip.id)));
  }
  for (const rule of [BEST_ROW, ALONG_FRONTIER]) out.push('', ...rankingLines(rankingAgreement(report.predictions.continuous, rule), false));
  return [...out, ...stackProfileLines(report)];
}

function formatValue(metric: InferencexMetric, value: number): string {
  if (metric === 'ttft') return `${value.toFixed(3)} s`;
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function predictionText(p: InferencexPrediction): string {
  if (p.predicted === undefined || p.error === undefined) return `infeasible (${p.infeasibleReason ?? '?'})`;
  const { predicted, error } = p;
  return INFERENCEX_METRICS.map((m) => `${METRIC_LABEL[m]} ${formatValue(m, predicted[m])} (${signedPct(error[m])})`).join(', ');
}

/** Every reproduced row: the measurement, the `ridgeline estimate` command, and each schedule's prediction and error. */
export function inferencexRowLines(report: InferencexReport): string[] {
  const lines: string[] = [];
  report.selection.kept.forEach((row, i) => {
    const measured = measuredValues(row);
    const staticP = report.predictions.static.find((p) => p.row === row);
    const continuousP = report.predictions.continuous[i]!;
    lines.push(
      `line ${row.line}: ${row.hardware} ${row.framework} ${row.precision}${row.specMethod === 'mtp' ? ' mtp' : ''} ${row.disagg ? `prefill ${row.prefillNumWorkers}×${row.numPrefillGpu / row.prefillNumWorkers} (tp${row.prefillTp} ep${row.prefillEp}${row.prefillDpAttention ? ' dp-attention' : ''}), decode ${row.decodeNumWorkers}×${row.numDecodeGpu / row.decodeNumWorkers} ` : ''}tp${row.decodeTp} ep${row.decodeEp}${row.decodeDpAttention ? ' dp-attention' : ''} conc ${row.conc} isl ${row.isl} osl ${row.osl} (${row.date})`,
      `  ridgeline ${inferencexArgv(row).join(' ')}`,
      `  measured:   ${INFERENCEX_METRICS.map((m) => `${METRIC_LABEL[m]} ${formatValue(m, measured[m])}`).join(', ')}`,
      `  static:     ${staticP === undefined ? 'n/a (disaggregated)' : predictionText(staticP)}`,
      `  continuous: ${predictionText(continuousP)}`,
    );
  });
  return lines;
}
