import { html, nothing, type TemplateResult } from 'lit-html';
import { formatBandwidth, formatBytes, formatCount, formatDuration, formatFlops, formatInteger, formatPercent, formatPower, formatUsd } from '@ridgeline/format';
import { PRECISIONS, type HardwareIssue, type Precision } from '@ridgeline/hardware';
import { countParams, MAX_WORKERS, RECOMPUTE_MODES, type ModelSpec, type Recompute } from '@ridgeline/model';
import { CHIP_FIELDS, type ChipField } from '../custom-chip.ts';
import { ENERGY_FIELDS, TCO_FIELDS, energyFieldProblem, rangeText, type EnergyField } from '../energy.ts';
import { CATALOG_MODELS, CUSTOM_CHIP_ID, FIRST_PARTY_CHIPS, chipGroups, chipLabel } from '../registry.ts';
import type { PrefillAttention, ZeroStage } from '../state.ts';
import type { PriceBasis } from '@ridgeline/model';
import type { TrainingField } from '../training.ts';
import { numericKeyOf, type App, type NumericKey } from './app.ts';
import { compareView } from './compare-view.ts';
import { planView } from './plan-view.ts';
import { resultsView } from './results-view.ts';
import { sweepView } from './sweep-view.ts';
import { trainingSweepView } from './training-sweep-view.ts';
import { trainingView } from './training-view.ts';

function viewTabs(app: App): TemplateResult {
  const view = app.state.view;
  return html`<nav class="segmented view-tabs" role="tablist" aria-label="View">
    <button role="tab" aria-selected=${view === 'inference'} class=${view === 'inference' ? 'on' : ''} data-testid="view-inference" @click=${() => app.setView('inference')}>Inference</button>
    <button role="tab" aria-selected=${view === 'training'} class=${view === 'training' ? 'on' : ''} data-testid="view-training" @click=${() => app.setView('training')}>Training</button>
  </nav>`;
}

/** The whole page, from the app's state. */
export function appView(app: App): TemplateResult {
  const training = app.state.view === 'training';
  return html`
    <header class="topbar">
      <div class="brand">
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><path d="M2 26 L12 10 L17 17 L22 8 L30 26 Z" fill="#2563eb" opacity="0.18"/><path d="M2 26 L12 10 L17 17 L22 8 L30 26" fill="none" stroke="#2563eb" stroke-width="2.4" stroke-linejoin="round"/></svg>
        <div>
          <h1>Ridgeline</h1>
          <p class="tagline">What limits an AI model on given hardware, and what a token or a training run costs</p>
        </div>
      </div>
      ${viewTabs(app)}
      <div class="top-actions">
        <button class="btn" @click=${() => void app.copyLink()} data-testid="copy-link">Copy link</button>
        <button class="btn ghost" @click=${() => app.reset()}>Reset</button>
      </div>
    </header>
    <div class="layout">
      <aside class="controls" aria-label="Configuration">${training ? trainingControls(app) : controls(app)}</aside>
      <main id="results" class="results" data-busy=${app.pending ? 'true' : 'false'} data-view=${app.state.view}>
        ${problemsBanner(app)} ${training ? html`${trainingView(app)} ${trainingSweepView(app)}` : html`${resultsView(app)} ${compareView(app)} ${planView(app)} ${sweepView(app)}`}
        <footer class="foot">
          Every number comes from <code>@ridgeline/model</code> — the same functions as the <code>ridgeline</code> CLI; hardware figures carry their sources (see “Inputs and sources”).
        </footer>
      </main>
    </div>
    ${app.toast === null ? nothing : html`<div class="toast" role="status">${app.toast}</div>`}
  `;
}

/** The most settings the banner lists; a link with thousands of bad ones says how many more. */
const PROBLEMS_LISTED = 10;

