import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importModuleData } from '@ridgeline/hardware/node';
import { quoted, UserError } from './errors.ts';
import { pluginImportTimeoutMs } from './import-timeout.ts';
import { didYouMean } from './suggest.ts';

/**
 * The contents of a `ridgeline.config.*` file.
 *
 * @example
 * // ridgeline.config.json
 * // { "plugins": ["@acme/ridgeline-hardware", "./chips/acme-x2.js"] }
 * const config: RidgelineConfig = { plugins: ['@acme/ridgeline-hardware', './chips/acme-x2.js'] };
 */
export interface RidgelineConfig {
  /**
   * Hardware plugins whose chips every command can name by id: package names (resolved from the
   * config's directory, as your own code would resolve them) or paths relative to it.
   */
  readonly plugins?: readonly string[];
}

/** A config file found and read. */
export interface LoadedConfig {
  /** The file name, e.g. `ridgeline.config.json`; messages name it. */
  readonly file: string;
  /** Its directory, which relative plugin paths resolve from. */
  readonly dir: string;
  readonly config: RidgelineConfig;
}

/**
 * Config file names, in the order they are looked for. Exactly one may exist. The TypeScript
 * forms load only on a Node.js that strips types natively (22.18+, 23.6+); elsewhere the user is
 * told to write `.js`/`.mjs`/`.json` instead.
 *
 * @example
 * CONFIG_FILES[0]; // 'ridgeline.config.json'
 */
export const CONFIG_FILES: readonly string[] = [
  'ridgeline.config.json',
  'ridgeline.config.js',
  'ridgeline.config.mjs',
  'ridgeline.config.cjs',
  'ridgeline.config.ts',
  'ridgeline.config.mts',
  'ridgeline.config.cts',
];

/** The keys a config may have, each with what it must be. Add new keys (and their checks) here. */
const KEYS: Readonly<Record<keyof RidgelineConfig, string>> = {
  plugins: 'a list of hardware plugin package names or paths, e.g. ["@acme/ridgeline-hardware", "./chips/acme-x2.js"]',
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * Whether this Node.js imports `.ts` files without a loader (type stripping, on by default from
 * Node.js 22.18 and 23.6).
 *
 * @example
 * stripsTypes(); // false on Node.js 20
 */
export function stripsTypes(): boolean {
  const features = process.features as unknown as Record<string, unknown>;
  return features['typescript'] === 'strip' || features['typescript'] === 'transform';
}

async function importConfig(file: string, path: string): Promise<unknown> {
  if (/\.[cm]?ts$/.test(file) && !stripsTypes()) {
    const js = file.replace(/\.([cm]?)ts$/, '.$1js');
    throw new UserError(
      `cannot load ${file}: Node.js ${process.version} cannot import TypeScript without a loader; write ${js} (or ridgeline.config.json) instead, or compile ${file} to ${js}`,
    );
  }
  // in a worker with a time limit, as plugins are: a config module that loops at import must not hang the CLI
  let value: unknown;
  try {
    value = await importModuleData(path, pluginImportTimeoutMs());
  } catch (error) {
    throw new UserError(`cannot load ${file}: ${messageOf(error)}`, { cause: error });
  }
  if (value === null || value === undefined) throw new UserError(`${file}: default export is ${String(value)}`);
  return value;
}

async function readConfigFile(file: string, path: string): Promise<unknown> {
  if (!file.endsWith('.json')) return importConfig(file, path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
}

/** Checks the shape of a config, one clear message for the first problem. */
function checkConfig(file: string, value: unknown): RidgelineConfig {
  if (!isRecord(value)) {
    throw new UserError(`${file} must hold an object such as { "plugins": ["@acme/ridgeline-hardware"] }, got ${describe(value)}`);
  }
  const allowed = Object.keys(KEYS);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new UserError(`${file}: unknown key ${quoted(key)}.${didYouMean(key, allowed)} Allowed keys: ${allowed.join(', ')}`);
    }
  }
  const plugins = value['plugins'];
  if (plugins === undefined) return {};
  if (!Array.isArray(plugins)) {
    throw new UserError(`${file}: "plugins" must be ${KEYS.plugins}, got ${describe(plugins)}`);
  }
  plugins.forEach((p: unknown, i) => {
    if (typeof p !== 'string' || p.trim() === '') {
      throw new UserError(`${file}: plugins[${i}] must be a non-empty string (a package name or path), got ${describe(p)}`);
    }
  });
  return { plugins: plugins.map((p: string) => p.trim()) };
}

/**
 * Finds and reads the `ridgeline.config.*` file of `cwd` (not of its parents): `undefined` when
 * there is none. Throws `UserError` when two exist, when the file cannot be read, parsed or
 * imported, or when its contents are not a config.
 *
 * @example
 * const loaded = await loadConfig(process.cwd());
 * loaded?.config.plugins; // ['@acme/ridgeline-hardware']
 */
export async function loadConfig(cwd: string): Promise<LoadedConfig | undefined> {
  let entries: string[];
  try {
    entries = await readdir(cwd);
  } catch {
    return undefined;
  }
  const found = CONFIG_FILES.filter((name) => entries.includes(name));
  if (found.length > 1) {
    throw new UserError(`found ${found.join(' and ')} in ${cwd}; keep one of them`);
  }
  const [file] = found;
  if (file === undefined) return undefined;
  const value = await readConfigFile(file, join(cwd, file));
  return { file, dir: cwd, config: checkConfig(file, value) };
}
