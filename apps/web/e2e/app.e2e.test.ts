import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatIssues } from '@ridgeline/hardware';
import { estimateInference } from '@ridgeline/model';
import { CUSTOM_PLUGIN_NAME, checkCustomChip, pluginFromFields } from '../src/custom-chip.ts';
import { commandLine, estimateArgs, planArgs } from '../src/cli-command.ts';
import { configFor } from '../src/estimate.ts';
import { resolvedEfficiencyText } from '../src/efficiency-text.ts';
import { findChip, findModel } from '../src/registry.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_PLAN, DEFAULT_STATE, type AppState } from '../src/state.ts';
import { twoPools, twoPoolsWords, type TwoPools } from '../src/two-pool.ts';
import type { SweepResult } from '../src/sweep/types.ts';
import { ECHO_MAX_CHARS, serialiseState, toBase64Url } from '../src/url-state.ts';
import { ARTIFACTS, at, cli, metrics, screenshot, screenshotOf, settled, startHarness, staticHost, type Harness } from './support.ts';

/**
 * The built site in Chromium (the one e2e/chromium.ts finds): load, change the hardware, compare
 * every number with the CLI's `--json`, run (and cancel) a sweep, open shared links good, bad and
 * absurd, enter a bad custom chip, use it on a phone. Screenshots land in test-results/.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** The page's own `ridgeline estimate` arguments for a state (src/cli-command.ts). */
function argsFor(s: AppState): string[] {
  const args = estimateArgs(s);
  if (args === undefined) throw new Error('no CLI command for this state');
  return args;
}

/** The "Same in the CLI" box shows the command for the state, as a shell reads it. */
async function expectCommandShown(page: Page, state: AppState): Promise<void> {
  expect(await page.getByTestId('cli-command-text').textContent()).toBe(commandLine(['ridgeline', ...argsFor(state)]));
}

/**
 * The page shows the command for the configuration, and every number it shows equals that
 * command's `--json` (the same model code, in the browser bundle and in Node); every displayed
 * figure reads as in the command's report. `cwd` holds the files the command reads, if any.
 */
async function expectSameAsCli(page: Page, state: AppState, cwd?: string): Promise<void> {
  await expectCommandShown(page, state);
  const json = await cli([...argsFor(state), '--json'], cwd);
  expect(json.code, json.stderr).toBe(0);
  const expected = JSON.parse(json.stdout) as Record<string, unknown>;
  const shown = await metrics(page);
  const names = Object.keys(shown).filter((n) => !n.startsWith('compare.'));
  expect(names.length).toBeGreaterThanOrEqual(16);
  for (const name of names) {
    expect(shown[name]?.value, name).toBe(at(expected, name));
  }
  const report = await cli(argsFor(state), cwd);
  expect(report.code, report.stderr).toBe(0);
  for (const name of ['ttftS', 'tpotS', 'requestLatencyS', 'tokensPerSPerChip', 'tokensPerSPerUser', 'inputTokensPerSPerChip', 'totalTokensPerSPerChip', 'memoryPerChipBytes.total', 'powerPerChipW', 'mfu.prefill', 'mbu.decode']) {
    expect(report.stdout, `${name} shows "${shown[name]?.text}"`).toContain(shown[name]?.text ?? '(missing)');
  }
  expect(report.stdout).toContain(`${(shown['costPerMillionTokensUsd']?.text ?? '').replace(' /M', '')} per million`);
  expect(report.stdout).toContain(`${(shown['energyPerTokenJ']?.text ?? '').replace(' /token', '')} per output token`);
  expect(await page.getByTestId('explanation').textContent()).toContain(String(expected['explanation']));
}

