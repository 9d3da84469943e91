import { MAX_DRAFT_TOKENS, MAX_WORKERS, WORKLOAD_LIMITS, type DisaggregationConfig, type Schedule, type SpeculativeMode } from '@ridgeline/model';
import { positiveInteger, probabilityList } from './args.ts';
import { quoted, UserError } from './errors.ts';

/**
 * The serving options `ridgeline estimate` takes as flags and `ridgeline calibrate` as columns of a
 * measurements CSV (the flag's name with `_` for `-`): speculative decoding and disaggregation,
 * checked once for both. Errors name the flag (`--draft-tokens`); `asColumns` renames them for a CSV.
 */

/** The speculative-decoding options as given (strings, as flags and CSV cells arrive). */
export interface SpeculativeFlags {
  readonly speculative: SpeculativeMode;
  readonly 'draft-tokens'?: string | undefined;
  readonly acceptance?: string | undefined;
  readonly 'draft-model'?: string | undefined;
}

/** The checked speculative options, without the draft model (resolved by the caller, from a path or the catalog). */
export interface SpeculativeOptions {
  readonly mode: Exclude<SpeculativeMode, 'none'>;
  readonly draftTokens?: number;
  /** One probability for every draft position, or one per position. */
  readonly acceptance?: number | readonly number[];
}

/**
 * Checks the speculative-decoding options: undefined with `speculative: 'none'` (and then none of
 * the others may be given).
 *
 * @example
 * speculativeFlags({ speculative: 'mtp', 'draft-tokens': '2' }); // { mode: 'mtp', draftTokens: 2 }
 * speculativeFlags({ speculative: 'none', acceptance: '0.8' }); // throws '--acceptance needs --speculative mtp or draft'
 */
export function speculativeFlags(a: SpeculativeFlags): SpeculativeOptions | undefined {
  const draftTokens = positiveInteger('draft-tokens', a['draft-tokens']);
  if (draftTokens !== undefined && draftTokens > MAX_DRAFT_TOKENS) throw new UserError(`--draft-tokens must be a positive integer up to ${MAX_DRAFT_TOKENS}, got ${quoted(a['draft-tokens'] ?? '')}`);
  const acceptance = probabilityList('acceptance', a.acceptance);
  for (const [flag, given] of [['draft-tokens', draftTokens], ['acceptance', acceptance], ['draft-model', a['draft-model']]] as const) {
    if (a.speculative === 'none' && given !== undefined) throw new UserError(`--${flag} needs --speculative mtp or draft`);
  }
  if (a.speculative !== 'draft' && a['draft-model'] !== undefined) throw new UserError('--draft-model needs --speculative draft (mtp drafts with the model\'s own module)');
  if (a.speculative === 'draft' && a['draft-model'] === undefined) throw new UserError('--speculative draft needs --draft-model: the small model that drafts the tokens (a catalog id or config.json)');
  if (a.speculative === 'draft' && acceptance === undefined) throw new UserError('--speculative draft needs --acceptance: the probability each draft token is accepted (one value, or one per draft token)');
  if (draftTokens !== undefined && acceptance !== undefined && acceptance.length > 1 && acceptance.length !== draftTokens) {
    throw new UserError(`--acceptance lists ${acceptance.length} probabilities for --draft-tokens ${draftTokens}; give one per draft token, or a single value for all`);
  }
  if (a.speculative === 'none') return undefined;
  return {
    mode: a.speculative,
    ...(draftTokens === undefined ? {} : { draftTokens }),
    ...(acceptance === undefined ? {} : { acceptance: acceptance.length === 1 ? (acceptance[0] as number) : acceptance }),
  };
}

/** The disaggregation options as given. */
export interface DisaggregationFlags {
  readonly 'prefill-workers'?: string | undefined;
  readonly 'decode-workers'?: string | undefined;
  readonly 'prefill-tp'?: string | undefined;
  readonly 'prefill-ep'?: string | undefined;
  readonly 'prefill-attention'?: 'heads' | 'dp' | undefined;
  readonly 'prefill-hardware'?: string | undefined;
}

