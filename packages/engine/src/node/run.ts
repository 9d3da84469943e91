import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { createEngine, type Engine } from '../engine.ts';
import { groupSegments, groupShapeOf } from '../groups.ts';
import type { AnySweepPlan } from '../plan.ts';
import { sweepRange } from '../sweep.ts';
import { emptyState, mergeStates, unpackState, type SweepState } from '../state.ts';
import { leasePool } from './pool.ts';

/** Options for `runSweep`. */
export interface RunSweepOptions {
  /**
   * Worker threads; 1 runs on the calling thread. Default: `defaultThreads` of the sweep's size —
   * one thread for a small sweep, up to os.availableParallelism() for a large one.
   */
  readonly threads?: number;
  /** The slice of the index space to run (default: all of it); see `shardRange`. */
  readonly range?: readonly [number, number];
  /** Called about every 100 ms with the configurations done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** An engine to reuse (default: `createEngine()`). */
  readonly engine?: Engine;
  /** Configurations per kernel call inside a task (default 2^20). */
  readonly chunk?: number;
  /**
   * Stops the sweep: the worker threads are terminated, `onProgress` gets the configurations done
   * by then, and the promise rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** The smallest slice a task gets: `threads` asked for is capped at one per this many configurations. */
const MIN_PER_TASK = 10_000;

/**
 * Configurations per thread of the default thread count (`defaultThreads`): a sweep gets a second
 * thread from 2 × this many configurations, 10^6. Measured with `pnpm bench` on the 2-core
 * development machine (shared with other jobs), on the example grid's structure (about 6 M
 * configurations/s per thread), 1 thread against 2 interleaved pair by pair, medians of the pairs:
 * on the pool kept between sweeps, 2 threads ran 10^5 configurations 1.62× faster than one,
 * 3·10^5 1.64×, 10^6 1.80×, 4·10^6 1.91× (about 1× in runs where other jobs held the second core).
 * But a sweep that starts the pool — the first of a process, the only one of a CLI run — pays 28 ms
 * more (median): 3·10^5 configurations save less than that (50 ms on one thread, 31 on two), 10^6
 * save more (158 ms on one, 88 on two). So the rule is set for a pool not yet started; a process
 * running many small sweeps on a kept pool can pass `threads` itself.
 */
export const CONFIGS_PER_THREAD = 500_000;

/**
 * The thread count a sweep of `size` configurations runs on when the caller does not fix one: one
 * thread per `CONFIGS_PER_THREAD` configurations, at least one and at most `cores`. Small sweeps
 * stay on the calling thread, where handing slices to worker threads and merging their states would
 * cost more than the second thread saves.
 *
 * @example
 * defaultThreads(300_000, 2); // 1
 * defaultThreads(1_000_000, 2); // 2
 * defaultThreads(100_000_000, 64); // 64
 */
export function defaultThreads(size: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(Math.floor(cores), Math.floor(size / CONFIGS_PER_THREAD)));
}

/** Distinguishes the sweeps of this process for the worker threads, which keep one sweep's kernel instance. */
let sweepSerial = 0;

/**
 * Runs a sweep (or a slice of it) over worker threads and returns its merged reducer state. Each
 * task gets the compiled module (no recompilation), the setup image and a contiguous slice, cut at
 * group boundaries for a grouped plan; the states come back packed, one per piece, and are merged
 * with `mergeStates` — the function `ridgeline merge` uses — so the result is the same for any
 * thread count.
 *
 * @example
 * const state = await runSweep(plan, { threads: 2, onProgress: (done, total) => bar.update(done) });
 */
export async function runSweep(plan: AnySweepPlan, options: RunSweepOptions = {}): Promise<SweepState> {
  const engine = options.engine ?? (await createEngine());
  const range = options.range ?? [0, plan.total];
  const [start, end] = range;
  const size = end - start;
  const threads =
    options.threads === undefined ? defaultThreads(size) : Math.max(1, Math.min(options.threads, Math.ceil(size / MIN_PER_TASK)));
  const chunk = options.chunk ?? 2 ** 20;
  if (size <= 0) return { ...emptyState(plan), ranges: [] };
  options.signal?.throwIfAborted();
  if (threads === 1) {
    let last = 0;
    return sweepRange(engine, plan, range, {
      chunk,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (done) => {
        const now = Date.now();
        if (options.onProgress !== undefined && (now - last >= 100 || done === size)) {
          last = now;
          options.onProgress(done, size);
        }
      },
    });
  }

  // More tasks than threads: blocks of rule-broken configurations finish fast, so slices differ in cost.
  const taskCount = Math.min(Math.ceil(size / MIN_PER_TASK), threads * 16);
  const bounds = Array.from({ length: taskCount + 1 }, (_, i) => start + Math.floor((size * i) / taskCount));
  const progress = new SharedArrayBuffer(8);
  const counter = new BigInt64Array(progress);
  const lease = leasePool(threads);
  const key = `${process.pid}:${++sweepSerial}`;
  const image = plan.image();
  const shape = groupShapeOf(plan);
  // Each task listens for the abort: more listeners than Node's default 10 warns, so the tasks
  // share one signal of their own, which the caller's (listened to once) aborts.
  const aborting = new AbortController();
  setMaxListeners(taskCount + 1, aborting.signal);
  const abort = (): void => aborting.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abort, { once: true });
  const timer =
    options.onProgress === undefined
      ? undefined
      : setInterval(() => options.onProgress?.(Number(Atomics.load(counter, 0)), size), 100);
  let succeeded = false;
  try {
    const states = await Promise.all(
      bounds.slice(0, -1).map(async (s, i) => {
        const segments = groupSegments(shape, [s, bounds[i + 1] ?? end]);
        const task = { key, module: engine.module, image, segments, chunk, progress };
        const packed = (await lease.pool.run(task, { signal: aborting.signal })) as Float64Array[];
        return packed.map((p, j) => unpackState(p, plan, segments[j] ?? [s, s]));
      }),
    );
    succeeded = true;
    options.onProgress?.(size, size);
    return states.flat().reduce((a, b) => mergeStates(plan.reducers, a, b));
  } catch (error) {
    // tinypool rejects an aborted task with its own error: report the progress and the caller's reason
    if (options.signal?.aborted !== true) throw error;
    options.onProgress?.(Number(Atomics.load(counter, 0)), size);
    throw options.signal.reason;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (timer !== undefined) clearInterval(timer);
    // an aborted (or failed) sweep ends the pool's threads before it rejects: the next sweep starts a new pool
    await lease.release({ terminate: !succeeded });
  }
}
