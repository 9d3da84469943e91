import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChipSpec, HardwarePlugin } from '@ridgeline/hardware';
import { stripsTypes } from './config.ts';
import { pluginFlags } from './plugin-args.ts';
import { firstPartyChips } from './registry.ts';
import { cli, expectUserError } from './test-cli.ts';

// Plugins load by path or package name (`--plugin`, repeatable, or a ridgeline.config.* file), add
// their chips to the registry, and clash loudly when two of them name a chip alike.

const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm');
if (h100 === undefined) throw new Error('h100-sxm missing from the first-party plugins');
const { aliases: _, ...base } = h100;

function chip(id: string, aliases?: string[]): ChipSpec {
  return { ...base, id, name: `${id} test chip`, vendor: 'Acme', ...(aliases === undefined ? {} : { aliases }) };
}

function plugin(name: string, version: string, chips: ChipSpec[]): HardwarePlugin {
  return { apiVersion: 1, meta: { name, version }, chips };
}

const acme = plugin('acme-chips', '1.0.0', [chip('acme-x1', ['x1'])]);
const beta = plugin('beta-chips', '0.3.0', [chip('beta-b1')]);

let dir: string;

/** Writes `files` (path → text) under `dir`. */
async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-plugins-'));
  await write({
    'acme.json': JSON.stringify(acme),
    'beta.json': JSON.stringify(beta),
    'other.mjs': `export default ${JSON.stringify(plugin('other-chips', '2.0.0', [chip('acme-x1')]))};\n`,
    'alias.json': JSON.stringify(plugin('alias-chips', '1.0.0', [chip('alias-z1', ['X1'])])),
    'fake-h100.json': JSON.stringify(plugin('fake-chips', '1.0.0', [chip('h100-sxm')])),
    // acme-chips@1.0.0 again, with a faster memory: the same name and version, other data
    'acme-changed.json': JSON.stringify(
      plugin('acme-chips', '1.0.0', [{ ...chip('acme-x1', ['x1']), memory: { ...base.memory, bandwidthBytesPerS: { value: 4e12, source: 'test' } } }]),
    ),
    'loops.mjs': 'while (true) {}\nexport default {};\n',
    // An installed package, as `npm install @acme/ridgeline-hardware` leaves it.
    'node_modules/@acme/ridgeline-hardware/package.json': JSON.stringify({
      name: '@acme/ridgeline-hardware',
      type: 'module',
      exports: { '.': './index.js' },
    }),
    'node_modules/@acme/ridgeline-hardware/index.js': `export default ${JSON.stringify(acme)};\n`,
    'cfg-json/ridgeline.config.json': JSON.stringify({ plugins: ['../beta.json', '@acme/ridgeline-hardware'] }),
    'cfg-mjs/ridgeline.config.mjs': 'export default { plugins: ["../beta.json"] };\n',
    'cfg-ts/ridgeline.config.ts': 'export default { plugins: ["../beta.json"] } satisfies { plugins: string[] };\n',
    'cfg-two/ridgeline.config.json': '{}',
    'cfg-two/ridgeline.config.mjs': 'export default {};\n',
    'cfg-key/ridgeline.config.json': JSON.stringify({ plugin: ['../beta.json'] }),
    'cfg-list/ridgeline.config.json': JSON.stringify({ plugins: '@acme/ridgeline-hardware' }),
    'cfg-syntax/ridgeline.config.json': '{ "plugins": [ }',
    'cfg-array/ridgeline.config.json': '["../beta.json"]',
    'cfg-missing/ridgeline.config.json': JSON.stringify({ plugins: ['./nope.json'] }),
    'cfg-number/ridgeline.config.json': JSON.stringify({ plugins: ['../beta.json', 1] }),
    'cfg-empty/ridgeline.config.json': JSON.stringify({ plugins: [''] }),
    'cfg-null/ridgeline.config.mjs': 'export default null;\n',
    'cfg-loop/ridgeline.config.mjs': 'while (true) {}\nexport default {};\n',
    'cfg-clash/ridgeline.config.json': JSON.stringify({ plugins: ['../acme.json'] }),
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ESTIMATE = ['estimate', '--model', 'llama-3.1-8b', '--json'];

async function chipOf(argv: string[], cwd: string): Promise<string> {
  const r = await cli(argv, cwd);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { inputs: { chip: string } }).inputs.chip;
}

describe('--plugin', () => {
  it('adds the chips of a plugin file, so --hardware names them by id or alias', async () => {
    expect(await chipOf([...ESTIMATE, '--plugin', './acme.json', '--hardware', 'acme-x1'], dir)).toBe('acme-x1');
    expect(await chipOf([...ESTIMATE, '--hardware', 'X1', '--plugin=./acme.json'], dir)).toBe('acme-x1');
  });

  it('works for train and sweep as for estimate', async () => {
    const train = await cli(['train', '--model', 'llama-3.1-8b', '--hardware', 'acme-x1', '--plugin', './acme.json', '--chips', '8', '--json'], dir);
    expect(train.stderr).toBe('');
    expect((JSON.parse(train.stdout) as { inputs: { chip: string } }).inputs.chip).toBe('acme-x1');
    await writeFile(join(dir, 'sweep.yaml'), 'models: [llama-3.1-8b]\nhardware: [X1]\ntp: [1, 2]\n');
    const sweep = await cli(['sweep', 'sweep.yaml', '--plugin', './acme.json', '--json'], dir);
    expect(sweep.code).toBe(0);
    const rows = (JSON.parse(sweep.stdout) as { top: { rows: { hardware: string }[] } }).top.rows;
    expect(rows.map((r) => r.hardware)).toEqual(['acme-x1', 'acme-x1']);
    // without the plugin the name is unknown
    expect((await cli(['sweep', 'sweep.yaml'], dir)).stderr).toMatch(/^ridgeline: error: sweep.yaml: hardware\[0\]: unknown hardware "X1"\./);
  });

  it('loads an installed package by name, resolved from the working directory', async () => {
    const r = await cli(['hardware', 'show', 'acme-x1', '--plugin', '@acme/ridgeline-hardware', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(acme.chips[0]);
  });

  it('is repeatable, and hardware list shows every plugin chip after the built-in ones', async () => {
    const r = await cli(['hardware', 'list', '--plugin', './acme.json', '--plugin', './beta.json', '--json'], dir);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; plugin: string }>;
    expect(rows.slice(-2)).toMatchObject([
      { id: 'acme-x1', plugin: 'acme-chips' },
      { id: 'beta-b1', plugin: 'beta-chips' },
    ]);
    expect(rows[0]).toMatchObject({ id: firstPartyChips()[0]?.id, plugin: '@ridgeline/hardware-nvidia' });
    const text = await cli(['hardware', 'list', '--plugin', './acme.json'], dir);
    expect(text.stdout).toMatch(/\nacme-x1\s+acme-x1 test chip\s+Acme\s+/);
  });

  it('is needed: without it the id is unknown', async () => {
    expectUserError(
      await cli([...ESTIMATE, '--hardware', 'acme-x1'], dir),
      'unknown hardware "acme-x1". Run "ridgeline hardware list" to see all.',
    );
  });

  it('counts a plugin given twice once', async () => {
    expect(await chipOf([...ESTIMATE, '--plugin', './acme.json', '--plugin', '@acme/ridgeline-hardware', '--hardware', 'x1'], dir)).toBe('acme-x1');
  });

  it('reports a plugin that cannot be loaded', async () => {
    expectUserError(
      await cli([...ESTIMATE, '--hardware', 'h100', '--plugin', '@acme/nope'], dir),
      `cannot load hardware plugin "@acme/nope": no package "@acme/nope" is installed where ${dir} can see it. Fix: install it (pnpm add @acme/nope), or pass a path to the plugin file.`,
    );
  });

  it('collects every value, in order, up to --', () => {
    expect(pluginFlags(['--plugin', 'a', '--tp', '8', '--plugin=./b.js', '--', '--plugin', 'c'])).toEqual(['a', './b.js']);
  });
});

describe('chip name collisions between plugins', () => {
  it('names both plugins when two define one id', async () => {
    expectUserError(
      await cli([...ESTIMATE, '--hardware', 'h100', '--plugin', './acme.json', '--plugin', './other.mjs'], dir),
      'chip id "acme-x1" is defined by two hardware plugins: acme-chips@1.0.0 (--plugin ./acme.json) and other-chips@2.0.0 (--plugin ./other.mjs); load only one of them, or rename the chip in one',
    );
  });

  it('names both plugins and chips when an alias clashes', async () => {
    expectUserError(
      await cli(['hardware', 'list', '--plugin', './acme.json', '--plugin', './alias.json'], dir),
      'chip name "X1" is claimed by two hardware plugins: acme-chips@1.0.0 (--plugin ./acme.json) for chip "acme-x1" and alias-chips@1.0.0 (--plugin ./alias.json) for chip "alias-z1"; load only one of them, or rename the chip or alias in one',
    );
  });

  it('covers the built-in chips too', async () => {
    expectUserError(
      await cli(['hardware', 'list', '--plugin', './fake-h100.json'], dir),
      'chip id "h100-sxm" is defined by two hardware plugins: @ridgeline/hardware-nvidia@0.1.0 (built in) and fake-chips@1.0.0 (--plugin ./fake-h100.json); load only one of them, or rename the chip in one',
    );
  });

  it('says which config file listed a plugin', async () => {
    expectUserError(
      await cli(['hardware', 'list', '--plugin', '../other.mjs'], join(dir, 'cfg-clash')),
      'chip id "acme-x1" is defined by two hardware plugins: acme-chips@1.0.0 (../acme.json in ridgeline.config.json) and other-chips@2.0.0 (--plugin ../other.mjs); load only one of them, or rename the chip in one',
    );
  });
});

// Before: the second of two plugins with one name@version was dropped silently, whatever it held;
// a plugin named by path (--hardware, a sweep spec's hardware) could give its chip a built-in id,
// and results showed the built-in id with the plugin's figures; a module that looped at import
// hung the CLI.
describe('plugins that would be used ambiguously', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses two plugins of one name@version with different data, naming where they differ', async () => {
    expectUserError(
      await cli([...ESTIMATE, '--hardware', 'x1', '--plugin', './acme.json', '--plugin', './acme-changed.json'], dir),
      'hardware plugins --plugin ./acme.json and --plugin ./acme-changed.json are both acme-chips@1.0.0 but differ (chips[0].memory.bandwidthBytesPerS.value: 3350000000000 against 4000000000000); load only one of them, or give the changed one a new version',
    );
  });

  it('refuses a plugin named by path whose chip takes a built-in id, in estimate and in a sweep spec', async () => {
    const message =
      'chip id "h100-sxm" is defined by two hardware plugins: @ridgeline/hardware-nvidia@0.1.0 (built in) and fake-chips@1.0.0 (./fake-h100.json); load only one of them, or rename the chip in one';
    expectUserError(await cli([...ESTIMATE, '--hardware', './fake-h100.json'], dir), message);
    await writeFile(join(dir, 'shadow.yaml'), 'models: [llama-3.1-8b]\nhardware: [./fake-h100.json]\n');
    expectUserError(await cli(['sweep', 'shadow.yaml'], dir), `shadow.yaml: hardware[0]: ${message}`);
  });

  it('still takes a plugin by path that is also loaded with --plugin', async () => {
    expect(await chipOf([...ESTIMATE, '--plugin', './acme.json', '--hardware', './acme.json#acme-x1'], dir)).toBe('acme-x1');
  });

  it('stops a plugin module that never finishes importing, with one line', async () => {
    vi.stubEnv('RIDGELINE_PLUGIN_TIMEOUT_MS', '300');
    expectUserError(
      await cli([...ESTIMATE, '--hardware', './loops.mjs'], dir),
      `cannot load hardware plugin "./loops.mjs": importing ${join(dir, 'loops.mjs')} did not finish within 0.3 s (does the module loop or wait at import?). Fix: a plugin module should only export its data; run \`node ${join(dir, 'loops.mjs')}\` to see where it stops.`,
    );
  });

  it('checks RIDGELINE_PLUGIN_TIMEOUT_MS', async () => {
    vi.stubEnv('RIDGELINE_PLUGIN_TIMEOUT_MS', 'soon');
    expectUserError(
      await cli([...ESTIMATE, '--hardware', './loops.mjs'], dir),
      'RIDGELINE_PLUGIN_TIMEOUT_MS must be a whole number of milliseconds from 1 to 3600000, got "soon"',
    );
  });
});

