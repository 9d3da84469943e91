import { calibrateEfficiencies, computePrecision, estimateInference, withEfficiencies, type CalibrationGrid, type CalibrationRow, type FittedEfficiencies, type InferenceResult } from '@ridgeline/model';
import type { ChipSpec, Precision } from '@ridgeline/hardware';
import { efficiencyAt } from '@ridgeline/hardware';
import { errorStats, inferencexConfig, INFERENCEX_CHIP_IDS, stackOf, type ErrorStats, type InferencexRow } from './inferencex.ts';

/**
 * One fitting procedure on InferenceX (issue 11, first slice): per chip, the constant efficiencies
 * of `calibrateEfficiencies` (the grid search `ridgeline calibrate` runs) fitted to throughput per
 * GPU and tokens/s per user of every row the model runs, and the same fit repeated with each curve
 * left out (leave one curve out: the same chip, framework, precision and mode), so the error it
 * reports on the left-out curve is out of sample. Nothing here is written into the plugins yet.
 */

/** A curve of InferenceX: one chip, framework (serving stack), precision and mode (MTP or not). */
export function curveOf(row: InferencexRow): string {
  return `${row.hardware} ${row.framework} ${row.precision} ${row.specMethod === 'mtp' ? 'mtp' : 'no-mtp'}`;
}

/**
 * The grid the InferenceX fit searches: η_flop and η_mem over what serving kernels reach (MoE
 * grouped GEMMs at small tokens per expert sit far below a dense GEMM's η_flop), t_layer up to
 * 320 µs (a serving stack's per-layer scheduling, launch and synchronisation; DeepSeek's 61 layers
 * at 160 µs are ~10 ms per step). η_net and the prefill overlap keep the chip's values.
 */
export function inferencexFitGrid(chip: ChipSpec): CalibrationGrid {
  return {
    flop: [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    memory: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    network: [efficiencyAt(chip.efficiency.network, 1e6)],
    layerOverheadS: [0, 10e-6, 20e-6, 40e-6, 60e-6, 80e-6, 120e-6, 160e-6, 240e-6, 320e-6],
    commOverlap: [chip.efficiency.commOverlap?.value ?? 0],
  };
}

/**
 * Two calibration rows per InferenceX row, throughput per GPU and tokens/s per user, that share one
 * `estimateInference` per candidate chip (the search predicts every row for one candidate in turn).
 */
export function calibrationRowsOf(rows: readonly InferencexRow[]): CalibrationRow[] {
  return rows.flatMap((row): CalibrationRow[] => {
    const config = inferencexConfig(row, 'continuous');
    let lastChip: ChipSpec | undefined;
    let last: InferenceResult | undefined;
    const result = (chip: ChipSpec): InferenceResult => {
      if (chip !== lastChip) {
        lastChip = chip;
        last = estimateInference({ ...config, chip });
      }
      return last!;
    };
    return [
      { id: `line ${row.line} tput`, measured: row.tputPerGpu, predict: (chip) => { const r = result(chip); return r.feasible ? r.totalTokensPerSPerChip : undefined; } },
      { id: `line ${row.line} interactivity`, measured: row.medianIntvty, predict: (chip) => { const r = result(chip); return r.feasible ? r.tokensPerSPerUser : undefined; } },
    ];
  });
}

/** Signed errors of throughput and tokens/s per user over rows, for one chip's efficiencies. */
interface Errors {
  readonly throughput: number[];
  readonly interactivity: number[];
}

function errorsOf(rows: readonly InferencexRow[], chip: ChipSpec, into: Errors): void {
  for (const row of rows) {
    const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip });
    if (!r.feasible) continue;
    into.throughput.push((r.totalTokensPerSPerChip - row.tputPerGpu) / row.tputPerGpu);
    into.interactivity.push((r.tokensPerSPerUser - row.medianIntvty) / row.medianIntvty);
  }
}

/** One chip's fit: the efficiencies from all its rows, and the error in and out of sample. */
export interface InferencexChipFit {
  readonly chip: string;
  readonly rows: number;
  readonly curves: number;
  /** Fitted on every row of the chip (what a plugin would carry). */
  readonly efficiencies: FittedEfficiencies;
  readonly atGridEdge: readonly string[];
  readonly inSample: { readonly throughput: ErrorStats; readonly interactivity: ErrorStats };
  /** Each curve predicted with the efficiencies fitted on the chip's other curves; absent with one curve. */
  readonly outOfSample: { readonly throughput: ErrorStats; readonly interactivity: ErrorStats } | undefined;
  /** The chip's plugin efficiencies as they are, on the same rows. */
  readonly before: { readonly throughput: ErrorStats; readonly interactivity: ErrorStats };
}

