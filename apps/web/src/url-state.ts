import { PLAN_OBJECTIVES } from '@ridgeline/engine';
import { formatExactCount, formatInteger } from '@ridgeline/format';
import { PRECISIONS, type Precision } from '@ridgeline/hardware';
import { MAX_WORKERS, RECOMPUTE_MODES as RECOMPUTES } from '@ridgeline/model';
import { CHIP_FIELD_KEYS } from './custom-chip.ts';
import { ENERGY_FIELDS, TCO_FIELDS, energyFieldProblem, type EnergyField } from './energy.ts';
import { DURATION_ALLOWED, durationText, parseDuration } from './duration.ts';
import { CUSTOM_CHIP_ID, findChip, findModel } from './registry.ts';
import {
  DEFAULT_DISAGGREGATION,
  DEFAULT_ENERGY,
  DEFAULT_PLAN,
  DEFAULT_STATE,
  MAX_COMPARE,
  type AppState,
  type BatchSpacing,
  type DisaggregationSettings,
  type EnergySettings,
  type ParetoY,
  type PlanSettings,
  type SweepSettings,
  type TrainingSettings,
  type TrainingSweepSettings,
  type View,
  type ZeroStage,
} from './state.ts';

/**
 * The page's state in the URL fragment (`#m=llama-3.1-70b&hw=h100-sxm&n=8…`), so that a link is the
 * page: it works from any static host (the fragment never reaches the server) and survives reloads.
 * Parsing never throws: a value it cannot use is reported as a `UrlProblem` and replaced by the
 * default, so a bad link shows a message and a working page, never a blank one.
 */

/** One thing wrong with a link, in words a person can act on. */
export interface UrlProblem {
  /** The parameter, e.g. `b`. */
  readonly key: string;
  /** What the link had. */
  readonly value: string;
  /** What is wrong and what the page used instead. */
  readonly message: string;
}

/** The state a link describes, and what in it could not be used. */
export interface ParsedState {
  readonly state: AppState;
  readonly problems: readonly UrlProblem[];
}

/**
 * Parameter names, short because links get shared in chat. A link carries the settings of the view
 * it shows: the inference view's keys, or `v=train` and the training keys (`t…`); the model, the
 * chip, the price, the overlap and the compared chips belong to both.
 */
export const KEYS = {
  view: 'v',
  model: 'm',
  modelConfig: 'mc',
  hardware: 'hw',
  customChip: 'hc',
  chips: 'n',
  tp: 'tp',
  pp: 'pp',
  ep: 'ep',
  batch: 'b',
  maxBatch: 'mb',
  inputTokens: 'in',
  outputTokens: 'out',
  weights: 'w',
  kvCache: 'kv',
  activations: 'act',
  attentionWeights: 'aw',
  overlap: 'ov',
  price: 'price',
  prefillWorkers: 'pw',
  decodeWorkers: 'dw',
  prefillHardware: 'phw',
  prefillTp: 'ptp',
  prefillEp: 'pep',
  prefillAttention: 'patt',
  pue: 'pue',
  priceBasis: 'pb',
  amortizationYears: 'amy',
  utilization: 'util',
  usdPerKwh: 'kwh',
  usdPerKwMonth: 'kwm',
  capitalUsd: 'cap',
  systemCapitalUsd: 'scap',
  compare: 'cmp',
  compareFit: 'fit',
  sweepBatchMax: 'sb',
  sweepBatchSpacing: 'sbs',
  sweepTp: 'stp',
  sweepPp: 'spp',
  sweepWeights: 'sw',
  sweepKv: 'skv',
  sweepCompared: 'sc',
  sweepY: 'sy',
  sweepTtftCap: 'sttft',
  planTtft: 'ttft',
  planTpot: 'tpot',
  planObjective: 'obj',
  planRate: 'rate',
  trainChips: 'tn',
  trainTp: 'ttp',
  trainPp: 'tpp',
  trainCp: 'tcp',
  trainEp: 'tep',
  trainSequence: 'tseq',
  trainGlobalBatch: 'tgb',
  trainMicroBatch: 'tmb',
  trainVirtualStages: 'tvs',
  trainTokens: 'ttok',
  trainPrecision: 'tpr',
  trainZero: 'tz',
  trainRecompute: 'trc',
  trainSweepChips: 'tsn',
  trainSweepTp: 'tstp',
  trainSweepPp: 'tspp',
  trainSweepMicroBatch: 'tsmb',
  trainSweepZero: 'tsz',
  trainSweepRecompute: 'tsr',
  trainSweepCompared: 'tsc',
} as const;

/** How a link names the views. */
const VIEW_NAMES: Readonly<Record<View, string>> = { inference: 'infer', training: 'train' };

const ZERO_STAGES: readonly ZeroStage[] = [0, 1, 2, 3];

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.values(KEYS));

