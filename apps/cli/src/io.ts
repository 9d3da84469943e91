/** Where a command writes, and the directory it resolves relative paths from. */
export interface CliIo {
  /** Results (reports, tables, JSON). */
  readonly stdout: (s: string) => void;
  /** Errors, warnings and progress. */
  readonly stderr: (s: string) => void;
  /** Directory that relative `--model`/`--hardware` paths resolve from; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Whether long commands show progress (a bar on a terminal, lines in a log); default true. False
   * gives what a terminal keeps once its bar has cleared, as the README transcripts show it.
   */
  readonly progress?: boolean;
}

/** The io `runCli` passes to commands as citty's `data`; `cwd` is always resolved. */
export interface CommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
  /** See `CliIo.progress`; undefined means true. */
  readonly progress?: boolean;
}

/**
 * The io a command was started with (`runCli` passes it as citty's `data`).
 *
 * @example
 * run: ({ data }) => ioOf(data).stdout('hello\n')
 */
export function ioOf(data: unknown): CommandIo {
  if (typeof data === 'object' && data !== null && 'stdout' in data && 'stderr' in data && 'cwd' in data) {
    return data as CommandIo;
  }
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    cwd: process.cwd(),
  };
}