/**
 * Fits one chip on its rows and cross-validates leaving one curve out. `chip` is the plugin chip
 * (its η_net and overlap are kept); `onCurve` reports progress.
 */
/** The compute precisions of rows (η_flop is fitted per compute precision). */
function computePrecisionsOf(rows: readonly InferencexRow[]): Precision[] {
  return [...new Set(rows.map((r) => { const p = inferencexConfig(r, 'continuous').precision; return computePrecision(p.weights, p.activations); }))];
}

export function fitInferencexChip(chip: ChipSpec, rows: readonly InferencexRow[], grid: CalibrationGrid = inferencexFitGrid(chip), onCurve?: (curve: string) => void): InferencexChipFit | undefined {
  const options = (subset: readonly InferencexRow[]) => ({ flopCurve: false, flopPrecisions: computePrecisionsOf(subset) });
  const all = calibrateEfficiencies(chip, calibrationRowsOf(rows), grid, options(rows));
  if (all === undefined) return undefined;
  const fitted = withEfficiencies(chip, all.efficiencies, 'fit: InferenceX');
  const stats = (e: Errors) => ({ throughput: errorStats(e.throughput), interactivity: errorStats(e.interactivity) });
  const inSample: Errors = { throughput: [], interactivity: [] };
  errorsOf(rows, fitted, inSample);
  const before: Errors = { throughput: [], interactivity: [] };
  errorsOf(rows, chip, before);
  const curves = [...new Set(rows.map(curveOf))];
  let outOfSample: InferencexChipFit['outOfSample'];
  if (curves.length > 1) {
    const held: Errors = { throughput: [], interactivity: [] };
    for (const curve of curves) {
      onCurve?.(curve);
      const training = rows.filter((r) => curveOf(r) !== curve);
      const fit = calibrateEfficiencies(chip, calibrationRowsOf(training), grid, options(training));
      if (fit === undefined) continue;
      errorsOf(rows.filter((r) => curveOf(r) === curve), withEfficiencies(chip, fit.efficiencies, 'fit: InferenceX, one curve left out'), held);
    }
    outOfSample = stats(held);
  }
  return { chip: chip.id, rows: rows.length, curves: curves.length, efficiencies: all.efficiencies, atGridEdge: all.atGridEdge, inSample: stats(inSample), outOfSample, before: stats(before) };
}

/** Fits every chip of the rows (in first-seen order), given the chip of each InferenceX hardware id. */
export function fitInferencex(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined, onProgress?: (message: string) => void): InferencexChipFit[] {
  const fits: InferencexChipFit[] = [];
  for (const hardware of [...new Set(rows.map((r) => r.hardware))]) {
    const chip = chipOf(hardware);
    if (chip === undefined) continue;
    onProgress?.(`fitting ${INFERENCEX_CHIP_IDS[hardware] ?? hardware}`);
    const fit = fitInferencexChip(chip, rows.filter((r) => r.hardware === hardware), undefined, (curve) => onProgress?.(`  leaving out ${curve}`));
    if (fit !== undefined) fits.push(fit);
  }
  return fits;
}

