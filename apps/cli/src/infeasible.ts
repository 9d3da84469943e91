// The report of an infeasible answer: a configuration that breaks a rule or does not fit is a valid
// answer to the question asked, so `estimate` and `train` print it and exit 0, as for any answer.
import type { ChipSpec } from '@ridgeline/hardware';
import {
  estimateInference,
  estimateTraining,
  type InferenceConfig,
  type InfeasibleInferenceResult,
  type InfeasibleTrainingResult,
  type ModelSpec,
  type TrainingConfig,
} from '@ridgeline/model';
import { shellCommand } from './shell.ts';

/** A change of flags that makes the configuration feasible, and the command that runs it. */
export interface Fix {
  /** The flags changed, as a reader would write them: `--chips 12 --tp 2 --pp 6`. */
  readonly change: string;
  /** The user's command with those flags changed. */
  readonly command: string;
}

/** Switches left out of a suggested command: it is printed to be read, so never as JSON. */
const SWITCHES = new Set(['--json', '--no-json']);

/**
 * `argv` with every `flags` key removed (both `--x v` and `--x=v`), `--json` dropped (the fix is
 * for reading), and the new values appended in the order given.
 */
function withFlags(argv: readonly string[], flags: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (SWITCHES.has(word)) continue;
    const name = word.startsWith('--') ? word.slice(2).split('=')[0] ?? '' : '';
    if (name in flags) {
      if (!word.includes('=')) i += 1;
      continue;
    }
    out.push(word);
  }
  return [...out, ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value])];
}

function fixOf(command: string, argv: readonly string[], flags: Readonly<Record<string, string>>): Fix {
  return {
    change: Object.entries(flags).map(([flag, value]) => `--${flag} ${value}`).join(' '),
    command: shellCommand(['ridgeline', command, ...withFlags(argv, flags)]),
  };
}

/** The largest divisor of n below `below`, or undefined. */
function largestDivisorBelow(n: number, below: number): number | undefined {
  for (let d = Math.min(n, below - 1); d >= 1; d--) if (n % d === 0) return d;
  return undefined;
}

/**
 * The nearest change of flags that makes an inference configuration feasible, checked by
 * estimating it: for `capacity`, the smallest layout that fits; for `tp_divides_heads`, the largest
 * TP below the given one that divides the heads. Undefined when there is none to offer (the
 * explanation then says what to change).
 *
 * @example
 * inferenceFix(config, result, ['--model', 'llama-3.1-405b', '--hardware', 'h100'])?.command;
 * // 'ridgeline estimate --model llama-3.1-405b --hardware h100 --chips 12 --tp 2 --pp 6'
 */
export function inferenceFix(config: InferenceConfig, result: InfeasibleInferenceResult, argv: readonly string[]): Fix | undefined {
  const { tp, pp, ep } = config.parallelism;
  const replicas = config.chips / (tp * pp);
  let candidate: { readonly config: InferenceConfig; readonly flags: Record<string, string> } | undefined;
  if (result.reason === 'capacity' && result.layoutToFit !== null && config.disaggregation === undefined) {
    const layout = result.layoutToFit;
    const chips = layout.tp * layout.pp;
    candidate = {
      config: { ...config, chips, parallelism: { tp: layout.tp, pp: layout.pp, ep } },
      flags: { chips: String(chips), tp: String(layout.tp), pp: String(layout.pp) },
    };
  } else if (result.reason === 'tp_divides_heads' && config.disaggregation === undefined) {
    const smaller = largestDivisorBelow(config.model.heads, tp);
    if (smaller !== undefined && Number.isInteger(replicas)) {
      const chips = replicas * smaller * pp;
      candidate = { config: { ...config, chips, parallelism: { tp: smaller, pp, ep } }, flags: { chips: String(chips), tp: String(smaller) } };
    }
  }
  if (candidate === undefined || !estimateInference(candidate.config).feasible) return undefined;
  return fixOf('estimate', argv, candidate.flags);
}

