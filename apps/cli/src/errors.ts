/**
 * A mistake the user can fix (unknown id, bad number, unknown flag, broken plugin or config file).
 * `runCli` prints `ridgeline: error: <message>` to stderr on one line, never a stack, and exits
 * with code 2.
 *
 * @example
 * throw new UserError('--batch must be a positive integer, got "-4"');
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The signals a long command stops on, cleaning up, rather than dying where it stands. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * The run was stopped by SIGINT or SIGTERM, its temporary files removed. `runCli` prints
 * `ridgeline: <message>` (how far it got, and that nothing was written) and exits 128 + the
 * signal's number, as a shell reports a command the signal killed: 130 for SIGINT, 143 for SIGTERM.
 *
 * @example
 * throw new Interrupted('SIGINT', 'interrupted at 1,234,567 of 9,876,543 configurations; nothing written to out.csv');
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  readonly signal: StopSignal;
  constructor(signal: StopSignal, message: string) {
    super(message);
    this.signal = signal;
  }
}

/**
 * Exit codes of the `ridgeline` binary: 0 success (an infeasible configuration is an answer, so 0
 * too), 1 internal error (a bug), 2 user mistake, 130 and 143 stopped by SIGINT and SIGTERM.
 *
 * @example
 * if ((await runCli(argv)) === EXIT_CODES.user) …
 */
export const EXIT_CODES: { readonly ok: 0; readonly internal: 1; readonly user: 2; readonly interrupted: 130; readonly terminated: 143 } = {
  ok: 0,
  internal: 1,
  user: 2,
  interrupted: 130,
  terminated: 143,
};

/**
 * A name or value as a message quotes it: in double quotes, with JSON's escapes, so quotes and
 * control characters in a plugin name, a file name or a typo show as `\"` and `\u001b` instead of
 * reaching the terminal.
 *
 * @example
 * quoted('acme\u001b[2J'); // '"acme\\u001b[2J"'
 */
export function quoted(text: string): string {
  return JSON.stringify(text);
}
