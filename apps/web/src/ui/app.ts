import { render } from 'lit-html';
import { formatCount, formatDuration, formatExactCount } from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';
import { RooflineChart } from '../charts/roofline.ts';
import { rooflineData } from '../charts/roofline-data.ts';
import { DAY_S, ParetoChart, TRAINING_AXES, inferenceAxes, yOf } from '../charts/pareto.ts';
import { download } from '../charts/common.ts';
import type { CliFile } from '../cli-command.ts';
import { pricedChips, type EnergyField } from '../energy.ts';
import { checkCustomChip, fieldsFromChip, type CustomChipCheck } from '../custom-chip.ts';
import { DURATION_ALLOWED, durationText, parseDuration } from '../duration.ts';
import { compare, estimateFor, layoutFor, resolveChip, resolveModel, resolvePrefillChip, type ChipOutcome, type Comparison, type EstimateOutcome, type ModelOutcome } from '../estimate.ts';
import { planChips, planFor, planRows, type PlanPlanned, type PlanRow } from '../plan.ts';
import { CUSTOM_CHIP_ID, FIRST_PARTY_CHIPS, seriesColour } from '../registry.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_STATE, MAX_COMPARE, type AppState, type DisaggregationSettings, type EnergySettings, type ParetoY, type PlanSettings, type SweepSettings, type TrainingSettings, type TrainingSweepSettings, type View } from '../state.ts';
import { SweepClient, type PlanAnswer, type RunningSweep } from '../sweep/client.ts';
import { frontierCsv, trainingFrontierCsv } from '../sweep/csv.ts';
import { checkTrainingSweep, sweepSpec, trainingSweepSpec } from '../sweep/spec.ts';
import {
  sweepSize,
  trainingSweepSize,
  type SweepPoint,
  type SweepResult,
  type SweepSpec,
  type TrainingSweepPoint,
  type TrainingSweepResult,
  type TrainingSweepSpec,
  type ResultOf,
} from '../sweep/types.ts';
import { dataParallel, train, trainingConfigFor, type TrainingField, type TrainingOutcome } from '../training.ts';
import { MAX_SWEEP_BATCH, parseState, serialiseState, type UrlProblem } from '../url-state.ts';
import { appView } from './view.ts';

/** Recompute this long after the last keystroke. */
const DEBOUNCE_MS = 150;
/** Sweeps up to this size re-run by themselves when the configuration changes. */
export const AUTO_SWEEP_LIMIT = 20_000;

/** The training view's number boxes (its overlap and price are the shared `overlap` and `price`). */
export type TrainingNumericKey = `training.${Exclude<TrainingField, 'overlap' | 'price'>}`;

/** The disaggregation section's number boxes. */
export type DisaggregationKey = `disaggregation.${'prefillWorkers' | 'decodeWorkers' | 'prefillTp' | 'prefillEp'}`;

/** The energy and cost section's number boxes (PUE and the TCO inputs). */
export type EnergyKey = `energy.${EnergyField}`;

function isEnergyKey(key: NumericKey): key is EnergyKey {
  return key.startsWith('energy.');
}

function isDisaggregationKey(key: NumericKey): key is DisaggregationKey {
  return key.startsWith('disaggregation.');
}

/** The boxes that take a duration (`2s`, `500ms`, `0.05`), empty for none. */
export type DurationKey = 'plan.ttftS' | 'plan.tpotS' | 'sweep.ttftCapS';

/** Numeric fields of the state that have a text box. */
export type NumericKey =
  | 'chips'
  | 'tp'
  | 'pp'
  | 'ep'
  | 'batch'
  | 'maxBatch'
  | 'inputTokens'
  | 'outputTokens'
  | 'overlap'
  | 'price'
  | 'sweep.batchMax'
  | 'plan.rateRps'
  | DurationKey
  | DisaggregationKey
  | EnergyKey
  | TrainingNumericKey;

function isDurationKey(key: NumericKey): key is DurationKey {
  return key === 'plan.ttftS' || key === 'plan.tpotS' || key === 'sweep.ttftCapS';
}

/** A training number box that edits its own field (DP edits the chips). */
type TrainingBox = Exclude<TrainingField, 'overlap' | 'price' | 'dp'>;

/** The training field a number box edits, or null for DP and the other views' boxes. */
function trainingBoxOf(key: NumericKey): TrainingBox | null {
  return key.startsWith('training.') && key !== 'training.dp' ? (key.slice('training.'.length) as TrainingBox) : null;
}

/**
 * The box a training field is typed in.
 *
 * @example
 * numericKeyOf('tp'); // 'training.tp'
 * numericKeyOf('price'); // 'price'
 */
export function numericKeyOf(field: TrainingField): NumericKey {
  return field === 'overlap' || field === 'price' ? field : `training.${field}`;
}