/** The largest batch a sweep may ask for (a typo guard: 1e9 batches would never finish). */
export const MAX_SWEEP_BATCH = 65536;

/** The largest request rate the plan takes, requests/s (the CLI's `--rate` bound). */
export const MAX_PLAN_RATE_RPS = 1e9;

/**
 * The most characters of a link's text a message echoes. A link can carry anything, of any length
 * (a 200 kB value once became a 1.4-million-pixel-wide banner); a message quotes enough to find it.
 */
export const ECHO_MAX_CHARS = 40;

/** The most items of a list (unknown chips, bad precisions) a message names before "and N more". */
export const ECHO_MAX_ITEMS = 5;

/**
 * `text` as a message quotes it: whole up to `ECHO_MAX_CHARS` UTF-16 units, else cut to that with
 * `…` (never between the two halves of an emoji).
 *
 * @example
 * abbreviate('x'.repeat(10_000)).length; // 40
 */
export function abbreviate(text: string): string {
  if (text.length <= ECHO_MAX_CHARS) return text;
  const cut = text.slice(0, ECHO_MAX_CHARS - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Items (already abbreviated) joined for a message, the first `ECHO_MAX_ITEMS` of them. */
function echoList(items: readonly string[]): string {
  const named = items.slice(0, ECHO_MAX_ITEMS).join(', ');
  return items.length > ECHO_MAX_ITEMS ? `${named} and ${items.length - ECHO_MAX_ITEMS} more` : named;
}

/**
 * UTF-8 text as base64url (no padding), for config.json and custom-chip fields in a link.
 *
 * @example
 * toBase64Url('{"a":1}'); // 'eyJhIjoxfQ'
 */
export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The text of `toBase64Url`; throws on anything that is not base64url of UTF-8.
 *
 * @example
 * fromBase64Url('eyJhIjoxfQ'); // '{"a":1}'
 */
export function fromBase64Url(encoded: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw new Error('not base64url');
  const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function isPrecision(value: string): value is Precision {
  return (PRECISIONS as readonly string[]).includes(value);
}

function listText(values: readonly (string | number)[]): string {
  return values.join(',');
}

function serialiseTraining(params: URLSearchParams, t: TrainingSettings): void {
  params.set(KEYS.trainChips, String(t.chips));
  params.set(KEYS.trainTp, String(t.tp));
  params.set(KEYS.trainPp, String(t.pp));
  params.set(KEYS.trainCp, String(t.cp));
  params.set(KEYS.trainEp, String(t.ep));
  params.set(KEYS.trainSequence, String(t.sequenceLength));
  params.set(KEYS.trainGlobalBatch, String(t.globalBatch));
  params.set(KEYS.trainMicroBatch, String(t.microBatch));
  params.set(KEYS.trainVirtualStages, String(t.virtualStages));
  params.set(KEYS.trainTokens, formatExactCount(t.totalTokens));
  params.set(KEYS.trainPrecision, t.precision);
  params.set(KEYS.trainZero, String(t.zeroStage));
  params.set(KEYS.trainRecompute, t.recompute);
  const s = t.sweep;
  params.set(KEYS.trainSweepChips, listText(s.chips));
  params.set(KEYS.trainSweepTp, listText(s.tp));
  params.set(KEYS.trainSweepPp, listText(s.pp));
  // Empty lists mean "the current value" and are written too: their defaults are not all empty.
  params.set(KEYS.trainSweepMicroBatch, listText(s.microBatch));
  params.set(KEYS.trainSweepZero, listText(s.zeroStage));
  params.set(KEYS.trainSweepRecompute, listText(s.recompute));
  params.set(KEYS.trainSweepCompared, s.compared ? '1' : '0');
}

/** A target as a link writes it: its duration, or empty for none. */
function targetText(seconds: number | null): string {
  return seconds === null ? '' : durationText(seconds);
}

/**
 * The latency-target panel's settings that differ from the defaults (a link made before the panel
 * existed still opens as it did). A box that holds no valid value is left out.
 */
function serialisePlan(params: URLSearchParams, p: PlanSettings): void {
  const d = DEFAULT_PLAN;
  if (p.ttftS !== d.ttftS && !Number.isNaN(p.ttftS)) params.set(KEYS.planTtft, targetText(p.ttftS));
  if (p.tpotS !== d.tpotS && !Number.isNaN(p.tpotS)) params.set(KEYS.planTpot, targetText(p.tpotS));
  if (p.objective !== d.objective) params.set(KEYS.planObjective, p.objective);
  if (p.rateRps !== null && Number.isFinite(p.rateRps)) params.set(KEYS.planRate, String(p.rateRps));
}

/**
 * Disaggregation, when on (a link made before it existed still opens as it did): the two worker
 * counts always, the prefill worker's chip, TP and EP when set, its attention when not by head.
 */
function serialiseDisaggregation(params: URLSearchParams, d: DisaggregationSettings | null): void {
  if (d === null) return;
  params.set(KEYS.prefillWorkers, String(d.prefillWorkers));
  params.set(KEYS.decodeWorkers, String(d.decodeWorkers));
  if (d.prefillHardware !== null) params.set(KEYS.prefillHardware, d.prefillHardware);
  if (d.prefillTp !== null) params.set(KEYS.prefillTp, String(d.prefillTp));
  if (d.prefillEp !== null) params.set(KEYS.prefillEp, String(d.prefillEp));
  if (d.prefillAttention !== DEFAULT_DISAGGREGATION.prefillAttention) params.set(KEYS.prefillAttention, d.prefillAttention);
}

/**
 * The PUE and the price basis with its inputs, each when set (a link made before them still opens
 * as it did); a box that holds no valid value is left out. The TCO inputs only under `tco`.
 */
function serialiseEnergy(params: URLSearchParams, e: EnergySettings): void {
  const write = (field: EnergyField): void => {
    const v = e[field];
    if (v !== null && energyFieldProblem(field, v) === null) params.set(KEYS[field], String(v));
  };
  write('pue');
  if (e.priceBasis === DEFAULT_ENERGY.priceBasis) return;
  params.set(KEYS.priceBasis, e.priceBasis);
  for (const field of TCO_FIELDS) write(field);
}

/**
 * The URL fragment (without `#`) for a state: the settings of the view it shows. Every
 * configuration field of that view is written, so a link keeps its meaning if the defaults change;
 * the latency targets, the sweep's TTFT cap and disaggregation, added later, only when they are not
 * the defaults.
 *
 * @example
 * serialiseState(DEFAULT_STATE); // 'm=llama-3.1-70b&hw=h100-sxm&n=8&tp=8&pp=1&ep=1&b=64&…'
 * serialiseState({ ...DEFAULT_STATE, view: 'training' }); // 'v=train&m=llama-3.1-70b&hw=h100-sxm&cmp=…&tn=1024&ttp=8&…'
 */
export function serialiseState(state: AppState): string {
  const params = new URLSearchParams();
  if (state.view !== 'inference') params.set(KEYS.view, VIEW_NAMES[state.view]);
  if (state.model.kind === 'catalog') params.set(KEYS.model, state.model.id);
  else params.set(KEYS.modelConfig, toBase64Url(state.model.json));
  params.set(KEYS.hardware, state.hardware);
  if (state.customChip !== null) {
    const fields = Object.fromEntries(Object.entries(state.customChip).filter(([, v]) => v !== ''));
    params.set(KEYS.customChip, toBase64Url(JSON.stringify(fields)));
  }
  if (state.view === 'training') {
    if (state.overlap !== null) params.set(KEYS.overlap, String(state.overlap));
    if (state.price !== null) params.set(KEYS.price, String(state.price));
    params.set(KEYS.compare, listText(state.compare));
    serialiseTraining(params, state.training);
    return params.toString().replace(/%2C/gi, ',');
  }
  params.set(KEYS.chips, String(state.chips));
  params.set(KEYS.tp, String(state.tp));
  params.set(KEYS.pp, String(state.pp));
  params.set(KEYS.ep, String(state.ep));
  params.set(KEYS.batch, String(state.batch));
  if (state.maxBatch !== null) params.set(KEYS.maxBatch, String(state.maxBatch));
  params.set(KEYS.inputTokens, String(state.inputTokens));
  params.set(KEYS.outputTokens, String(state.outputTokens));
  params.set(KEYS.weights, state.weights);
  params.set(KEYS.kvCache, state.kvCache);
  params.set(KEYS.activations, state.activations);
  if (state.attentionWeights !== null) params.set(KEYS.attentionWeights, state.attentionWeights);
  if (state.overlap !== null) params.set(KEYS.overlap, String(state.overlap));
  if (state.price !== null) params.set(KEYS.price, String(state.price));
  serialiseDisaggregation(params, state.disaggregation);
  serialiseEnergy(params, state.energy);
  params.set(KEYS.compare, listText(state.compare));
  params.set(KEYS.compareFit, state.compareFit ? '1' : '0');
  const s = state.sweep;
  params.set(KEYS.sweepBatchMax, String(s.batchMax));
  params.set(KEYS.sweepBatchSpacing, s.batchSpacing);
  params.set(KEYS.sweepTp, listText(s.tp));
  params.set(KEYS.sweepPp, listText(s.pp));
  if (s.weights.length > 0) params.set(KEYS.sweepWeights, listText(s.weights));
  if (s.kvCache.length > 0) params.set(KEYS.sweepKv, listText(s.kvCache));
  params.set(KEYS.sweepCompared, s.compared ? '1' : '0');
  params.set(KEYS.sweepY, s.y === 'tokensPerSPerChip' ? 'chip' : s.y === 'costPerMillionTokensUsd' ? 'cost' : 'mw');
  if (s.ttftCapS !== null && Number.isFinite(s.ttftCapS)) params.set(KEYS.sweepTtftCap, durationText(s.ttftCapS));
  serialisePlan(params, state.plan);
  // URLSearchParams writes spaces as '+', commas as %2C; keep lists readable.
  return params.toString().replace(/%2C/gi, ',');
}

/** Reads one parameter at a time, recording what it cannot use. */
class Reader {
  readonly problems: UrlProblem[] = [];
  readonly #params: URLSearchParams;
  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  raw(key: string): string | undefined {
    const value = this.#params.get(key);
    return value === null ? undefined : value;
  }

  /** Records what is wrong with `key`; the key and the value are echoed abbreviated (see `abbreviate`). */
  problem(key: string, value: string, message: string): void {
    this.problems.push({ key: abbreviate(key), value: abbreviate(value), message });
  }

  integer(key: string, what: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) {
      // 1e300 is a whole number ≥ 1: past the largest, the message says what the largest is.
      const tooLarge = Number.isInteger(n) && n > max;
      const range = max === Number.MAX_SAFE_INTEGER && !tooLarge ? 'a whole number ≥ 1' : `a whole number from 1 to ${max === Number.MAX_SAFE_INTEGER ? formatInteger(max) : max}`;
      this.problem(key, text, `${what} must be ${range}; using ${fallback}.`);
      return fallback;
    }
    return n;
  }

  fraction(key: string, what: string, min: number, max: number, fallback: number | null): number | null {
    const text = this.raw(key);
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) {
      const range = max === Number.MAX_VALUE ? `a number ≥ ${min}` : `a number from ${min} to ${max}`;
      this.problem(key, text, `${what} must be ${range}; using ${fallback === null ? 'the default' : fallback}.`);
      return fallback;
    }
    return n;
  }

  precision(key: string, what: string, fallback: Precision): Precision {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (isPrecision(text)) return text;
    this.problem(key, text, `${what} must be one of ${PRECISIONS.join(', ')}; using ${fallback}.`);
    return fallback;
  }

  flag(key: string, what: string, fallback: boolean): boolean {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (text === '1' || text === '0') return text === '1';
    this.problem(key, text, `${what} must be 1 or 0; using ${fallback ? 1 : 0}.`);
    return fallback;
  }

  integers(key: string, what: string, fallback: readonly number[]): readonly number[] {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const items = text.split(',').map((s) => s.trim());
    const values = items.map(Number);
    if (items.length === 0 || items.some((s, i) => s === '' || !Number.isInteger(values[i]) || (values[i] ?? 0) < 1)) {
      this.problem(key, text, `${what} must be a comma-separated list of whole numbers ≥ 1; using ${fallback.length === 0 ? 'the current one' : listText(fallback)}.`);
      return fallback;
    }
    return [...new Set(values)].sort((a, b) => a - b);
  }

  /** A whole number ≥ 1, or empty for none (null); `none` says what none means. */
  optionalInteger(key: string, what: string, none: string): number | null {
    const text = this.raw(key);
    if (text === undefined || text.trim() === '') return null;
    const n = Number(text);
    if (Number.isSafeInteger(n) && n >= 1) return n;
    this.problem(key, text, `${what} must be a whole number ≥ 1, or empty for ${none}; using ${none}.`);
    return null;
  }

  /** A positive number, exponent allowed (`15e12`). */
  positive(key: string, what: string, fallback: number): number {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
      this.problem(key, text, `${what} must be a number > 0 (e.g. 15e12); using ${formatExactCount(fallback)}.`);
      return fallback;
    }
    return n;
  }

  /** One of `allowed`, as written in the link. */
  choice<T extends string | number>(key: string, what: string, allowed: readonly T[], fallback: T): T {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const found = allowed.find((a) => String(a) === text);
    if (found !== undefined) return found;
    this.problem(key, text, `${what} must be one of ${allowed.join(', ')}; using ${fallback}.`);
    return fallback;
  }

  /** A comma-separated subset of `allowed` (empty: the current value), in `allowed`'s order. */
  subset<T extends string | number>(key: string, what: string, allowed: readonly T[], fallback: readonly T[]): readonly T[] {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.filter((s) => !allowed.some((a) => String(a) === s));
    if (bad.length > 0) {
      this.problem(key, text, `${what}: ${echoList(bad.map((b) => `"${abbreviate(b)}"`))} ${bad.length === 1 ? 'is not one of' : 'are not among'} ${allowed.join(', ')}; using ${fallback.length === 0 ? 'the current one' : listText(fallback)}.`);
      return fallback;
    }
    return allowed.filter((a) => items.includes(String(a)));
  }

  /** Whole numbers ≥ 1, comma-separated; empty means none (the current value). */
  integersOrEmpty(key: string, what: string, fallback: readonly number[]): readonly number[] {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (text.trim() === '') return [];
    return this.integers(key, what, fallback);
  }

  /** Requests per second, above 0 and at most `MAX_PLAN_RATE_RPS`; empty means none (null). */
  rate(key: string, what: string, fallback: number | null): number | null {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (text.trim() === '') return null;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || n > MAX_PLAN_RATE_RPS) {
      this.problem(key, text, `${what} must be a number of requests per second above 0 and at most ${MAX_PLAN_RATE_RPS.toExponential().replace('+', '')}, or empty for none; using ${fallback ?? 'none'}.`);
      return fallback;
    }
    return n;
  }

  /** A duration (`2s`, `500ms`, `0.05`); empty means none (null). */
  duration(key: string, what: string, fallback: number | null): number | null {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const seconds = parseDuration(text);
    if (seconds !== null && Number.isNaN(seconds)) {
      this.problem(key, text, `${what} must be ${DURATION_ALLOWED}, or empty for none; using ${fallback === null ? 'none' : durationText(fallback)}.`);
      return fallback;
    }
    return seconds;
  }

  precisions(key: string, what: string): readonly Precision[] {
    const text = this.raw(key);
    if (text === undefined || text === '') return [];
    const items = text.split(',').map((s) => s.trim());
    const bad = items.filter((s) => !isPrecision(s));
    if (bad.length > 0) {
      this.problem(key, text, `${what}: ${echoList(bad.map((b) => `"${abbreviate(b)}"`))} ${bad.length === 1 ? 'is not a precision' : 'are not precisions'} (allowed: ${PRECISIONS.join(', ')}); using the current precision.`);
      return [];
    }
    return [...new Set(items as Precision[])];
  }
}

