import { readFileSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
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

const REFUSALS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  // a directory that exists and yet answers ENOENT to a new entry: /proc, /sys
  ENOENT: 'the file system takes no new entries there',
  EEXIST: 'a file or broken link is in the way',
  ENOSPC: 'the disk is full',
};

function refusal(error: unknown): string {
  const code = codeOf(error);
  return (typeof code === 'string' ? REFUSALS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Creates `dir` and its missing parents. Node's recursive mkdir spins forever where a parent exists
 * but answers ENOENT for its children (/proc: nodejs/node's recursive walk retries the parent), so
 * the first missing level is created on its own, which fails cleanly there, and the rest inside it.
 */
async function createDirectory(dir: string, cwd: string, shown: string): Promise<void> {
  let existing = dir;
  let firstMissing: string | undefined;
  for (;;) {
    try {
      if (!(await stat(existing)).isDirectory()) {
        const where = isAbsolute(shown) ? existing : relative(cwd, existing) || '.';
        throw new UserError(`${where} is a file, not a directory; choose a new or empty directory with --dir`);
      }
      break;
    } catch (error) {
      if (error instanceof UserError) throw error;
      const code = codeOf(error);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing) {
        throw new UserError(`--dir ${shown}: cannot read ${existing}: ${refusal(error)}`, { cause: error });
      }
      firstMissing = existing;
      existing = dirname(existing);
    }
  }
  if (firstMissing === undefined) return;
  try {
    await mkdir(firstMissing);
  } catch (error) {
    throw new UserError(`--dir ${shown}: cannot create a directory in ${existing}: ${refusal(error)}`, { cause: error });
  }
  await mkdir(dir, { recursive: true });
}

/** Refuses a directory that holds anything: scaffolding never overwrites. */
async function assertEmpty(dir: string, shown: string, typed: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    // missing, or a file in its place or on its path: createDirectory says which
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return;
    throw new UserError(`--dir ${typed}: cannot read the directory: ${refusal(error)}`, { cause: error });
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
    await assertEmpty(dir, shown, a.dir ?? shown);

    const options: ScaffoldOptions = { name, chipId, today: new Date().toISOString().slice(0, 10), ...versions() };
    // The template is data: check it as a host would before writing anything.
    const check = validateHardware(JSON.parse(JSON.stringify(placeholderPlugin(options))));
    if (!check.ok) throw new Error(`the plugin template is invalid:\n${formatIssues(check.issues, name)}`);

    const files = scaffoldFiles(options);
    await createDirectory(dir, io.cwd, a.dir ?? shown);
    for (const file of files) {
      const path = join(dir, file.path);
      try {
        // inside the directory just made or found empty: a recursive mkdir cannot meet /proc here
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content, { flag: 'wx' });
      } catch (error) {
        throw new UserError(`--dir ${a.dir ?? shown}: cannot write ${file.path}: ${refusal(error)}`, { cause: error });
      }
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
