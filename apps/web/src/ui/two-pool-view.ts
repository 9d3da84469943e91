import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit-html';
import { formatBytes, formatDuration, formatInteger, formatNumber, formatPercent } from '@ridgeline/format';
import { bindsText, loneText, twoPoolsWords, type Pool, type TwoPools } from '../two-pool.ts';
import { boundBadge } from './results-view.ts';

/**
 * The two pools of a disaggregated configuration: the prefill pool feeding the decode pool over
 * the KV-transfer link, each pool's workers drawn with how busy they are, and the one that sets
 * the request rate highlighted. The picture is decorative to a screen reader; its caption says the
 * same in sentences (`twoPoolsWords`).
 *
 * Every figure carries `data-figure` (its path in `TwoPools`) and `data-value` (the raw number),
 * and `data-metric` where it is a number of the model's result, so the tests compare both.
 */

/** Workers drawn one by one up to this many; more are drawn as this many and an ellipsis. */
const MAX_WORKERS_DRAWN = 16;
/** Chips drawn in a worker up to this many (4 × 4); the words give the count. */
const MAX_CHIPS_DRAWN = 16;

/** A figure of the picture: its `TwoPools` path, the raw value, and the result's field when it is one. */
function figure(path: string, value: number | string, text: string, metric?: string): TemplateResult {
  return html`<b class="value" data-figure=${path} data-value=${String(value)} data-metric=${metric ?? nothing}>${text}</b>`;
}

/**
 * The pool's workers side by side, each a box of its chips (up to 4 × 4 drawn), filled from the
 * bottom to the pool's utilisation: every worker of a pool carries the same share of the load.
 */
function workersPicture(pool: Pool): SVGTemplateResult {
  const cell = 6;
  const pad = 3;
  const gap = 6;
  const drawn = Math.min(pool.workers, MAX_WORKERS_DRAWN);
  const chips = Math.min(pool.chipsPerWorker, MAX_CHIPS_DRAWN);
  const cols = Math.min(4, chips);
  const rows = Math.ceil(chips / cols);
  const w = cols * (cell + 2) - 2 + 2 * pad;
  const h = Math.max(rows * (cell + 2) - 2 + 2 * pad, 22);
  const level = Math.max(0, Math.min(1, pool.utilisation));
  const width = drawn * (w + gap) - gap + (pool.workers > drawn ? 18 : 0);
  return svg`<svg class="workers" viewBox=${`0 0 ${width} ${h + 1}`} width=${width} height=${h + 1} aria-hidden="true" focusable="false">
    ${Array.from({ length: drawn }, (_, i) => {
      const x = i * (w + gap);
      return svg`<rect class="worker" x=${x + 0.5} y="0.5" width=${w - 1} height=${h} rx="3"></rect>
        <rect class="worker-busy" x=${x + 0.5} y=${0.5 + h * (1 - level)} width=${w - 1} height=${h * level} rx="3"></rect>
        ${Array.from({ length: chips }, (_, c) => svg`<rect class="chip" x=${x + pad + (c % cols) * (cell + 2)} y=${pad + Math.floor(c / cols) * (cell + 2) + 0.5} width=${cell} height=${cell} rx="1"></rect>`)}`;
    })}
    ${pool.workers > drawn ? svg`<text class="workers-more" x=${drawn * (w + gap) + 1} y=${h / 2 + 5}>…</text>` : nothing}
  </svg>`;
}

