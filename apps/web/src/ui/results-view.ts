import { html, nothing, type TemplateResult } from 'lit-html';
import {
  formatBandwidth,
  formatBytes,
  formatDuration,
  formatEnergy,
  formatFlopCount,
  formatFlops,
  formatIntensity,
  formatOutOfSampleError,
  formatPercent,
  formatPower,
  formatTokenRate,
  formatUsd,
} from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';
import type { FeasibleInferenceResult, InferenceConfig, InferenceResult, InfeasibleInferenceResult, MemoryBreakdown, PhaseCost } from '@ridgeline/model';
import { phasesOnChip } from '../charts/roofline-data.ts';
import { EFFICIENCY_LABELS, resolvedEfficiencyText } from '../efficiency-text.ts';
import { costPanel, energyPanel, priceFor, type EstimatedFigure } from '../energy.ts';
import { twoPools } from '../two-pool.ts';
import type { App } from './app.ts';
import { cliCommandView } from './cli-view.ts';
import { twoPoolView } from './two-pool-view.ts';

/** Human words for the model's reason codes. */
export const REASON_TITLES: Readonly<Record<string, string>> = {
  capacity: 'Does not fit in memory',
  tp_divides_heads: 'TP does not divide the attention heads',
  pp_divides_layers: 'PP exceeds the layers (inference) or does not divide them (training)',
  ep_divides_experts: 'EP needs an MoE model, and at most E·(EP − 1) redundant experts',
  ep_layout: 'EP does not fit the TP·DP layout',
  chips_divide_parallelism: 'Chips are not a multiple of TP·PP',
  precision_unsupported: 'Precision not supported by this chip',
  batch_divides: 'Batch does not split into pipeline micro-batches',
  cp_divides_sequence: 'CP does not divide the sequence',
  interleave_needs_pipeline: 'Interleaving needs PP > 1',
  speculative_unsupported: 'The speculative drafter does not exist or fit the layout',
};

/** A number the page shows, with its raw value for tests and copy-paste. */
export function metric(name: string, value: number, text: string): TemplateResult {
  return html`<span class="value" data-metric=${name} data-value=${String(value)}>${text}</span>`;
}

/** What limited a phase, as a coloured badge. */
export function boundBadge(bound: string): TemplateResult {
  return html`<span class="badge bound-${bound}">${bound}-bound</span>`;
}

/** A metric card: a label, the value, and a line under it. */
export function card(label: string, value: TemplateResult, sub: TemplateResult | string, extra = ''): TemplateResult {
  return html`<div class="card metric-card ${extra}">
    <span class="label">${label}</span>
    ${value}
    <span class="sub">${sub}</span>
  </div>`;
}

/** The requests in flight beside the batch: those the engine admits (its slots or its memory) when fewer, and per decode worker when disaggregated. */
function admissionText(result: InferenceResult | null, disaggregated: boolean): string {
  const admission = result?.feasible === true ? result.serving?.admission : undefined;
  const perWorker = disaggregated ? ' per decode worker' : '';
  if (admission == null) return disaggregated ? ' in flight per decode worker' : '';
  const why = admission.limitedBy === 'memory' ? 'the rest wait: the memory holds no more' : 'the rest wait';
  return ` (${admission.requestsInFlight} in flight, ${why})${perWorker}`;
}

