import { calibrateEfficiencies, computePrecision, estimateInference, evaluateRows, FLOP_CURVE_INTENSITIES, FLOP_LARGE_GEMM_INTENSITIES, withEfficiencies, type CalibrationGrid, type CalibrationRow, type FittedEfficiencies, type InferenceResult } from '@ridgeline/model';
import type { ChipSpec, Precision } from '@ridgeline/hardware';
import { efficiencyAt } from '@ridgeline/hardware';
import { BEST_ROW, errorStats, inferencexConfig, predictedTputPerGpu, rankingAgreement, rankingShare, INFERENCEX_CHIP_IDS, stackOf, type ErrorStats, type InferencexRow, type RankedPrediction, type RankingRule } from './inferencex.ts';

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
 * 145 µs per reference layer of 9 kernels (a serving stack's launch gaps and synchronisation;
 * a DeepSeek MoE layer launches 20 kernels, so pays 20/9 of it: at 70 µs its 61 layers are ~9.4 ms
 * per step). η_net and the prefill overlap keep the chip's values.
 */
export function inferencexFitGrid(chip: ChipSpec): CalibrationGrid {
  return {
    flop: [0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    memory: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    network: [efficiencyAt(chip.efficiency.network, 1e6)],
    layerOverheadS: [0, 5e-6, 10e-6, 15e-6, 20e-6, 25e-6, 30e-6, 35e-6, 40e-6, 50e-6, 60e-6, 70e-6, 90e-6, 110e-6, 145e-6],
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
      { id: `line ${row.line} tput`, measured: row.tputPerGpu, predict: (chip) => { const r = result(chip); return r.feasible ? predictedTputPerGpu(row, r) : undefined; } },
      { id: `line ${row.line} interactivity`, measured: row.medianIntvty, predict: (chip) => { const r = result(chip); return r.feasible ? r.tokensPerSPerUser : undefined; } },
    ];
  });
}

/** Signed errors of throughput, tokens/s per user and TTFT over rows, for one chip's efficiencies. */
export interface Errors {
  readonly throughput: number[];
  readonly interactivity: number[];
  readonly ttft: number[];
}

/** One chip's efficiencies on rows: the throughput per GPU, tokens/s per user and TTFT it predicts for each row it can run. */
function predictionsOf(rows: readonly InferencexRow[], chip: ChipSpec): RankedPrediction[] {
  const out: RankedPrediction[] = [];
  for (const row of rows) {
    const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip });
    if (!r.feasible) continue;
    out.push({ row, predicted: { throughput: predictedTputPerGpu(row, r), interactivity: r.tokensPerSPerUser, ttft: r.ttftS }, config: { chip: { id: chip.id } } });
  }
  return out;
}

/** The signed errors of predictions against their rows' measurements. */
function errorsOf(predictions: readonly RankedPrediction[]): Errors {
  const errors: Errors = { throughput: [], interactivity: [], ttft: [] };
  for (const { row, predicted } of predictions) {
    if (predicted === undefined) continue;
    errors.throughput.push((predicted.throughput - row.tputPerGpu) / row.tputPerGpu);
    errors.interactivity.push((predicted.interactivity - row.medianIntvty) / row.medianIntvty);
    errors.ttft.push((predicted.ttft - row.medianTtft) / row.medianTtft);
  }
  return errors;
}

/** MTP acceptances the fit tries: what serving stacks report for DeepSeek's MTP module and below. */
export const MTP_ACCEPTANCE_GRID: readonly number[] = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];
/** t_req values the fit tries, seconds: a serving front end's fixed time per request. */
export const REQUEST_OVERHEAD_GRID: readonly number[] = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];

/**
 * The concurrency up to which a row's TTFT fits t_req: at low load a request's first token waits
 * for its own prefill and the front end, not for a queue (whose length the model gets less right,
 * and which a fixed t_req would only mimic). Only single-node rows count: a disaggregated
 * deployment's router and KV hand-off add orchestration of their own, which is not the front end's.
 */
export const REQUEST_OVERHEAD_MAX_CONCURRENCY = 16;

/** What the fit adds to the efficiencies: the stack's MTP acceptance (where it ran MTP) and t_req. */
export interface ServingFit {
  readonly mtpAcceptance: number | undefined;
  readonly requestOverheadS: number;
}

