import { render } from 'lit-html';
import type { ChipSpec } from '@ridgeline/hardware';
import { RooflineChart } from '../charts/roofline.ts';
import { rooflineData } from '../charts/roofline-data.ts';
import { ParetoChart } from '../charts/pareto.ts';
import { download } from '../charts/common.ts';
import { checkCustomChip, fieldsFromChip, type CustomChipCheck } from '../custom-chip.ts';
import { compare, configFor, estimate, layoutFor, resolveChip, resolveModel, type ChipOutcome, type Comparison, type EstimateOutcome, type ModelOutcome } from '../estimate.ts';
import { CUSTOM_CHIP_ID, FIRST_PARTY_CHIPS, seriesColour } from '../registry.ts';
import { DEFAULT_STATE, MAX_COMPARE, type AppState, type ParetoY, type SweepSettings } from '../state.ts';
import { SweepClient, type RunningSweep } from '../sweep/client.ts';
import { frontierCsv } from '../sweep/csv.ts';
import { sweepSpec } from '../sweep/spec.ts';
import { sweepSize, type SweepPoint, type SweepResult, type SweepSpec } from '../sweep/types.ts';
import { MAX_SWEEP_BATCH, parseState, serialiseState, type UrlProblem } from '../url-state.ts';
import { appView } from './view.ts';

/** Recompute this long after the last keystroke. */
const DEBOUNCE_MS = 150;
/** Sweeps up to this size re-run by themselves when the configuration changes. */
export const AUTO_SWEEP_LIMIT = 20_000;

/** Numeric fields of the state that have a text box. */
export type NumericKey = 'chips' | 'tp' | 'pp' | 'ep' | 'batch' | 'inputTokens' | 'outputTokens' | 'overlap' | 'price' | 'sweep.batchMax';

/** What the page derives from the state: recomputed (debounced) after every change. */
export interface Derived {
  readonly model: ModelOutcome;
  readonly chip: ChipOutcome;
  readonly custom: CustomChipCheck | null;
  readonly outcome: EstimateOutcome | null;
  readonly comparisons: readonly Comparison[];
  /** The sweep the settings describe, or why there is none. */
  readonly sweep: { readonly spec: SweepSpec; readonly size: number } | { readonly error: string };
}

/** The sweep panel's state. */
export interface SweepView {
  readonly status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  readonly done: number;
  readonly total: number;
  readonly startedAt: number;
  readonly result: SweepResult | null;
  /** The spec the result is for (to say when it is stale). */
  readonly resultKey: string;
  readonly message: string | null;
  readonly backend: { readonly name: 'wasm' | 'js'; readonly note: string | null } | null;
  /** The objective the result's frontier is over. */
  readonly y: ParetoY;
}

