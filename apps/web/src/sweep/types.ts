import type { ChipSpec, Precision } from '@ridgeline/hardware';
import type { InfeasibleReason, ModelSpec } from '@ridgeline/model';
import { precisionsFor } from '../precision.ts';
import type { ParetoY } from '../state.ts';

/**
 * A sweep: every combination of the axes, for each chip. The chip count of a configuration is
 * TP·PP (one replica): data parallelism multiplies replicas and throughput alike, so it moves no
 * point of the per-chip and per-user frontier.
 */
export interface SweepSpec {
  readonly model: ModelSpec;
  /** One frontier per chip. */
  readonly chips: readonly ChipSpec[];
  readonly batches: readonly number[];
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  readonly ep: readonly number[];
  readonly weights: readonly Precision[];
  readonly kvCache: readonly Precision[];
  readonly activations: Precision;
  /** Run each chip at a same-width precision it supports where it lacks one asked for (see precision.ts). */
  readonly fitPrecision: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** As `InferenceConfig.commOverlap`; absent: the model's default. */
  readonly commOverlap?: number;
  /** As `InferenceConfig.usdPerChipHour`, for every chip; absent: each chip's list price. */
  readonly usdPerChipHour?: number;
  /** The frontier's second objective (the first is tokens/s per user, more is better). */
  readonly y: ParetoY;
  /** Feasible configurations kept (uniformly sampled) for the chart's cloud, over all chips. */
  readonly cloudLimit: number;
}

/** One evaluated configuration, as the chart and the CSV show it. */
export interface SweepPoint {
  /** Index of the chip in `SweepSpec.chips`. */
  readonly chip: number;
  readonly chips: number;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly batch: number;
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly tokensPerSPerUser: number;
  readonly tokensPerSPerChip: number;
  readonly costPerMillionTokensUsd: number;
  readonly ttftS: number;
  readonly tpotS: number;
  readonly memoryPerChipBytes: number;
}

/** What a sweep found for one chip. */
export interface ChipSweep {
  readonly chipId: string;
  readonly chipName: string;
  readonly evaluated: number;
  readonly feasible: number;
  /** Infeasible configurations by reason code. */
  readonly reasons: Readonly<Partial<Record<InfeasibleReason, number>>>;
  /** The Pareto frontier, by tokens/s per user ascending. */
  readonly frontier: readonly SweepPoint[];
  /** A uniform sample of the feasible configurations. */
  readonly cloud: readonly SweepPoint[];
}

/** A finished sweep. */
export interface SweepResult {
  /** Which engine evaluated it. */
  readonly backend: 'wasm' | 'js';
  readonly total: number;
  readonly elapsedMs: number;
  readonly perChip: readonly ChipSweep[];
}

/** What a backend can ask of the caller while it runs. */
export interface SweepControl {
  /** Configurations done of the total, over all chips. */
  progress(done: number, total: number): void;
  /** True once the caller asked to stop; the backend then throws `SweepCancelled`. */
  cancelled(): boolean;
  /** Lets the thread's message loop run (to receive a cancel), then resumes. */
  yieldNow(): Promise<void>;
}

/**
 * The one interface between the sweep worker and whatever evaluates configurations: the WASM
 * engine, or `@ridgeline/model` in plain JS where the engine is unavailable.
 */
export interface SweepBackend {
  readonly name: 'wasm' | 'js';
  sweep(spec: SweepSpec, control: SweepControl): Promise<SweepResult>;
}

/** Thrown by a backend that stopped because the caller cancelled. */
export class SweepCancelled extends Error {
  override readonly name = 'SweepCancelled';
  constructor() {
    super('sweep cancelled');
  }
}

/**
 * Configurations a spec describes.
 *
 * @example
 * sweepSize({ ...spec, chips: [a, b], batches: [1, 2], tp: [1], pp: [1], ep: [1], weights: ['bf16'], kvCache: ['bf16'], fitPrecision: false }); // 4
 */
export function sweepSize(spec: Pick<SweepSpec, 'chips' | 'batches' | 'tp' | 'pp' | 'ep' | 'weights' | 'kvCache' | 'fitPrecision'>): number {
  let total = 0;
  for (const chip of spec.chips) {
    const precisions = precisionsFor(chip, spec.weights, spec.fitPrecision).length * precisionsFor(chip, spec.kvCache, spec.fitPrecision).length;
    total += precisions * spec.batches.length * spec.tp.length * spec.pp.length * spec.ep.length;
  }
  return total;
}

/** Messages to the sweep worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly module: WebAssembly.Module | null }
  | { readonly type: 'run'; readonly id: number; readonly spec: SweepSpec }
  | { readonly type: 'cancel'; readonly id: number };

/** Messages from the sweep worker. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: 'wasm' | 'js'; readonly note: string | null }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly id: number; readonly result: SweepResult }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
