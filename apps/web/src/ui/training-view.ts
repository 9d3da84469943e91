import { html, nothing, type TemplateResult } from 'lit-html';
import { formatBytes, formatCount, formatDuration, formatEnergy, formatFlops, formatInteger, formatNumber, formatPercent, formatPower, formatTokenRate, formatUsd } from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';
import type { FeasibleTrainingResult, InfeasibleTrainingResult, TrainingConfig, TrainingInputs, TrainingMemory, TrainingResult } from '@ridgeline/model';
import type { TrainingField } from '../training.ts';
import type { App } from './app.ts';
import { cliCommandView } from './cli-view.ts';
import { REASON_TITLES, boundBadge, card, inputNeeded, metric, stackedMemoryBar, timeStack, type MemoryPart } from './results-view.ts';

/** The training form's fields as its labels name them. */
const FIELD_LABELS: Readonly<Record<TrainingField, string>> = {
  chips: 'chips',
  dp: 'DP',
  tp: 'TP',
  pp: 'PP',
  cp: 'CP',
  ep: 'EP',
  sequenceLength: 'sequence length',
  globalBatch: 'global batch',
  microBatch: 'micro-batch',
  virtualStages: 'virtual stages',
  totalTokens: 'total tokens',
  overlap: 'communication overlap (Advanced)',
  price: 'price per chip-hour (Advanced)',
};

/** The model's reason codes in words, for training (where chips divide by TP·PP·CP). */
export const TRAINING_REASON_TITLES: Readonly<Record<string, string>> = {
  ...REASON_TITLES,
  chips_divide_parallelism: 'Chips are not a multiple of TP·PP·CP',
};

function headline(config: TrainingConfig, result: TrainingResult): TemplateResult {
  const i = result.inputs;
  const { dp, tp, pp, cp, ep } = config.parallelism;
  return html`<div class="headline">
    <h2 data-testid="training-headline">${config.model.name} training on ${config.chips} × ${config.chip.name}</h2>
    <p class="config-chips">
      <span>dp ${dp} · tp ${tp} · pp ${pp} · cp ${cp} · ep ${ep}${i.unevenPipeline ? ' · uneven pipeline' : ''}</span>
      <span>seq ${config.sequenceLength.toLocaleString('en-US')} · global batch ${config.globalBatch} · micro-batch ${config.microBatch}${i.virtualStages > 1 ? ` · ${i.virtualStages} virtual stages` : ''}</span>
      <span>${i.precision} · ZeRO ${i.zeroStage} · recompute ${i.recompute}</span>
      <span>${formatCount(i.totalTokens)} tokens</span>
      <span>${formatUsd(i.usdPerChipHour)}/chip-hour</span>
    </p>
  </div>`;
}

function memoryParts(m: TrainingMemory): MemoryPart[] {
  return [
    { key: 'weights', label: 'weights', value: m.weights, metric: 'memoryPerChipBytes.weights' },
    { key: 'grad', label: 'gradients', value: m.gradients, metric: 'memoryPerChipBytes.gradients' },
    { key: 'opt', label: 'optimizer', value: m.optimizer, metric: 'memoryPerChipBytes.optimizer' },
    { key: 'act', label: 'activations', value: m.activations, metric: 'memoryPerChipBytes.activations' },
  ];
}

function memoryCard(m: TrainingMemory, inputs: TrainingInputs, chip: ChipSpec): TemplateResult {
  const physical = chip.memory.capacityBytes.value;
  const headroom = m.capacity - m.total;
  return html`<div class="card" data-testid="training-memory-card">
    <div class="card-head">
      <h3>Memory per chip</h3>
      <span class="muted">${formatBytes(m.total)} of ${formatBytes(m.capacity)} usable · ${formatBytes(physical)} physical</span>
    </div>
    ${stackedMemoryBar(memoryParts(m), m.total, m.capacity, physical)}
    <p class="hint">
      ${headroom >= 0
        ? html`${formatBytes(headroom)} free: room for a larger micro-batch, or less recomputation.`
        : html`<span class="error-text">${formatBytes(-headroom)} over the usable capacity.</span>`}
      ZeRO ${inputs.zeroStage} shards ${['nothing', 'the optimizer state', 'the optimizer state and gradients', 'the optimizer state, gradients and weights'][inputs.zeroStage]} over the ${inputs.parallelism.dp} data-parallel replicas.
    </p>
  </div>`;
}

