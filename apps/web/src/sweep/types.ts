import type { ServingPlan, ServingPlanRequest } from '@ridgeline/engine';
import type { ChipSpec, Precision } from '@ridgeline/hardware';
import type { InfeasibleReason, ModelSpec, Recompute } from '@ridgeline/model';
import { precisionsFor } from '../precision.ts';
import type { ParetoY, ZeroStage } from '../state.ts';

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
  /** As `InferenceConfig.pue` (the provisioned facility power's); absent: the model's default. */
  readonly pue?: number;
  /** The frontier's second objective (the first is tokens/s per user, more is better). */
  readonly y: ParetoY;
  /**
   * Leave out configurations whose TTFT exceeds this many seconds (inclusive cap): from the frontier,
   * the cloud and the counts of what was kept. Absent: no cap.
   */
  readonly ttftCapS?: number;
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
  /** Output tokens/s per MW of provisioned facility power (`energy.tokensPerSPerProvisionedMW`). */
  readonly tokensPerSPerProvisionedMW: number;
  readonly ttftS: number;
  readonly tpotS: number;
  readonly memoryPerChipBytes: number;
}

/**
 * A training sweep (`mode: training` in the engine): every combination of chip count, TP, PP,
 * micro-batch, ZeRO stage and recomputation, for each chip, at the run's other settings. DP is
 * chips ÷ (TP·PP·CP); a count it does not divide is infeasible (`chips_divide_parallelism`).
 */
export interface TrainingSweepSpec {
  readonly mode: 'training';
  readonly model: ModelSpec;
  /** One frontier per chip. */
  readonly chips: readonly ChipSpec[];
  /** Total chip counts N. */
  readonly chipCounts: readonly number[];
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  readonly microBatch: readonly number[];
  readonly zeroStage: readonly ZeroStage[];
  readonly recompute: readonly Recompute[];
  readonly cp: number;
  readonly ep: number;
  readonly sequenceLength: number;
  readonly globalBatch: number;
  readonly virtualStages: number;
  readonly totalTokens: number;
  readonly precision: Precision;
  /** As `TrainingConfig.commOverlap`; absent: the chip's. */
  readonly commOverlap?: number;
  /** As `TrainingConfig.usdPerChipHour`, for every chip; absent: each chip's list price. */
  readonly usdPerChipHour?: number;
  /** Feasible configurations kept (uniformly sampled) for the chart's cloud, over all chips. */
  readonly cloudLimit: number;
}

/**
 * Whether a spec is a training sweep's.
 *
 * @example
 * isTrainingSweep(trainingSweepSpec(state, model, [chip])); // true
 */
export function isTrainingSweep(spec: SweepSpec | TrainingSweepSpec): spec is TrainingSweepSpec {
  return 'mode' in spec && spec.mode === 'training';
}

/** One evaluated training configuration, as the chart and the CSV show it. */
export interface TrainingSweepPoint {
  /** Index of the chip in `TrainingSweepSpec.chips`. */
  readonly chip: number;
  readonly chips: number;
  readonly dp: number;
  readonly tp: number;
  readonly pp: number;
  readonly microBatch: number;
  readonly zeroStage: ZeroStage;
  readonly recompute: Recompute;
  /** The whole run, seconds. */
  readonly totalTimeS: number;
  readonly costUsd: number;
  readonly stepTimeS: number;
  readonly mfu: number;
  readonly tokensPerSPerChip: number;
  readonly chipHours: number;
  readonly energyJ: number;
  readonly memoryPerChipBytes: number;
}

/** What a sweep found for one chip. */
export interface ChipSweep<P = SweepPoint> {
  readonly chipId: string;
  readonly chipName: string;
  readonly evaluated: number;
  readonly feasible: number;
  /** Feasible configurations within the sweep's TTFT cap: the ones the frontier and the cloud are drawn from (= feasible without a cap). */
  readonly withinCap: number;
  /** Infeasible configurations by reason code. */
  readonly reasons: Readonly<Partial<Record<InfeasibleReason, number>>>;
  /** The Pareto frontier: by tokens/s per user ascending (inference), by run time ascending (training). */
  readonly frontier: readonly P[];
  /** A uniform sample of the feasible configurations. */
  readonly cloud: readonly P[];
}

/** A finished sweep. */
export interface SweepResult<P = SweepPoint> {
  /** Which engine evaluated it. */
  readonly backend: 'wasm' | 'js';
  readonly total: number;
  readonly elapsedMs: number;
  readonly perChip: readonly ChipSweep<P>[];
}

/** A finished training sweep: per chip, the frontier of run cost against run time. */
export type TrainingSweepResult = SweepResult<TrainingSweepPoint>;

/** What a backend can ask of the caller while it runs. */
export interface SweepControl {
  /** Configurations done of the total, over all chips. */
  progress(done: number, total: number): void;
  /** True once the caller asked to stop; the backend then throws `SweepCancelled`. */
  cancelled(): boolean;
  /** Lets the thread's message loop run (to receive a cancel), then resumes. */
  yieldNow(): Promise<void>;
}

/** A `planServing` request as the page posts it to the worker (which brings its own engine). */
export type PlanRequest = Omit<ServingPlanRequest, 'engine'>;

/**
 * The one interface between the sweep worker and whatever evaluates configurations: the WASM
 * engine, or `@ridgeline/model` in plain JS where the engine is unavailable.
 */
export interface SweepBackend {
  readonly name: 'wasm' | 'js';
  sweep(spec: SweepSpec, control: SweepControl): Promise<SweepResult>;
  /** A training sweep: the frontier of run cost (min) against run time (min), per chip. */
  train(spec: TrainingSweepSpec, control: SweepControl): Promise<TrainingSweepResult>;
  /** The latency-target plan: `planServing` on this backend's engine (the WASM engine only). */
  plan(request: PlanRequest): Promise<ServingPlan>;
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

/**
 * Configurations a training spec describes.
 *
 * @example
 * trainingSweepSize({ chips: [a], chipCounts: [256, 512], tp: [8], pp: [1, 4], microBatch: [1], zeroStage: [1], recompute: ['selective'] }); // 4
 */
export function trainingSweepSize(spec: Pick<TrainingSweepSpec, 'chips' | 'chipCounts' | 'tp' | 'pp' | 'microBatch' | 'zeroStage' | 'recompute'>): number {
  return spec.chips.length * spec.chipCounts.length * spec.tp.length * spec.pp.length * spec.microBatch.length * spec.zeroStage.length * spec.recompute.length;
}

/** The result a spec's sweep gives. */
export type ResultOf<S extends SweepSpec | TrainingSweepSpec> = S extends TrainingSweepSpec ? TrainingSweepResult : SweepResult;

/** Messages to the sweep worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly module: WebAssembly.Module | null }
  | { readonly type: 'run'; readonly id: number; readonly spec: SweepSpec | TrainingSweepSpec }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'plan'; readonly id: number; readonly request: PlanRequest };

/** Messages from the sweep worker. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: 'wasm' | 'js'; readonly note: string | null }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly id: number; readonly result: SweepResult | TrainingSweepResult }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'planned'; readonly id: number; readonly plan: ServingPlan; readonly elapsedMs: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
