import type { ChipSpec } from '@ridgeline/hardware';
import type { PublishedRow } from './csv.ts';
import { PLANS } from './plans.ts';
import { PLAN_CONTEXT, quantile, runValidation } from './validate.ts';

/** One chip's fitted constants. */
export interface ChipFit {
  readonly chip: string;
  readonly rows: string[];
  readonly flop: number;
  readonly memory: number;
  readonly network: number;
  readonly layerOverheadS: number;
  readonly commOverlap: number;
  readonly medianAbsError: number;
}

const FLOP = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const MEMORY = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const NETWORK = [0.5, 0.6, 0.7, 0.8, 0.9];
// Per-layer launch + synchronisation costs of stacks without CUDA graphs reach ~100 µs (10–15 kernels
// and two collective calls per layer); beyond that t_layer only trades off against η_mem, so the
// grid stops at 120 µs.
const LAYER_OVERHEAD_S = [0, 5e-6, 10e-6, 20e-6, 40e-6, 60e-6, 80e-6, 120e-6];
const COMM_OVERLAP = [0, 0.25, 0.5, 0.75, 0.9];

function withEfficiencies(chip: ChipSpec, flop: number, memory: number, network: number, layerOverheadS: number, commOverlap: number): ChipSpec {
  const source = 'fit candidate';
  return {
    ...chip,
    efficiency: {
      flop: { value: flop, source },
      memory: { value: memory, source },
      network: { value: network, source },
      layerOverheadS: { value: layerOverheadS, source },
      commOverlap: { value: commOverlap, source },
    },
  };
}

/**
 * Fits one set of constant efficiencies per chip over that chip's published rows: a grid search
 * minimising the mean |log(predicted / published)|. Prints the fit and returns it; the plugins then
 * carry the values with the rows named in their source.
 */
export function fitEfficiencies(rows: readonly PublishedRow[]): ChipFit[] {
  const fits: ChipFit[] = [];
  const fitted = PLANS.filter((p) => p.sourceAssumes === undefined);
  for (const chipId of [...new Set(fitted.map((p) => p.chip))]) {
    const base = PLAN_CONTEXT.chip(chipId);
    const chipRows = rows.filter((r) => fitted.some((p) => p.id === r.id && p.chip === chipId));
    let best: ChipFit | undefined;
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const flop of FLOP) {
      for (const memory of MEMORY) {
        for (const network of NETWORK) {
          for (const layerOverheadS of LAYER_OVERHEAD_S) {
            for (const commOverlap of COMM_OVERLAP) {
            const candidate = withEfficiencies(base, flop, memory, network, layerOverheadS, commOverlap);
            const report = runValidation(chipRows, (id) => (id === chipId ? candidate : undefined));
            const logs = report.outcomes.flatMap((o) => (o.predictedSi === undefined ? [] : [Math.abs(Math.log(o.predictedSi / o.publishedSi))]));
            if (logs.length === 0) continue;
            const loss = logs.reduce((a, b) => a + b, 0) / logs.length;
            if (loss < bestLoss) {
              bestLoss = loss;
              const abs = report.outcomes.flatMap((o) => (o.error === undefined ? [] : [Math.abs(o.error)])).sort((a, b) => a - b);
              best = { chip: chipId, rows: chipRows.map((r) => r.id), flop, memory, network, layerOverheadS, commOverlap, medianAbsError: quantile(abs, 0.5) };
            }
            }
          }
        }
      }
    }
    if (best !== undefined) {
      fits.push(best);
      console.log(
        `${best.chip}: η_flop ${best.flop}, η_mem ${best.memory}, η_net ${best.network}, t_layer ${best.layerOverheadS * 1e6} µs, prefill overlap ${best.commOverlap} → median |error| ${(best.medianAbsError * 100).toFixed(1)}% over ${best.rows.join(', ')}`,
      );
    }
  }
  return fits;
}
