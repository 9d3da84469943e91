import { defineCommand, type CommandDef } from 'citty';
import { formatDuration, formatNumber, formatUsd, table } from '@ridgeline/format';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { DEFAULT_PUE, InputError, WORKLOAD_LIMITS, estimateInference, type CostFigures, type InferenceConfig, type InferenceResult, type ModelSpec, type TcoPrice } from '@ridgeline/model';
import {
  PLAN_MAX_DECODE_WORKERS,
  PLAN_MAX_POWER_BUDGET_W,
  PLAN_MAX_PREFILL_WORKERS,
  PLAN_OBJECTIVES,
  createEngine,
  budgetDisaggregatedMaxChips,
  budgetMaxChips,
  PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS,
  defaultMaxChips,
  facilityPower,
  planBudgetText,
  planChoiceText,
  planServing,
  planUnpoweredText,
  type PlanObjective,
  type PlanPools,
  type PlanPowerBudget,
  type PlanUnpowered,
  type ServingPlanChoice,
} from '@ridgeline/engine';
import { durationSeconds, flagValues, numberInRange, positiveInteger } from '../args.ts';
import { quantity, quantityUnits } from '../units.ts';
import { quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { MODEL_ARG, type ModelArgDef } from '../model-arg.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { chipOnProfile, EFFICIENCY_PROFILE_ARG, profileFlag, STACK_ARG, type ProfileArgDef } from '../profile-flag.ts';
import { costBlock, PRICE_BASIS_ARG, PUE_ARG, pueFlag, TCO_ARGS, TCO_FLAGS, tcoFlags, tcoOf, type PriceBasisArgDef, type StringArgDef } from '../tco-flags.ts';
import { calibrationLine } from '../calibration-text.ts';
import { resolveChip } from '../registry.ts';
import { resolveModel } from '../resolve-model.ts';
import { shellCommand } from '../shell.ts';
import { didYouMean } from '../suggest.ts';

/** The largest chip budget `--max-chips` accepts. */
export const MAX_PLAN_CHIPS: number = 65_536;
/** The largest request rate `--rate` accepts, requests/s. */
export const MAX_PLAN_RATE_RPS: number = 1e9;

const OBJECTIVE_OPTIONS: PlanObjective[] = [...PLAN_OBJECTIVES];

const args = {
  model: MODEL_ARG as ModelArgDef,
  hardware: {
    type: 'string',
    required: true,
    repeatable: true,
    valueHint: 'id|plugin[#chip]',
    description: 'Chip to plan for; repeatable (--hardware h100 --hardware mi300x) or comma-separated',
  },
  input: { type: 'string', valueHint: 'tokens', default: '2048', description: 'Prompt tokens per request' },
  output: { type: 'string', valueHint: 'tokens', default: '256', description: 'Generated tokens per request' },
  ttft: { type: 'string', valueHint: 'duration', description: 'Time-to-first-token target: 2s, 500ms, 1.5min or seconds (0.5)' },
  tpot: { type: 'string', valueHint: 'duration', description: 'Time-per-output-token target: 50ms, 0.05, …' },
  objective: {
    type: 'enum',
    options: OBJECTIVE_OPTIONS as PlanObjective[],
    default: 'throughput',
    description: 'throughput: most output tokens/s per chip; cost: lowest all-in $ per million output tokens; chips: fewest chips serving --rate',
  },
  rate: { type: 'string', valueHint: 'req/s', description: 'Requests per second to serve: sets the replicas (required by --objective chips)' },
  'max-chips': {
    type: 'string',
    valueHint: 'N',
    description: 'Most chips a configuration may use, replicas included (default: one scale-up domain or 64, whichever is larger)',
  },
  precisions: {
    type: 'string',
    valueHint: 'p1,p2,…',
    default: 'bf16,fp8',
    description: 'Precisions tried for weights, KV cache and activations (fp32, bf16, fp16, fp8, int8, fp4, int4); add fp4 on chips that run it',
  },
  'attention-weights': {
    type: 'enum',
    options: [...PRECISIONS] as Precision[],
    description:
      "The attention block's projection weights in every configuration tried, where an FP4 checkpoint keeps them wider (fp8, bf16); the attention block computes at the wider of them and the activations (default: each configuration's weights)",
  },
  disaggregate: {
    type: 'boolean',
    description: `Plan disaggregated prefill and decode: --hardware is then the decode workers' chip, and each answer a replica of prefill workers feeding decode workers, their ratio ${PLAN_MAX_PREFILL_WORKERS}:1 to 1:${PLAN_MAX_DECODE_WORKERS} searched with both pools' layouts; --rate or --power-budget sets the replicas (e.g. ridgeline plan --model deepseek-v3 --hardware h200 --prefill-hardware b200 --ttft 2s --tpot 50ms)` as string,
  },
  'prefill-hardware': {
    type: 'string',
    repeatable: true,
    valueHint: 'id|plugin[#chip]',
    description: 'Chip the prefill workers may run on, each tried; repeatable or comma-separated (default: the decode chip). Implies --disaggregate',
  },
  stack: STACK_ARG as ProfileArgDef,
  'efficiency-profile': EFFICIENCY_PROFILE_ARG as ProfileArgDef,
  // every chip priced by its cost of ownership (docs/MODEL.md §11): --objective cost ranks on it
  'price-basis': PRICE_BASIS_ARG as PriceBasisArgDef,
  'capital-usd': TCO_ARGS['capital-usd'] as StringArgDef,
  'system-capital-usd': TCO_ARGS['system-capital-usd'] as StringArgDef,
  'amortization-years': TCO_ARGS['amortization-years'] as StringArgDef,
  utilization: TCO_ARGS.utilization as StringArgDef,
  'usd-per-kwh': TCO_ARGS['usd-per-kwh'] as StringArgDef,
  'usd-per-kw-month': TCO_ARGS['usd-per-kw-month'] as StringArgDef,
  'power-budget': {
    type: 'string',
    valueHint: 'W|kW|MW|GW',
    description:
      'Facility power to fill, above 0 and at most 10 GW (e.g. 20MW): each chip\'s answer is the layout whose replicas, as many as the budget provisions at chips × (P_max + node overhead) × PUE, serve the most output tokens/s (--objective cost: the lowest $/Mtok); the budget, not --max-chips, bounds the fleet (--max-chips then bounds one replica). With --disaggregate a replica is prefill plus decode workers, both pools provisioned. A chip the budget cannot power one replica of is no answer. Takes --pue; not with --rate (docs/MODEL.md §10)',
  },
  pue: PUE_ARG as StringArgDef,
  plugin: PLUGIN_ARG as PluginArgDef,
  json: {
    type: 'boolean',
    description: 'Print { results: [{ chip, meetsTargets, command, result, chips, disaggregation, … }] }, best first; with --power-budget also unpowered (the chips it cannot power one replica of) and noAnswer (the line said when none is left)',
  },
} as const;

/** One chip's answer as `plan --json` prints it. */
export interface PlanJsonEntry {
  readonly chip: string;
  readonly meetsTargets: boolean;
  /** The arguments after `ridgeline` that reproduce `result`, the first one `estimate`. */
  readonly command: readonly string[];
  /** That estimate's JSON (`ridgeline estimate --json`), with its `cost` block when feasible. */
  readonly result: InferenceResult | (InferenceResult & { readonly cost: CostFigures });
  /** Replicas of `command`'s configuration that serve --rate (1 without it). */
  readonly replicas: number;
  /** Chips of every replica, both pools' with --disaggregate. */
  readonly chips: number;
  /** A disaggregated replica's pools: the prefill:decode workers, their chips, what sets the rate; null otherwise. */
  readonly disaggregation: PlanPools | null;
  readonly limit: ServingPlanChoice['limit'];
  readonly misses: ServingPlanChoice['misses'];
  readonly searched: number;
  readonly meeting: number;
  /** With --power-budget: the fleet the budget powers (replicas, chips, provisioned facility W within the budget, fleet tokens/s, the wall that binds); null otherwise. */
  readonly powerBudget: PlanPowerBudget | null;
}

/** `plan --json` under --power-budget: the answers, the chips the budget cannot power, and the line said when no chip is left. */
export interface PlanBudgetJson {
  readonly results: readonly PlanJsonEntry[];
  /** The chips whose smallest replica provisions more than the budget, the smallest first: no answer. */
  readonly unpowered: readonly PlanUnpowered[];
  /** When every chip is unpowered, the one line the text report prints; null otherwise. */
  readonly noAnswer: string | null;
}

/**
 * The line `plan --power-budget` says when it powers no replica of any chip: the budget as the
 * user spelled it, against the smallest replica's provisioned power.
 *
 * @example
 * noLayoutFits('5kW', [{ chip: 'b200', prefillChip: null, replicaChips: 8, provisionedWPerReplica: 2.1e4 }]);
 * // '--power-budget 5kW is below the smallest replica\'s provisioned power (21.0 kW: 8 b200 chips); no layout fits'
 */
export function noLayoutFits(spelled: string, unpowered: readonly PlanUnpowered[]): string {
  const least = unpowered.reduce<PlanUnpowered | undefined>((a, u) => (a === undefined || u.provisionedWPerReplica < a.provisionedWPerReplica ? u : a), undefined);
  const chips = (u: PlanUnpowered): string =>
    u.prefillChip === null
      ? `${u.replicaChips.toLocaleString('en')} ${u.chip} chip${u.replicaChips === 1 ? '' : 's'}`
      : `${u.replicaChips.toLocaleString('en')} chips, ${u.chip} decoding and ${u.prefillChip} prefilling`;
  const which = least === undefined ? '' : ` (${facilityPower(least.provisionedWPerReplica)}: ${chips(least)})`;
  return `--power-budget ${spelled} is below the smallest replica's provisioned power${which}; no layout fits`;
}

/** An answer's estimate as `estimate --json` prints it: a feasible one with its `cost` block (plan has no --price). */
function answerResult(result: InferenceResult, config: InferenceConfig, tco: TcoPrice | undefined): PlanJsonEntry['result'] {
  return result.feasible ? { ...result, cost: costBlock(result, config, tco, false) } : result;
}

/**
 * `--power-budget`, checked: watts, from a number with an optional unit (W, kW, MW, GW), above 0
 * and at most `PLAN_MAX_POWER_BUDGET_W` (10 GW); undefined when not given.
 *
 * @example
 * powerBudgetFlag('20MW'); // 2e7
 */
export function powerBudgetFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = quantity(raw, 'power') ?? Number.NaN;
  if (!(value > 0) || value > PLAN_MAX_POWER_BUDGET_W) {
    throw new UserError(
      `--power-budget must be a facility power above 0 and at most 10 GW: watts (2e7) or a number with a unit (${quantityUnits('power').join(', ')}; e.g. 20MW, 500kW), got ${quoted(raw)}`,
    );
  }
  return value;
}

