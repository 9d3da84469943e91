import { curveOf } from './inferencex-fit.ts';
import { activeDecodeWorkers, inferencexConfig, inferencexRun, type InferencexRow } from './inferencex.ts';

/**
 * InferenceX rows as the measurements CSV of `ridgeline calibrate` (the columns of the plugin
 * guide): each row as its configuration reads it (`inferencexConfig`, every serving option the
 * validation gives it) with its benchmark run (`inferencexRun`), measured twice, as
 * `tokens_per_s_per_chip` (`tput_per_gpu`) and `tpot_s` (1 / `median_intvty`): the two figures
 * `pnpm validate --fit` fits, and its curve (`curveOf`). So `ridgeline calibrate --serving` on it
 * runs the first-party fit of those rows (docs/MODEL.md §9), one curve left out at a time for the
 * error out of sample, the MTP acceptance on the chip's rows alone where the validation pools a
 * stack's over every chip.
 */

/** The columns, in order. */
export const CALIBRATE_CSV_HEADER =
  'id,model,chips,tp,ep,batch,max_batch,input,output,weights,kv,activations,attention_weights,chunk_tokens,attention,speculative,draft_tokens,prefill_workers,decode_workers,prefill_tp,prefill_ep,prefill_attention,receive_interval,requests_per_client,output_sd,curve,metric,value';

/** A measured figure or a derived one in the CSV: 6 significant digits (a measurement's 5, and a margin). */
function figure(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/**
 * Why a row cannot be written: a disaggregated row with idle decode workers (fewer clients than
 * workers) is predicted over all the row's GPUs (`predictedTputPerGpu`), which the CSV's workers
 * cannot state; a run whose clients are not the CSV's batch × workers.
 */
export function calibrateCsvExclusion(row: InferencexRow): string | undefined {
  if (row.disagg && activeDecodeWorkers(row) < row.decodeNumWorkers) return 'idle decode workers';
  const config = inferencexConfig(row, 'continuous');
  const workers = config.disaggregation?.decodeWorkers ?? 1;
  if (inferencexRun(row).clients !== config.batch * workers) return 'clients not a multiple of the decode workers';
  return undefined;
}

/**
 * The CSV of `rows` (those `calibrateCsvExclusion` leaves in), after `comments` (each a `#` line).
 *
 * @example
 * calibrateCsv(rows.filter((r) => r.hardware === 'mi355x' && r.framework === 'atom'), ['MI355X ATOM rows']);
 */
export function calibrateCsv(rows: readonly InferencexRow[], comments: readonly string[] = []): string {
  const lines = rows.flatMap((row) => {
    if (calibrateCsvExclusion(row) !== undefined) return [];
    const c = inferencexConfig(row, 'continuous');
    const d = c.disaggregation;
    const run = inferencexRun(row);
    const cells = [
      c.model.id, c.chips, c.parallelism.tp, c.parallelism.ep, c.batch, c.maxBatch ?? '', c.inputTokens, c.outputTokens,
      c.precision.weights, c.precision.kvCache, c.precision.activations, c.precision.attentionWeights ?? '', c.chunkTokens ?? '',
      c.attentionSharding ?? 'heads', c.speculative?.mode ?? 'none', c.speculative?.draftTokens ?? '',
      d?.prefillWorkers ?? '', d?.decodeWorkers ?? '', d?.prefillTp ?? '', d?.prefillEp ?? '', d?.prefillAttention ?? '',
      c.receiveInterval ?? '', run.requestsPerClient, figure(run.outputTokensSd),
      // the fit's curve (chip, framework, precision, MTP or not): one is left out at a time
      curveOf(row),
    ];
    return [
      [`inferencex ${row.line} tput`, ...cells, 'tokens_per_s_per_chip', figure(row.tputPerGpu)].join(','),
      [`inferencex ${row.line} tpot`, ...cells, 'tpot_s', figure(1 / row.medianIntvty)].join(','),
    ];
  });
  return [...comments.map((c) => `# ${c}`), CALIBRATE_CSV_HEADER, ...lines, ''].join('\n');
}
