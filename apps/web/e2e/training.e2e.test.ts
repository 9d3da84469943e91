import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateTraining } from '@ridgeline/model';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commandLine, trainArgs } from '../src/cli-command.ts';
import { findChip, findModel } from '../src/registry.ts';
import { DEFAULT_STATE, DEFAULT_TRAINING, type AppState, type TrainingSettings } from '../src/state.ts';
import type { TrainingSweepPoint } from '../src/sweep/types.ts';
import { serialiseState } from '../src/url-state.ts';
import { ARTIFACTS, at, cli, metrics, screenshot, screenshotOf, settled, startHarness, type Harness } from './support.ts';

/**
 * The training view of the built site in Chromium (the one e2e/chromium.ts finds): open it,
 * compare every number with `ridgeline train --json` and every displayed figure with the CLI's
 * report, break the run (a rule, an input, the memory), run a training sweep in the worker and
 * check its frontier, and open shared links good and bad. Screenshots land in test-results/.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const TRAINING: AppState = { ...DEFAULT_STATE, view: 'training' };

function withTraining(patch: Partial<TrainingSettings>, rest: Partial<AppState> = {}): AppState {
  return { ...TRAINING, ...rest, training: { ...DEFAULT_TRAINING, ...patch } };
}

/** The page's own `ridgeline train` arguments for a state (src/cli-command.ts). */
function argsFor(s: AppState): string[] {
  const args = trainArgs(s);
  if (args === undefined) throw new Error('no CLI command for this state');
  return args;
}

/** The training view's "Same in the CLI" box shows the command for the state, as a shell reads it. */
async function expectCommandShown(page: Page, state: AppState): Promise<void> {
  expect(await page.getByTestId('training-cli-command-text').textContent()).toBe(commandLine(['ridgeline', ...argsFor(state)]));
}

/**
 * The training view shows the command for the run, and every number it shows equals that
 * command's `--json` (the same model code, in the browser bundle and in Node); every displayed
 * figure reads as in the command's report.
 */
async function expectSameAsCli(page: Page, state: AppState): Promise<void> {
  await expectCommandShown(page, state);
  const json = await cli([...argsFor(state), '--json']);
  expect(json.code, json.stderr).toBe(0);
  const expected = JSON.parse(json.stdout) as Record<string, unknown>;
  const shown = await metrics(page);
  const names = Object.keys(shown);
  expect(names.length).toBeGreaterThanOrEqual(21);
  for (const name of names) expect(shown[name]?.value, name).toBe(at(expected, name));
  const report = await cli(argsFor(state));
  expect(report.code, report.stderr).toBe(0);
  const figures = ['stepTimeS', 'dataParallelS', 'tokensPerS', 'tokensPerSPerChip', 'mfu', 'mfuWithAttention', 'hfu', 'bubbleFraction', 'totalTimeS', 'steps', 'chipHours', 'costUsd', 'energyJ'];
  for (const part of ['weights', 'gradients', 'optimizer', 'activations', 'total', 'capacity']) figures.push(`memoryPerChipBytes.${part}`);
  for (const name of figures) expect(report.stdout, `${name} shows "${shown[name]?.text}"`).toContain(shown[name]?.text ?? '(missing)');
  expect(await page.getByTestId('training-explanation').textContent()).toContain(String(expected['explanation']));
}

async function open(fragment: string): Promise<Page> {
  const page = await h.newPage();
  await page.goto(`${h.url}#${fragment}`);
  await page.waitForSelector('[data-metric="stepTimeS"], [data-testid="training-infeasible"], [data-testid="training-input-error"], [data-testid="input-needed"]');
  await settled(page);
  return page;
}

/** a is no worse than b on time and cost, and better on one. */
function dominates(a: TrainingSweepPoint, b: TrainingSweepPoint): boolean {
  return a.totalTimeS <= b.totalTimeS && a.costUsd <= b.costUsd && (a.totalTimeS < b.totalTimeS || a.costUsd < b.costUsd);
}

