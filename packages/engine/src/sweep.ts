import type { Engine } from './engine.ts';
import { groupSegments, groupShapeOf } from './groups.ts';
import type { AnySweepPlan } from './plan.ts';
import { mergeStates, unpackState, type SweepState } from './state.ts';

/** Options for `sweepRange`. */
export interface SweepRangeOptions {
  /** Configurations per kernel call between progress reports (default 2^21). */
  readonly chunk?: number;
  /** Called after each chunk with the configurations done so far in this range. */
  readonly onProgress?: (done: number) => void;
  /** Stops between chunks: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs configurations [start, end) of a plan on this thread, in chunks, yielding to the event loop
 * between them, and returns the reducer state. A grouped plan (`reducers.groupBy`) runs one group's
 * slice at a time, packing and resetting the kernel's reducers between them, and merges the slices'
 * states. Browser-safe; `@ridgeline/engine/node` spreads the same work over worker threads.
 *
 * @example
 * const state = await sweepRange(await createEngine(), plan, [0, plan.total]);
 */
export async function sweepRange(
  engine: Engine,
  plan: AnySweepPlan,
  range: readonly [number, number],
  options: SweepRangeOptions = {},
): Promise<SweepState> {
  const kernel = await engine.open(plan.image());
  const chunk = options.chunk ?? 2 ** 21;
  const start = range[0];
  let state: SweepState | undefined;
  for (const segment of groupSegments(groupShapeOf(plan), range)) {
    const [from, to] = segment;
    for (let s = from; s < to; s += chunk) {
      const e = Math.min(to, s + chunk);
      kernel.sweep(s, e);
      if (options.onProgress !== undefined || options.signal !== undefined) {
        options.onProgress?.(e - start);
        await new Promise((resolve) => setTimeout(resolve, 0));
        options.signal?.throwIfAborted();
      }
    }
    const part = unpackState(kernel.packState(), plan, segment);
    state = state === undefined ? part : mergeStates(plan.reducers, state, part);
    kernel.resetReducers();
  }
  return state ?? unpackState(kernel.packState(), plan, range);
}

/**
 * Configurations per second one thread evaluates `plan` at, timed on this machine on a sample of
 * `range`: `slices` runs of `slice` configurations spread evenly over it (the last axes vary
 * fastest, so one contiguous run would time a single model and chip), after a warm-up run. Runs
 * on a kernel of its own; about 0.1 s at a million configurations per second.
 *
 * @example
 * const seconds = size / (await measureSweepRate(engine, plan, [0, plan.total])) / threads;
 */
export async function measureSweepRate(
  engine: Engine,
  plan: AnySweepPlan,
  range: readonly [number, number],
  options: { readonly slices?: number; readonly slice?: number } = {},
): Promise<number> {
  const kernel = await engine.open(plan.image());
  const [start, end] = range;
  const size = end - start;
  const slice = Math.max(1, Math.min(options.slice ?? 2048, size));
  const slices = Math.max(1, Math.min(options.slices ?? 48, Math.floor(size / slice)));
  kernel.sweep(start, start + slice);
  const started = performance.now();
  for (let i = 0; i < slices; i++) {
    const from = start + Math.floor(((size - slice) * i) / Math.max(1, slices - 1));
    kernel.sweep(from, from + slice);
  }
  const seconds = Math.max((performance.now() - started) / 1000, 1e-6);
  return (slices * slice) / seconds;
}
