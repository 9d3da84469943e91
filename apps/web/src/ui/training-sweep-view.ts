import { html, nothing, type TemplateResult } from 'lit-html';
import { formatBytes, formatDuration, formatInteger, formatPercent, formatUsd } from '@ridgeline/format';
import { RECOMPUTE_MODES as RECOMPUTES } from '@ridgeline/model';
import { TRAINING_X_LABEL, TRAINING_Y_LABEL } from '../charts/pareto.ts';
import { CUSTOM_CHIP_ID, findChip, seriesColour } from '../registry.ts';
import { MAX_COMPARE, type ZeroStage } from '../state.ts';
import { AUTO_SWEEP_LIMIT, type App } from './app.ts';
import { chipSelect } from './compare-view.ts';
import { backendBadge, choiceChecks, numberListInput, progress, reasonsText, summary } from './sweep-view.ts';
import { TRAINING_REASON_TITLES } from './training-view.ts';

const ZERO_STAGES: readonly ZeroStage[] = [0, 1, 2, 3];

/** The compared chips, as tags to remove and a select to add one: the chips the sweep also runs. */
function comparedChips(app: App): TemplateResult {
  const ids = app.state.compare;
  return html`<div class="chip-tags" data-testid="training-sweep-chips-list">
    ${ids.map(
      (id, i) => html`<span class="chip-tag">
        ${id === CUSTOM_CHIP_ID ? 'Custom chip' : (findChip(id)?.name ?? id)}
        <button class="icon-btn" title="Remove" aria-label=${`Remove ${id} from the compared chips`} @click=${() => app.setCompare(i, null)}>×</button>
      </span>`,
    )}
    ${ids.length < MAX_COMPARE ? chipSelect(app, ids.length, null) : nothing}
  </div>`;
}

function frontierTable(app: App): TemplateResult | typeof nothing {
  const r = app.trainingSweep.result;
  if (r === null) return nothing;
  return html`<details class="details frontier" data-testid="training-frontier-table">
    <summary><h4>Frontier runs</h4><span class="muted">${r.perChip.map((c) => `${c.chipName}: ${c.frontier.length}`).join(' · ')}</span></summary>
    <table class="table">
      <thead>
        <tr><th>chip</th><th>configuration</th><th class="num">run time</th><th class="num">cost</th><th class="num">step</th><th class="num">MFU</th><th class="num">memory/chip</th><th></th></tr>
      </thead>
      <tbody>
        ${r.perChip.flatMap((c, i) =>
          c.frontier.map(
            (p) => html`<tr>
              <td><i class="sw" style="background:${seriesColour(i)}"></i>${c.chipName}</td>
              <td>${p.chips} chips (dp ${p.dp} · tp ${p.tp} · pp ${p.pp}) · micro-batch ${p.microBatch} · ZeRO ${p.zeroStage} · ${p.recompute}</td>
              <td class="num">${formatDuration(p.totalTimeS)}</td>
              <td class="num">${formatUsd(p.costUsd)}</td>
              <td class="num">${formatDuration(p.stepTimeS)}</td>
              <td class="num">${formatPercent(p.mfu)}</td>
              <td class="num">${formatBytes(p.memoryPerChipBytes)}</td>
              <td><button class="btn small ghost" @click=${() => app.useRun(p)}>Use</button></td>
            </tr>`,
          ),
        )}
      </tbody>
    </table>
    <p class="hint">Frontier over run time and run cost: no other configuration of the same chip is both faster and cheaper.</p>
  </details>`;
}

/**
 * The training sweep: chip counts, TP and PP (and micro-batch, ZeRO and recomputation) for the
 * current chip and the compared ones; run/cancel with progress; the frontier of run cost against
 * run time, one series per chip; CSV, PNG and SVG export.
 */
