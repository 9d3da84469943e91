import { html, nothing, type TemplateResult } from 'lit-html';
import { formatDuration, formatInteger, formatNumber, formatTokenRate, formatUsd } from '@ridgeline/format';
import { PRECISIONS, type Precision } from '@ridgeline/hardware';
import { X_LABEL, yLabel } from '../charts/pareto.ts';
import { seriesColour } from '../registry.ts';
import { DENSE_SWEEP } from '../sweep/spec.ts';
import type { ChipSweep, SweepResult, TrainingSweepResult } from '../sweep/types.ts';
import { AUTO_SWEEP_LIMIT, type App, type SweepRun } from './app.ts';
import type { ParetoY } from '../state.ts';
import { REASON_TITLES } from './results-view.ts';

/**
 * A text box for a list of whole numbers ≥ 1 (`1, 2, 4, 8`), read on change: other text is
 * dropped, duplicates merged, the rest sorted.
 */
export function numberListInput(label: string, testid: string, values: readonly number[], onChange: (values: number[]) => void, placeholder = ''): TemplateResult {
  return html`<label class="field">
    <span class="label">${label}</span>
    <input
      type="text"
      spellcheck="false"
      data-testid=${testid}
      placeholder=${placeholder}
      .value=${values.join(', ')}
      @change=${(e: Event) => {
        const parsed = (e.target as HTMLInputElement).value
          .split(/[\s,]+/)
          .filter((s) => s !== '')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n >= 1);
        onChange([...new Set(parsed)].sort((a, b) => a - b));
      }}
    />
  </label>`;
}

function listInput(app: App, key: 'tp' | 'pp', label: string): TemplateResult {
  return numberListInput(label, `sweep-${key}`, app.state.sweep[key], (values) => app.setSweep({ [key]: values }));
}

/**
 * Checkboxes for the values of one sweep axis; an empty choice means "the current value", shown
 * checked. Unchecking the last one goes back to the current value.
 */
export function choiceChecks<T extends string | number>(
  legend: string,
  testid: string,
  options: readonly T[],
  chosen: readonly T[],
  current: T,
  onChange: (values: T[]) => void,
): TemplateResult {
  const on = (p: T) => (chosen.length === 0 ? p === current : chosen.includes(p));
  return html`<fieldset class="checks">
    <legend>${legend}</legend>
    ${options.map(
      (p) => html`<label class="check">
        <input
          type="checkbox"
          data-testid=${`${testid}-${p}`}
          .checked=${on(p)}
          @change=${(e: Event) => {
            const base = chosen.length === 0 ? [current] : chosen;
            const next = (e.target as HTMLInputElement).checked ? [...base, p] : base.filter((q) => q !== p);
            onChange(options.filter((q) => next.includes(q)));
          }}
        />${p}
      </label>`,
    )}
  </fieldset>`;
}

function precisionChecks(app: App, key: 'weights' | 'kvCache', label: string): TemplateResult {
  return choiceChecks(label, `sweep-${key}`, PRECISIONS, app.state.sweep[key], app.state[key], (values: Precision[]) => app.setSweep({ [key]: values }));
}

/**
 * Why a chip's infeasible configurations were infeasible, most common first.
 *
 * @example
 * reasonsText(chip); // '96 does not fit in memory · 12 tp does not divide the attention heads'
 */
export function reasonsText(c: ChipSweep<unknown>, titles: Readonly<Record<string, string>> = REASON_TITLES): string {
  const entries = Object.entries(c.reasons).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  return entries.map(([r, n]) => `${formatInteger(n ?? 0)} ${titles[r]?.toLowerCase() ?? r}`).join(' · ');
}

/** Which engine the worker sweeps with, once it has said. */
export function backendBadge(app: App): TemplateResult | typeof nothing {
  const b = app.backend;
  if (b === null) return nothing;
  return html`<span class="badge ${b.name === 'wasm' ? 'ok' : 'neutral'}" title=${b.note ?? ''} data-testid="sweep-backend">${b.name === 'wasm' ? 'WASM engine' : 'JS engine'}</span>`;
}

