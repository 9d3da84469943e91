import type { Engine } from './engine.ts';
import type { AnySweepPlan } from './plan.ts';
import { unpackState, type SweepState } from './state.ts';

/** Options for `sweepRange`. */
export interface SweepRangeOptions {
  /** Configurations per kernel call between progress reports (default 2^21). */
  readonly chunk?: number;
  /** Called after each chunk with the configurations done so far in this range. */
  readonly onProgress?: (done: number) => void;
}

/**
 * Runs configurations [start, end) of a plan on this thread, in chunks, yielding to the event loop
 * between them, and returns the reducer state. Browser-safe; `@ridgeline/engine/node` spreads the
 * same work over worker threads.
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
  const [start, end] = range;
  for (let s = start; s < end; s += chunk) {
    const e = Math.min(end, s + chunk);
    kernel.sweep(s, e);
    if (options.onProgress !== undefined) {
      options.onProgress(e - start);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return unpackState(kernel.packState(), plan, range);
}
