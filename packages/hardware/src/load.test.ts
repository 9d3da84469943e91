import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HardwareLoadError, loadHardware } from './load.ts';
import { testPlugin } from './test-chip.ts';
import { HardwareValidationError } from './validate.ts';

let dir: string;
const json = JSON.stringify(testPlugin, null, 2);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-hardware-'));
  await writeFile(join(dir, 'plugin.json'), json);
  await writeFile(join(dir, 'plugin.mjs'), `export default ${json};\n`);
  await writeFile(join(dir, 'named.mjs'), `export const plugin = ${json};\n`);
  await writeFile(join(dir, 'broken.json'), '{ "apiVersion": 1, }');
  await writeFile(join(dir, 'throws.mjs'), 'throw new Error("boom");\n');
  await writeFile(join(dir, 'loops.mjs'), 'while (true) {}\nexport default {};\n');
  await writeFile(join(dir, 'waits.mjs'), 'await new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n');
  await writeFile(join(dir, 'function.mjs'), `export default { ...${json}, describe: () => 'a chip' };\n`);
  await writeFile(join(dir, 'invalid.json'), JSON.stringify({ ...testPlugin, meta: { name: 'bad-chips', version: '' } }));
  // An installed package, as a user's project would have it.
  const pkg = join(dir, 'node_modules', 'ridgeline-hardware-acme');
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'ridgeline-hardware-acme', type: 'module', exports: { '.': { default: './index.js' } } }),
  );
  await writeFile(join(pkg, 'index.js'), `export default ${json};\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('loadHardware loads', () => {
  test('a .json file relative to cwd', async () => {
    expect(await loadHardware('./plugin.json', { cwd: dir })).toEqual(testPlugin);
  });

  test('a .json file by absolute path', async () => {
    expect(await loadHardware(join(dir, 'plugin.json'))).toEqual(testPlugin);
  });

  test('an ES module exporting the plugin as default', async () => {
    expect(await loadHardware('./plugin.mjs', { cwd: dir })).toEqual(testPlugin);
  });

  test('an ES module exporting `plugin`', async () => {
    expect(await loadHardware(join(dir, 'named.mjs'))).toEqual(testPlugin);
  });

  test('an installed package, resolved from cwd', async () => {
    expect(await loadHardware('ridgeline-hardware-acme', { cwd: dir })).toEqual(testPlugin);
  });
});

describe('loadHardware fails clearly', () => {
  test('on a missing file', async () => {
    const error = await rejection(loadHardware('./missing.json', { cwd: dir }));
    expect(error).toBeInstanceOf(HardwareLoadError);
    expect(error).toMatchObject({
      name: 'HardwareLoadError',
      specifier: './missing.json',
      reason: 'not-found',
      message: `Cannot load hardware plugin "./missing.json": no file at ${join(dir, 'missing.json')}. Fix: check the path (relative paths are resolved from ${dir}).`,
    });
  });

  test('on a missing module file', async () => {
    const error = await rejection(loadHardware('./missing.mjs', { cwd: dir }));
    expect(error).toMatchObject({ reason: 'not-found', message: expect.stringContaining(`no file at ${join(dir, 'missing.mjs')}`) });
  });

  test('on a package that is not installed', async () => {
    const error = await rejection(loadHardware('ridgeline-hardware-nope', { cwd: dir }));
    expect(error).toBeInstanceOf(HardwareLoadError);
    expect((error as HardwareLoadError).message).toBe(
      `Cannot load hardware plugin "ridgeline-hardware-nope": no package "ridgeline-hardware-nope" is installed where ${dir} can see it. Fix: install it (pnpm add ridgeline-hardware-nope), or pass a path to the plugin file.`,
    );
  });

  test('on malformed JSON, naming the file and the parser error', async () => {
    const error = await rejection(loadHardware('./broken.json', { cwd: dir }));
    expect(error).toBeInstanceOf(HardwareLoadError);
    expect(error).toMatchObject({ reason: 'invalid-json' });
    const message = (error as HardwareLoadError).message;
    expect(message).toMatch(new RegExp(`^Cannot load hardware plugin "\\./broken\\.json": .*broken\\.json is not valid JSON \\(.+\\)\\. Fix: correct the JSON syntax there\\.$`));
    expect((error as HardwareLoadError).cause).toBeInstanceOf(SyntaxError);
  });

  test('on a module that throws when imported', async () => {
    const error = await rejection(loadHardware('./throws.mjs', { cwd: dir }));
    expect(error).toMatchObject({ reason: 'import-failed', message: expect.stringContaining('failed (boom)') });
  });

  // Before the timeout, a module that looped or waited at import hung whoever loaded it.
  test.each(['loops.mjs', 'waits.mjs'])('on a module that never finishes importing (%s), after the timeout', async (file) => {
    const error = await rejection(loadHardware(`./${file}`, { cwd: dir, importTimeoutMs: 300 }));
    expect(error).toBeInstanceOf(HardwareLoadError);
    expect(error).toMatchObject({
      reason: 'import-timed-out',
      message: `Cannot load hardware plugin "./${file}": importing ${join(dir, file)} did not finish within 0.3 s (does the module loop or wait at import?). Fix: a plugin module should only export its data; run \`node ${join(dir, file)}\` to see where it stops.`,
    });
  });

  test('on a module that exports more than data', async () => {
    const error = await rejection(loadHardware('./function.mjs', { cwd: dir }));
    expect(error).toMatchObject({ reason: 'import-failed', message: expect.stringContaining('failed (it exports something other than plain data (') });
  });

  test('on an invalid plugin, with HardwareValidationError', async () => {
    const error = await rejection(loadHardware('./invalid.json', { cwd: dir }));
    expect(error).toBeInstanceOf(HardwareValidationError);
    expect((error as HardwareValidationError).message).toBe(
      [
        'Invalid hardware plugin "bad-chips": 1 problem',
        '  - meta.version: must not be empty, got "" (allowed: a non-empty string). Fix: give the plugin version, e.g. "1.0.0".',
      ].join('\n'),
    );
  });
});