const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number): string => (Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`);
const cell = (s: ErrorStats): string => `${pct(s.medianAbs)} (${signed(s.medianSigned)})`;

/** The fit as a Markdown table: efficiencies, and median |error| (bias) before, in sample and out of sample. */
export function inferencexFitLines(fits: readonly InferencexChipFit[]): string[] {
  return [
    '| chip | rows | curves | η_flop (by compute precision) | η_mem | t_layer | tput/GPU plugin | tput/GPU fitted | tput/GPU out of sample | tok/s/user plugin | tok/s/user fitted | tok/s/user out of sample |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fits.map((f) => {
      const e = f.efficiencies;
      const edge = (k: string): string => (f.atGridEdge.includes(k) ? ' (grid edge)' : '');
      const oos = f.outOfSample;
      const byPrecision = Object.entries(e.flopByPrecision ?? {}).map(([p, v]) => `${p} ${v}`).join(', ');
      return `| ${f.chip} | ${f.rows} | ${f.curves} | ${e.flop}${edge('flop')}${byPrecision === '' ? '' : `; ${byPrecision}`} | ${e.memory}${edge('memory')} | ${(e.layerOverheadS * 1e6).toFixed(0)} µs${edge('layerOverheadS')} | ${cell(f.before.throughput)} | ${cell(f.inSample.throughput)} | ${oos === undefined ? '—' : cell(oos.throughput)} | ${cell(f.before.interactivity)} | ${cell(f.inSample.interactivity)} | ${oos === undefined ? '—' : cell(oos.interactivity)} |`;
    }),
  ];
}

/** One chip and stack's fit (an efficiency profile), as `fitInferencexChip` reports it. */
export interface InferencexStackFit extends InferencexChipFit {
  readonly stack: string;
}

/**
 * Fits every (chip, stack) of the rows: one efficiency profile per serving stack a chip was
 * measured on, cross-validated leaving one curve out within the stack.
 */
export function fitInferencexStacks(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined, onProgress?: (message: string) => void): InferencexStackFit[] {
  const fits: InferencexStackFit[] = [];
  for (const hardware of [...new Set(rows.map((r) => r.hardware))]) {
    const chip = chipOf(hardware);
    if (chip === undefined) continue;
    const ofChip = rows.filter((r) => r.hardware === hardware);
    for (const stack of [...new Set(ofChip.map((r) => stackOf(r.framework)))]) {
      onProgress?.(`fitting ${chip.id} ${stack}`);
      const fit = fitInferencexChip(chip, ofChip.filter((r) => stackOf(r.framework) === stack), undefined, (curve) => onProgress?.(`  leaving out ${curve}`));
      if (fit !== undefined) fits.push({ ...fit, stack });
    }
  }
  return fits;
}

/** The per-stack fits as a table (the same columns as `inferencexFitLines`, with the stack). */
export function inferencexStackFitLines(fits: readonly InferencexStackFit[]): string[] {
  const lines = inferencexFitLines(fits.map((f) => ({ ...f, chip: `${f.chip} ${f.stack}` })));
  return [lines[0]!.replace('| chip |', '| chip and stack |'), ...lines.slice(1)];
}

/**
 * A TypeScript module of fitted efficiency profiles for one plugin package, generated by
 * `pnpm validate --fit --write`: per chip id, per stack, an `EfficiencyProfile` whose every value
 * names the rows it was fitted on, with its calibration status and out-of-sample error.
 */
export function profilesModule(fits: readonly InferencexStackFit[], date: string): string {
  const byChip = new Map<string, InferencexStackFit[]>();
  for (const f of fits) byChip.set(f.chip, [...(byChip.get(f.chip) ?? []), f]);
  const r3 = (x: number): number => Number(x.toFixed(3));
  const chipEntries = [...byChip].map(([chip, list]) => {
    const profiles = list.map((f) => {
      const e = f.efficiencies;
      const source = `fit: pnpm validate --fit over InferenceX DeepSeek-R1, ${f.stack} rows of ${chip} (${f.rows} rows, ${f.curves} curves; ${date})`;
      const by = Object.entries(e.flopByPrecision ?? {});
      const oos = f.outOfSample;
      return `    ${JSON.stringify(f.stack)}: {
      description: ${JSON.stringify(`${f.stack} as InferenceX ran it (DeepSeek-R1, ${date}): fitted per chip, one curve left out for the error`)},
      flop: { value: ${e.flop}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} },${by.length === 0 ? '' : `
      flopByPrecision: { ${by.map(([p, v]) => `${p}: { value: ${v}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} }`).join(', ')} },`}
      memory: { value: ${e.memory}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} },
      network: { value: ${e.network}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} },
      layerOverheadS: { value: ${e.layerOverheadS}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} },
      commOverlap: { value: ${e.commOverlap}, source: SOURCE_${f.stack.replace(/[^a-z0-9]/g, '_').toUpperCase()} },
      calibration: {
        status: 'fitted',
        basis: ${JSON.stringify(source)},${oos === undefined ? '' : `
        outOfSampleError: { throughput: ${r3(oos.throughput.medianAbs)}, interactivity: ${r3(oos.interactivity.medianAbs)}, on: ${JSON.stringify(`InferenceX DeepSeek-R1, ${f.rows} ${f.stack} rows, one curve left out at a time`)} },`}
      },
    },`.replace(/SOURCE_[A-Z0-9_]+/g, JSON.stringify(source));
    });
    return `  ${JSON.stringify(chip)}: {\n${profiles.join('\n')}\n  },`;
  });
  return `// Generated by \`pnpm validate --fit --write\` (apps/validation/src/inferencex-fit.ts): efficiency
// profiles fitted per serving stack on InferenceX's DeepSeek-R1 rows. Do not edit by hand; rerun it.
import type { EfficiencyProfile } from '@ridgeline/hardware';

/** Per chip id, per serving stack: the fitted profile. */
export const INFERENCEX_PROFILES: Readonly<Record<string, Readonly<Record<string, EfficiencyProfile>>>> = {
${chipEntries.join('\n')}
};
`;
}
