import { html, nothing, type TemplateResult } from 'lit-html';
import { formatBytes, formatDuration, formatEnergy, formatNumber, formatOutOfSampleError, formatPercent, formatTokenRate, formatUsd } from '@ridgeline/format';
import type { FeasibleInferenceResult, InferenceResult } from '@ridgeline/model';
import { bestIndex, datasheetInversions, energyErrorBound, errorBound, type ErrorKind } from '../compare-best.ts';
import { deploymentEstimates, estimatesFor, type EstimateBasis, type EstimatedFigure } from '../energy.ts';
import type { Comparison } from '../estimate.ts';
import { CUSTOM_CHIP_ID, chipGroups, chipLabel, seriesColour } from '../registry.ts';
import { MAX_COMPARE } from '../state.ts';
import type { App } from './app.ts';
import { REASON_TITLES, estimateLabel, memoryBar } from './results-view.ts';

interface Row {
  readonly label: string;
  readonly value: (r: FeasibleInferenceResult) => number;
  readonly format: (x: number) => string;
  readonly better: 'max' | 'min';
  readonly key: string;
  /** Which measured error bounds this figure: per user is TPOT's, time to first token its own, the rest follow throughput. */
  readonly error: ErrorKind;
  /** An energy figure: which of the chip's power figures it rests on (an estimated one is labelled, and bars the badge). */
  readonly power?: EstimateBasis;
}

const ROWS: readonly Row[] = [
  { key: 'tokensPerSPerUser', label: 'Per user', value: (r) => r.tokensPerSPerUser, format: formatTokenRate, better: 'max', error: 'interactivity' },
  { key: 'tokensPerSPerChip', label: 'Per chip', value: (r) => r.tokensPerSPerChip, format: formatTokenRate, better: 'max', error: 'throughput' },
  { key: 'costPerMillionTokensUsd', label: '$ per M output tokens', value: (r) => r.costPerMillionTokensUsd, format: formatUsd, better: 'min', error: 'throughput' },
  { key: 'ttftS', label: 'Time to first token', value: (r) => r.ttftS, format: formatDuration, better: 'min', error: 'ttft' },
  { key: 'energyPerTokenJ', label: 'Chip energy per token', value: (r) => r.energyPerTokenJ, format: formatEnergy, better: 'min', error: 'throughput', power: 'draw' },
  {
    key: 'energy.facilityJPerOutputToken',
    label: 'Facility energy per token',
    value: (r) => r.energy.facilityJPerOutputToken,
    format: formatEnergy,
    better: 'min',
    error: 'throughput',
    power: 'node',
  },
  {
    key: 'energy.tokensPerSPerProvisionedMW',
    label: 'Tokens/s per provisioned MW',
    value: (r) => r.energy.tokensPerSPerProvisionedMW,
    format: (x) => `${formatNumber(x)} tok/s/MW`,
    better: 'max',
    error: 'throughput',
    power: 'provisioned',
  },
];

/** The estimated power figures an energy row of a compared chip rests on (the chip, and its prefill chip if another). */
function rowEstimates(c: Comparison, row: Row): readonly EstimatedFigure[] {
  if (row.power === undefined || c.outcome.kind !== 'result' || c.chip === null) return [];
  const prefill = c.outcome.config.disaggregation?.prefillChip;
  const chips = prefill === undefined ? [c.chip] : [c.chip, prefill];
  return estimatesFor(row.power, deploymentEstimates(chips, c.outcome.result.inputs.computePrecision));
}

/** The chip's calibration status as a small badge, its basis and measured error on hover. */
function calibrationBadge(r: InferenceResult): TemplateResult {
  const c = r.inputs.efficiencies.calibration;
  const status = c?.status ?? 'datasheet';
  const error = c?.outOfSampleError;
  const title = `${c?.basis ?? 'the plugin states no calibration'}${error === undefined ? '' : `; ${formatOutOfSampleError(error)}`}`;
  return html`<span class="badge calibration-${status}" data-testid="calibration" title=${title}>${status}</span>`;
}

