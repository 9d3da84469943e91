/**
 * Installs the published packages the way a user does: `pnpm pack` each one (which rewrites the
 * `workspace:` and `catalog:` ranges), then `npm install` the tarballs into fresh projects in the
 * system's temporary directory, outside the repository, so that no workspace link, hoisted
 * dependency or `@ridgeline/source` condition can stand in for what is published. Registry
 * dependencies (valibot, citty, …) come from the npm registry.
 *
 * - project "library": @ridgeline/model, @ridgeline/hardware, @ridgeline/hardware-nvidia and
 *   @ridgeline/catalog only; a plain `node` script runs an estimate.
 * - project "cli": every published package (and any workspace package they depend on); the
 *   `ridgeline` bin runs, and so does every README example (type-checked first against the
 *   published declarations when it is TypeScript).
 *
 * Set RIDGELINE_KEEP_INSTALL_TEST=1 to keep the temporary projects for a look.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  manifestOf,
  NOT_YET_TESTED,
  packageNameOf,
  PUBLISHED,
  readJson,
  readmeExamples,
  ROOT,
  run,
  runOk,
  specifiersOf,
  typeReferencesOf,
  userEnv,
  withWorkspaceDependencies,
  workspaceDirs,
  type Example,
  type Manifest,
} from './workspace.ts';

interface Packed {
  readonly dir: string;
  readonly tarball: string;
  /** The extracted package (the tarball's `package/`). */
  readonly root: string;
  /** The package.json as published. */
  readonly manifest: Manifest;
  /** Every file in the tarball, relative to `root`, with `/` separators. */
  readonly files: readonly string[];
}

interface ReadmeExample extends Example {
  readonly dir: string;
  readonly id: string;
}

const LIBRARY_PROJECT = withWorkspaceDependencies(['packages/model', 'packages/hardware', 'packages/hardware-nvidia', 'packages/catalog']);
/** What the CLI project installs: everything published, and the workspace packages those depend on (see NOT_YET_TESTED). */
const CLI_PROJECT = withWorkspaceDependencies(PUBLISHED);
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const TEST_FILES = /(^|\/)(__tests__|__fixtures__|tests?|fixtures?)\/|\.(test|spec|bench|fixtures?)\.[cm]?[jt]s$|\.test-d\.ts$|(^|\/)test-[^/]*$|-fixtures?\.[^/]*$|\.tsbuildinfo$/;
const BUILTINS = new Set(builtinModules);

const examples: ReadmeExample[] = PUBLISHED.flatMap((dir) => {
  const file = join(ROOT, dir, 'README.md');
  if (!existsSync(file)) return [];
  return readmeExamples(readFileSync(file, 'utf8')).examples.map((example) => ({
    ...example,
    dir,
    id: `${dir.replace(/[/]/g, '-')}-L${example.line}`,
  }));
});

const packed = new Map<string, Packed>();
const timings: Record<string, number> = {};
let work = '';
let libraryProject = '';
let cliProject = '';
const env = userEnv();

async function timed<T>(label: string, action: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await action();
  } finally {
    timings[label] = (performance.now() - start) / 1000;
  }
}

