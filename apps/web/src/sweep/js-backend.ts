import type { ServingPlan } from '@ridgeline/engine';
import { estimateInference, estimateTraining, type InferenceConfig, type TrainingConfig } from '@ridgeline/model';
import { precisionsFor } from '../precision.ts';
import { ChipReducer, inferenceScore, trainingScore } from './reduce.ts';
import {
  SweepCancelled,
  sweepSize,
  type PlanRequest,
  trainingSweepSize,
  type ChipSweep,
  type SweepBackend,
  type SweepControl,
  type SweepPoint,
  type SweepResult,
  type SweepSpec,
  type TrainingSweepPoint,
  type TrainingSweepResult,
  type TrainingSweepSpec,
} from './types.ts';

/** Evaluate for about this long between yields, so a cancel is seen within a frame. */
const SLICE_MS = 30;

/** Counts configurations and, every so often, reports progress and lets a cancel in. */
class Ticker {
  done = 0;
  readonly #total: number;
  readonly #control: SweepControl;
  #sliceStart = performance.now();
  constructor(total: number, control: SweepControl) {
    this.#total = total;
    this.#control = control;
  }

  async tick(): Promise<void> {
    this.done++;
    if ((this.done & 255) === 0 && performance.now() - this.#sliceStart > SLICE_MS) {
      this.#control.progress(this.done, this.#total);
      await this.#control.yieldNow();
      if (this.#control.cancelled()) throw new SweepCancelled();
      this.#sliceStart = performance.now();
    }
  }
}

/**
 * The sweep in plain JS over `@ridgeline/model`'s `estimateInference` and `estimateTraining`: the
 * reference the WASM engine is tested against, and the fallback where WebAssembly is unavailable.
 * About 70k inference configurations per second on one core.
 *
 * @example
 * const result = await jsBackend.sweep(spec, control);
 * const runs = await jsBackend.train(trainingSpec, control);
 */
export const jsBackend: SweepBackend = {
  name: 'js',
  async sweep(spec: SweepSpec, control: SweepControl): Promise<SweepResult> {
    const started = performance.now();
    const total = sweepSize(spec);
    const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
    const perChip: ChipSweep[] = [];
    const ticker = new Ticker(total, control);
    for (const [chipIndex, chip] of spec.chips.entries()) {
      const reducer = new ChipReducer<SweepPoint>(chip.id, chip.name, inferenceScore(spec.y), cloudPerChip);
      const activations = precisionsFor(chip, [spec.activations], spec.fitPrecision)[0] ?? spec.activations;
      for (const weights of precisionsFor(chip, spec.weights, spec.fitPrecision))
        for (const kvCache of precisionsFor(chip, spec.kvCache, spec.fitPrecision))
          for (const tp of spec.tp)
            for (const pp of spec.pp)
              for (const ep of spec.ep)
                for (const batch of spec.batches) {
                  const config: InferenceConfig = {
                    model: spec.model,
                    chip,
                    chips: tp * pp,
                    parallelism: { tp, pp, ep },
                    batch,
                    inputTokens: spec.inputTokens,
                    outputTokens: spec.outputTokens,
                    precision: { weights, kvCache, activations },
                    ...(spec.commOverlap === undefined ? {} : { commOverlap: spec.commOverlap }),
                    ...(spec.usdPerChipHour === undefined ? {} : { usdPerChipHour: spec.usdPerChipHour }),
                    ...(spec.pue === undefined ? {} : { pue: spec.pue }),
                  };
                  const r = estimateInference(config);
                  if (!r.feasible) reducer.infeasible(r.reason ?? 'capacity');
                  else {
                    reducer.evaluated++;
                    reducer.feasible++;
                  }
                  // Inclusive, as the engine's `where`; a NaN TTFT never passes.
                  if (r.feasible && (spec.ttftCapS === undefined || r.ttftS <= spec.ttftCapS)) {
                    reducer.withinCap++;
                    const point: SweepPoint = {
                      chip: chipIndex,
                      chips: tp * pp,
                      tp,
                      pp,
                      ep,
                      batch,
                      weights,
                      kvCache,
                      tokensPerSPerUser: r.tokensPerSPerUser,
                      tokensPerSPerChip: r.tokensPerSPerChip,
                      costPerMillionTokensUsd: r.costPerMillionTokensUsd,
                      tokensPerSPerProvisionedMW: r.energy.tokensPerSPerProvisionedMW,
                      ttftS: r.ttftS,
                      tpotS: r.tpotS,
                      memoryPerChipBytes: r.memoryPerChipBytes.total,
                    };
                    reducer.frontier.add(point);
                    reducer.sample.offer(point);
                  }
                  await ticker.tick();
                }
      perChip.push(reducer.result());
    }
    control.progress(total, total);
    return { backend: 'js', total, elapsedMs: performance.now() - started, perChip };
  },

  async train(spec: TrainingSweepSpec, control: SweepControl): Promise<TrainingSweepResult> {
    const started = performance.now();
    const total = trainingSweepSize(spec);
    const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
    const perChip: ChipSweep<TrainingSweepPoint>[] = [];
    const ticker = new Ticker(total, control);
    for (const [chipIndex, chip] of spec.chips.entries()) {
      const reducer = new ChipReducer<TrainingSweepPoint>(chip.id, chip.name, trainingScore, cloudPerChip);
      // The engine's axis order (zeroStage, recompute, tp, pp, chips, microBatch), so that ties on the
      // frontier go to the same configuration.
      for (const zeroStage of spec.zeroStage)
        for (const recompute of spec.recompute)
          for (const tp of spec.tp)
            for (const pp of spec.pp)
              for (const chips of spec.chipCounts)
                for (const microBatch of spec.microBatch) {
                  const group = tp * pp * spec.cp;
                  const dp = chips % group === 0 ? chips / group : Math.max(1, Math.floor(chips / group));
                  const config: TrainingConfig = {
                    model: spec.model,
                    chip,
                    chips,
                    parallelism: { dp, tp, pp, cp: spec.cp, ep: spec.ep },
                    sequenceLength: spec.sequenceLength,
                    globalBatch: spec.globalBatch,
                    microBatch,
                    virtualStages: spec.virtualStages,
                    totalTokens: spec.totalTokens,
                    precision: spec.precision,
                    zeroStage,
                    recompute,
                    ...(spec.commOverlap === undefined ? {} : { commOverlap: spec.commOverlap }),
                    ...(spec.usdPerChipHour === undefined ? {} : { usdPerChipHour: spec.usdPerChipHour }),
                  };
                  const r = estimateTraining(config);
                  if (!r.feasible) reducer.infeasible(r.reason ?? 'capacity');
                  else {
                    reducer.evaluated++;
                    reducer.feasible++;
                    reducer.withinCap++;
                    const point: TrainingSweepPoint = {
                      chip: chipIndex,
                      chips,
                      dp,
                      tp,
                      pp,
                      microBatch,
                      zeroStage,
                      recompute,
                      totalTimeS: r.totalTimeS,
                      costUsd: r.costUsd,
                      stepTimeS: r.stepTimeS,
                      mfu: r.mfu,
                      tokensPerSPerChip: r.tokensPerSPerChip,
                      chipHours: r.chipHours,
                      energyJ: r.energyJ,
                      memoryPerChipBytes: r.memoryPerChipBytes.total,
                    };
                    reducer.frontier.add(point);
                    reducer.sample.offer(point);
                  }
                  await ticker.tick();
                }
      const result = reducer.result();
      perChip.push({ ...result, frontier: [...result.frontier].sort((a, b) => a.totalTimeS - b.totalTimeS) });
    }
    control.progress(total, total);
    return { backend: 'js', total, elapsedMs: performance.now() - started, perChip };
  },

  plan(_request: PlanRequest): Promise<ServingPlan> {
    // planServing searches on the WebAssembly engine; the model alone would take seconds per chip.
    return Promise.reject(new Error('Planning needs the WebAssembly engine, which this browser could not start.'));
  },
};
