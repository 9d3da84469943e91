import { html, nothing, type TemplateResult } from 'lit-html';
import { PLAN_BATCHES, DEFAULT_PLAN_PRECISIONS, type PlanObjective } from '@ridgeline/engine';
import { formatDuration, formatInteger, formatNumber, formatPercent, formatTokenRate, formatUsd } from '@ridgeline/format';
import { cliFiles, planArgs } from '../cli-command.ts';
import type { PlanField, PlanRow } from '../plan.ts';
import { seriesColour } from '../registry.ts';
import type { App, NumericKey } from './app.ts';
import { commandBox } from './cli-view.ts';

/** The objective select's words, in `PLAN_OBJECTIVES` order. */
const OBJECTIVES: readonly (readonly [PlanObjective, string])[] = [
  ['throughput', 'most tokens/s per chip'],
  ['cost', 'lowest $ per million tokens'],
  ['chips', 'fewest chips for the rate'],
];

const BOX_OF: Readonly<Record<PlanField, NumericKey>> = { ttftS: 'plan.ttftS', tpotS: 'plan.tpotS', rateRps: 'plan.rateRps' };

/** A text box of the panel: kept as typed, marked with the problem when its value is the one at fault. */
function box(app: App, field: PlanField, label: string, placeholder: string, hint: string): TemplateResult {
  const d = app.derived.plan;
  const error = 'error' in d && d.field === field ? d.error : null;
  const key = BOX_OF[field];
  return html`<label class="field ${error === null ? '' : 'invalid'}">
    <span class="label">${label}</span>
    <input
      type="text"
      inputmode="decimal"
      spellcheck="false"
      autocomplete="off"
      placeholder=${placeholder}
      aria-invalid=${error === null ? 'false' : 'true'}
      data-testid=${`plan-${field}`}
      .value=${app.numberText(key)}
      @input=${(e: Event) => app.setNumber(key, (e.target as HTMLInputElement).value)}
    />
    ${error === null ? html`<span class="hint">${hint}</span>` : html`<span class="field-error" data-testid=${`plan-error-${field}`}>${error}</span>`}
  </label>`;
}

/** A figure of a row, with its raw value for tests and copy-paste. */
function cell(field: string, value: number, text: string): TemplateResult {
  return html`<td class="num" data-field=${field} data-value=${String(value)}>${text}</td>`;
}

function row(app: App, r: PlanRow, i: number, colour: string): TemplateResult {
  const l = r.layout;
  const m = r.metrics;
  const dash = html`<td class="num muted">—</td>`;
  return html`<tr data-testid="plan-row" data-chip=${r.chipId} data-meets=${String(r.meetsTargets)} class="main ${r.meetsTargets ? '' : 'misses'}">
    <td class="num">${i + 1}</td>
    <td class="chip"><i class="sw" style="background:${colour}"></i>${r.chipName}</td>
    <td>${r.meetsTargets ? html`<span class="badge ok">yes</span>` : html`<span class="badge bad">no</span>`}</td>
    ${l === null
      ? html`${dash}${dash}${dash}${dash}${dash}<td class="muted">—</td>`
      : html`<td class="num" data-field="chips" data-value=${String(l.chips)} title=${`${l.replicas} replica${l.replicas === 1 ? '' : 's'} × TP ${l.tp} × PP ${l.pp}`}>
            ${l.chips} <span class="muted">= ${l.replicas}·${l.tp}·${l.pp}</span>
          </td>
          ${cell('tp', l.tp, String(l.tp))} ${cell('pp', l.pp, String(l.pp))} ${cell('ep', l.ep, String(l.ep))} ${cell('batch', l.batch, formatInteger(l.batch))}
          <td data-field="precision">${l.weights}/${l.kvCache}/${l.activations}</td>`}
    ${m === null
      ? html`${dash}${dash}${dash}${dash}${dash}`
      : html`${cell('ttftS', m.ttftS, formatDuration(m.ttftS))} ${cell('tpotS', m.tpotS, formatDuration(m.tpotS))}
          ${cell('tokensPerSPerChip', m.tokensPerSPerChip, formatTokenRate(m.tokensPerSPerChip))} ${cell('tokensPerSPerUser', m.tokensPerSPerUser, formatTokenRate(m.tokensPerSPerUser))}
          ${cell('costPerMillionTokensUsd', m.costPerMillionTokensUsd, formatUsd(m.costPerMillionTokensUsd))}`}
    <td>${l === null ? nothing : html`<button class="btn small ghost" data-testid="plan-use" @click=${() => app.usePlan(r)}>Use</button>`}</td>
  </tr>
  <tr class="why ${r.meetsTargets ? '' : 'misses'}">
    <td></td>
    <td colspan="14" data-testid="plan-why" data-chip=${r.chipId}>${r.meetsTargets ? 'limited by' : html`<b>${r.layout === null ? 'cannot run' : 'misses the targets'}</b>`}: ${r.why}${measuredError(r)}</td>
  </tr>`;
}