function packedOf(dir: string): Packed {
  const result = packed.get(dir);
  if (result === undefined) throw new Error(`${dir} was not packed (see the error of the beforeAll hook)`);
  return result;
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

async function pack(dir: string, destination: string): Promise<Packed> {
  const { stdout } = await runOk('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: join(ROOT, dir) });
  const { filename } = JSON.parse(stdout) as { filename: string };
  const extracted = join(work, 'unpacked', dir.replace(/[/]/g, '-'));
  mkdirSync(extracted, { recursive: true });
  await runOk('tar', ['-xzf', filename, '-C', extracted], { cwd: work });
  const root = join(extracted, 'package');
  return { dir, tarball: filename, root, manifest: readJson<Manifest>(join(root, 'package.json')), files: listFiles(root) };
}

/** A fresh npm project in `work/<name>` with the given packages installed from their tarballs. */
async function userProject(name: string, dirs: readonly string[]): Promise<string> {
  const project = join(work, name);
  mkdirSync(project);
  await runOk('npm', ['init', '-y'], { cwd: project, env });
  await runOk('npm', [...NPM_INSTALL, ...dirs.map((dir) => packedOf(dir).tarball)], { cwd: project, env });
  return project;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ridgeline-install-test-'));
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  await timed('pack', async () => {
    for (const result of await Promise.all(CLI_PROJECT.map((dir) => pack(dir, tarballs)))) packed.set(result.dir, result);
  });
  [libraryProject, cliProject] = await timed('npm install (both projects, in parallel)', () =>
    Promise.all([userProject('library', LIBRARY_PROJECT), userProject('cli', CLI_PROJECT)]),
  );
});

afterAll(() => {
  const summary = Object.entries(timings).map(([label, s]) => `${label} ${s.toFixed(1)} s`);
  console.log(`install-test timings: ${summary.join(', ')}`);
  if (work !== '' && process.env.RIDGELINE_KEEP_INSTALL_TEST === undefined) rmSync(work, { recursive: true, force: true });
  else if (work !== '') console.log(`install-test: kept ${work}`);
});

describe('the list of published packages', () => {
  test('names every public workspace package, and only public ones', () => {
    const isPublic = (dir: string): boolean => manifestOf(dir).private !== true;
    const untested = workspaceDirs().filter((dir) => isPublic(dir) && !PUBLISHED.includes(dir) && !(dir in NOT_YET_TESTED));
    expect(untested, 'public packages missing from PUBLISHED in src/workspace.ts').toEqual([]);
    expect(PUBLISHED.filter((dir) => !isPublic(dir)), 'private packages in PUBLISHED').toEqual([]);
  });

  test('depend on no workspace package that is private or missing from the lists', () => {
    const known = new Set([...PUBLISHED, ...Object.keys(NOT_YET_TESTED)]);
    const unknown = CLI_PROJECT.filter((dir) => !known.has(dir) || manifestOf(dir).private === true);
    expect(unknown, 'published packages depend on these; npm cannot install them from the registry').toEqual([]);
  });

  test('are (dependencies of) devDependencies of @ridgeline/install-test, so turbo builds them before this test', () => {
    const own = Object.entries(manifestOf('apps/install-test').devDependencies ?? {}).filter(([, range]) => range.startsWith('workspace:'));
    const byName = new Map(workspaceDirs().map((dir) => [manifestOf(dir).name, dir]));
    const built = new Set(withWorkspaceDependencies(own.map(([name]) => byName.get(name) ?? name)));
    const missing = CLI_PROJECT.filter((dir) => !built.has(dir)).map((dir) => manifestOf(dir).name);
    expect(missing, 'add these to apps/install-test/package.json devDependencies as "workspace:^"').toEqual([]);
  });
});

describe.each(PUBLISHED)('the %s tarball', (dir) => {
  test('holds package.json, README.md, LICENSE and the `files` entries, and nothing else', () => {
    const { files, manifest } = packedOf(dir);
    const allowed = (file: string): boolean =>
      /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(file) ||
      (manifest.files ?? []).some((entry) => file === entry || file.startsWith(`${entry.replace(/\/$/, '')}/`));
    expect(files.filter((file) => !allowed(file))).toEqual([]);
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files.filter((file) => file.startsWith('dist/')).length).toBeGreaterThan(0);
  });

  test('holds no test files, fixtures or stale build output', () => {
    const { files } = packedOf(dir);
    expect(files.filter((file) => TEST_FILES.test(file))).toEqual([]);
    // Every dist/x.js and dist/x.d.ts comes from a src/x.ts that exists today (tsc does not delete
    // the output of a renamed or removed file: `rm -rf dist && pnpm build` clears it).
    const stale = files.filter((file) => {
      const m = /^dist\/(.+?)(\.d)?\.([cm]?)js$|^dist\/(.+?)\.d\.([cm]?)ts$/.exec(file);
      if (m === null) return false;
      const stem = m[1] ?? m[4] ?? '';
      const flavour = m[3] ?? m[5] ?? '';
      return ![`${stem}.${flavour}ts`, `${stem}.tsx`].some((source) => existsSync(join(ROOT, dir, 'src', source)));
    });
    expect(stale, `stale files in ${dir}/dist`).toEqual([]);
  });

  test('imports only shipped files and declared dependencies: never a .ts file, a src/ path or a workspace link', () => {
    const { files, manifest, root } = packedOf(dir);
    const shipped = new Set(files);
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const problems: string[] = [];
    for (const file of files.filter((f) => /\.([cm]?js|d\.[cm]?ts)$/.test(f))) {
      const isDeclaration = /\.d\.[cm]?ts$/.test(file);
      const source = readFileSync(join(root, file), 'utf8');
      for (const types of typeReferencesOf(source)) {
        // `/// <reference types="node" />` needs @types/node, which users of Node APIs have anyway.
        if (types !== 'node' && !declared.has(types)) problems.push(`${file}: reference types "${types}" is not a dependency`);
      }
      for (const specifier of specifiersOf(source)) {
        const where = `${file}: "${specifier}"`;
        if (/(^|\/)src\//.test(specifier)) problems.push(`${where} names a src/ path`);
        if (specifier.startsWith('.')) {
          if (/(?<!\.d)\.([cm]?ts|tsx)$/.test(specifier)) problems.push(`${where} names a TypeScript source`);
          const target = posix.normalize(posix.join(posix.dirname(file), specifier));
          const candidates = isDeclaration ? [target.replace(/\.([cm]?)js$/, '.d.$1ts'), target] : [target];
          if (!candidates.some((candidate) => shipped.has(candidate))) problems.push(`${where} is not in the tarball`);
        } else if (!specifier.startsWith('node:') && !BUILTINS.has(specifier) && !declared.has(packageNameOf(specifier))) {
          problems.push(`${where} is not a dependency or peerDependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('has a complete package.json', () => {
    const { manifest } = packedOf(dir);
    const root = readJson<Manifest>(join(ROOT, 'package.json'));
    const text = JSON.stringify(manifest);
    expect(text, 'pnpm pack must rewrite workspace: and catalog: ranges').not.toMatch(/"(workspace|catalog):/);
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.description?.length ?? 0).toBeGreaterThan(20);
    expect(manifest.keywords).toContain('ridgeline');
    expect(manifest.license).toBe('Apache-2.0');
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines?.node).toBe(root.engines?.node);
    expect(manifest.files).toContain('dist');
    expect(manifest.repository).toEqual({ type: 'git', url: manifestOf(PUBLISHED[0] ?? '').repository?.url, directory: dir });
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    if (/^@ridgeline\/hardware-/.test(manifest.name)) {
      // A plugin checks against its host's copy of the API (STYLE.md convention 8).
      expect(manifest.peerDependencies?.['@ridgeline/hardware']).toMatch(/^\^\d/);
      expect(manifest.dependencies?.['@ridgeline/hardware']).toBeUndefined();
    }
  });

  test('points exports, main, types and bin at shipped files', () => {
    const { files, manifest, root } = packedOf(dir);
    const shipped = (target: string | undefined): boolean => target !== undefined && files.includes(posix.normalize(target));
    expect(manifest.exports?.['./package.json']).toBe('./package.json');
    for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
      if (typeof conditions === 'string') {
        expect(shipped(conditions), `exports["${subpath}"]`).toBe(true);
        continue;
      }
      const keys = Object.keys(conditions);
      // The private source condition first (it only matters inside the workspace), then types, then default.
      expect(keys.filter((key) => key !== '@ridgeline/source'), `exports["${subpath}"] conditions`).toEqual(['types', 'default']);
      if (keys.includes('@ridgeline/source')) expect(keys[0]).toBe('@ridgeline/source');
      expect(shipped(conditions.types), `exports["${subpath}"].types = ${conditions.types}`).toBe(true);
      expect(shipped(conditions.default), `exports["${subpath}"].default = ${conditions.default}`).toBe(true);
      expect(conditions.types).toMatch(/\.d\.ts$/);
    }
    const dot = manifest.exports?.['.'];
    if (dot !== undefined && typeof dot !== 'string') {
      expect(manifest.main).toBe(dot.default);
      expect(manifest.types).toBe(dot.types);
    }
    const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
    for (const bin of bins) {
      expect(shipped(bin), `bin ${bin}`).toBe(true);
      expect(readFileSync(join(root, bin), 'utf8').startsWith('#!/usr/bin/env node\n'), `${bin} starts with a node shebang`).toBe(true);
    }
  });

  test('has a README with a runnable example', () => {
    expect(examples.filter((example) => example.dir === dir).length).toBeGreaterThan(0);
  });
});

describe('a project with @ridgeline/model, @ridgeline/hardware, @ridgeline/hardware-nvidia and @ridgeline/catalog', () => {
  test('got every @ridgeline package from its tarball, once, and nothing else of ours', () => {
    const lock = readJson<{ packages: Record<string, { resolved?: string }> }>(join(libraryProject, 'package-lock.json'));
    const ours = Object.entries(lock.packages).filter(([path]) => /node_modules\/(@ridgeline\/[^/]+|ridgeline)$/.test(path));
    expect(ours.map(([path]) => path).sort()).toEqual(LIBRARY_PROJECT.map((dir) => `node_modules/${manifestOf(dir).name}`).sort());
    for (const [path, entry] of ours) expect(entry.resolved, path).toMatch(/^file:.*\.tgz$/);
  });

  test('runs an estimate from a plain node script', async () => {
    const script = `
import { fileURLToPath } from 'node:url';
import { getModel } from '@ridgeline/catalog';
import { validateHardware } from '@ridgeline/hardware';
import { loadHardware } from '@ridgeline/hardware/node';
import nvidia, { h100Sxm } from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';

const model = getModel('llama-3.1-8b');
const result = estimateInference({
  model, chip: h100Sxm, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 8,
  inputTokens: 1024, outputTokens: 128, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
});
const loaded = await loadHardware('@ridgeline/hardware-nvidia');
let deepImport = 'allowed';
try { await import('@ridgeline/model/dist/inference.js'); } catch (error) { deepImport = error.code; }
const names = ['@ridgeline/model', '@ridgeline/hardware', '@ridgeline/hardware/node', '@ridgeline/hardware-nvidia', '@ridgeline/catalog'];
console.log(JSON.stringify({
  valid: validateHardware(nvidia).ok,
  loaded: loaded.chips.map((chip) => chip.id),
  deepImport,
  resolved: Object.fromEntries(names.map((name) => [name, fileURLToPath(import.meta.resolve(name))])),
  result,
}));
`;
    writeFileSync(join(libraryProject, 'estimate.mjs'), script);
    const { stdout } = await runOk('node', ['estimate.mjs'], { cwd: libraryProject, env });
    const out = JSON.parse(stdout) as {
      valid: boolean;
      loaded: string[];
      deepImport: string;
      resolved: Record<string, string>;
      result: Record<string, unknown> & { memoryPerChipBytes: Record<string, number>; inputs: { chip: string; model: string } };
    };
    expect(out.valid).toBe(true);
    expect(out.loaded).toContain('h100-sxm');
    expect(out.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    for (const [name, file] of Object.entries(out.resolved)) {
      expect(file.startsWith(join(libraryProject, 'node_modules') + sep), `${name} → ${file}`).toBe(true);
      expect(file, name).toMatch(/[/\\]dist[/\\][^/\\]+\.js$/);
    }
    const { result } = out;
    expect(result.feasible).toBe(true);
    expect(result.reason).toBeNull();
    expect(result.inputs).toMatchObject({ chip: 'h100-sxm', model: 'llama-3.1-8b' });
    for (const key of ['ttftS', 'tpotS', 'tokensPerS', 'tokensPerSPerChip', 'costPerMillionTokensUsd', 'energyPerTokenJ']) {
      expect(Number.isFinite(result[key]) && (result[key] as number) > 0, `${key} = ${String(result[key])}`).toBe(true);
    }
    const { total, capacity } = result.memoryPerChipBytes;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(capacity ?? 0);
  });

  test.each(examples.filter((example) => example.dir === 'packages/model'))(
    'runs the packages/model README example at line $line',
    async (example) => {
      const file = join(libraryProject, `${example.id}.mjs`);
      writeFileSync(file, toJavaScript(example));
      const result = await run('node', [file], { cwd: libraryProject, env });
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
  );
});

describe('a project with the ridgeline CLI', () => {
  const bin = (): string => join(cliProject, 'node_modules', '.bin', 'ridgeline');

  test('got every @ridgeline package from its tarball, once', () => {
    const lock = readJson<{ packages: Record<string, { resolved?: string }> }>(join(cliProject, 'package-lock.json'));
    const ours = Object.entries(lock.packages).filter(([path]) => /node_modules\/(@ridgeline\/[^/]+|ridgeline)$/.test(path));
    expect(ours.map(([path]) => path).sort()).toEqual(CLI_PROJECT.map((dir) => `node_modules/${manifestOf(dir).name}`).sort());
    for (const [path, entry] of ours) expect(entry.resolved, path).toMatch(/^file:.*\.tgz$/);
  });

  test('ridgeline --version prints the package version (through npx)', async () => {
    const { stdout } = await runOk('npx', ['--no', '--', 'ridgeline', '--version'], { cwd: cliProject, env });
    expect(stdout.trim()).toBe(packedOf('apps/cli').manifest.version);
  });

  test('ridgeline estimate --json prints a feasible estimate', async () => {
    const { stdout } = await runOk(bin(), ['estimate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--json'], { cwd: cliProject, env });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result.feasible).toBe(true);
    expect(result.inputs).toMatchObject({ chip: 'h100-sxm', model: 'llama-3.1-8b' });
    for (const key of ['ttftS', 'tpotS', 'tokensPerS', 'costPerMillionTokensUsd', 'energyPerTokenJ']) {
      expect(Number.isFinite(result[key]) && (result[key] as number) > 0, `${key} = ${String(result[key])}`).toBe(true);
    }
  });

  test('ridgeline loads a hardware plugin by package name from the project', async () => {
    const { stdout } = await runOk(bin(), ['estimate', '--model', 'llama-3.1-8b', '--hardware', '@ridgeline/hardware-amd#mi300x', '--json'], {
      cwd: cliProject,
      env,
    });
    expect(JSON.parse(stdout)).toMatchObject({ feasible: true, inputs: { chip: 'mi300x' } });
  });

  test('a mistake is one line on stderr and exit code 2, without a stack', async () => {
    const result = await run(bin(), ['estimate', '--model', 'llama-3.1-8b', '--hardware', 'h10-sxm'], { cwd: cliProject, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ridgeline: error: unknown hardware "h10-sxm"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the README examples', () => {
  const typescript = examples.filter((example) => example.lang === 'ts');

  test('type-check against the published declarations (strict)', () => {
    const dir = join(cliProject, 'examples');
    mkdirSync(dir, { recursive: true });
    const files = typescript.map((example) => {
      const file = join(dir, `${example.id}.mts`);
      writeFileSync(file, example.code);
      return file;
    });
    const started = performance.now();
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      // Check the published .d.ts files too: an import that does not resolve there would otherwise
      // silently become `any`.
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'apps', 'install-test', 'node_modules', '@types')],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    timings['type-check README examples'] = (performance.now() - started) / 1000;
    const report = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => cliProject,
      getNewLine: () => '\n',
    });
    expect(report).toBe('');
    // The published declarations were what the examples were checked against, not the sources.
    const ours = program.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes('/node_modules/@ridgeline/') || f.includes('/node_modules/ridgeline/'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((f) => !f.startsWith(cliProject) || !f.endsWith('.d.ts'))).toEqual([]);
  });

  test.each(examples)('$dir README example at line $line runs', async (example) => {
    const file = join(cliProject, 'examples', `${example.id}.mjs`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, toJavaScript(example));
    const result = await run('node', [file], { cwd: cliProject, env });
    expect(result.code, `${example.dir}/README.md line ${example.line}:\n${result.stdout}\n${result.stderr}`).toBe(0);
  });
});

/** The example as an ES module: TypeScript loses its types (nothing else changes); JavaScript is as written. */
function toJavaScript(example: Example): string {
  if (example.lang === 'js') return example.code;
  return ts.transpileModule(example.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  }).outputText;
}
