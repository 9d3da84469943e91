import type { InfeasibleReason } from '@ridgeline/model';
import type { ParetoY } from '../state.ts';
import type { ChipSweep, SweepPoint } from './types.ts';

/**
 * Streaming reducers every backend shares: a two-objective Pareto frontier (tokens/s per user up,
 * and tokens/s per chip up or cost down), a uniform sample for the chart's cloud, reason counts.
 * They order and count results; they compute none.
 */

/** The frontier's second objective, as a value where more is better. */
function yScore(p: SweepPoint, y: ParetoY): number {
  return y === 'tokensPerSPerChip' ? p.tokensPerSPerChip : -p.costPerMillionTokensUsd;
}

/**
 * A 2-D Pareto frontier, maximising tokens/s per user and the `y` objective. Points are kept by x
 * ascending (so y descending); adding is a binary search and a splice.
 *
 * @example
 * const f = new Frontier('tokensPerSPerChip');
 * f.add(point);
 * f.points(); // non-dominated points, by tokens/s per user ascending
 */
export class Frontier {
  readonly #y: ParetoY;
  readonly #points: SweepPoint[] = [];
  constructor(y: ParetoY) {
    this.#y = y;
  }

  add(p: SweepPoint): void {
    const x = p.tokensPerSPerUser;
    const y = yScore(p, this.#y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const f = this.#points;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((f[mid] as SweepPoint).tokensPerSPerUser < x) lo = mid + 1;
      else hi = mid;
    }
    // The point at lo has the largest y among points with x' ≥ x: it dominates p if its y is ≥ p's.
    const next = f[lo];
    if (next !== undefined && yScore(next, this.#y) >= y) return;
    // p dominates the points just before it with a y no better, and one at the same x.
    let start = lo;
    while (start > 0 && yScore(f[start - 1] as SweepPoint, this.#y) <= y) start--;
    const end = next !== undefined && next.tokensPerSPerUser === x ? lo + 1 : lo;
    f.splice(start, end - start, p);
  }

  points(): SweepPoint[] {
    return [...this.#points];
  }
}

/** mulberry32: a small deterministic PRNG, so a sweep's sample is the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reservoir sampling (Algorithm R): a uniform sample of at most `limit` of the points offered.
 *
 * @example
 * const s = new Sample(1000);
 * for (const p of points) s.offer(p);
 */
export class Sample {
  readonly #limit: number;
  readonly #points: SweepPoint[] = [];
  readonly #random = random(0x5eed);
  #seen = 0;
  constructor(limit: number) {
    this.#limit = Math.max(0, Math.floor(limit));
  }

  /** Whether the next offer would be kept: lets a backend skip building points it would drop. */
  wants(): number {
    this.#seen++;
    if (this.#points.length < this.#limit) return this.#points.length;
    const j = Math.floor(this.#random() * this.#seen);
    return j < this.#limit ? j : -1;
  }

  /** Stores a point at a slot `wants` returned. */
  put(slot: number, p: SweepPoint): void {
    this.#points[slot] = p;
  }

  offer(p: SweepPoint): void {
    const slot = this.wants();
    if (slot >= 0) this.put(slot, p);
  }

  points(): SweepPoint[] {
    return [...this.#points];
  }
}

/** The reducers of one chip's sweep. */
export class ChipReducer {
  evaluated = 0;
  feasible = 0;
  readonly reasons: Partial<Record<InfeasibleReason, number>> = {};
  readonly frontier: Frontier;
  readonly sample: Sample;
  readonly chipId: string;
  readonly chipName: string;
  constructor(chipId: string, chipName: string, y: ParetoY, cloudLimit: number) {
    this.chipId = chipId;
    this.chipName = chipName;
    this.frontier = new Frontier(y);
    this.sample = new Sample(cloudLimit);
  }

  infeasible(reason: InfeasibleReason): void {
    this.evaluated++;
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }

  result(): ChipSweep {
    return {
      chipId: this.chipId,
      chipName: this.chipName,
      evaluated: this.evaluated,
      feasible: this.feasible,
      reasons: { ...this.reasons },
      frontier: this.frontier.points(),
      cloud: this.sample.points(),
    };
  }
}
