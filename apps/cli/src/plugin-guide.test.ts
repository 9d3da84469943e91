import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssues, validateHardware, type HardwarePlugin } from '@ridgeline/hardware';
import { build, installHardware, typecheck } from './scaffold-fixture.ts';
import { cli, type Run } from './test-cli.ts';

// docs/writing-a-hardware-plugin.md, followed step by step: every `npx ridgeline …` command of the
// guide runs here as written, and the output the guide shows is the output it prints. The npm steps
// are stood in for without a registry: `npm install` by linking this workspace's
// @ridgeline/hardware, `npm test`/`npm run typecheck` by validating and type-checking the generated
// module, `npm run build` by compiling it, and installing the plugin by linking it into a project.

const GUIDE_PATH = fileURLToPath(new URL('../../../docs/writing-a-hardware-plugin.md', import.meta.url));
const EXAMPLE_CSV = fileURLToPath(new URL('../../../docs/examples/measurements.csv', import.meta.url));
const SERVING_CSV = fileURLToPath(new URL('../../../docs/examples/serving-measurements.csv', import.meta.url));

let guide: string;
let work: string;
let pkg: string;
let project: string;
const ran = new Set<string>();

/** `npx ridgeline …` lines of the guide's shell blocks. */
function guideCommands(): string[] {
  const blocks = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('npx ridgeline '));
}

/** The text block that follows the shell block holding `command`, as lines. */
function shownOutput(command: string): string[] {
  const at = guide.indexOf(`${command}\n`);
  expect(at, `the guide shows ${command}`).toBeGreaterThan(-1);
  const block = /```text\n([\s\S]*?)```/.exec(guide.slice(at));
  return (block?.[1] ?? '').split('\n');
}

/** Runs a command of the guide (it must be there, word for word) in `cwd`. */
async function step(command: string, cwd: string): Promise<Run> {
  expect(guideCommands()).toContain(command);
  ran.add(command);
  const argv = command.replace(/^npx ridgeline /, '').split(' ');
  return cli(argv, cwd);
}

/** Every line the guide shows, except elisions, is a line of `output`. */
function expectShown(shown: readonly string[], output: string): void {
  const lines = output.split('\n');
  for (const line of shown.filter((l) => l !== '' && l !== '…')) expect(lines, line).toContain(line);
}