function problemsBanner(app: App): TemplateResult | typeof nothing {
  if (app.problems.length === 0) return nothing;
  const count = app.problems.length;
  const unlisted = count - PROBLEMS_LISTED;
  return html`<section class="banner warn" role="alert" data-testid="url-problems">
    <div>
      <strong>This link has ${count === 1 ? 'a setting' : `${formatInteger(count)} settings`} the page could not use.</strong>
      The rest of the link is applied; the page shows defaults for these:
      <ul>
        ${app.problems.slice(0, PROBLEMS_LISTED).map((p) => html`<li><code>${p.key}${p.value === '' ? '' : `=${p.value}`}</code>: ${p.message}</li>`)}
        ${unlisted > 0 ? html`<li>and ${formatInteger(unlisted)} more.</li>` : nothing}
      </ul>
    </div>
    <button class="btn ghost small" @click=${() => app.dismissProblems()} aria-label="Dismiss">Dismiss</button>
  </section>`;
}

/** A labelled number box bound to a numeric state field; `error` marks it and says what is wrong. */
function numberField(
  app: App,
  key: NumericKey,
  label: string,
  opts: { hint?: string; min?: number; step?: string; placeholder?: string; testid?: string; text?: boolean; error?: string | null } = {},
): TemplateResult {
  const error = opts.error ?? null;
  return html`<label class="field ${error === null ? '' : 'invalid'}">
    <span class="label">${label}</span>
    <input
      type=${opts.text === true ? 'text' : 'number'}
      inputmode="decimal"
      spellcheck="false"
      min=${opts.text === true ? nothing : (opts.min ?? 1)}
      step=${opts.text === true ? nothing : (opts.step ?? '1')}
      placeholder=${opts.placeholder ?? ''}
      aria-invalid=${error === null ? 'false' : 'true'}
      data-testid=${opts.testid ?? `input-${key}`}
      .value=${app.numberText(key)}
      @input=${(e: Event) => app.setNumber(key, (e.target as HTMLInputElement).value)}
    />
    ${error !== null ? html`<span class="field-error" data-testid=${`field-error-${key}`}>${error}</span>` : opts.hint === undefined ? nothing : html`<span class="hint">${opts.hint}</span>`}
  </label>`;
}

function precisionSelect(app: App, key: 'weights' | 'kvCache' | 'activations', label: string): TemplateResult {
  const value = app.state[key];
  return html`<label class="field">
    <span class="label">${label}</span>
    <select data-testid=${`select-${key}`} @change=${(e: Event) => app.set({ [key]: (e.target as HTMLSelectElement).value as Precision })}>
      ${PRECISIONS.map((p) => html`<option value=${p} .selected=${p === value}>${p}</option>`)}
    </select>
  </label>`;
}

/** The attention block's weights: as the weights (null), or a precision of their own (docs/MODEL.md §1.2). */
function attentionWeightsSelect(app: App): TemplateResult {
  const value = app.state.attentionWeights;
  return html`<label class="field">
    <span class="label">Attention weights</span>
    <select
      data-testid="select-attentionWeights"
      title="The attention block's projection weights, where an FP4 checkpoint keeps them wider; it then computes at the wider of them and the activations"
      @change=${(e: Event) => {
        const chosen = (e.target as HTMLSelectElement).value;
        app.set({ attentionWeights: chosen === 'same' ? null : (chosen as Precision) });
      }}
    >
      <option value="same" .selected=${value === null}>as weights</option>
      ${PRECISIONS.map((p) => html`<option value=${p} .selected=${p === value}>${p}</option>`)}
    </select>
  </label>`;
}

function modelSummary(model: ModelSpec): TemplateResult {
  const params = countParams(model);
  const attention = model.mla !== undefined ? 'MLA' : model.kvHeads === model.heads ? 'MHA' : model.kvHeads === 1 ? 'MQA' : 'GQA';
  return html`<p class="summary-line">
    ${formatCount(params.total)} params${model.moe === undefined ? '' : html` (${formatCount(params.active)} active, ${model.moe.experts} experts, top-${model.moe.activeExperts})`}
    · ${model.layers} layers · d ${model.hiddenSize} · ${attention} ${model.heads}/${model.kvHeads} heads
  </p>`;
}

