import { defineCommand, type CommandDef } from 'citty';
import { formatDuration, formatNumber, formatUsd, table } from '@ridgeline/format';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { InputError, estimateInference, type InferenceConfig, type InferenceResult, type ModelSpec } from '@ridgeline/model';
import {
  PLAN_OBJECTIVES,
  createEngine,
  defaultMaxChips,
  planChoiceText,
  planServing,
  type PlanObjective,
  type ServingPlanChoice,
} from '@ridgeline/engine';
import { durationSeconds, flagValues, numberInRange, positiveInteger } from '../args.ts';
import { UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { MODEL_ARG, type ModelArgDef } from '../model-arg.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { resolveChip } from '../registry.ts';
import { resolveModel } from '../resolve-model.ts';
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
  ttft: { type: 'string', valueHint: 'duration', description: 'Time-to-first-token target: 2s, 500ms or seconds (0.5)' },
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
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print { results: [{ chip, meetsTargets, command, result }] }, best first' },
} as const;

/** One chip's answer as `plan --json` prints it. */
export interface PlanJsonEntry {
  readonly chip: string;
  readonly meetsTargets: boolean;
  /** The arguments after `ridgeline` that reproduce `result`, the first one `estimate`. */
  readonly command: readonly string[];
  /** That estimate's JSON (`ridgeline estimate --json`). */
  readonly result: InferenceResult;
  readonly replicas: number;
  readonly limit: ServingPlanChoice['limit'];
  readonly misses: ServingPlanChoice['misses'];
  readonly searched: number;
  readonly meeting: number;
}

