import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HardwarePlugin } from './types.ts';
import { assertHardware } from './validate.ts';

/** Options for `loadHardware`. */
export interface LoadHardwareOptions {
  /** Directory that relative paths and package names are resolved from; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /**
   * How long importing a plugin module may take, in milliseconds; default `DEFAULT_IMPORT_TIMEOUT_MS`.
   * A module that loops or waits at import is stopped then, with `HardwareLoadError` (`import-timed-out`).
   */
  readonly importTimeoutMs?: number;
}

/**
 * The default time a plugin module may take to import: 10 s. A plugin is data; importing one
 * takes milliseconds, so a module still running after 10 s loops or waits.
 */
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/** Why a plugin could not be loaded. */
export type HardwareLoadFailure = 'not-found' | 'unreadable' | 'invalid-json' | 'import-failed' | 'import-timed-out';

/**
 * A plugin that could not be found, read, parsed or imported. `message` names the specifier and the
 * cause and ends with a fix, ready to print without a stack; the underlying error is in `cause`.
 * (A plugin that loads but is invalid throws `HardwareValidationError` instead.)
 *
 * @example
 * try {
 *   await loadHardware('./acme.json');
 * } catch (error) {
 *   if (error instanceof HardwareLoadError) console.error(error.message);
 * }
 */
export class HardwareLoadError extends Error {
  override readonly name: string = 'HardwareLoadError';
  /** The specifier as given to `loadHardware`. */
  readonly specifier: string;
  readonly reason: HardwareLoadFailure;
  constructor(specifier: string, reason: HardwareLoadFailure, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.specifier = specifier;
    this.reason = reason;
  }
}

/** A path rather than a package name: relative, absolute, or named by a plugin file extension. */
function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || /\.(?:json|[cm]?js)$/i.test(specifier);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * The worker that imports a plugin module. The import runs in its own thread so that a module that
 * loops at import (which would block this thread and any timer in it) can be stopped. It posts the
 * plugin back as plain data (structured clone): its default export (unwrapping CommonJS interop: a
 * build of an ES module sets module.exports = { __esModule: true, default: plugin }), else its
 * `plugin` export, else the module's exports.
 */
const IMPORT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
function unwrap(module) {
  if (typeof module !== 'object' || module === null) return module;
  if (module.default !== undefined) {
    const value = module.default;
    if (typeof value === 'object' && value !== null && !('apiVersion' in value) && 'default' in value) return value.default;
    return value;
  }
  if (module.plugin !== undefined) return module.plugin;
  return { ...module };
}
import(workerData.url).then(
  (module) => {
    try {
      parentPort.postMessage({ ok: true, plugin: unwrap(module) });
    } catch (error) {
      parentPort.postMessage({ ok: false, message: 'it exports something other than plain data (' + (error && error.message) + ')' });
    }
  },
  (error) => parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
);
`;

type WorkerReply = { readonly ok: true; readonly plugin: unknown } | { readonly ok: false; readonly message: string };

/** Modules imported so far, by URL: an import is cached, as `import()` caches a module. */
const imported = new Map<string, Promise<WorkerReply | 'timed-out'>>();

/** Ridgeline's own export condition, which points its packages at their TypeScript sources. */
const SOURCE_CONDITION = '@ridgeline/source';

/**
 * This process's Node options for the worker, less Ridgeline's source condition: the monorepo's
 * test runner passes it on, and a plugin must resolve @ridgeline/hardware as a user's project does,
 * to its build (Node cannot import the TypeScript sources).
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if ((arg === '--conditions' || arg === '-C') && argv[i + 1] === SOURCE_CONDITION) {
      i += 1;
      continue;
    }
    if (arg === `--conditions=${SOURCE_CONDITION}` || arg === `-C=${SOURCE_CONDITION}`) continue;
    out.push(arg);
  }
  return out;
}

function importInWorker(url: string, timeoutMs: number): Promise<WorkerReply | 'timed-out'> {
  return new Promise((resolvePromise) => {
    const worker = new Worker(IMPORT_WORKER, { eval: true, workerData: { url }, execArgv: workerExecArgv() });
    const settle = (reply: WorkerReply | 'timed-out'): void => {
      clearTimeout(timer);
      resolvePromise(reply);
      void worker.terminate();
    };
    const timer = setTimeout(() => settle('timed-out'), timeoutMs);
    worker.once('message', (reply: WorkerReply) => settle(reply));
    worker.once('error', (error) => settle({ ok: false, message: messageOf(error) }));
    worker.once('exit', (code) => settle({ ok: false, message: `the module exited (code ${code}) before exporting a plugin` }));
  });
}

/**
 * A module's exported data, imported in a worker thread so that a module that loops or waits at
 * import is stopped after `timeoutMs` (as plugins are): its default export (CommonJS interop
 * unwrapped), else its `plugin` export, else its exports. Throws an `Error` whose message says what
 * went wrong (`did not finish within …`, or the module's own error), for the caller to wrap.
 *
 * @example
 * const config = await importModuleData('/repo/ridgeline.config.mjs', 10_000); // { plugins: [...] }
 */
export async function importModuleData(file: string, timeoutMs: number = DEFAULT_IMPORT_TIMEOUT_MS): Promise<unknown> {
  const outcome = await importInWorker(pathToFileURL(file).href, timeoutMs);
  if (outcome === 'timed-out') {
    throw new Error(`importing ${file} did not finish within ${timeoutMs / 1000} s (does the module loop or wait at import?); run \`node ${file}\` to see where it stops`);
  }
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.plugin;
}

