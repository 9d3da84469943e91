import type { InfeasibleReason } from '@ridgeline/model';
import type { ParetoY } from '../state.ts';
import type { ChipSweep, SweepPoint, TrainingSweepPoint } from './types.ts';

/**
 * Streaming reducers every backend shares: a two-objective Pareto frontier, a uniform sample for the
 * chart's cloud, reason counts. They order and count results; they compute none.
 */

/** A point's two objectives, both as values where more is better. */
export type Score<P> = (p: P) => readonly [number, number];

/**
 * The inference frontier's objectives: tokens/s per user up, and tokens/s per chip up or cost down.
 *
 * @example
 * new Frontier(inferenceScore('tokensPerSPerChip'));
 */
export function inferenceScore(y: ParetoY): Score<SweepPoint> {
  if (y === 'costPerMillionTokensUsd') return (p) => [p.tokensPerSPerUser, -p.costPerMillionTokensUsd];
  return y === 'tokensPerSPerChip' ? (p) => [p.tokensPerSPerUser, p.tokensPerSPerChip] : (p) => [p.tokensPerSPerUser, p.tokensPerSPerProvisionedMW];
}

/**
 * The training frontier's objectives: run time down and run cost down.
 *
 * @example
 * new Frontier(trainingScore);
 */
export const trainingScore: Score<TrainingSweepPoint> = (p) => [-p.totalTimeS, -p.costUsd];

/**
 * A 2-D Pareto frontier, maximising both objectives of `score`. Points are kept by the first
 * ascending (so the second descending); adding is a binary search and a splice.
 *
 * @example
 * const f = new Frontier(inferenceScore('tokensPerSPerChip'));
 * f.add(point);
 * f.points(); // non-dominated points, by tokens/s per user ascending
 */
export class Frontier<P> {
  readonly #score: Score<P>;
  readonly #points: { p: P; x: number; y: number }[] = [];
  constructor(score: Score<P>) {
    this.#score = score;
  }

  add(p: P): void {
    const [x, y] = this.#score(p);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const f = this.#points;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((f[mid] as { x: number }).x < x) lo = mid + 1;
      else hi = mid;
    }
    // The point at lo has the largest y among points with x' ≥ x: it dominates p if its y is ≥ p's.
    const next = f[lo];
    if (next !== undefined && next.y >= y) return;
    // p dominates the points just before it with a y no better, and one at the same x.
    let start = lo;
    while (start > 0 && (f[start - 1] as { y: number }).y <= y) start--;
    const end = next !== undefined && next.x === x ? lo + 1 : lo;
    f.splice(start, end - start, { p, x, y });
  }

  points(): P[] {
    return this.#points.map((e) => e.p);
  }
}

/**
 * mulberry32: a small deterministic PRNG, so a sweep's sample is the same every run.
 *
 * @example
 * const next = random(0x5eed); next(); // a number in [0, 1)
 */
export function random(seed: number): () => number {
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
export class Sample<P> {
  readonly #limit: number;
  readonly #points: P[] = [];
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
  put(slot: number, p: P): void {
    this.#points[slot] = p;
  }

  offer(p: P): void {
    const slot = this.wants();
    if (slot >= 0) this.put(slot, p);
  }

  points(): P[] {
    return [...this.#points];
  }
}

/** The reducers of one chip's sweep. */
export class ChipReducer<P> {
  evaluated = 0;
  feasible = 0;
  /** Feasible configurations that passed the sweep's filter (its TTFT cap), or all of them. */
  withinCap = 0;
  readonly reasons: Partial<Record<InfeasibleReason, number>> = {};
  readonly frontier: Frontier<P>;
  readonly sample: Sample<P>;
  readonly chipId: string;
  readonly chipName: string;
  constructor(chipId: string, chipName: string, score: Score<P>, cloudLimit: number) {
    this.chipId = chipId;
    this.chipName = chipName;
    this.frontier = new Frontier(score);
    this.sample = new Sample(cloudLimit);
  }

  infeasible(reason: InfeasibleReason): void {
    this.evaluated++;
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }

  result(): ChipSweep<P> {
    return {
      chipId: this.chipId,
      chipName: this.chipName,
      evaluated: this.evaluated,
      feasible: this.feasible,
      withinCap: this.withinCap,
      reasons: { ...this.reasons },
      frontier: this.frontier.points(),
      cloud: this.sample.points(),
    };
  }
}
