import { formatExactCount } from '@ridgeline/format';
import { pluginFromFields } from './custom-chip.ts';
import { durationText } from './duration.ts';
import { ENERGY_FIELDS, TCO_FIELDS, type EnergyField } from './energy.ts';
import { planChips, planProblem } from './plan.ts';
import { CUSTOM_CHIP_ID } from './registry.ts';
import type { AppState } from './state.ts';
import { dataParallel } from './training.ts';

/**
 * The `ridgeline` command that gives the numbers the page shows: `ridgeline estimate` for the
 * inference view, `ridgeline train` for the training view, `ridgeline plan` for the latency-target
 * panel. A flag whose value is the CLI's default
 * is left out, except `--chips`, the inference `--tp` and the training `--global-batch`, whose
 * defaults are derived from other flags and read better written out. cli-command.test.ts runs
 * each command and checks its `--json` against the page's own estimate, so a changed CLI default
 * fails there.
 *
 * The CLI cannot be handed a pasted config.json or the custom-chip form on the command line, so
 * for those the command names a file (`--model ./config.json`, `--hardware ./chip.json`) and
 * `cliFiles` says what goes in it.
 */

/** Where the command expects a pasted Hugging Face config.json, relative to where it runs. */
export const MODEL_FILE = './config.json';
/** Where the command expects the custom chip's hardware plugin, relative to where it runs. */
export const CHIP_FILE = './chip.json';

/** `ridgeline estimate`'s defaults for the flags the command leaves out when equal. */
const ESTIMATE_DEFAULTS = { pp: 1, ep: 1, batch: 1, input: 2048, output: 256, precision: 'bf16', decodeWorkers: 1, prefillAttention: 'heads' } as const;
/** `ridgeline plan`'s defaults for the flags the command leaves out when equal. */
const PLAN_DEFAULTS = { input: 2048, output: 256, objective: 'throughput' } as const;
/** `ridgeline train`'s defaults for the flags the command leaves out when equal. */
const TRAIN_DEFAULTS = { parallel: 1, seq: 4096, microBatch: 1, virtualStages: 1, tokens: 1e12, precision: 'bf16', zero: 1, recompute: 'selective' } as const;

/** A file the command reads: a pasted config.json, or the custom chip as a plugin. */
export interface CliFile {
  /** The path the command names (`./config.json`, `./chip.json`). */
  readonly path: string;
  /** What to save there. */
  readonly text: string;
  /** What it is, for the page (`the pasted config.json`). */
  readonly what: string;
}

function finite(...values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}

/** `--flag value` when `value` is not the CLI's default. */
function unlessDefault(flag: string, value: number | string, fallback: number | string): string[] {
  return value === fallback ? [] : [flag, String(value)];
}

function modelAndChip(state: AppState): string[] {
  const model = state.model.kind === 'catalog' ? state.model.id : MODEL_FILE;
  const hardware = state.hardware === CUSTOM_CHIP_ID ? CHIP_FILE : state.hardware;
  return ['--model', model, '--hardware', hardware];
}

/**
 * The disaggregation flags, when it is on: `--prefill-workers` always (it turns it on), the others
 * when not the CLI's defaults. A prefill chip that is the decode chip is the CLI's default too.
 */
function disaggregationFlags(state: AppState): string[] {
  const d = state.disaggregation;
  if (d === null) return [];
  const hardware = d.prefillHardware === null || d.prefillHardware === state.hardware ? null : d.prefillHardware === CUSTOM_CHIP_ID ? CHIP_FILE : d.prefillHardware;
  return [
    '--prefill-workers', String(d.prefillWorkers),
    ...unlessDefault('--decode-workers', d.decodeWorkers, ESTIMATE_DEFAULTS.decodeWorkers),
    ...(d.prefillTp === null ? [] : ['--prefill-tp', String(d.prefillTp)]),
    ...(d.prefillEp === null ? [] : ['--prefill-ep', String(d.prefillEp)]),
    ...unlessDefault('--prefill-attention', d.prefillAttention, ESTIMATE_DEFAULTS.prefillAttention),
    ...(hardware === null ? [] : ['--prefill-hardware', hardware]),
  ];
}

/** The shared `--overlap` and `--price`, when set. */
function overlapAndPrice(state: AppState): string[] {
  return [...(state.overlap === null ? [] : ['--overlap', String(state.overlap)]), ...(state.price === null ? [] : ['--price', String(state.price)])];
}

