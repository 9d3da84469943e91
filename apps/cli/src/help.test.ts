// Every command's --help has examples that parse (and, where they need no files of yours, run),
// and writes its defaults one way.
import type { ArgsDef } from 'citty';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkArgs } from './args.ts';
import { allCommands, commandTree } from './command-tree.ts';
import { EXAMPLES } from './help.ts';
import { main } from './run-cli.ts';
import { cli } from './test-cli.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const commands = allCommands(await commandTree(main));
const paths = commands.map((c) => c.path.join(' '));

/** The words of an example as a POSIX shell splits them, up to a redirection. */
function words(command: string): string[] {
  const out: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? '';
    if (match[2] !== undefined && /^[<>|]/.test(word)) break;
    out.push(word);
  }
  return out;
}

/** The command an example runs and its arguments: the longest command path its words start with. */
function split(command: string): { readonly path: string; readonly rest: string[] } {
  const all = words(command);
  let n = 1;
  while (n < all.length && paths.includes(all.slice(0, n + 1).join(' '))) n++;
  return { path: all.slice(0, n).join(' '), rest: all.slice(n) };
}

describe('--help', () => {
  it('has examples for every command, and none for a command that does not exist', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...paths].sort());
    for (const path of paths) expect(EXAMPLES[path]?.length, path).toBeGreaterThan(0);
  });

  it.each(paths)('%s --help ends with its examples and writes defaults as "(default: …)"', async (path) => {
    const r = await cli([...path.split(' ').slice(1), '--help']);
    expect(r.code).toBe(0);
    const [, examples = ''] = r.stdout.split('\nEXAMPLES\n\n');
    for (const e of EXAMPLES[path] ?? []) expect(examples).toContain(`  # ${e.what}\n  ${e.command}\n`);
    const defaults = r.stdout.match(/default/gi) ?? [];
    expect(r.stdout.match(/\(default: /g) ?? [], 'every "default" is "(default: …)"').toHaveLength(defaults.length);
    // a flag states its default once
    for (const line of r.stdout.split('\n')) expect((line.match(/\(default: /g) ?? []).length, line).toBeLessThanOrEqual(1);
  });

  const examples = Object.entries(EXAMPLES).flatMap(([path, list]) => list.map((e) => ({ path, ...e })));
  it.each(examples)('$command is a command of "$path" with flags it takes', ({ path, command }) => {
    const { path: runs, rest } = split(command);
    const node = commands.find((c) => c.path.join(' ') === runs);
    expect(node, command).toBeDefined();
    expect(() => checkArgs(rest, node?.args as ArgsDef, runs)).not.toThrow();
    // an example shows its own command, or one of its sub-commands
    expect(runs.startsWith(path), command).toBe(true);
  });

  it.each(examples.filter((e) => e.files === undefined))('$command runs, exit 0', async ({ command }) => {
    const r = await cli(words(command).slice(1), ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/: infeasible \(/);
  });
});
