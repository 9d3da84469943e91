import { readFileSync } from 'node:fs';
import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef, type Resolvable } from 'citty';
import { checkArgs, normalizeEnumValues } from './args.ts';
import { EXIT_CODES, Interrupted, quoted, UserError } from './errors.ts';
import type { CliIo, CommandIo } from './io.ts';
import { didYouMean } from './suggest.ts';
import { withExamples } from './help.ts';
import { oneLine, terminalSafe } from './terminal.ts';

const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The `ridgeline` command tree (citty); sub-commands load on first use. `runCli` walks it.
 *
 * @example
 * await renderUsage(main); // the top-level help
 */
export const main: CommandDef = defineCommand({
  meta: {
    name: 'ridgeline',
    version: VERSION,
    description: 'What limits an AI model on given hardware, and what a token costs',
  },
  subCommands: {
    estimate: () => import('./commands/estimate.ts').then((m) => m.default),
    train: () => import('./commands/train.ts').then((m) => m.default),
    hardware: () => import('./commands/hardware.ts').then((m) => m.default),
    models: () => import('./commands/models.ts').then((m) => m.default),
    calibrate: () => import('./commands/calibrate.ts').then((m) => m.default),
    plugin: () => import('./commands/plugin.ts').then((m) => m.default),
    plan: () => import('./commands/plan.ts').then((m) => m.default as unknown as CommandDef),
    sweep: () => import('./commands/sweep.ts').then((m) => m.default as unknown as CommandDef),
    merge: () => import('./commands/merge.ts').then((m) => m.default as unknown as CommandDef),
    completion: () => import('./commands/completion.ts').then((m) => m.default as unknown as CommandDef),
  },
});

async function resolveValue<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

const HELP_FLAGS = new Set(['--help', '-h']);

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => HELP_FLAGS.has(a));
}

interface Resolved {
  readonly cmd: CommandDef;
  /** `ridgeline`, `ridgeline hardware`, `ridgeline hardware show`, … */
  readonly path: readonly string[];
  /** The arguments left for `cmd` once the sub-command names are taken out. */
  readonly rest: readonly string[];
}

/**
 * Walks the sub-command tree: the first non-flag argument of a command with sub-commands names
 * one of them (or the command's `default` is used). Command groups take no value flags, so a
 * non-flag argument is always a command name.
 */
async function resolveCommand(root: CommandDef, argv: readonly string[]): Promise<Resolved> {
  let cmd = root;
  const path = ['ridgeline'];
  let rest = [...argv];
  for (;;) {
    const subCommands = cmd.subCommands === undefined ? undefined : await resolveValue(cmd.subCommands);
    if (subCommands === undefined || Object.keys(subCommands).length === 0) break;
    const end = rest.indexOf('--');
    const index = rest.findIndex((a, i) => (end === -1 || i < end) && !a.startsWith('-'));
    let name: string;
    if (index === -1) {
      if (wantsHelp(rest) || cmd.default === undefined) break;
      name = await resolveValue(cmd.default);
    } else {
      name = rest[index] ?? '';
      rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
    }
    const sub = subCommands[name];
    if (sub === undefined) {
      const where = path.join(' ');
      const hint = didYouMean(name, Object.keys(subCommands));
      throw new UserError(`unknown command ${quoted(name)} for "${where}".${hint} Run "${where} --help" to see all.`);
    }
    cmd = (await resolveValue(sub)) as CommandDef;
    path.push(name);
  }
  return { cmd, path, rest };
}