function headline(config: InferenceConfig, result: InferenceResult | null): TemplateResult {
  const { tp, pp, ep } = config.parallelism;
  const dp = config.chips / (tp * pp);
  const p = config.precision;
  const d = config.disaggregation;
  const prefillChip = d?.prefillChip ?? config.chip;
  const title =
    d === undefined
      ? `${config.model.name} on ${config.chips} × ${config.chip.name}`
      : `${config.model.name}, disaggregated: ${d.prefillWorkers} prefill × ${d.prefillTp ?? tp} ${prefillChip.name} → ${d.decodeWorkers} decode × ${config.chips} ${config.chip.name}`;
  return html`<div class="headline">
    <h2 data-testid="headline">${title}</h2>
    <p class="config-chips">
      <span>${d === undefined ? '' : 'decode worker: '}tp ${tp} · pp ${pp} · ep ${ep}${d === undefined ? ` · dp ${Number.isInteger(dp) ? dp : '—'}` : ''}</span>
      <span>batch ${config.batch}${admissionText(result, d !== undefined)}</span>
      <span>${config.inputTokens.toLocaleString('en-US')} → ${config.outputTokens.toLocaleString('en-US')} tokens</span>
      <span>weights ${p.weights}${p.attentionWeights === undefined || p.attentionWeights === p.weights ? '' : ` (attention ${p.attentionWeights})`} · KV ${p.kvCache} · act ${p.activations}</span>
      ${result === null ? nothing : html`<span>${formatUsd(result.inputs.usdPerChipHour)}/chip-hour</span>`}
    </p>
  </div>`;
}

function infeasibleCallout(app: App, result: InfeasibleInferenceResult): TemplateResult {
  const reason = result.reason;
  return html`<section class="callout bad" role="alert" data-testid="infeasible">
    <div class="callout-title">
      <span class="badge bad">infeasible · ${reason}</span>
      <strong>${REASON_TITLES[reason] ?? reason}</strong>
    </div>
    <p data-testid="infeasible-explanation">${result.explanation}</p>
    ${result.reason === 'capacity' && result.minChipsToFit !== null
      ? html`<button class="btn primary" data-testid="use-min-chips" @click=${() => app.useChips(result.minChipsToFit ?? 1)}>
          Use ${result.minChipsToFit} chips, the smallest layout that fits
        </button>`
      : nothing}
    ${result.memoryPerChipBytes === null
      ? nothing
      : memoryCard(result.memoryPerChipBytes, app.derived.chip.ok ? app.derived.chip.chip : null, result.inputs.hardware.memoryCapacityBytes, false)}
  </section>`;
}

function metricCards(result: FeasibleInferenceResult): TemplateResult {
  const r = result;
  return html`<div class="metric-grid" data-testid="metrics">
    ${card('Time to first token', metric('ttftS', r.ttftS, formatDuration(r.ttftS)), html`prefill ${boundBadge(r.bound.prefill)} · MFU ${metric('mfu.prefill', r.mfu.prefill, formatPercent(r.mfu.prefill))}`)}
    ${card('Time per output token', metric('tpotS', r.tpotS, formatDuration(r.tpotS)), html`decode ${boundBadge(r.bound.decode)} · MBU ${metric('mbu.decode', r.mbu.decode, formatPercent(r.mbu.decode))}`)}
    ${card('Per user', metric('tokensPerSPerUser', r.tokensPerSPerUser, formatTokenRate(r.tokensPerSPerUser)), html`request ${metric('requestLatencyS', r.requestLatencyS, formatDuration(r.requestLatencyS))}`)}
    ${card('Per chip', metric('tokensPerSPerChip', r.tokensPerSPerChip, formatTokenRate(r.tokensPerSPerChip)), html`${r.disaggregation === null ? 'all replicas' : 'all workers'} ${metric('tokensPerS', r.tokensPerS, formatTokenRate(r.tokensPerS))}`)}
    ${card('Output tokens', metric('costPerMillionTokensUsd', r.costPerMillionTokensUsd, `${formatUsd(r.costPerMillionTokensUsd)} /M`), html`input ${metric('costPerMillionInputTokensUsd', r.costPerMillionInputTokensUsd, `${formatUsd(r.costPerMillionInputTokensUsd)} /M`)}`)}
    ${card('Memory per chip', metric('memoryPerChipBytes.total', r.memoryPerChipBytes.total, formatBytes(r.memoryPerChipBytes.total)), html`of ${metric('memoryPerChipBytes.capacity', r.memoryPerChipBytes.capacity, formatBytes(r.memoryPerChipBytes.capacity))} usable (${formatPercent(r.memoryPerChipBytes.total / r.memoryPerChipBytes.capacity)})`)}
    ${card('Energy', metric('energyPerTokenJ', r.energyPerTokenJ, `${formatEnergy(r.energyPerTokenJ)} /token`), html`${metric('powerPerChipW', r.powerPerChipW, formatPower(r.powerPerChipW))} per chip`)}
    ${card('Input + output per chip', metric('totalTokensPerSPerChip', r.totalTokensPerSPerChip, formatTokenRate(r.totalTokensPerSPerChip)), html`input ${metric('inputTokensPerSPerChip', r.inputTokensPerSPerChip, formatTokenRate(r.inputTokensPerSPerChip))} · MFU decode ${metric('mfu.decode', r.mfu.decode, formatPercent(r.mfu.decode))} · MBU prefill ${metric('mbu.prefill', r.mbu.prefill, formatPercent(r.mbu.prefill))}`)}
  </div>`;
}

