import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Every package we publish, by directory from the repository root, dependencies first; the tests
 * check each tarball, install it, and run its README examples. To add one, add its directory here;
 * unless a package already listed depends on it, also add it to this package's devDependencies as
 * `workspace:^` (so that turbo's `^build` builds it before these tests). The tests check both.
 */
export const PUBLISHED: readonly string[] = [
  'packages/hardware',
  'packages/model',
  'packages/catalog',
  'packages/hardware-nvidia',
  'packages/hardware-amd',
  'packages/hardware-google',
  'packages/hardware-groq',
  'packages/format',
  'packages/engine',
  'apps/cli',
];

/** Public packages that the tests leave out for now, and why. Move a line to PUBLISHED when it is ready. */
export const NOT_YET_TESTED: Readonly<Record<string, string>> = {};

/** The fields of a package.json these tests read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly license?: string;
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly type?: string;
  readonly sideEffects?: boolean;
  readonly engines?: Readonly<Record<string, string>>;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly main?: string;
  readonly types?: string;
  readonly files?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function manifestOf(dir: string): Manifest {
  return readJson<Manifest>(join(ROOT, dir, 'package.json'));
}

/** Every workspace package directory (packages/*, apps/*) that has a package.json. */
export function workspaceDirs(): string[] {
  const dirs: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        readFileSync(join(ROOT, parent, entry.name, 'package.json'));
        dirs.push(`${parent}/${entry.name}`);
      } catch {
        // A folder without a package.json (e.g. one being created) is not a workspace package.
      }
    }
  }
  return dirs.sort();
}

/**
 * `dirs` and every workspace package they depend on (`dependencies` and `peerDependencies`),
 * transitively: the tarballs a user's `npm install` of `dirs` needs, since they are not on npm.
 */
export function withWorkspaceDependencies(dirs: readonly string[]): string[] {
  const byName = new Map(workspaceDirs().map((dir) => [manifestOf(dir).name, dir]));
  const result = new Set<string>();
  const visit = (dir: string): void => {
    if (result.has(dir)) return;
    result.add(dir);
    const manifest = manifestOf(dir);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const dependency = byName.get(name);
      if (dependency !== undefined) visit(dependency);
    }
  };
  for (const dir of dirs) visit(dir);
  return [...result];
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without a shell and collects its output. Rejects only if it cannot start; a
 * non-zero exit is in `code` (callers assert on it, so failures show stdout and stderr).
 */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr }));
  });
}

/** Like `run`, but throws with the command's output when it exits non-zero. */
export async function runOk(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

/**
 * The environment for npm and node in a user's project: this process's, without the `npm_*`
 * variables that pnpm and vitest set for the workspace (they would configure npm as if it ran a
 * workspace script). Registry, cache, proxy and CA settings are kept.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|cache|userconfig|globalconfig|(https?_)?proxy|noproxy|no_proxy|cafile|ca|strict_ssl|offline|prefer_offline)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !keep.test(key)) continue;
    if (/^(VITEST|TURBO_)/.test(key)) continue;
    env[key] = value;
  }
  delete env.NODE_ENV; // vitest sets it to "test"
  return env;
}

/** A fenced code block of a README that the tests run. */
export interface Example {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: 'js' | 'ts';
  readonly code: string;
}

/**
 * The runnable examples of a README: every fenced block tagged `js` or `ts` (or `javascript`,
 * `typescript`, `mjs`, `mts`), except one whose fence is directly preceded by a line
 * `<!-- not runnable: why -->` (a fragment, or one that needs files the reader has).
 */
export function readmeExamples(markdown: string): { examples: Example[]; skipped: number } {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(js|javascript|mjs|ts|typescript|mts)\s*$/.exec(lines[i] ?? '');
    if (open === null) {
      if (/^```/.test(lines[i] ?? '')) {
        // Skip over a fence of another language so its contents are not read as Markdown.
        const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
        if (end !== -1) i = end;
      }
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end === -1) throw new Error(`unclosed code fence at line ${i + 1}`);
    const before = i > 0 ? (lines[i - 1] ?? '') : '';
    if (/^<!--\s*not runnable\b/i.test(before.trim())) skipped++;
    else {
      const lang = /^(ts|typescript|mts)$/.test(open[1] ?? '') ? 'ts' : 'js';
      examples.push({ line: i + 1, lang, code: lines.slice(i + 1, end).join('\n') + '\n' });
    }
    i = end;
  }
  return { examples, skipped };
}

/**
 * Module specifiers a JavaScript or declaration file imports (static, dynamic, `require`, `import()`
 * types, `/// <reference path>`), read by TypeScript's pre-processor so comments and strings do not count.
 */
export function specifiersOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return [...info.importedFiles, ...info.referencedFiles].map((ref) => ref.fileName);
}

/** `/// <reference types="…" />` directives of a declaration file. */
export function typeReferencesOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).typeReferenceDirectives.map((ref) => ref.fileName);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