/** A sweep the settings describe, or why there is none. */
export type SweepPlanned<S> = { readonly spec: S; readonly size: number } | { readonly error: string };

/** What the page derives from the state: recomputed (debounced) after every change. */
export interface Derived {
  /** The state all this is for: what the numbers on screen (and the CLI command under them) show. */
  readonly state: AppState;
  readonly model: ModelOutcome;
  readonly chip: ChipOutcome;
  readonly custom: CustomChipCheck | null;
  readonly outcome: EstimateOutcome | null;
  readonly comparisons: readonly Comparison[];
  /** The sweep the settings describe, or why there is none. */
  readonly sweep: SweepPlanned<SweepSpec>;
  /** The training run the training view's settings describe. */
  readonly training: TrainingOutcome | null;
  readonly trainingSweep: SweepPlanned<TrainingSweepSpec>;
  /** The latency-target plan the settings describe, or what to fix first. */
  readonly plan: PlanPlanned;
}

/** A sweep panel's state: progress, and the last finished result. */
export interface SweepRun<R> {
  readonly status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  readonly done: number;
  readonly total: number;
  readonly startedAt: number;
  readonly result: R | null;
  /** The spec the result is for (to say when it is stale). */
  readonly resultKey: string;
  readonly message: string | null;
}

/** The inference sweep panel's state. */
export interface SweepView extends SweepRun<SweepResult> {
  /** The objective the result's frontier is over. */
  readonly y: ParetoY;
  /** The TTFT cap the result was drawn under (null: none). */
  readonly ttftCapS: number | null;
}

/** The training sweep panel's state. */
export type TrainingSweepView = SweepRun<TrainingSweepResult>;

/** The latency-target panel's state: the plan in flight, and the last one answered. */
export interface PlanView {
  readonly status: 'idle' | 'running' | 'done' | 'error';
  /** The request the rows are for (to say when they are stale). */
  readonly resultKey: string;
  readonly rows: readonly PlanRow[] | null;
  /** How long the worker took over the last plan, and for how many chips. */
  readonly elapsedMs: number;
  readonly chips: number;
  readonly message: string | null;
}

/** Which engine the sweep worker runs, once it says. */
export interface BackendInfo {
  readonly name: 'wasm' | 'js';
  readonly note: string | null;
}

const IDLE = { status: 'idle', done: 0, total: 0, startedAt: 0, result: null, resultKey: '', message: null } as const;

/** One sweep panel: its view and the run in flight. */
class SweepSlot<R, V extends SweepRun<R>> {
  view: V;
  running: RunningSweep<R> | null = null;
  constructor(view: V) {
    this.view = view;
  }
}

function specKey(spec: SweepSpec | TrainingSweepSpec): string {
  // a chip's price is part of the key: the tco basis reprices the chips (pricedChips)
  return JSON.stringify({ ...spec, model: spec.model.id, modelLayers: spec.model.layers, chips: spec.chips.map((c) => [c.id, c.price.usdPerChipHour.value]) });
}

/**
 * The page: owns the state, the URL, the charts and the sweep worker, and renders the view
 * (lit-html) whenever something changes.
 */
export class App {
  state: AppState;
  problems: readonly UrlProblem[];
  /** What the person typed in a number box, until it becomes the state (so typing is never rewritten). */
  readonly drafts = new Map<NumericKey, string>();
  derived: Derived;
  /** Which engine sweeps (null until the worker has said). */
  backend: BackendInfo | null = null;
  /** A transient note (copied link, exported file). */
  toast: string | null = null;
  /** Whether the custom-chip form is open. */
  customOpen = false;
  /** The disaggregation settings last on, so that turning it off and on again keeps them. */
  #lastDisaggregation: DisaggregationSettings = DEFAULT_DISAGGREGATION;

  readonly #root: HTMLElement;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #roofline: RooflineChart | null = null;
  #pareto: ParetoChart<SweepPoint> | null = null;
  #trainingPareto: ParetoChart<TrainingSweepPoint> | null = null;
  #client: SweepClient | null = null;
  readonly #inferenceSweep = new SweepSlot<SweepResult, SweepView>({ ...IDLE, y: 'tokensPerSPerChip', ttftCapS: null });
  readonly #trainingSweep = new SweepSlot<TrainingSweepResult, TrainingSweepView>({ ...IDLE });
  /** The latency-target panel. */
  plan: PlanView = { status: 'idle', resultKey: '', rows: null, elapsedMs: 0, chips: 0, message: null };
  /** The request of the plan asked for last: only its answer is shown. */
  #planKey = '';
  #lastHash = '';
  #frame = 0;
  /** What the charts last drew, so a render that changed neither does not redraw them. */
  #drawn: { roofline: unknown; pareto: unknown[]; trainingPareto: unknown[] } = { roofline: null, pareto: [], trainingPareto: [] };