describe('the training view in Chromium', () => {
  test('opens from the tab with Llama 3.1 70B on 1024 H100s, and shows `ridgeline train`’s numbers', async () => {
    const page = await h.newPage();
    await page.goto(h.url);
    await page.waitForSelector('[data-metric="tpotS"]');
    await page.getByTestId('view-training').click();
    await page.waitForSelector('[data-metric="stepTimeS"]');
    await settled(page);
    await expect.poll(() => page.getByTestId('training-headline').textContent()).toBe('Llama 3.1 70B training on 1024 × NVIDIA H100 SXM5 80GB');
    await expectSameAsCli(page, TRAINING);
    // As a person reads them: the step in seconds, a run of months in days, a cost in whole dollars.
    const shown = await metrics(page);
    expect(shown['stepTimeS']?.text).toMatch(/^\d+(\.\d+)? s$/);
    expect(shown['totalTimeS']?.text).toMatch(/^\d+ d$/);
    expect(shown['costUsd']?.text).toMatch(/^\$\d{1,3}(,\d{3})+$/);
    expect(shown['mfu']?.text).toMatch(/^\d+\.\d%$/);
    expect(await page.getByTestId('input-training.dp').inputValue()).toBe('32');
    // Its inputs give the chip's communication overlap as a percentage, not a bare fraction.
    expect(await page.getByTestId('training-sources').textContent()).toMatch(/comm overlap\d+\.\d%/);
    // The memory bar stacks weights, gradients, optimizer and activations against the capacity.
    expect(await page.locator('[data-testid="training-memory-card"] .membar-track .seg').count()).toBe(5);
    expect(new URL(page.url()).hash).toMatch(/^#v=train&m=llama-3\.1-70b&hw=h100-sxm&.*tn=1024&ttp=8&tpp=4&.*ttok=1\.5e13/);
    // The (small) sweep ran by itself on the WASM engine and drew its frontier.
    await page.waitForSelector('[data-testid="training-sweep-summary"][data-backend="wasm"]');
    await page.waitForSelector('#training-pareto-chart canvas');
    await screenshot(page, 'training');
    await screenshot(page, 'training-overview', { fullPage: false });
    // Back to inference and again: each view keeps its own settings.
    await page.getByTestId('view-inference').click();
    await page.waitForSelector('[data-metric="tpotS"]');
    expect(new URL(page.url()).hash).not.toContain('v=train');
    await page.getByTestId('view-training').click();
    await page.waitForSelector('[data-metric="stepTimeS"]');
    expect(await page.getByTestId('input-training.chips').inputValue()).toBe('1024');
    await page.close();
  });

  test('changing the run updates every number, as the CLI computes it', async () => {
    const page = await open(serialiseState(TRAINING));
    await page.getByTestId('select-hardware').selectOption('mi300x');
    await page.getByTestId('input-training.pp').fill('8');
    await page.getByTestId('input-training.chips').fill('2048');
    await page.getByTestId('select-training.zeroStage').selectOption('3');
    await page.getByTestId('select-training.recompute').selectOption('full');
    await page.getByTestId('input-training.microBatch').fill('2');
    await page.getByTestId('input-training.totalTokens').fill('2e12');
    await settled(page);
    expect(await page.getByTestId('input-training.dp').inputValue()).toBe('32');
    const changed = withTraining({ pp: 8, chips: 2048, zeroStage: 3, recompute: 'full', microBatch: 2, totalTokens: 2e12 }, { hardware: 'mi300x' });
    await expectSameAsCli(page, changed);
    // DP typed sets the chips: DP·TP·PP·CP.
    await page.getByTestId('input-training.dp').fill('16');
    await settled(page);
    expect(await page.getByTestId('input-training.chips').inputValue()).toBe('1024');
    await expectSameAsCli(page, { ...changed, training: { ...changed.training, chips: 1024 } });
    expect(new URL(page.url()).hash).toContain('tn=1024');
    await screenshot(page, 'training-mi300x');
    await page.close();
  });

  test('a broken rule, a bad input and a run that does not fit each say what is wrong', async () => {
    const page = await open(serialiseState(TRAINING));
    // Interleaving without a pipeline: infeasible, in the model's words.
    await page.getByTestId('input-training.pp').fill('1');
    await page.getByTestId('input-training.chips').fill('256');
    await page.getByTestId('input-training.virtualStages').fill('2');
    await settled(page);
    await expectCommandShown(page, withTraining({ pp: 1, chips: 256, virtualStages: 2 }));
    const interleave = await cli([...argsFor(withTraining({ pp: 1, chips: 256, virtualStages: 2 })), '--json']);
    expect(interleave.code).toBe(0);
    const expected = JSON.parse(interleave.stdout) as { reason: string; explanation: string };
    expect(expected.reason).toBe('interleave_needs_pipeline');
    await expect.poll(() => page.getByTestId('training-infeasible-explanation').textContent()).toBe(expected.explanation);
    expect(await page.getByTestId('training-infeasible-title').textContent()).toBe('Interleaving needs PP > 1');
    expect(await page.getByTestId('training-infeasible').textContent()).toContain('infeasible · interleave_needs_pipeline');
    await screenshot(page, 'training-infeasible');
    // A micro-batch of 0: a message on the field, never a crash.
    await page.getByTestId('input-training.virtualStages').fill('1');
    await page.getByTestId('input-training.microBatch').fill('0');
    await settled(page);
    expect(await page.getByTestId('field-error-training.microBatch').textContent()).toBe('microBatch must be a positive integer, got 0');
    expect(await page.getByTestId('training-input-error').textContent()).toContain('Check the micro-batch (marked in the form).');
    expect(await page.getByTestId('training-sweep-size').textContent()).toContain('Fix the run first: microBatch must be a positive integer, got 0');
    // Tokens typed as words: the same.
    await page.getByTestId('input-training.microBatch').fill('1');
    await page.getByTestId('input-training.totalTokens').fill('lots');
    await settled(page);
    expect(await page.getByTestId('field-error-training.totalTokens').textContent()).toBe('totalTokens must be a positive number of tokens, got NaN');
    await screenshot(page, 'training-input-error', { wholeSidebar: true });
    // Eight chips for a 70B model without ZeRO: it does not fit, and the fixes are offered.
    await page.getByTestId('input-training.totalTokens').fill('15e12');
    await page.getByTestId('input-training.chips').fill('8');
    await page.getByTestId('input-training.pp').fill('1');
    await page.getByTestId('input-training.globalBatch').fill('8');
    await page.getByTestId('select-training.zeroStage').selectOption('0');
    await settled(page);
    await expectCommandShown(page, withTraining({ chips: 8, pp: 1, globalBatch: 8, zeroStage: 0 }));
    const capacity = JSON.parse((await cli([...argsFor(withTraining({ chips: 8, pp: 1, globalBatch: 8, zeroStage: 0 })), '--json'])).stdout) as { reason: string; explanation: string };
    expect(capacity.reason).toBe('capacity');
    await expect.poll(() => page.getByTestId('training-infeasible-explanation').textContent()).toBe(capacity.explanation);
    await page.waitForSelector('[data-testid="training-memory-card"] .membar.over');
    await page.getByTestId('training-use-zero3').click();
    await settled(page);
    expect(await page.getByTestId('select-training.zeroStage').inputValue()).toBe('3');
    await page.waitForSelector('[data-testid="training-infeasible"], [data-metric="stepTimeS"]');
    await page.close();
  });

  test('a training sweep in the worker draws each chip’s frontier of cost against time and exports it', async () => {
    const sweepState: AppState = {
      ...TRAINING,
      compare: ['mi300x'],
      training: { ...DEFAULT_TRAINING, totalTokens: 2e12, sweep: { chips: [256, 512, 1024, 2048], tp: [2, 4, 8], pp: [1, 2, 4, 8], microBatch: [1, 2], zeroStage: [1, 3], recompute: ['selective', 'full'], compared: true } },
    };
    const page = await open(serialiseState(sweepState));
    const size = Number(await page.getByTestId('training-sweep-size').getAttribute('data-size'));
    expect(size).toBe(2 * 4 * 3 * 4 * 2 * 2 * 2);
    // Small enough to run as the page opens; Run sweep runs it again.
    expect(await page.getByTestId('training-sweep-size').textContent()).toContain('updates as you type');
    await page.waitForSelector(`[data-testid="training-sweep-summary"][data-total="${size}"]`, { timeout: 120_000 });
    await page.getByTestId('training-sweep-run').click();
    await page.waitForFunction(() => (window as unknown as { ridgeline: { trainingSweep: { status: string } } }).ridgeline.trainingSweep.status === 'done', undefined, { timeout: 120_000 });
    const summary = page.getByTestId('training-sweep-summary');
    console.log(`training sweep of ${size} configurations: ${await summary.getAttribute('data-elapsed-ms')} ms in the worker (${await summary.getAttribute('data-backend')})`);
    expect(await summary.getAttribute('data-backend')).toBe('wasm');
    await page.waitForSelector('#training-pareto-chart canvas');
    const result = await page.evaluate(() => (window as unknown as { ridgeline: { trainingSweep: { result: { perChip: { chipId: string; feasible: number; frontier: TrainingSweepPoint[]; cloud: TrainingSweepPoint[] }[] } } } }).ridgeline.trainingSweep.result);
    expect(result.perChip.map((c) => c.chipId)).toEqual(['h100-sxm', 'mi300x']);
    const model = findModel('llama-3.1-70b')!;
    for (const c of result.perChip) {
      expect(c.frontier.length).toBeGreaterThan(1);
      // Non-dominated: no frontier run, and no sampled run, is both faster and cheaper than one on the frontier.
      for (const p of c.frontier) {
        expect(c.frontier.some((q) => dominates(q, p))).toBe(false);
        expect(c.cloud.some((q) => dominates(q, p))).toBe(false);
      }
      expect(c.cloud).toHaveLength(c.feasible);
      // Each point is the model's own run.
      for (const p of c.frontier) {
        const r = estimateTraining({ model, chip: findChip(c.chipId)!, chips: p.chips, parallelism: { dp: p.dp, tp: p.tp, pp: p.pp, cp: 1, ep: 1 }, sequenceLength: 8192, globalBatch: 512, microBatch: p.microBatch, totalTokens: 2e12, zeroStage: p.zeroStage, recompute: p.recompute });
        if (!r.feasible) throw new Error(`frontier run infeasible: ${r.explanation}`);
        expect([r.totalTimeS, r.costUsd]).toEqual([p.totalTimeS, p.costUsd]);
      }
    }
    // Hovering the frontier shows a run.
    const shown = await page.evaluate(() => {
      const over = document.querySelector<HTMLElement>('#training-pareto-chart .u-over');
      const tip = document.querySelector<HTMLElement>('#training-pareto-chart .chart-tooltip');
      if (over === null || tip === null) return false;
      const r = over.getBoundingClientRect();
      for (let x = 0.01; x < 0.99; x += 0.01) {
        for (let y = 0.01; y < 0.99; y += 0.01) {
          over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width * x, clientY: r.top + r.height * y, bubbles: true }));
          if (!tip.hidden && tip.textContent?.includes('on the frontier') === true) return true;
        }
      }
      return false;
    });
    expect(shown).toBe(true);
    expect(await page.locator('#training-pareto-chart .chart-tooltip').textContent()).toMatch(/\d+ chips \(dp \d+ · tp \d+ · pp \d+\) · micro-batch \d+/);
    await screenshotOf(page, '[data-testid="training-sweep"]', 'training-sweep');
    // The frontier as CSV, one row per frontier run.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('training-export-csv').click()]);
    const csvPath = join(ARTIFACTS, 'training-frontier.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('chip,chips,dp,tp,pp,micro_batch,zero_stage,recompute,total_time_s,cost_usd,step_time_s,mfu,tokens_per_s_per_chip,chip_hours,energy_j,memory_per_chip_bytes');
    expect(csv).toHaveLength(1 + result.perChip.reduce((n, c) => n + c.frontier.length, 0));
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('training-export-svg').click()]);
    await svg.saveAs(join(ARTIFACTS, 'training-pareto-export.svg'));
    expect(readFileSync(join(ARTIFACTS, 'training-pareto-export.svg'), 'utf8')).toContain('Run cost (USD)');
    // A frontier run made the current one.
    const first = result.perChip[0]!.frontier[0]!;
    await page.locator('[data-testid="training-frontier-table"] summary').click();
    await page.locator('[data-testid="training-frontier-table"] tbody tr').first().getByRole('button', { name: 'Use' }).click();
    await settled(page);
    expect(await page.getByTestId('input-training.chips').inputValue()).toBe(String(first.chips));
    expect(await page.getByTestId('input-training.tp').inputValue()).toBe(String(first.tp));
    await page.waitForSelector('[data-metric="totalTimeS"]');
    expect((await metrics(page))['totalTimeS']?.value).toBe(first.totalTimeS);
    // Cancelling is not exercised here: a training sweep from this panel cannot be made slow
    // enough to cancel reliably (the kernel counts the many rule-breaking blocks in one step, so
    // even 10^7 configurations finish in a fraction of a second). The worker's cancel path is the
    // one the inference sweep's end-to-end test cancels, and sweep/training-sweep.test.ts cancels a
    // training sweep on both backends.
    await page.close();
  });

  test('a shared training link opens the same run; a bad one says what is wrong', async () => {
    const shared = withTraining({ chips: 512, tp: 4, pp: 2, sequenceLength: 4096, globalBatch: 1024, totalTokens: 1e12, zeroStage: 2, recompute: 'none' }, { model: { kind: 'catalog', id: 'llama-3.1-8b' }, hardware: 'h200' });
    const page = await open(serialiseState(shared));
    await expect.poll(() => page.getByTestId('training-headline').textContent()).toBe('Llama 3.1 8B training on 512 × NVIDIA H200 SXM 141GB');
    expect(await page.getByTestId('input-training.dp').inputValue()).toBe('64');
    expect(await page.getByTestId('select-training.recompute').inputValue()).toBe('none');
    expect(await page.getByTestId('url-problems').count()).toBe(0);
    await expectSameAsCli(page, shared);
    await page.close();
    const bad = await open('v=train&tz=7&ttok=lots&tn=0&tsr=full,half');
    const text = (await bad.getByTestId('url-problems').textContent()) ?? '';
    expect(text).toContain('the ZeRO stage must be one of 0, 1, 2, 3; using 1.');
    expect(text).toContain('the run’s total tokens must be a number > 0 (e.g. 15e12); using 1.5e13.');
    expect(text).toContain('the training chip count must be a whole number ≥ 1; using 1024.');
    expect(text).toContain('"half" is not one of none, selective, full');
    // The rest of the page works, on the defaults.
    await expectSameAsCli(bad, TRAINING);
    await screenshot(bad, 'training-bad-link');
    await bad.close();
  });

  test('no page raised an error', () => {
    expect(h.errors).toEqual([]);
  });
});