/** A running sweep's progress bar: configurations done, share and rate. */
export function progress(s: SweepRun<unknown>, testid = 'sweep-progress'): TemplateResult | typeof nothing {
  if (s.status !== 'running') return nothing;
  const fraction = s.total > 0 ? s.done / s.total : 0;
  const elapsed = (performance.now() - s.startedAt) / 1000;
  const rate = elapsed > 0 ? s.done / elapsed : 0;
  return html`<div class="progress" data-testid=${testid} data-done=${String(s.done)} data-total=${String(s.total)}>
    <div class="progress-track"><div class="progress-fill" style="width:${(fraction * 100).toFixed(1)}%"></div></div>
    <span class="muted">${formatInteger(s.done)} of ${formatInteger(s.total)} configurations · ${(fraction * 100).toFixed(0)}%${rate > 0 ? ` · ${formatNumber(rate)}/s` : ''}</span>
  </div>`;
}

/** A finished sweep's size, time, engine and feasible count, and whether the settings changed since. */
export function summary(s: SweepRun<SweepResult | TrainingSweepResult>, currentKey: string, testid = 'sweep-summary'): TemplateResult | typeof nothing {
  const r = s.result;
  if (r === null) return nothing;
  const stale = s.resultKey !== currentKey;
  const feasible = r.perChip.reduce((n, c) => n + c.feasible, 0);
  const rate = r.elapsedMs > 0 ? (r.total / r.elapsedMs) * 1000 : 0;
  return html`<p class="sweep-summary" data-testid=${testid} data-total=${String(r.total)} data-elapsed-ms=${r.elapsedMs.toFixed(1)} data-backend=${r.backend}>
    <b>${formatInteger(r.total)}</b> configurations in <b>${formatDuration(r.elapsedMs / 1000)}</b>
    (${formatNumber(rate)}/s, ${r.backend === 'wasm' ? 'WebAssembly engine' : 'JS reference model'}) · ${formatInteger(feasible)} feasible
    ${stale ? html`<span class="badge warn" data-testid=${testid.replace('summary', 'stale')}>settings changed since — run again</span>` : nothing}
  </p>`;
}

function frontierTable(app: App): TemplateResult | typeof nothing {
  const r = app.sweep.result;
  if (r === null) return nothing;
  const y = app.sweep.y;
  return html`<details class="details frontier" data-testid="frontier-table">
    <summary><h4>Frontier configurations</h4><span class="muted">${r.perChip.map((c) => `${c.chipName}: ${c.frontier.length}`).join(' · ')}</span></summary>
    <table class="table">
      <thead>
        <tr><th>chip</th><th>configuration</th><th class="num">tok/s per user</th><th class="num">tok/s per chip</th><th class="num">$ / M tokens</th><th class="num">TTFT</th><th></th></tr>
      </thead>
      <tbody>
        ${r.perChip.flatMap((c, i) =>
          [...c.frontier].reverse().map(
            (p) => html`<tr>
              <td><i class="sw" style="background:${seriesColour(i)}"></i>${c.chipName}</td>
              <td>${p.chips} chips (tp ${p.tp} · pp ${p.pp}${p.ep > 1 ? ` · ep ${p.ep}` : ''}) · batch ${p.batch} · ${p.weights}/${p.kvCache}</td>
              <td class="num">${formatTokenRate(p.tokensPerSPerUser)}</td>
              <td class="num">${formatTokenRate(p.tokensPerSPerChip)}</td>
              <td class="num">${formatUsd(p.costPerMillionTokensUsd)}</td>
              <td class="num">${formatDuration(p.ttftS)}</td>
              <td><button class="btn small ghost" @click=${() => app.usePoint(p)}>Use</button></td>
            </tr>`,
          ),
        )}
      </tbody>
    </table>
    <p class="hint">Frontier over ${y === 'tokensPerSPerChip' ? 'tokens/s per user and per chip' : y === 'costPerMillionTokensUsd' ? 'tokens/s per user and cost' : 'tokens/s per user and per provisioned MW'}${capWords(app.sweep.ttftCapS)}: no other configuration is better on both.</p>
  </details>`;
}