/**
 * Checks the disaggregation options: undefined without `prefill-workers` (and then none of the
 * others may be given); disaggregated decode workers batch continuously, so not on a static
 * `schedule`. The prefill chip is the caller's to resolve.
 *
 * @example
 * disaggregationFlags({ 'prefill-workers': '1', 'decode-workers': '3' }, 'continuous'); // { prefillWorkers: 1, decodeWorkers: 3 }
 * disaggregationFlags({ 'prefill-tp': '8' }, 'continuous'); // throws '--prefill-tp needs --prefill-workers (disaggregated prefill and decode)'
 */
export function disaggregationFlags(a: DisaggregationFlags, schedule: Schedule): DisaggregationConfig | undefined {
  const workers = (flag: 'prefill-workers' | 'decode-workers'): number | undefined => {
    const n = positiveInteger(flag, a[flag]);
    if (n !== undefined && n > MAX_WORKERS) throw new UserError(`--${flag} must be a positive integer up to ${MAX_WORKERS}, got ${quoted(a[flag] ?? '')}`);
    return n;
  };
  const prefillWorkers = workers('prefill-workers');
  const decodeWorkers = workers('decode-workers');
  const prefillTp = positiveInteger('prefill-tp', a['prefill-tp'], WORKLOAD_LIMITS.chips);
  const prefillEp = positiveInteger('prefill-ep', a['prefill-ep'], WORKLOAD_LIMITS.chips);
  if (prefillWorkers === undefined) {
    for (const flag of ['decode-workers', 'prefill-tp', 'prefill-ep', 'prefill-attention', 'prefill-hardware'] as const) {
      if (a[flag] !== undefined) throw new UserError(`--${flag} needs --prefill-workers (disaggregated prefill and decode)`);
    }
    return undefined;
  }
  if (schedule === 'static') throw new UserError('--prefill-workers needs --schedule continuous: disaggregated decode workers batch continuously');
  return {
    prefillWorkers,
    decodeWorkers: decodeWorkers ?? 1,
    ...(prefillTp === undefined ? {} : { prefillTp }),
    ...(prefillEp === undefined ? {} : { prefillEp }),
    ...(a['prefill-attention'] === undefined ? {} : { prefillAttention: a['prefill-attention'] }),
  };
}

/**
 * Checks one engine's intake interval (`receive-interval`, SGLang's `--scheduler-recv-interval`):
 * iterations between intakes, up to `WORKLOAD_LIMITS.receiveInterval`, on a continuous engine that
 * is not `disaggregated`; undefined when not given.
 *
 * @example
 * receiveIntervalFlag('30', 'continuous', false); // 30
 * receiveIntervalFlag('30', 'static', false); // throws '--receive-interval needs --schedule continuous: …'
 */
export function receiveIntervalFlag(raw: string | undefined, schedule: Schedule, disaggregated: boolean): number | undefined {
  const interval = positiveInteger('receive-interval', raw, WORKLOAD_LIMITS.receiveInterval);
  if (interval === undefined) return undefined;
  if (schedule === 'static') throw new UserError('--receive-interval needs --schedule continuous: a static batch takes its requests at once');
  if (disaggregated) throw new UserError('--receive-interval applies to one engine: not with --prefill-workers');
  return interval;
}

/**
 * A flag error as a CSV column's: `--draft-tokens 3` → `draft_tokens 3`, for a file whose columns
 * are the flags of `ridgeline estimate`.
 *
 * @example
 * asColumns('--prefill-tp needs --prefill-workers'); // 'prefill_tp needs prefill_workers'
 */
export function asColumns(message: string): string {
  return message.replace(/--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/g, (_, flag: string) => flag.replace(/-/g, '_'));
}