/**
 * The serving stack's MTP acceptance, fitted on the MTP rows with the efficiencies held (the
 * lowest calibration loss (`evaluateRows`) over `MTP_ACCEPTANCE_GRID`; undefined without MTP rows), then t_req on the TTFT
 * of the single-node rows at concurrency ≤ `REQUEST_OVERHEAD_MAX_CONCURRENCY` (the lowest mean |ln| over
 * `REQUEST_OVERHEAD_GRID`, 0 without such rows: t_req adds to TTFT alone, so one prediction per
 * row serves every candidate).
 */
export function fitServing(chip: ChipSpec, rows: readonly InferencexRow[]): ServingFit {
  const mtp = rows.filter((r) => r.specMethod === 'mtp');
  let mtpAcceptance: number | undefined;
  if (mtp.length > 0) {
    const mtpRows = calibrationRowsOf(mtp);
    let best = Number.POSITIVE_INFINITY;
    for (const a of MTP_ACCEPTANCE_GRID) {
      // the calibration's own objective: mean |ln(predicted/measured)| of throughput and tokens/s per user
      const loss = evaluateRows(mtpRows, { ...chip, efficiency: { ...chip.efficiency, mtpAcceptance: { value: a, source: 'fit candidate' } } }).loss ?? Number.POSITIVE_INFINITY;
      if (loss < best) {
        best = loss;
        mtpAcceptance = a;
      }
    }
  }
  const withAcceptance: ChipSpec =
    mtpAcceptance === undefined ? chip : { ...chip, efficiency: { ...chip.efficiency, mtpAcceptance: { value: mtpAcceptance, source: 'fit' } } };
  const { requestOverheadS: _ignored, ...withoutOverhead } = withAcceptance.efficiency;
  void _ignored;
  const pairs = rows.filter((r) => r.conc <= REQUEST_OVERHEAD_MAX_CONCURRENCY && !r.disagg).flatMap((row) => {
    const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: { ...withAcceptance, efficiency: withoutOverhead } });
    return r.feasible && row.medianTtft > 0 ? [[r.ttftS, row.medianTtft] as const] : [];
  });
  let requestOverheadS = 0;
  let bestTtft = Number.POSITIVE_INFINITY;
  for (const t of REQUEST_OVERHEAD_GRID) {
    const loss = pairs.reduce((sum, [predicted, measured]) => sum + Math.abs(Math.log((predicted + t) / measured)), 0);
    if (loss < bestTtft) {
      bestTtft = loss;
      requestOverheadS = t;
    }
  }
  return { mtpAcceptance, requestOverheadS };
}

/** `chip` with fitted efficiencies and serving figures, as the fit evaluates it. */
function fittedChip(chip: ChipSpec, efficiencies: FittedEfficiencies, serving: ServingFit, source: string): ChipSpec {
  const withFit = withEfficiencies(chip, efficiencies, source);
  return {
    ...withFit,
    efficiency: {
      ...withFit.efficiency,
      ...(serving.mtpAcceptance === undefined ? {} : { mtpAcceptance: { value: serving.mtpAcceptance, source } }),
      requestOverheadS: { value: serving.requestOverheadS, source },
    },
  };
}

/** Error statistics of the three InferenceX metrics. */
export interface FitStats {
  readonly throughput: ErrorStats;
  readonly interactivity: ErrorStats;
  readonly ttft: ErrorStats;
}