function modelSection(app: App): TemplateResult {
  const m = app.state.model;
  const derived = app.derived.model;
  return html`<section class="group">
    <h2>Model</h2>
    <div class="segmented" role="tablist">
      <button role="tab" aria-selected=${m.kind === 'catalog'} class=${m.kind === 'catalog' ? 'on' : ''} @click=${() => app.set({ model: { kind: 'catalog', id: derived.ok && m.kind === 'catalog' ? m.id : 'llama-3.1-70b' } })}>Catalog</button>
      <button role="tab" aria-selected=${m.kind === 'config'} class=${m.kind === 'config' ? 'on' : ''} @click=${() => app.set({ model: { kind: 'config', json: m.kind === 'config' ? m.json : '' } })}>Paste config.json</button>
    </div>
    ${m.kind === 'catalog'
      ? html`<label class="field">
          <span class="label sr-only">Catalog model</span>
          <select data-testid="select-model" @change=${(e: Event) => app.set({ model: { kind: 'catalog', id: (e.target as HTMLSelectElement).value } })}>
            ${CATALOG_MODELS.map((model) => html`<option value=${model.id} .selected=${model.id === m.id}>${model.name}</option>`)}
          </select>
        </label>`
      : html`<label class="field">
          <span class="label sr-only">config.json</span>
          <textarea
            class="code"
            rows="7"
            spellcheck="false"
            placeholder='{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, …}'
            data-testid="model-config"
            .value=${m.json}
            @input=${(e: Event) => app.set({ model: { kind: 'config', json: (e.target as HTMLTextAreaElement).value } })}
          ></textarea>
        </label>`}
    ${derived.ok ? modelSummary(derived.model) : html`<p class="error-text" data-testid="model-error">${derived.message}</p>`}
  </section>`;
}

function fieldHint(field: ChipField, text: string): string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return '';
  switch (field.unit) {
    case 'FLOP/s':
      return formatFlops(n);
    case 'B':
      return formatBytes(n);
    case 'B/s':
      return formatBandwidth(n);
    case 's':
      return formatDuration(n);
    case 'W':
      return formatPower(n);
    case 'USD/h':
      return `${formatUsd(n)} per hour`;
    case 'fraction':
      return formatPercent(n);
    default:
      return '';
  }
}

function customChipForm(app: App): TemplateResult {
  const fields = app.state.customChip ?? {};
  const check = app.derived.custom;
  const byField: ReadonlyMap<string, readonly HardwareIssue[]> = check !== null && !check.ok ? check.byField : new Map();
  const groups = [...new Set(CHIP_FIELDS.map((f) => f.group))];
  return html`<div class="custom-chip" data-testid="custom-chip-form">
    <div class="custom-head">
      <label class="field inline">
        <span class="label">Start from</span>
        <select data-testid="custom-template" @change=${(e: Event) => app.startCustomFrom((e.target as HTMLSelectElement).value)}>
          <option value="" selected>a first-party chip…</option>
          ${FIRST_PARTY_CHIPS.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
      </label>
      <p class="hint">Values in SI units, as in a plugin file (e.g. <code>989e12</code> FLOP/s, <code>80e9</code> bytes). Checked by <code>validateHardware</code>, with the CLI’s messages.</p>
    </div>
    ${check === null
      ? nothing
      : check.ok
        ? html`<p class="ok-text" data-testid="custom-chip-ok">✓ Valid chip: ${check.chip.name}</p>`
        : html`<p class="error-text" data-testid="custom-chip-summary">${check.issues.length} ${check.issues.length === 1 ? 'problem' : 'problems'}, marked below; the full report is on the right.</p>`}
    ${groups.map(
      (group) => html`<fieldset>
        <legend>${group}</legend>
        ${CHIP_FIELDS.filter((f) => f.group === group).map((f) => {
          const issues = byField.get(f.key) ?? [];
          const text = fields[f.key] ?? '';
          const id = `chip-${f.key.replace('.', '-')}`;
          return html`<label class="field ${issues.length > 0 ? 'invalid' : ''}">
            <span class="label">${f.label}${f.optional === true ? html` <span class="muted">(optional)</span>` : nothing}</span>
            ${f.options !== undefined
              ? html`<select id=${id} data-testid=${id} @change=${(e: Event) => app.setCustomField(f.key, (e.target as HTMLSelectElement).value)}>
                  <option value="" .selected=${text === ''}>—</option>
                  ${f.options.map((o) => html`<option value=${o} .selected=${o === text}>${o}</option>`)}
                </select>`
              : html`<input
                  id=${id}
                  data-testid=${id}
                  type="text"
                  spellcheck="false"
                  autocomplete="off"
                  placeholder=${f.placeholder ?? ''}
                  aria-invalid=${issues.length > 0 ? 'true' : 'false'}
                  .value=${text}
                  @input=${(e: Event) => app.setCustomField(f.key, (e.target as HTMLInputElement).value)}
                />`}
            ${issues.length > 0
              ? issues.map((i) => html`<span class="field-error">${i.message}. Fix: ${i.fix}</span>`)
              : html`<span class="hint" data-testid=${`${id}-hint`}>${fieldHint(f, text)}</span>`}
          </label>`;
        })}
      </fieldset>`,
    )}
  </div>`;
}

