import { formatBytes, formatDuration, formatInteger, formatNumber, formatPercent } from '@ridgeline/format';
import type { Bound, DisaggregationBound, InferenceConfig, InferenceResult, MemoryBreakdown } from '@ridgeline/model';

/**
 * A disaggregated deployment as the page draws it: the prefill pool feeding the decode pool over
 * the KV-transfer link, and which of the three sets the request rate. Every figure is the model's
 * (`InferenceResult.disaggregation` and the phases); this only picks them out and puts them in
 * words, so the picture and its text alternative say the same thing.
 */

/** One pool of workers. */
export interface Pool {
  readonly role: 'prefill' | 'decode';
  readonly workers: number;
  readonly chipsPerWorker: number;
  /** workers · chipsPerWorker. */
  readonly chips: number;
  readonly chipId: string;
  readonly chipName: string;
  /** The worker's layout, e.g. `tp 8 · ep 1`. */
  readonly layout: string;
  /**
   * How busy the pool is: for prefill, the share of time its workers run an iteration
   * (`prefillBusyShare`); for decode, the share of its batch in flight that decodes (1 − its idle share).
   */
  readonly utilisation: number;
  /** Prefill: one iteration of `chunkTokens` prompt tokens; decode: TPOT. Seconds. */
  readonly timeS: number;
  /** What limits that time. */
  readonly bound: Bound;
  /** One chip of the worker. */
  readonly memoryPerChip: MemoryBreakdown;
}

/** The KV cache of one request, moved from its prefill worker to its decode worker. */
export interface KvLink {
  readonly bytes: number;
  readonly seconds: number;
  readonly kind: 'scale-up' | 'scale-out';
}

/** Both pools, the link, the request rate and what sets it. */
export interface TwoPools {
  readonly prefill: Pool;
  readonly decode: Pool;
  readonly link: KvLink;
  /** Requests per second of the whole deployment. */
  readonly requestsPerS: number;
  /** The pool or link that sets the request rate. */
  readonly binds: DisaggregationBound;
  /** Tokens of one prefill iteration. */
  readonly chunkTokens: number;
  /**
   * The prefill a prompt sees at this load: the prompts its iteration runs (1 alone, up to the
   * budget's; below 1 when it spans several iterations), its seconds, and a lone prompt's
   * iterations on its attention rank (docs/MODEL.md §8).
   */
  readonly promptPrefill: { readonly prompts: number; readonly seconds: number; readonly loneIterations: number };
  /** The model's notes (an estimated link figure). */
  readonly notes: readonly string[];
}

/**
 * The two pools of a disaggregated result; null for a configuration where one engine does both
 * (or an infeasible one). `config` is the one the result is for: it names the chips.
 *
 * @example
 * const pools = twoPools(estimateInference(config), config);
 * pools?.binds; // 'decode'
 * pools?.prefill.utilisation; // 0.961 (disaggregation.prefillBusyShare: the share of time it runs an iteration)
 */