/** A select that adds a chip to the comparison (`current` null) or replaces compared chip `index`. */
export function chipSelect(app: App, index: number, current: string | null): TemplateResult {
  const taken = new Set(app.state.compare);
  // The select only changes the chip; the column's heading names it, so the select shows an action.
  return html`<select
    class=${current === null ? 'add-select' : 'swap-select'}
    aria-label=${current === null ? 'Add a chip to compare' : `Replace compared chip ${index + 1}`}
    data-testid=${current === null ? 'compare-add' : `compare-${index}`}
    @change=${(e: Event) => {
      const select = e.target as HTMLSelectElement;
      const value = select.value;
      select.value = '';
      if (value !== '') app.setCompare(index, value);
    }}
  >
    <option value="" selected>${current === null ? '+ add a chip…' : 'replace with…'}</option>
    ${chipGroups().map(
      (g) => html`<optgroup label=${g.vendor}>
        ${g.chips.map((c) => html`<option value=${c.id} ?disabled=${taken.has(c.id)}>${chipLabel(c)}</option>`)}
      </optgroup>`,
    )}
    ${app.state.customChip !== null ? html`<option value=${CUSTOM_CHIP_ID} ?disabled=${taken.has(CUSTOM_CHIP_ID)}>Custom chip</option>` : nothing}
  </select>`;
}

function column(app: App, c: Comparison, i: number, best: ReadonlyMap<string, number>, max: ReadonlyMap<string, number>, badges: ReadonlyMap<string, number>): TemplateResult {
  const colour = seriesColour(i);
  const head = html`<div class="cmp-head" style="--c:${colour}">
    <div class="cmp-title">
      <strong class="cmp-name">${c.chip?.name ?? c.chipId}</strong>
      ${chipSelect(app, i, c.chipId)}
    </div>
    <button class="icon-btn" title="Remove" aria-label="Remove from comparison" @click=${() => app.setCompare(i, null)}>×</button>
  </div>`;
  const o = c.outcome;
  if (o.kind === 'error') return html`<div class="cmp-col">${head}<p class="error-text">${o.message}</p></div>`;
  const r = o.result;
  const layout = `${r.inputs.chips} ${r.inputs.chips === 1 ? 'chip' : 'chips'} · tp ${r.inputs.parallelism.tp} · pp ${r.inputs.parallelism.pp}`;
  if (!r.feasible) {
    return html`<div class="cmp-col infeasible" data-testid="compare-col">
      ${head}
      <p class="cmp-layout">${layout}</p>
      ${c.adjustments.length > 0 ? html`<p class="cmp-adjust">fitted: ${c.adjustments.join('; ')}</p>` : nothing}
      <p><span class="badge bad">infeasible · ${r.reason}</span></p>
      <p class="small"><strong>${REASON_TITLES[r.reason] ?? ''}.</strong> ${r.explanation}</p>
      ${r.reason === 'capacity' && r.minChipsToFit === null
        ? html`<p class="small muted">No layout of one replica holds batch ${r.inputs.batch} at this context: try a smaller batch or shorter prompts.</p>`
        : nothing}
    </div>`;
  }
  return html`<div class="cmp-col" data-testid="compare-col">
    ${head}
    <p class="cmp-layout">${layout} · ${r.inputs.computePrecision} · ${calibrationBadge(r)}</p>
    ${c.adjustments.length > 0 ? html`<p class="cmp-adjust" title="changed from the main configuration so this chip can run it">fitted: ${c.adjustments.join('; ')}</p>` : html`<p class="cmp-adjust muted">as configured</p>`}
    ${ROWS.map((row) => {
      const v = row.value(r);
      // the badge only where the lead exceeds the compared chips' measured error (compare-best.ts)
      const isBest = badges.get(row.key) === i;
      const width = Math.max(2, (row.better === 'max' ? v / (max.get(row.key) ?? v) : (best.get(row.key) ?? v) / v) * 100);
      return html`<div class="cmp-metric ${isBest ? 'best' : ''}">
        <span class="label">${row.label}</span>
        <span class="cmp-value"><span data-metric=${`compare.${row.key}`} data-value=${String(v)}>${row.format(v)}</span>${isBest ? html` <span class="best-tag">best</span>` : nothing} ${estimateLabel(rowEstimates(c, row))}</span>
        <div class="cmp-bar"><div style="width:${width.toFixed(1)}%;background:${colour}"></div></div>
      </div>`;
    })}
    <div class="cmp-metric">
      <span class="label">Memory per chip</span>
      <span class="cmp-value">${formatBytes(r.memoryPerChipBytes.total)} <span class="muted">of ${formatBytes(r.memoryPerChipBytes.capacity)} (${formatPercent(r.memoryPerChipBytes.total / r.memoryPerChipBytes.capacity)})</span></span>
      ${memoryBar(r.memoryPerChipBytes, c.chip?.memory.capacityBytes.value ?? r.memoryPerChipBytes.capacity, true)}
    </div>
    <p class="small">decode <span class="badge bound-${r.bound.decode}">${r.bound.decode}-bound</span> · prefill <span class="badge bound-${r.bound.prefill}">${r.bound.prefill}-bound</span></p>
  </div>`;
}