async function open(fragment = ''): Promise<Page> {
  const page = await h.newPage();
  await page.goto(`${h.url}${fragment === '' ? '' : `#${fragment}`}`);
  await page.waitForSelector('[data-metric="tpotS"], [data-testid="infeasible"], [data-testid="input-error"], [data-testid="input-needed"]');
  await settled(page);
  return page;
}

describe('the built site in Chromium', () => {
  test('loads the default configuration and shows the CLI’s numbers', async () => {
    const page = await open();
    await expect.poll(() => page.getByTestId('headline').textContent()).toBe('Llama 3.1 70B on 8 × NVIDIA H100 SXM5 80GB');
    await expectSameAsCli(page, DEFAULT_STATE);
    // As a person reads it: SI units, three significant figures.
    expect((await metrics(page))['tpotS']?.text).toMatch(/^\d+(\.\d+)? ms$/);
    expect((await metrics(page))['costPerMillionTokensUsd']?.text).toMatch(/^\$\d+\.\d\d \/M$/);
    // The charts drew: a roofline canvas, and the (small, automatic) sweep's Pareto canvas.
    await page.waitForSelector('#roofline-chart canvas');
    await page.waitForSelector('#pareto-chart canvas');
    // Before the Copy below, whose note would show in the shots.
    await screenshot(page, 'default');
    await screenshot(page, 'overview', { fullPage: false });
    await screenshotOf(page, '[data-testid="roofline-card"]', 'default-roofline');
    await screenshotOf(page, '[data-testid="compare"]', 'default-compare');
    // The command is on the page, and Copy puts it on the clipboard as it reads.
    expect(await page.getByTestId('cli-command-text').textContent()).toBe('ridgeline estimate --model llama-3.1-70b --hardware h100-sxm --chips 8 --tp 8 --batch 64');
    await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(h.url).origin });
    await page.getByTestId('cli-command-copy').click();
    await expect.poll(() => page.locator('.toast').textContent()).toBe('Command copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId('cli-command-text').textContent());
    await screenshotOf(page, '[data-testid="cli-command"]', 'cli-command');
    // The state is in the URL.
    expect(new URL(page.url()).hash).toContain('m=llama-3.1-70b&hw=h100-sxm&n=8&tp=8');
    // The roofline as PNG and as SVG (vector, redrawn from the data).
    const [rooflinePng] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-roofline-png').click()]);
    await rooflinePng.saveAs(join(ARTIFACTS, 'roofline-export.png'));
    expect(readFileSync(join(ARTIFACTS, 'roofline-export.png')).subarray(1, 4).toString()).toBe('PNG');
    const [rooflineSvg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-roofline-svg').click()]);
    await rooflineSvg.saveAs(join(ARTIFACTS, 'roofline-export.svg'));
    const svgText = readFileSync(join(ARTIFACTS, 'roofline-export.svg'), 'utf8');
    expect(svgText).toContain('Roofline — NVIDIA H100 SXM5 80GB, bf16');
    expect(svgText).toContain('ridge ');
    await page.close();
  });

  test('changing the hardware updates every number, as the CLI computes it', async () => {
    const page = await open();
    await page.getByTestId('select-hardware').selectOption('mi300x');
    await expect.poll(() => page.getByTestId('headline').textContent()).toBe('Llama 3.1 70B on 8 × AMD Instinct MI300X 192GB');
    await settled(page);
    await expectSameAsCli(page, { ...DEFAULT_STATE, hardware: 'mi300x' });
    expect(new URL(page.url()).hash).toContain('hw=mi300x');
    // Typing a batch updates the estimate (debounced) and the link.
    await page.getByTestId('input-batch').fill('128');
    await settled(page);
    await expectSameAsCli(page, { ...DEFAULT_STATE, hardware: 'mi300x', batch: 128 });
    expect(new URL(page.url()).hash).toContain('b=128');
    await screenshot(page, 'mi300x-batch-128');
    await page.close();
  });

  test('an infeasible configuration says why, and offers the layout that fits', async () => {
    const page = await open();
    await page.getByTestId('input-chips').fill('1');
    await page.getByTestId('input-tp').fill('1');
    await settled(page);
    await expectCommandShown(page, { ...DEFAULT_STATE, chips: 1, tp: 1 });
    expect(await page.getByTestId('cli-command').textContent()).toContain('reports the same problem and what would fit');
    const cliRun = await cli([...argsFor({ ...DEFAULT_STATE, chips: 1, tp: 1 }), '--json']);
    // infeasible is an answer: exit 0, the reason and explanation in the JSON
    expect([cliRun.code, cliRun.stderr]).toEqual([0, '']);
    const expected = JSON.parse(cliRun.stdout) as { feasible: boolean; reason: string; explanation: string; minChipsToFit: number };
    expect(expected.feasible).toBe(false);
    await expect.poll(() => page.getByTestId('infeasible-explanation').textContent()).toBe(expected.explanation);
    expect(await page.getByTestId('infeasible').textContent()).toContain(`infeasible · ${expected.reason}`);
    await screenshot(page, 'infeasible');
    await page.getByTestId('use-min-chips').click();
    await settled(page);
    await page.waitForSelector('[data-metric="tpotS"]');
    expect(await page.getByTestId('input-chips').inputValue()).toBe(String(expected.minChipsToFit));
    await page.close();
  });

  test('runs a sweep in the worker with progress, shows the frontier, exports it, and cancels', async () => {
    const page = await open();
    // Every batch to 4096: too big to re-run on each keystroke, so it waits for the button.
    await page.getByTestId('sweep-spacing').selectOption('all');
    await page.getByTestId('sweep-batch-max').fill('4096');
    await settled(page);
    const size = Number(await page.getByTestId('sweep-size').getAttribute('data-size'));
    expect(size).toBeGreaterThan(20_000);
    const started = Date.now();
    await page.getByTestId('sweep-run').click();
    await page.waitForSelector(`[data-testid="sweep-summary"][data-total="${size}"]`, { timeout: 120_000 });
    const summary = page.getByTestId('sweep-summary');
    const backend = await summary.getAttribute('data-backend');
    const elapsedMs = Number(await summary.getAttribute('data-elapsed-ms'));
    console.log(`sweep of ${size} configurations: ${elapsedMs.toFixed(0)} ms in the worker (${backend}), ${Date.now() - started} ms end to end`);
    await page.waitForSelector('#pareto-chart canvas');
    // Hovering the frontier shows a configuration.
    const frontier = await page.evaluate(() => {
      const app = (window as unknown as { ridgeline: { sweep: { result: { perChip: { frontier: { tokensPerSPerUser: number }[] }[] } } } }).ridgeline;
      return app.sweep.result.perChip[0]?.frontier.length ?? 0;
    });
    expect(frontier).toBeGreaterThan(3);
    // Sweep the pointer over the plot inside the page (one round trip) until a tooltip shows.
    const shown = await page.evaluate(() => {
      const over = document.querySelector<HTMLElement>('#pareto-chart .u-over');
      const tip = document.querySelector<HTMLElement>('#pareto-chart .chart-tooltip');
      if (over === null || tip === null) return false;
      const r = over.getBoundingClientRect();
      for (let x = 0.02; x < 0.98; x += 0.01) {
        for (let y = 0.02; y < 0.98; y += 0.015) {
          over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width * x, clientY: r.top + r.height * y, bubbles: true }));
          if (!tip.hidden && tip.textContent?.includes('on the frontier') === true) return true;
        }
      }
      return false;
    });
    expect(shown).toBe(true);
    expect(await page.locator('#pareto-chart .chart-tooltip').textContent()).toMatch(/chips \(tp \d+ · pp \d+\) · batch \d+/);
    await screenshot(page, 'sweep');
    await screenshotOf(page, '[data-testid="sweep"]', 'sweep-pareto');
    // The frontier as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvPath = join(ARTIFACTS, 'frontier.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('chip,chips,tp,pp,ep,batch,weights,kv_cache,tokens_per_s_per_user,tokens_per_s_per_chip,usd_per_million_output_tokens,output_tokens_per_s_per_provisioned_mw,ttft_s,tpot_s,memory_per_chip_bytes');
    expect(csv.length).toBeGreaterThan(4);
    // The chart as PNG and SVG.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pareto-png').click()]);
    await png.saveAs(join(ARTIFACTS, 'pareto-export.png'));
    expect(readFileSync(join(ARTIFACTS, 'pareto-export.png')).subarray(1, 4).toString()).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pareto-svg').click()]);
    await svg.saveAs(join(ARTIFACTS, 'pareto-export.svg'));
    expect(readFileSync(join(ARTIFACTS, 'pareto-export.svg'), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Tokens/s per provisioned MW as the vertical axis (InferenceX's view): the link, the rerun frontier and its words follow, then back.
    for (const [y, words] of [
      ['tokensPerSPerProvisionedMW', 'Frontier over tokens/s per user and per provisioned MW'],
      ['tokensPerSPerChip', 'Frontier over tokens/s per user and per chip'],
    ] as const) {
      await page.getByTestId('sweep-y').selectOption(y);
      await settled(page);
      await page.getByTestId('sweep-run').click();
      await page.waitForSelector(`[data-testid="sweep-summary"][data-total="${size}"]`, { timeout: 120_000 });
      expect(new URL(page.url()).hash).toContain(y === 'tokensPerSPerChip' ? 'sy=chip' : 'sy=mw');
      await page.getByText(words).first().waitFor({ state: 'attached' });
      const perMW = await page.evaluate(() => {
        const app = (window as unknown as { ridgeline: { sweep: { result: { perChip: { frontier: { tokensPerSPerProvisionedMW: number }[] }[] } } } }).ridgeline;
        return app.sweep.result.perChip[0]?.frontier.map((p) => p.tokensPerSPerProvisionedMW) ?? [];
      });
      expect(perMW.length).toBeGreaterThan(0);
      expect(perMW.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    // The dense preset: over a million configurations, on the WASM engine, in about a second.
    await page.getByTestId('sweep-dense').click();
    await settled(page);
    const dense = Number(await page.getByTestId('sweep-size').getAttribute('data-size'));
    expect(dense).toBeGreaterThan(1_000_000);
    const denseStarted = Date.now();
    await page.getByTestId('sweep-run').click();
    await page.waitForSelector(`[data-testid="sweep-summary"][data-total="${dense}"]`, { timeout: 120_000 });
    const denseMs = Number(await summary.getAttribute('data-elapsed-ms'));
    console.log(`dense sweep of ${dense} configurations: ${denseMs.toFixed(0)} ms in the worker (${await summary.getAttribute('data-backend')}), ${Date.now() - denseStarted} ms end to end`);
    expect(await summary.getAttribute('data-backend')).toBe('wasm');
    expect(await page.getByTestId('sweep-backend').textContent()).toBe('WASM engine');
    // Speed is measured and printed above, never asserted (a loaded machine is not a failure).
    expect(denseMs).toBeGreaterThan(0);
    await screenshotOf(page, '[data-testid="sweep"]', 'sweep-dense');
    // A sweep too big to wait for (every batch to 65,536, every PP dividing the 80 layers, every
    // weight and KV precision: about 10^9 configurations): progress shows, the page stays
    // responsive, and cancel stops the worker.
    await page.getByTestId('sweep-batch-max').fill('65536');
    await page.getByTestId('sweep-pp').fill('1, 2, 4, 5, 8, 10, 16, 20, 40, 80');
    await page.getByTestId('sweep-pp').dispatchEvent('change');
    for (const name of ['fp32', 'fp16', 'int8', 'fp4', 'int4']) {
      await page.getByTestId(`sweep-weights-${name}`).check();
      await page.getByTestId(`sweep-kvCache-${name}`).check();
    }
    await settled(page);
    expect(Number(await page.getByTestId('sweep-size').getAttribute('data-size'))).toBeGreaterThan(500_000_000);
    await page.getByTestId('sweep-run').click();
    await page.waitForSelector('[data-testid="sweep-progress"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="sweep-progress"]')?.getAttribute('data-done') ?? 0) > 0);
    // the page answers while the worker sweeps (a blocked main thread would not)
    expect(await page.evaluate(() => document.title)).toContain('Ridgeline');
    await screenshot(page, 'sweep-progress');
    await page.getByTestId('sweep-cancel').click();
    await page.waitForSelector('[data-testid="sweep-message"]');
    expect(await page.getByTestId('sweep-message').textContent()).toBe('Sweep cancelled.');
    // The last finished result stays on screen.
    expect(await summary.getAttribute('data-total')).toBe(String(dense));
    await page.close();
  });

  test('latency targets typed in the page give `ridgeline plan --json`’s first row, and Use applies it', async () => {
    const page = await open();
    // A malformed target marks its box and says what is allowed; nothing is planned from it.
    await page.getByTestId('plan-ttftS').fill('soon');
    await settled(page);
    expect(await page.getByTestId('plan-error-ttftS').textContent()).toBe('The TTFT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds); leave it empty for none.');
    expect(await page.getByTestId('plan-ttftS').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('plan-cli-command').count()).toBe(0);
    // Targets as a person types them, and the cost objective.
    await page.getByTestId('plan-ttftS').fill('1.5s');
    await page.getByTestId('plan-tpotS').fill('30ms');
    await page.getByTestId('plan-objective').selectOption('cost');
    await settled(page);
    const state: AppState = { ...DEFAULT_STATE, plan: { ...DEFAULT_PLAN, ttftS: 1.5, tpotS: 0.03, objective: 'cost' } };
    expect(new URL(page.url()).hash).toContain('&ttft=1.5s&tpot=30ms&obj=cost');
    await page.waitForSelector('[data-testid="plan"][data-status="done"][data-stale="false"]', { timeout: 60_000 });
    const panel = page.getByTestId('plan');
    console.log(`plan for ${await panel.getAttribute('data-chips')} chips: ${await panel.getAttribute('data-elapsed-ms')} ms in the worker`);
    const args = planArgs(state)!;
    expect(await page.getByTestId('plan-cli-command-text').textContent()).toBe(commandLine(['ridgeline', ...args]));
    const run = await cli([...args, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const results = (JSON.parse(run.stdout) as { results: { chip: string; meetsTargets: boolean; command: string[]; result: Record<string, unknown>; replicas: number }[] }).results;
    // One row per chip, in the CLI's order (best first).
    expect(await page.getByTestId('plan-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-chip'), r.getAttribute('data-meets')]))).toEqual(
      results.map((r) => [r.chip, String(r.meetsTargets)]),
    );
    const first = results[0]!;
    expect(first.meetsTargets).toBe(true);
    const flag = (name: string, fallback: string): string => {
      const i = first.command.indexOf(name);
      return i === -1 ? fallback : (first.command[i + 1] ?? '');
    };
    const row = page.getByTestId('plan-row').first();
    const cells = Object.fromEntries(
      await row.locator('[data-field]').evaluateAll((els) => els.map((el) => [el.getAttribute('data-field'), el.getAttribute('data-value') ?? (el.textContent ?? '').trim()])),
    ) as Record<string, string>;
    expect(cells).toEqual({
      chips: flag('--chips', ''),
      tp: flag('--tp', '1'),
      pp: flag('--pp', '1'),
      ep: flag('--ep', '1'),
      batch: flag('--batch', '1'),
      precision: `${flag('--weights', 'bf16')}/${flag('--kv', 'bf16')}/${flag('--activations', 'bf16')}`,
      ttftS: String(first.result['ttftS']),
      tpotS: String(first.result['tpotS']),
      tokensPerSPerChip: String(first.result['tokensPerSPerChip']),
      tokensPerSPerUser: String(first.result['tokensPerSPerUser']),
      costPerMillionTokensUsd: String(first.result['costPerMillionTokensUsd']),
    });
    expect(Number(cells['ttftS'])).toBeLessThanOrEqual(1.5);
    expect(Number(cells['tpotS'])).toBeLessThanOrEqual(0.03);
    expect(await page.getByTestId('plan-why').first().textContent()).toMatch(/^limited by: decode \w+-bound; a larger batch would /);
    // each row says how far its chip's TTFT and per-user figures have been off, as the CLI's result carries it
    const errorTexts = await page.getByTestId('plan-error').allTextContents();
    expect(errorTexts).toEqual(
      results.map((r) => {
        const e = (r.result['inputs'] as { efficiencies: { calibration?: { outOfSampleError?: { ttft?: number; interactivity: number } } } }).efficiencies.calibration?.outOfSampleError;
        if (e === undefined) return ' · no measured error for this chip';
        return ` · median error out of sample: ${e.ttft === undefined ? 'TTFT not measured' : `TTFT ${(e.ttft * 100).toFixed(1)}%`}, per user ${(e.interactivity * 100).toFixed(1)}%`;
      }),
    );
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshotOf(page, '[data-testid="plan"]', 'plan');
    // Use: the row becomes the page's configuration, and the estimate is the one the CLI printed for it.
    await row.getByTestId('plan-use').click();
    await settled(page);
    await page.waitForSelector('[data-metric="tpotS"]');
    expect(await page.getByTestId('input-chips').inputValue()).toBe(cells['chips']);
    expect(await page.getByTestId('input-batch').inputValue()).toBe(cells['batch']);
    const shown = await metrics(page);
    // a plan's results carry no `cost` (estimate --json adds it): its headline is the result's own
    for (const name of Object.keys(shown).filter((n) => !n.startsWith('compare.') && !n.startsWith('cost.'))) expect(shown[name]?.value, name).toBe(at(first.result, name));
    expect(shown['cost.usdPerMillionOutputTokens']?.value).toBe(at(first.result, 'costPerMillionTokensUsd'));
    await page.close();
  });

  test('a TTFT cap leaves the configurations above it out of the frontier, the cloud and the table', async () => {
    const page = await open();
    type Sweep = { status: string; ttftCapS: number | null; result: SweepResult | null };
    const sweep = (): Promise<Sweep> => page.evaluate(() => (window as unknown as { ridgeline: { sweep: Sweep } }).ridgeline.sweep);
    await page.waitForFunction(() => (window as unknown as { ridgeline: { sweep: Sweep } }).ridgeline.sweep.status === 'done');
    const before = (await sweep()).result!;
    const ttfts = before.perChip.flatMap((c) => c.frontier.map((p) => p.ttftS));
    // Uncapped, the frontier reaches first tokens far beyond a second.
    expect(ttfts.some((t) => t > 1)).toBe(true);
    expect(ttfts.some((t) => t <= 1)).toBe(true);
    await page.getByTestId('sweep-ttft-cap').fill('1s');
    await settled(page);
    expect(new URL(page.url()).hash).toContain('&sttft=1s');
    await page.waitForFunction(() => {
      const s = (window as unknown as { ridgeline: { sweep: Sweep } }).ridgeline.sweep;
      return s.status === 'done' && s.ttftCapS === 1;
    });
    const after = (await sweep()).result!;
    for (const [i, c] of after.perChip.entries()) {
      expect(c.feasible).toBe(before.perChip[i]?.feasible);
      expect(c.withinCap).toBeLessThanOrEqual(c.feasible);
      expect([...c.frontier, ...c.cloud].every((p) => p.ttftS <= 1)).toBe(true);
    }
    expect(after.perChip.some((c) => c.withinCap < c.feasible)).toBe(true);
    // The frontier points that met the cap before are still on it (a smaller set dominates less).
    for (const [i, c] of before.perChip.entries()) {
      const kept = new Set(after.perChip[i]?.frontier.map((p) => `${p.tp}/${p.pp}/${p.batch}`));
      for (const p of c.frontier.filter((q) => q.ttftS <= 1)) expect(kept.has(`${p.tp}/${p.pp}/${p.batch}`)).toBe(true);
    }
    expect(await page.getByTestId('sweep-hint').textContent()).toContain('TTFT cap 1.00 s: configurations whose first token takes longer are left out of the frontier, the dots and the table, as InferenceX plots only the points that meet its latency constraint.');
    expect(await page.getByTestId('sweep').textContent()).toContain('feasible within the cap');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshotOf(page, '[data-testid="sweep"]', 'sweep-ttft-cap');
    await page.getByTestId('frontier-table').locator('summary').click();
    const tableTtfts = await page.getByTestId('frontier-table').locator('tbody tr td:nth-child(6)').allTextContents();
    expect(tableTtfts.length).toBe(after.perChip.reduce((n, c) => n + c.frontier.length, 0));
    await page.close();
  });

  test('a disaggregated link shows its two pools, as estimateInference computes them, and the command with --prefill-*', async () => {
    // A mixed fleet: B200s prefill for Groq 3 LPUs decoding, whose scale-out figure is an estimate (a note).
    const state: AppState = {
      ...DEFAULT_STATE,
      hardware: 'nvidia-groq3-lpu',
      chips: 256,
      tp: 16,
      pp: 16,
      batch: 16,
      weights: 'fp8',
      kvCache: 'fp8',
      activations: 'fp8',
      disaggregation: { ...DEFAULT_DISAGGREGATION, prefillWorkers: 2, decodeWorkers: 2, prefillHardware: 'b200', prefillTp: 8 },
    };
    const page = await open(serialiseState(state));
    await page.getByTestId('two-pool').waitFor();
    expect(await page.getByTestId('url-problems').count()).toBe(0);
    expect(await page.getByTestId('headline').textContent()).toBe(
      `Llama 3.1 70B, disaggregated: 2 prefill × 8 ${findChip('b200')!.name} → 2 decode × 256 ${findChip('nvidia-groq3-lpu')!.name}`,
    );
    expect(await page.getByTestId('disaggregation-on').isChecked()).toBe(true);
    expect(await page.getByTestId('input-disaggregation.prefillWorkers').inputValue()).toBe('2');
    expect(await page.getByTestId('select-prefill-hardware').inputValue()).toBe('b200');
    // The command, with the --prefill-* flags, and every number against its --json (both pools' included).
    await expectSameAsCli(page, state);
    expect(await page.getByTestId('cli-command-text').textContent()).toBe(
      'ridgeline estimate --model llama-3.1-70b --hardware nvidia-groq3-lpu --chips 256 --tp 16 --pp 16 --batch 16 --weights fp8 --kv fp8 --activations fp8 --prefill-workers 2 --decode-workers 2 --prefill-tp 8 --prefill-hardware b200',
    );
    // The picture's figures are the model's, computed here in Node on the same configuration.
    const config = configFor(state, findModel('llama-3.1-70b')!, findChip('nvidia-groq3-lpu')!, findChip('b200')!);
    const pools = twoPools(estimateInference(config), config)!;
    const shown = Object.fromEntries(
      await page.getByTestId('two-pool').locator('[data-figure]').evaluateAll((els) => els.map((el) => [el.getAttribute('data-figure'), el.getAttribute('data-value')])),
    ) as Record<string, string>;
    const poolFigures = (p: TwoPools['prefill']) =>
      Object.fromEntries((['workers', 'chipsPerWorker', 'chips', 'chipName', 'layout', 'utilisation', 'timeS', 'bound'] as const).map((k) => [`${p.role}.${k}`, String(p[k])]));
    expect(shown).toEqual({
      requestsPerS: String(pools.requestsPerS),
      binds: pools.binds,
      ...poolFigures(pools.prefill),
      ...poolFigures(pools.decode),
      'link.bytes': String(pools.link.bytes),
      'link.seconds': String(pools.link.seconds),
      'link.kind': pools.link.kind,
      'promptPrefill.seconds': String(pools.promptPrefill.seconds),
      ...(pools.promptPrefill.prompts > 1 ? { 'promptPrefill.prompts': String(pools.promptPrefill.prompts) } : {}),
    });
    expect(pools.prefill.chipName).toBe(findChip('b200')!.name);
    // The pool that sets the rate is the one highlighted, and only it.
    expect(await page.locator('[data-testid="two-pool"] [data-binds="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')))).toEqual([pools.binds === 'kv-transfer' ? 'pool-link' : `pool-${pools.binds}`]);
    // The text alternative says the same in words, the model's note on the estimated link included.
    expect(await page.getByTestId('two-pool-words').locator('li').allTextContents()).toEqual(twoPoolsWords(pools));
    expect(pools.notes.length).toBe(1);
    // Prefill runs on another chip: the roofline is the decode chip's, decode operators only.
    expect(await page.getByTestId('roofline-card').textContent()).toContain('the prefill pool runs on another chip');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshot(page, 'disaggregated', { wholeSidebar: true });
    await screenshotOf(page, '[data-testid="disaggregation"]', 'disaggregation-controls');
    await screenshotOf(page, '[data-testid="two-pool"]', 'two-pool');
    // Typed: a worker count out of bounds is marked with the model's message, and no command is claimed for it.
    await page.getByTestId('input-disaggregation.decodeWorkers').fill('70000');
    await settled(page);
    expect(await page.getByTestId('field-error-disaggregation.decodeWorkers').textContent()).toBe('disaggregation.decodeWorkers must be an integer from 1 to 65536, got 70000');
    await page.getByTestId('input-disaggregation.decodeWorkers').fill('4');
    await settled(page);
    await page.getByTestId('two-pool').waitFor();
    const four: AppState = { ...state, disaggregation: { ...state.disaggregation!, decodeWorkers: 4 } };
    await expectCommandShown(page, four);
    expect(new URL(page.url()).hash).toContain('&pw=2&dw=4&phw=b200&ptp=8&');
    // Off: the decode workers become replicas again, the pools and the flags go.
    await page.getByTestId('disaggregation-on').uncheck();
    await settled(page);
    expect(await page.getByTestId('two-pool').count()).toBe(0);
    expect(await page.getByTestId('input-chips').inputValue()).toBe('1024');
    expect(new URL(page.url()).hash).not.toContain('pw=');
    expect(await page.getByTestId('cli-command-text').textContent()).not.toContain('--prefill');
    await page.close();
  });

  test('energy and cost panels: the CLI\'s figures, estimates labelled, the tco basis and PUE in the link; tokens per MW compared', async () => {
    const page = await open();
    await page.getByTestId('energy-panel').waitFor();
    const energy = await metrics(page, 'energy.');
    expect(Object.keys(energy).sort()).toEqual(
      ['chipJPerOutputToken', 'chipW', 'decodeChipW', 'facilityJPerOutputToken', 'facilityW', 'nodeJPerOutputToken', 'prefillChipW', 'provisionedFacilityW', 'tokensPerSPerProvisionedMW'].map((k) => `energy.${k}`),
    );
    for (const [name, m] of Object.entries(energy)) expect(Number.isFinite(m.value) && m.value > 0, `${name} = ${m.value}`).toBe(true);
    // 8 × H100 at (700 + 575) W × PUE 1.2
    expect(energy['energy.provisionedFacilityW']?.value).toBeCloseTo(12_240, 6);
    // H100's draw rests on an estimated static power; its provisioned power is sourced
    const rows = page.getByTestId('energy-panel').locator('tr');
    expect(await rows.filter({ has: page.locator('[data-metric="energy.chipW"]') }).getByTestId('estimate-label').count()).toBe(1);
    expect(await rows.filter({ has: page.locator('[data-metric="energy.tokensPerSPerProvisionedMW"]') }).getByTestId('estimate-label').count()).toBe(0);
    expect(await page.getByTestId('price-basis').textContent()).toBe('list');
    // The comparison: tokens per provisioned MW and facility J per token for every chip, finite;
    // the TPU's and the LPU's labelled estimates, and no badge where an estimate is compared
    const perMw = await page.$$eval('[data-metric="compare.energy.tokensPerSPerProvisionedMW"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    const perToken = await page.$$eval('[data-metric="compare.energy.facilityJPerOutputToken"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    // one per feasible column (an infeasible one says why instead)
    expect(perMw).toHaveLength(await page.locator('[data-testid="compare-col"]:not(.infeasible)').count());
    expect(perMw.length).toBeGreaterThanOrEqual(3);
    for (const x of [...perMw, ...perToken]) expect(Number.isFinite(x) && x > 0).toBe(true);
    const compare = page.getByTestId('compare');
    expect(await compare.getByTestId('estimate-label').count()).toBeGreaterThan(0);
    const perMwMetric = compare.locator('.cmp-metric', { has: page.locator('[data-metric="compare.energy.tokensPerSPerProvisionedMW"]') });
    expect(await perMwMetric.locator('.best-tag').count()).toBe(0);
    await screenshotOf(page, '[data-testid="energy-panel"]', 'energy-panel');
    // tco, a PUE and a utilization typed: the link and the CLI command carry them, the numbers follow
    await page.getByTestId('select-price-basis').selectOption('tco');
    await page.getByTestId('input-energy.pue').fill('1.3');
    await page.getByTestId('input-energy.utilization').fill('0.6');
    await settled(page);
    const tco: AppState = { ...DEFAULT_STATE, energy: { ...DEFAULT_STATE.energy, priceBasis: 'tco', pue: 1.3, utilization: 0.6 } };
    await expectSameAsCli(page, tco);
    expect(new URL(page.url()).hash).toContain('pue=1.3&pb=tco&util=0.6');
    expect(await page.getByTestId('price-basis').textContent()).toBe('tco');
    const cost = await metrics(page, 'cost.');
    for (const part of ['capital', 'power', 'facility']) expect(cost[`cost.breakdown.${part}`]?.value ?? 0).toBeGreaterThan(0);
    expect((await metrics(page, 'energy.'))['energy.provisionedFacilityW']?.value).toBeCloseTo(8 * 1275 * 1.3, 6);
    await screenshotOf(page, '[data-testid="cost-panel"]', 'cost-panel');
    // outside the CLI's bounds: the box says so, and nothing is computed from it
    await page.getByTestId('input-energy.pue').fill('11');
    await settled(page);
    expect(await page.getByTestId('field-error-energy.pue').textContent()).toBe('The PUE must be a number from 1 to 10.');
    await page.close();
  });

  test('a shared link opens the same configuration', async () => {
    const shared: AppState = { ...DEFAULT_STATE, model: { kind: 'catalog', id: 'llama-3.1-8b' }, hardware: 'h200', chips: 4, tp: 2, batch: 32, inputTokens: 4096, outputTokens: 512, weights: 'fp8', kvCache: 'fp8', compare: ['h200', 'b200'] };
    const page = await open(serialiseState(shared));
    await expect.poll(() => page.getByTestId('headline').textContent()).toBe('Llama 3.1 8B on 4 × NVIDIA H200 SXM 141GB');
    expect(await page.getByTestId('input-batch').inputValue()).toBe('32');
    expect(await page.getByTestId('select-weights').inputValue()).toBe('fp8');
    await expectSameAsCli(page, shared);
    expect(await page.getByTestId('compare-col').count()).toBe(2);
    // each compared chip shows its calibration status, its basis and measured error on hover
    const badges = page.getByTestId('calibration');
    expect(await badges.allTextContents()).toEqual(['fitted', 'fitted']);
    const b200Error = findChip('b200')!.efficiency.calibration!.outOfSampleError!.throughput;
    expect(await badges.nth(1).getAttribute('title')).toContain(`median |error| out of sample: throughput ${(b200Error * 100).toFixed(1)}%`);
    // time to first token's own error is on the badge, and the TTFT row's badge is weighed against it
    const ttftErrors = ['h200', 'b200'].map((id) => findChip(id)!.efficiency.calibration!.outOfSampleError!.ttft!);
    expect(await badges.nth(1).getAttribute('title')).toContain(`time to first token ${(ttftErrors[1]! * 100).toFixed(1)}%`);
    const ttfts = await page.$$eval('[data-metric="compare.ttftS"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    const ttftLead = Math.max(...ttfts) / Math.min(...ttfts) - 1;
    const ttftBadges = await page.locator('[data-metric="compare.ttftS"] + .best-tag').count();
    expect(ttftBadges).toBe(ttftLead > Math.max(...ttftErrors) ? 1 : 0);
    // at 2k input B200's TTFT leads by about 20%: beyond either chip's throughput error (8–11%),
    // within their TTFT errors (27–30%), so no badge on that row
    const shorter = await open(serialiseState({ ...shared, inputTokens: 2048 }));
    await shorter.getByTestId('compare').waitFor();
    const shorterTtfts = await shorter.$$eval('[data-metric="compare.ttftS"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    const shorterLead = Math.max(...shorterTtfts) / Math.min(...shorterTtfts) - 1;
    const throughputErrors = ['h200', 'b200'].map((id) => findChip(id)!.efficiency.calibration!.outOfSampleError!.throughput);
    expect(shorterLead).toBeGreaterThan(Math.max(...throughputErrors));
    expect(shorterLead).toBeLessThan(Math.max(...ttftErrors));
    expect(await shorter.locator('[data-metric="compare.ttftS"] + .best-tag').count()).toBe(0);
    await shorter.close();
    expect(await page.getByTestId('url-problems').count()).toBe(0);
    await screenshot(page, 'shared-link');
    await page.close();
    // TPU v6e is fitted to MaxText training MFU only, with no out-of-sample serving error: beside
    // it no lead is claimed, however large (compare-best.ts errorBound)
    const withTpu = await open(serialiseState({ ...shared, compare: ['b200', 'tpu-v6e'] }));
    await withTpu.getByTestId('compare').waitFor();
    expect(await withTpu.getByTestId('calibration').allTextContents()).toEqual(['fitted', 'fitted']);
    expect(await withTpu.getByTestId('calibration').nth(1).getAttribute('title')).not.toContain('out of sample');
    expect(await withTpu.getByTestId('compare').locator('.best-tag').count()).toBe(0);
    await withTpu.close();
  });

  test('a chip ahead of one whose datasheet dominates it gets a note: the lead is the fitted software\'s', async () => {
    // Llama 3.1 70B FP8 on one chip, batch 64, 8k in: B200's fitted profile serves more per chip than B300's,
    // though B300 is at least B200 on every datasheet figure
    const inverted: AppState = { ...DEFAULT_STATE, model: { kind: 'catalog', id: 'llama-3.1-70b' }, hardware: 'b200', chips: 1, tp: 1, batch: 64, inputTokens: 8192, outputTokens: 1024, weights: 'fp8', kvCache: 'fp8', compare: ['b200', 'b300'] };
    const page = await open(serialiseState(inverted));
    await expect.poll(() => page.getByTestId('compare-col').count()).toBe(2);
    const perChip = await page.$$eval('[data-metric="compare.tokensPerSPerChip"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    expect(perChip[0]).toBeGreaterThan(perChip[1]!);
    const note = page.getByTestId('compare-datasheet-note');
    expect(await note.count()).toBe(1);
    const text = (await note.textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('NVIDIA B200 serves more per chip here than NVIDIA B300, though NVIDIA B300\'s datasheet is at least NVIDIA B200\'s on every figure');
    expect(text).toContain('the lead comes from the efficiencies fitted on each chip\'s serving software');
    await screenshotOf(page, '[data-testid="compare"]', 'compare-datasheet-note');
    await page.close();
    // at batch 8 B300 serves at least B200's, the datasheets' order, and needs no note
    const ordered = await open(serialiseState({ ...inverted, batch: 8 }));
    await expect.poll(() => ordered.getByTestId('compare-col').count()).toBe(2);
    const orderedPerChip = await ordered.$$eval('[data-metric="compare.tokensPerSPerChip"]', (els) => els.map((el) => Number(el.getAttribute('data-value'))));
    expect(orderedPerChip[1]).toBeGreaterThanOrEqual(orderedPerChip[0]!);
    expect(await ordered.getByTestId('compare-datasheet-note').count()).toBe(0);
    await ordered.close();
  });

  test('a bad link shows what is wrong, and a working page', async () => {
    const page = await open('m=llama-9000&hw=h100-sxm&b=-3&w=fp12&cmp=h100-sxm,tpu-v99&zzz=1');
    const banner = page.getByTestId('url-problems');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('there is no model "llama-9000" in the catalog; showing llama-3.1-70b.');
    expect(text).toContain('the batch must be a whole number ≥ 1; using 64.');
    expect(text).toContain('the weight precision must be one of fp32, bf16, fp16, fp8, int8, fp4, int4; using bf16.');
    expect(text).toContain('(tpu-v99)');
    expect(text).toContain('"zzz"');
    // The rest of the page works, on the defaults.
    await expectSameAsCli(page, { ...DEFAULT_STATE, compare: ['h100-sxm'] });
    await screenshot(page, 'bad-link');
    // Not even a garbled fragment blanks the page.
    const garbled = await open('mc=%%%not-base64&hc=@@');
    expect(await garbled.getByTestId('url-problems').textContent()).toContain('damaged');
    await garbled.waitForSelector('[data-metric="tpotS"]');
    await garbled.close();
    await page.close();
  });

  test('a bad custom chip shows the CLI’s validation messages, word for word', async () => {
    const page = await open();
    await page.getByTestId('select-hardware').selectOption('custom');
    await page.getByTestId('custom-chip-form').waitFor();
    // Starts from the chip that was selected, valid.
    await settled(page);
    await page.getByTestId('custom-chip-ok').waitFor();
    await page.getByTestId('chip-capacity').fill('-80e9');
    await page.getByTestId('chip-bandwidth').fill('fast');
    await page.getByTestId('chip-id').fill('My Chip');
    await settled(page);
    const errors = page.getByTestId('custom-chip-errors');
    await errors.waitFor();
    const shown = ((await errors.textContent()) ?? '').trim();
    // The same plugin, as a file, through the CLI.
    const fields = await page.evaluate(() => (window as unknown as { ridgeline: { state: { customChip: Record<string, string> } } }).ridgeline.state.customChip);
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-chip-'));
    const file = join(dir, 'chip.json');
    writeFileSync(file, JSON.stringify(pluginFromFields(fields)));
    const run = await cli(['hardware', 'show', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(run.code).toBe(2);
    const message = run.stderr.replace(/^ridgeline: error: /, '').trimEnd();
    // the page lists the problems one per line, the CLI on its one error line: the same report
    const check = checkCustomChip(fields);
    if (check.ok) throw new Error('the custom chip should be invalid');
    expect(shown).toBe(check.report);
    const line = formatIssues(check.issues, CUSTOM_PLUGIN_NAME, { oneLine: true });
    expect(line.charAt(0).toLowerCase() + line.slice(1)).toBe(message);
    expect(shown).toContain(`Invalid hardware plugin "${CUSTOM_PLUGIN_NAME}": 3 problems`);
    expect(shown).toContain('memory.capacityBytes.value: must be greater than 0, got -80000000000');
    expect(shown).toContain('memory.bandwidthBytesPerS.value: must be a number, got "fast"');
    // The fields are marked, and the estimate says why it is waiting.
    expect(await page.locator('.field.invalid').count()).toBe(3);
    expect(await page.getByTestId('input-needed').textContent()).toContain('The custom chip is not valid yet: fix the fields marked in the form.');
    expect(await page.getByTestId('custom-chip-summary').textContent()).toBe('3 problems, marked below; the full report is on the right.');
    await screenshot(page, 'custom-chip-invalid', { wholeSidebar: true });
    await page.getByTestId('custom-chip-summary').scrollIntoViewIfNeeded();
    await screenshot(page, 'custom-chip-view', { fullPage: false });
    // Fixed, it estimates.
    await page.getByTestId('chip-capacity').fill('80e9');
    await page.getByTestId('chip-bandwidth').fill('3.35e12');
    await page.getByTestId('chip-id').fill('my-chip');
    await settled(page);
    await page.getByTestId('custom-chip-ok').waitFor();
    await page.waitForSelector('[data-metric="tpotS"]');
    // The command names ./chip.json; saved from the page next to it, it gives the page's numbers.
    const state = await page.evaluate(() => (window as unknown as { ridgeline: { state: AppState } }).ridgeline.state);
    expect(argsFor(state)).toContain('./chip.json');
    const saved = mkdtempSync(join(tmpdir(), 'ridgeline-cli-'));
    try {
      const [chipJson] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cli-command-file-chip.json').click()]);
      expect(chipJson.suggestedFilename()).toBe('chip.json');
      await chipJson.saveAs(join(saved, 'chip.json'));
      await expectSameAsCli(page, state, saved);
    } finally {
      rmSync(saved, { recursive: true, force: true });
    }
    await screenshotOf(page, '[data-testid="cli-command"]', 'cli-command-custom-chip');
    await page.close();
  });

  test('on a phone (375 × 667) the header’s controls are all in view and usable, and nothing widens the page', async () => {
    const page = await h.newPage();
    await page.setViewportSize({ width: 375, height: 667 });
    await page.goto(`${h.url}#${serialiseState({ ...DEFAULT_STATE, batch: 32 })}`);
    await page.waitForSelector('[data-metric="tpotS"]');
    await settled(page);
    const header = [page.getByTestId('view-inference'), page.getByTestId('view-training'), page.getByTestId('copy-link'), page.getByRole('button', { name: 'Reset', exact: true })];
    // Each control is inside the screen and is what a tap at its centre reaches (none sits under another).
    const reachable = async () =>
      Promise.all(
        header.map((control) =>
          control.evaluate((el) => {
            const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return { text: el.textContent?.trim(), inside: r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight, onTop: hit !== null && el.contains(hit), big: r.height >= 24 && r.width >= 44 };
          }),
        ),
      );
    for (const control of await reachable()) expect(control, control.text).toEqual({ text: control.text, inside: true, onTop: true, big: true });
    // Nothing wider than the screen, the tables of the closed sections included.
    const pageWidth = () =>
      page.evaluate(() => {
        for (const details of document.querySelectorAll('details')) details.open = true;
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth };
      });
    expect(await pageWidth()).toEqual({ scrollWidth: 375, innerWidth: 375 });
    await screenshot(page, 'phone', { fullPage: false });
    // The tabs switch the view, and the header stays usable in the training view.
    await page.getByTestId('view-training').click();
    await page.waitForSelector('#results[data-view="training"] [data-metric="stepTimeS"]');
    for (const control of await reachable()) expect(control.onTop, control.text).toBe(true);
    expect(await pageWidth()).toEqual({ scrollWidth: 375, innerWidth: 375 });
    await screenshot(page, 'phone-training', { fullPage: false });
    await page.getByTestId('view-inference').click();
    await page.waitForSelector('#results[data-view="inference"] [data-metric="tpotS"]');
    // Copy link answers, and Reset resets.
    await page.getByTestId('copy-link').click();
    await page.getByRole('status').waitFor();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await settled(page);
    expect(await page.getByTestId('input-batch').inputValue()).toBe(String(DEFAULT_STATE.batch));
    await page.close();
  });

  test('Inputs and sources and the custom-chip form give efficiencies with their units: η in %, t_layer as a time, curves as points', async () => {
    const page = await open();
    const model = findModel(DEFAULT_STATE.model.kind === 'catalog' ? DEFAULT_STATE.model.id : '')!;
    const chip = findChip(DEFAULT_STATE.hardware)!;
    const { calibration: _, expertFlopDerivedFrom: __, ...efficiencies } = estimateInference(configFor(DEFAULT_STATE, model, chip)).inputs.efficiencies;
    await page.locator('[data-testid="sources"] summary').click();
    const rows = await page.$$eval('[data-testid="sources"] tr[data-efficiency]', (trs) => trs.map((tr) => [tr.getAttribute('data-efficiency'), tr.querySelector('th')?.textContent ?? '', tr.querySelector('b')?.textContent ?? '']));
    expect(rows.map(([key, , value]) => [key, value])).toEqual(Object.entries(efficiencies).map(([key, e]) => [key, resolvedEfficiencyText(key, e.value)]));
    // The H100's, by hand: η_flop is a curve over arithmetic intensity; t_layer is no η.
    expect(Object.fromEntries(rows.map(([key, label, value]) => [key, `${label}: ${value}`]))).toEqual({
      flop: 'η_flop (of peak FLOP/s): 30.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B',
      // fitted at fp8 only: fp8's curve, times η_flop at bf16 over fp8 for large GEMMs (0.55 / 0.55)
      expertFlop: 'η_flop of expert GEMMs: 15.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B',
      memory: 'η_mem (of memory bandwidth; KV cache, routed experts): 80.0%',
      weightMemory: 'η_mem of dense weights (streamed): 90.0%',
      network: 'η_net (of link bandwidth): 82.0%',
      layerOverheadS: 't_layer (overhead per 9-kernel layer): 60.0 µs',
      // the serving fits hold the prefill overlap at 0: the stacks' collectives run on the critical path
      commOverlap: 'prefill comm overlap: 0.0%',
      // t_req fitted on H200's low-load TensorRT-LLM rows (H100 has none; the two are fitted as one die)
      requestOverheadS: 't_req (overhead per request, in TTFT): 100 ms',
    });
    const sources = (await page.getByTestId('sources').textContent()) ?? '';
    expect(sources).not.toMatch(/[{}[\]]|"curve"/);
    expect(sources).toContain('prefill 0.0% · decode 0.0%');
    // the H100's default stack, TensorRT-LLM, sizes its KV cache from the memory left free (docs/MODEL.md §4)
    expect(await page.getByTestId('kv-cache-budget').textContent()).toMatch(/^KV cache budget90\.0% of the memory left free after the weights, activations and the runtime's 989 MB — TensorRT-LLM documentation/);
    await screenshotOf(page, '[data-testid="sources"]', 'inputs-and-sources');
    // The custom-chip form, started from the H100: each fraction as a percentage, each time with its unit.
    await page.getByTestId('select-hardware').selectOption('custom');
    await page.getByTestId('custom-chip-ok').waitFor();
    const hint = (field: string) => page.getByTestId(`chip-${field}-hint`).textContent();
    expect(await hint('effFlop')).toMatch(/^\d+\.\d%$/);
    expect(await hint('effMemory')).toBe('80.0%');
    expect(await hint('effWeightMemory')).toBe('90.0%');
    expect(await hint('effNetwork')).toBe('82.0%');
    expect(await hint('layerOverhead')).toBe('60.0 µs');
    expect(await hint('commOverlap')).toBe('0.0%');
    expect(await hint('usable')).toMatch(/^\d+\.\d%$/);
    expect(await hint('upHop')).toMatch(/^[\d.]+ (ns|µs)$/);
    await page.getByTestId('chip-effFlop').fill('0.62');
    await page.getByTestId('chip-layerOverhead').fill('8e-6');
    expect(await hint('effFlop')).toBe('62.0%');
    expect(await hint('layerOverhead')).toBe('8.00 µs');
    await page.close();
  });

  test('a shared link never echoes a long value whole: 10,000 characters in a field show as a few dozen', async () => {
    const long = (c: string) => c.repeat(10_000);
    const fields = [`zz=${long('x')}`, `m=${long('y')}`, `cmp=h100-sxm,${long('z')}`, `${long('k')}=1`, `sw=${long('w')}`];
    const page = await open(`${fields.join('&')}&hw=custom&hc=${toBase64Url(JSON.stringify({ [long('f')]: '1' }))}`);
    const banner = page.getByTestId('url-problems');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('This link has 6 settings the page could not use.');
    expect(text).toContain(`zz=${'x'.repeat(ECHO_MAX_CHARS - 1)}…`);
    expect(text.length).toBeLessThan(3000);
    const shown = await page.evaluate(() => ({ text: document.body.innerText, scrollWidth: document.documentElement.scrollWidth, innerWidth, bannerWidth: document.querySelector('[data-testid="url-problems"]')?.getBoundingClientRect().width ?? 0 }));
    for (const c of 'xyzkwf') expect(shown.text, c).not.toContain(c.repeat(ECHO_MAX_CHARS + 1));
    expect(shown.scrollWidth).toBe(shown.innerWidth);
    expect(shown.bannerWidth).toBeLessThan(shown.innerWidth);
    await screenshot(page, 'long-link', { fullPage: false });
    await page.close();
  });

  test('a shared link with absurd fields shows a message and the page stays responsive', async () => {
    const llama = { architectures: ['LlamaForCausalLM'], hidden_size: 8192, intermediate_size: 28672, num_attention_heads: 64, num_key_value_heads: 8, num_hidden_layers: 80, vocab_size: 128256 };
    const config = (patch: Record<string, unknown>) => `mc=${toBase64Url(JSON.stringify({ ...llama, ...patch }))}`;
    const cases: [string, string][] = [
      [config({ num_hidden_layers: 1e12 }), 'config.json: "num_hidden_layers" must be at most 1e5'],
      [`v=train&${config({ num_hidden_layers: 1e12 })}`, 'config.json: "num_hidden_layers" must be at most 1e5'],
      [config({ num_attention_heads: 1e12, num_key_value_heads: 1e12, head_dim: 128 }), 'config.json: "num_attention_heads" must be at most 1e5'],
      [`b=1e300&n=-8&in=-1&${long('q')}`, 'the batch must be a whole number from 1 to 9,007,199,254,740,991; using 64.'],
      ['v=train&tn=1e300&ttok=-5&tseq=1e300', 'the training chip count must be a whole number from 1 to 9,007,199,254,740,991; using 1024.'],
    ];
    function long(c: string): string {
      return `${c}=${c.repeat(10_000)}`;
    }
    for (const [fragment, message] of cases) {
      const page = await h.newPage();
      // Not waiting for `load`: a frozen page never fires it, and the test should say what froze.
      await page.goto(`${h.url}#${fragment}`, { waitUntil: 'commit' });
      // At `commit` the document may have no body yet: the probe waits for one rather than throwing.
      const said = await page
        .waitForFunction((text) => document.body?.innerText.includes(text) ?? false, message, { timeout: 10_000 })
        .then(() => true, () => false);
      expect(said, `${fragment.slice(0, 60)}… shows "${message}" within 10 s`).toBe(true);
      expect(await page.evaluate(() => 1 + 1)).toBe(2);
      // a frozen main thread never answers: the evaluate above would hang until the test's timeout
      await page.close();
    }
  });

  test('the built site works from a sub-path of a plain static server', async () => {
    const host = await staticHost('/tools/ridgeline/');
    try {
      const page = await h.newPage();
      // Each step has its own bound, so a stall names the step; together they fit in the test's.
      await page.goto(`${host.url}#${serialiseState({ ...DEFAULT_STATE, hardware: 'tpu-v6e', chips: 8, tp: 8 })}`, { timeout: 40_000 });
      await page.waitForSelector('[data-metric="tpotS"]', { timeout: 40_000 });
      await expect.poll(() => page.getByTestId('headline').textContent()).toContain('Google Cloud TPU v6e');
      // The worker and its WASM engine load from the sub-path too.
      await page.waitForSelector('[data-testid="sweep-summary"][data-backend="wasm"]', { timeout: 40_000 });
      await page.close();
    } finally {
      await host.close();
    }
    // a function check, not a speed check: on a loaded 2-core machine (the engine's sweep tests run
    // beside these) a clean-clone run once hit the default 60 s here
  }, 150_000);

  test('no page raised an error', () => {
    expect(h.errors).toEqual([]);
  });
});