const ANSI = /\u001B\[[0-9;]*m/g;

function plain(text: string): string {
  return text.replace(ANSI, '');
}

/** citty pads help columns to full width; drop the trailing spaces. */
function trimLines(text: string): string {
  return text.replace(/[ \t]+$/gm, '');
}

/** Rewords citty's argument errors in the CLI's own voice (`--flag must be …, got "…"`). */
function cittyMessage(message: string, command: string): string {
  const text = plain(message);
  const usage = `Run "${command} --help" for usage.`;
  const invalid = /^Invalid value for argument: (--\S+) \((.*)\)\. Expected one of: (.*)\.$/.exec(text);
  if (invalid !== null) return `${invalid[1]} must be one of ${invalid[3]}, got "${invalid[2]}"`;
  const missingFlag = /^Missing required argument: (--\S+)$/.exec(text);
  if (missingFlag !== null) return `missing required flag ${missingFlag[1]}. ${usage}`;
  const missingPositional = /^Missing required positional argument: (\S+)$/.exec(text);
  if (missingPositional !== null) return `missing argument <${(missingPositional[1] ?? '').toLowerCase()}>. ${usage}`;
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** Errors other packages throw for user input; reported like `UserError` if a command did not wrap them. */
const USER_ERROR_NAMES = new Set(['InputError', 'HardwareValidationError', 'ConfigError']);

function debugEnabled(): boolean {
  const debug = process.env['DEBUG'] ?? '';
  return debug.split(/[\s,]+/).some((d) => d === '*' || d === 'ridgeline' || d === 'ridgeline:*' || d === 'ridgeline*');
}

/**
 * Reports an error on one line of stderr (`oneLine`): a user mistake with exit 2, anything else
 * as an internal error with exit 1 and, under DEBUG=ridgeline, its stack on the lines after.
 */
function report(error: unknown, io: CommandIo, command: string): number {
  const line = (message: string): void => io.stderr(`ridgeline: error: ${oneLine(message)}\n`);
  if (error instanceof Interrupted) {
    io.stderr(`ridgeline: ${oneLine(error.message)}\n`);
    return error.signal === 'SIGINT' ? EXIT_CODES.interrupted : EXIT_CODES.terminated;
  }
  if (error instanceof UserError) {
    line(error.message);
    if (debugEnabled() && error.cause instanceof Error) io.stderr(`${error.cause.stack ?? String(error.cause)}\n`);
    return EXIT_CODES.user;
  }
  if (error instanceof Error && error.name === 'CLIError') {
    line(cittyMessage(error.message, command));
    return EXIT_CODES.user;
  }
  if (error instanceof Error && USER_ERROR_NAMES.has(error.name)) {
    line(error.message);
    return EXIT_CODES.user;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (debugEnabled()) {
    io.stderr(`ridgeline: internal error: ${oneLine(message)}\n`);
    io.stderr(`${error instanceof Error ? (error.stack ?? message) : message}\n`);
  } else {
    io.stderr(`ridgeline: internal error: ${oneLine(message)} (a bug in ridgeline; run again with DEBUG=ridgeline for a stack trace and report it)\n`);
  }
  return EXIT_CODES.internal;
}

function useColor(io: CliIo | undefined): boolean {
  return io === undefined && process.stdout.isTTY === true && (process.env['NO_COLOR'] ?? '') === '';
}

/**
 * Runs the `ridgeline` CLI in-process and returns its exit code: 0 on success, 2 for a user
 * mistake (one line `ridgeline: error: …` on stderr, no stack), 1 for an internal error, 130 or
 * 143 for a sweep stopped by SIGINT or SIGTERM.
 * Results go to `io.stdout`, errors and notes to `io.stderr` (both default to the process's).
 *
 * @example
 * let out = '';
 * const code = await runCli(['hardware', 'list', '--json'], { stdout: (s) => (out += s), stderr: () => {} });
 */
export async function runCli(argv: readonly string[], io?: CliIo): Promise<number> {
  const stdout = io?.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = io?.stderr ?? ((s: string) => void process.stderr.write(s));
  // Every command writes through these, so no text from a plugin or a file reaches the terminal raw.
  const out: CommandIo = {
    stdout: (s) => stdout(terminalSafe(s)),
    stderr: (s) => stderr(terminalSafe(s)),
    cwd: io?.cwd ?? process.cwd(),
    ...(io?.progress === undefined ? {} : { progress: io.progress }),
  };
  let command = 'ridgeline';
  try {
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
      out.stdout(`${VERSION}\n`);
      return EXIT_CODES.ok;
    }
    const { cmd, path, rest } = await resolveCommand(main, argv);
    command = path.join(' ');
    if (wantsHelp(rest) || (cmd.run === undefined && rest.length === 0)) {
      const parent: CommandDef | undefined =
        path.length > 1 ? { meta: { name: path.slice(0, -1).join(' '), version: VERSION } } : undefined;
      const usage = await renderUsage(cmd, parent);
      const color = useColor(io);
      // the help is this CLI's own text; its colours are the only escape sequences let through
      stdout(`${trimLines(withExamples(color ? usage : plain(usage), command, color))}\n`);
      return EXIT_CODES.ok;
    }
    const argsDef: ArgsDef = cmd.args === undefined ? {} : await resolveValue(cmd.args);
    checkArgs(rest, argsDef, command);
    await runCommand(cmd, { rawArgs: normalizeEnumValues(rest, argsDef), data: out });
    return EXIT_CODES.ok;
  } catch (error) {
    return report(error, out, command);
  }
}
