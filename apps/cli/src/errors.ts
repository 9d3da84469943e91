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

/**
 * Exit codes of the `ridgeline` binary: 0 success (an infeasible configuration is an answer, so 0
 * too), 1 internal error (a bug), 2 user mistake.
 *
 * @example
 * if ((await runCli(argv)) === EXIT_CODES.user) …
 */
export const EXIT_CODES: { readonly ok: 0; readonly internal: 1; readonly user: 2 } = {
  ok: 0,
  internal: 1,
  user: 2,
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
