/**
 * A mistake the user can fix (unknown id, bad number, unknown flag, broken plugin or config file).
 * `runCli` prints `ridgeline: error: <message>` to stderr, never a stack, and exits with code 2.
 *
 * @example
 * throw new UserError('--batch must be a positive integer, got "-4"');
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  /** Printed to stdout before the error line (used by `estimate --json` for infeasible results). */
  readonly stdout: string | undefined;
  constructor(message: string, options?: { readonly stdout?: string; readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.stdout = options?.stdout;
  }
}

/**
 * Exit codes of the `ridgeline` binary: 0 success, 1 internal error (a bug), 2 user mistake or
 * infeasible configuration.
 *
 * @example
 * if ((await runCli(argv)) === EXIT_CODES.user) …
 */
export const EXIT_CODES: { readonly ok: 0; readonly internal: 1; readonly user: 2 } = {
  ok: 0,
  internal: 1,
  user: 2,
};
