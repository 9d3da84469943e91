import { formatExactCount } from '@ridgeline/format';
import { DEFAULT_MOE_IMBALANCE, DEFAULT_PUE, PREFILL_CHUNK_TOKENS } from '@ridgeline/model';
import { isTrainingRow, type AnySweepRow, type AnySweepSpec, type HardwareEntry } from '@ridgeline/engine';
import { shellCommand } from './shell.ts';

/** What a sweep row's configuration needs besides the row: the spec and the chips it resolved. */
export interface DetailsContext {
  readonly spec: AnySweepSpec;
  /** The chip id each of `spec.hardware` resolved to, in the same order. */
  readonly chipIds: readonly string[];
  /** The `--plugin` values the sweep ran with. */
  readonly plugins: readonly string[];
  /** The `--stack` the sweep ran with, if any. */
  readonly stack?: string;
}

function flag(name: string, value: string | number): string[] {
  return [`--${name}`, String(value)];
}

/**
 * The `ridgeline estimate` or `ridgeline train` command that reproduces one sweep row, with the
 * report behind its figures; undefined when no command line can name its model, draft model or chip
 * (one given inline in the spec, or one chip listed at two prices).
 *
 * @example
 * detailsCommand(result.top.rows[0], { spec, chipIds, plugins: [] });
 * // 'ridgeline estimate --model llama-3.1-70b --hardware h100-sxm --chips 8 --tp 8 …'
 */
export function detailsCommand(row: AnySweepRow, context: DetailsContext): string | undefined {
  const { spec, chipIds, plugins } = context;
  if (spec.models.some((m) => typeof m !== 'string' && m.id === row.model)) return undefined;
  const drafting = !isTrainingRow(row) && row.speculative === 'draft';
  const draftModels = 'draftModels' in spec ? (spec.draftModels ?? []) : [];
  if (drafting && draftModels.some((m) => typeof m !== 'string' && m.id === row.draftModel)) return undefined;
  const entries: HardwareEntry[] = spec.hardware.filter((_, i) => chipIds[i] === row.hardware);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined) return undefined;
  // The user's own spelling of the chip (an id, an alias or a plugin path) resolves as it did in the sweep.
  const common = [...flag('model', row.model), ...flag('hardware', entry.chip)];
  const tail = [
    ...(row.commOverlap === 'auto' ? [] : flag('overlap', row.commOverlap)),
    ...(entry.usdPerChipHour === undefined ? [] : flag('price', entry.usdPerChipHour)),
    ...(context.stack === undefined ? [] : flag('stack', context.stack)),
    ...plugins.flatMap((p) => flag('plugin', p)),
  ];
  const words = isTrainingRow(row)
    ? [
        'train',
        ...common,
        ...flag('chips', row.chips),
        ...flag('dp', row.dp),
        ...flag('tp', row.tp),
        ...flag('pp', row.pp),
        ...flag('cp', row.cp),
        ...flag('ep', row.ep),
        ...flag('seq', row.sequenceLength),
        ...flag('global-batch', row.globalBatch),
        ...flag('micro-batch', row.microBatch),
        ...(row.virtualStages === 1 ? [] : flag('virtual-stages', row.virtualStages)),
        ...flag('tokens', formatExactCount(row.totalTokens)),
        ...flag('precision', row.precision),
        ...flag('zero', row.zeroStage),
        ...flag('recompute', row.recompute),
        ...(row.sequenceParallel === 'auto' ? [] : flag('sequence-parallel', row.sequenceParallel ? 'on' : 'off')),
        ...(row.optimizerBytesPerParam === 12 ? [] : flag('optimizer-bytes', row.optimizerBytesPerParam)),
        ...tail,
      ]
    : [
        'estimate',
        ...common,
        ...flag('chips', row.chips),
        ...flag('tp', row.tp),
        ...flag('pp', row.pp),
        ...(row.ep === 1 ? [] : flag('ep', row.ep)),
        ...(row.redundantExperts === 'auto' ? [] : flag('redundant-experts', row.redundantExperts)),
        ...flag('batch', row.batch),
        ...flag('input', row.inputTokens),
        ...flag('output', row.outputTokens),
        ...flag('weights', row.weights),
        ...flag('kv', row.kvCache),
        ...flag('activations', row.activations),
        // a row from an older result has none: its attention weights were its weights
        ...(row.attentionWeights === undefined || row.attentionWeights === row.weights ? [] : flag('attention-weights', row.attentionWeights)),
        ...(row.attentionSharding === 'heads' ? [] : flag('attention', row.attentionSharding)),
        ...(row.moeImbalance === DEFAULT_MOE_IMBALANCE ? [] : flag('moe-imbalance', row.moeImbalance)),
        ...(row.schedule === 'continuous' ? [] : flag('schedule', row.schedule)),
        ...(row.chunkTokens === PREFILL_CHUNK_TOKENS ? [] : flag('chunk-tokens', row.chunkTokens)),
        ...(row.speculative === 'none'
          ? []
          : [
              ...flag('speculative', row.speculative),
              ...(drafting && row.draftModel !== null ? flag('draft-model', row.draftModel) : []),
              ...(row.draftTokens === 1 ? [] : flag('draft-tokens', row.draftTokens)),
              // always stated: a draft model has no default acceptance, and MTP's default is the chip's
              // serving stack's (efficiency.mtpAcceptance), which a profile flag may change
              ...flag('acceptance', row.acceptance),
            ]),
        // the sweep's facility, so the reproduced facility figures are the row's
        ...('pue' in spec && spec.pue !== undefined && spec.pue !== DEFAULT_PUE ? flag('pue', spec.pue) : []),
        ...tail,
      ];
  // Plugin paths and ids never contain spaces in practice; quote one that does, for a POSIX shell.
  return shellCommand(['ridgeline', ...words]);
}