export function trainingSweepView(app: App): TemplateResult {
  const t = app.state.training;
  const s = t.sweep;
  const d = app.derived.trainingSweep;
  const run = app.trainingSweep;
  const running = run.status === 'running';
  const result = run.result;
  const size = 'size' in d ? d.size : 0;
  return html`<section class="card section" data-testid="training-sweep">
    <div class="card-head">
      <h3>Cost against time</h3>
      <span class="muted">sweep chip count and layout (and memory savers); the runs no other beats on both time and cost, one frontier per chip</span>
      <span class="spacer"></span>
      ${backendBadge(app)}
    </div>
    <div class="sweep-controls">
      ${numberListInput('Chip counts', 'training-sweep-chips', s.chips, (chips) => app.setTrainingSweep({ chips }))}
      ${numberListInput('TP degrees', 'training-sweep-tp', s.tp, (tp) => app.setTrainingSweep({ tp }))}
      ${numberListInput('PP degrees', 'training-sweep-pp', s.pp, (pp) => app.setTrainingSweep({ pp }))}
      ${numberListInput('Micro-batches', 'training-sweep-micro', s.microBatch, (microBatch) => app.setTrainingSweep({ microBatch }), `current (${t.microBatch})`)}
    </div>
    <div class="sweep-row">
      ${choiceChecks('ZeRO stage', 'training-sweep-zero', ZERO_STAGES, s.zeroStage, t.zeroStage, (zeroStage) => app.setTrainingSweep({ zeroStage }))}
      ${choiceChecks('Recompute', 'training-sweep-recompute', RECOMPUTES, s.recompute, t.recompute, (recompute) => app.setTrainingSweep({ recompute }))}
    </div>
    <div class="sweep-row">
      <label class="check">
        <input type="checkbox" data-testid="training-sweep-compared" .checked=${s.compared} @change=${(e: Event) => app.setTrainingSweep({ compared: (e.target as HTMLInputElement).checked })} />
        also sweep these chips:
      </label>
      ${comparedChips(app)}
    </div>
    <div class="sweep-actions">
      ${running
        ? html`<button class="btn danger" data-testid="training-sweep-cancel" @click=${() => app.cancelTrainingSweep()}>Cancel</button>`
        : html`<button class="btn primary" data-testid="training-sweep-run" ?disabled=${!('spec' in d)} @click=${() => void app.runTrainingSweep()}>Run sweep</button>`}
      <span class="muted" data-testid="training-sweep-size" data-size=${String(size)}>
        ${'error' in d ? d.error : html`${formatInteger(size)} configurations${size <= AUTO_SWEEP_LIMIT ? ' · updates as you type' : ''}`}
      </span>
      <span class="spacer"></span>
      ${result === null
        ? nothing
        : html`<button class="btn small ghost" data-testid="training-export-csv" @click=${() => app.exportTrainingCsv()}>Frontier CSV</button>
            <button class="btn small ghost" data-testid="training-export-png" @click=${() => void app.exportChart('training-pareto', 'png')}>PNG</button>
            <button class="btn small ghost" data-testid="training-export-svg" @click=${() => void app.exportChart('training-pareto', 'svg')}>SVG</button>`}
    </div>
    ${progress(run, 'training-sweep-progress')}
    ${run.message === null ? nothing : html`<p class=${run.status === 'error' ? 'error-text' : 'muted'} data-testid="training-sweep-message">${run.message}</p>`}
    ${summary(run, app.currentTrainingSweepKey(), 'training-sweep-summary')}
    ${result === null
      ? html`<div class="chart-placeholder">${running ? 'Sweeping…' : 'Run a sweep to see the frontier.'}</div>`
      : html`<div class="chart-legend">
            ${result.perChip.map((c, i) => html`<span title=${reasonsText(c, TRAINING_REASON_TITLES)}><i class="ln" style="background:${seriesColour(i)}"></i>${c.chipName} <span class="muted">(${formatInteger(c.feasible)} feasible)</span></span>`)}
            <span><i class="dot ring current"></i>current run</span>
          </div>
          <div id="training-pareto-chart" class="chart" aria-label=${`${TRAINING_X_LABEL} against ${TRAINING_Y_LABEL}`}></div>
          <p class="hint">Hover a point for its configuration; click a frontier point to use it. Faint dots are a sample of all feasible runs. Left is sooner, down is cheaper.
            ${result.perChip.some((c) => c.feasible === 0)
              ? html`<br /><span class="warn-text" data-testid="training-sweep-nothing-fits">${result.perChip
                    .filter((c) => c.feasible === 0)
                    .map((c) => `${c.chipName}: no feasible run (${reasonsText(c, TRAINING_REASON_TITLES)})`)
                    .join('; ')}.</span>`
              : nothing}
          </p>
          ${frontierTable(app)}`}
  </section>`;
}
