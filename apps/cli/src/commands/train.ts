import { defineCommand, type CommandDef } from 'citty';
import { formatBytes, formatCount, formatDuration, formatEnergy, formatInteger, formatNumber, formatPercent, formatTokenRate, formatUsd, table } from '@ridgeline/format';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { chipOnProfile, profileFlag } from '../profile-flag.ts';
import { calibrationLine } from '../calibration-text.ts';
import {
  InputError,
  RECOMPUTE_MODES,
  WORKLOAD_LIMITS,
  estimateTraining,
  limitText,
  type FeasibleTrainingResult,
  type Recompute,
  type TrainingConfig,
  type TrainingResult,
} from '@ridgeline/model';
import { decimal, numberInRange, positiveInteger } from '../args.ts';
import { quoted, UserError } from '../errors.ts';
import { renderInfeasibleTraining, trainingFix } from '../infeasible.ts';
import { ioOf } from '../io.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { placeholderWarning, resolveChip } from '../registry.ts';
import { resolveModel } from '../resolve-model.ts';

const PRECISION_OPTIONS: Precision[] = [...PRECISIONS];
const RECOMPUTE_OPTIONS: Recompute[] = [...RECOMPUTE_MODES];
const ZERO_OPTIONS: string[] = ['0', '1', '2', '3'];
const SEQUENCE_PARALLEL_OPTIONS: string[] = ['auto', 'on', 'off'];

const args = {
  model: { type: 'string', required: true, valueHint: 'id|config.json', description: 'Model id or alias, or a path to a Hugging Face config.json' },
  hardware: { type: 'string', required: true, valueHint: 'id|plugin[#chip]', description: 'Chip id or alias, or a hardware plugin file/package' },
  chips: { type: 'string', valueHint: 'N', description: 'Total chips, DP·TP·PP·CP (default: that product)' },
  dp: { type: 'string', valueHint: 'n', description: 'Data-parallel degree (default: chips/(tp·pp·cp), else 1)' },
  tp: { type: 'string', valueHint: 'n', default: '1', description: 'Tensor-parallel degree' },
  pp: { type: 'string', valueHint: 'n', default: '1', description: 'Pipeline-parallel degree (1F1B)' },
  cp: { type: 'string', valueHint: 'n', default: '1', description: 'Context-parallel degree (sequence split)' },
  ep: { type: 'string', valueHint: 'n', default: '1', description: 'Expert-parallel degree (MoE models)' },
  seq: { type: 'string', valueHint: 'tokens', default: '4096', description: 'Sequence length S' },
  'global-batch': { type: 'string', valueHint: 'sequences', description: 'Sequences per optimizer step G (default: dp·micro-batch·8)' },
  'micro-batch': { type: 'string', valueHint: 'sequences', default: '1', description: 'Sequences per micro-batch b' },
  'virtual-stages': { type: 'string', valueHint: 'v', default: '1', description: 'Model chunks per pipeline stage (interleaved 1F1B)' },
  tokens: { type: 'string', valueHint: 'T', default: '1e12', description: 'Tokens of the whole run T_total (e.g. 15e12)' },
  precision: { type: 'enum', options: PRECISION_OPTIONS as Precision[], default: 'bf16', description: 'Weights, gradients and matmuls' },
  zero: { type: 'enum', options: ZERO_OPTIONS as string[], default: '1', description: 'ZeRO/FSDP stage (optimizer, +gradients, +weights sharded over DP)' },
  recompute: { type: 'enum', options: RECOMPUTE_OPTIONS as Recompute[], default: 'selective', description: 'Activation recomputation' },
  'sequence-parallel': {
    type: 'enum',
    options: SEQUENCE_PARALLEL_OPTIONS as string[],
    default: 'auto',
    description: 'Megatron sequence parallelism: shards the activations outside attention and MLP over TP (auto: on when TP > 1)',
  },
  'optimizer-bytes': { type: 'string', valueHint: 'bytes', default: '12', description: 'Optimizer state bytes per parameter, 0 to 64 (12: fp32 master weights and two Adam moments)' },
  overlap: { type: 'string', valueHint: '0..1', description: "Fraction of communication hidden behind compute (default: the chip's)" },
  stack: { type: 'string', valueHint: 'name', description: "Efficiency profile of a software stack or era (e.g. 2023); a chip without it keeps its usual efficiencies, with a note (default: each chip's own efficiencies)" },
  'efficiency-profile': { type: 'string', valueHint: 'name', description: 'The same as --stack, by its general name' },
  price: { type: 'string', valueHint: 'usd/h', description: "Price per chip-hour in USD, 0 to 1e6 (default: the chip's list price)" },
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print the full result as JSON' },
} as const;