/** ', among configurations with TTFT ≤ 2 s', or nothing without a cap. */
function capWords(cap: number | null): string {
  return cap === null ? '' : `, among configurations with TTFT ≤ ${formatDuration(cap)}`;
}

/** The TTFT cap's box: a duration, empty for none; marked while it holds something else. */
function capField(app: App): TemplateResult {
  const cap = app.state.sweep.ttftCapS;
  const invalid = cap !== null && Number.isNaN(cap);
  return html`<label class="field ${invalid ? 'invalid' : ''}">
    <span class="label">TTFT cap</span>
    <input
      type="text"
      inputmode="decimal"
      spellcheck="false"
      autocomplete="off"
      placeholder="none"
      aria-invalid=${invalid ? 'true' : 'false'}
      data-testid="sweep-ttft-cap"
      .value=${app.numberText('sweep.ttftCapS')}
      @input=${(e: Event) => app.setNumber('sweep.ttftCapS', (e.target as HTMLInputElement).value)}
    />
    ${invalid ? html`<span class="field-error" data-testid="sweep-ttft-cap-error">2s, 500ms or seconds; empty for none</span>` : nothing}
  </label>`;
}

/** Under the chart: how to read it, what the cap leaves out, and chips with nothing to show. */
function chartHint(result: SweepResult, cap: number | null, disaggregated: boolean): TemplateResult {
  const empty = result.perChip.filter((c) => c.feasible === 0);
  const capped = cap === null ? [] : result.perChip.filter((c) => c.feasible > 0 && c.withinCap === 0);
  return html`<p class="hint" data-testid="sweep-hint">
    Hover a point for its configuration; click a frontier point to use it. Faint dots are a uniform sample of all feasible configurations${cap === null ? '' : ` with TTFT ≤ ${formatDuration(cap)}`}.
    ${cap === null
      ? nothing
      : html`<br />TTFT cap ${formatDuration(cap)}: configurations whose first token takes longer are left out of the frontier, the dots and the table, as InferenceX plots only the points that meet its latency constraint.`}
    ${empty.length > 0 ? html`<br /><span class="warn-text">${empty.map((c) => `${c.chipName}: nothing fits (${reasonsText(c)})`).join('; ')}.</span>` : nothing}
    ${capped.length > 0 ? html`<br /><span class="warn-text">${capped.map((c) => `${c.chipName}: no configuration reaches its first token within ${formatDuration(cap ?? 0)}`).join('; ')}.</span>` : nothing}
    ${disaggregated ? html`<br />The sweep is of one engine doing prefill and decode; the current configuration, disaggregated, is marked at its per-chip figures over both pools.` : nothing}
  </p>`;
}

/** A chip's entry in the chart legend: its feasible count, and how many are within the cap. */
function legendCount(c: ChipSweep, cap: number | null): string {
  return cap === null ? `(${formatInteger(c.feasible)} feasible)` : `(${formatInteger(c.withinCap)} of ${formatInteger(c.feasible)} feasible within the cap)`;
}

