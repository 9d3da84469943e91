import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateHardware, type HardwarePlugin } from '@ridgeline/hardware';
import { installHardware, typecheck } from '../scaffold-fixture.ts';
import { defaultChipId, numberLiteral, vendorSlug } from '../scaffold.ts';
import { cli, expectUserError } from '../test-cli.ts';

const FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src/index.ts', 'src/index.test.ts', 'README.md', '.gitignore'];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-plugin-init-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ridgeline plugin init', () => {
  let pkg: string;
  let stdout: string;

  beforeAll(async () => {
    const r = await cli(['plugin', 'init', '@acme/ridgeline-hardware'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
    pkg = join(dir, 'ridgeline-hardware');
  });

  it('writes a package into ./<name without scope> and says what to do next', async () => {
    for (const file of FILES) expect((await stat(join(pkg, file))).isFile(), file).toBe(true);
    expect(stdout).toBe(
      [
        'Created @acme/ridgeline-hardware in ridgeline-hardware with chip "acme-x1":',
        ...FILES.map((f) => `  ${f}`),
        '',
        'Every number in src/index.ts is a placeholder whose source starts with "TODO": replace them with your chip\'s figures. Then:',
        '  cd ridgeline-hardware',
        '  npm install',
        '  npm test',
        '',
      ].join('\n'),
    );
  });

  it('writes a publishable package.json with @ridgeline/hardware as a peer dependency', async () => {
    const json = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: '@acme/ridgeline-hardware',
      version: '0.1.0',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist'],
      scripts: { build: 'tsc -p tsconfig.build.json', test: 'vitest run', prepack: 'npm run build' },
      peerDependencies: { '@ridgeline/hardware': '^0.1.0' },
      devDependencies: { '@ridgeline/hardware': '^0.1.0', ridgeline: '^0.1.0', typescript: expect.any(String), vitest: expect.any(String) },
    });
  });

  it('generates a chip that passes validateHardware, every number with a TODO source', async () => {
    await installHardware(pkg);
    const module = (await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'src', 'index.ts')).href)) as { default: HardwarePlugin };
    const plugin = module.default;
    expect(validateHardware(JSON.parse(JSON.stringify(plugin)))).toEqual({ ok: true, plugin });
    expect(plugin.meta).toEqual({ name: '@acme/ridgeline-hardware', version: '0.1.0' });
    expect(plugin.chips.map((c) => c.id)).toEqual(['acme-x1']);
    const sources = JSON.stringify(plugin).match(/"source":"[^"]*"/g) ?? [];
    expect(sources.length).toBeGreaterThan(15);
    for (const source of sources) expect(source).toMatch(/^"source":"TODO placeholder: /);
  });

  it('generates TypeScript that type-checks against the plugin API (defineHardware, satisfies ChipSpec)', async () => {
    const source = await readFile(join(pkg, 'src', 'index.ts'), 'utf8');
    expect(source).toContain("import { defineHardware, type ChipSpec } from '@ridgeline/hardware';");
    expect(source).toContain('} satisfies ChipSpec;');
    expect(typecheck(pkg)).toEqual([]);
    const test = await readFile(join(pkg, 'src', 'index.test.ts'), 'utf8');
    expect(test).toContain('validateHardware(JSON.parse(JSON.stringify(plugin)))');
  }, 240_000);

  it('refuses a directory that is not empty, changing nothing', async () => {
    const before = await readFile(join(pkg, 'src', 'index.ts'), 'utf8');
    expectUserError(
      await cli(['plugin', 'init', '@acme/ridgeline-hardware'], dir),
      'directory ridgeline-hardware is not empty; plugin init never overwrites files, so choose a new or empty directory with --dir',
    );
    expect(await readFile(join(pkg, 'src', 'index.ts'), 'utf8')).toBe(before);
  });
});