/**
 * How far this chip's TTFT and per-user figures have been off on measurements its efficiencies were
 * not fitted to (its calibration's median |error|), beside targets the row is chosen to meet; a chip
 * whose error nobody measured says so.
 */
function measuredError(r: PlanRow): TemplateResult {
  const e = r.config.chip.efficiency.calibration?.outOfSampleError;
  if (e === undefined) return html`<span class="muted" data-testid="plan-error"> · no measured error for this chip</span>`;
  const ttft = e.ttft === undefined ? 'TTFT not measured' : `TTFT ${formatPercent(e.ttft)}`;
  return html`<span class="muted" data-testid="plan-error" title=${e.on}> · median error out of sample: ${ttft}, per user ${formatPercent(e.interactivity)}</span>`;
}

function table(app: App, rows: readonly PlanRow[], stale: boolean): TemplateResult {
  return html`<div class="table-scroll ${stale ? 'stale' : ''}">
    <table class="table plan-table" data-testid="plan-table">
      <thead>
        <tr>
          <th class="num">#</th><th>chip</th><th>meets</th><th class="num" title="replicas · TP · PP">chips</th><th class="num">TP</th><th class="num">PP</th><th class="num">EP</th>
          <th class="num">batch</th><th title="weights / KV cache / activations">w/kv/a</th><th class="num">TTFT</th><th class="num">TPOT</th><th class="num">tok/s/chip</th>
          <th class="num">tok/s/user</th><th class="num">$ / M tok</th><th></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((r, i) => {
          // The chip's colour in the comparison and the sweep: the current chip first, then the compared ones.
          const order = [app.state.hardware, ...app.state.compare.filter((id) => id !== app.state.hardware)];
          const at = order.indexOf(r.pageId);
          return row(app, r, i, seriesColour(at === -1 ? i : at));
        })}
      </tbody>
    </table>
  </div>`;
}