/** Up to four chips side by side on the main configuration's workload. */
export function compareView(app: App): TemplateResult {
  const comparisons = app.derived.comparisons;
  const feasible = comparisons.flatMap((c) => (c.outcome.kind === 'result' && c.outcome.result.feasible ? [c.outcome.result] : []));
  const best = new Map<string, number>();
  const max = new Map<string, number>();
  for (const row of ROWS) {
    const values = feasible.map(row.value).filter(Number.isFinite);
    if (values.length === 0) continue;
    best.set(row.key, row.better === 'max' ? Math.max(...values) : Math.min(...values));
    max.set(row.key, Math.max(...values));
  }
  // per metric, the column whose lead beats every compared chip's error, if any
  const badges = new Map<string, number>();
  for (const row of ROWS) {
    const values = comparisons.map((c) => (c.outcome.kind === 'result' && c.outcome.result.feasible ? row.value(c.outcome.result) : Number.NaN));
    const errors = comparisons.map((c) => {
      if (c.outcome.kind !== 'result') return Number.POSITIVE_INFINITY;
      const calibration = c.outcome.result.inputs.efficiencies.calibration ?? undefined;
      return row.power === undefined ? errorBound(calibration, row.error) : energyErrorBound(calibration, row.error, rowEstimates(c, row).length > 0);
    });
    badges.set(row.key, bestIndex(values, errors, row.better));
  }
  // chips run as configured whose order the datasheets contradict: the lead is the fitted software's
  const inversions = datasheetInversions(
    comparisons.flatMap((c) =>
      c.chip !== null && c.adjustments.length === 0 && c.outcome.kind === 'result' && c.outcome.result.feasible
        ? [{ chip: c.chip, precision: c.outcome.result.inputs.computePrecision, tokensPerSPerChip: c.outcome.result.tokensPerSPerChip }]
        : [],
    ),
  );
  const s = app.state;
  return html`<section class="card section" data-testid="compare">
    <div class="card-head">
      <h3>Compare chips</h3>
      <span class="muted">same model, batch ${s.batch}, ${s.inputTokens} → ${s.outputTokens} tokens${s.disaggregation === null
          ? ''
          : `, disaggregated: ${s.disaggregation.prefillWorkers} prefill workers (${s.disaggregation.prefillHardware === null ? 'each chip' : 'the prefill chip'}) feed ${s.disaggregation.decodeWorkers} decode workers`}</span>
      <span class="spacer"></span>
      <label class="check" title="Run each chip at the smallest layout that holds the model, at a same-width precision it supports">
        <input type="checkbox" data-testid="compare-fit" .checked=${s.compareFit} @change=${(e: Event) => app.set({ compareFit: (e.target as HTMLInputElement).checked })} />
        fit each chip (smallest layout that holds the model)
      </label>
    </div>
    <div class="cmp-grid ${comparisons.length < MAX_COMPARE ? 'with-add' : ''}" style="--n:${Math.max(1, comparisons.length)}">
      ${comparisons.map((c, i) => column(app, c, i, best, max, badges))}
      ${comparisons.length < MAX_COMPARE ? html`<div class="cmp-col add">${chipSelect(app, comparisons.length, null)}</div>` : nothing}
    </div>
    ${inversions.map(({ ahead, dominating }) => {
      // the name without its form-factor note: "NVIDIA B300 (Blackwell Ultra, HGX B300, …)" → "NVIDIA B300"
      const [a, d] = [ahead, dominating].map((c) => c.name.split(' (')[0]);
      return html`<p class="small muted" data-testid="compare-datasheet-note">
        ${a} serves more per chip here than ${d}, though ${d}'s datasheet is at least ${a}'s on every figure serving reads (peak FLOP/s, memory
        bandwidth and capacity, scale-up and scale-out): the lead comes from the efficiencies fitted on each chip's serving software (hover the
        calibration badges), not from the hardware.
      </p>`;
    })}
  </section>`;
}
