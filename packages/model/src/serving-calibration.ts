import { efficiencyAt, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { FLOP_CURVE_INTENSITIES, inferenceRow, type CalibrationGrid, type CalibrationOptions, type MeasuredInferenceRow } from './calibrate.ts';

/**
 * The serving procedure of docs/MODEL.md §9: how `pnpm validate --fit` fits a chip's efficiencies
 * on InferenceX's serving rows, and `ridgeline calibrate --serving` on a vendor's, so that both
 * are the same computation. Pure: no I/O.
 */

/**
 * The grid the serving procedure searches: η_flop and η_mem over what serving kernels reach (MoE
 * grouped GEMMs at small tokens per expert sit far below a dense GEMM's η_flop), t_layer up to
 * 145 µs per reference layer of 9 kernels (a serving stack's launch gaps and synchronisation; a
 * DeepSeek MoE layer launches 20 kernels, so pays 20/9 of it: at 70 µs its 61 layers are ~9.4 ms
 * per step). η_net keeps the chip's value (at a 1 MB message). The prefill overlap is 0: these
 * stacks run their TP all-reduces and EP all-to-alls on the critical path (two-batch overlap, where
 * a recipe turns it on, is priced on its own, docs/MODEL.md §3). Hopper's 2023 profile overlapped
 * 0.9 of its collectives, a value fitted on TensorRT-LLM v0.5–0.6 static batches; held in the
 * Hopper serving fits until 2026-12-06, it had TensorRT-LLM's held-out dense models scale with TP
 * from −27% at TP 1 to +44% at TP 8 (apps/validation/README.md, "Held out").
 *
 * @example
 * servingCalibrationGrid(chip).commOverlap; // [0]
 */
export function servingCalibrationGrid(chip: ChipSpec): CalibrationGrid {
  return {
    flop: [0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    memory: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    network: [efficiencyAt(chip.efficiency.network, 1e6)],
    layerOverheadS: [0, 5e-6, 10e-6, 15e-6, 20e-6, 25e-6, 30e-6, 35e-6, 40e-6, 50e-6, 60e-6, 70e-6, 90e-6, 110e-6, 145e-6],
    commOverlap: [0],
  };
}

/**
 * The search options of the serving procedure for rows computing at `precisions`: η_flop per
 * compute precision pins the expert GEMMs these rows run (a few tokens per expert), rising to the
 * chip's own large-GEMM figure at 4,096 FLOP/byte; it is the experts' only (`flopForExperts`), so
 * the chip's other matmuls, and a dense model's, keep its own η_flop (docs/MODEL.md §2, §9). A
 * precision whose matmuls the chip gives their own share of its peak (Blackwell's FP4) rises to
 * that one's.
 *
 * @example
 * servingCalibrationOptions(chip, ['fp8']).flopForExperts; // true
 */
export function servingCalibrationOptions(chip: ChipSpec, precisions: readonly Precision[]): CalibrationOptions {
  const largeGemm = FLOP_CURVE_INTENSITIES[1];
  const flopLargeGemmByPrecision = Object.fromEntries(
    precisions.flatMap((p) => {
      const own = chip.efficiency.flopByPrecision?.[p];
      return own === undefined ? [] : [[p, efficiencyAt(own, largeGemm)]];
    }),
  );
  return {
    flopCurve: false,
    flopPrecisions: precisions,
    flopLargeGemm: efficiencyAt(chip.efficiency.flop, largeGemm),
    ...(Object.keys(flopLargeGemmByPrecision).length === 0 ? {} : { flopLargeGemmByPrecision }),
    flopForExperts: true,
  };
}

/**
 * The MTP acceptances the serving procedure tries (per draft position, `efficiency.mtpAcceptance`):
 * from well below DeepSeek-V3's reported 85–90% second-token acceptance, where serving stacks'
 * measured speed-ups sit, to above it.
 *
 * @example
 * MTP_ACCEPTANCE_GRID.includes(0.85); // true
 */
export const MTP_ACCEPTANCE_GRID: readonly number[] = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

/**
 * `chip` drafting at `acceptance` per position where a configuration's MTP gives none
 * (`efficiency.mtpAcceptance`, docs/MODEL.md §5).
 *
 * @example
 * withMtpAcceptance(chip, 0.6, 'fit: my rows').efficiency.mtpAcceptance; // { value: 0.6, source: 'fit: my rows' }
 */
export function withMtpAcceptance(chip: ChipSpec, acceptance: number, source: string): ChipSpec {
  return { ...chip, efficiency: { ...chip.efficiency, mtpAcceptance: { value: acceptance, source } } };
}

/** The fitted MTP acceptance and the loss it gives its rows (mean |ln(predicted/measured)|). */
export interface MtpAcceptanceFit {
  readonly acceptance: number;
  readonly loss: number;
  /** The rows it was fitted on: those drafting with MTP at no acceptance of their own that the model runs. */
  readonly rows: number;
}

/**
 * The serving procedure's second step: the MTP acceptance per draft position that best reproduces
 * the rows drafting with MTP at no acceptance of their own, `chip`'s efficiencies held (fitted on
 * the rows without MTP first, since a step's cost and its accepted tokens trade off on MTP rows
 * alone): the lowest mean |ln(predicted/measured)| over `grid`, the first on ties. `undefined` when
 * no such row is feasible.
 *
 * @example
 * const fit = fitMtpAcceptance(fittedChip, rows);
 * fit?.acceptance; // e.g. 0.6
 */
export function fitMtpAcceptance(chip: ChipSpec, rows: readonly MeasuredInferenceRow[], grid: readonly number[] = MTP_ACCEPTANCE_GRID): MtpAcceptanceFit | undefined {
  const drafting = rows.filter((r) => r.config.speculative?.mode === 'mtp' && r.config.speculative.acceptance === undefined).map(inferenceRow);
  let best: MtpAcceptanceFit | undefined;
  for (const acceptance of grid) {
    const candidate = withMtpAcceptance(chip, acceptance, 'fit candidate');
    let sum = 0;
    let count = 0;
    for (const row of drafting) {
      const predicted = row.predict(candidate);
      if (predicted === undefined) continue;
      sum += Math.abs(Math.log(predicted / row.measured));
      count += 1;
    }
    if (count === 0) continue;
    const loss = sum / count;
    if (best === undefined || loss < best.loss) best = { acceptance, loss, rows: count };
  }
  return best;
}