function precisionsOf(raw: string): Precision[] {
  const names = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.length === 0) throw new UserError(`--precisions must list one or more of ${PRECISIONS.join(', ')}, got "${raw}"`);
  const out: Precision[] = [];
  for (const name of names) {
    const found = PRECISIONS.find((p) => p === name);
    if (found === undefined) throw new UserError(`--precisions: unknown precision "${name}".${didYouMean(name, PRECISIONS)} Allowed: ${PRECISIONS.join(', ')}`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** `--hardware` values, repeated or comma-separated, in order, without repeats. */
function hardwareArgs(rawArgs: readonly string[], last: string): string[] {
  const given = flagValues(rawArgs, 'hardware');
  const values = (given.length > 0 ? given : [last]).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (values.some((v) => v === '')) throw new UserError('--hardware must name a chip id, alias or plugin (see "ridgeline hardware list"), got an empty value');
  return [...new Set(values)];
}

/**
 * The `ridgeline estimate` arguments that reproduce a configuration: the user's own spelling of
 * the model and chip, every flag that matters, and the plugins.
 *
 * @example
 * estimateArgv(config, { model: 'llama-3.1-70b', hardware: 'h100', plugins: [] });
 * // ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '8', …]
 */
export function estimateArgv(config: InferenceConfig, spelled: { readonly model: string; readonly hardware: string; readonly plugins: readonly string[] }): string[] {
  const { tp, pp, ep } = config.parallelism;
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
    ...(config.usdPerChipHour === undefined ? [] : ['--price', String(config.usdPerChipHour)]),
    ...spelled.plugins.flatMap((p) => ['--plugin', p]),
  ];
}

function summary(
  choices: readonly { readonly choice: ServingPlanChoice; readonly command: readonly string[] }[],
  heading: string,
  maxChips: (chip: string) => number,
  precisions: readonly Precision[],
): string {
  const header = ['#', 'chip', 'meets', 'chips', 'dp', 'tp', 'pp', 'ep', 'batch', 'w/kv/a', 'TTFT', 'TPOT', 'tok/s/chip', 'tok/s/user', '$/Mtok'];
  const dash = '—';
  const rows = choices.map(({ choice: c }, i) => {
    const m = c.metrics;
    const { tp, pp, ep } = c.config.parallelism;
    const p = c.config.precision;
    return [
      String(i + 1),
      c.chip,
      c.meetsTargets ? 'yes' : 'no',
      m === null ? dash : String(c.config.chips),
      m === null ? dash : String(c.replicas),
      m === null ? dash : String(tp),
      m === null ? dash : String(pp),
      m === null ? dash : String(ep),
      m === null ? dash : String(c.config.batch),
      m === null ? dash : `${p.weights}/${p.kvCache}/${p.activations}`,
      m === null ? dash : formatDuration(m.ttftS),
      m === null ? dash : formatDuration(m.tpotS),
      m === null ? dash : formatNumber(m.tokensPerSPerChip),
      m === null ? dash : formatNumber(m.tokensPerSPerUser),
      m === null ? dash : formatUsd(m.costPerMillionTokensUsd),
    ];
  });
  const align = header.map((_, i) => (i === 0 || (i >= 3 && i <= 8) || i >= 10 ? 'right' : 'left') as 'right' | 'left');
  const lines = [heading, '', table([header, ...rows], align), ''];
  for (const { choice: c } of choices) lines.push(`${c.chip}: ${planChoiceText(c, { maxChips: maxChips(c.chip), precisions })} (${c.meeting.toLocaleString('en')} of ${c.searched.toLocaleString('en')} configurations meet the targets)`);
  const best = choices[0];
  if (best !== undefined) lines.push('', `Reproduce #1: ridgeline ${best.command.map((w) => (/^[\w@%+=:,./#-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ')}`);
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
      'Find, per chip, the configuration (TP, PP, EP, batch, precisions, replicas) that meets TTFT and TPOT targets with the most throughput, the least cost or the fewest chips',
  },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const inputTokens = positiveInteger('input', a.input) ?? 2048;
    const outputTokens = positiveInteger('output', a.output) ?? 256;
    const ttftS = durationSeconds('ttft', a.ttft);
    const tpotS = durationSeconds('tpot', a.tpot);
    if (ttftS === undefined && tpotS === undefined) {
      throw new UserError('give --ttft and/or --tpot: the latency targets to plan for (e.g. --ttft 2s --tpot 50ms)');
    }
    const rateRps = numberInRange('rate', a.rate, { min: Number.MIN_VALUE, max: MAX_PLAN_RATE_RPS, what: `a request rate above 0 and at most ${MAX_PLAN_RATE_RPS} per second` });
    const objective = a.objective;
    if (objective === 'chips' && rateRps === undefined) throw new UserError('--objective chips needs --rate: the requests per second to serve');
    const maxChipsFlag = positiveInteger('max-chips', a['max-chips']);
    if (maxChipsFlag !== undefined && maxChipsFlag > MAX_PLAN_CHIPS) throw new UserError(`--max-chips must be a positive integer up to ${MAX_PLAN_CHIPS}, got "${a['max-chips']}"`);
    const precisions = precisionsOf(a.precisions);
    const plugins = pluginFlags(rawArgs);
    const hardware = hardwareArgs(rawArgs, a.hardware);

    const model: ModelSpec = await resolveModel(a.model, io.cwd);
    const chips: { spelled: string; chip: ChipSpec }[] = [];
    for (const spelled of hardware) {
      const chip = await resolveChip(spelled, { cwd: io.cwd, plugins, warn: (m) => io.stderr(`ridgeline: note: ${m}\n`) });
      if (!chips.some((c) => c.chip.id === chip.id)) chips.push({ spelled, chip });
    }
    let plan;
    try {
      plan = await planServing({
        model,
        chips: chips.map(({ chip }) => ({ chip })),
        inputTokens,
        outputTokens,
        targets: { ...(ttftS === undefined ? {} : { ttftS }), ...(tpotS === undefined ? {} : { tpotS }) },
        objective,
        ...(rateRps === undefined ? {} : { rateRps }),
        ...(maxChipsFlag === undefined ? {} : { maxChips: maxChipsFlag }),
        precisions,
        engine: await createEngine(),
      });
    } catch (error) {
      if (error instanceof InputError) throw new UserError(error.message, { cause: error });
      throw error;
    }
    const answers = plan.results.map((choice) => {
      const spelled = chips.find((c) => c.chip.id === choice.chip)?.spelled ?? choice.chip;
      return { choice, command: estimateArgv(choice.config, { model: a.model, hardware: spelled, plugins }) };
    });
    if (a.json) {
      const results: PlanJsonEntry[] = answers.map(({ choice, command }) => ({
        chip: choice.chip,
        meetsTargets: choice.meetsTargets,
        command,
        result: estimateInference(choice.config),
        replicas: choice.replicas,
        limit: choice.limit,
        misses: choice.misses,
        searched: choice.searched,
        meeting: choice.meeting,
      }));
      io.stdout(`${JSON.stringify({ results }, null, 2)}\n`);
      return;
    }
    const targets = [
      ...(ttftS === undefined ? [] : [`TTFT ≤ ${formatDuration(ttftS)}`]),
      ...(tpotS === undefined ? [] : [`TPOT ≤ ${formatDuration(tpotS)}`]),
      ...(rateRps === undefined ? [] : [`${formatNumber(rateRps)} requests/s`]),
    ].join(', ');
    const heading = [
      `Plan for ${model.id}, ${inputTokens.toLocaleString('en')} in / ${outputTokens.toLocaleString('en')} out, ${targets}: ${OBJECTIVE_TEXT[objective]}`,
      `Searched TP, PP${model.moe === undefined ? '' : ', EP'}, batch 1–4096 and precisions ${precisions.join(', ')} under continuous batching, up to ${maxChipsFlag ?? 'one scale-up domain or 64'} chips.`,
    ].join('\n');
    const maxChips = (id: string): number => maxChipsFlag ?? defaultMaxChips(chips.find((c) => c.chip.id === id)?.chip ?? (chips[0]?.chip as ChipSpec));
    io.stdout(summary(answers, heading, maxChips, precisions));
  },
});

export default command;