function chipSummary(app: App): TemplateResult | typeof nothing {
  const c = app.derived.chip;
  // The custom-chip form says what is wrong with its chip itself.
  if (!c.ok) return c.custom === undefined ? html`<p class="error-text" data-testid="chip-error">${c.message}</p>` : nothing;
  const chip = c.chip;
  const p = app.state.view === 'training' ? app.state.training.precision : app.state.activations;
  const peak = chip.compute.peakDenseFlopsPerS[p] ?? chip.compute.peakDenseFlopsPerS.bf16 ?? Object.values(chip.compute.peakDenseFlopsPerS)[0];
  return html`<p class="summary-line">
    ${peak === undefined ? '' : `${formatFlops(peak.value)} ${chip.compute.peakDenseFlopsPerS[p] === undefined ? '' : p} · `}${formatBytes(chip.memory.capacityBytes.value)}
    ${chip.memory.kind.toUpperCase()} at ${formatBandwidth(chip.memory.bandwidthBytesPerS.value)} · ${formatUsd(chip.price.usdPerChipHour.value)}/chip-hour
  </p>`;
}

function hardwareSection(app: App): TemplateResult {
  const hw = app.state.hardware;
  return html`<section class="group">
    <h2>Hardware</h2>
    <label class="field">
      <span class="label sr-only">Chip</span>
      <select data-testid="select-hardware" @change=${(e: Event) => app.selectHardware((e.target as HTMLSelectElement).value)}>
        ${chipGroups().map(
          (g) => html`<optgroup label=${g.vendor}>${g.chips.map((c) => html`<option value=${c.id} .selected=${c.id === hw}>${chipLabel(c)}</option>`)}</optgroup>`,
        )}
        <optgroup label="Your own">
          <option value=${CUSTOM_CHIP_ID} .selected=${hw === CUSTOM_CHIP_ID}>Custom chip…</option>
        </optgroup>
      </select>
    </label>
    ${chipSummary(app)} ${hw === CUSTOM_CHIP_ID ? customChipForm(app) : nothing}
  </section>`;
}

