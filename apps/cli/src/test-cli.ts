// Helpers for this package's tests (not built): run the CLI in-process and check its output.
import { expect } from 'vitest';
import { runCli } from './run-cli.ts';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ridgeline <argv>` in-process, capturing stdout, stderr and the exit code. */
export async function cli(argv: string[], cwd?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s) };
  const code = await runCli(argv, cwd === undefined ? io : { ...io, cwd });
  return { code, stdout, stderr };
}

/** A user mistake: exit 2, nothing on stdout, exactly `message` on stderr (so no stack). */
export function expectUserError(r: Run, message: string): void {
  expect(r.stderr).toBe(`ridgeline: error: ${message}\n`);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

/** No stack trace reached the user. */
export function expectNoStack(r: Run): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/**
 * An infeasible answer in text: exit 0, nothing on stderr, the report's title naming `reason`
 * and its "Why:" line starting with `why`.
 */
export function expectInfeasible(r: Run, reason: string, why: string): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`: infeasible \\(${reason}\\)$`));
  expect(r.stdout).toContain(`\nWhy: ${why}`);
}