function train(config: TrainingConfig): TrainingResult {
  try {
    return estimateTraining(config);
  } catch (error) {
    if (error instanceof InputError) throw new UserError(error.message, { cause: error });
    throw error;
  }
}

function positiveTokens(raw: string): number {
  // decimal or exponent notation only: Number() would also take hex, binary and octal literals
  const value = decimal(raw);
  if (value === undefined || value <= 0) throw new UserError(`--tokens must be a positive number of tokens, such as 15e12, got ${quoted(raw)}`);
  if (value > WORKLOAD_LIMITS.totalTokens) throw new UserError(`--tokens must be at most ${limitText(WORKLOAD_LIMITS.totalTokens)}, got ${quoted(raw)}`);
  return value;
}

function renderTraining(r: FeasibleTrainingResult, modelName: string, chip: ChipSpec): string {
  const chipName = chip.name;
  const i = r.inputs;
  const { dp, tp, pp, cp, ep } = i.parallelism;
  const m = r.memoryPerChipBytes;
  const lines = [
    `${modelName} training on ${i.chips} × ${chipName}`,
    `  dp ${dp} · tp ${tp} · pp ${pp} · cp ${cp} · ep ${ep} · seq ${i.sequenceLength} · global batch ${i.globalBatch} · micro-batch ${i.microBatch}${i.unevenPipeline ? ' · uneven pipeline' : ''}`,
    `  ${i.precision} · ZeRO ${i.zeroStage} · recompute ${i.recompute} · ${formatUsd(i.usdPerChipHour)} per chip-hour`,
    '',
    'Step',
    table([
      ['step time', formatDuration(r.stepTimeS)],
      ['micro-batches', `${r.microBatches} (${i.virtualStages > 1 ? `interleaved ×${i.virtualStages} ` : ''}1F1B bubble ${formatPercent(r.bubbleFraction)})`],
      ['exposed gradient sync', formatDuration(r.dataParallelS)],
      ['tokens/s', `${formatTokenRate(r.tokensPerS)} (${formatTokenRate(r.tokensPerSPerChip)} per chip)`],
      ['MFU (6N)', formatPercent(r.mfu)],
      ['MFU with attention', formatPercent(r.mfuWithAttention)],
      ['HFU', formatPercent(r.hfu)],
      ['bound', r.bound],
    ]).replace(/^/gm, '  '),
    '',
    'Memory per chip',
    table([
      ['weights', formatBytes(m.weights)],
      ['gradients', formatBytes(m.gradients)],
      ['optimizer', formatBytes(m.optimizer)],
      ['activations', formatBytes(m.activations)],
      ['total', `${formatBytes(m.total)} of ${formatBytes(m.capacity)} usable`],
    ]).replace(/^/gm, '  '),
    '',
    `Run of ${formatCount(i.totalTokens)} tokens`,
    table([
      // fewer tokens than one step takes: not "15.9 µs (0 steps)"
      ['time', r.steps < 1 ? `less than one step (${formatDuration(r.stepTimeS)} per step)` : `${formatDuration(r.totalTimeS)} (${formatInteger(r.steps)} steps)`],
      ['chip-hours', formatInteger(r.chipHours)],
      ['cost', formatUsd(r.costUsd)],
      // a run's energy reads in MWh, as grid contracts and sustainability reports quote it
      ['energy', `${formatNumber(r.energyJ / 3.6e9)} MWh (${formatEnergy(r.energyJ / i.totalTokens)} per token)`],
    ]).replace(/^/gm, '  '),
    '',
    `What limits it: ${r.explanation}`,
    calibrationLine([chip]),
  ];
  return `${lines.join('\n')}\n`;
}