/** One part of a chip's memory in a stacked bar: `key` names its colour (`seg-<key>`). */
export interface MemoryPart {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  /** The result's field it shows (`memoryPerChipBytes.weights`), tagged for tests and copy-paste. */
  readonly metric?: string;
}

/**
 * A chip's memory against its capacity, as a stacked bar: the parts stacked, the usable capacity
 * marked, the runtime reserve hatched. Inference and training share it (their parts differ).
 *
 * @example
 * stackedMemoryBar([{ key: 'weights', label: 'weights', value: 70e9 }], 70e9, 77e9, 80e9);
 */
export function stackedMemoryBar(parts: readonly MemoryPart[], total: number, capacity: number, physical: number, compact = false): TemplateResult {
  const scale = Math.max(physical, total);
  const pct = (x: number) => `${Math.max(0, (x / scale) * 100).toFixed(3)}%`;
  const over = total > capacity;
  return html`<div class="membar ${compact ? 'compact' : ''} ${over ? 'over' : ''}" data-testid=${compact ? nothing : 'memory-bar'}>
    <div class="membar-track" role="img" aria-label=${`${formatBytes(total)} of ${formatBytes(capacity)} usable`}>
      ${parts.map((p) => html`<div class="seg seg-${p.key}" style="width:${pct(p.value)}" title=${`${p.label}: ${formatBytes(p.value)}`}></div>`)}
      ${over ? nothing : html`<div class="seg seg-reserve" style="left:${pct(capacity)};width:${pct(Math.max(0, physical - capacity))}" title="runtime reserve"></div>`}
      <div class="cap-line" style="left:${pct(capacity)}" title=${`usable capacity ${formatBytes(capacity)}`}></div>
    </div>
    ${compact
      ? nothing
      : html`<div class="membar-legend">
          ${parts.map(
            (p) =>
              html`<span><i class="sw seg-${p.key}"></i>${p.label}
                <b data-metric=${p.metric ?? nothing} data-value=${p.metric === undefined ? nothing : String(p.value)}>${formatBytes(p.value)}</b></span>`,
          )}
          <span><i class="sw seg-reserve"></i>reserve <b>${formatBytes(Math.max(0, physical - capacity))}</b></span>
        </div>`}
  </div>`;
}

/**
 * The memory of the fullest chip against its capacity: weights, KV cache and activations stacked,
 * the usable capacity marked, the runtime reserve hatched.
 */
export function memoryBar(m: MemoryBreakdown, physical: number, compact = false): TemplateResult {
  const parts = [
    { key: 'weights', label: 'weights', value: m.weights },
    { key: 'kv', label: 'KV cache', value: m.kvCache },
    { key: 'act', label: 'activations', value: m.activations },
  ];
  return stackedMemoryBar(parts, m.total, m.capacity, physical, compact);
}

/** The fullest chip's memory; `capacityBytes` is the physical capacity when the chip is unknown here. */
function memoryCard(m: MemoryBreakdown, chip: ChipSpec | null, capacityBytes: number, decodeWorker: boolean): TemplateResult {
  const physical = chip?.memory.capacityBytes.value ?? capacityBytes;
  const headroom = m.capacity - m.total;
  return html`<div class="card" data-testid="memory-card">
    <div class="card-head">
      <h3>Memory per chip${decodeWorker ? ' · decode worker' : ''}</h3>
      <span class="muted">${formatBytes(m.total)} of ${formatBytes(m.capacity)} usable · ${formatBytes(physical)} physical</span>
    </div>
    ${memoryBar(m, physical)}
    <p class="hint">
      ${headroom >= 0
        ? html`${formatBytes(headroom)} free for more KV cache (a larger batch or longer context).`
        : html`<span class="error-text">${formatBytes(-headroom)} over the usable capacity.</span>`}
    </p>
  </div>`;
}