function precisionsOf(raw: string): Precision[] {
  const names = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.length === 0) throw new UserError(`--precisions must list one or more of ${PRECISIONS.join(', ')}, got ${quoted(raw)}`);
  const out: Precision[] = [];
  for (const name of names) {
    const found = PRECISIONS.find((p) => p === name);
    if (found === undefined) throw new UserError(`--precisions: unknown precision ${quoted(name)}.${didYouMean(name, PRECISIONS)} Allowed: ${PRECISIONS.join(', ')}`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** A chip flag's values (`--hardware`, `--prefill-hardware`), repeated or comma-separated, in order, without repeats. */
function chipArgs(rawArgs: readonly string[], flag: 'hardware' | 'prefill-hardware', last: string | undefined): string[] {
  const given = flagValues(rawArgs, flag);
  const values = (given.length > 0 ? given : last === undefined ? [] : [last]).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (values.some((v) => v === '')) throw new UserError(`--${flag} must name a chip id, alias or plugin (see "ridgeline hardware list"), got an empty value`);
  return [...new Set(values)];
}

/**
 * The `ridgeline estimate` arguments that reproduce a configuration: the user's own spelling of
 * the model and chips, every flag that matters (a disaggregated one's --prefill-* flags too), and
 * the plugins.
 *
 * @example
 * estimateArgv(config, { model: 'llama-3.1-70b', hardware: 'h100', plugins: [] });
 * // ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '8', …]
 */
export function estimateArgv(
  config: InferenceConfig,
  spelled: {
    readonly model: string;
    readonly hardware: string;
    readonly prefillHardware?: string;
    readonly stack?: string;
    /** The price flags as the user gave them (`--price-basis tco …`), said in place of the price they set. */
    readonly priceArgs?: readonly string[];
    readonly plugins: readonly string[];
  },
): string[] {
  const { tp, pp, ep } = config.parallelism;
  const split = config.disaggregation;
  const attention = config.attentionSharding ?? 'heads';
  return [
    'estimate',
    '--model', spelled.model,
    '--hardware', spelled.hardware,
    '--chips', String(config.chips),
    '--tp', String(tp),
    ...(pp === 1 ? [] : ['--pp', String(pp)]),
    ...(ep === 1 ? [] : ['--ep', String(ep)]),
    '--batch', String(config.batch),
    '--input', String(config.inputTokens),
    '--output', String(config.outputTokens),
    '--weights', config.precision.weights,
    '--kv', config.precision.kvCache,
    '--activations', config.precision.activations,
    ...(config.precision.attentionWeights === undefined ? [] : ['--attention-weights', config.precision.attentionWeights]),
    ...(attention === 'heads' ? [] : ['--attention', attention]),
    ...(split === undefined
      ? []
      : [
          '--prefill-workers', String(split.prefillWorkers),
          '--decode-workers', String(split.decodeWorkers),
          ...(split.prefillTp === undefined ? [] : ['--prefill-tp', String(split.prefillTp)]),
          ...(split.prefillEp === undefined ? [] : ['--prefill-ep', String(split.prefillEp)]),
          ...(split.prefillAttention === undefined || split.prefillAttention === 'heads' ? [] : ['--prefill-attention', split.prefillAttention]),
          ...(split.prefillChip === undefined ? [] : ['--prefill-hardware', spelled.prefillHardware ?? split.prefillChip.id]),
        ]),
    ...(spelled.priceArgs ?? (config.usdPerChipHour === undefined ? [] : ['--price', String(config.usdPerChipHour)])),
    ...(spelled.stack === undefined ? [] : ['--stack', spelled.stack]),
    ...spelled.plugins.flatMap((p) => ['--plugin', p]),
  ];
}

/** One column of the summary table: its header, alignment and cell (a choice with metrics; `—` without). */
interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
  readonly cell: (c: ServingPlanChoice, m: NonNullable<ServingPlanChoice['metrics']>) => string;
}

const dpMark = (attention: string | undefined): string => (attention === 'dp' ? ' dp' : '');

/** The columns of the table, a disaggregated plan's with its pools (workers×chips each), a power-budget plan's with its fleet. */
function columns(disaggregated: boolean, budget: boolean): Column[] {
  const right = (header: string, cell: Column['cell']): Column => ({ header, align: 'right', cell });
  const left = (header: string, cell: Column['cell']): Column => ({ header, align: 'left', cell });
  const layout = [
    right('tp', (c) => String(c.config.parallelism.tp)),
    right('pp', (c) => String(c.config.parallelism.pp)),
    right('ep', (c) => String(c.config.parallelism.ep)),
    right('batch', (c) => String(c.config.batch)),
  ];
  const pools = (c: ServingPlanChoice): PlanPools | null => c.disaggregation;
  return [
    right('chips', (c) => String(c.chips)),
    ...(disaggregated
      ? [
          right('replicas', (c) => String(c.replicas)),
          left('prefill', (c) => `${pools(c)?.prefillWorkers}×${pools(c)?.prefillWorkerChips} ${pools(c)?.prefillChip}${dpMark(c.config.disaggregation?.prefillAttention)}`),
          left('decode', (c) => `${pools(c)?.decodeWorkers}×${pools(c)?.decodeWorkerChips}${dpMark(c.config.attentionSharding)}`),
        ]
      : [right('dp', (c) => String(c.replicas))]),
    ...layout,
    left('w/kv/a', (c) => `${c.config.precision.weights}/${c.config.precision.kvCache}/${c.config.precision.activations}`),
    right('TTFT', (_, m) => formatDuration(m.ttftS)),
    right('TPOT', (_, m) => formatDuration(m.tpotS)),
    right('tok/s/chip', (_, m) => formatNumber(m.tokensPerSPerChip)),
    right('tok/s/user', (_, m) => formatNumber(m.tokensPerSPerUser)),
    right('$/Mtok', (_, m) => formatUsd(m.costPerMillionTokensUsd)),
    ...(budget
      ? [
          right('fleet tok/s', (c) => (c.powerBudget === null ? '—' : formatNumber(c.powerBudget.tokensPerS))),
          right('MW', (c) => (c.powerBudget === null ? '—' : formatNumber(c.powerBudget.provisionedFacilityW / 1e6, 4))),
          left('wall', (c) => c.powerBudget?.binding ?? '—'),
        ]
      : []),
  ];
}

function summary(
  choices: readonly { readonly choice: ServingPlanChoice; readonly command: readonly string[] }[],
  heading: string,
  options: {
    readonly maxChips: (chip: string) => number;
    readonly precisions: readonly Precision[];
    readonly disaggregated: boolean;
    readonly budget: boolean;
    readonly maxChipsGiven: boolean;
    /** A line per chip the power budget cannot power one replica of. */
    readonly unpowered: readonly string[];
    /** The closing `Calibration:` line of the chips planned (and their prefill chips). */
    readonly calibration: string;
  },
): string {
  const cols = columns(options.disaggregated, options.budget);
  const header = ['#', 'chip', 'meets', ...cols.map((c) => c.header)];
  const rows = choices.map(({ choice: c }, i) => [String(i + 1), c.chip, c.meetsTargets ? 'yes' : 'no', ...cols.map((col) => (c.metrics === null ? '—' : col.cell(c, c.metrics)))]);
  const align: ('left' | 'right')[] = ['right', 'left', 'left', ...cols.map((c) => c.align)];
  const lines = [heading, '', table([header, ...rows], align), ''];
  for (const { choice: c } of choices) {
    const why = planChoiceText(c, options.budget && !options.maxChipsGiven ? { precisions: options.precisions, powerBudget: true } : { maxChips: options.maxChips(c.chip), precisions: options.precisions });
    lines.push(`${c.chip}: ${why} (${c.meeting.toLocaleString('en')} of ${c.searched.toLocaleString('en')} configurations meet the targets)`);
    if (c.powerBudget !== null) lines.push(`  ${planBudgetText(c.powerBudget)}`);
  }
  lines.push(...options.unpowered);
  const best = choices[0];
  if (best !== undefined) {
    // a disaggregated replica is one estimate; more of them serve the rate side by side
    const one = best.choice.disaggregation !== null && best.choice.replicas > 1 ? ` (one of its ${best.choice.replicas.toLocaleString('en')} replicas)` : '';
    lines.push('', `Reproduce #1${one}: ${shellCommand(['ridgeline', ...best.command])}`);
  }
  // how far each chip's figures may be off, TTFT's too, beside targets a plan is chosen to meet
  lines.push(options.calibration);
  return `${lines.join('\n')}\n`;
}

const OBJECTIVE_TEXT: Readonly<Record<PlanObjective, string>> = {
  throughput: 'most output tokens/s per chip',
  cost: 'lowest all-in $ per million output tokens',
  chips: 'fewest chips',
};

/** `ridgeline plan`: the best configuration per chip under TTFT and TPOT targets. */
const command: CommandDef<typeof args> = defineCommand({
  meta: {
    name: 'plan',
    description:
      'Find, per chip, the configuration (TP, PP, EP, batch, precisions, replicas; with --disaggregate the prefill:decode workers too) that meets TTFT and TPOT targets with the most throughput, the least cost or the fewest chips',
  },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const inputTokens = positiveInteger('input', a.input, WORKLOAD_LIMITS.tokens) ?? 2048;
    const outputTokens = positiveInteger('output', a.output, WORKLOAD_LIMITS.tokens) ?? 256;
    const ttftS = durationSeconds('ttft', a.ttft);
    const tpotS = durationSeconds('tpot', a.tpot);
    if (ttftS === undefined && tpotS === undefined) {
      throw new UserError('give --ttft and/or --tpot: the latency targets to plan for (e.g. --ttft 2s --tpot 50ms)');
    }
    const rateRps = numberInRange('rate', a.rate, { min: Number.MIN_VALUE, max: MAX_PLAN_RATE_RPS, what: `a request rate above 0 and at most ${MAX_PLAN_RATE_RPS} per second` });
    const objective = a.objective;
    // a budget and --objective chips conflict whatever --rate says: name that before asking for a rate
    if (objective === 'chips' && a['power-budget'] !== undefined) {
      throw new UserError('--power-budget plans for --objective throughput or cost, not chips (the budget sets the chips)');
    }
    if (objective === 'chips' && rateRps === undefined) throw new UserError('--objective chips needs --rate: the requests per second to serve');
    const maxChipsFlag = positiveInteger('max-chips', a['max-chips']);
    if (maxChipsFlag !== undefined && maxChipsFlag > MAX_PLAN_CHIPS) throw new UserError(`--max-chips must be a positive integer up to ${MAX_PLAN_CHIPS}, got ${quoted(a['max-chips'] ?? '')}`);
    const precisions = precisionsOf(a.precisions);
    const plugins = pluginFlags(rawArgs);
    const hardware = chipArgs(rawArgs, 'hardware', a.hardware);
    const prefillHardware = chipArgs(rawArgs, 'prefill-hardware', a['prefill-hardware']);
    if (a.disaggregate === false && prefillHardware.length > 0) {
      throw new UserError('--prefill-hardware plans disaggregated serving, which --no-disaggregate turns off: give one of them');
    }
    const disaggregated = a.disaggregate === true || prefillHardware.length > 0;
    if (disaggregated && maxChipsFlag !== undefined && maxChipsFlag < 2) {
      throw new UserError(`--max-chips must be at least 2 with --disaggregate (a prefill and a decode worker), got ${quoted(a['max-chips'] ?? '')}`);
    }

    const model: ModelSpec = await resolveModel(a.model, io.cwd);
    const warn = (m: string): void => io.stderr(`ridgeline: note: ${m}\n`);
    // every chip on the named serving stack's efficiencies (one note per chip without it)
    const stack = profileFlag(a.stack, a['efficiency-profile']);
    const onStack = (chip: ChipSpec): ChipSpec => chipOnProfile(chip, stack, warn);
    const pue = pueFlag(a.pue);
    const tco = tcoFlags(a, pue);
    const powerBudgetW = powerBudgetFlag(a['power-budget']);
    if (powerBudgetW !== undefined) {
      if (rateRps !== undefined) throw new UserError('--power-budget and --rate both size the fleet: give one of them');
    }
    // the plan ranks by throughput or cost: PUE enters through the tco electricity price, or the provisioned power of --power-budget
    if (pue !== undefined && tco === undefined && powerBudgetW === undefined) {
      throw new UserError('--pue needs --price-basis tco or --power-budget in plan (it prices the electricity of the cost of ownership, or sets the provisioned power)');
    }
    if (tco !== undefined && prefillHardware.length > 0) {
      throw new UserError('--price-basis tco prices each answer\'s one chip: give --prefill-hardware only with --price-basis list');
    }
    // the flags that set the price, for the reproduce commands (they price as the plan did)
    const priceArgs =
      tco === undefined
        ? pue === undefined
          ? undefined
          : ['--pue', a.pue ?? '']
        : ['price-basis', 'pue', ...TCO_FLAGS].flatMap((name) => {
            const value = (a as Readonly<Record<string, string | undefined>>)[name];
            return value === undefined ? [] : [`--${name}`, value];
          });
    const chips: { spelled: string; chip: ChipSpec }[] = [];
    for (const spelled of hardware) {
      const chip = onStack(await resolveChip(spelled, { cwd: io.cwd, plugins, warn }));
      if (!chips.some((c) => c.chip.id === chip.id)) chips.push({ spelled, chip });
    }
    // each chip's cost of ownership under --price-basis tco, priced once for the plan and its answers' cost blocks
    const tcoPrices = new Map(tco === undefined ? [] : chips.map(({ chip }) => [chip.id, tcoOf(chip, tco)] as const));
    const prefillChips: { spelled: string; chip: ChipSpec }[] = [];
    for (const spelled of prefillHardware) {
      let chip: ChipSpec;
      try {
        chip = onStack(await resolveChip(spelled, { cwd: io.cwd, plugins, warn }));
      } catch (error) {
        if (error instanceof UserError) throw new UserError(`--prefill-hardware: ${error.message}`, { cause: error });
        throw error;
      }
      if (!prefillChips.some((c) => c.chip.id === chip.id)) prefillChips.push({ spelled, chip });
    }
    let plan;
    try {
      plan = await planServing({
        model,
        chips: chips.map(({ chip }) => {
          const price = tcoPrices.get(chip.id);
          return price === undefined ? { chip } : { chip, usdPerChipHour: price.usdPerChipHour };
        }),
        inputTokens,
        outputTokens,
        targets: { ...(ttftS === undefined ? {} : { ttftS }), ...(tpotS === undefined ? {} : { tpotS }) },
        objective,
        ...(rateRps === undefined ? {} : { rateRps }),
        ...(maxChipsFlag === undefined ? {} : { maxChips: maxChipsFlag }),
        precisions,
        ...(a['attention-weights'] === undefined ? {} : { attentionWeights: a['attention-weights'] }),
        ...(disaggregated ? { disaggregation: prefillChips.length === 0 ? {} : { prefillChips: prefillChips.map((c) => c.chip) } } : {}),
        ...(powerBudgetW === undefined ? {} : { powerBudget: { facilityW: powerBudgetW, ...(pue === undefined ? {} : { pue }) } }),
        engine: await createEngine(),
      });
    } catch (error) {
      if (error instanceof InputError) throw new UserError(error.message, { cause: error });
      throw error;
    }
    const answers = plan.results.map((choice) => {
      const spelled = chips.find((c) => c.chip.id === choice.chip)?.spelled ?? choice.chip;
      const prefillChip = choice.config.disaggregation?.prefillChip;
      const prefillSpelled = prefillChip === undefined ? undefined : (prefillChips.find((c) => c.chip.id === prefillChip.id)?.spelled ?? prefillChip.id);
      return {
        choice,
        command: estimateArgv(choice.config, {
          model: a.model,
          hardware: spelled,
          ...(prefillSpelled === undefined ? {} : { prefillHardware: prefillSpelled }),
          ...(stack === undefined ? {} : { stack }),
          ...(priceArgs === undefined ? {} : { priceArgs }),
          plugins,
        }),
      };
    });
    // a budget that powers no replica of any chip leaves no answer: one line says so (exit 0, as a plan
    // whose targets are missed: the question was valid)
    const noAnswer = powerBudgetW !== undefined && answers.length === 0 ? noLayoutFits(a['power-budget'] ?? '', plan.unpowered) : null;
    if (a.json) {
      const results: PlanJsonEntry[] = answers.map(({ choice, command }) => ({
        chip: choice.chip,
        meetsTargets: choice.meetsTargets,
        command,
        result: answerResult(estimateInference(choice.config), choice.config, tcoPrices.get(choice.chip)),
        replicas: choice.replicas,
        chips: choice.chips,
        disaggregation: choice.disaggregation,
        limit: choice.limit,
        misses: choice.misses,
        searched: choice.searched,
        meeting: choice.meeting,
        powerBudget: choice.powerBudget,
      }));
      const json: { results: PlanJsonEntry[] } | PlanBudgetJson = powerBudgetW === undefined ? { results } : { results, unpowered: plan.unpowered, noAnswer };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    if (noAnswer !== null) {
      io.stdout(`${noAnswer}\n`);
      return;
    }
    const targets = [
      ...(ttftS === undefined ? [] : [`TTFT ≤ ${formatDuration(ttftS)}`]),
      ...(tpotS === undefined ? [] : [`TPOT ≤ ${formatDuration(tpotS)}`]),
      ...(rateRps === undefined ? [] : [`${formatNumber(rateRps)} requests/s`]),
    ].join(', ');
    const budget =
      powerBudgetW === undefined
        ? `up to ${maxChipsFlag ?? 'one scale-up domain or 64'} chips`
        : `replicas of up to ${maxChipsFlag !== undefined ? `${maxChipsFlag} chips` : disaggregated ? `one scale-up domain or 64 chips (at most ${PLAN_BUDGET_DISAGGREGATED_MAX_CHIPS})` : 'the chips the budget powers (at least one scale-up domain or 64)'}, as many replicas as ${formatNumber(powerBudgetW / 1e6)} MW provisions at (P_max + node overhead) × PUE ${pue ?? DEFAULT_PUE} per chip${disaggregated ? ' of both pools' : ''}`;
    const searched = disaggregated
      ? [
          `Searched disaggregated replicas: prefill workers (TP on ${prefillChips.length === 0 ? 'the decode chip' : prefillChips.map((c) => c.chip.id).join(', ')}) feeding decode workers (TP, PP${model.moe === undefined ? '' : ', EP, attention by heads or dp'}), prefill:decode ${PLAN_MAX_PREFILL_WORKERS}:1 to 1:${PLAN_MAX_DECODE_WORKERS}, batch 1–4096 per decode worker and precisions ${precisions.join(', ')}, ${budget}.`,
          'prefill, decode: workers×chips of each pool in one replica (dp: data-parallel attention); tp, pp, ep and batch are a decode worker\'s.',
        ]
      : [`Searched TP, PP${powerBudgetW === undefined ? '' : ' (uneven stages too)'}${model.moe === undefined ? '' : ', EP'}, batch 1–4096 and precisions ${precisions.join(', ')} under continuous batching, ${budget}.`];
    const heading = [
      `Plan for ${model.id}, ${inputTokens.toLocaleString('en')} in / ${outputTokens.toLocaleString('en')} out, ${targets}: ${powerBudgetW === undefined ? '' : `under a ${formatNumber(powerBudgetW / 1e6)} MW facility power budget, `}${powerBudgetW !== undefined && objective === 'throughput' ? 'most output tokens/s of the fleet' : OBJECTIVE_TEXT[objective]}${disaggregated ? ' over both pools' : ''}`,
      ...searched,
    ].join('\n');
    const chipOf = (id: string): ChipSpec => chips.find((c) => c.chip.id === id)?.chip ?? (chips[0]?.chip as ChipSpec);
    const maxChips = (id: string): number =>
      maxChipsFlag ??
      (powerBudgetW === undefined
        ? defaultMaxChips(chipOf(id))
        : disaggregated
          ? budgetDisaggregatedMaxChips(chipOf(id))
          : budgetMaxChips(chipOf(id), { facilityW: powerBudgetW, ...(pue === undefined ? {} : { pue }) }));
    const unpowered = powerBudgetW === undefined ? [] : plan.unpowered.map((u) => planUnpoweredText(powerBudgetW, u));
    // a disaggregated replica keeps its chip bound under a budget: its text says so as without one
    const calibration = calibrationLine([...chips, ...prefillChips].map((c) => c.chip));
    io.stdout(summary(answers, heading, { maxChips, precisions, disaggregated, budget: powerBudgetW !== undefined, maxChipsGiven: maxChipsFlag !== undefined || disaggregated, unpowered, calibration }));
  },
});

export default command;