function parseModel(r: Reader): AppState['model'] {
  const config = r.raw(KEYS.modelConfig);
  if (config !== undefined) {
    try {
      return { kind: 'config', json: fromBase64Url(config) };
    } catch {
      r.problem(KEYS.modelConfig, abbreviate(config), `the pasted config.json in the link is damaged (not base64url text), perhaps cut short when it was copied; showing ${DEFAULT_STATE.model.kind === 'catalog' ? DEFAULT_STATE.model.id : 'the default model'}.`);
      return DEFAULT_STATE.model;
    }
  }
  const id = r.raw(KEYS.model);
  if (id === undefined) return DEFAULT_STATE.model;
  const model = findModel(id);
  if (model === undefined) {
    r.problem(KEYS.model, id, `there is no model "${abbreviate(id)}" in the catalog; showing ${DEFAULT_STATE.model.kind === 'catalog' ? DEFAULT_STATE.model.id : 'the default model'}.`);
    return DEFAULT_STATE.model;
  }
  return { kind: 'catalog', id: model.id };
}

function parseCustomChip(r: Reader): Record<string, string> | null {
  const encoded = r.raw(KEYS.customChip);
  if (encoded === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(encoded));
  } catch {
    r.problem(KEYS.customChip, abbreviate(encoded), 'the custom chip in the link is damaged (not base64url JSON), perhaps cut short when it was copied; the form starts empty.');
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    r.problem(KEYS.customChip, abbreviate(encoded), 'the custom chip in the link is not a set of form fields; the form starts empty.');
    return {};
  }
  const fields: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (!CHIP_FIELD_KEYS.has(key)) unknown.push(key);
    else fields[key] = typeof value === 'string' ? value : String(value);
  }
  if (unknown.length > 0) {
    r.problem(KEYS.customChip, unknown.join(', '), `the custom chip in the link has fields this page does not know (${echoList(unknown.map((u) => abbreviate(u)))}); they were ignored.`);
  }
  return fields;
}

