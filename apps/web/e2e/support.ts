import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runCli } from 'ridgeline';
import { preview, type PreviewServer } from 'vite';
import { findChromium, type FoundChromium } from './chromium.ts';

/** apps/web */
export const APP_DIR: string = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Screenshots and downloads of the run: test artifacts, gitignored. */
export const ARTIFACTS: string = join(APP_DIR, 'test-results');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The built site served by `vite preview` on 127.0.0.1, and a Chromium with a fresh profile. */
export interface Harness {
  readonly url: string;
  readonly context: BrowserContext;
  /** Uncaught errors and console errors of every page, to assert none at the end. */
  readonly errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serves `dist/` (built by turbo's `build`, which `test` depends on) and starts Chromium (`browser`,
 * else the one `findChromium` finds). Fails with the fix when either is missing: this test skips
 * nothing.
 */
export async function startHarness(options: { readonly browser?: FoundChromium } = {}): Promise<Harness> {
  if (!existsSync(join(APP_DIR, 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `pnpm --filter @ridgeline/web build` first (turbo runs it before `test`).');
  }
  const browser = options.browser ?? (await findChromium());
  mkdirSync(ARTIFACTS, { recursive: true });
  const server: PreviewServer = await preview({
    root: APP_DIR,
    configFile: join(APP_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a local URL');
  const profile = mkdtempSync(join(tmpdir(), 'ridgeline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.executablePath,
    // Without `env` the browser gets this process's environment; the npm build adds its libraries.
    ...(Object.keys(browser.env).length === 0 ? {} : { env: { ...definedEnv(), ...browser.env } }),
    headless: true,
    // The pages' numbers are checked as en-US text. Left to the environment, Chrome's headless shell
    // under LANG=C.UTF-8 reports navigator.language "en-US@posix", which uPlot hands to
    // Intl.NumberFormat as it loads: "Invalid language tag", and the page never starts.
    locale: 'en-US',
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  const errors: string[] = [];
  return {
    url,
    context,
    errors,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** This process's environment without its unset variables (which a child's environment cannot hold). */
function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Runs the CLI in-process; stdout, stderr and the exit code. */
export async function cli(args: readonly string[], cwd = APP_DIR): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

/** Every `[data-metric]` on the page: raw value and displayed text, by name. */
export async function metrics(page: Page, prefix = ''): Promise<Record<string, { value: number; text: string }>> {
  return page.$$eval(
    '[data-metric]',
    (els, prefix) =>
      Object.fromEntries(
        els
          .filter((el) => (el.getAttribute('data-metric') ?? '').startsWith(prefix))
          .map((el) => [el.getAttribute('data-metric') ?? '', { value: Number(el.getAttribute('data-value')), text: (el.textContent ?? '').trim() }]),
      ),
    prefix,
  );
}

/** A dotted path (`mfu.prefill`) of a JSON object. */
export function at(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
}

/** Waits until the page has recomputed after the last input (the debounce has fired). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#results')?.getAttribute('data-busy') === 'false');
}

/** A full-page screenshot into test-results/. */
export async function screenshot(page: Page, name: string, options: { wholeSidebar?: boolean; fullPage?: boolean } = {}): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  // The sidebar scrolls on its own; to show all of it (a long form), let it grow for the shot.
  const style = options.wholeSidebar === true ? await page.addStyleTag({ content: '.controls { position: static !important; max-height: none !important; }' }) : null;
  // From the top, so the sticky header and sidebar sit where a person sees them.
  await page.evaluate(() => window.scrollTo(0, 0));
  await withCaptureRetry(() => page.screenshot({ path, fullPage: options.fullPage ?? true }), () => nextFrames(page));
  await style?.evaluate((el) => (el as Element).remove());
  return path;
}

/** A screenshot of one part of the page (a chart card, the comparison) into test-results/. */
export async function screenshotOf(page: Page, selector: string, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  const element = page.locator(selector).first();
  // The sticky header would cover the top of the element once scrolled; unstick it for the shot.
  const style = await page.addStyleTag({ content: '.topbar { position: static !important; }' });
  await element.scrollIntoViewIfNeeded();
  await withCaptureRetry(() => element.screenshot({ path }), () => nextFrames(page));
  await style.evaluate((el) => (el as Element).remove());
  return path;
}

/**
 * Headless Chromium sometimes answers a capture with "Unable to capture screenshot" when the
 * compositor has no frame ready (seen once in CI while the validation suite held both cores). The
 * picture is an artifact, not an assertion, so the shot is taken again after the next frames; any
 * other error, or a third refusal, still fails the test.
 */
export async function withCaptureRetry<T>(capture: () => Promise<T>, waitForFrames: () => Promise<void>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await capture();
    } catch (error) {
      if (attempt >= attempts || !/Unable to capture screenshot/.test(String(error))) throw error;
      await waitForFrames();
    }
  }
}

/** Two animation frames and a quarter second: time for the compositor to produce a frame. */
async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.waitForTimeout(250);
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * The plainest static host: files of `dist/` under a sub-path (`/some/where/`), no rewrites, no
 * special headers. The built site must work there as it is.
 */
export async function staticHost(prefix: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = join(APP_DIR, 'dist');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    const file = normalize(join(root, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    // The browser may keep a connection open (keep-alive, a worker's fetch): close() alone would
    // wait for it, so the test would hang until its timeout. Drop them all first.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