/** Under the table: how it was searched, and where the page and `ridgeline plan` part ways. */
function notes(app: App): TemplateResult {
  const s = app.derived.state;
  const price = s.price !== null && Number.isFinite(s.price) ? s.price : null;
  const overlap = s.overlap !== null && Number.isFinite(s.overlap);
  return html`<p class="hint">
    Per chip, the configuration that meets the targets and does best on the objective; a chip that cannot meet them shows the one that misses them by the least.
    Searched like <code>ridgeline plan</code>: TP and PP in powers of two${app.derived.model.ok && app.derived.model.model.moe !== undefined ? ', EP' : ''}, batch 1–${formatInteger(PLAN_BATCHES.at(-1) ?? 0)},
    ${DEFAULT_PLAN_PRECISIONS.join(' and ')} for weights, KV cache and activations, under continuous batching, up to one scale-up domain or 64 chips; a rate adds replicas.
    <i>Use</i> makes a row the configuration above.
    ${price === null ? nothing : html`<br />Priced at your ${formatUsd(price)}/chip-hour; <code>ridgeline plan</code> has no <code>--price</code> and prices at list prices.`}
    ${s.energy.priceBasis === 'tco' ? html`<br />Each chip priced at its cost of ownership (<code>--price-basis tco</code>), as the estimate above.` : nothing}
    ${overlap ? html`<br />Planned at each chip's default communication overlap (the plan has no overlap setting); the estimate above uses yours.` : nothing}
    ${s.disaggregation === null ? nothing : html`<br />The plan is of one engine doing prefill and decode (<code>ridgeline plan</code> does not disaggregate); <i>Use</i> turns disaggregation off.`}
  </p>`;
}

/**
 * The latency-target panel: TTFT and TPOT targets, an objective and a rate, and per chip (the
 * current one and the compared ones) the best configuration that meets the targets, from
 * `planServing` in the sweep worker; *Use* applies a row; the `ridgeline plan` command under it.
 */
export function planView(app: App): TemplateResult {
  const p = app.state.plan;
  const d = app.derived.plan;
  const v = app.plan;
  const currentKey = app.currentPlanKey();
  const stale = v.resultKey !== currentKey;
  const args = planArgs(app.derived.state);
  const tpot = p.tpotS !== null && Number.isFinite(p.tpotS) ? p.tpotS : null;
  return html`<section class="card section plan" data-testid="plan" data-status=${v.status} data-stale=${String(stale)} data-elapsed-ms=${v.elapsedMs.toFixed(1)} data-chips=${String(v.chips)}>
    <div class="card-head">
      <h3>Latency targets</h3>
      <span class="muted">the best configuration per chip that meets them, for the current and the compared chips</span>
    </div>
    <div class="plan-controls">
      ${box(app, 'ttftS', 'TTFT at most', 'none', 'time to first token: 2s, 500ms or seconds')}
      ${box(app, 'tpotS', 'TPOT at most', 'none', tpot === null ? 'time per output token: 50ms, 0.05' : `at least ${formatNumber(1 / tpot)} tok/s per user`)}
      <label class="field">
        <span class="label">Objective</span>
        <select data-testid="plan-objective" @change=${(e: Event) => app.setPlan({ objective: (e.target as HTMLSelectElement).value as PlanObjective })}>
          ${OBJECTIVES.map(([value, words]) => html`<option value=${value} .selected=${p.objective === value}>${words}</option>`)}
        </select>
      </label>
      ${box(app, 'rateRps', 'Rate (requests/s)', 'none', 'sets the replicas; none: one replica')}
    </div>
    ${'error' in d && d.field === null ? html`<p class="warn-text" data-testid="plan-message">${d.error}</p>` : nothing}
    ${v.message === null ? nothing : html`<p class="error-text" data-testid="plan-failed">${v.message}</p>`}
    ${v.rows === null || 'error' in d
      ? html`<p class="muted">${v.status === 'running' && !('error' in d) ? 'Planning…' : ''}</p>`
      : html`<p class="sweep-summary" data-testid="plan-summary">
            ${v.status === 'running' ? 'Planning…' : html`${v.chips} ${v.chips === 1 ? 'chip' : 'chips'} planned in <b>${formatDuration(v.elapsedMs / 1000)}</b> on the WebAssembly engine, in the worker`}
            ${stale && v.status !== 'running' ? html`<span class="badge warn">settings changed since</span>` : nothing}
          </p>
          ${table(app, v.rows, stale)} ${notes(app)}`}
    ${args === undefined ? nothing : commandBox(app, 'plan-cli-command', args, cliFiles({ ...app.derived.state, disaggregation: null }), html`prints this table; add <code>--json</code> for each chip's estimate and the command that reproduces it`)}
  </section>`;
}
