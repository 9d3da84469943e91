import { basename, dirname } from 'node:path';
import { expect, test } from 'vitest';
import { findChromium, machineLookup } from './chromium.ts';
import { settled, startHarness } from './support.ts';

/**
 * On a machine without a browser, the end-to-end tests fall back to the Chromium that
 * `@sparticuz/chromium` installs from the npm registry. This machine has one, so the lookup is
 * told there is none (no RIDGELINE_CHROMIUM, nothing executable at the usual places or on PATH) and
 * the npm build runs the built site headless with playwright-core: the estimate, and the worker
 * with its WebAssembly engine.
 *
 * The package ships a Linux x64 build only; elsewhere there is nothing to run it on.
 */
test.runIf(process.platform === 'linux' && process.arch === 'x64')('with no system browser, the npm-installed Chromium runs the site headless', async () => {
  const { npmChromium } = machineLookup();
  const browser = await findChromium({ env: { PATH: '' }, platform: process.platform, homeDir: '/nonexistent', isExecutable: () => false, npmChromium });
  expect(browser.source).toBe('npm');
  const h = await startHarness({ browser });
  try {
    const page = await h.newPage();
    await page.goto(h.url);
    await page.waitForSelector('[data-metric="tpotS"]');
    await settled(page);
    // The package's major version is its Chromium's (143.0.4 ships Chromium 143), unlike the system's.
    const major = basename(dirname(browser.executablePath)).split('.')[0];
    expect(await page.evaluate(() => navigator.userAgent)).toContain(`HeadlessChrome/${major}.`);
    await page.waitForSelector('[data-testid="sweep-summary"][data-backend="wasm"]');
    await page.close();
    expect(h.errors).toEqual([]);
  } finally {
    await h.close();
  }
});