function parseHardware(r: Reader, hasCustom: boolean): string {
  const id = r.raw(KEYS.hardware);
  if (id === undefined) return DEFAULT_STATE.hardware;
  if (id === CUSTOM_CHIP_ID) {
    if (hasCustom) return id;
    r.problem(KEYS.hardware, id, `the link selects the custom chip but does not carry one (hc=…); showing ${DEFAULT_STATE.hardware}.`);
    return DEFAULT_STATE.hardware;
  }
  const chip = findChip(id);
  if (chip === undefined) {
    r.problem(KEYS.hardware, id, `there is no chip "${abbreviate(id)}" among the first-party chips; showing ${DEFAULT_STATE.hardware}.`);
    return DEFAULT_STATE.hardware;
  }
  return chip.id;
}

function parseCompare(r: Reader, hasCustom: boolean): readonly string[] {
  const text = r.raw(KEYS.compare);
  if (text === undefined) return DEFAULT_STATE.compare;
  if (text.trim() === '') return [];
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const id = item === CUSTOM_CHIP_ID && hasCustom ? item : findChip(item)?.id;
    if (id === undefined) unknown.push(item);
    else if (!ids.includes(id)) ids.push(id);
  }
  if (unknown.length > 0) {
    r.problem(KEYS.compare, text, `the comparison names ${unknown.length === 1 ? 'a chip' : 'chips'} this page does not know (${echoList(unknown.map((u) => abbreviate(u)))}); ${unknown.length === 1 ? 'it was' : 'they were'} left out.`);
  }
  if (ids.length > MAX_COMPARE) {
    r.problem(KEYS.compare, text, `at most ${MAX_COMPARE} chips can be compared; the first ${MAX_COMPARE} are shown.`);
  }
  return ids.slice(0, MAX_COMPARE);
}

