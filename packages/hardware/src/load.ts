import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HardwarePlugin } from './types.ts';
import { assertHardware } from './validate.ts';

/** Options for `loadHardware`. */
export interface LoadHardwareOptions {
  /** Directory that relative paths and package names are resolved from; defaults to `process.cwd()`. */
  readonly cwd?: string;
}

/** Why a plugin could not be loaded. */
export type HardwareLoadFailure = 'not-found' | 'unreadable' | 'invalid-json' | 'import-failed';

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

/** The plugin a module exports: its default export (unwrapping CommonJS interop), else its `plugin` export. */
function unwrap(module: unknown): unknown {
  if (typeof module !== 'object' || module === null) return module;
  const exports = module as Record<string, unknown>;
  if (exports.default !== undefined) {
    const value = exports.default;
    // A CommonJS build of an ES module: module.exports = { __esModule: true, default: plugin }.
    if (typeof value === 'object' && value !== null && !('apiVersion' in value) && 'default' in value) {
      return (value as { default: unknown }).default;
    }
    return value;
  }
  if (exports.plugin !== undefined) return exports.plugin;
  return module;
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

async function importModule(specifier: string, file: string): Promise<unknown> {
  try {
    return unwrap(await import(/* @vite-ignore */ pathToFileURL(file).href));
  } catch (error) {
    throw new HardwareLoadError(
      specifier,
      'import-failed',
      `Cannot load hardware plugin "${specifier}": importing ${file} failed (${messageOf(error)}). Fix: run \`node ${file}\` to see the error in the module.`,
      { cause: error },
    );
  }
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
 * Modules may export the plugin as `default` or as `plugin`. Throws `HardwareLoadError` when the
 * plugin cannot be found, read or imported, and `HardwareValidationError` when it is invalid.
 * Node only: import it from `@ridgeline/hardware/node`.
 *
 * @example
 * import { loadHardware } from '@ridgeline/hardware/node';
 * const plugin = await loadHardware('./acme-chips.json');
 * const other = await loadHardware('ridgeline-hardware-acme', { cwd: '/path/to/project' });
 */
export async function loadHardware(specifier: string, options: LoadHardwareOptions = {}): Promise<HardwarePlugin> {
  const cwd = options.cwd ?? process.cwd();
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
      plugin = await importModule(specifier, file);
    }
  } else {
    const file = resolvePackage(specifier, cwd);
    plugin = /\.json$/i.test(file) ? await readJson(specifier, file, cwd) : await importModule(specifier, file);
  }
  return assertHardware(plugin);
}