/**
 * "estimate" beside a figure that rests on estimated power figures, the figures and their sources
 * on hover (TPU and LPU power is unpublished; most chips' component energies are derived).
 */
export function estimateLabel(estimates: readonly EstimatedFigure[]): TemplateResult | typeof nothing {
  if (estimates.length === 0) return nothing;
  const title = `rests on estimated power figures: ${estimates.map((f) => `${f.chip} ${f.path} (${f.source})`).join('; ')}`;
  return html`<span class="badge estimate" data-testid="estimate-label" title=${title}>estimate</span>`;
}

/** Energy at chip, node and facility level, the chip's draw by phase, provisioned power and tokens per provisioned MW (docs/MODEL.md §10). */
function energyCard(result: FeasibleInferenceResult, config: InferenceConfig): TemplateResult {
  const chips = [config.chip, ...(config.disaggregation?.prefillChip === undefined ? [] : [config.disaggregation.prefillChip])];
  const panel = energyPanel(result, chips);
  return html`<div class="card" data-testid="energy-panel">
    <div class="card-head">
      <h3>Energy</h3>
      <span class="muted">PUE ${panel.pue} · ${panel.powerModel === 'components' ? 'power by component' : panel.powerModel === 'mixed' ? 'power by component where the chip has it' : 'power interpolated from idle to max'}</span>
    </div>
    <div class="table-scroll"><table class="table energy-table">
      <tbody>
        ${panel.rows.map(
          (row) => html`<tr>
            <th>${row.label}</th>
            <td class="num">${metric(row.metric, row.value, row.text)}</td>
            <td>${estimateLabel(row.estimates)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${panel.estimates.length === 0
      ? html`<p class="hint">Every power figure behind these numbers is sourced (see Inputs and sources).</p>`
      : html`<details class="hint" data-testid="energy-estimates">
          <summary>Figures marked <i>estimate</i> rest on ${panel.estimates.length} estimated power ${panel.estimates.length === 1 ? 'figure' : 'figures'}</summary>
          <ul class="small">
            ${panel.estimates.map((f) => html`<li><code>${f.path}</code> (${f.chip}): ${f.source}</li>`)}
          </ul>
        </details>`}
  </div>`;
}

/** $/M output and input tokens and the chip-hour split into capital, power and facility (docs/MODEL.md §11). */
function costCard(app: App, result: FeasibleInferenceResult, config: InferenceConfig): TemplateResult {
  const price = priceFor(app.derived.state, config.chip, config.disaggregation?.prefillChip ?? null);
  if (!price.ok) return html``;
  const prefillChip = config.disaggregation?.prefillChip;
  const panel = costPanel(result, price, { chips: prefillChip === undefined ? [config.chip] : [config.chip, prefillChip], priceGiven: app.derived.state.price !== null });
  const pct = (x: number): string => `${(Math.max(0, x) * 100).toFixed(2)}%`;
  return html`<div class="card" data-testid="cost-panel">
    <div class="card-head">
      <h3>Cost</h3>
      <span class="badge" data-testid="price-basis">${panel.basis}</span>
      <span class="muted">${formatUsd(panel.usdPerChipHour)} per chip-hour${panel.basis === 'list' ? ' (a rental rate: all of it shows as capital)' : ''}</span>
    </div>
    <p class="cost-headline">
      ${metric('cost.usdPerMillionOutputTokens', panel.usdPerMillionOutputTokens, `${formatUsd(panel.usdPerMillionOutputTokens)} /M output`)} ·
      ${metric('cost.usdPerMillionInputTokens', panel.usdPerMillionInputTokens, `${formatUsd(panel.usdPerMillionInputTokens)} /M input`)}
    </p>
    <div class="stack" role="img" aria-label=${panel.parts.map((p) => `${p.label} ${formatUsd(p.usdPerChipHour)} per chip-hour`).join(', ')}>
      ${panel.parts.map((p) => html`<div class="seg-${p.key}" style="width:${pct(p.share)}" title=${`${p.label}: ${formatPercent(p.share)}`}></div>`)}
    </div>
    <div class="table-scroll"><table class="table">
      <thead><tr><th>part</th><th class="num">$/chip-hour</th><th class="num">$/M output</th><th class="num">share</th></tr></thead>
      <tbody>
        ${panel.parts.map(
          (p) => html`<tr>
            <td><i class="sw seg-${p.key}"></i>${p.label}</td>
            <td class="num">${metric(`cost.breakdown.${p.key}`, p.usdPerChipHour, formatUsd(p.usdPerChipHour))}</td>
            <td class="num">${metric(`cost.breakdownPerMillionOutputTokens.${p.key}`, p.usdPerMillionOutputTokens, formatUsd(p.usdPerMillionOutputTokens))}</td>
            <td class="num">${formatPercent(p.share)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${panel.inputs.length === 0
      ? nothing
      : html`<ul class="small muted tco-inputs">${panel.inputs.map((i) => html`<li><b>${i.label}</b>: ${i.text}</li>`)}</ul>`}
  </div>`;
}

/** Where a time goes: a stacked bar of compute, memory, network and overhead, and its legend. */
export function timeStack(parts: readonly (readonly [string, number])[]): TemplateResult {
  const total = parts.reduce((n, [, v]) => n + v, 0);
  const pct = (x: number) => `${((x / (total || 1)) * 100).toFixed(2)}%`;
  return html`<div class="stack" role="img" aria-label=${parts.map(([k, v]) => `${k} ${formatDuration(v)}`).join(', ')}>
      ${parts.map(([k, v]) => html`<div class="seg-${k}" style="width:${pct(v)}" title=${`${k}: ${formatDuration(v)}`}></div>`)}
    </div>
    <div class="phase-parts small muted">${parts.filter(([, v]) => v > 0).map(([k, v]) => html`<span><i class="sw seg-${k}"></i>${k} ${formatDuration(v)}</span>`)}</div>`;
}

function phaseRow(name: string, phase: PhaseCost): TemplateResult {
  const parts = [
    ['compute', phase.computeBoundS],
    ['memory', phase.memoryBoundS],
    ['network', phase.networkS],
    ['overhead', phase.overheadS],
  ] as const;
  return html`<div class="phase">
    <div class="phase-head">
      <span class="phase-name">${name}</span>
      <span class="phase-time">${formatDuration(phase.timeS)}</span>
      ${boundBadge(phase.bound)}
      <span class="spacer"></span>
      <span class="muted small">MFU ${formatPercent(phase.mfu)} · MBU ${formatPercent(phase.mbu)}</span>
    </div>
    ${timeStack(parts)}
  </div>`;
}

function phasesCard(result: FeasibleInferenceResult): TemplateResult {
  const d = result.disaggregation;
  // Disaggregated, the prefill parts are one iteration of the prefill pool; TTFT adds queueing and the KV transfer.
  const prefill = d === null ? phaseRow('Prefill · TTFT', result.prefill) : phaseRow('Prefill iteration · prefill pool', { ...result.prefill, timeS: d.prefillIterationS });
  return html`<div class="card" data-testid="phases-card">
    <div class="card-head"><h3>Where the time goes</h3><span class="muted">summed per-operator rooflines, exposed communication, per-layer overhead</span></div>
    ${prefill} ${phaseRow(d === null ? 'Decode step · TPOT' : 'Decode step · TPOT · decode pool', result.decode)}
  </div>`;
}

function rooflineCard(app: App, result: FeasibleInferenceResult): TemplateResult {
  const h = result.inputs.hardware;
  const decodeOnly = !phasesOnChip(result).includes('prefill');
  return html`<div class="card chart-card" data-testid="roofline-card">
    <div class="card-head">
      <div class="titles">
        <h3>Roofline</h3>
        <span class="muted">${formatFlops(h.peakFlopsPerS)} ${result.inputs.computePrecision} · ${formatBandwidth(h.memoryBandwidthBytesPerS)} ·
          ${decodeOnly ? 'each decode operator, one chip of the decode pool (the prefill pool runs on another chip)' : 'each operator of this configuration, one chip'}</span>
      </div>
      <button class="btn small ghost" data-testid="export-roofline-png" @click=${() => void app.exportChart('roofline', 'png')}>PNG</button>
      <button class="btn small ghost" data-testid="export-roofline-svg" @click=${() => void app.exportChart('roofline', 'svg')}>SVG</button>
    </div>
    <div class="chart-legend">
      <span><i class="ln"></i>attainable (with the chip's η)</span>
      <span><i class="ln dashed"></i>datasheet peak</span>
      <span><i class="dot compute"></i>compute-bound</span>
      <span><i class="dot memory"></i>memory-bound</span>
      <span><i class="dot filled"></i>prefill</span>
      <span><i class="dot ring"></i>decode</span>
    </div>
    <div id="roofline-chart" class="chart"></div>
  </div>`;
}

function operatorsTable(result: FeasibleInferenceResult): TemplateResult {
  const rows = (['prefill', 'decode'] as const).flatMap((phase) => result[phase].operators.map((op) => ({ phase, op })));
  return html`<details class="card details" data-testid="operators">
    <summary><h3>Operators</h3><span class="muted">FLOPs, bytes and time per operator on one chip, all layers of the slowest stage</span></summary>
    <table class="table">
      <thead>
        <tr><th>phase</th><th>operator</th><th class="num">FLOPs</th><th class="num">bytes</th><th class="num">intensity</th><th class="num">time</th><th>bound</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          ({ phase, op }) => html`<tr>
            <td>${phase}</td>
            <td><code>${op.name}</code></td>
            <td class="num">${formatFlopCount(op.flops)}</td>
            <td class="num">${formatBytes(op.bytes)}</td>
            <td class="num">${formatIntensity(op.arithmeticIntensity)}</td>
            <td class="num">${formatDuration(op.timeS)}</td>
            <td>${boundBadge(op.bound)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

function sourcesTable(result: InferenceResult): TemplateResult {
  const inp = result.inputs;
  const { calibration, expertFlopDerivedFrom, ...efficiencies } = inp.efficiencies;
  const eff = Object.entries(efficiencies);
  // a derived experts' η_flop says so (its quoted error was measured at another precision)
  const derivedNote = (k: string): string =>
    k === 'expertFlop' && expertFlopDerivedFrom !== null ? ` (not fitted at ${inp.computePrecision}: ${expertFlopDerivedFrom.precision}'s fit × ${expertFlopDerivedFrom.ratio.toFixed(3)})` : '';
  return html`<details class="card details" data-testid="sources">
    <summary><h3>Inputs and sources</h3><span class="muted">every efficiency and datasheet figure used, so the arithmetic can be redone</span></summary>
    <table class="table sources">
      <tbody>
        <tr><th>parameters</th><td>${inp.params.total.toLocaleString('en-US')} total · ${inp.params.active.toLocaleString('en-US')} active</td></tr>
        <tr><th>compute precision</th><td>${inp.computePrecision} (${formatFlops(inp.hardware.peakFlopsPerS)} peak)${inp.attentionComputePrecision === inp.computePrecision ? '' : `; the attention block at ${inp.attentionComputePrecision}`}</td></tr>
        <tr><th>decode context</th><td>${inp.decodeContextTokens.toLocaleString('en-US')} tokens (mean over generation)</td></tr>
        <tr><th>comm overlap</th><td>prefill ${formatPercent(inp.commOverlap.prefill)} · decode ${formatPercent(inp.commOverlap.decode)}</td></tr>
        <tr><th>scale-up</th><td>${formatBandwidth(inp.hardware.scaleUpBandwidthBytesPerS)} per chip, ${inp.hardware.topology}, domain ${inp.hardware.scaleUpDomain}</td></tr>
        ${inp.kvCacheBudget === null
          ? ''
          : html`<tr data-testid="kv-cache-budget"><th>KV cache budget</th><td><b>${formatPercent(inp.kvCacheBudget.fraction.value)} of the memory left free</b> after the weights, activations and the runtime's ${formatBytes(inp.kvCacheBudget.reservedBytes.value)} — ${inp.kvCacheBudget.fraction.source}; ${inp.kvCacheBudget.reservedBytes.source}</td></tr>`}
        ${eff.map(([k, e]) => html`<tr data-efficiency=${k}><th>${EFFICIENCY_LABELS[k] ?? k}</th><td><b>${resolvedEfficiencyText(k, e.value)}</b>${derivedNote(k)} — ${e.source}</td></tr>`)}
        <tr>
          <th>calibration</th>
          <td data-testid="calibration-status"><b>${calibration?.status ?? 'datasheet'}</b> — ${calibration?.basis ?? 'the plugin states no calibration'}${calibration?.outOfSampleError === undefined
            ? ''
            : `; ${formatOutOfSampleError(calibration.outOfSampleError)}`}</td>
        </tr>
        ${Object.entries(inp.sources).map(([k, s]) => html`<tr><th>${k}</th><td>${s}</td></tr>`)}
      </tbody>
    </table>
  </details>`;
}

/** Why there is nothing to estimate (no model, an invalid custom chip), with the chip's full report. */
export function inputNeeded(app: App): TemplateResult {
  const d = app.derived;
  const message = !d.model.ok ? d.model.message : d.chip.ok ? '' : d.chip.message;
  const custom = d.model.ok && !d.chip.ok ? d.chip.custom : undefined;
  return html`<section class="callout warn" data-testid="input-needed">
    <strong>Nothing to estimate yet.</strong> ${message}
    ${custom !== undefined && !custom.ok
      ? html`<p class="muted small">The same check and the same words as <code>ridgeline hardware show chip.json</code>:</p>
          <div class="issues" role="alert" data-testid="custom-chip-errors"><pre>${custom.report}</pre></div>`
      : nothing}
  </section>`;
}

/** The estimate of the current configuration: numbers, the reason it is what it is, charts. */
export function resultsView(app: App): TemplateResult {
  const d = app.derived;
  if (!d.model.ok || !d.chip.ok) {
    return html`${inputNeeded(app)}
      <div class="roofline-slot hidden"><div id="roofline-chart" class="chart"></div></div>`;
  }
  const outcome = d.outcome;
  if (outcome === null) return html``;
  if (outcome.kind === 'error') {
    return html`<section class="callout bad" role="alert" data-testid="input-error">
        <strong>Check the input${outcome.field === null ? '' : html` <code>${outcome.field}</code>`}.</strong> ${outcome.message}
      </section>
      <div class="roofline-slot hidden"><div id="roofline-chart" class="chart"></div></div>`;
  }
  const { result, config } = outcome;
  if (!result.feasible) {
    return html`${headline(config, null)} ${infeasibleCallout(app, result)} ${cliCommandView(app, 'inference', false)}
      <div class="roofline-slot hidden"><div id="roofline-chart" class="chart"></div></div>`;
  }
  const pools = twoPools(result, config);
  return html`${headline(config, result)} ${metricCards(result)}
    <section class="callout info" data-testid="explanation"><span class="callout-title"><strong>What limits it</strong></span> ${result.explanation}</section>
    ${pools === null ? nothing : twoPoolView(pools)}
    <div class="row-2 even">${energyCard(result, config)} ${costCard(app, result, config)}</div>
    <div class="row-2">
      <div class="roofline-slot">${rooflineCard(app, result)}</div>
      <div class="stack-col">${memoryCard(result.memoryPerChipBytes, config.chip, result.inputs.hardware.memoryCapacityBytes, result.disaggregation !== null)} ${phasesCard(result)}</div>
    </div>
    ${operatorsTable(result)} ${sourcesTable(result)} ${cliCommandView(app, 'inference', true)}`;
}