async function readJson(specifier: string, file: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(specifier, file, error, cwd);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HardwareLoadError(
      specifier,
      'invalid-json',
      `Cannot load hardware plugin "${specifier}": ${file} is not valid JSON (${messageOf(error)}). Fix: correct the JSON syntax there.`,
      { cause: error },
    );
  }
}

function fileError(specifier: string, file: string, error: unknown, cwd: string): HardwareLoadError {
  if (codeOf(error) === 'ENOENT') {
    return new HardwareLoadError(
      specifier,
      'not-found',
      `Cannot load hardware plugin "${specifier}": no file at ${file}. Fix: check the path (relative paths are resolved from ${cwd}).`,
      { cause: error },
    );
  }
  return new HardwareLoadError(
    specifier,
    'unreadable',
    `Cannot load hardware plugin "${specifier}": cannot read ${file} (${messageOf(error)}). Fix: check that it is a readable file.`,
    { cause: error },
  );
}

async function importModule(specifier: string, file: string, timeoutMs: number): Promise<unknown> {
  const url = pathToFileURL(file).href;
  let reply = imported.get(url);
  if (reply === undefined) {
    reply = importInWorker(url, timeoutMs);
    imported.set(url, reply);
  }
  const outcome = await reply;
  if (outcome === 'timed-out') {
    // a later attempt may find the module changed
    imported.delete(url);
    throw new HardwareLoadError(
      specifier,
      'import-timed-out',
      `Cannot load hardware plugin "${specifier}": importing ${file} did not finish within ${timeoutMs / 1000} s (does the module loop or wait at import?). Fix: a plugin module should only export its data; run \`node ${file}\` to see where it stops.`,
    );
  }
  if (!outcome.ok) {
    imported.delete(url);
    throw new HardwareLoadError(
      specifier,
      'import-failed',
      `Cannot load hardware plugin "${specifier}": importing ${file} failed (${outcome.message}). Fix: run \`node ${file}\` to see the error in the module.`,
      { cause: new Error(outcome.message) },
    );
  }
  return outcome.plugin;
}

/** Resolves a package name the way the user's own code would, from `cwd` (as changesets loads its plugins). */
function resolvePackage(specifier: string, cwd: string): string {
  try {
    return createRequire(join(cwd, 'noop.js')).resolve(specifier);
  } catch (error) {
    const notFound = codeOf(error) === 'MODULE_NOT_FOUND';
    throw new HardwareLoadError(
      specifier,
      notFound ? 'not-found' : 'unreadable',
      notFound
        ? `Cannot load hardware plugin "${specifier}": no package "${specifier}" is installed where ${cwd} can see it. Fix: install it (pnpm add ${specifier}), or pass a path to the plugin file.`
        : `Cannot load hardware plugin "${specifier}": package "${specifier}" cannot be resolved from ${cwd} (${messageOf(error)}). Fix: check the package's "exports", or pass a path to the plugin file.`,
      { cause: error },
    );
  }
}

/**
 * Loads and validates a hardware plugin from a file or an installed package.
 *
 * - A path (starting with `.` or `/`, or ending in `.json`, `.js`, `.mjs`, `.cjs`) is resolved
 *   against `cwd`; `.json` files are read and parsed, scripts are imported.
 * - Anything else is a package name, resolved from `cwd` like the user's own code would, and imported.
 *
 * Modules may export the plugin as `default` or as `plugin`; a module is imported in a worker
 * thread and stopped if it has not finished within `importTimeoutMs` (it must export plain data).
 * Throws `HardwareLoadError` when the plugin cannot be found, read or imported in time, and
 * `HardwareValidationError` when it is invalid.
 * Node only: import it from `@ridgeline/hardware/node`.
 *
 * @example
 * import { loadHardware } from '@ridgeline/hardware/node';
 * const plugin = await loadHardware('./acme-chips.json');
 * const other = await loadHardware('ridgeline-hardware-acme', { cwd: '/path/to/project' });
 */
export async function loadHardware(specifier: string, options: LoadHardwareOptions = {}): Promise<HardwarePlugin> {
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS;
  let plugin: unknown;
  if (isPath(specifier)) {
    const file = resolve(cwd, specifier);
    if (/\.json$/i.test(file)) {
      plugin = await readJson(specifier, file, cwd);
    } else {
      try {
        await stat(file);
      } catch (error) {
        throw fileError(specifier, file, error, cwd);
      }
      plugin = await importModule(specifier, file, timeoutMs);
    }
  } else {
    const file = resolvePackage(specifier, cwd);
    plugin = /\.json$/i.test(file) ? await readJson(specifier, file, cwd) : await importModule(specifier, file, timeoutMs);
  }
  return assertHardware(plugin);
}