/** One chip's fit: the efficiencies from all its rows, and the error in and out of sample. */
export interface InferencexChipFit {
  readonly chip: string;
  readonly rows: number;
  readonly curves: number;
  /** The compute precisions of the rows: η_flop is fitted for each, and only for them. */
  readonly precisions: readonly Precision[];
  /** Fitted on every row of the chip (what a plugin would carry). */
  readonly efficiencies: FittedEfficiencies;
  /** The stack's MTP acceptance and t_req, fitted on every row after the efficiencies. */
  readonly serving: ServingFit;
  readonly atGridEdge: readonly string[];
  readonly inSample: FitStats;
  /** Each curve predicted with the efficiencies fitted on the chip's other curves; absent with one curve. */
  readonly outOfSample: FitStats | undefined;
  /** The out-of-sample predictions behind `outOfSample` (none with one curve): their errors pool over chips, and the ranking check reads them. */
  readonly heldPredictions: readonly RankedPrediction[];
  /** The chip's plugin efficiencies as they are, on the same rows. */
  readonly before: FitStats;
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
  // η_flop per precision pins the expert GEMMs these rows run (a few tokens per expert), rising to
  // the chip's own achievable-matmul figure for large ones; it is the experts' only (expertFlop):
  // the chip's other matmuls, and a dense model's, keep its own η_flop (docs/MODEL.md §2, §9).
  const flopLargeGemm = efficiencyAt(chip.efficiency.flop, FLOP_CURVE_INTENSITIES[1]);
  // Efficiencies from plain decoding where there is some (MTP rows then fit the acceptance alone);
  // a stack measured only with MTP fits them on its MTP rows at the chip's acceptance.
  const fit = (subset: readonly InferencexRow[]): { efficiencies: FittedEfficiencies; atGridEdge: readonly string[]; serving: ServingFit } | undefined => {
    const plain = subset.filter((r) => r.specMethod !== 'mtp');
    const basis = plain.length > 0 ? plain : subset;
    const result = calibrateEfficiencies(chip, calibrationRowsOf(basis), grid, { flopCurve: false, flopPrecisions: computePrecisionsOf(subset), flopLargeGemm, flopForExperts: true });
    if (result === undefined) return undefined;
    return { efficiencies: result.efficiencies, atGridEdge: result.atGridEdge, serving: fitServing(withEfficiencies(chip, result.efficiencies, 'fit'), subset) };
  };
  const all = fit(rows);
  if (all === undefined) return undefined;
  const fitted = fittedChip(chip, all.efficiencies, all.serving, 'fit: InferenceX');
  const stats = (e: Errors): FitStats => ({ throughput: errorStats(e.throughput), interactivity: errorStats(e.interactivity), ttft: errorStats(e.ttft) });
  const inSample = errorsOf(predictionsOf(rows, fitted));
  const before = errorsOf(predictionsOf(rows, chip));
  const curves = [...new Set(rows.map(curveOf))];
  let outOfSample: InferencexChipFit['outOfSample'];
  const heldPredictions: RankedPrediction[] = [];
  if (curves.length > 1) {
    for (const curve of curves) {
      onCurve?.(curve);
      const training = fit(rows.filter((r) => curveOf(r) !== curve));
      if (training === undefined) continue;
      heldPredictions.push(...predictionsOf(rows.filter((r) => curveOf(r) === curve), fittedChip(chip, training.efficiencies, training.serving, 'fit: InferenceX, one curve left out')));
    }
    outOfSample = stats(errorsOf(heldPredictions));
  }
  return { chip: chip.id, rows: rows.length, curves: curves.length, precisions: computePrecisionsOf(rows), efficiencies: all.efficiencies, serving: all.serving, atGridEdge: all.atGridEdge, inSample: stats(inSample), outOfSample, heldPredictions, before: stats(before) };
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
    '| chip | rows | curves | η_flop of expert GEMMs (by compute precision) | η_mem | t_layer | MTP acceptance | t_req | tput/GPU plugin | tput/GPU fitted | tput/GPU out of sample | tok/s/user plugin | tok/s/user fitted | tok/s/user out of sample |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fits.map((f) => {
      const e = f.efficiencies;
      const edge = (k: string): string => (f.atGridEdge.includes(k) ? ' (grid edge)' : '');
      const oos = f.outOfSample;
      const byPrecision = Object.entries(e.flopByPrecision ?? {}).map(([p, v]) => `${p} ${v}`).join(', ');
      return `| ${f.chip} | ${f.rows} | ${f.curves} | ${e.flop}${edge('flop')}${byPrecision === '' ? '' : `; ${byPrecision}`} | ${e.memory}${edge('memory')} | ${(e.layerOverheadS * 1e6).toFixed(0)} µs${edge('layerOverheadS')} | ${f.serving.mtpAcceptance ?? '—'} | ${(f.serving.requestOverheadS * 1e3).toFixed(0)} ms | ${cell(f.before.throughput)} | ${cell(f.inSample.throughput)} | ${oos === undefined ? '—' : cell(oos.throughput)} | ${cell(f.before.interactivity)} | ${cell(f.inSample.interactivity)} | ${oos === undefined ? '—' : cell(oos.interactivity)} |`;
    }),
  ];
}

