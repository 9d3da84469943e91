import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, fromHuggingFaceConfig, getModel } from '@ridgeline/catalog';
import { formatIssues, HardwareValidationError, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';
import { DEFAULT_IMPORT_TIMEOUT_MS, HardwareLoadError, loadHardware } from '@ridgeline/hardware/node';
import type { ModelSpec } from '@ridgeline/model';
import {
  chipOfPlugin,
  findChip,
  FIRST_PARTY_PLUGINS,
  isPluginSpecifier,
  quoted,
  registerPlugins,
  ResolveError,
  unknownHardware,
  unknownModel,
  type PluginSource,
} from '../resolve.ts';

/**
 * Whether a model value is a path to a Hugging Face `config.json` (or its directory) rather than a
 * catalog id.
 *
 * @example
 * isConfigPath('./llama/config.json'); // true
 * isConfigPath('llama-3.1-70b'); // false
 */
export function isConfigPath(value: string): boolean {
  return /[\\/]/.test(value) || value.startsWith('.') || /\.json$/i.test(value);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readConfig(value: string, cwd: string): Promise<{ readonly path: string; readonly text: string }> {
  let path = resolve(cwd, value);
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'config.json');
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new ResolveError(`cannot read model config ${quoted(value)}: ${why}`, { cause: error });
  }
}

/** A readable id for a config read from disk: its directory's name for `…/config.json`, else the file's stem. */
function idFromPath(path: string): string {
  const file = basename(path);
  const stem = /^config\.json$/i.test(file) ? basename(dirname(path)) : file.replace(/\.json$/i, '');
  const id = stem.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? 'custom-model' : id;
}

/** ConfigError issues start with `config.json:`; say which file instead, every issue on one line. */
function configProblems(name: string, error: ConfigError): string {
  const problems = error.issues.map((issue) => issue.message.replace(/^config\.json:\s*/, ''));
  if (problems.length <= 1) return `model config ${quoted(name)}: ${problems[0] ?? error.message}`;
  return `model config ${quoted(name)} has ${problems.length} problems: ${problems.join('; ')}`;
}