  constructor(root: HTMLElement) {
    this.#root = root;
    const parsed = parseState(location.hash);
    this.state = parsed.state;
    this.problems = parsed.problems;
    this.customOpen = this.state.hardware === CUSTOM_CHIP_ID;
    this.derived = this.#derive();
    window.addEventListener('hashchange', () => this.#onHashChange());
    this.#writeUrl();
    this.render();
    this.#maybeAutoSweep();
    this.#maybePlan();
  }

  /** The inference sweep panel. */
  get sweep(): SweepView {
    return this.#inferenceSweep.view;
  }

  /** The training sweep panel. */
  get trainingSweep(): TrainingSweepView {
    return this.#trainingSweep.view;
  }

  // ---- state -------------------------------------------------------------------------------

  /** Shows the inference or the training view (at once: a click, not typing). */
  setView(view: View): void {
    if (view === this.state.view) return;
    this.state = { ...this.state, view };
    this.#recompute();
    window.scrollTo({ top: 0 });
  }

  /** Replaces part of the training settings; recomputes after a short pause. */
  setTraining(patch: Partial<TrainingSettings>): void {
    this.set({ training: { ...this.state.training, ...patch } });
  }

  setTrainingSweep(patch: Partial<TrainingSweepSettings>): void {
    this.setTraining({ sweep: { ...this.state.training.sweep, ...patch } });
  }

  /** Replaces part of the state; recomputes after a short pause. */
  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.#schedule();
    this.render();
  }

  setSweep(patch: Partial<SweepSettings>): void {
    this.set({ sweep: { ...this.state.sweep, ...patch } });
  }

  setPlan(patch: Partial<PlanSettings>): void {
    this.set({ plan: { ...this.state.plan, ...patch } });
  }

  /** Replaces part of the disaggregation settings (when it is on). */
  setDisaggregation(patch: Partial<DisaggregationSettings>): void {
    const d = this.state.disaggregation;
    if (d !== null) this.set({ disaggregation: { ...d, ...patch } });
  }

  /**
   * Replaces part of the PUE and price-basis settings. Switching to the tco basis drops a price
   * override (a list price per chip-hour, which the CLI refuses with --price-basis tco).
   */
  setEnergy(patch: Partial<EnergySettings>): void {
    const energy = { ...this.state.energy, ...patch };
    if (energy.priceBasis === 'tco' && this.state.price !== null) {
      this.drafts.delete('price');
      this.set({ energy, price: null });
    } else this.set({ energy });
  }