/** `--pue` when set, and `--price-basis tco` with each TCO input set (docs/MODEL.md §10–11). */
function energyFlags(state: AppState): string[] {
  const e = state.energy;
  const set = (field: EnergyField): string[] => {
    const v = e[field];
    return v === null ? [] : [ENERGY_FIELDS[field].flag, String(v)];
  };
  return [...set('pue'), ...(e.priceBasis === 'tco' ? ['--price-basis', 'tco', ...TCO_FIELDS.flatMap(set)] : [])];
}

/**
 * The arguments of `ridgeline estimate` (after `ridgeline`) for the inference view's inputs:
 * model, chip, chips, TP, PP, EP, batch, prompt and output lengths, the three precisions,
 * disaggregation (`--prefill-workers` and the rest), the overlap and the price, the PUE and the price
 * basis with its inputs (`--pue --price-basis tco …`). Undefined while a number box holds something that is not a number (the
 * page shows that mistake instead of an estimate). The page has no input for attention sharding or
 * MoE imbalance, so it runs the CLI's defaults (`--attention heads`, `--moe-imbalance 1.11`) and the
 * command leaves them out.
 *
 * @example
 * estimateArgs(DEFAULT_STATE);
 * // ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '8', '--tp', '8', '--batch', '64']
 */
export function estimateArgs(state: AppState): string[] | undefined {
  const s = state;
  if (!finite(s.chips, s.tp, s.pp, s.ep, s.batch, s.maxBatch ?? 1, s.inputTokens, s.outputTokens, s.overlap ?? 0, s.price ?? 0)) return undefined;
  if (!finite(...Object.values(s.energy).map((v) => (typeof v === 'number' ? v : 0)))) return undefined;
  const d = s.disaggregation;
  if (d !== null && !finite(d.prefillWorkers, d.decodeWorkers, d.prefillTp ?? 1, d.prefillEp ?? 1)) return undefined;
  const e = ESTIMATE_DEFAULTS;
  return [
    'estimate',
    ...modelAndChip(s),
    '--chips', String(s.chips),
    '--tp', String(s.tp),
    ...unlessDefault('--pp', s.pp, e.pp),
    ...unlessDefault('--ep', s.ep, e.ep),
    ...unlessDefault('--batch', s.batch, e.batch),
    ...(s.maxBatch === null ? [] : ['--max-batch', String(s.maxBatch)]),
    ...unlessDefault('--input', s.inputTokens, e.input),
    ...unlessDefault('--output', s.outputTokens, e.output),
    ...unlessDefault('--weights', s.weights, e.precision),
    ...unlessDefault('--kv', s.kvCache, e.precision),
    ...unlessDefault('--activations', s.activations, e.precision),
    ...(s.attentionWeights === null ? [] : ['--attention-weights', s.attentionWeights]),
    ...disaggregationFlags(s),
    ...overlapAndPrice(s),
    ...energyFlags(s),
  ];
}

/**
 * The arguments of `ridgeline plan` (after `ridgeline`) for the latency-target panel: the model,
 * the current chip and the compared ones (`--hardware a,b,…`, each once, in the panel's order),
 * prompt and output lengths, the targets as durations, the objective and the rate. Undefined when
 * the panel has no plan to show (no target, a malformed box, the chips objective without a rate).
 * `ridgeline plan` has no `--price` or `--overlap`: with a price override, the panel's $/Mtok are
 * at that price and the command's at list prices (the panel says so). Under the tco basis it takes
 * `--price-basis tco`, its inputs and `--pue`, and prices each chip as the panel does.
 *
 * @example
 * planArgs(DEFAULT_STATE);
 * // ['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm,mi300x,tpu-v6e,groq-lpu', '--ttft', '2s', '--tpot', '50ms']
 */
export function planArgs(state: AppState): string[] | undefined {
  const chips = planChips(state);
  if (planProblem(state, chips) !== null) return undefined;
  const p = state.plan;
  const d = PLAN_DEFAULTS;
  const hardware = [...new Set(chips.map((c) => (c.pageId === CUSTOM_CHIP_ID ? CHIP_FILE : c.pageId)))];
  return [
    'plan',
    '--model', state.model.kind === 'catalog' ? state.model.id : MODEL_FILE,
    '--hardware', hardware.join(','),
    ...unlessDefault('--input', state.inputTokens, d.input),
    ...unlessDefault('--output', state.outputTokens, d.output),
    ...(p.ttftS === null ? [] : ['--ttft', durationText(p.ttftS)]),
    ...(p.tpotS === null ? [] : ['--tpot', durationText(p.tpotS)]),
    ...unlessDefault('--objective', p.objective, d.objective),
    ...(p.rateRps === null ? [] : ['--rate', String(p.rateRps)]),
    // the PUE counts in a plan only through the tco electricity price (the CLI refuses it alone)
    ...(state.energy.priceBasis === 'tco' ? energyFlags(state) : []),
  ];
}

