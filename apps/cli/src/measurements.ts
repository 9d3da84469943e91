import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { formatDuration, formatTokenRate } from '@ridgeline/format';
import {
  CALIBRATION_METRICS,
  CLOSED_LOOP_RUN_LIMITS,
  InputError,
  PREFILL_CHUNK_TOKENS,
  SCHEDULES,
  SPECULATIVE_MODES,
  estimateInference,
  metricValue,
  type AttentionSharding,
  type CalibrationMetric,
  type ClosedLoopRun,
  type DisaggregationConfig,
  type InferenceConfig,
  type InferenceResult,
  type MeasuredInferenceRow,
  type ModelSpec,
  type Schedule,
} from '@ridgeline/model';
import { UserError } from './errors.ts';
import { decimal } from './units.ts';
import { resolveModel } from './resolve-model.ts';
import { didYouMean } from './suggest.ts';
import { asColumns, disaggregationFlags, receiveIntervalFlag, speculativeFlags, type SpeculativeOptions } from './serving-flags.ts';

/**
 * The measurements CSV of `ridgeline calibrate`: one row per measured configuration, with a header.
 * Blank lines and lines starting with `#` are ignored; cells may be quoted.
 */

/**
 * Columns every file must have.
 *
 * @example
 * REQUIRED_COLUMNS.includes('metric'); // true
 */
export const REQUIRED_COLUMNS: readonly string[] = ['model', 'chips', 'tp', 'batch', 'input', 'output', 'metric', 'value'];

/**
 * Columns that may be left out (or left empty), with their default.
 *
 * @example
 * OPTIONAL_COLUMNS['pp']; // '1'
 */
export const OPTIONAL_COLUMNS: Readonly<Record<string, string>> = {
  id: 'the line number',
  pp: '1',
  ep: '1',
  weights: 'bf16',
  kv: 'bf16',
  activations: 'bf16',
  attention_weights: 'the weights',
  max_batch: 'none',
  schedule: 'continuous',
  chunk_tokens: '8192',
  requests_per_client: 'none: a steady state',
  output_sd: 'none',
  // the serving options, as `ridgeline estimate` takes them (--attention, --speculative, …)
  attention: 'heads',
  speculative: 'none',
  draft_tokens: 'the number of acceptance values, else 1',
  acceptance: "the chip's (efficiency.mtpAcceptance), else 0.85 with mtp",
  draft_model: 'none',
  prefill_workers: 'none: one engine prefills and decodes',
  decode_workers: '1',
  prefill_tp: "the decode worker's tp",
  prefill_ep: 'its tp when ep > 1, else 1',
  prefill_attention: 'heads',
  receive_interval: 'none: a request starts at once',
  curve: 'none: no error out of sample',
  notes: '',
};

/** A measured row, ready to fit, and what reports show of it. */
export interface Measurement {
  readonly row: MeasuredInferenceRow;
  /** The line of the CSV the row is on (the header is line 1). */
  readonly line: number;
  /** The model as written in the file. */
  readonly model: string;
  /** The curve the row belongs to (`curve`: rows measured in one sweep), if given: one is left out at a time for the error out of sample. */
  readonly curve?: string;
}

