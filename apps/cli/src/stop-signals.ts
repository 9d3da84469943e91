import type { StopSignal } from './errors.ts';

/** Handle of `stopOnSignals`. */
export interface SignalStop {
  /** Aborted on the first SIGINT or SIGTERM; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  readonly received: () => StopSignal | undefined;
  /** Gives the signals back to Node's default: kill the process. */
  readonly release: () => void;
}

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * Until `release()`, SIGINT and SIGTERM abort `signal` instead of killing the process, so a command
 * can stop its work, remove its temporary files and say how far it got. Only the first signal is
 * caught: a second one kills as usual, for a cleanup that hangs.
 *
 * @example
 * const stop = stopOnSignals();
 * try { await runSweep(plan, { signal: stop.signal }); } finally { stop.release(); }
 */
export function stopOnSignals(): SignalStop {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    received ??= signal;
    release();
    controller.abort(signal);
  };
  const release = (): void => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return { signal: controller.signal, received: () => received, release };
}
