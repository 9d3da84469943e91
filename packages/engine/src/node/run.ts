import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { createEngine, type Engine } from '../engine.ts';
import { groupSegments, groupShapeOf } from '../groups.ts';
import type { AnySweepPlan } from '../plan.ts';
import { sweepRange } from '../sweep.ts';
import { emptyState, mergeStates, unpackState, type SweepState } from '../state.ts';
import { WORKER_URL } from './worker-source.ts';

/** Options for `runSweep`. */
export interface RunSweepOptions {
  /** Worker threads (default: os.availableParallelism()); 1 runs on the calling thread. */
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

/** Below this many configurations per thread, threads cost more than they save. */
const MIN_PER_THREAD = 200_000;

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
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), Math.ceil(size / MIN_PER_THREAD)));
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
  const taskCount = Math.min(Math.ceil(size / 10_000), threads * 16);
  const bounds = Array.from({ length: taskCount + 1 }, (_, i) => start + Math.floor((size * i) / taskCount));
  const progress = new SharedArrayBuffer(8);
  const counter = new BigInt64Array(progress);
  const pool = new Tinypool({ filename: WORKER_URL, minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
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
  try {
    const states = await Promise.all(
      bounds.slice(0, -1).map(async (s, i) => {
        const segments = groupSegments(shape, [s, bounds[i + 1] ?? end]);
        const task = { module: engine.module, image, segments, chunk, progress };
        const packed = (await pool.run(task, { signal: aborting.signal })) as Float64Array[];
        return packed.map((p, j) => unpackState(p, plan, segments[j] ?? [s, s]));
      }),
    );
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
    await pool.destroy();
  }
}