function metricCards(r: FeasibleTrainingResult): TemplateResult {
  const m = r.memoryPerChipBytes;
  const i = r.inputs;
  return html`<div class="metric-grid" data-testid="training-metrics">
    ${card('Step time', metric('stepTimeS', r.stepTimeS, formatDuration(r.stepTimeS)), html`${metric('microBatches', r.microBatches, formatInteger(r.microBatches))} micro-batches · bubble ${metric('bubbleFraction', r.bubbleFraction, formatPercent(r.bubbleFraction))}`)}
    ${card('Throughput', metric('tokensPerS', r.tokensPerS, formatTokenRate(r.tokensPerS)), html`per chip ${metric('tokensPerSPerChip', r.tokensPerSPerChip, formatTokenRate(r.tokensPerSPerChip))}`)}
    ${card('MFU (6N)', metric('mfu', r.mfu, formatPercent(r.mfu)), html`with attention ${metric('mfuWithAttention', r.mfuWithAttention, formatPercent(r.mfuWithAttention))} · HFU ${metric('hfu', r.hfu, formatPercent(r.hfu))}`)}
    ${card('Exposed DP sync', metric('dataParallelS', r.dataParallelS, formatDuration(r.dataParallelS)), html`per step · ${boundBadge(r.bound)}`)}
    ${card('Memory per chip', metric('memoryPerChipBytes.total', m.total, formatBytes(m.total)), html`of ${metric('memoryPerChipBytes.capacity', m.capacity, formatBytes(m.capacity))} usable (${formatPercent(m.total / m.capacity)})`)}
    ${card('Run time', metric('totalTimeS', r.totalTimeS, formatDuration(r.totalTimeS)), html`${metric('steps', r.steps, formatInteger(r.steps))} steps of ${formatCount(i.globalBatch * i.sequenceLength)} tokens`)}
    ${card('Run cost', metric('costUsd', r.costUsd, formatUsd(r.costUsd)), html`${metric('chipHours', r.chipHours, formatInteger(r.chipHours))} chip-hours`)}
    ${card('Energy', metric('energyJ', r.energyJ, `${formatNumber(r.energyJ / 3.6e9)} MWh`), html`${formatEnergy(r.energyJ / i.totalTokens)} per token · ${metric('powerPerChipW', r.powerPerChipW, formatPower(r.powerPerChipW))} per chip`)}
  </div>`;
}

function stepCard(r: FeasibleTrainingResult): TemplateResult {
  const t = r.microBatchTime;
  const i = r.inputs;
  const micro = t.computeS + t.memoryS + t.networkS + t.overheadS;
  return html`<div class="card" data-testid="training-step-card">
    <div class="card-head"><h3>Where a step goes</h3><span class="muted">one micro-batch through the slowest pipeline stage, forward and backward</span></div>
    <div class="phase">
      <div class="phase-head">
        <span class="phase-name">Micro-batch</span>
        <span class="phase-time">${formatDuration(micro)}</span>
        ${boundBadge(r.bound)}
      </div>
      ${timeStack([
        ['compute', t.computeS],
        ['memory', t.memoryS],
        ['network', t.networkS],
        ['overhead', t.overheadS],
      ])}
    </div>
    <p class="hint">
      ${formatInteger(r.microBatches)} micro-batches per replica per step (global batch ${i.globalBatch} ÷ DP ${i.parallelism.dp} ÷ micro-batch ${i.microBatch})
      in ${i.virtualStages > 1 ? `interleaved (×${i.virtualStages}) ` : ''}1F1B over ${i.parallelism.pp} ${i.parallelism.pp === 1 ? 'stage' : 'stages'}: the bubble is
      ${formatPercent(r.bubbleFraction)} of the pipeline's time. The gradient all-reduce adds ${formatDuration(r.dataParallelS)} it cannot hide; the step takes
      ${formatDuration(r.stepTimeS)}.
    </p>
  </div>`;
}