describe('ridgeline.config.*', () => {
  it('loads the plugins a ridgeline.config.json lists, by path and package name', async () => {
    const cwd = join(dir, 'cfg-json');
    expect(await chipOf([...ESTIMATE, '--hardware', 'beta-b1'], cwd)).toBe('beta-b1');
    expect(await chipOf([...ESTIMATE, '--hardware', 'acme-x1'], cwd)).toBe('acme-x1');
    const list = JSON.parse((await cli(['hardware', 'list', '--json'], cwd)).stdout) as Array<{ id: string }>;
    expect(list.slice(-2).map((c) => c.id)).toEqual(['beta-b1', 'acme-x1']);
  });

  it('loads a ridgeline.config.mjs', async () => {
    expect(await chipOf([...ESTIMATE, '--hardware', 'beta-b1'], join(dir, 'cfg-mjs'))).toBe('beta-b1');
  });

  // Node.js 20 cannot import .ts; from 22.18 and 23.6 it strips the types. Either way the test runs
  // and checks what this Node.js does.
  it(`reads a .ts config where Node strips types, and asks for a .js one where it cannot (Node.js ${process.version}: ${stripsTypes() ? 'strips' : 'cannot'})`, async () => {
    const cwd = join(dir, 'cfg-ts');
    if (stripsTypes()) {
      expect(await chipOf([...ESTIMATE, '--hardware', 'beta-b1'], cwd)).toBe('beta-b1');
    } else {
      expectUserError(
        await cli([...ESTIMATE, '--hardware', 'h100'], cwd),
        `cannot load ridgeline.config.ts: Node.js ${process.version} cannot import TypeScript without a loader; write ridgeline.config.js (or ridgeline.config.json) instead, or compile ridgeline.config.ts to ridgeline.config.js`,
      );
    }
  });

  it.each([
    ['two config files', 'cfg-two', 'found ridgeline.config.json and ridgeline.config.mjs in <dir>; keep one of them'],
    ['an unknown key', 'cfg-key', 'ridgeline.config.json: unknown key "plugin". Did you mean "plugins"? Allowed keys: plugins'],
    [
      'plugins that are not a list',
      'cfg-list',
      'ridgeline.config.json: "plugins" must be a list of hardware plugin package names or paths, e.g. ["@acme/ridgeline-hardware", "./chips/acme-x2.js"], got "@acme/ridgeline-hardware"',
    ],
    // Before (reliability defect 22): "plugins" must be a list … got an array, naming neither
    // the element nor its index; export default null gave 'unknown key "default"'.
    ['a plugin entry that is not a string', 'cfg-number', 'ridgeline.config.json: plugins[1] must be a non-empty string (a package name or path), got 1'],
    ['an empty plugin entry', 'cfg-empty', 'ridgeline.config.json: plugins[0] must be a non-empty string (a package name or path), got ""'],
    ['a default export of null', 'cfg-null', 'ridgeline.config.mjs: default export is null'],
    ['a config that is not an object', 'cfg-array', 'ridgeline.config.json must hold an object such as { "plugins": ["@acme/ridgeline-hardware"] }, got an array'],
    [
      'a plugin it lists that is missing',
      'cfg-missing',
      'ridgeline.config.json: cannot load hardware plugin "./nope.json": no file at <dir>/nope.json. Fix: check the path (relative paths are resolved from <dir>).',
    ],
  ])('reports %s in one line', async (_, sub, message) => {
    const cwd = join(dir, sub);
    expectUserError(await cli([...ESTIMATE, '--hardware', 'h100'], cwd), message.replaceAll('<dir>', cwd));
  });

  // Before (reliability defect 16): a config module that looped at import hung the CLI for ever.
  it('stops a ridgeline.config.mjs that never finishes importing, with one line', async () => {
    vi.stubEnv('RIDGELINE_PLUGIN_TIMEOUT_MS', '300');
    const cwd = join(dir, 'cfg-loop');
    const file = join(cwd, 'ridgeline.config.mjs');
    expectUserError(
      await cli([...ESTIMATE, '--hardware', 'h100'], cwd),
      `cannot load ridgeline.config.mjs: importing ${file} did not finish within 0.3 s (does the module loop or wait at import?); run \`node ${file}\` to see where it stops`,
    );
    vi.unstubAllEnvs();
  });

  it('reports invalid JSON with the parser message', async () => {
    const r = await cli([...ESTIMATE, '--hardware', 'h100'], join(dir, 'cfg-syntax'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: ridgeline\.config\.json is not valid JSON: .+\n$/);
  });
});