/** The sweep: settings, run/cancel with progress, the Pareto chart, the frontier and exports. */
export function sweepView(app: App): TemplateResult {
  const s = app.state.sweep;
  const d = app.derived.sweep;
  const running = app.sweep.status === 'running';
  const result = app.sweep.result;
  const size = 'size' in d ? d.size : 0;
  return html`<section class="card section" data-testid="sweep">
    <div class="card-head">
      <h3>Pareto frontier</h3>
      <span class="muted">sweep batch and chip count (TP·PP per replica), one frontier per chip</span>
      <span class="spacer"></span>
      ${backendBadge(app)}
    </div>
    <div class="sweep-controls six">
      <label class="field">
        <span class="label">Batch up to</span>
        <input type="number" min="1" step="1" data-testid="sweep-batch-max" .value=${app.numberText('sweep.batchMax')} @input=${(e: Event) => app.setNumber('sweep.batchMax', (e.target as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span class="label">Batch sizes</span>
        <select data-testid="sweep-spacing" @change=${(e: Event) => app.setSweep({ batchSpacing: (e.target as HTMLSelectElement).value as 'pow2' | 'all' })}>
          <option value="pow2" .selected=${s.batchSpacing === 'pow2'}>powers of two</option>
          <option value="all" .selected=${s.batchSpacing === 'all'}>every integer</option>
        </select>
      </label>
      ${listInput(app, 'tp', 'TP degrees')} ${listInput(app, 'pp', 'PP degrees')}
      <label class="field">
        <span class="label">Vertical axis</span>
        <select data-testid="sweep-y" @change=${(e: Event) => app.setSweep({ y: (e.target as HTMLSelectElement).value as ParetoY })}>
          <option value="tokensPerSPerChip" .selected=${s.y === 'tokensPerSPerChip'}>tokens/s per chip</option>
          <option value="costPerMillionTokensUsd" .selected=${s.y === 'costPerMillionTokensUsd'}>$ per million tokens</option>
          <option value="tokensPerSPerProvisionedMW" .selected=${s.y === 'tokensPerSPerProvisionedMW'}>tokens/s per provisioned MW</option>
        </select>
      </label>
      ${capField(app)}
    </div>
    <div class="sweep-row">
      ${precisionChecks(app, 'weights', 'Weights')} ${precisionChecks(app, 'kvCache', 'KV cache')}
      <label class="check">
        <input type="checkbox" data-testid="sweep-compared" .checked=${s.compared} @change=${(e: Event) => app.setSweep({ compared: (e.target as HTMLInputElement).checked })} />
        include the compared chips
      </label>
    </div>
    <div class="sweep-actions">
      ${running
        ? html`<button class="btn danger" data-testid="sweep-cancel" @click=${() => app.cancelSweep()}>Cancel</button>`
        : html`<button class="btn primary" data-testid="sweep-run" ?disabled=${!('spec' in d)} @click=${() => void app.runSweep()}>Run sweep</button>`}
      <span class="muted" data-testid="sweep-size" data-size=${String(size)}>
        ${'error' in d ? d.error : html`${formatInteger(size)} configurations${size <= AUTO_SWEEP_LIMIT ? ' · updates as you type' : ''}`}
      </span>
      <button class="btn small ghost" data-testid="sweep-dense" ?disabled=${running} @click=${() => app.setSweep({ ...DENSE_SWEEP, compared: true })} title="every batch to 2048, TP to 64, PP to 40, bf16 and fp8 weights and KV">Dense preset (≈10⁶)</button>
      <span class="spacer"></span>
      ${result === null
        ? nothing
        : html`<button class="btn small ghost" data-testid="export-csv" @click=${() => app.exportCsv()}>Frontier CSV</button>
            <button class="btn small ghost" data-testid="export-pareto-png" @click=${() => void app.exportChart('pareto', 'png')}>PNG</button>
            <button class="btn small ghost" data-testid="export-pareto-svg" @click=${() => void app.exportChart('pareto', 'svg')}>SVG</button>`}
    </div>
    ${progress(app.sweep)}
    ${app.sweep.message === null ? nothing : html`<p class=${app.sweep.status === 'error' ? 'error-text' : 'muted'} data-testid="sweep-message">${app.sweep.message}</p>`}
    ${summary(app.sweep, app.currentSweepKey())}
    ${result === null
      ? html`<div class="chart-placeholder">${running ? 'Sweeping…' : 'Run a sweep to see the frontier.'}</div>`
      : html`<div class="chart-legend">
            ${result.perChip.map((c, i) => html`<span title=${reasonsText(c)}><i class="ln" style="background:${seriesColour(i)}"></i>${c.chipName} <span class="muted">${legendCount(c, app.sweep.ttftCapS)}</span></span>`)}
            <span><i class="dot ring current"></i>current configuration</span>
          </div>
          <div id="pareto-chart" class="chart" aria-label=${`${X_LABEL} against ${yLabel(app.sweep.y)}`}></div>
          ${chartHint(result, app.sweep.ttftCapS, app.derived.state.disaggregation !== null)}
          ${frontierTable(app)}`}
  </section>`;
}