function parallelismSection(app: App): TemplateResult {
  const { chips, tp, pp } = app.state;
  const dp = chips / (tp * pp);
  const disaggregated = app.state.disaggregation !== null;
  return html`<section class="group">
    <h2>Parallelism${disaggregated ? html` <span class="muted">· one decode worker</span>` : nothing}</h2>
    <div class="grid-4">
      ${numberField(app, 'chips', 'Chips')} ${numberField(app, 'tp', 'TP')} ${numberField(app, 'pp', 'PP')} ${numberField(app, 'ep', 'EP')}
    </div>
    <p class="hint">
      ${disaggregated
        ? html`Disaggregated: these are one decode worker, so chips = TP·PP = ${Number.isFinite(tp * pp) ? tp * pp : '—'}; more workers below.`
        : html`DP = chips ÷ (TP·PP) = ${Number.isInteger(dp) ? dp : '—'} replica${dp === 1 ? '' : 's'}.`}
      TP must divide the heads, PP the layers, EP the experts.
    </p>
  </section>`;
}

/** The model's message when the inference view's estimate failed on `field` (the model's name for it), else null. */
function inferenceError(app: App, field: string): string | null {
  const outcome = app.derived.outcome;
  return outcome?.kind === 'error' && outcome.field === field ? outcome.message : null;
}

/** The model's message for a disaggregation field, when that is the field at fault. */
function disaggregationError(app: App, field: string): string | null {
  return inferenceError(app, `disaggregation.${field}`);
}

/**
 * Disaggregated prefill and decode (`--prefill-workers` and the rest): off by default; on, the
 * prefill and decode worker counts, the prefill chip (default: the decode chip) and its layout.
 */
function disaggregationSection(app: App): TemplateResult {
  const d = app.state.disaggregation;
  const s = app.state;
  const chipError = disaggregationError(app, 'prefillChip');
  return html`<section class="group" data-testid="disaggregation">
    <h2>Disaggregation</h2>
    <label class="check">
      <input type="checkbox" data-testid="disaggregation-on" .checked=${d !== null} @change=${(e: Event) => app.toggleDisaggregation((e.target as HTMLInputElement).checked)} />
      separate prefill and decode workers
    </label>
    ${d === null
      ? html`<p class="hint">Off: each replica does prefill and decode. On, prefill workers feed decode workers their prompts’ KV caches over the interconnect.</p>`
      : html`<div class="grid-2">
            ${numberField(app, 'disaggregation.prefillWorkers', 'Prefill workers', { hint: `1–${formatInteger(MAX_WORKERS)}`, error: disaggregationError(app, 'prefillWorkers') })}
            ${numberField(app, 'disaggregation.decodeWorkers', 'Decode workers', { hint: `1–${formatInteger(MAX_WORKERS)}, of ${Number.isFinite(s.tp * s.pp) ? s.tp * s.pp : '—'} chips each`, error: disaggregationError(app, 'decodeWorkers') })}
          </div>
          <label class="field ${chipError === null ? '' : 'invalid'}">
            <span class="label">Prefill chip</span>
            <select data-testid="select-prefill-hardware" aria-invalid=${chipError === null ? 'false' : 'true'} @change=${(e: Event) => {
              const value = (e.target as HTMLSelectElement).value;
              app.setDisaggregation({ prefillHardware: value === '' ? null : value });
            }}>
              <option value="" .selected=${d.prefillHardware === null}>same as decode${app.derived.chip.ok ? ` (${app.derived.chip.chip.name})` : ''}</option>
              ${chipGroups().map(
                (g) => html`<optgroup label=${g.vendor}>${g.chips.map((c) => html`<option value=${c.id} .selected=${c.id === d.prefillHardware}>${chipLabel(c)}</option>`)}</optgroup>`,
              )}
              ${s.customChip === null
                ? nothing
                : html`<optgroup label="Your own"><option value=${CUSTOM_CHIP_ID} .selected=${d.prefillHardware === CUSTOM_CHIP_ID}>Custom chip</option></optgroup>`}
            </select>
            ${chipError === null ? nothing : html`<span class="field-error" data-testid="field-error-disaggregation.prefillChip">${chipError}</span>`}
          </label>
          <div class="grid-3">
            ${numberField(app, 'disaggregation.prefillTp', 'Prefill TP', { placeholder: Number.isFinite(s.tp) ? String(s.tp) : '', hint: 'chips per worker; empty: decode TP', error: disaggregationError(app, 'prefillTp') })}
            ${numberField(app, 'disaggregation.prefillEp', 'Prefill EP', { placeholder: 'auto', hint: s.ep > 1 ? 'empty: prefill TP' : 'empty: 1', error: disaggregationError(app, 'prefillEp') })}
            <label class="field">
              <span class="label">Prefill attention</span>
              <select data-testid="select-prefill-attention" @change=${(e: Event) => app.setDisaggregation({ prefillAttention: (e.target as HTMLSelectElement).value as PrefillAttention })}>
                <option value="heads" .selected=${d.prefillAttention === 'heads'}>heads</option>
                <option value="dp" .selected=${d.prefillAttention === 'dp'}>dp</option>
              </select>
              <span class="hint">by head, or data-parallel</span>
            </label>
          </div>
          <p class="hint">Batch is the requests in flight per decode worker; decode batches continuously. The comparison runs the same workers on each chip.</p>`}
  </section>`;
}