/** What `readMeasurements` returns. */
export interface Measurements {
  /** The file name without its directory, as fitted sources name it. */
  readonly file: string;
  readonly rows: readonly Measurement[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Cells {
  readonly file: string;
  readonly line: number;
  readonly record: Readonly<Record<string, string>>;
}

function cell(c: Cells, column: string): string {
  return (c.record[column] ?? '').trim();
}

function problem(c: Cells, text: string): UserError {
  return new UserError(`${c.file} line ${c.line}: ${text}`);
}

function positiveInteger(c: Cells, column: string, fallback?: number): number {
  const raw = cell(c, column);
  if (raw === '' && fallback !== undefined) return fallback;
  const value = /^\+?[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw problem(c, `${column} must be a positive integer, got "${raw}"`);
  return value;
}

function schedule(c: Cells): Schedule {
  const raw = cell(c, 'schedule').toLowerCase();
  if (raw === '') return 'continuous';
  if (!(SCHEDULES as readonly string[]).includes(raw)) throw problem(c, `schedule must be one of ${SCHEDULES.join(', ')}, got "${raw}"`);
  return raw as Schedule;
}

/** The row's engine cap (`max_batch`): a positive integer, on a continuous row only. */
function maxBatch(c: Cells): number {
  if (schedule(c) === 'static') throw problem(c, 'max_batch caps the requests a continuous engine holds in flight; give it only with schedule continuous');
  return positiveInteger(c, 'max_batch');
}

/**
 * The closed-loop benchmark run a row's throughput was measured over (`requests_per_client` and
 * `output_sd`, given together; docs/MODEL.md §9): the replicas' clients (`batch` per replica) each
 * sent `requests_per_client` requests whose output lengths varied with standard deviation
 * `output_sd` tokens, and the run ended with the slowest client. Neither: a steady state.
 */
function closedLoopRun(c: Cells, clients: number): ClosedLoopRun | undefined {
  const requests = cell(c, 'requests_per_client');
  const sd = cell(c, 'output_sd');
  if (requests === '' && sd === '') return undefined;
  if (requests === '' || sd === '') {
    throw problem(c, 'requests_per_client and output_sd describe the closed-loop benchmark run together; give both (output_sd 0 when every output has the same length), or neither for a steady state');
  }
  const requestsPerClient = positiveInteger(c, 'requests_per_client');
  if (requestsPerClient > CLOSED_LOOP_RUN_LIMITS.requestsPerClient) throw problem(c, `requests_per_client must be at most ${CLOSED_LOOP_RUN_LIMITS.requestsPerClient}, got "${requests}"`);
  const outputTokensSd = decimal(sd) ?? Number.NaN;
  if (!(outputTokensSd >= 0 && outputTokensSd <= CLOSED_LOOP_RUN_LIMITS.outputTokensSd)) {
    throw problem(c, `output_sd must be the standard deviation of the output lengths, tokens from 0 to ${CLOSED_LOOP_RUN_LIMITS.outputTokensSd}, got "${sd}"`);
  }
  if (clients > CLOSED_LOOP_RUN_LIMITS.clients) throw problem(c, `batch × replicas is ${clients} clients, more than a closed-loop run may state (${CLOSED_LOOP_RUN_LIMITS.clients})`);
  return { clients, requestsPerClient, outputTokensSd };
}

/** How attention may be split, as `ridgeline estimate --attention` takes it. */
const ATTENTION_SHARDINGS: readonly AttentionSharding[] = ['heads', 'batch', 'dp'];

/** A cell that must be one of `options` (lower-cased); `undefined` when empty. */
function oneOf<T extends string>(c: Cells, column: string, options: readonly T[]): T | undefined {
  const raw = cell(c, column).toLowerCase();
  if (raw === '') return undefined;
  if (!(options as readonly string[]).includes(raw)) throw problem(c, `${column} must be one of ${options.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** A cell as a flag's value: `undefined` when empty. */
function given(c: Cells, column: string): string | undefined {
  const raw = cell(c, column);
  return raw === '' ? undefined : raw;
}

/**
 * The row's serving options (columns `attention` … `receive_interval`), checked as `ridgeline
 * estimate` checks its flags of the same names, with a speculative draft model resolved like
 * `model`. A mistake names the column and the line.
 */
async function servingOptions(c: Cells, dir: string, schedule: Schedule): Promise<Pick<InferenceConfig, 'attentionSharding' | 'speculative' | 'disaggregation' | 'receiveInterval'>> {
  const attention = oneOf(c, 'attention', ATTENTION_SHARDINGS);
  const mode = oneOf(c, 'speculative', SPECULATIVE_MODES) ?? 'none';
  const draftModelName = given(c, 'draft_model');
  const prefillAttention = oneOf(c, 'prefill_attention', ['heads', 'dp'] as const);
  let speculative: SpeculativeOptions | undefined;
  let disaggregation: DisaggregationConfig | undefined;
  let receiveInterval: number | undefined;
  try {
    speculative = speculativeFlags({ speculative: mode, 'draft-tokens': given(c, 'draft_tokens'), acceptance: given(c, 'acceptance'), 'draft-model': draftModelName });
    disaggregation = disaggregationFlags(
      {
        'prefill-workers': given(c, 'prefill_workers'),
        'decode-workers': given(c, 'decode_workers'),
        'prefill-tp': given(c, 'prefill_tp'),
        'prefill-ep': given(c, 'prefill_ep'),
        'prefill-attention': prefillAttention,
      },
      schedule,
    );
    receiveInterval = receiveIntervalFlag(given(c, 'receive_interval'), schedule, disaggregation !== undefined);
  } catch (error) {
    if (error instanceof UserError) throw problem(c, asColumns(error.message));
    throw error;
  }
  let draftModel: ModelSpec | undefined;
  if (draftModelName !== undefined) {
    try {
      draftModel = await resolveModel(draftModelName, dir, 'draft_model');
    } catch (error) {
      throw problem(c, messageOf(error));
    }
  }
  return {
    ...(attention === undefined ? {} : { attentionSharding: attention }),
    ...(speculative === undefined ? {} : { speculative: { ...speculative, ...(draftModel === undefined ? {} : { draftModel }) } }),
    ...(disaggregation === undefined ? {} : { disaggregation }),
    ...(receiveInterval === undefined ? {} : { receiveInterval }),
  };
}

function precision(c: Cells, column: string): Precision {
  const raw = cell(c, column).toLowerCase();
  if (raw === '') return 'bf16';
  if (!(PRECISIONS as readonly string[]).includes(raw)) throw problem(c, `${column} must be one of ${PRECISIONS.join(', ')}, got "${raw}"`);
  return raw as Precision;
}

/**
 * Whether a metric is a rate (tokens/s, higher is faster) rather than a time.
 *
 * @example
 * isRate('tokens_per_s_per_chip'); // true
 */
export function isRate(metric: CalibrationMetric): boolean {
  return metric === 'output_tokens_per_s_per_chip' || metric === 'tokens_per_s_per_chip';
}

function metric(c: Cells): CalibrationMetric {
  const raw = cell(c, 'metric');
  if (!(CALIBRATION_METRICS as readonly string[]).includes(raw)) {
    const hint = didYouMean(raw, CALIBRATION_METRICS);
    throw problem(c, `metric must be one of ${CALIBRATION_METRICS.join(', ')}, got "${raw}"${hint === '' ? '' : `.${hint}`}`);
  }
  return raw as CalibrationMetric;
}

function measuredValue(c: Cells): number {
  const raw = cell(c, 'value');
  const value = decimal(raw) ?? Number.NaN;
  if (!(value > 0)) throw problem(c, `value must be a number > 0 in SI units (seconds, tokens/s), got "${raw}"`);
  return value;
}

/**
 * The chip as no real one can be: every efficiency 1, no per-layer overhead, no link latency, all
 * communication hidden. Its figures bound what any measurement of a configuration can reach.
 */
function idealChip(chip: ChipSpec): ChipSpec {
  const one = { value: 1, source: 'ideal: the bound a measurement cannot pass' };
  const none = { value: 0, source: one.source };
  return {
    ...chip,
    scaleUp: { ...chip.scaleUp, hopLatencyS: none, ...(chip.scaleUp.collectiveLatencyS === undefined ? {} : { collectiveLatencyS: none }) },
    scaleOut: { ...chip.scaleOut, hopLatencyS: none },
    efficiency: { flop: one, memory: one, network: one, layerOverheadS: none, commOverlap: one },
  };
}

/**
 * How far past the ideal chip's figure a measurement may go before it is refused: 2×, room for
 * what the model does not capture (prefix caching, routing better balanced than its default),
 * while a unit slip (ms written as s: 1,000×) or a 1 ns TPOT is caught.
 */
const IDEAL_MARGIN = 2;

/**
 * Refuses a measurement faster than the ideal chip runs its configuration (by more than
 * IDEAL_MARGIN): no efficiency ≤ 1 can reproduce it, so it is a slip (a unit, a column), and fitting
 * it would drag every efficiency to the edge of its grid. Rows infeasible on the chip are left to
 * the fit, which leaves them out.
 */
function checkPossible(c: Cells, row: MeasuredInferenceRow): void {
  let ideal: InferenceResult;
  try {
    ideal = estimateInference({ ...row.config, chip: idealChip(row.config.chip) });
  } catch (error) {
    if (error instanceof InputError) throw problem(c, error.message);
    throw error;
  }
  if (!ideal.feasible) return;
  const bound = metricValue(row.metric, ideal, row.config, row.run);
  const throughput = isRate(row.metric);
  const impossible = throughput ? row.measured > bound * IDEAL_MARGIN : row.measured < bound / IDEAL_MARGIN;
  if (!impossible) return;
  const chip = row.config.chip.id;
  const limit = throughput
    ? `reaches ${formatTokenRate(bound)} on this row, and a measurement cannot reach even twice that`
    : `needs ${formatDuration(bound)} on this row, and a measurement cannot take even half that`;
  throw problem(
    c,
    `value ${cell(c, 'value')} is impossible for ${row.metric}: an ideal ${chip} (every efficiency 1, no overheads) ${limit}; is the value in SI units (${throughput ? 'tokens/s' : 'seconds'})?`,
  );
}

function checkHeader(file: string, header: readonly string[]): void {
  // csv-parse would keep the last of two same-named columns and drop the other without a word
  header.forEach((column, i) => {
    const first = header.indexOf(column);
    if (first !== i) throw new UserError(`${file}: column "${column}" appears twice (columns ${first + 1} and ${i + 1} of the header); keep one`);
  });
  const known = [...REQUIRED_COLUMNS, ...Object.keys(OPTIONAL_COLUMNS)];
  for (const column of header) {
    if (!known.includes(column)) {
      throw new UserError(`${file}: unknown column "${column}".${didYouMean(column, known)} Columns: ${known.join(', ')}`);
    }
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    const list = missing.map((c) => `"${c}"`).join(', ');
    throw new UserError(`${file}: missing column${missing.length === 1 ? '' : 's'} ${list}; the header needs ${REQUIRED_COLUMNS.join(', ')}`);
  }
}

/**
 * Reads a measurements CSV (a path relative to `cwd`) into rows to fit on `chip`. A `model` cell
 * is a catalog id or a path to a Hugging Face `config.json`, relative to the CSV's directory.
 * Throws `UserError` naming the file and line for every kind of mistake.
 *
 * @example
 * const { rows } = await readMeasurements('measurements.csv', process.cwd(), chip);
 * rows[0]?.row.metric; // 'ttft_s'
 */
export async function readMeasurements(path: string, cwd: string, chip: ChipSpec): Promise<Measurements> {
  const full = resolve(cwd, path);
  const file = basename(full);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UserError(`cannot read ${path}: ${code === 'ENOENT' ? 'file not found' : messageOf(error)}`, { cause: error });
  }
  let header: string[] = [];
  let records: Array<{ readonly record: Record<string, string>; readonly info: { readonly lines: number } }>;
  try {
    records = parse(text, {
      columns: (first: string[]) => {
        header = first.map((h) => h.trim().toLowerCase());
        return header;
      },
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      info: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (error) {
    const text = messageOf(error);
    throw new UserError(`cannot parse ${file}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`, { cause: error });
  }
  if (header.length === 0) throw new UserError(`${file} is empty; it needs a header line (${REQUIRED_COLUMNS.join(', ')}) and one row per measurement`);
  checkHeader(file, header);
  if (records.length === 0) throw new UserError(`${file} has a header but no rows`);

  const models = new Map<string, ModelSpec>();
  const rows: Measurement[] = [];
  const ids = new Set<string>();
  for (const { record, info } of records) {
    const c: Cells = { file, line: info.lines, record };
    const modelName = cell(c, 'model');
    if (modelName === '') throw problem(c, 'model is empty; give a catalog id (ridgeline models list) or a path to a config.json');
    let model = models.get(modelName);
    if (model === undefined) {
      try {
        model = await resolveModel(modelName, dirname(full));
      } catch (error) {
        throw problem(c, messageOf(error));
      }
      models.set(modelName, model);
    }
    const tp = positiveInteger(c, 'tp');
    const pp = positiveInteger(c, 'pp', 1);
    const id = cell(c, 'id') === '' ? `line ${c.line}` : cell(c, 'id');
    if (ids.has(id)) throw problem(c, `id "${id}" is used by an earlier row; give each row its own id`);
    ids.add(id);
    const config = {
      model,
      chip,
      chips: positiveInteger(c, 'chips'),
      parallelism: { tp, pp, ep: positiveInteger(c, 'ep', 1) },
      batch: positiveInteger(c, 'batch'),
      inputTokens: positiveInteger(c, 'input'),
      outputTokens: positiveInteger(c, 'output'),
      precision: {
        weights: precision(c, 'weights'),
        kvCache: precision(c, 'kv'),
        activations: precision(c, 'activations'),
        // an FP4 checkpoint's attention held wider (docs/MODEL.md §1.2); empty: the weights
        ...(cell(c, 'attention_weights') === '' ? {} : { attentionWeights: precision(c, 'attention_weights') }),
      },
      schedule: schedule(c),
      chunkTokens: positiveInteger(c, 'chunk_tokens', PREFILL_CHUNK_TOKENS),
      // the engine's cap on requests in flight, where the benchmark ran above it (docs/MODEL.md §6)
      ...(cell(c, 'max_batch') === '' ? {} : { maxBatch: maxBatch(c) }),
      ...(await servingOptions(c, dirname(full), schedule(c))),
    };
    // a closed-loop run's clients: every replica's requests in flight (every decode worker's, disaggregated)
    const replicas = config.disaggregation?.decodeWorkers ?? Math.max(1, Math.floor(config.chips / (tp * pp)));
    const run = closedLoopRun(c, config.batch * replicas);
    const row: MeasuredInferenceRow = { id, config, metric: metric(c), measured: measuredValue(c), ...(run === undefined ? {} : { run }) };
    checkPossible(c, row);
    const curve = cell(c, 'curve');
    rows.push({ row, line: c.line, model: modelName, ...(curve === '' ? {} : { curve }) });
  }
  return { file, rows };
}