/** `org/name`: a Hugging Face repository id, which reads like a relative path. */
const REPOSITORY_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * Resolves a model value as `ridgeline` takes it (`--model`, a sweep spec's `models`): a catalog id
 * or alias (case-insensitive), a Hugging Face repository id the catalog knows
 * (`meta-llama/Llama-3.1-70B`, resolved without network), or a path to a Hugging Face
 * `config.json` (or a directory holding one) relative to `baseDir`. Throws `ResolveError` for an
 * unknown id (with the nearest ids), a missing or unreadable file, invalid JSON, or a config the
 * reader rejects; `what` names the value in the message for an empty one.
 *
 * @example
 * (await resolveModelRef('llama-3.1-70b', process.cwd())).layers; // 80
 */
export async function resolveModelRef(value: string, baseDir: string, what = 'a model'): Promise<ModelSpec> {
  const name = value.trim();
  if (name === '') throw new ResolveError(`${what} needs a model id (e.g. llama-3.1-70b) or a path to a config.json`);
  // A Hugging Face repository id (meta-llama/Llama-3.1-70B) looks like a path; the catalog knows it.
  const known = getModel(name);
  if (known !== undefined && !(await exists(resolve(baseDir, name)))) return known;
  if (!isConfigPath(name)) throw unknownModel(name);
  if (REPOSITORY_ID.test(name) && !/\.json$/i.test(name) && !(await exists(resolve(baseDir, name)))) {
    throw unknownModel(name, ': no catalog model or alias has that Hugging Face id (there is no download), and no config.json is at that path');
  }
  const { path, text } = await readConfig(name, baseDir);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ResolveError(`model config ${quoted(name)} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  try {
    return fromHuggingFaceConfig(json, { id: idFromPath(path) });
  } catch (error) {
    if (error instanceof ConfigError) throw new ResolveError(configProblems(name, error), { cause: error });
    throw error;
  }
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Options for `loadPlugin`. */
export interface LoadPluginOptions {
  /** Prefixes the message of a failure (e.g. `ridgeline.config.json: `). */
  readonly where?: string;
  /** How long the module may take to import (default `DEFAULT_IMPORT_TIMEOUT_MS`, 10 s). */
  readonly importTimeoutMs?: number;
}

/**
 * Loads and validates one hardware plugin (a path or a package, resolved from `cwd`) with
 * `@ridgeline/hardware/node`. Throws `ResolveError` with the loader's or validator's one-line message.
 *
 * @example
 * (await loadPlugin('./acme.json', process.cwd())).meta.name; // 'acme-chips'
 */
export async function loadPlugin(specifier: string, cwd: string, options: LoadPluginOptions = {}): Promise<HardwarePlugin> {
  const where = options.where ?? '';
  try {
    return await loadHardware(specifier, { cwd, importTimeoutMs: options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS });
  } catch (error) {
    // Both name the plugin and say the fix; a validation error lists every problem.
    if (error instanceof HardwareValidationError) {
      throw new ResolveError(where + lowerFirst(formatIssues(error.issues, error.pluginName, { oneLine: true })), { cause: error });
    }
    if (error instanceof HardwareLoadError) throw new ResolveError(where + lowerFirst(error.message), { cause: error });
    throw error;
  }
}

/**
 * The sources of the first-party plugins followed by `plugins`: paths or package names (loaded with
 * `loadPlugin` from `cwd`, labelled by their specifier) or plugin objects (labelled `plugins[i]`).
 */
export async function pluginSources(plugins: readonly (string | HardwarePlugin)[], cwd: string, options: LoadPluginOptions = {}): Promise<PluginSource[]> {
  const sources: PluginSource[] = FIRST_PARTY_PLUGINS.map((plugin) => ({ plugin, from: 'built in' }));
  for (const [i, p] of plugins.entries()) {
    sources.push(typeof p === 'string' ? { plugin: await loadPlugin(p, cwd, options), from: p } : { plugin: p, from: `plugins[${i}]` });
  }
  return sources;
}

/** Options for `resolveChipRef`. */
export interface ResolveChipRefOptions extends LoadPluginOptions {
  /** The registered plugins (see `pluginSources`). */
  readonly sources: readonly PluginSource[];
  /** Directory a plugin path in the value resolves from. */
  readonly cwd: string;
  /** Receives a one-line note (which chip of a multi-chip plugin was used). */
  readonly note?: (message: string) => void;
}

/**
 * Resolves a hardware value as `ridgeline` takes it: the id or alias of a registered chip, a plugin
 * file or package whose first chip is used (`./chip.json`), or one chip of it (`./acme.js#acme-x1`).
 * A plugin named by path obeys the registry's rules: it may not give a registered id to a chip of
 * its own. Throws `ResolveError` with the nearest names for an unknown id.
 *
 * @example
 * (await resolveChipRef('h100', { sources: await pluginSources([], cwd), cwd })).id; // 'h100-sxm'
 */
export async function resolveChipRef(value: string, options: ResolveChipRefOptions): Promise<ChipSpec> {
  const name = value.trim();
  if (name === '') throw new ResolveError('--hardware needs a chip id (e.g. h100-sxm) or a path to a hardware plugin');
  const registered = registerPlugins(options.sources).map((c) => c.chip);
  const known = findChip(registered, name);
  if (known !== undefined) return known;
  if (!isPluginSpecifier(name)) throw unknownHardware(name, registered);
  const hash = name.lastIndexOf('#');
  const specifier = hash === -1 ? name : name.slice(0, hash);
  const chipId = hash === -1 ? undefined : name.slice(hash + 1);
  const plugin = await loadPlugin(specifier, options.cwd, options);
  registerPlugins([...options.sources, { plugin, from: specifier }]);
  return chipOfPlugin(plugin, specifier, chipId, options.note);
}