/**
 * The first of a few changes that makes a training configuration that does not fit feasible,
 * checked by estimating it: a higher ZeRO stage, full recomputation, or both, then more pipeline
 * stages (2×, 4×, … the chips, up to one layer per stage). Undefined when none fits or the reason
 * is not `capacity`.
 *
 * @example
 * trainingFix(config, result, ['--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '64'])?.change; // '--zero 3'
 */
export function trainingFix(config: TrainingConfig, result: InfeasibleTrainingResult, argv: readonly string[]): Fix | undefined {
  if (result.reason !== 'capacity') return undefined;
  const zero = config.zeroStage ?? 0;
  const tries: { readonly config: Partial<TrainingConfig>; readonly flags: Record<string, string> }[] = [];
  for (const stage of [2, 3] as const) if (stage > zero) tries.push({ config: { zeroStage: stage }, flags: { zero: String(stage) } });
  if (config.recompute !== 'full') {
    tries.push({ config: { recompute: 'full' }, flags: { recompute: 'full' } });
    if (zero < 3) tries.push({ config: { zeroStage: 3, recompute: 'full' }, flags: { zero: '3', recompute: 'full' } });
  }
  const { pp } = config.parallelism;
  // more stages split the weights, gradients and optimizer state that ZeRO over a small DP cannot
  for (let factor = 2; pp * factor <= config.model.layers; factor *= 2) {
    const parallelism = { ...config.parallelism, pp: pp * factor };
    tries.push({ config: { chips: config.chips * factor, parallelism }, flags: { chips: String(config.chips * factor), pp: String(pp * factor) } });
  }
  const fits = tries.find((t) => estimateTraining({ ...config, ...t.config }).feasible);
  return fits === undefined ? undefined : fixOf('train', argv, fits.flags);
}

function reportLines(title: string, layout: string, explanation: string, fix: Fix | undefined): string {
  const lines = [title, layout, '', `Why: ${explanation}`];
  if (fix !== undefined) lines.push(`What fits: ${fix.change}`, `  ${fix.command}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The short text report of an infeasible inference configuration: what is infeasible, why, and
 * (when a nearby change fits) what would.
 *
 * @example
 * io.stdout(renderInfeasible(result, model, chip, inferenceFix(config, result, argv)));
 */
export function renderInfeasible(result: InfeasibleInferenceResult, model: ModelSpec, chip: ChipSpec, fix: Fix | undefined): string {
  const inp = result.inputs;
  const { tp, pp, ep } = inp.parallelism;
  const p = inp.precision;
  return reportLines(
    `${model.name} on ${inp.chips} × ${chip.name}: infeasible (${result.reason})`,
    `  tp ${tp} · pp ${pp} · ep ${ep} · batch ${inp.batch} · input ${inp.inputTokens} · output ${inp.outputTokens} tokens · weights ${p.weights} · KV cache ${p.kvCache} · activations ${p.activations}`,
    result.explanation,
    fix,
  );
}

/**
 * The short text report of an infeasible training configuration: what is infeasible, why, and
 * (when a higher ZeRO stage or more recomputation fits) what would.
 *
 * @example
 * io.stdout(renderInfeasibleTraining(result, model.name, chip.name, trainingFix(config, result, argv)));
 */
export function renderInfeasibleTraining(result: InfeasibleTrainingResult, modelName: string, chipName: string, fix: Fix | undefined): string {
  const i = result.inputs;
  const { dp, tp, pp, cp, ep } = i.parallelism;
  return reportLines(
    `${modelName} training on ${i.chips} × ${chipName}: infeasible (${result.reason})`,
    `  dp ${dp} · tp ${tp} · pp ${pp} · cp ${cp} · ep ${ep} · seq ${i.sequenceLength} · global batch ${i.globalBatch} · micro-batch ${i.microBatch} · ${i.precision} · ZeRO ${i.zeroStage} · recompute ${i.recompute}`,
    result.explanation,
    fix,
  );
}
