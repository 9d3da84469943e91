import { estimateInference, type InferenceConfig } from '@ridgeline/model';
import { precisionsFor } from '../precision.ts';
import { ChipReducer } from './reduce.ts';
import { SweepCancelled, sweepSize, type SweepBackend, type SweepControl, type SweepPoint, type SweepResult, type SweepSpec } from './types.ts';

/** Evaluate for about this long between yields, so a cancel is seen within a frame. */
const SLICE_MS = 30;

/**
 * The sweep in plain JS over `@ridgeline/model`'s `estimateInference`: the reference the WASM
 * engine is tested against, and the fallback where WebAssembly is unavailable. About 70k
 * configurations per second on one core.
 *
 * @example
 * const result = await jsBackend.sweep(spec, control);
 */
export const jsBackend: SweepBackend = {
  name: 'js',
  async sweep(spec: SweepSpec, control: SweepControl): Promise<SweepResult> {
    const started = performance.now();
    const total = sweepSize(spec);
    const cloudPerChip = Math.floor(spec.cloudLimit / Math.max(1, spec.chips.length));
    const perChip: ReturnType<ChipReducer['result']>[] = [];
    let done = 0;
    let sliceStart = performance.now();
    for (const [chipIndex, chip] of spec.chips.entries()) {
      const reducer = new ChipReducer(chip.id, chip.name, spec.y, cloudPerChip);
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
                  };
                  const r = estimateInference(config);
                  if (!r.feasible) reducer.infeasible(r.reason ?? 'capacity');
                  else {
                    reducer.evaluated++;
                    reducer.feasible++;
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
                      ttftS: r.ttftS,
                      tpotS: r.tpotS,
                      memoryPerChipBytes: r.memoryPerChipBytes.total,
                    };
                    reducer.frontier.add(point);
                    reducer.sample.offer(point);
                  }
                  done++;
                  if ((done & 255) === 0 && performance.now() - sliceStart > SLICE_MS) {
                    control.progress(done, total);
                    await control.yieldNow();
                    if (control.cancelled()) throw new SweepCancelled();
                    sliceStart = performance.now();
                  }
                }
      perChip.push(reducer.result());
    }
    control.progress(total, total);
    return { backend: 'js', total, elapsedMs: performance.now() - started, perChip };
  },
};