function parseSweep(r: Reader): SweepSettings {
  const d = DEFAULT_STATE.sweep;
  const spacingText = r.raw(KEYS.sweepBatchSpacing);
  let batchSpacing: BatchSpacing = d.batchSpacing;
  if (spacingText !== undefined) {
    if (spacingText === 'pow2' || spacingText === 'all') batchSpacing = spacingText;
    else r.problem(KEYS.sweepBatchSpacing, spacingText, `sweep batch spacing must be pow2 or all; using ${d.batchSpacing}.`);
  }
  const yText = r.raw(KEYS.sweepY);
  let y: ParetoY = d.y;
  if (yText !== undefined) {
    if (yText === 'chip') y = 'tokensPerSPerChip';
    else if (yText === 'cost') y = 'costPerMillionTokensUsd';
    else if (yText === 'mw') y = 'tokensPerSPerProvisionedMW';
    else r.problem(KEYS.sweepY, yText, `the Pareto chart's vertical axis must be chip (tokens/s per chip), cost ($ per million tokens) or mw (tokens/s per provisioned MW); using chip.`);
  }
  return {
    batchMax: r.integer(KEYS.sweepBatchMax, 'the sweep’s largest batch', d.batchMax, MAX_SWEEP_BATCH),
    batchSpacing,
    tp: r.integers(KEYS.sweepTp, 'the sweep’s TP degrees', d.tp),
    pp: r.integers(KEYS.sweepPp, 'the sweep’s PP degrees', d.pp),
    weights: r.precisions(KEYS.sweepWeights, 'the sweep’s weight precisions'),
    kvCache: r.precisions(KEYS.sweepKv, 'the sweep’s KV-cache precisions'),
    compared: r.flag(KEYS.sweepCompared, 'sweeping the compared chips', d.compared),
    y,
    ttftCapS: r.duration(KEYS.sweepTtftCap, 'the sweep’s TTFT cap', d.ttftCapS),
  };
}

