import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, commandTree } from './command-tree.ts';
import { SHELLS } from './completion.ts';
import { main } from './run-cli.ts';
import { cli, expectUserError } from './test-cli.ts';

const commands = allCommands(await commandTree(main));
const scripts = Object.fromEntries(await Promise.all(SHELLS.map(async (shell) => [shell, (await cli(['completion', shell])).stdout] as const)));

/** Whether a program is installed (zsh and fish need not be, here or in CI). */
function has(program: string): boolean {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-completion-'));
  for (const shell of SHELLS) await writeFile(join(dir, `ridgeline.${shell}`), scripts[shell] ?? '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ridgeline completion', () => {
  it.each(SHELLS)('%s: names every command and every flag of it', (shell) => {
    const script = scripts[shell] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    for (const c of commands) {
      expect(script, c.path.join(' ')).toContain(c.path.join(' '));
      for (const [flag, def] of Object.entries(c.args)) if (def.type !== 'positional') expect(script, `${c.path.join(' ')} --${flag}`).toMatch(new RegExp(`(--| -l )${flag}\\b`));
    }
  });

  it('bash: parses with bash -n, and completes commands, flags, enum values, models and chips', () => {
    const file = join(dir, 'ridgeline.bash');
    execFileSync('bash', ['-n', file]);
    const complete = (...words: string[]): string =>
      execFileSync('bash', ['-c', `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _ridgeline; echo "\${COMPREPLY[*]}"`, 'bash', file, ...words], { encoding: 'utf8' }).trim();
    expect(complete('ridgeline', 'est')).toBe('estimate');
    expect(complete('ridgeline', 'hardware', 'sh')).toBe('show');
    expect(complete('ridgeline', 'estimate', '--wei')).toBe('--weights');
    expect(complete('ridgeline', 'estimate', '--weights', 'fp')).toBe('fp32 fp16 fp8 fp4');
    expect(complete('ridgeline', 'estimate', '--weights', '=', 'bf')).toBe('bf16');
    expect(complete('ridgeline', 'estimate', '--model', 'llama-3.1-40')).toBe('llama-3.1-405b');
    expect(complete('ridgeline', 'hardware', 'show', 'mi30')).toBe('mi300x');
    expect(complete('ridgeline', 'completion', '')).toBe('bash zsh fish');
    expect(complete('ridgeline', 'estimate', '--batch', '')).toBe('');
  });

  it.skipIf(!has('zsh'))('zsh: parses with zsh -n', () => {
    execFileSync('zsh', ['-n', join(dir, 'ridgeline.zsh')]);
  });

  it.skipIf(!has('fish'))('fish: parses, and completes commands and flags', () => {
    const file = join(dir, 'ridgeline.fish');
    execFileSync('fish', ['--no-execute', file]);
    const complete = (line: string): string => execFileSync('fish', ['-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' });
    expect(complete('ridgeline hardware ')).toMatch(/^list\t.*\nshow\t/m);
    expect(complete('ridgeline estimate --weights ')).toContain('bf16\t');
  });

  it('refuses a shell it does not know, naming the ones it does', async () => {
    expectUserError(await cli(['completion', 'tcsh']), '<shell> must be one of bash, zsh, fish, got "tcsh"');
    expectUserError(await cli(['completion']), 'missing argument <shell>. Run "ridgeline completion --help" for usage.');
  });
});