function specKey(spec: SweepSpec): string {
  return JSON.stringify({ ...spec, model: spec.model.id, modelLayers: spec.model.layers, chips: spec.chips.map((c) => c.id) });
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
  sweep: SweepView = { status: 'idle', done: 0, total: 0, startedAt: 0, result: null, resultKey: '', message: null, backend: null, y: 'tokensPerSPerChip' };
  /** A transient note (copied link, exported file). */
  toast: string | null = null;
  /** Whether the custom-chip form is open. */
  customOpen = false;

  readonly #root: HTMLElement;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #roofline: RooflineChart | null = null;
  #pareto: ParetoChart | null = null;
  #client: SweepClient | null = null;
  #running: RunningSweep | null = null;
  #lastHash = '';
  #frame = 0;
  /** What the charts last drew, so a render that changed neither does not redraw them. */
  #drawn: { roofline: unknown; pareto: unknown[] } = { roofline: null, pareto: [] };

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
  }

  // ---- state -------------------------------------------------------------------------------

  /** Replaces part of the state; recomputes after a short pause. */
  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.#schedule();
    this.render();
  }

  setSweep(patch: Partial<SweepSettings>): void {
    this.set({ sweep: { ...this.state.sweep, ...patch } });
  }

  /** A number box changed: keep the text as typed, and the number (NaN when it is none) in the state. */
  setNumber(key: NumericKey, text: string): void {
    this.drafts.set(key, text);
    const trimmed = text.trim();
    const n = trimmed === '' ? Number.NaN : Number(trimmed);
    if (key === 'overlap' || key === 'price') this.set({ [key]: trimmed === '' ? null : n });
    else if (key === 'sweep.batchMax') this.setSweep({ batchMax: n });
    else this.set({ [key]: n });
  }

  /** The text a number box shows. */
  numberText(key: NumericKey): string {
    const draft = this.drafts.get(key);
    if (draft !== undefined) return draft;
    const value = key === 'sweep.batchMax' ? this.state.sweep.batchMax : this.state[key];
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

  reset(): void {
    this.problems = [];
    this.customOpen = false;
    this.replace(DEFAULT_STATE);
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
    try {
      await navigator.clipboard.writeText(location.href);
      this.notify('Link copied: it opens this exact page.');
    } catch {
      this.notify('The address bar holds the link to this exact page.');
    }
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
    const outcome = model.ok && chip.ok ? estimate(configFor(state, model.model, chip.chip)) : null;
    const comparisons = model.ok ? compare(state, model.model) : [];
    return { model, chip, custom, outcome, comparisons, sweep: this.#sweepFor(state, model, chip) };
  }

  #sweepFor(state: AppState, model: ModelOutcome, chip: ChipOutcome): Derived['sweep'] {
    if (!model.ok) return { error: 'Choose a model first.' };
    if (!chip.ok) return { error: 'Choose a valid chip first.' };
    const chips: ChipSpec[] = [chip.chip];
    if (state.sweep.compared) {
      for (const id of state.compare) {
        const c = resolveChip(id, state.customChip);
        if (c.ok && !chips.some((x) => x.id === c.chip.id)) chips.push(c.chip);
      }
    }
    const s = state.sweep;
    if (!Number.isInteger(s.batchMax) || s.batchMax < 1 || s.batchMax > MAX_SWEEP_BATCH) {
      return { error: `The largest batch must be a whole number from 1 to ${MAX_SWEEP_BATCH.toLocaleString('en-US')}.` };
    }
    if (s.tp.length === 0 || s.pp.length === 0) return { error: 'Pick at least one TP and one PP degree.' };
    const spec = sweepSpec(state, model.model, chips);
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
        this.sweep = { ...this.sweep, backend: { name: ready.backend, note: ready.note } };
        this.render();
      });
    }
    return this.#client;
  }

  /** The key of the sweep the settings describe now ('' when none). */
  currentSweepKey(): string {
    return 'spec' in this.derived.sweep ? specKey(this.derived.sweep.spec) : '';
  }

  #maybeAutoSweep(): void {
    const d = this.derived.sweep;
    if (!('spec' in d) || d.size > AUTO_SWEEP_LIMIT || d.size === 0) return;
    if (this.sweep.resultKey === specKey(d.spec) && this.sweep.status === 'done') return;
    void this.runSweep();
  }

  async runSweep(): Promise<void> {
    const d = this.derived.sweep;
    if (!('spec' in d)) return;
    this.#running?.cancel();
    const key = specKey(d.spec);
    const started = performance.now();
    const run = this.#sweepClient().run(d.spec, (done, total) => {
      if (this.#running !== run) return;
      this.sweep = { ...this.sweep, done, total };
      this.#renderSoon();
    });
    this.#running = run;
    this.sweep = { ...this.sweep, status: 'running', done: 0, total: d.size, startedAt: started, message: null };
    this.render();
    try {
      const result = await run.result;
      if (this.#running !== run) return;
      if (result === 'cancelled') this.sweep = { ...this.sweep, status: 'cancelled', message: 'Sweep cancelled.' };
      else this.sweep = { ...this.sweep, status: 'done', result, resultKey: key, done: result.total, total: result.total, message: null, y: d.spec.y };
    } catch (error) {
      if (this.#running !== run) return;
      this.sweep = { ...this.sweep, status: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    this.#running = null;
    this.render();
  }

  cancelSweep(): void {
    this.#running?.cancel();
  }

  exportCsv(): void {
    const r = this.sweep.result;
    if (r === null) return;
    download('ridgeline-frontier.csv', new Blob([frontierCsv(r)], { type: 'text/csv' }));
    this.notify('Saved ridgeline-frontier.csv');
  }

  async exportChart(chart: 'roofline' | 'pareto', format: 'png' | 'svg'): Promise<void> {
    const title = this.#paretoTitle();
    const name = `ridgeline-${chart}.${format}`;
    if (format === 'png') {
      const blob = chart === 'roofline' ? await this.#roofline?.png() : await this.#pareto?.png(title);
      if (blob !== undefined) download(name, blob);
    } else {
      const svg = chart === 'roofline' ? this.#roofline?.svg() : this.#pareto?.svg(title);
      if (svg !== undefined) download(name, new Blob([svg], { type: 'image/svg+xml' }));
    }
    this.notify(`Saved ${name}`);
  }

  #paretoTitle(): string {
    const model = this.derived.model.ok ? this.derived.model.model.name : 'model';
    return `Pareto frontier — ${model}, ${this.state.inputTokens} → ${this.state.outputTokens} tokens`;
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
        this.#pareto = new ParetoChart(paretoEl, (p) => this.usePoint(p));
      }
      const y = this.sweep.y;
      const key = [result, y, outcome, paretoEl];
      if (key.every((k, i) => this.#drawn.pareto[i] === k)) return;
      this.#drawn.pareto = key;
      const current =
        outcome?.kind === 'result' && outcome.result.feasible
          ? { x: outcome.result.tokensPerSPerUser, y: y === 'tokensPerSPerChip' ? outcome.result.tokensPerSPerChip : outcome.result.costPerMillionTokensUsd }
          : null;
      this.#pareto?.update({ result, y, colours: result.perChip.map((_, i) => seriesColour(i)), current });
    }
  }
}
