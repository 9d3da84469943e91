import { progress as clackProgress } from '@clack/prompts';
import { formatDuration, formatInteger, formatNumber } from '@ridgeline/format';

/** Seconds between two plain progress lines unless `--progress-interval` says otherwise. */
export const DEFAULT_PROGRESS_INTERVAL_S = 5;

/** What a run reports on: configurations swept, or rows written. */
export interface ProgressPhase {
  /** The phase's name at the start of each line: `sweep`, `writing rows`. */
  readonly label: string;
  /** What is counted: `configurations`. */
  readonly unit: string;
}

/** A progress display: `update` as work is done, `stop` once it ends (or fails). */
export interface Progress {
  readonly update: (done: number, total: number) => void;
  readonly stop: () => void;
}

/** The clock of plain progress lines, injectable for tests. */
export interface ProgressClock {
  /** Milliseconds, monotonic. */
  readonly now: () => number;
  /** Calls `fn` every `ms` until the returned function is called; must not keep the process alive. */
  readonly every: (ms: number, fn: () => void) => () => void;
}

const SYSTEM_CLOCK: ProgressClock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * One progress report: done of total with the share done, the rate since the start and the time
 * left at that rate; counts with thousands separators.
 *
 * @example
 * progressText({ label: 'sweep', unit: 'configurations' }, 1_234_567, 9_876_543, 2);
 * // 'sweep 1,234,567 of 9,876,543 configurations (12.5%), 617,284/s, ETA 14.0 s'
 */
export function progressText(phase: ProgressPhase, done: number, total: number, elapsedS: number): string {
  const share = total > 0 ? (100 * done) / total : 100;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = done >= total ? '0 s' : rate > 0 ? formatDuration((total - done) / rate) : 'unknown';
  return `${phase.label} ${formatInteger(done)} of ${formatInteger(total)} ${phase.unit} (${share.toFixed(1)}%), ${formatNumber(rate)}/s, ETA ${eta}`;
}

/**
 * Plain progress lines for a log (stderr that is no terminal: Slurm, Kubernetes, a redirect): one
 * when the work starts, then one at least every `intervalS` seconds while it runs — from the
 * engine's progress reports, and from a timer between them — each ending in a newline.
 *
 * @example
 * const p = progressLines({ label: 'sweep', unit: 'configurations' }, 5, (s) => process.stderr.write(s));
 * p.update(0, 1e9); // 'ridgeline: sweep 0 of 1,000,000,000 configurations (0.0%), 0/s, ETA unknown'
 */
export function progressLines(phase: ProgressPhase, intervalS: number, write: (s: string) => void, clock: ProgressClock = SYSTEM_CLOCK): Progress {
  const intervalMs = intervalS * 1000;
  let started: number | undefined;
  let printed = 0;
  let last: { done: number; total: number } | undefined;
  let cancel: (() => void) | undefined;
  const print = (): void => {
    if (last === undefined || started === undefined) return;
    printed = clock.now();
    write(`ridgeline: ${progressText(phase, last.done, last.total, (printed - started) / 1000)}\n`);
  };
  return {
    update(done, total) {
      last = { done, total };
      if (started === undefined) {
        started = clock.now();
        print();
        // between the engine's reports too, so a log never goes quiet for longer than the interval
        cancel = clock.every(intervalMs, () => {
          if (clock.now() - printed >= intervalMs) print();
        });
      } else if (clock.now() - printed >= intervalMs) {
        print();
      }
    },
    stop() {
      cancel?.();
      cancel = undefined;
    },
  };
}

/**
 * A bar on the terminal (`@clack/prompts`' progress, on stderr), with the same figures as the
 * plain lines; it clears itself when stopped, so the summary line replaces it.
 */
export function progressBar(phase: ProgressPhase, output: NodeJS.WriteStream = process.stderr): Progress {
  let bar: ReturnType<typeof clackProgress> | undefined;
  let started = 0;
  let shown = 0;
  return {
    update(done, total) {
      if (bar === undefined) {
        bar = clackProgress({ output, max: Math.max(1, total), size: 30, style: 'heavy', withGuide: false, indicator: 'dots', cancelMessage: ' ' });
        started = performance.now();
        bar.start(progressText(phase, done, total, 0));
        // clack puts a terminal stdin in raw mode while the bar runs and exits 0 on Ctrl-C; back in
        // cooked mode Ctrl-C is SIGINT again, which stops the sweep cleanly (stop-signals.ts)
        if (process.stdin.isTTY === true) process.stdin.setRawMode(false);
      }
      const step = Math.max(0, done - shown);
      shown += step;
      bar.advance(step, progressText(phase, done, total, (performance.now() - started) / 1000));
    },
    stop() {
      bar?.clear();
      bar = undefined;
    },
  };
}

/**
 * The progress display of a run: a bar when stderr is a terminal, plain lines every `intervalS`
 * seconds otherwise; nothing when `enabled` is false.
 */
export function progressFor(
  phase: ProgressPhase,
  options: { readonly interactive: boolean; readonly intervalS: number; readonly write: (s: string) => void; readonly enabled?: boolean },
): Progress {
  if (options.enabled === false) return { update: () => {}, stop: () => {} };
  return options.interactive ? progressBar(phase) : progressLines(phase, options.intervalS, options.write);
}