/**
 * The arguments of `ridgeline train` (after `ridgeline`) for the training view's inputs: model,
 * chip, chips, TP, PP, CP, EP, sequence length, global batch, micro-batch, virtual stages, tokens,
 * precision, ZeRO stage, recomputation, and the shared overlap and price. `--dp` only when TP·PP·CP
 * does not divide the chips: the CLI refuses such chips without it, and with it (the whole part of
 * the quotient, as the page uses) gives the page's infeasible run. The page has no input for
 * sequence parallelism or optimizer bytes, so it runs the CLI's defaults (`auto`, 12) and the
 * command leaves them out. Undefined while a number box holds something that is not a number.
 *
 * @example
 * trainArgs({ ...DEFAULT_STATE, view: 'training' });
 * // ['train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--chips', '1024', '--tp', '8', '--pp', '4',
 * //  '--seq', '8192', '--global-batch', '512', '--tokens', '1.5e13']
 */
export function trainArgs(state: AppState): string[] | undefined {
  const t = state.training;
  if (!finite(t.chips, t.tp, t.pp, t.cp, t.ep, t.sequenceLength, t.globalBatch, t.microBatch, t.virtualStages, t.totalTokens, state.overlap ?? 0, state.price ?? 0)) return undefined;
  const d = TRAIN_DEFAULTS;
  const quotient = dataParallel(t);
  return [
    'train',
    ...modelAndChip(state),
    '--chips', String(t.chips),
    ...(Number.isInteger(quotient) ? [] : ['--dp', String(Math.max(1, Math.floor(quotient)))]),
    ...unlessDefault('--tp', t.tp, d.parallel),
    ...unlessDefault('--pp', t.pp, d.parallel),
    ...unlessDefault('--cp', t.cp, d.parallel),
    ...unlessDefault('--ep', t.ep, d.parallel),
    ...unlessDefault('--seq', t.sequenceLength, d.seq),
    '--global-batch', String(t.globalBatch),
    ...unlessDefault('--micro-batch', t.microBatch, d.microBatch),
    ...unlessDefault('--virtual-stages', t.virtualStages, d.virtualStages),
    ...(t.totalTokens === d.tokens ? [] : ['--tokens', formatExactCount(t.totalTokens)]),
    ...unlessDefault('--precision', t.precision, d.precision),
    ...unlessDefault('--zero', t.zeroStage, d.zero),
    ...unlessDefault('--recompute', t.recompute, d.recompute),
    ...overlapAndPrice(state),
  ];
}

/**
 * The files the command of `estimateArgs`/`trainArgs` reads, to be saved where it runs: the pasted
 * config.json at `./config.json`, and the custom chip (the chip, or the inference view's prefill
 * chip), as the one-chip hardware plugin the page validates, at `./chip.json`. Empty for a catalog
 * model on first-party chips.
 *
 * @example
 * cliFiles({ ...DEFAULT_STATE, hardware: 'custom', customChip: fields }).map((f) => f.path); // ['./chip.json']
 */
export function cliFiles(state: AppState): CliFile[] {
  const files: CliFile[] = [];
  if (state.model.kind === 'config') files.push({ path: MODEL_FILE, text: state.model.json, what: 'the pasted config.json' });
  const prefillCustom = state.view === 'inference' && state.disaggregation?.prefillHardware === CUSTOM_CHIP_ID;
  if (state.hardware === CUSTOM_CHIP_ID || prefillCustom) {
    files.push({ path: CHIP_FILE, text: `${JSON.stringify(pluginFromFields(state.customChip ?? {}), null, 2)}\n`, what: 'the custom chip, as a hardware plugin' });
  }
  return files;
}

/** Characters a POSIX shell takes literally in a word (Python's `shlex.quote` set). */
const SAFE = /^[\w@%+=:,./-]+$/;

/**
 * A command line from its words, each quoted for a POSIX shell where it needs it: in single quotes,
 * an embedded `'` written `'\''`; an empty word as `''`.
 *
 * @example
 * commandLine(['ridgeline', 'estimate', '--model', 'llama-3.1-70b']); // "ridgeline estimate --model llama-3.1-70b"
 * commandLine(['echo', "it's here", '']); // "echo 'it'\\''s here' ''"
 */
export function commandLine(args: readonly string[]): string {
  return args.map((a) => (SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
