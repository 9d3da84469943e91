// Helpers for this package's tests (not built): run the built CLI (`pnpm build` first) as a child
// process, as a shell or a job scheduler would, and wait for its output or its end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI's entry point. */
export const BUILT_MAIN: string = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** 10^12 configurations (four axes of 1,000 values): days of sweeping, for stopping a sweep midway. */
export const DAYS_SPEC = `models: [llama-3.1-8b]
hardware: [h100-sxm]
batch: { from: 1, to: 1000 }
inputTokens: { from: 1, to: 1000 }
outputTokens: { from: 1, to: 1000 }
chunkTokens: { from: 1024, to: 1024000, step: 1024 }
`;

/** How a child ended, with everything it printed. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started CLI: `exit` resolves once it has ended; `stderrWhen` once its stderr passes `test` (rejects if it ends first). */
export interface StartedCli {
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
  readonly stderrWhen: (test: (stderr: string) => boolean) => Promise<void>;
}

/** Every CLI `startBuiltCli` started, for `killStartedClis`. */
const started = new Set<ChildProcess>();

/** Throws, naming the fix, when the CLI has not been built (for a suite's beforeAll). */
export function requireBuiltCli(): void {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run "pnpm build" before these tests`);
}

/** Kills every started CLI still running, so no sweep outlives its suite (for a suite's afterAll). */
export function killStartedClis(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Starts the built CLI with `args` in `cwd`.
 *
 * @example
 * const { exit } = startBuiltCli(['sweep', 'spec.yaml', '--json'], dir);
 */
export function startBuiltCli(args: readonly string[], cwd: string): StartedCli {
  const child = spawn(process.execPath, [BUILT_MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stdout = '';
  let stderr = '';
  const waiting: { test: (stderr: string) => boolean; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiting) if (w.test(stderr)) w.resolve();
  });
  const exit = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const stderrWhen = (test: (stderr: string) => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      if (test(stderr)) resolve();
      else waiting.push({ test, resolve });
      void exit.then((r) => reject(new Error(`the CLI ended before the awaited output: ${r.stderr}`)));
    });
  return { child, exit, stderrWhen };
}
