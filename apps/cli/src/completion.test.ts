import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { models } from '@ridgeline/catalog';
import { allCommands, commandTree, type CommandNode } from './command-tree.ts';
import { SHELLS } from './completion.ts';
import { firstPartyChips } from './registry.ts';
import { main } from './run-cli.ts';
import { cli, expectUserError } from './test-cli.ts';

const commands = allCommands(await commandTree(main));
const scripts = Object.fromEntries(await Promise.all(SHELLS.map(async (shell) => [shell, (await cli(['completion', shell])).stdout] as const)));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-completion-'));
  for (const shell of SHELLS) await writeFile(join(dir, `ridgeline.${shell}`), scripts[shell] ?? '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// zsh and fish need not be installed (CI has neither), so their scripts are read here in JS: a
// tokenizer with each shell's quoting rules, a check that every block it opens is closed in order,
// and the completions read back out of the script and compared with the command tree.

interface Token {
  readonly text: string;
  /** Some of it was quoted: never a keyword. */
  readonly quoted: boolean;
  /** An operator: a newline, `;`, `;;`, `(`, `)`, `|`, `&&`, `||` or a whole `(( … ))`. */
  readonly op: boolean;
  readonly line: number;
}

/**
 * The tokens of a zsh script: single quotes literal, double quotes and bare words with backslash
 * escapes, `${…}` kept whole, `(( … ))` one token, comments dropped. Throws on an unclosed quote.
 */
function zshTokens(script: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new Error(`${what} (line ${line})`);
  };
  while (i < script.length) {
    const c = script.charAt(i);
    if (c === '\n') {
      out.push({ text: '\n', quoted: false, op: true, line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '#') {
      while (i < script.length && script.charAt(i) !== '\n') i++;
    } else if (script.startsWith('((', i)) {
      const end = script.indexOf('))', i);
      if (end === -1 || script.slice(i, end).includes('\n')) fail('unclosed "(("');
      out.push({ text: script.slice(i, end + 2), quoted: false, op: true, line });
      i = end + 2;
    } else if (script.startsWith(';;', i) || script.startsWith('&&', i) || script.startsWith('||', i)) {
      out.push({ text: script.slice(i, i + 2), quoted: false, op: true, line });
      i += 2;
    } else if ('();|'.includes(c)) {
      out.push({ text: c, quoted: false, op: true, line });
      i++;
    } else {
      let text = '';
      let quoted = false;
      const start = line;
      while (i < script.length && !/[\s;()|&]/.test(script.charAt(i))) {
        const d = script.charAt(i);
        if (d === "'") {
          const end = script.indexOf("'", i + 1);
          if (end === -1) fail('unclosed single quote');
          text += script.slice(i + 1, end);
          line += (script.slice(i, end).match(/\n/g) ?? []).length;
          quoted = true;
          i = end + 1;
        } else if (d === '"') {
          // zsh: a backslash in double quotes escapes whatever follows
          const run = quotedRun(script, i, '"', () => true) ?? fail('unclosed double quote');
          text += run.text;
          line += run.newlines;
          quoted = true;
          i = run.next;
        } else if (d === '\\') {
          text += script.charAt(i + 1);
          quoted = true;
          i += 2;
        } else if (d === '$' && script.charAt(i + 1) === '{') {
          let depth = 0;
          let j = i + 1;
          for (; j < script.length; j++) {
            if (script.charAt(j) === '{') depth++;
            if (script.charAt(j) === '}' && --depth === 0) break;
            if (script.charAt(j) === '\n') fail('unclosed "${"');
          }
          if (j >= script.length) fail('unclosed "${"');
          text += script.slice(i, j + 1);
          i = j + 1;
        } else {
          text += d;
          i++;
        }
      }
      out.push({ text, quoted, op: false, line: start });
    }
  }
  return out;
}

/**
 * The text of the quoted run whose opening `quote` is at `i`: a backslash before a character that
 * `escapes` accepts yields that character, any other character itself. Returns the text, the index
 * after the closing quote and the newlines inside; undefined when the quote is never closed.
 */
function quotedRun(script: string, i: number, quote: string, escapes: (c: string) => boolean): { text: string; next: number; newlines: number } | undefined {
  let text = '';
  let newlines = 0;
  for (let j = i + 1; j < script.length; j++) {
    const c = script.charAt(j);
    if (c === quote) return { text, next: j + 1, newlines };
    if (c === '\\' && j + 1 < script.length && escapes(script.charAt(j + 1))) {
      text += script.charAt(++j);
      continue;
    }
    if (c === '\n') newlines++;
    text += c;
  }
  return undefined;
}

/**
 * The tokens of a fish script: single quotes take `\'` and `\\`, double quotes `\"`, `\\` and
 * `\$`, a bare backslash escapes the next character; `(` `)` (command substitution), `;` and
 * newlines are operators. Throws on an unclosed quote.
 */
function fishTokens(script: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new Error(`${what} (line ${line})`);
  };
  while (i < script.length) {
    const c = script.charAt(i);
    if (c === '\n' || c === ';' || c === '(' || c === ')') {
      out.push({ text: c, quoted: false, op: true, line });
      if (c === '\n') line++;
      i++;
    } else if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '#') {
      while (i < script.length && script.charAt(i) !== '\n') i++;
    } else {
      let text = '';
      let quoted = false;
      const start = line;
      while (i < script.length && !/[\s;()]/.test(script.charAt(i))) {
        const d = script.charAt(i);
        if (d === "'" || d === '"') {
          const escapable = d === "'" ? "'\\" : '"\\$';
          const run = quotedRun(script, i, d, (c) => escapable.includes(c)) ?? fail(`unclosed ${d === "'" ? 'single' : 'double'} quote`);
          text += run.text;
          line += run.newlines;
          quoted = true;
          i = run.next;
        } else if (d === '\\') {
          text += script.charAt(i + 1);
          quoted = true;
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      out.push({ text, quoted, op: false, line: start });
    }
  }
  return out;
}

const bare = (t: Token | undefined, word: string): boolean => t !== undefined && !t.op && !t.quoted && t.text === word;

/** zsh: every `if`, `case`, `do`, `{` and `(` closed by its own `fi`, `esac`, `done`, `}` and `)`, in order. */
function checkZshBlocks(tokens: readonly Token[]): void {
  const closers: Readonly<Record<string, string>> = { if: 'fi', case: 'esac', do: 'done', '{': '}', '(': ')' };
  const open: Token[] = [];
  for (const t of tokens) {
    const opener = (t.op && t.text === '(') || (!t.op && !t.quoted && closers[t.text] !== undefined);
    if (opener) {
      open.push(t);
    } else if ((t.op && t.text === ')') || (!t.op && !t.quoted && ['fi', 'esac', 'done', '}'].includes(t.text))) {
      const top = open.pop();
      if (top === undefined || closers[top.text] !== t.text) throw new Error(`"${t.text}" on line ${t.line} closes ${top === undefined ? 'nothing' : `"${top.text}" of line ${top.line}`}`);
    }
  }
  if (open.length > 0) throw new Error(`"${open[0]?.text}" of line ${open[0]?.line} is never closed`);
}

/** fish: every `function`, `for`, `switch`, `if`, `while` and `begin` closed by `end`, and every `(` by `)`. */
function checkFishBlocks(tokens: readonly Token[]): void {
  const open: Token[] = [];
  let commandStart = true;
  for (const t of tokens) {
    if (t.op) {
      if (t.text === '(') open.push(t);
      if (t.text === ')') {
        const top = open.pop();
        if (top?.text !== '(') throw new Error(`")" on line ${t.line} closes ${top === undefined ? 'nothing' : `"${top.text}" of line ${top.line}`}`);
      }
      commandStart = t.text !== ')';
      continue;
    }
    if (commandStart && !t.quoted && ['function', 'for', 'switch', 'if', 'while', 'begin'].includes(t.text)) open.push(t);
    if (commandStart && !t.quoted && t.text === 'end') {
      const top = open.pop();
      if (top === undefined || top.text === '(') throw new Error(`"end" on line ${t.line} closes ${top === undefined ? 'nothing' : `"(" of line ${top.line}`}`);
    }
    commandStart = false;
  }
  if (open.length > 0) throw new Error(`"${open[0]?.text}" of line ${open[0]?.line} is never closed`);
}

/** One arm of a zsh `case`: its patterns and the words of its action, up to `;;`. */
interface Arm {
  readonly subject: string;
  readonly patterns: readonly string[];
  readonly action: readonly string[];
}

/** Every arm of every `case` in the tokens, with the (unquoted) subject of its `case`. */
function zshArms(tokens: readonly Token[]): Arm[] {
  const arms: Arm[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!bare(tokens[i], 'case')) continue;
    const subject = tokens[i + 1]?.text ?? '';
    expect(bare(tokens[i + 2], 'in'), `"case ${subject}" is followed by "in"`).toBe(true);
    let j = i + 3;
    for (;;) {
      while (tokens[j]?.text === '\n' && tokens[j]?.op) j++;
      if (j >= tokens.length) throw new Error(`"case ${subject}" has no "esac"`);
      if (bare(tokens[j], 'esac')) break;
      expect(tokens[j]?.op && tokens[j]?.text === '(', `an arm of "case ${subject}" starts with "(" (line ${tokens[j]?.line})`).toBe(true);
      const patterns: string[] = [];
      for (j++; !(tokens[j]?.op === true && tokens[j]?.text === ')'); j++) {
        const t = tokens[j];
        if (t === undefined) throw new Error(`an arm of "case ${subject}" has no ")"`);
        if (!t.op) patterns.push(t.text);
        else expect(t.text, `patterns are separated by "|" (line ${t.line})`).toBe('|');
      }
      const action: string[] = [];
      let depth = 0;
      for (j++; !(depth === 0 && tokens[j]?.op === true && tokens[j]?.text === ';;'); j++) {
        const t = tokens[j];
        if (t === undefined) throw new Error(`an arm of "case ${subject}" has no ";;"`);
        if (t.op && t.text === '(') depth++;
        if (t.op && t.text === ')') depth--;
        if (t.text !== '\n') action.push(t.text);
      }
      arms.push({ subject, patterns, action });
      j++;
    }
    i = j;
  }
  return arms;
}

/** The words between `name=(` and `)`. */
function zshArray(tokens: readonly Token[], name: string): string[] {
  const at = tokens.findIndex((t) => !t.op && t.text === `${name}=` && tokens[tokens.indexOf(t) + 1]?.text === '(');
  expect(at, `${name}=( … )`).toBeGreaterThan(-1);
  const end = tokens.findIndex((t, k) => k > at + 1 && t.op && t.text === ')');
  return tokens.slice(at + 2, end).map((t) => t.text);
}

/** What a command's completion says, read back from a script. */
interface Read {
  /** The commands the words typed so far can name (every command but the root). */
  readonly descend: readonly string[];
  /** Each command's flags, by name without `--`. */
  readonly flags: ReadonlyMap<string, readonly string[]>;
  /** What each value-taking flag completes to: words, and whether files and which list. */
  readonly values: ReadonlyMap<string, string>;
  /** Each command group's sub-commands. */
  readonly subs: ReadonlyMap<string, readonly string[]>;
  readonly models: readonly string[];
  readonly chips: readonly string[];
}

function readZsh(script: string): Read {
  const tokens = zshTokens(script);
  checkZshBlocks(tokens);
  const arms = zshArms(tokens);
  const flags = new Map<string, string[]>();
  const subs = new Map<string, string[]>();
  const values = new Map<string, string>();
  for (const arm of arms.filter((a) => a.subject === '$cmd|$prev')) {
    const action = arm.action.join(' ');
    expect(action, arm.patterns.join('|')).toMatch(/; return$/);
    for (const pattern of arm.patterns) {
      expect(values.has(pattern), `${pattern} is in one arm`).toBe(false);
      values.set(pattern, action.replace(/ ; return$/, ''));
    }
  }
  for (const arm of arms.filter((a) => a.subject === '$cmd')) {
    expect(arm.patterns).toHaveLength(1);
    const [command = ''] = arm.patterns;
    const [head, open, ...rest] = arm.action;
    if (head !== 'flags=' && head !== 'subs=') continue;
    expect(open).toBe('(');
    const words = rest.slice(0, rest.indexOf(')'));
    // "--flag:description": the first unescaped colon ends the word
    const names = words.map((w) => w.split(/(?<!\\):/)[0] ?? '');
    if (head === 'flags=') flags.set(command, names.map((n) => n.replace(/^--/, '')));
    else subs.set(command, names);
  }
  const descendArms = arms.filter((a) => a.subject === '$cmd $w');
  expect(descendArms).toHaveLength(1);
  return { descend: descendArms[0]?.patterns ?? [], flags, values, subs, models: zshArray(tokens, 'models'), chips: zshArray(tokens, 'chips') };
}

/** The options of one fish `complete` command. */
interface Complete {
  readonly condition?: string;
  readonly long?: string;
  readonly args?: string;
  readonly description?: string;
  /** -r, -x, -F, -f as given. */
  readonly switches: readonly string[];
}

function readFish(script: string): Read {
  const tokens = fishTokens(script);
  checkFishBlocks(tokens);
  const lines: Token[][] = [[]];
  for (const t of tokens) {
    if (t.op && (t.text === '\n' || t.text === ';')) lines.push([]);
    else lines.at(-1)?.push(t);
  }
  const descend = lines.find((l) => bare(l[0], 'case'))?.slice(1).map((t) => t.text) ?? [];
  const completes: Complete[] = [];
  for (const line of lines.filter((l) => bare(l[0], 'complete'))) {
    const options: { condition?: string; long?: string; args?: string; description?: string; switches: string[] } = { switches: [] };
    for (let k = 1; k < line.length; k++) {
      const option = line[k]?.text ?? '';
      const value = (): string => {
        const v = line[++k];
        if (v === undefined) throw new Error(`${option} needs a value (line ${line[0]?.line})`);
        return v.text;
      };
      if (option === '-c') expect(value()).toBe('ridgeline');
      else if (option === '-n') options.condition = value();
      else if (option === '-l') options.long = value();
      else if (option === '-a') options.args = value();
      else if (option === '-d') options.description = value();
      else if (['-r', '-x', '-F', '-f'].includes(option)) options.switches.push(option);
      else throw new Error(`unknown option "${option}" of complete (line ${line[0]?.line})`);
    }
    completes.push(options);
  }
  expect(completes[0], 'files only where a value is a path').toEqual({ switches: ['-f'] });
  const flags = new Map<string, string[]>();
  const subs = new Map<string, string[]>();
  const values = new Map<string, string>();
  const models = new Set<string>();
  const chips = new Set<string>();
  for (const c of completes.slice(1)) {
    const condition = fishTokens(c.condition ?? '').map((t) => t.text);
    expect(condition[0], c.condition).toBe('__ridgeline_is');
    expect(condition, c.condition).toHaveLength(2);
    const command = condition[1] ?? '';
    const node = commands.find((n) => n.path.join(' ') === command);
    expect(node, `${command} is a command`).toBeDefined();
    if (c.long === undefined) {
      // a sub-command (with its description), or the positional's candidates
      if (node !== undefined && node.subCommands.length > 0) {
        expect(c.description ?? '', `${command} ${c.args ?? ''}: a description`).not.toBe('');
        subs.set(command, [...(subs.get(command) ?? []), c.args ?? '']);
      }
      continue;
    }
    expect(c.description ?? '', `${command} --${c.long}: a description`).not.toBe('');
    flags.set(command, [...(flags.get(command) ?? []), c.long]);
    const takesValue = c.switches.includes('-r') || c.switches.includes('-x');
    if (!takesValue) {
      expect(c.switches, `${command} --${c.long}`).toEqual([]);
      continue;
    }
    const words = c.args ?? '';
    const files = c.switches.includes('-F');
    // -x turns files off; a path value keeps them (-r -F)
    expect(c.switches.includes('-x'), `${command} --${c.long}: -x exactly where no file completes`).toBe(!files);
    const ids = words.split(' ');
    if (ids.includes('llama-3.1-8b')) ids.forEach((id) => models.add(id));
    if (ids.includes('h100-sxm')) ids.forEach((id) => chips.add(id));
    values.set(`${command}|--${c.long}`, `${words}${files ? ' +files' : ''}`);
  }
  return { descend, flags, values, subs, models: [...models], chips: [...chips] };
}

const path = (c: CommandNode): string => c.path.join(' ');
const flagsOf = (c: CommandNode): string[] => Object.entries(c.args).filter(([, d]) => d.type !== 'positional').map(([n]) => n);

/** The checks both readings must pass: they say what the command tree says. */
function expectMatchesTree(read: Read, shell: 'zsh' | 'fish'): void {
  expect(read.descend).toEqual(commands.filter((c) => c.path.length > 1).map(path));
  expect(read.models).toEqual(models.map((m) => m.id));
  expect(read.chips).toEqual(firstPartyChips().map((c) => c.id));
  for (const c of commands) {
    const flags = flagsOf(c);
    expect(read.flags.get(path(c)) ?? [], `${path(c)}: its flags`).toEqual(flags);
    if (c.subCommands.length > 0) expect(read.subs.get(path(c)), `${path(c)}: its sub-commands`).toEqual(c.subCommands.map((s) => s.path.at(-1)));
    for (const flag of flags) {
      const def = c.args[flag];
      const value = read.values.get(`${path(c)}|--${flag}`);
      const where = `${path(c)} --${flag}`;
      if (def?.type === 'boolean') {
        expect(value, `${where} takes no value`).toBeUndefined();
        continue;
      }
      expect(value, `${where} completes a value`).toBeDefined();
      const text = value ?? '';
      if (def?.type === 'enum') {
        expect(text, where).toBe(shell === 'zsh' ? `compadd -- ${(def.options ?? []).join(' ')}` : (def.options ?? []).join(' '));
      } else if (flag === 'model' || flag === 'draft-model') {
        expect(text, where).toBe(shell === 'zsh' ? 'compadd -a models ; _files' : `${models.map((m) => m.id).join(' ')} +files`);
      } else if (flag === 'hardware' || flag === 'prefill-hardware') {
        expect(text, where).toBe(shell === 'zsh' ? 'compadd -a chips ; _files' : `${firstPartyChips().map((ch) => ch.id).join(' ')} +files`);
      } else if (flag === 'plugin' || flag === 'out' || flag === 'dir') {
        expect(text, where).toBe(shell === 'zsh' ? '_files' : ' +files');
      } else if (flag === 'stack' || flag === 'efficiency-profile') {
        const names = shell === 'zsh' ? text.replace(/^compadd -- /, '').split(' ') : text.split(' ');
        expect(names, where).toEqual(expect.arrayContaining(['2023', 'sglang', 'trtllm']));
      } else {
        // a number, a list or a name to type: nothing to offer
        expect(text, where).toBe(shell === 'zsh' ? ':' : '');
      }
    }
  }
}

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
    expect(complete('ridgeline', 'estimate', '--stack', 'sg')).toBe('sglang');
    expect(complete('ridgeline', 'plugin', '')).toBe('init check');
  });

  it('zsh: quotes close, blocks nest, and the script completes what the command tree has', () => {
    const script = scripts['zsh'] ?? '';
    expect(script.startsWith('#compdef ridgeline\n')).toBe(true);
    const read = readZsh(script);
    expectMatchesTree(read, 'zsh');
    // positionals: chips, models, files and the shells
    const arms = zshArms(zshTokens(script)).filter((a) => a.subject === '$cmd');
    const positional = (command: string): string => arms.find((a) => a.patterns[0] === command && a.action[0] !== 'flags=' && a.action[0] !== 'subs=')?.action.join(' ') ?? '';
    expect(positional('ridgeline hardware show')).toBe('compadd -a chips ; _files');
    expect(positional('ridgeline models show')).toBe('compadd -a models ; _files');
    expect(positional('ridgeline sweep')).toBe('_files');
    expect(positional('ridgeline plugin check')).toBe('_files');
    expect(positional('ridgeline completion')).toBe('compadd -- bash zsh fish');
    // loaded by compinit from fpath, or sourced
    expect(script).toMatch(/\nif \[\[ "\$\{funcstack\[1\]\}" == "_ridgeline" \]\]; then\n {2}_ridgeline "\$@"\nelse\n {2}compdef _ridgeline ridgeline\nfi\n$/);
  });

  it('fish: quotes close, blocks end, and the script completes what the command tree has', () => {
    const read = readFish(scripts['fish'] ?? '');
    expectMatchesTree(read, 'fish');
    expect(read.values.get('ridgeline estimate|--weights')).toBe('fp32 bf16 fp16 fp8 int8 fp4 int4');
  });

  it('the JS readers catch a broken script: an unclosed quote, a block left open, a flag missing', () => {
    const zsh = scripts['zsh'] ?? '';
    const fish = scripts['fish'] ?? '';
    expect(() => readZsh(`${zsh}echo 'unclosed\n`)).toThrow(/unclosed single quote/);
    // a stray quote: unclosed at the end, or (where a later '\'' puts the quoting back in step) flags read wrong
    expect(() => expectMatchesTree(readZsh(zsh.replace("'--json:Print", "'--json:Print'")), 'zsh')).toThrow();
    expect(() => readZsh(zsh.replace(/\n {2}esac\n}/, '\n}'))).toThrow(/closes "case"|never closed/);
    expect(() => expectMatchesTree(readZsh(zsh.replace("'--yes:", "'--yess:")), 'zsh')).toThrow(/ridgeline sweep: its flags/);
    expect(() => readFish(`${fish}echo "unclosed\n`)).toThrow(/unclosed double quote/);
    expect(() => readFish(fish.replace("-l json -d 'Print", "-l json -d 'Print'"))).toThrow();
    expect(() => readFish(fish.replace('    echo $cmd\nend\n', '    echo $cmd\n'))).toThrow(/never closed/);
    expect(() => expectMatchesTree(readFish(fish.replace(/\n[^\n]*-l stack[^\n]*/, '')), 'fish')).toThrow(/its flags/);
  });

  it('refuses a shell it does not know, naming the ones it does', async () => {
    expectUserError(await cli(['completion', 'tcsh']), '<shell> must be one of bash, zsh, fish, got "tcsh"');
    expectUserError(await cli(['completion']), 'missing argument <shell>. Run "ridgeline completion --help" for usage.');
  });
});