function parsePlan(r: Reader): PlanSettings {
  const d = DEFAULT_PLAN;
  const rateRps = r.rate(KEYS.planRate, 'the request rate', d.rateRps);
  let objective = r.choice(KEYS.planObjective, 'the plan’s objective', PLAN_OBJECTIVES, d.objective);
  if (objective === 'chips' && rateRps === null) {
    r.problem(KEYS.planObjective, 'chips', `the chips objective needs a request rate (${KEYS.planRate}=…); using ${d.objective}.`);
    objective = d.objective;
  }
  return {
    ttftS: r.duration(KEYS.planTtft, 'the TTFT target', d.ttftS),
    tpotS: r.duration(KEYS.planTpot, 'the TPOT target', d.tpotS),
    objective,
    rateRps,
  };
}

/** The prefill workers' chip: a first-party chip, or the custom one when the link carries it; null: the decode chip. */
function parsePrefillHardware(r: Reader, hasCustom: boolean): string | null {
  const id = r.raw(KEYS.prefillHardware);
  if (id === undefined || id === '') return null;
  if (id === CUSTOM_CHIP_ID && hasCustom) return id;
  const chip = id === CUSTOM_CHIP_ID ? undefined : findChip(id);
  if (chip !== undefined) return chip.id;
  const why = id === CUSTOM_CHIP_ID ? 'the link selects the custom chip but does not carry one (hc=…)' : `there is no chip "${abbreviate(id)}" among the first-party chips`;
  r.problem(KEYS.prefillHardware, id, `${why}; the prefill workers use the decode workers' chip.`);
  return null;
}

/**
 * Disaggregation: on when the link has prefill workers (`pw=…`), as the CLI's `--prefill-workers`
 * turns it on; the other settings without it are reported and ignored, as the CLI refuses them.
 */