describe('ridgeline plugin init options', () => {
  it('takes --dir (an empty directory is fine) and --chip-id', async () => {
    await mkdir(join(dir, 'empty'));
    const r = await cli(['plugin', 'init', 'ridgeline-hardware-bolt', '--dir', 'empty', '--chip-id', 'bolt-9.5'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Created ridgeline-hardware-bolt in empty with chip "bolt-9.5":');
    expect(await readdir(join(dir, 'empty'))).toEqual(expect.arrayContaining(['package.json', 'src', 'README.md']));
    const source = await readFile(join(dir, 'empty', 'src', 'index.ts'), 'utf8');
    expect(source).toContain("const bolt95 = {\n  id: 'bolt-9.5',\n  name: 'Bolt 9.5 (TODO: product name)',\n  vendor: 'Bolt',");
  });

  it('scaffolds into the working directory with --dir . when it is empty', async () => {
    const here = join(dir, 'here');
    await mkdir(here);
    const r = await cli(['plugin', 'init', 'acme-chips', '--dir', '.'], here);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created acme-chips in . with chip "acme-chips-x1":');
    expect(r.stdout).not.toContain('  cd ');
  });

  it.each([
    [['plugin', 'init', 'Acme Chips'], '"Acme Chips" is not a valid npm package name; use lowercase letters, digits, "-", "." and "_", optionally under a scope, e.g. @acme/ridgeline-hardware'],
    [['plugin', 'init', '@acme/x', '--chip-id', 'Acme X1'], '--chip-id must be kebab-case (lowercase letters and digits in words joined by "-", e.g. acme-x1), got "Acme X1"'],
    [['plugin', 'init'], 'missing argument <name>. Run "ridgeline plugin init --help" for usage.'],
  ])('rejects %j', async (argv, message) => {
    expectUserError(await cli(argv, dir), message);
  });

  it('refuses a file in place of the directory or on its path', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    expectUserError(
      await cli(['plugin', 'init', '@acme/x', '--dir', 'a-file'], dir),
      'a-file is a file, not a directory; choose a new or empty directory with --dir',
    );
    expectUserError(
      await cli(['plugin', 'init', '@acme/x', '--dir', 'a-file/sub/package'], dir),
      'a-file is a file, not a directory; choose a new or empty directory with --dir',
    );
  });

  it('creates missing parents of --dir', async () => {
    const r = await cli(['plugin', 'init', '@acme/x', '--dir', 'new/parents/x'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(join(dir, 'new', 'parents', 'x', 'src', 'index.ts'))).isFile()).toBe(true);
  });

  // Node's recursive mkdir spun forever on /proc/x (it exists as /proc, yet answers ENOENT for a child)
  it.runIf(process.platform === 'linux')('refuses a --dir where no directory can be made, at once, in one line', async () => {
    for (const [target, parent, reason] of [
      ['/proc/x', '/proc', 'the file system takes no new entries there'],
      ['/proc/x/y/z', '/proc', 'the file system takes no new entries there'],
      ['/sys/x', '/sys', 'permission denied'],
    ] as const) {
      // (a spin, as Node's recursive mkdir did on /proc, would hit the test's timeout)
      expectUserError(await cli(['plugin', 'init', '@acme/x', '--dir', target], dir), `--dir ${target}: cannot create a directory in ${parent}: ${reason}`);
    }
  });
});

describe('scaffold helpers', () => {
  it('derive the vendor and the default chip id from the package name', () => {
    expect(vendorSlug('@acme/ridgeline-hardware')).toBe('acme');
    expect(vendorSlug('ridgeline-hardware-acme-labs')).toBe('acme-labs');
    expect(vendorSlug('@big.co/plugin')).toBe('big-co');
    expect(defaultChipId('acme-ridgeline-hardware')).toBe('acme-x1');
  });

  it('write numbers as datasheets do', () => {
    expect([800e12, 96e9, 4e12, 10e-6, 1e-6, 0.9, 750, 0, 1.6e15].map(numberLiteral)).toEqual([
      '800e12',
      '96e9',
      '4e12',
      '10e-6',
      '1e-6',
      '0.9',
      '750',
      '0',
      '1.6e15',
    ]);
  });
});