  /**
   * Turns disaggregation on or off (at once: a click). The replicas become decode workers and back:
   * on, chips = TP·PP (one decode worker) and the decode workers = DP; off, chips = TP·PP · decode
   * workers. The other settings are kept for the next time it is turned on.
   */
  toggleDisaggregation(on: boolean): void {
    const s = this.state;
    if (on === (s.disaggregation !== null)) return;
    const worker = s.tp * s.pp;
    for (const key of [...this.drafts.keys()]) if (key === 'chips' || isDisaggregationKey(key)) this.drafts.delete(key);
    if (on) {
      const replicas = s.chips / worker;
      const decodeWorkers = Number.isInteger(replicas) && replicas >= 1 ? replicas : this.#lastDisaggregation.decodeWorkers;
      this.state = { ...s, chips: Number.isInteger(replicas) ? worker : s.chips, disaggregation: { ...this.#lastDisaggregation, decodeWorkers } };
    } else {
      const d = s.disaggregation!;
      this.#lastDisaggregation = d;
      this.state = { ...s, chips: s.chips === worker && Number.isInteger(worker * d.decodeWorkers) ? worker * d.decodeWorkers : s.chips, disaggregation: null };
    }
    this.#recompute();
  }

  /** A number box changed: keep the text as typed, and the number (NaN when it is none) in the state. */
  setNumber(key: NumericKey, text: string): void {
    this.drafts.set(key, text);
    const trimmed = text.trim();
    const n = trimmed === '' ? Number.NaN : Number(trimmed);
    if (key === 'overlap' || key === 'price' || key === 'maxBatch') this.set({ [key]: trimmed === '' ? null : n });
    else if (isEnergyKey(key)) this.setEnergy({ [key.slice('energy.'.length)]: trimmed === '' ? null : n });
    else if (key === 'plan.rateRps') this.setPlan({ rateRps: trimmed === '' ? null : n });
    else if (key === 'plan.ttftS') this.setPlan({ ttftS: parseDuration(text) });
    else if (key === 'plan.tpotS') this.setPlan({ tpotS: parseDuration(text) });
    else if (key === 'sweep.ttftCapS') this.setSweep({ ttftCapS: parseDuration(text) });
    else if (key === 'sweep.batchMax') this.setSweep({ batchMax: n });
    else if (key === 'disaggregation.prefillTp' || key === 'disaggregation.prefillEp') {
      // Empty is the model's default (the decode worker's TP; EP from it).
      this.setDisaggregation({ [key === 'disaggregation.prefillTp' ? 'prefillTp' : 'prefillEp']: trimmed === '' ? null : n });
    } else if (key === 'disaggregation.prefillWorkers') this.setDisaggregation({ prefillWorkers: n });
    else if (key === 'disaggregation.decodeWorkers') this.setDisaggregation({ decodeWorkers: n });
    else if (key === 'training.dp') this.#setDataParallel(n);
    else {
      const box = trainingBoxOf(key);
      if (box === null) this.set({ [key]: n });
      else {
        // DP is chips ÷ (TP·PP·CP): its box follows the others.
        if (box === 'chips' || box === 'tp' || box === 'pp' || box === 'cp') this.drafts.delete('training.dp');
        this.setTraining({ [box]: n });
      }
    }
  }

  /** DP typed: the chips become DP·TP·PP·CP (the state keeps chips, as the CLI's --chips). */
  #setDataParallel(dp: number): void {
    if (!Number.isInteger(dp) || dp < 1) {
      // Nothing to compute from; the box says what is wrong (see dataParallelProblem).
      this.render();
      return;
    }
    const t = this.state.training;
    this.drafts.delete('training.chips');
    this.setTraining({ chips: dp * t.tp * t.pp * t.cp });
  }

  /** What is wrong with the DP box's text, or null. */
  dataParallelProblem(): string | null {
    const draft = this.drafts.get('training.dp');
    if (draft === undefined) return null;
    const n = Number(draft.trim());
    return draft.trim() !== '' && Number.isInteger(n) && n >= 1 ? null : `DP must be a whole number ≥ 1, got "${draft}"; the chips stay ${this.state.training.chips}.`;
  }

  /** The text a number box shows. */
  numberText(key: NumericKey): string {
    const draft = this.drafts.get(key);
    if (draft !== undefined) return draft;
    if (key === 'training.dp') {
      const dp = dataParallel(this.state.training);
      return Number.isInteger(dp) ? String(dp) : '';
    }
    if (key === 'training.totalTokens') return Number.isNaN(this.state.training.totalTokens) ? '' : formatExactCount(this.state.training.totalTokens);
    if (isDurationKey(key)) {
      const seconds = key === 'sweep.ttftCapS' ? this.state.sweep.ttftCapS : key === 'plan.ttftS' ? this.state.plan.ttftS : this.state.plan.tpotS;
      return seconds === null || Number.isNaN(seconds) ? '' : durationText(seconds);
    }
    if (isEnergyKey(key)) {
      const value = this.state.energy[key.slice('energy.'.length) as EnergyField];
      return value === null || Number.isNaN(value) ? '' : String(value);
    }
    if (isDisaggregationKey(key)) {
      const d = this.state.disaggregation ?? this.#lastDisaggregation;
      const value = d[key.slice('disaggregation.'.length) as 'prefillWorkers' | 'decodeWorkers' | 'prefillTp' | 'prefillEp'];
      return value === null || Number.isNaN(value) ? '' : String(value);
    }
    const box = trainingBoxOf(key);
    const value =
      box !== null
        ? this.state.training[box]
        : key === 'sweep.batchMax'
          ? this.state.sweep.batchMax
          : key === 'plan.rateRps'
            ? this.state.plan.rateRps
            : this.state[key as Exclude<NumericKey, 'sweep.batchMax' | 'plan.rateRps' | DurationKey | DisaggregationKey | EnergyKey | TrainingNumericKey>];
    return value === null || Number.isNaN(value) ? '' : String(value);
  }

  /** Replaces the whole state (a shared link, a sweep point, reset): number boxes show the new values. */
  replace(state: AppState): void {
    this.drafts.clear();
    this.state = state;
    this.customOpen = state.hardware === CUSTOM_CHIP_ID || this.customOpen;
    this.#recompute();
  }

  selectHardware(id: string): void {
    if (id === CUSTOM_CHIP_ID) {
      this.customOpen = true;
      const current = FIRST_PARTY_CHIPS.find((c) => c.id === this.state.hardware);
      const fields = this.state.customChip ?? fieldsFromChip(current ?? (FIRST_PARTY_CHIPS[0] as ChipSpec));
      this.set({ hardware: id, customChip: fields });
    } else {
      this.set({ hardware: id });
    }
  }

  setCustomField(key: string, value: string): void {
    this.set({ customChip: { ...(this.state.customChip ?? {}), [key]: value } });
  }

  startCustomFrom(chipId: string): void {
    const chip = FIRST_PARTY_CHIPS.find((c) => c.id === chipId);
    if (chip !== undefined) this.set({ customChip: fieldsFromChip(chip), hardware: CUSTOM_CHIP_ID });
  }

  setCompare(index: number, id: string | null): void {
    const next = [...this.state.compare];
    if (id === null) next.splice(index, 1);
    else if (index >= next.length) next.push(id);
    else next[index] = id;
    this.set({ compare: [...new Set(next)].slice(0, MAX_COMPARE) });
  }

  /** Uses the smallest layout that holds the model (for a capacity-infeasible configuration). */
  useChips(chips: number): void {
    const d = this.derived;
    if (!d.model.ok || !d.chip.ok) return;
    const layout = layoutFor(d.model.model, d.chip.chip, chips) ?? { tp: chips, pp: 1 };
    this.replace({ ...this.state, chips, tp: layout.tp, pp: layout.pp });
  }

  /** Makes a sweep point the current configuration. */
  usePoint(p: SweepPoint): void {
    const spec = 'spec' in this.derived.sweep ? this.derived.sweep.spec : null;
    const chip = this.sweep.result?.perChip[p.chip];
    if (chip === undefined || spec === null) return;
    this.replace({
      ...this.state,
      hardware: chip.chipId === this.state.hardware || FIRST_PARTY_CHIPS.some((c) => c.id === chip.chipId) ? chip.chipId : CUSTOM_CHIP_ID,
      chips: p.chips,
      tp: p.tp,
      pp: p.pp,
      ep: p.ep,
      batch: p.batch,
      weights: p.weights,
      kvCache: p.kvCache,
    });
    this.notify(`Using ${p.chips} chips (tp ${p.tp} · pp ${p.pp}), batch ${p.batch} on ${chip.chipName}.`);
    document.getElementById('results')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /**
   * Makes a latency-target plan's configuration the current one (as the sweep frontier's *Use*):
   * one engine doing prefill and decode, as planned, so disaggregation goes off.
   */
  usePlan(row: PlanRow): void {
    const c = row.config;
    const { tp, pp, ep } = c.parallelism;
    if (this.state.disaggregation !== null) this.#lastDisaggregation = this.state.disaggregation;
    this.replace({
      ...this.state,
      disaggregation: null,
      hardware: row.pageId,
      chips: c.chips,
      tp,
      pp,
      ep,
      batch: c.batch,
      weights: c.precision.weights,
      kvCache: c.precision.kvCache,
      activations: c.precision.activations,
    });
    const replicas = c.chips / (tp * pp);
    this.notify(`Using ${c.chips} chips (${replicas > 1 ? `${replicas} replicas × ` : ''}tp ${tp} · pp ${pp}), batch ${c.batch} on ${row.chipName}.`);
    document.getElementById('results')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /** Makes a training sweep point the current run. */
  useRun(p: TrainingSweepPoint): void {
    const chip = this.trainingSweep.result?.perChip[p.chip];
    if (chip === undefined) return;
    this.replace({
      ...this.state,
      hardware: chip.chipId === this.state.hardware || FIRST_PARTY_CHIPS.some((c) => c.id === chip.chipId) ? chip.chipId : CUSTOM_CHIP_ID,
      training: { ...this.state.training, chips: p.chips, tp: p.tp, pp: p.pp, microBatch: p.microBatch, zeroStage: p.zeroStage, recompute: p.recompute },
    });
    this.notify(`Using ${p.chips} chips (dp ${p.dp} · tp ${p.tp} · pp ${p.pp}), ZeRO ${p.zeroStage}, recompute ${p.recompute} on ${chip.chipName}.`);
    document.getElementById('results')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /** Back to the defaults, in the view on screen. */
  reset(): void {
    this.problems = [];
    this.customOpen = false;
    this.replace({ ...DEFAULT_STATE, view: this.state.view });
  }

  dismissProblems(): void {
    this.problems = [];
    this.render();
  }

  notify(text: string): void {
    this.toast = text;
    clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.toast = null;
      this.render();
    }, 3500);
    this.render();
  }

  async copyLink(): Promise<void> {
    this.#writeUrl();
    await this.copy(location.href, 'Link copied: it opens this exact page.', 'The address bar holds the link to this exact page.');
  }

  /** Puts `text` on the clipboard and says so; `refused` says where else to get it when the browser will not. */
  async copy(text: string, copied: string, refused: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.notify(copied);
    } catch {
      this.notify(refused);
    }
  }

  /** Saves a file the CLI command reads (the pasted config.json, the custom chip's plugin) under its name. */
  saveCliFile(file: CliFile): void {
    const name = file.path.replace(/^\.\//, '');
    download(name, new Blob([file.text], { type: 'application/json' }));
    this.notify(`Saved ${name}: put it where you run the command.`);
  }

  // ---- derived -----------------------------------------------------------------------------

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#recompute(), DEBOUNCE_MS);
  }

  #recompute(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.derived = this.#derive();
    this.#writeUrl();
    this.render();
    this.#maybeAutoSweep();
    this.#maybePlan();
  }