function workloadSection(app: App): TemplateResult {
  return html`<section class="group">
    <h2>Workload</h2>
    <div class="grid-3">
      ${numberField(app, 'batch', 'Batch', { hint: 'sequences per replica' })} ${numberField(app, 'inputTokens', 'Input', { hint: 'prompt tokens' })}
      ${numberField(app, 'outputTokens', 'Output', { hint: 'generated tokens' })}
      ${numberField(app, 'maxBatch', 'Max batch', {
        placeholder: 'no cap',
        hint: app.state.disaggregation === null ? 'engine cap per replica; above it requests wait' : 'engine cap per decode worker; above it requests wait',
        error: inferenceError(app, 'maxBatch'),
      })}
    </div>
  </section>`;
}

function precisionSection(app: App): TemplateResult {
  return html`<section class="group">
    <h2>Precision</h2>
    <div class="grid-3">${precisionSelect(app, 'weights', 'Weights')} ${precisionSelect(app, 'kvCache', 'KV cache')} ${precisionSelect(app, 'activations', 'Activations')}</div>
    <div class="grid-3">${attentionWeightsSelect(app)}</div>
  </section>`;
}

/** What is wrong with an energy box: its value outside `TCO_LIMITS`, or the model's message for it (a chip without a capital cost). */
function energyError(app: App, field: EnergyField): string | null {
  const problem = energyFieldProblem(field, app.state.energy[field]);
  if (problem !== null) return `${problem[0]?.toUpperCase() ?? ''}${problem.slice(1)}`;
  return inferenceError(app, `energy.${field}`);
}

const ENERGY_LABELS: Readonly<Record<EnergyField, string>> = {
  pue: 'PUE',
  capitalUsd: 'Capital $/chip',
  systemCapitalUsd: 'System $/chip',
  amortizationYears: 'Amortization, years',
  utilization: 'Utilization',
  usdPerKwh: 'Electricity $/kWh',
  usdPerKwMonth: 'Facility $/kW-month',
};

function energyField(app: App, field: EnergyField): TemplateResult {
  const f = ENERGY_FIELDS[field];
  return numberField(app, `energy.${field}`, ENERGY_LABELS[field], {
    min: f.limits.min,
    step: 'any',
    placeholder: field === 'capitalUsd' || field === 'systemCapitalUsd' ? 'sourced' : f.fallback,
    hint: `${f.flag}, ${rangeText(f.limits)}`,
    error: energyError(app, field),
  });
}

/**
 * The facility and the price basis (`--pue --price-basis tco …`, docs/MODEL.md §10–11): PUE always;
 * under tco, the capital, its amortization and utilization, electricity and facility rent. The
 * ranges are the model's `TCO_LIMITS`, as the CLI checks them.
 */