beforeAll(async () => {
  guide = await readFile(GUIDE_PATH, 'utf8');
  work = await mkdtemp(join(tmpdir(), 'ridgeline-guide-'));
  pkg = join(work, 'ridgeline-hardware');
  project = join(work, 'project');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// Each fit is an exhaustive grid search (~40,000 candidates): seconds of honest work, more when
// every package's suite shares the two cores.
describe('writing-a-hardware-plugin.md', { timeout: 240_000 }, () => {
  it('1. scaffolds the package', async () => {
    const r = await step('npx ridgeline plugin init @acme/ridgeline-hardware --chip-id acme-x1', work);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  cd ridgeline-hardware\n  npm install\n  npm test\n');
    const scripts = (JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['build', 'typecheck', 'test', 'prepack']));
    await installHardware(pkg);
  });

  it('3. validates (npm test, npm run typecheck) and builds (npm run build)', async () => {
    const module = (await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'src', 'index.ts')).href)) as { default: HardwarePlugin };
    expect(validateHardware(JSON.parse(JSON.stringify(module.default))).ok).toBe(true);
    expect(typecheck(pkg)).toEqual([]);
    await build(pkg);
  }, 240_000);

  it('3. shows the messages of the common mistakes as validateHardware words them', async () => {
    const plugin = (await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'src', 'index.ts')).href)) as { default: HardwarePlugin };
    const edits: Array<(p: any) => void> = [
      (p) => (p.apiVersion = 3),
      (p) => delete p.chips[0].memory.bandwidthBytesPerS,
      (p) => (p.chips[0].scaleUp.bandwidthBytesPerS.value = 0),
      (p) => (p.chips[0].efficiency.flop.value = 70),
      (p) => (p.chips[0].scaleUp.topology = 'dragonfly'),
    ];
    const shown = shownOutput('npm test');
    for (const edit of edits) {
      const broken = structuredClone(plugin.default) as any;
      edit(broken);
      const result = validateHardware(broken);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(shown).toContain(formatIssues(result.issues, broken.meta.name).split('\n')[1]);
    }
  });

  it('3. shows the chip with ridgeline hardware show', async () => {
    const r = await step('npx ridgeline hardware show ./dist/index.js', pkg);
    expect(r.code).toBe(0);
    expectShown(shownOutput('npx ridgeline hardware show ./dist/index.js'), r.stdout);
  });

  it('3. checks it with ridgeline plugin check: the TODO placeholders, exit 2', async () => {
    const r = await step('npx ridgeline plugin check ./dist/index.js', pkg);
    expect(r.code).toBe(2);
    expectShown(shownOutput('npx ridgeline plugin check ./dist/index.js'), r.stdout);
    expect(r.stderr).toBe('ridgeline: error: @acme/ridgeline-hardware@0.1.0 has 19 warnings (above); fix them before you publish it\n');
  });

  it('4. estimates with --hardware ./dist/index.js, warning of the placeholders in one line', async () => {
    const r = await step('npx ridgeline estimate --model llama-3.1-70b --hardware ./dist/index.js --chips 8', pkg);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Llama 3.1 70B on 8 × Acme X1 (TODO: product name)');
    expect(guide).toContain(`\n${r.stderr}`);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('4. says when the chip cannot hold one layer', async () => {
    const plugin = JSON.parse(JSON.stringify((await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'dist', 'index.js')).href)).default)) as any;
    plugin.chips[0].memory.capacityBytes.value = 20e6;
    await writeFile(join(work, 'tiny.json'), JSON.stringify(plugin));
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './tiny.json', '--chips', '8'], work);
    expect(r.code).toBe(2);
    expect(guide).toContain(`  ${r.stderr.trim()}\n`);
  });

  it('5. calibrates on the example measurements and prints what the guide shows', async () => {
    await copyFile(EXAMPLE_CSV, join(pkg, 'measurements.csv'));
    const r = await step('npx ridgeline calibrate measurements.csv --hardware ./dist/index.js', pkg);
    expect(r.code).toBe(0);
    expectShown(shownOutput('npx ridgeline calibrate measurements.csv --hardware ./dist/index.js'), r.stdout);
    const csv = (await readFile(EXAMPLE_CSV, 'utf8')).split('\n');
    const excerpt = /```text\n(model,chips[\s\S]*?)```/.exec(guide)?.[1]?.split('\n') ?? [];
    for (const line of excerpt.filter((l) => l !== '' && l !== '…')) expect(csv).toContain(line);
  });

  it('5. fits serving measurements with --serving and finds the figures they were made with', async () => {
    await copyFile(SERVING_CSV, join(pkg, 'serving-measurements.csv'));
    const r = await step('npx ridgeline calibrate serving-measurements.csv --hardware h200 --serving', pkg);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nfitted {10}experts' η_flop fp8 0\.1 at 128 → [0-9.]+ at 4096 FLOP\/byte, η_mem 0\.7, t_layer 40(\.0)? µs, η_net [0-9.]+ \(held\), MTP acceptance 0\.6\n/);
  });

  it('7. loads the installed plugin with --plugin, by package name, and from ridgeline.config.json', async () => {
    await mkdir(join(project, 'node_modules', '@acme'), { recursive: true });
    await symlink(pkg, join(project, 'node_modules', '@acme', 'ridgeline-hardware'), 'dir');
    const withPlugin = await step(
      'npx ridgeline estimate --plugin @acme/ridgeline-hardware --hardware acme-x1 --model llama-3.1-70b --chips 8',
      project,
    );
    expect(withPlugin.code).toBe(0);
    const list = await step('npx ridgeline hardware list --plugin @acme/ridgeline-hardware', project);
    // The plugin's chip is the table's last row; only the note on announced first-party chips follows.
    expect(list.stdout).toMatch(/\nacme-x1\s+Acme X1 \(TODO: product name\)\s+Acme\s+800\s+96\.0\s+4\.00\s+3\.00\n(\n\[announced\] .*\n)?$/);
    const direct = await step('npx ridgeline estimate --model llama-3.1-70b --hardware @acme/ridgeline-hardware#acme-x1 --chips 8', project);
    expect(direct.stdout).toBe(withPlugin.stdout);

    const config = /```json\n(\s*\{ "plugins": .*\})\n\s*```/.exec(guide)?.[1]?.trim();
    expect(config).toBe('{ "plugins": ["@acme/ridgeline-hardware"] }');
    await writeFile(join(project, 'ridgeline.config.json'), `${config}\n`);
    const configured = await step('npx ridgeline estimate --model llama-3.1-70b --hardware acme-x1 --chips 8', project);
    expect(configured.code).toBe(0);
    expect(configured.stdout).toBe(withPlugin.stdout);
  });

  it('runs every ridgeline command of the guide', () => {
    expect([...ran].sort()).toEqual([...new Set(guideCommands())].sort());
  });
});