function parseDisaggregation(r: Reader, hasCustom: boolean): DisaggregationSettings | null {
  const d = DEFAULT_DISAGGREGATION;
  if (r.raw(KEYS.prefillWorkers) === undefined) {
    for (const key of [KEYS.decodeWorkers, KEYS.prefillHardware, KEYS.prefillTp, KEYS.prefillEp, KEYS.prefillAttention]) {
      const text = r.raw(key);
      if (text !== undefined) r.problem(key, text, `this setting is for disaggregated prefill and decode, which the link does not turn on (${KEYS.prefillWorkers}=…); it was ignored.`);
    }
    return null;
  }
  return {
    prefillWorkers: r.integer(KEYS.prefillWorkers, 'the prefill workers', d.prefillWorkers, MAX_WORKERS),
    decodeWorkers: r.integer(KEYS.decodeWorkers, 'the decode workers', d.decodeWorkers, MAX_WORKERS),
    prefillHardware: parsePrefillHardware(r, hasCustom),
    prefillTp: r.optionalInteger(KEYS.prefillTp, 'prefill TP', 'the decode worker’s TP'),
    prefillEp: r.optionalInteger(KEYS.prefillEp, 'prefill EP', 'the model’s default'),
    prefillAttention: r.choice(KEYS.prefillAttention, 'prefill attention', ['heads', 'dp'] as const, d.prefillAttention),
  };
}

/**
 * The PUE and the price basis: `pb=tco` turns on cost of ownership, as `--price-basis tco`; its
 * inputs without it are reported and ignored, as the CLI refuses them. A value outside
 * `TCO_LIMITS` (the CLI's bounds) is reported and the default used.
 */
function parseEnergy(r: Reader): EnergySettings {
  const number = (field: EnergyField): number | null => {
    const text = r.raw(KEYS[field]);
    if (text === undefined || text.trim() === '') return null;
    const n = Number(text);
    const problem = energyFieldProblem(field, n);
    if (problem === null) return n;
    r.problem(KEYS[field], text, `${problem.slice(0, -1)}; using ${ENERGY_FIELDS[field].fallback}.`);
    return null;
  };
  const pue = number('pue');
  const priceBasis = r.choice(KEYS.priceBasis, 'the price basis', ['list', 'tco'] as const, DEFAULT_ENERGY.priceBasis);
  if (priceBasis !== 'tco') {
    for (const field of TCO_FIELDS) {
      const text = r.raw(KEYS[field]);
      if (text !== undefined) r.problem(KEYS[field], text, `this setting is for the tco price basis, which the link does not turn on (${KEYS.priceBasis}=tco); it was ignored.`);
    }
  }
  const tco = (field: EnergyField): number | null => (priceBasis === 'tco' ? number(field) : null);
  return {
    pue,
    priceBasis,
    // in the order the CLI lists the flags (and so the problems)
    capitalUsd: tco('capitalUsd'),
    systemCapitalUsd: tco('systemCapitalUsd'),
    amortizationYears: tco('amortizationYears'),
    utilization: tco('utilization'),
    usdPerKwh: tco('usdPerKwh'),
    usdPerKwMonth: tco('usdPerKwMonth'),
  };
}

function parseView(r: Reader): View {
  const text = r.raw(KEYS.view);
  if (text === undefined) return DEFAULT_STATE.view;
  const view = (Object.keys(VIEW_NAMES) as View[]).find((v) => VIEW_NAMES[v] === text || v === text);
  if (view !== undefined) return view;
  r.problem(KEYS.view, text, `the view must be ${Object.values(VIEW_NAMES).join(' or ')}; showing the inference view.`);
  return DEFAULT_STATE.view;
}

function parseTrainingSweep(r: Reader): TrainingSweepSettings {
  const d = DEFAULT_STATE.training.sweep;
  return {
    chips: r.integers(KEYS.trainSweepChips, 'the training sweep’s chip counts', d.chips),
    tp: r.integers(KEYS.trainSweepTp, 'the training sweep’s TP degrees', d.tp),
    pp: r.integers(KEYS.trainSweepPp, 'the training sweep’s PP degrees', d.pp),
    microBatch: r.integersOrEmpty(KEYS.trainSweepMicroBatch, 'the training sweep’s micro-batches', d.microBatch),
    zeroStage: r.subset(KEYS.trainSweepZero, 'the training sweep’s ZeRO stages', ZERO_STAGES, d.zeroStage),
    recompute: r.subset(KEYS.trainSweepRecompute, 'the training sweep’s recomputation modes', RECOMPUTES, d.recompute),
    compared: r.flag(KEYS.trainSweepCompared, 'sweeping the compared chips in training', d.compared),
  };
}