  /** Whether a recompute is pending (tests wait for it through `data-busy`). */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  #derive(): Derived {
    const state = this.state;
    const model = resolveModel(state);
    const chip = resolveChip(state.hardware, state.customChip);
    const custom = state.customChip === null ? null : checkCustomChip(state.customChip);
    const prefillChip = resolvePrefillChip(state);
    const prefill = prefillChip?.ok === true ? prefillChip.chip : null;
    const outcome: EstimateOutcome | null =
      !model.ok || !chip.ok
        ? null
        : prefillChip?.ok === false
          ? { kind: 'error', message: prefillChip.message, field: 'disaggregation.prefillChip' }
          : estimateFor(state, model.model, chip.chip, prefill);
    const comparisons = model.ok && prefillChip?.ok !== false ? compare(state, model.model, prefill) : [];
    const training = model.ok && chip.ok ? train(trainingConfigFor(state, model.model, chip.chip)) : null;
    return {
      state,
      model,
      chip,
      custom,
      outcome,
      comparisons,
      sweep: this.#sweepFor(state, model, chip),
      training,
      trainingSweep: this.#trainingSweepFor(state, model, chip),
      plan: this.#planFor(state, model, chip),
    };
  }

  #planFor(state: AppState, model: ModelOutcome, chip: ChipOutcome): PlanPlanned {
    if (!model.ok) return { error: 'Choose a model first.', field: null };
    if (!chip.ok) return { error: 'Choose a valid chip first.', field: null };
    return planFor(state, model.model, planChips(state));
  }

  /** The current chip, and the compared ones when asked: one frontier each. */
  #sweepChips(state: AppState, chip: ChipSpec, compared: boolean): ChipSpec[] {
    const chips: ChipSpec[] = [chip];
    if (compared) {
      for (const id of state.compare) {
        const c = resolveChip(id, state.customChip);
        if (c.ok && !chips.some((x) => x.id === c.chip.id)) chips.push(c.chip);
      }
    }
    return chips;
  }

  #trainingSweepFor(state: AppState, model: ModelOutcome, chip: ChipOutcome): Derived['trainingSweep'] {
    if (!model.ok) return { error: 'Choose a model first.' };
    if (!chip.ok) return { error: 'Choose a valid chip first.' };
    const s = state.training.sweep;
    if (s.chips.length === 0 || s.tp.length === 0 || s.pp.length === 0) return { error: 'Pick at least one chip count, one TP and one PP degree.' };
    const spec = trainingSweepSpec(state, model.model, this.#sweepChips(state, chip.chip, s.compared));
    const problem = checkTrainingSweep(spec);
    return problem === null ? { spec, size: trainingSweepSize(spec) } : { error: problem };
  }

  #sweepFor(state: AppState, model: ModelOutcome, chip: ChipOutcome): Derived['sweep'] {
    if (!model.ok) return { error: 'Choose a model first.' };
    if (!chip.ok) return { error: 'Choose a valid chip first.' };
    const chips = this.#sweepChips(state, chip.chip, state.sweep.compared);
    const s = state.sweep;
    if (!Number.isInteger(s.batchMax) || s.batchMax < 1 || s.batchMax > MAX_SWEEP_BATCH) {
      return { error: `The largest batch must be a whole number from 1 to ${MAX_SWEEP_BATCH.toLocaleString('en-US')}.` };
    }
    if (s.tp.length === 0 || s.pp.length === 0) return { error: 'Pick at least one TP and one PP degree.' };
    if (s.ttftCapS !== null && Number.isNaN(s.ttftCapS)) return { error: `The TTFT cap must be ${DURATION_ALLOWED}; leave it empty for none.` };
    // under the tco basis each chip runs at its cost of ownership
    const priced = pricedChips(state, chips);
    if (!priced.ok) return { error: priced.message };
    const spec = sweepSpec(state, model.model, priced.chips);
    return { spec, size: sweepSize(spec) };
  }

  // ---- URL ---------------------------------------------------------------------------------

  #writeUrl(): void {
    const hash = `#${serialiseState(this.state)}`;
    this.#lastHash = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  #onHashChange(): void {
    if (location.hash === this.#lastHash) return;
    const parsed = parseState(location.hash);
    this.problems = parsed.problems;
    this.replace(parsed.state);
  }

  // ---- sweep -------------------------------------------------------------------------------

  #sweepClient(): SweepClient {
    if (this.#client === null) {
      this.#client = new SweepClient();
      void this.#client.ready.then((ready) => {
        this.backend = { name: ready.backend, note: ready.note };
        this.render();
      });
    }
    return this.#client;
  }

  /** The key of the sweep the settings describe now ('' when none). */
  currentSweepKey(): string {
    return 'spec' in this.derived.sweep ? specKey(this.derived.sweep.spec) : '';
  }

  /** The key of the training sweep the settings describe now ('' when none). */
  currentTrainingSweepKey(): string {
    return 'spec' in this.derived.trainingSweep ? specKey(this.derived.trainingSweep.spec) : '';
  }

  /** Re-runs the view's sweep when it is small and its result is not for the current settings. */
  #maybeAutoSweep(): void {
    const training = this.state.view === 'training';
    const d = training ? this.derived.trainingSweep : this.derived.sweep;
    if (!('spec' in d) || d.size > AUTO_SWEEP_LIMIT || d.size === 0) return;
    const view = training ? this.trainingSweep : this.sweep;
    if (view.resultKey === specKey(d.spec) && view.status === 'done') return;
    void (training ? this.runTrainingSweep() : this.runSweep());
  }

  async runSweep(): Promise<void> {
    const d = this.derived.sweep;
    if (!('spec' in d)) return;
    const { y, ttftCapS } = d.spec;
    await this.#run(this.#inferenceSweep, d.spec, d.size, (slot) => (slot.view = { ...slot.view, y, ttftCapS: ttftCapS ?? null }));
  }

  async runTrainingSweep(): Promise<void> {
    const d = this.derived.trainingSweep;
    if (!('spec' in d)) return;
    await this.#run(this.#trainingSweep, d.spec, d.size);
  }

  /** The key of the plan the settings describe now ('' when none). */
  currentPlanKey(): string {
    return 'request' in this.derived.plan ? JSON.stringify(this.derived.plan.request) : '';
  }

  /** Asks the worker for the plan the settings describe, unless it is the one shown or in flight. */
  #maybePlan(): void {
    if (this.state.view !== 'inference') return;
    const d = this.derived.plan;
    if (!('request' in d)) return;
    const key = JSON.stringify(d.request);
    if (key === this.#planKey) return;
    this.#planKey = key;
    this.plan = { ...this.plan, status: 'running', message: null };
    this.render();
    const { chips } = d;
    this.#sweepClient()
      .plan(d.request)
      .then(
        (answer: PlanAnswer) => {
          if (key !== this.#planKey) return;
          this.plan = { status: 'done', resultKey: key, rows: planRows(answer.plan, chips), elapsedMs: answer.elapsedMs, chips: chips.length, message: null };
          this.render();
        },
        (error: unknown) => {
          if (key !== this.#planKey) return;
          // Asked again with the same settings (after a fix elsewhere), it runs again.
          this.#planKey = '';
          this.plan = { ...this.plan, status: 'error', message: error instanceof Error ? error.message : String(error) };
          this.render();
        },
      );
  }

  /** Runs a sweep in the worker into a panel: progress, then the result (or cancelled, or the error). */
  async #run<S extends SweepSpec | TrainingSweepSpec, V extends SweepRun<ResultOf<S>>>(
    slot: SweepSlot<ResultOf<S>, V>,
    spec: S,
    size: number,
    finished: (slot: SweepSlot<ResultOf<S>, V>) => void = () => {},
  ): Promise<void> {
    slot.running?.cancel();
    const key = specKey(spec);
    const started = performance.now();
    const run: RunningSweep<ResultOf<S>> = this.#sweepClient().run(spec, (done, total) => {
      if (slot.running !== run) return;
      slot.view = { ...slot.view, done, total };
      this.#renderSoon();
    });
    slot.running = run;
    slot.view = { ...slot.view, status: 'running', done: 0, total: size, startedAt: started, message: null };
    this.render();
    try {
      const result = await run.result;
      if (slot.running !== run) return;
      if (result === 'cancelled') slot.view = { ...slot.view, status: 'cancelled', message: 'Sweep cancelled.' };
      else {
        slot.view = { ...slot.view, status: 'done', result, resultKey: key, done: result.total, total: result.total, message: null };
        finished(slot);
      }
    } catch (error) {
      if (slot.running !== run) return;
      slot.view = { ...slot.view, status: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    slot.running = null;
    this.render();
  }

  cancelSweep(): void {
    this.#inferenceSweep.running?.cancel();
  }

  cancelTrainingSweep(): void {
    this.#trainingSweep.running?.cancel();
  }

  exportCsv(): void {
    const r = this.sweep.result;
    if (r === null) return;
    download('ridgeline-frontier.csv', new Blob([frontierCsv(r)], { type: 'text/csv' }));
    this.notify('Saved ridgeline-frontier.csv');
  }

  exportTrainingCsv(): void {
    const r = this.trainingSweep.result;
    if (r === null) return;
    download('ridgeline-training-frontier.csv', new Blob([trainingFrontierCsv(r)], { type: 'text/csv' }));
    this.notify('Saved ridgeline-training-frontier.csv');
  }

  async exportChart(chart: 'roofline' | 'pareto' | 'training-pareto', format: 'png' | 'svg'): Promise<void> {
    const title = chart === 'training-pareto' ? this.#trainingParetoTitle() : this.#paretoTitle();
    const name = `ridgeline-${chart}.${format}`;
    const pareto = chart === 'pareto' ? this.#pareto : this.#trainingPareto;
    if (format === 'png') {
      const blob = chart === 'roofline' ? await this.#roofline?.png() : await pareto?.png(title);
      if (blob !== undefined) download(name, blob);
    } else {
      const svg = chart === 'roofline' ? this.#roofline?.svg() : pareto?.svg(title);
      if (svg !== undefined) download(name, new Blob([svg], { type: 'image/svg+xml' }));
    }
    this.notify(`Saved ${name}`);
  }

  #trainingParetoTitle(): string {
    const model = this.derived.model.ok ? this.derived.model.model.name : 'model';
    return `Training runs — ${model}, ${formatCount(this.state.training.totalTokens)} tokens`;
  }

  #paretoTitle(): string {
    const model = this.derived.model.ok ? this.derived.model.model.name : 'model';
    const cap = this.sweep.ttftCapS;
    return `Pareto frontier — ${model}, ${this.state.inputTokens} → ${this.state.outputTokens} tokens${cap === null ? '' : `, TTFT ≤ ${formatDuration(cap)}`}`;
  }

  // ---- render ------------------------------------------------------------------------------

  render(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    render(appView(this), this.#root);
    this.#updateCharts();
  }

  /** Renders at the next frame at most once, for updates that come faster than frames (progress). */
  #renderSoon(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.render());
  }

  #updateCharts(): void {
    if (this.state.view === 'training') {
      this.#updateTrainingPareto();
      return;
    }
    const outcome = this.derived.outcome;
    const rooflineEl = this.#root.querySelector<HTMLElement>('#roofline-chart');
    if (rooflineEl !== null && outcome?.kind === 'result' && outcome.result.feasible) {
      if (this.#roofline?.container !== rooflineEl) {
        this.#roofline?.destroy();
        this.#roofline = new RooflineChart(rooflineEl);
        this.#drawn.roofline = null;
      }
      const r = outcome.result;
      if (this.#drawn.roofline !== r) {
        this.#drawn.roofline = r;
        this.#roofline.update(rooflineData(r, outcome.config.chip), `${outcome.config.chip.name}, ${r.inputs.computePrecision}`);
      }
    }
    this.#updatePareto(outcome);
  }

  #updatePareto(outcome: EstimateOutcome | null): void {
    const paretoEl = this.#root.querySelector<HTMLElement>('#pareto-chart');
    const result = this.sweep.result;
    if (paretoEl !== null && result !== null) {
      if (this.#pareto?.container !== paretoEl) {
        this.#pareto?.destroy();
        this.#pareto = new ParetoChart<SweepPoint>(paretoEl, (p) => this.usePoint(p));
      }
      const y = this.sweep.y;
      const key = [result, y, outcome, paretoEl];
      if (key.every((k, i) => this.#drawn.pareto[i] === k)) return;
      this.#drawn.pareto = key;
      const current =
        outcome?.kind === 'result' && outcome.result.feasible
          ? { x: outcome.result.tokensPerSPerUser, y: yOf({ ...outcome.result, tokensPerSPerProvisionedMW: outcome.result.energy.tokensPerSPerProvisionedMW }, y) }
          : null;
      this.#pareto?.update({ series: result.perChip, axes: inferenceAxes(y), colours: result.perChip.map((_, i) => seriesColour(i)), current });
    }
  }

  #updateTrainingPareto(): void {
    const el = this.#root.querySelector<HTMLElement>('#training-pareto-chart');
    const result = this.trainingSweep.result;
    if (el === null || result === null) return;
    if (this.#trainingPareto?.container !== el) {
      this.#trainingPareto?.destroy();
      this.#trainingPareto = new ParetoChart<TrainingSweepPoint>(el, (p) => this.useRun(p));
    }
    const outcome = this.derived.training;
    const key = [result, outcome, el];
    if (key.every((k, i) => this.#drawn.trainingPareto[i] === k)) return;
    this.#drawn.trainingPareto = key;
    const current = outcome?.kind === 'result' && outcome.result.feasible ? { x: outcome.result.totalTimeS / DAY_S, y: outcome.result.costUsd } : null;
    this.#trainingPareto.update({ series: result.perChip, axes: TRAINING_AXES, colours: result.perChip.map((_, i) => seriesColour(i)), current });
  }
}