/** `ridgeline train`: step time, MFU, memory, total time, cost and energy of a training run. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'train', description: 'Estimate step time, MFU, memory, and the time, cost and energy of a training run' },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const W = WORKLOAD_LIMITS;
    const tp = positiveInteger('tp', a.tp, W.chips) ?? 1;
    const pp = positiveInteger('pp', a.pp, W.chips) ?? 1;
    const cp = positiveInteger('cp', a.cp, W.chips) ?? 1;
    const ep = positiveInteger('ep', a.ep, W.chips) ?? 1;
    const chipsArg = positiveInteger('chips', a.chips, W.chips);
    let dp = positiveInteger('dp', a.dp, W.chips);
    if (dp === undefined) {
      if (chipsArg !== undefined && chipsArg % (tp * pp * cp) !== 0) {
        throw new UserError(`--chips (${chipsArg}) must be a multiple of tp·pp·cp (${tp * pp * cp}); or give --dp as well`);
      }
      dp = chipsArg === undefined ? 1 : chipsArg / (tp * pp * cp);
    }
    const chips = chipsArg ?? dp * tp * pp * cp;
    const sequenceLength = positiveInteger('seq', a.seq, W.tokens) ?? 4096;
    const microBatch = positiveInteger('micro-batch', a['micro-batch'], W.batch) ?? 1;
    const virtualStages = positiveInteger('virtual-stages', a['virtual-stages'], W.virtualStages) ?? 1;
    // Without --global-batch: 8 micro-batches per replica, a common gradient-accumulation depth.
    const globalBatch = positiveInteger('global-batch', a['global-batch'], W.batch) ?? dp * microBatch * 8;
    const totalTokens = positiveTokens(a.tokens);
    const commOverlap = numberInRange('overlap', a.overlap, { min: 0, max: 1 });
    const price = numberInRange('price', a.price, { min: 0, what: 'a price in USD per chip-hour (a number ≥ 0)', limit: W.usdPerChipHour, unit: 'USD per chip-hour' });
    const optimizerBytesPerParam =
      numberInRange('optimizer-bytes', a['optimizer-bytes'], { min: 0, what: 'a number of bytes per parameter (≥ 0)', limit: W.optimizerBytesPerParam, unit: 'bytes per parameter' }) ?? 12;
    const sequenceParallel = a['sequence-parallel'] === 'auto' ? undefined : a['sequence-parallel'] === 'on';
    const model = await resolveModel(a.model, io.cwd);
    const resolved = await resolveChip(a.hardware, { cwd: io.cwd, plugins: pluginFlags(rawArgs), warn: (msg) => io.stderr(`ridgeline: note: ${msg}\n`) });
    const chip = chipOnProfile(resolved, profileFlag(a.stack, a['efficiency-profile']), (m) => io.stderr(`ridgeline: note: ${m}\n`));
    const warning = placeholderWarning(chip);
    if (warning !== undefined) io.stderr(`ridgeline: warning: ${warning}\n`);
    const config: TrainingConfig = {
      model,
      chip,
      chips,
      parallelism: { dp, tp, pp, cp, ep },
      sequenceLength,
      globalBatch,
      microBatch,
      virtualStages,
      totalTokens,
      precision: a.precision,
      zeroStage: Number(a.zero) as 0 | 1 | 2 | 3,
      recompute: a.recompute,
      optimizerBytesPerParam,
      ...(sequenceParallel === undefined ? {} : { sequenceParallel }),
      ...(commOverlap === undefined ? {} : { commOverlap }),
      ...(price === undefined ? {} : { usdPerChipHour: price }),
    };
    const result = train(config);
    // An infeasible configuration is an answer, not a mistake: it is reported and exits 0.
    if (a.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.feasible) io.stdout(renderTraining(result, model.name, chip));
    else io.stdout(renderInfeasibleTraining(result, model.name, chip.name, trainingFix(config, result, rawArgs)));
  },
});

export default command;
