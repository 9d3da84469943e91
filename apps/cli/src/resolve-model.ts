import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, aliases, fromHuggingFaceConfig, getModel, modelIds } from '@ridgeline/catalog';
import type { ModelSpec } from '@ridgeline/model';
import { quoted, UserError } from './errors.ts';
import { didYouMean } from './suggest.ts';

/**
 * Whether a `--model` value is a path to a Hugging Face `config.json` (or its directory) rather
 * than a catalog id.
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
    throw new UserError(`cannot read model config ${quoted(value)}: ${why}`, { cause: error });
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

function unknownModel(name: string, why = ''): UserError {
  const wanted = name.slice(name.lastIndexOf('/') + 1);
  const hint = didYouMean(wanted, [...modelIds(), ...Object.keys(aliases)], (n) => aliases[n] ?? n);
  return new UserError(`unknown model ${quoted(name)}${why}.${hint} Run "ridgeline models list" to see all.`);
}

/**
 * Resolves a model value (`--model`, a sweep spec's `models`): a catalog id or alias
 * (case-insensitive), a Hugging Face repository id the catalog knows (`meta-llama/Llama-3.1-70B`,
 * resolved without network), or a path to a Hugging Face `config.json` (or a directory holding
 * one) relative to `cwd`. Throws `UserError` for an unknown id (with the nearest ids), a missing
 * or unreadable file, invalid JSON, or a config the reader rejects.
 *
 * @example
 * (await resolveModel('llama-3.1-70b', process.cwd())).layers; // 80
 */
export async function resolveModel(value: string, cwd: string, flag = '--model'): Promise<ModelSpec> {
  const name = value.trim();
  if (name === '') throw new UserError(`${flag} needs a model id (e.g. llama-3.1-70b) or a path to a config.json`);
  // A Hugging Face repository id (meta-llama/Llama-3.1-70B) looks like a path; the catalog knows it.
  const known = getModel(name);
  if (known !== undefined && !(await exists(resolve(cwd, name)))) return known;
  if (!isConfigPath(name)) throw unknownModel(name);
  if (REPOSITORY_ID.test(name) && !/\.json$/i.test(name) && !(await exists(resolve(cwd, name)))) {
    throw unknownModel(name, ': no catalog model or alias has that Hugging Face id (there is no download), and no config.json is at that path');
  }
  const { path, text } = await readConfig(name, cwd);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`model config ${quoted(name)} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  try {
    return fromHuggingFaceConfig(json, { id: idFromPath(path) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(configProblems(name, error), { cause: error });
    throw error;
  }
}