/**
 * Every chip's out-of-sample errors pooled: the figure the issue's done-when reads (median and
 * 90th percentile |error| of throughput per GPU and of tokens/s per user, one curve left out).
 */
export function pooledOutOfSampleLine(fits: readonly InferencexChipFit[]): string {
  const held = errorsOf(fits.flatMap((f) => f.heldPredictions));
  const t = errorStats(held.throughput);
  const u = errorStats(held.interactivity);
  const ttft = errorStats(held.ttft);
  return `Out of sample, every chip pooled (${t.n} rows): tput/GPU median |error| ${pct(t.medianAbs)}, p90 ${pct(t.p90Abs)}; tok/s/user ${pct(u.medianAbs)}, p90 ${pct(u.p90Abs)}; TTFT ${pct(ttft.medianAbs)}, p90 ${pct(ttft.p90Abs)}.`;
}

/**
 * The ranking check (`rankingAgreement`) on the fits' out-of-sample predictions: every curve ranked
 * as predicted by efficiencies fitted without it, where `pnpm validate` ranks with the committed
 * profiles, which were fitted on these rows. A chip with one curve has none and drops out.
 */
export function outOfSampleRankingLine(fits: readonly InferencexChipFit[], what: string, rule: RankingRule = BEST_ROW): string {
  const check = rankingAgreement(fits.flatMap((f) => f.heldPredictions), rule);
  return `Ranking out of sample${rule.title} (${what}): ${check.agree} of ${check.pairs} chip pairs (${rankingShare(check)}) ordered as measured.`;
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
 * `pnpm validate --fit --write`: per chip id, per stack, an efficiency profile whose every value
 * names the rows it was fitted on, with its calibration status and out-of-sample error. η_flop is
 * written per compute precision the rows ran at (fp8, fp4) and nowhere else: the fallback η_flop,
 * which BF16 work (training, dense models) uses, stays the plugin's own sourced value, since MoE
 * serving GEMMs say nothing about it (`withFlopFallback` in @ridgeline/hardware joins the two).
 */
export function profilesModule(fits: readonly InferencexStackFit[], date: string): string {
  const byChip = new Map<string, InferencexStackFit[]>();
  for (const f of fits) byChip.set(f.chip, [...(byChip.get(f.chip) ?? []), f]);
  const r3 = (x: number): number => Number(x.toFixed(3));
  const chipEntries = [...byChip].map(([chip, list]) => {
    const profiles = list.map((f) => {
      const e = f.efficiencies;
      const source = JSON.stringify(`fit: pnpm validate --fit over InferenceX DeepSeek-R1, ${f.stack} rows of ${chip} (${f.rows} rows, ${f.curves} curves; ${date})`);
      // η_net and the prefill overlap are held at the plugin's values (inferencexFitGrid).
      const held = JSON.stringify(`held at the plugin's value while fitting: pnpm validate --fit over InferenceX DeepSeek-R1, ${f.stack} rows of ${chip} (${f.rows} rows, ${f.curves} curves; ${date})`);
      const [small, big] = FLOP_LARGE_GEMM_INTENSITIES;
      const flopAt = (v: number): string =>
        e.flopLargeGemm === undefined ? `{ value: ${v}, source: ${source} }` : `{ curve: [[${small}, ${v}], [${big}, ${Math.max(v, e.flopLargeGemm)}]], over: 'arithmeticIntensity', source: ${source} }`;
      const byPrecision = f.precisions.map((p) => `${p}: ${flopAt(e.flopByPrecision?.[p] ?? e.flop)}`);
      const oos = f.outOfSample;
      return `    ${JSON.stringify(f.stack)}: {
      description: ${JSON.stringify(`${f.stack} as InferenceX ran it (DeepSeek-R1, ${date}): fitted per chip, one curve left out for the error`)},
      expertFlopByPrecision: { ${byPrecision.join(', ')} },
      memory: { value: ${e.memory}, source: ${source} },
      network: { value: ${e.network}, source: ${held} },
      layerOverheadS: { value: ${e.layerOverheadS}, source: ${source} },
      commOverlap: { value: ${e.commOverlap}, source: ${held} },${f.serving.mtpAcceptance === undefined ? '' : `
      mtpAcceptance: { value: ${f.serving.mtpAcceptance}, source: ${source} },`}
      requestOverheadS: { value: ${f.serving.requestOverheadS}, source: ${source} },
      calibration: {
        status: 'fitted',
        basis: ${source},${oos === undefined ? '' : `
        outOfSampleError: { throughput: ${r3(oos.throughput.medianAbs)}, interactivity: ${r3(oos.interactivity.medianAbs)}, ttft: ${r3(oos.ttft.medianAbs)}, on: ${JSON.stringify(`InferenceX DeepSeek-R1, ${f.rows} ${f.stack} rows, one curve left out at a time`)} },`}
      },
    },`;
    });
    return `  ${JSON.stringify(chip)}: {\n${profiles.join('\n')}\n  },`;
  });
  return `// Generated by \`pnpm validate --fit --write\` (apps/validation/src/inferencex-fit.ts): efficiency
// profiles fitted per serving stack on InferenceX's DeepSeek-R1 rows. Do not edit by hand; rerun it.
import type { ProfileWithoutFlopFallback } from '@ridgeline/hardware';

/** Per chip id, per serving stack: the fitted profile (the expert GEMMs' η_flop per fitted precision; the plugin adds its own η_flop for every other matmul). */
export const INFERENCEX_PROFILES: Readonly<Record<string, Readonly<Record<string, ProfileWithoutFlopFallback>>>> = {
${chipEntries.join('\n')}
};
`;
}

/** One check of the transfer rule (docs/MODEL.md §9) on a pair of fitted chips. */
export interface TransferCheck {
  readonly from: string;
  readonly to: string;
  readonly stack: string;
  readonly throughput: ErrorStats;
  readonly interactivity: ErrorStats;
}

/**
 * The transfer rule measured where it can be: `from`'s `stack` profile, unchanged, predicting the
 * rows `to` was measured on with that stack. A chip without measurements quotes the pair that
 * differs from its source the same way (GB300 from B300 quotes B200 → GB200).
 */
export function transferCheck(rows: readonly InferencexRow[], chipOf: (id: string) => ChipSpec | undefined, from: string, to: string, stack: string): TransferCheck | undefined {
  const source = chipOf(from)?.efficiencyProfiles?.[stack];
  const target = chipOf(to);
  if (source === undefined || target === undefined) return undefined;
  const { description, ...efficiency } = source;
  void description;
  const errors = errorsOf(predictionsOf(rows.filter((r) => INFERENCEX_CHIP_IDS[r.hardware] === to && stackOf(r.framework) === stack), { ...target, efficiency }));
  if (errors.throughput.length === 0) return undefined;
  return { from, to, stack, throughput: errorStats(errors.throughput), interactivity: errorStats(errors.interactivity) };
}

/** The pairs `pnpm validate --fit` checks the transfer rule on: the same die with other memory, and a GPU moved into a rack. */
export const TRANSFER_PAIRS: readonly (readonly [from: string, to: string, stack: string])[] = [
  ['h100-sxm', 'h200', 'trtllm'],
  ['h100-sxm', 'h200', 'sglang'],
  ['b200', 'gb200-nvl72', 'trtllm'],
  ['b200', 'gb200-nvl72', 'sglang'],
  ['b200', 'b300', 'trtllm'],
  ['b200', 'b300', 'sglang'],
  ['mi355x', 'mi300x', 'sglang'],
];

/** The transfer checks as a Markdown table. */
export function transferCheckLines(checks: readonly TransferCheck[]): string[] {
  return [
    '| from → to | stack | rows | tput/GPU | tok/s/user |',
    '|---|---|---:|---:|---:|',
    ...checks.map((c) => `| ${c.from} → ${c.to} | ${c.stack} | ${c.throughput.n} | ${cell(c.throughput)} | ${cell(c.interactivity)} |`),
  ];
}