export function twoPools(result: InferenceResult, config: InferenceConfig): TwoPools | null {
  if (!result.feasible) return null;
  const d = result.disaggregation;
  if (d === null) return null;
  const { tp, pp, ep } = result.inputs.parallelism;
  const prefillChip = d.prefillChip === config.chip.id ? config.chip : (config.disaggregation?.prefillChip ?? config.chip);
  const p = d.prefillParallelism;
  return {
    prefill: {
      role: 'prefill',
      workers: d.prefillWorkers,
      chipsPerWorker: d.prefillChips / d.prefillWorkers,
      chips: d.prefillChips,
      chipId: prefillChip.id,
      chipName: prefillChip.name,
      layout: `tp ${p.tp} · ep ${p.ep}${p.attention === 'dp' ? ' · dp attention' : ''}`,
      utilisation: d.prefillBusyShare,
      timeS: d.prefillIterationS,
      bound: result.bound.prefill,
      memoryPerChip: d.prefillMemoryPerChipBytes,
    },
    decode: {
      role: 'decode',
      workers: d.decodeWorkers,
      chipsPerWorker: d.decodeChips / d.decodeWorkers,
      chips: d.decodeChips,
      chipId: config.chip.id,
      chipName: config.chip.name,
      layout: `tp ${tp} · pp ${pp} · ep ${ep}${result.inputs.attentionSharding === 'dp' ? ' · dp attention' : ''}`,
      utilisation: 1 - d.decodeIdleShare,
      timeS: result.tpotS,
      bound: result.bound.decode,
      memoryPerChip: result.memoryPerChipBytes,
    },
    link: { bytes: d.kvTransferBytes, seconds: d.kvTransferS, kind: d.kvLink },
    promptPrefill: { prompts: d.promptsPerPrefillIteration, seconds: d.promptPrefillS, loneIterations: d.lonePromptIterations },
    requestsPerS: d.requestsPerS,
    binds: d.bound,
    chunkTokens: result.serving?.chunkTokens ?? 0,
    notes: d.notes,
  };
}

/** What sets the request rate, in words. */
export function bindsText(binds: DisaggregationBound): string {
  return binds === 'kv-transfer' ? 'the KV transfer' : `the ${binds} pool`;
}

function poolText(pool: Pool): string {
  const chips = `${formatInteger(pool.workers)} ${pool.workers === 1 ? 'worker' : 'workers'} × ${formatInteger(pool.chipsPerWorker)} ${pool.chipName} = ${formatInteger(pool.chips)} ${pool.chips === 1 ? 'chip' : 'chips'} (${pool.layout})`;
  const time = pool.role === 'prefill' ? `one iteration takes ${formatDuration(pool.timeS)}` : `TPOT ${formatDuration(pool.timeS)}`;
  return `${pool.role === 'prefill' ? 'Prefill' : 'Decode'} pool: ${chips}, ${formatPercent(pool.utilisation)} utilised; ${time}, ${pool.bound}-bound.`;
}

/** A lone prompt's prefill: one iteration of itself, or several on its rank (longer than the rank's share of the budget). */
export function loneText(iterations: number): string {
  return iterations > 1 ? `${formatInteger(iterations)} iterations of itself on its attention rank` : 'an iteration of itself alone';
}

/** How a prompt gets through the prefill pool at this load, in a sentence. */
function promptPrefillText({ prompts, seconds, loneIterations }: TwoPools['promptPrefill']): string {
  const what = prompts < 1 ? 'its full iterations' : prompts === 1 ? loneText(loneIterations) : `an iteration of ${formatNumber(prompts)} prompts`;
  return `A prompt's own prefill: ${what}, ${formatDuration(seconds)}.`;
}

/**
 * The picture in sentences, for a screen reader and as its caption: the rate and what sets it,
 * each pool, the link, and the model's notes.
 *
 * @example
 * twoPoolsWords(pools);
 * // ['22.2 requests/s, set by the decode pool.',
 * //  'Prefill pool: 2 workers × 8 NVIDIA H100 SXM5 80GB = 16 chips (tp 8 · ep 1), 96.1% utilised; one iteration takes 347 ms, compute-bound.',
 * //  "A prompt's own prefill: an iteration of 3.84 prompts, 335 ms.",
 * //  'KV transfer: 671 MB per request in 3.36 ms over scale-out links.', 'Decode pool: …']
 */
export function twoPoolsWords(pools: TwoPools): string[] {
  const link = pools.link;
  return [
    `${formatNumber(pools.requestsPerS)} requests/s, set by ${bindsText(pools.binds)}.`,
    poolText(pools.prefill),
    promptPrefillText(pools.promptPrefill),
    `KV transfer: ${formatBytes(link.bytes)} per request in ${formatDuration(link.seconds)} over ${link.kind === 'scale-up' ? 'the scale-up domain' : 'scale-out links'}.`,
    poolText(pools.decode),
    ...pools.notes.map((n) => `Note: ${n}`),
  ];
}