function poolBox(pools: TwoPools, pool: Pool): TemplateResult {
  const p = pool.role;
  const binds = pools.binds === p;
  return html`<div class="pool pool-${p} ${binds ? 'binds' : ''}" data-testid=${`pool-${p}`} data-binds=${String(binds)}>
    <div class="pool-head">
      <span class="pool-name">${p === 'prefill' ? 'Prefill pool' : 'Decode pool'}</span>
      ${binds ? html`<span class="badge binds-tag">sets the rate</span>` : nothing}
    </div>
    <p class="pool-size">
      ${figure(`${p}.workers`, pool.workers, formatInteger(pool.workers), `disaggregation.${p}Workers`)} ${pool.workers === 1 ? 'worker' : 'workers'} ×
      ${figure(`${p}.chipsPerWorker`, pool.chipsPerWorker, formatInteger(pool.chipsPerWorker))} = ${figure(`${p}.chips`, pool.chips, formatInteger(pool.chips), `disaggregation.${p}Chips`)}
      ${pool.chips === 1 ? 'chip' : 'chips'}
    </p>
    <p class="pool-chip"><span data-figure=${`${p}.chipName`} data-value=${pool.chipName}>${pool.chipName}</span> · <span data-figure=${`${p}.layout`} data-value=${pool.layout}>${pool.layout}</span></p>
    ${workersPicture(pool)}
    <div class="pool-util">
      <span class="label">utilisation</span>
      <div class="util-track"><div class="util-fill" style="width:${(Math.max(0, Math.min(1, pool.utilisation)) * 100).toFixed(2)}%"></div></div>
      ${figure(`${p}.utilisation`, pool.utilisation, formatPercent(pool.utilisation))}
    </div>
    <p class="pool-time">
      ${p === 'prefill'
        ? html`<span class="label">iteration of ${formatInteger(pools.chunkTokens)} prompt tokens</span> ${figure('prefill.timeS', pool.timeS, formatDuration(pool.timeS), 'disaggregation.prefillIterationS')}`
        : html`<span class="label">TPOT</span> ${figure('decode.timeS', pool.timeS, formatDuration(pool.timeS), 'tpotS')}`}
      <span data-figure=${`${p}.bound`} data-value=${pool.bound}>${boundBadge(pool.bound)}</span>
    </p>
    ${p === 'prefill' ? promptPrefillLine(pools) : nothing}
    <p class="pool-mem muted small">
      memory ${formatBytes(pool.memoryPerChip.total)} of ${formatBytes(pool.memoryPerChip.capacity)} usable per chip
    </p>
  </div>`;
}

/** The prefill a prompt sees at this load: an iteration of the prompts waiting, or its full iterations. */
function promptPrefillLine(pools: TwoPools): TemplateResult {
  const { prompts, seconds, loneIterations } = pools.promptPrefill;
  const what = prompts < 1 ? 'its full iterations' : prompts === 1 ? loneText(loneIterations) : html`an iteration of ${figure('promptPrefill.prompts', prompts, formatNumber(prompts), 'disaggregation.promptsPerPrefillIteration')} prompts`;
  return html`<p class="pool-time muted small"><span class="label">a prompt's own: ${what}</span> ${figure('promptPrefill.seconds', seconds, formatDuration(seconds), 'disaggregation.promptPrefillS')}</p>`;
}

function linkBox(pools: TwoPools): TemplateResult {
  const binds = pools.binds === 'kv-transfer';
  const l = pools.link;
  return html`<div class="pool-link ${binds ? 'binds' : ''}" data-testid="pool-link" data-binds=${String(binds)}>
    <span class="link-label">KV cache ${figure('link.bytes', l.bytes, formatBytes(l.bytes), 'disaggregation.kvTransferBytes')} per request</span>
    <svg class="link-arrow" viewBox="0 0 120 24" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <line x1="2" y1="12" x2="104" y2="12"></line>
      <path d="M102 4 L118 12 L102 20 Z"></path>
    </svg>
    <span class="link-label">${figure('link.seconds', l.seconds, formatDuration(l.seconds), 'disaggregation.kvTransferS')} over
      <span data-figure="link.kind" data-value=${l.kind}>${l.kind}</span></span>
    ${binds ? html`<span class="badge binds-tag">sets the rate</span>` : nothing}
  </div>`;
}

/**
 * The two-pool card of a disaggregated configuration.
 *
 * @example
 * twoPoolView(twoPools(result, config)!); // Prefill pool → KV cache → Decode pool, one highlighted
 */
export function twoPoolView(pools: TwoPools): TemplateResult {
  const words = twoPoolsWords(pools);
  return html`<section class="card two-pool" data-testid="two-pool" data-binds=${pools.binds}>
    <div class="card-head">
      <h3>Two pools</h3>
      <span class="muted">prefill workers feed decode workers; the slowest of the two pools and the link between them sets the request rate</span>
    </div>
    <p class="pool-rate">
      ${figure('requestsPerS', pools.requestsPerS, `${formatNumber(pools.requestsPerS)} requests/s`, 'disaggregation.requestsPerS')}, set by
      <span class="binds-word" data-figure="binds" data-value=${pools.binds}>${bindsText(pools.binds)}</span>
    </p>
    <figure class="pools">
      <div class="pools-diagram" aria-hidden="true">${poolBox(pools, pools.prefill)} ${linkBox(pools)} ${poolBox(pools, pools.decode)}</div>
      <figcaption data-testid="two-pool-words">
        <ul>
          ${words.map((w) => html`<li class=${w.startsWith('Note: ') ? 'pool-note' : ''}>${w}</li>`)}
        </ul>
      </figcaption>
    </figure>
  </section>`;
}