function energySection(app: App): TemplateResult {
  const e = app.state.energy;
  const basisError = inferenceError(app, 'energy.priceBasis');
  return html`<section class="group" data-testid="energy-controls">
    <h2>Energy and cost</h2>
    <div class="grid-2">
      ${energyField(app, 'pue')}
      <label class="field ${basisError === null ? '' : 'invalid'}">
        <span class="label">Price basis</span>
        <select data-testid="select-price-basis" @change=${(ev: Event) => app.setEnergy({ priceBasis: (ev.target as HTMLSelectElement).value as PriceBasis })}>
          <option value="list" .selected=${e.priceBasis === 'list'}>list (rental $/chip-hour)</option>
          <option value="tco" .selected=${e.priceBasis === 'tco'}>tco (cost of ownership)</option>
        </select>
        ${basisError === null ? html`<span class="hint">--price-basis</span>` : html`<span class="field-error" data-testid="field-error-energy.priceBasis">${basisError}</span>`}
      </label>
    </div>
    ${e.priceBasis === 'tco'
      ? html`<div class="grid-2">${TCO_FIELDS.map((field) => energyField(app, field))}</div>
          <p class="hint">Capital ÷ (years · 8760 · utilization) + electricity on the provisioned draw × PUE + rent per kW of IT power. Empty boxes use the model's sourced defaults.</p>`
      : html`<p class="hint">PUE scales facility energy and provisioned power. The tco basis prices a chip-hour from capital, electricity and facility rent.</p>`}
  </section>`;
}

function advancedSection(app: App): TemplateResult {
  const training = app.state.view === 'training';
  const open = training && (fieldError(app, 'overlap') !== null || fieldError(app, 'price') !== null);
  return html`<details class="group advanced" ?open=${open}>
    <summary>Advanced</summary>
    <div class="grid-2">
      ${numberField(app, 'overlap', 'Comm overlap', {
        min: 0,
        step: '0.05',
        placeholder: 'chip default',
        hint: training ? 'fraction hidden behind compute (both views)' : 'fraction hidden behind compute, both phases',
        error: training ? fieldError(app, 'overlap') : null,
      })}
      ${numberField(app, 'price', 'Price $/chip-hour', {
        min: 0,
        step: '0.01',
        placeholder: 'list price',
        ...(training ? { hint: 'both views' } : app.state.energy.priceBasis === 'tco' ? { hint: 'a list price: not with the tco basis' } : {}),
        error: training ? fieldError(app, 'price') : inferenceError(app, 'price'),
      })}
    </div>
  </details>`;
}

function controls(app: App): TemplateResult {
  return html`${modelSection(app)} ${hardwareSection(app)} ${parallelismSection(app)} ${disaggregationSection(app)} ${workloadSection(app)} ${precisionSection(app)} ${energySection(app)} ${advancedSection(app)}`;
}

// ---- training ----------------------------------------------------------------------------

/** The model's input error for a training field, when that is the field at fault. */
function fieldError(app: App, field: TrainingField): string | null {
  if (field === 'dp') {
    const dp = app.dataParallelProblem();
    if (dp !== null) return dp;
  }
  const outcome = app.derived.training;
  return outcome?.kind === 'error' && outcome.field === field ? outcome.message : null;
}

/** A training number box, marked when the model rejects its value. */
function trainingField(app: App, field: Exclude<TrainingField, 'overlap' | 'price'>, label: string, opts: Parameters<typeof numberField>[3] = {}): TemplateResult {
  return numberField(app, numericKeyOf(field), label, { ...opts, error: fieldError(app, field) });
}

function trainingParallelismSection(app: App): TemplateResult {
  const t = app.state.training;
  const group = t.tp * t.pp * t.cp;
  return html`<section class="group">
    <h2>Parallelism</h2>
    <div class="grid-2">${trainingField(app, 'chips', 'Chips')} ${trainingField(app, 'dp', 'DP', { hint: 'replicas; sets the chips' })}</div>
    <div class="grid-4">${trainingField(app, 'tp', 'TP')} ${trainingField(app, 'pp', 'PP')} ${trainingField(app, 'cp', 'CP')} ${trainingField(app, 'ep', 'EP')}</div>
    ${trainingField(app, 'virtualStages', 'Virtual stages', { hint: 'model chunks per pipeline stage (interleaved 1F1B; needs PP > 1)' })}
    <p class="hint">
      Chips = DP·TP·PP·CP${Number.isFinite(group) && group > 0 ? ` = DP · ${group}` : ''}. TP must divide the heads, CP the sequence, EP the experts
      (and be a multiple of TP); PP that does not divide the layers runs at its slowest stage.
    </p>
  </section>`;
}

function trainingWorkloadSection(app: App): TemplateResult {
  const t = app.state.training;
  const tokens = t.totalTokens;
  return html`<section class="group">
    <h2>Workload</h2>
    <div class="grid-2">
      ${trainingField(app, 'sequenceLength', 'Sequence length', { hint: 'tokens per sequence' })}
      ${trainingField(app, 'totalTokens', 'Total tokens', {
        text: true,
        placeholder: '15e12',
        hint: Number.isFinite(tokens) && tokens > 0 ? `${formatCount(tokens)} tokens in the run` : 'of the whole run, e.g. 15e12',
      })}
      ${trainingField(app, 'globalBatch', 'Global batch', { hint: `sequences per step${Number.isFinite(t.globalBatch * t.sequenceLength) ? ` (${formatCount(t.globalBatch * t.sequenceLength)} tokens)` : ''}` })}
      ${trainingField(app, 'microBatch', 'Micro-batch', { hint: 'sequences per replica per pass' })}
    </div>
  </section>`;
}

const ZERO_WORDS = ['nothing sharded: every replica holds all its state', 'optimizer state sharded over DP', 'optimizer state and gradients sharded over DP', 'optimizer state, gradients and weights sharded over DP (FSDP)'];
const RECOMPUTE_WORDS: Readonly<Record<Recompute, string>> = {
  none: 'every activation kept for the backward pass',
  selective: 'the attention core re-run in the backward pass',
  full: 'each layer’s forward re-run in the backward pass; only its input kept',
};

function trainingSetupSection(app: App): TemplateResult {
  const t = app.state.training;
  return html`<section class="group">
    <h2>Training</h2>
    <div class="grid-2">
      <label class="field">
        <span class="label">Precision</span>
        <select data-testid="select-training.precision" @change=${(e: Event) => app.setTraining({ precision: (e.target as HTMLSelectElement).value as Precision })}>
          ${PRECISIONS.map((p) => html`<option value=${p} .selected=${p === t.precision}>${p}</option>`)}
        </select>
      </label>
      <label class="field">
        <span class="label">ZeRO stage</span>
        <select data-testid="select-training.zeroStage" @change=${(e: Event) => app.setTraining({ zeroStage: Number((e.target as HTMLSelectElement).value) as ZeroStage })}>
          ${([0, 1, 2, 3] as const).map((z) => html`<option value=${z} .selected=${z === t.zeroStage}>${z}</option>`)}
        </select>
      </label>
      <label class="field">
        <span class="label">Recompute</span>
        <select data-testid="select-training.recompute" @change=${(e: Event) => app.setTraining({ recompute: (e.target as HTMLSelectElement).value as Recompute })}>
          ${RECOMPUTE_MODES.map((r) => html`<option value=${r} .selected=${r === t.recompute}>${r}</option>`)}
        </select>
      </label>
    </div>
    <p class="hint">
      Weights, gradients and matmuls in ${t.precision}; Adam adds 12 bytes per parameter (fp32 master weights and two moments). ZeRO ${t.zeroStage}: ${ZERO_WORDS[t.zeroStage]}.
      Recompute ${t.recompute}: ${RECOMPUTE_WORDS[t.recompute]}.
    </p>
  </section>`;
}

function trainingControls(app: App): TemplateResult {
  return html`${modelSection(app)} ${hardwareSection(app)} ${trainingParallelismSection(app)} ${trainingWorkloadSection(app)} ${trainingSetupSection(app)} ${advancedSection(app)}`;
}
