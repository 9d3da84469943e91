import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand, type CommandDef } from 'citty';
import { formatIssues, validateHardware } from '@ridgeline/hardware';
import { quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { CHIP_ID, defaultChipId, isPackageName, placeholderPlugin, scaffoldFiles, type ScaffoldOptions } from '../scaffold.ts';

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** The versions the new package depends on: the @ridgeline/hardware and ridgeline this CLI runs with. */
function versions(): { readonly hardwareVersion: string; readonly cliVersion: string } {
  const require = createRequire(import.meta.url);
  return {
    hardwareVersion: versionOf(require.resolve('@ridgeline/hardware/package.json')),
    cliVersion: versionOf(fileURLToPath(new URL('../../package.json', import.meta.url))),
  };
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** Refuses a directory that holds anything: scaffolding never overwrites. */
async function assertEmpty(dir: string, shown: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    if (codeOf(error) === 'ENOTDIR') throw new UserError(`${shown} is a file, not a directory; choose a new or empty directory with --dir`);
    throw new UserError(`cannot read directory ${shown}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (entries.length > 0) {
    throw new UserError(`directory ${shown} is not empty; plugin init never overwrites files, so choose a new or empty directory with --dir`);
  }
}

const args = {
  name: {
    type: 'positional',
    required: true,
    valueHint: 'package-name',
    description: 'npm name of the plugin package, e.g. @acme/ridgeline-hardware',
  },
  dir: { type: 'string', valueHint: 'path', description: 'Directory to create it in, new or empty (default: ./<name without scope>)' },
  'chip-id': { type: 'string', valueHint: 'id', description: 'Kebab-case id of the first chip (default: <vendor>-x1)' },
} as const;

/** `ridgeline plugin init <name>`: scaffolds a hardware-plugin package that validates as generated. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'init', description: 'Scaffold a hardware-plugin package: typed chip with sources, test, README' },
  args,
  async run({ args: a, data }) {
    const io = ioOf(data);
    const name = a.name.trim();
    if (!isPackageName(name)) {
      throw new UserError(
        `${quoted(name)} is not a valid npm package name; use lowercase letters, digits, "-", "." and "_", optionally under a scope, e.g. @acme/ridgeline-hardware`,
      );
    }
    const chipId = (a['chip-id'] ?? defaultChipId(name)).trim();
    if (!CHIP_ID.test(chipId)) {
      throw new UserError(`--chip-id must be kebab-case (lowercase letters and digits in words joined by "-", e.g. acme-x1), got ${quoted(chipId)}`);
    }
    const dir = resolve(io.cwd, a.dir ?? basename(name));
    const shown = relative(io.cwd, dir) === '' ? '.' : relative(io.cwd, dir);
    await assertEmpty(dir, shown);

    const options: ScaffoldOptions = { name, chipId, today: new Date().toISOString().slice(0, 10), ...versions() };
    // The template is data: check it as a host would before writing anything.
    const check = validateHardware(JSON.parse(JSON.stringify(placeholderPlugin(options))));
    if (!check.ok) throw new Error(`the plugin template is invalid:\n${formatIssues(check.issues, name)}`);

    const files = scaffoldFiles(options);
    for (const file of files) {
      const path = join(dir, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, { flag: 'wx' });
    }
    const cd = shown === '.' ? [] : [`  cd ${shown}`];
    io.stdout(
      [
        `Created ${name} in ${shown} with chip "${chipId}":`,
        ...files.map((f) => `  ${f.path}`),
        '',
        'Every number in src/index.ts is a placeholder whose source starts with "TODO": replace them with your chip\'s figures. Then:',
        ...cd,
        '  npm install',
        '  npm test',
        '',
      ].join('\n'),
    );
  },
});

export default command;