function sourcesTable(r: TrainingResult): TemplateResult {
  const i = r.inputs;
  return html`<details class="card details" data-testid="training-sources">
    <summary><h3>Inputs</h3><span class="muted">what the model used, so the arithmetic can be redone</span></summary>
    <table class="table sources">
      <tbody>
        <tr><th>parameters</th><td>${i.params.total.toLocaleString('en-US')} total · ${i.params.active.toLocaleString('en-US')} active</td></tr>
        <tr><th>peak compute</th><td>${formatFlops(i.peakFlopsPerS)} per chip at ${i.precision}</td></tr>
        <tr><th>optimizer state</th><td>${i.optimizerBytesPerParam} bytes per parameter (Adam: fp32 master weights and two moments)</td></tr>
        <tr><th>sequence parallelism</th><td>${i.sequenceParallel ? 'on (norms and dropout sharded over TP)' : 'off'}</td></tr>
        <tr><th>comm overlap</th><td>${formatPercent(i.commOverlap)}</td></tr>
        <tr><th>pipeline</th><td>${i.unevenPipeline ? `uneven: PP ${i.parallelism.pp} does not divide the layers; the slowest stage sets the pace` : 'even'}</td></tr>
        <tr><th>price</th><td>${formatUsd(i.usdPerChipHour)} per chip-hour</td></tr>
      </tbody>
    </table>
  </details>`;
}

function infeasibleCallout(app: App, r: InfeasibleTrainingResult, chip: ChipSpec): TemplateResult {
  const reason = r.reason;
  const i = r.inputs;
  return html`<section class="callout bad" role="alert" data-testid="training-infeasible">
    <div class="callout-title">
      <span class="badge bad">infeasible · ${reason}</span>
      <strong data-testid="training-infeasible-title">${TRAINING_REASON_TITLES[reason] ?? reason}</strong>
    </div>
    <p data-testid="training-infeasible-explanation">${r.explanation}</p>
    ${reason === 'capacity'
      ? html`<p class="fixes">
          ${i.zeroStage < 3 ? html`<button class="btn primary" data-testid="training-use-zero3" @click=${() => app.setTraining({ zeroStage: 3 })}>Use ZeRO 3</button>` : nothing}
          ${i.recompute !== 'full' ? html`<button class="btn" data-testid="training-use-full-recompute" @click=${() => app.setTraining({ recompute: 'full' })}>Use full recomputation</button>` : nothing}
        </p>`
      : nothing}
    ${r.memoryPerChipBytes === null ? nothing : memoryCard(r.memoryPerChipBytes, i, chip)}
  </section>`;
}

/** The training run the training view describes: step, utilisation, memory, and the run's time, cost and energy. */
export function trainingView(app: App): TemplateResult {
  const d = app.derived;
  if (!d.model.ok || !d.chip.ok) return inputNeeded(app);
  const outcome = d.training;
  if (outcome === null) return html``;
  if (outcome.kind === 'error') {
    return html`<section class="callout bad" role="alert" data-testid="training-input-error">
      <strong>Check the ${outcome.field === null ? html`input <code>${outcome.modelField}</code>` : html`${FIELD_LABELS[outcome.field]} (marked in the form)`}.</strong> ${outcome.message}
    </section>`;
  }
  const { result, config } = outcome;
  if (!result.feasible) return html`${headline(config, result)} ${infeasibleCallout(app, result, config.chip)} ${cliCommandView(app, 'training', false)}`;
  return html`${headline(config, result)} ${metricCards(result)}
    <section class="callout info" data-testid="training-explanation"><span class="callout-title"><strong>What limits it</strong></span> ${result.explanation}</section>
    <div class="row-2 even">
      ${memoryCard(result.memoryPerChipBytes, result.inputs, config.chip)} ${stepCard(result)}
    </div>
    ${sourcesTable(result)} ${cliCommandView(app, 'training', true)}`;
}