function parseTraining(r: Reader): TrainingSettings {
  const d = DEFAULT_STATE.training;
  return {
    chips: r.integer(KEYS.trainChips, 'the training chip count', d.chips),
    tp: r.integer(KEYS.trainTp, 'training TP', d.tp),
    pp: r.integer(KEYS.trainPp, 'training PP', d.pp),
    cp: r.integer(KEYS.trainCp, 'training CP', d.cp),
    ep: r.integer(KEYS.trainEp, 'training EP', d.ep),
    sequenceLength: r.integer(KEYS.trainSequence, 'the sequence length', d.sequenceLength),
    globalBatch: r.integer(KEYS.trainGlobalBatch, 'the global batch', d.globalBatch),
    microBatch: r.integer(KEYS.trainMicroBatch, 'the micro-batch', d.microBatch),
    virtualStages: r.integer(KEYS.trainVirtualStages, 'the virtual stages', d.virtualStages),
    totalTokens: r.positive(KEYS.trainTokens, 'the run’s total tokens', d.totalTokens),
    precision: r.precision(KEYS.trainPrecision, 'the training precision', d.precision),
    zeroStage: r.choice(KEYS.trainZero, 'the ZeRO stage', ZERO_STAGES, d.zeroStage),
    recompute: r.choice(KEYS.trainRecompute, 'recomputation', RECOMPUTES, d.recompute),
    sweep: parseTrainingSweep(r),
  };
}

/** The attention weights' precision (aw): absent, or not a precision (reported), is null: as the weights. */
function parseAttentionWeights(r: Reader): Precision | null {
  const text = r.raw(KEYS.attentionWeights);
  if (text === undefined) return null;
  if (isPrecision(text)) return text;
  r.problem(KEYS.attentionWeights, text, `the attention weights’ precision must be one of ${PRECISIONS.join(', ')}; using the weights’.`);
  return null;
}

/**
 * The state a URL fragment describes (with or without the leading `#`); parameters it cannot use
 * are replaced by their defaults and reported. Never throws.
 *
 * @example
 * const { state, problems } = parseState('#m=llama-3.1-8b&b=abc');
 * state.batch; // 64 (the default)
 * problems[0]?.message; // 'the batch must be a whole number ≥ 1; using 64.'
 */
export function parseState(fragment: string): ParsedState {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.trim() === '') return { state: DEFAULT_STATE, problems: [] };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { state: DEFAULT_STATE, problems: [{ key: '', value: abbreviate(text), message: 'the link’s settings could not be read at all; showing the defaults.' }] };
  }
  const r = new Reader(params);
  for (const key of new Set(params.keys())) {
    if (!KNOWN_KEYS.has(key)) r.problem(key, params.get(key) ?? '', `the link has a setting "${abbreviate(key)}" this page does not know; it was ignored.`);
  }
  const d = DEFAULT_STATE;
  const view = parseView(r);
  const model = parseModel(r);
  const customChip = parseCustomChip(r);
  const hardware = parseHardware(r, customChip !== null);
  const energy = parseEnergy(r);
  let price = r.fraction(KEYS.price, 'the price per chip-hour', 0, Number.MAX_VALUE, d.price);
  if (energy.priceBasis === 'tco' && price !== null) {
    // as the CLI refuses --price with --price-basis tco
    r.problem(KEYS.price, String(price), 'a price override is a list price per chip-hour, and the link asks for the tco price basis; it was ignored.');
    price = null;
  }
  const state: AppState = {
    view,
    model,
    hardware,
    customChip,
    chips: r.integer(KEYS.chips, 'the chip count', d.chips),
    tp: r.integer(KEYS.tp, 'TP', d.tp),
    pp: r.integer(KEYS.pp, 'PP', d.pp),
    ep: r.integer(KEYS.ep, 'EP', d.ep),
    batch: r.integer(KEYS.batch, 'the batch', d.batch),
    maxBatch: r.optionalInteger(KEYS.maxBatch, 'the engine’s cap on requests in flight', 'no cap'),
    inputTokens: r.integer(KEYS.inputTokens, 'the input length', d.inputTokens),
    outputTokens: r.integer(KEYS.outputTokens, 'the output length', d.outputTokens),
    weights: r.precision(KEYS.weights, 'the weight precision', d.weights),
    kvCache: r.precision(KEYS.kvCache, 'the KV-cache precision', d.kvCache),
    activations: r.precision(KEYS.activations, 'the activation precision', d.activations),
    attentionWeights: parseAttentionWeights(r),
    overlap: r.fraction(KEYS.overlap, 'the communication overlap', 0, 1, d.overlap),
    price,
    disaggregation: parseDisaggregation(r, customChip !== null),
    energy,
    compare: parseCompare(r, customChip !== null),
    compareFit: r.flag(KEYS.compareFit, 'fitting each compared chip', d.compareFit),
    sweep: parseSweep(r),
    plan: parsePlan(r),
    training: parseTraining(r),
  };
  return { state, problems: r.problems };
}
