import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { efficiencyAt } from '@ridgeline/hardware';
import { calibrateEfficiencies, FLOP_CURVE_INTENSITIES, withEfficiencies } from '@ridgeline/model';
import { inferencexChip, inferencexChipById, readInferencex, selectInferencex } from './inferencex.ts';
import { calibrationRowsOf, curveOf, FITTED_TOGETHER, fittedProfileOf, fittedTogetherWith, forwardCheck, transferCheck, forwardCheckLine, onRowChip, oneCurveProfileErrors, profilesModule, type InferencexStackFit, type TransferCheck, fitInferencexChip, fitInferencexUnits, fitStackServing, inferencexFitGrid, stackKvCacheBudget, outOfSampleRankingLine, servingChip, withOwnRequestOverhead, withoutServingFigures, type InferencexChipFit, MTP_ACCEPTANCE_GRID, REQUEST_OVERHEAD_GRID, REQUEST_OVERHEAD_MAX_CONCURRENCY } from './inferencex-fit.ts';
import { estimateInference } from '@ridgeline/model';
import type { ChipSpec, Efficiency, Precision } from '@ridgeline/hardware';
import { inferencexConfig, predictedTputPerGpu, type InferencexRow } from './inferencex.ts';

const kept = selectInferencex(readInferencex()).kept;

describe('fitting InferenceX, one curve left out', () => {
  test('a curve is one chip, framework, precision and mode', () => {
    const row = kept.find((r) => r.hardware === 'h200' && r.specMethod === 'mtp')!;
    expect(curveOf(row)).toBe(`h200 ${row.framework} ${row.precision} mtp`);
    expect(new Set(kept.filter((r) => r.hardware === 'h200').map(curveOf)).size).toBe(7);
  });

  test('fitStackServing: one MTP acceptance per stack minimises the rate error over every chip\'s MTP rows; one t_req the TTFT error of their low-concurrency single-node rows', () => {
    // two chips' TensorRT-LLM rows, each predicted by its own (committed) efficiencies
    const terms = (['h200', 'b200'] as const).map((hw) => ({ chip: inferencexChip(hw)!, rows: kept.filter((r) => r.hardware === hw && r.framework === 'trt') }));
    const fit = fitStackServing(terms).trtllm!;
    expect(MTP_ACCEPTANCE_GRID).toContain(fit.mtpAcceptance);
    expect(REQUEST_OVERHEAD_GRID).toContain(fit.requestOverheadS);
    const mtpRows = terms.map((t) => t.rows.filter((r) => r.specMethod === 'mtp'));
    expect(fit.mtpChips).toEqual(['h200', 'b200']);
    expect(fit.mtpRows).toBe(mtpRows[0]!.length + mtpRows[1]!.length);
    // no other grid value does better on both chips' MTP rows together: the mean |ln| of throughput
    // and tokens/s per user, every row weighing the same whichever chip ran it
    const withA = (chip: ChipSpec, a: number): ChipSpec => ({ ...chip, efficiency: { ...chip.efficiency, mtpAcceptance: { value: a, source: 'test' } } });
    const loss = (a: number): number => {
      const logs = terms.flatMap((t, i) =>
        calibrationRowsOf(mtpRows[i]!).flatMap((c) => {
          const p = c.predict(withA(t.chip, a));
          return p === undefined ? [] : [Math.abs(Math.log(p / c.measured))];
        }),
      );
      return logs.reduce((x, y) => x + y, 0) / logs.length;
    };
    for (const a of MTP_ACCEPTANCE_GRID) expect(loss(a)).toBeGreaterThanOrEqual(loss(fit.mtpAcceptance!) - 1e-12);
    // t_req: the lowest summed |ln| over the single-node rows at concurrency ≤ 16 of both chips, predicted without it
    const ttftPairs = terms.flatMap((t) =>
      t.rows
        .filter((r) => r.conc <= REQUEST_OVERHEAD_MAX_CONCURRENCY && !r.disagg)
        .map((row: InferencexRow) => {
          const { requestOverheadS: _ignored, ...efficiency } = (row.specMethod === 'mtp' ? withA(t.chip, fit.mtpAcceptance!) : t.chip).efficiency;
          void _ignored;
          const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: { ...t.chip, efficiency } });
          return [r.feasible ? r.ttftS : Number.NaN, row.medianTtft] as const;
        }),
    );
    expect(fit.ttftRows).toBe(ttftPairs.length);
    const ttftLoss = (t: number): number => ttftPairs.reduce((sum, [p, m]) => sum + Math.abs(Math.log((p + t) / m)), 0);
    for (const t of REQUEST_OVERHEAD_GRID) expect(ttftLoss(t)).toBeGreaterThanOrEqual(ttftLoss(fit.requestOverheadS) - 1e-12);
    // a row serves at its own stack's figures
    const row = mtpRows[0]![0]!;
    expect(servingChip(terms[0]!.chip, { trtllm: fit }, row).efficiency.mtpAcceptance?.value).toBe(fit.mtpAcceptance);
    expect(servingChip(terms[0]!.chip, { sglang: fit }, row)).toBe(terms[0]!.chip);
    // without MTP rows there is no acceptance to fit; without low-concurrency single-node rows, no t_req
    const plain = fitStackServing(terms.map((t) => ({ ...t, rows: t.rows.filter((r) => r.specMethod !== 'mtp') }))).trtllm!;
    expect([plain.mtpAcceptance, plain.mtpRows]).toEqual([undefined, 0]);
    const loaded = fitStackServing(terms.map((t) => ({ ...t, rows: t.rows.filter((r) => r.conc > REQUEST_OVERHEAD_MAX_CONCURRENCY) }))).trtllm!;
    expect([loaded.requestOverheadS, loaded.ttftRows]).toEqual([0, 0]);
  }, 240_000);

  test('fitInferencexUnits: a curve left out is predicted by its chip\'s other curves and the stack\'s figures fitted on the other chips and those curves', () => {
    // Two chips' TensorRT-LLM rows on a 2 × 2 × 2 grid: each chip one unit, its MTP curve left out
    const units = (['h200', 'b200'] as const).map((hw) => ({ chip: inferencexChip(hw)!, rows: kept.filter((r) => r.hardware === hw && r.framework === 'trt' && r.precision === 'fp8') }));
    const grid = (chip: ChipSpec) => ({ ...inferencexFitGrid(chip), flop: [0.05, 0.3], memory: [0.5, 0.8], layerOverheadS: [20e-6, 60e-6] });
    const fits = fitInferencexUnits(units, grid);
    expect(fits.map((f) => f.chip)).toEqual(['h200', 'b200']);
    const options = (chip: ChipSpec) => ({ flopCurve: false, flopPrecisions: ['fp8' as const], flopLargeGemm: efficiencyAt(chip.efficiency.flop, FLOP_CURVE_INTENSITIES[1]), flopForExperts: true });
    const fitOn = (chip: ChipSpec, rows: readonly InferencexRow[]): ChipSpec =>
      withEfficiencies(chip, calibrateEfficiencies(chip, calibrationRowsOf(rows.filter((r) => r.specMethod !== 'mtp')), grid(chip), options(chip))!.efficiencies, 'test');
    // by hand, in sample: each chip's efficiencies on its plain rows; one acceptance for both
    const allFits = units.map((u) => fitOn(u.chip, u.rows));
    const pooled = fitStackServing(units.map((u, i) => ({ chip: allFits[i]!, rows: u.rows })));
    // one acceptance for both; t_req each chip's own, both having low-load single-node rows
    fits.forEach((f, i) => {
      expect(f.serving.trtllm!.mtpAcceptance).toBe(pooled.trtllm!.mtpAcceptance);
      expect(f.serving).toEqual(withOwnRequestOverhead(pooled, { chip: allFits[i]!, rows: units[i]!.rows }));
      expect(f.serving.trtllm!.ttftChips).toEqual([units[i]!.chip.id]);
    });
    // a chip without such rows keeps the stack's pooled t_req
    expect(withOwnRequestOverhead(pooled, { chip: allFits[0]!, rows: units[0]!.rows.filter((r) => r.conc > REQUEST_OVERHEAD_MAX_CONCURRENCY) })).toEqual(pooled);
    // out of sample, H200's MTP curve: H200's efficiencies on its plain curve, the acceptance on B200's
    // rows (at B200's efficiencies from all its rows) and H200's other curve (at the training ones)
    const h200 = units[0]!;
    const mtpCurve = curveOf(h200.rows.find((r) => r.specMethod === 'mtp')!);
    const held = h200.rows.filter((r) => curveOf(r) === mtpCurve);
    const training = h200.rows.filter((r) => curveOf(r) !== mtpCurve);
    const trained = fitOn(h200.chip, training);
    const serving = fitStackServing([{ chip: allFits[1]!, rows: units[1]!.rows }, { chip: trained, rows: training }], 'trtllm');
    const expected = held.flatMap((row) => {
      const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: servingChip(trained, serving, row) });
      return r.feasible ? [r.tokensPerSPerUser] : [];
    });
    const got = fits[0]!.heldPredictions.filter((p) => curveOf(p.row) === mtpCurve).map((p) => p.predicted!.interactivity);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected.map((x) => expect.closeTo(x, 9)));
    // and they do not depend on the curve's own measurements: three times faster rows, the same predictions
    const faster = (r: InferencexRow): InferencexRow => (curveOf(r) === mtpCurve ? { ...r, tputPerGpu: 3 * r.tputPerGpu, medianIntvty: 3 * r.medianIntvty, medianTtft: r.medianTtft / 3 } : r);
    const refit = fitInferencexUnits([{ ...h200, rows: h200.rows.map(faster) }, units[1]!], grid);
    expect(refit[0]!.heldPredictions.filter((p) => curveOf(p.row) === mtpCurve).map((p) => p.predicted)).toEqual(fits[0]!.heldPredictions.filter((p) => curveOf(p.row) === mtpCurve).map((p) => p.predicted));
    // while the in-sample acceptance, which reads them, moves
    expect(refit[0]!.serving.trtllm!.mtpAcceptance).not.toBe(fits[0]!.serving.trtllm!.mtpAcceptance);
  }, 240_000);

  test('chips of one die are fitted together: one set of efficiencies, each row at its own chip\'s peaks, a chip\'s curve left out predicted from the others\'', () => {
    // H200 and H100 SXM: the same GH100 die on the same 700 W HGX board, HBM apart
    expect(FITTED_TOGETHER).toContainEqual(['h200', 'h100-sxm']);
    expect(fittedTogetherWith('h100-sxm')).toEqual(['h200', 'h100-sxm']);
    expect(fittedTogetherWith('b200')).toEqual(['b200']);
    const h200 = inferencexChip('h200')!;
    const h100 = inferencexChip('h100')!;
    // H200's default is its TensorRT-LLM profile, which carries TensorRT-LLM's KV cache budget
    expect(h200.efficiency.kvCacheBudget).toBe(h200.efficiencyProfiles?.trtllm?.kvCacheBudget);
    expect(h200.efficiency.kvCacheBudget?.basis).toBe('free');
    const h100Row = kept.find((r) => r.hardware === 'h100' && r.framework === 'dynamo-trt')!;
    const h200Row = kept.find((r) => r.hardware === 'h200' && r.framework === 'trt')!;
    const h200SglangRow = kept.find((r) => r.hardware === 'h200' && r.framework === 'sglang')!;
    const b200Row = kept.find((r) => r.hardware === 'b200' && r.framework === 'trt')!;
    // H200's efficiencies on an H100 row: H100's datasheet (3.35 TB/s, not 4.8), H200's efficiencies, one object each time
    const served = onRowChip(h200, h100Row);
    expect([served.id, served.memory.bandwidthBytesPerS.value, served.efficiency]).toEqual(['h100-sxm', 3.35e12, h200.efficiency]);
    expect(onRowChip(h200, h100Row)).toBe(served);
    // its own rows of its default's stack, and a chip of another die on that stack, as it is
    expect(onRowChip(h200, h200Row)).toBe(h200);
    expect(onRowChip(h200, b200Row)).toBe(h200);
    // a row of another stack takes that stack's KV cache budget (SGLang's: none), everything else as it is
    expect(stackKvCacheBudget(h200SglangRow)).toBeUndefined();
    const onSglang = onRowChip(h200, h200SglangRow);
    const { kvCacheBudget: _budget, ...withoutBudget } = h200.efficiency;
    expect([onSglang.id, onSglang.efficiency]).toEqual(['h200', withoutBudget]);
    expect(onRowChip(h200, h200SglangRow)).toBe(onSglang);

    // One unit: H200's single-node TensorRT-LLM FP8 rows without MTP and H100's Dynamo-TRT ones (one curve each), on a 2 × 2 × 2 grid
    const h200Rows = kept.filter((r) => r.hardware === 'h200' && r.framework === 'trt' && r.precision === 'fp8' && r.specMethod !== 'mtp');
    const h100Rows = kept.filter((r) => r.hardware === 'h100' && r.framework === 'dynamo-trt' && r.specMethod !== 'mtp');
    expect([new Set(h200Rows.map(curveOf)).size, new Set(h100Rows.map(curveOf)).size]).toEqual([1, 1]);
    const grid = (chip: ChipSpec) => ({ ...inferencexFitGrid(chip), flop: [0.05, 0.3], memory: [0.4, 0.8], layerOverheadS: [20e-6, 60e-6] });
    const fits = fitInferencexUnits([{ chip: h200, rows: [...h200Rows, ...h100Rows] }], grid);
    expect(fits.map((f) => [f.chip, f.rows, f.curves])).toEqual([['h200', h200Rows.length, 1], ['h100-sxm', h100Rows.length, 1]]);
    expect(fits[0]!.fittedOn).toEqual({ chips: ['h200', 'h100-sxm'], rows: h200Rows.length + h100Rows.length, curves: 2 });
    expect(fits[1]!.efficiencies).toEqual(fits[0]!.efficiencies);
    // by hand: every row's throughput and tokens/s per user, each predicted on its own chip with the candidate's efficiencies
    const options = { flopCurve: false, flopPrecisions: ['fp8' as const], flopLargeGemm: efficiencyAt(h200.efficiency.flop, FLOP_CURVE_INTENSITIES[1]), flopForExperts: true };
    const byHand = (rows: readonly InferencexRow[]) =>
      rows.flatMap((row) => {
        const own = row.hardware === 'h100' ? h100 : h200;
        const at = (candidate: ChipSpec) => estimateInference({ ...inferencexConfig(row, 'continuous'), chip: { ...own, efficiency: candidate.efficiency } });
        return [
          { id: `${row.line} tput`, measured: row.tputPerGpu, predict: (c: ChipSpec) => { const r = at(c); return r.feasible ? predictedTputPerGpu(row, r) : undefined; } },
          { id: `${row.line} user`, measured: row.medianIntvty, predict: (c: ChipSpec) => { const r = at(c); return r.feasible ? r.tokensPerSPerUser : undefined; } },
        ];
      });
    const { mtpAcceptance: _a, requestOverheadS: _t, ...bare } = h200.efficiency;
    const h200Bare = { ...h200, efficiency: bare };
    expect(fits[0]!.efficiencies).toEqual(calibrateEfficiencies(h200Bare, byHand([...h200Rows, ...h100Rows]), grid(h200Bare), options)!.efficiencies);
    // H100's curve left out: the efficiencies fitted on H200's rows alone, on H100's datasheet, at t_req of H200's low-load rows
    const trained = withEfficiencies(h200Bare, calibrateEfficiencies(h200Bare, byHand(h200Rows), grid(h200Bare), options)!.efficiencies, 'test');
    const serving = withOwnRequestOverhead(fitStackServing([{ chip: trained, rows: h200Rows }], 'trtllm'), { chip: trained, rows: h200Rows });
    const expected = h100Rows.flatMap((row) => {
      const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: { ...h100, efficiency: servingChip(trained, serving, row).efficiency } });
      return r.feasible ? [r.tokensPerSPerUser] : [];
    });
    const got = fits[1]!.heldPredictions.map((p) => p.predicted!.interactivity);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected.map((x) => expect.closeTo(x, 9)));
    expect(fits[1]!.heldPredictions.every((p) => p.row.hardware === 'h100')).toBe(true);
  }, 240_000);

  test('two calibration rows per InferenceX row, predicted from one estimate', () => {
    const rows = kept.slice(0, 3);
    const calibration = calibrationRowsOf(rows);
    expect(calibration.map((r) => r.id)).toEqual(rows.flatMap((r) => [`line ${r.line} tput`, `line ${r.line} interactivity`]));
    expect(calibration.map((r) => r.measured)).toEqual(rows.flatMap((r) => [r.tputPerGpu, r.medianIntvty]));
  });

  test('the out-of-sample error of a curve comes from the fit on the other curves only', () => {
    // MI300X's 10 rows are one curve: no cross-validation. Two of H200's curves, on a 2 × 2 × 2 grid:
    const chip = inferencexChip('h200')!;
    const curves = [...new Set(kept.filter((r) => r.hardware === 'h200').map(curveOf))].slice(0, 2);
    const rows = kept.filter((r) => curves.includes(curveOf(r)));
    const grid = { ...inferencexFitGrid(chip), flop: [0.2, 0.5], memory: [0.4, 0.8], layerOverheadS: [20e-6, 120e-6] };
    const fit = fitInferencexChip(chip, rows, grid)!;
    expect([fit.rows, fit.curves]).toEqual([rows.length, 2]);
    // By hand: fit on the second curve, predict the first (and the other way round); the pooled
    // out-of-sample median |error| of throughput is over those predictions. A fit is the
    // efficiencies on the rows without MTP (all rows when there are none), the experts' η_flop per
    // precision rising to the chip's large-GEMM figure (the other matmuls at the chip's own η_flop),
    // then the MTP acceptance and t_req of each stack with them held.
    // The plugin's committed acceptance and t_req, fitted on these rows before, are never read.
    const bare = withoutServingFigures(chip);
    const errors: number[] = [];
    for (const [held, other] of [[curves[0], curves[1]], [curves[1], curves[0]]] as const) {
      const training = rows.filter((r) => curveOf(r) === other);
      const plain = training.filter((r) => r.specMethod !== 'mtp');
      const options = { flopCurve: false, flopPrecisions: ['fp8' as const], flopLargeGemm: efficiencyAt(chip.efficiency.flop, FLOP_CURVE_INTENSITIES[1]), flopForExperts: true };
      const e = calibrateEfficiencies(bare, calibrationRowsOf(plain.length > 0 ? plain : training), grid, options)!.efficiencies;
      const withE = withEfficiencies(bare, e, 'test');
      // one chip alone: its stack's figures from its own training rows (when they include plain decoding)
      const serving = withOwnRequestOverhead(plain.length > 0 ? fitStackServing([{ chip: withE, rows: training }]) : {}, { chip: withE, rows: training });
      for (const row of rows.filter((r) => curveOf(r) === held)) {
        const r = estimateInference({ ...inferencexConfig(row, 'continuous'), chip: servingChip(withE, serving, row) });
        if (r.feasible) errors.push(Math.abs((predictedTputPerGpu(row, r) - row.tputPerGpu) / row.tputPerGpu));
      }
    }
    errors.sort((a, b) => a - b);
    const mid = (errors.length - 1) / 2;
    expect(fit.outOfSample!.throughput.medianAbs).toBeCloseTo((errors[Math.floor(mid)]! + errors[Math.ceil(mid)]!) / 2, 12);
    expect(fit.outOfSample!.throughput.n).toBe(errors.length);
    // the held predictions behind those errors, one per row predicted, under the chip's id (the ranking reads them)
    expect(fit.heldPredictions.length).toBe(errors.length);
    expect(new Set(fit.heldPredictions.map((p) => p.config.chip.id))).toEqual(new Set(['h200']));
    expect(fit.heldPredictions.map((p) => Math.abs((p.predicted!.throughput - p.row.tputPerGpu) / p.row.tputPerGpu)).sort((a, b) => a - b)).toEqual(errors.map((e) => expect.closeTo(e, 12)));
    // and the fit on all rows searched the grid it was given (η_flop per precision included)
    expect(grid.flop).toContain(fit.efficiencies.flopByPrecision?.fp8 ?? fit.efficiencies.flop);
    expect(grid.memory).toContain(fit.efficiencies.memory);
    expect(grid.layerOverheadS).toContain(fit.efficiencies.layerOverheadS);
    // the fitted η_flop is the experts': every other matmul keeps the chip's own
    const fitted = withEfficiencies(chip, fit.efficiencies, 'test').efficiency;
    expect(fitted.flop).toBe(chip.efficiency.flop);
    expect(fitted.flopByPrecision).toBeUndefined();
    const experts = fitted.expertFlopByPrecision?.fp8 ?? fitted.expertFlop;
    expect(experts).toEqual({ curve: [[128, fit.efficiencies.flopByPrecision?.fp8 ?? fit.efficiencies.flop], [4096, expect.any(Number)]], over: 'arithmeticIntensity', source: 'test' });
  }, 240_000);

  test('oneCurveProfileErrors: a profile fitted on one curve quotes its chip\'s fit on other stacks, else the transfer rule, else nothing', () => {
    const at = (medianAbs: number) => ({ n: 10, medianAbs, medianSigned: medianAbs, p90Abs: medianAbs });
    const held = (framework: string, measured: number, predicted: number) => ({
      row: { framework, tputPerGpu: measured, medianIntvty: measured, medianTtft: 1 },
      config: { chip: { id: 'x' } },
      predicted: { throughput: predicted, interactivity: predicted * 2, ttft: 1.5 },
    });
    const crossValidated = { throughput: at(0.1), interactivity: at(0.1), ttft: at(0.1) };
    const stackFits = [
      { chip: 'x', stack: 'sglang', curves: 1, outOfSample: undefined },
      { chip: 'x', stack: 'trtllm', curves: 2, outOfSample: crossValidated },
      { chip: 'y', stack: 'sglang', curves: 1, outOfSample: undefined },
      { chip: 'z', stack: 'sglang', curves: 1, outOfSample: undefined },
      // one curve of its own, fitted together with another chip's curves: it has them to leave out
      { chip: 'v', stack: 'sglang', curves: 1, outOfSample: crossValidated },
    ] as unknown as InferencexStackFit[];
    // x's chip fit held its sglang curve out (errors +10%, −30%, +20%) and its trtllm curves (+50%)
    const chipFits = [
      { chip: 'x', heldPredictions: [held('sglang', 100, 110), held('dynamo-sglang', 100, 70), held('sglang', 100, 120), held('trt', 100, 150)] },
      { chip: 'y', heldPredictions: [] },
    ] as unknown as InferencexChipFit[];
    const transfers: TransferCheck[] = [
      { from: 'w', to: 'y', stack: 'sglang', throughput: at(0.587), interactivity: at(0.542), ttft: at(0.4214) },
      { from: 'w', to: 'z', stack: 'trtllm', throughput: at(0.1), interactivity: at(0.1), ttft: at(0.1) },
      { from: 'w', to: 'v', stack: 'sglang', throughput: at(0.3), interactivity: at(0.3), ttft: at(0.3) },
    ];
    const quoted = oneCurveProfileErrors(stackFits, chipFits, transfers);
    // x sglang: |errors| 0.1, 0.3, 0.2 → median 0.2; interactivity 2·p/m − 1 = 1.2, 0.4, 1.4 → 1.2; TTFT 0.5
    expect(quoted.get('x sglang')).toEqual({ throughput: 0.2, interactivity: 1.2, ttft: 0.5, on: expect.stringMatching(/^InferenceX DeepSeek-R1, 3 sglang rows \(one curve\) predicted by the chip's fit on its other curves \(trtllm\)/), method: 'another-fit' });
    // a profile with curves of its own to leave out is not given one
    expect(quoted.has('x trtllm')).toBe(false);
    // y: no other stack of its own, so the transfer check onto it, TTFT too (0.4214 → 0.421 at 3 decimals)
    expect(quoted.get('y sglang')).toEqual({ throughput: 0.587, interactivity: 0.542, ttft: 0.421, on: expect.stringContaining("10 sglang rows (one curve) predicted by w's sglang profile"), method: 'another-fit' });
    // z: the only transfer onto it is of another stack: nothing to quote
    expect(quoted.has('z sglang')).toBe(false);
    // v: cross-validated on its group's curves, so no stand-in, though a transfer onto it exists
    expect(quoted.has('v sglang')).toBe(false);
  });

  test('fittedProfileOf: a fit not yet written predicts as the profile --write makes of it, so --fit --write quotes the transfer rule against what it writes', () => {
    // Each committed profile read back into the fit it was written from: the experts' curve
    // [[128, v], [4096, anchor]] per precision is the fitted small-GEMM value v with its large-GEMM
    // anchor, and the stack's MTP acceptance and t_req its serving fit.
    const asFit = (chipId: string, stack: string) => {
      const profile = inferencexChipById(chipId)!.efficiencyProfiles![stack]!;
      const flopByPrecision: Partial<Record<Precision, number>> = {};
      const flopLargeGemmByPrecision: Partial<Record<Precision, number>> = {};
      for (const [precision, efficiency] of Object.entries(profile.expertFlopByPrecision ?? {})) {
        if (!('curve' in efficiency!)) throw new Error(`${chipId} ${stack}: the experts' ${precision} η_flop is not a curve`);
        const [[, small], [, large]] = efficiency.curve as [[number, number], [number, number]];
        flopByPrecision[precision as Precision] = small;
        flopLargeGemmByPrecision[precision as Precision] = large;
      }
      const value = (e: Efficiency | undefined) => (e !== undefined && 'value' in e ? e.value : Number.NaN);
      return {
        chip: chipId,
        stack,
        efficiencies: { flop: Object.values(flopByPrecision)[0]!, flopByPrecision, flopLargeGemm: Object.values(flopLargeGemmByPrecision)[0]!, flopLargeGemmByPrecision, flopForExperts: true, memory: value(profile.memory), network: value(profile.network), layerOverheadS: value(profile.layerOverheadS), commOverlap: value(profile.commOverlap) },
        serving: { [stack]: { mtpAcceptance: profile.mtpAcceptance?.value, requestOverheadS: profile.requestOverheadS!.value, mtpChips: [], mtpRows: 0, ttftChips: [], ttftRows: 0 } },
      };
    };
    // the pairs whose source is fitted alone (H100's, fitted with H200, is refitted by the check itself)
    for (const [from, to, stack] of [['mi355x', 'mi300x', 'sglang'], ['b200', 'gb200-nvl72', 'trtllm'], ['b200', 'b300', 'sglang']] as const) {
      const committed = transferCheck(kept, inferencexChipById, from, to, stack)!;
      const fitted = transferCheck(kept, inferencexChipById, from, to, stack, fittedProfileOf([asFit(from, stack)]))!;
      expect(committed.throughput.n, `${from} → ${to} ${stack}`).toBeGreaterThan(0);
      expect(fitted, `${from} → ${to} ${stack}`).toEqual(committed);
    }
    // and a fit that differs predicts differently: η_mem one grid step up moves the check
    const faster = asFit('mi355x', 'sglang');
    const moved = transferCheck(kept, inferencexChipById, 'mi355x', 'mi300x', 'sglang', fittedProfileOf([{ ...faster, efficiencies: { ...faster.efficiencies, memory: faster.efficiencies.memory + 0.1 } }]))!;
    expect(moved.throughput.medianSigned).toBeGreaterThan(transferCheck(kept, inferencexChipById, 'mi355x', 'mi300x', 'sglang')!.throughput.medianSigned);
    // a chip or stack the fits do not hold has no profile to check
    expect(transferCheck(kept, inferencexChipById, 'mi355x', 'mi300x', 'trtllm', fittedProfileOf([asFit('mi355x', 'sglang')]))).toBeUndefined();
  });

  test('profilesModule writes a one-curve profile\'s stand-in error with its method, and a cross-validated one without', () => {
    const fit = (stack: string, curves: number, outOfSample: boolean) => ({
      chip: 'x', stack, rows: 10, curves, fittedOn: { chips: ['x'], rows: 10, curves }, precisions: ['fp8'],
      efficiencies: { flop: 0.05, memory: 0.7, network: 0.8, layerOverheadS: 5e-5, commOverlap: 0 },
      serving: { [stack]: { mtpAcceptance: undefined, requestOverheadS: 0.1, mtpChips: [], mtpRows: 0, ttftChips: ['x'], ttftRows: 4 } },
      outOfSample: outOfSample ? { throughput: { medianAbs: 0.1234 }, interactivity: { medianAbs: 0.2 }, ttft: { medianAbs: 0.3 } } : undefined,
    });
    const fits = [fit('trtllm', 3, true), fit('sglang', 1, false)] as unknown as InferencexStackFit[];
    const quoted = new Map([['x sglang', { throughput: 0.199, interactivity: 0.175, ttft: 0.537, on: 'another fit', method: 'another-fit' as const }]]);
    const text = profilesModule(fits, '2026-12-05', quoted);
    expect(text).toContain(`outOfSampleError: { throughput: 0.123, interactivity: 0.2, ttft: 0.3, on: "InferenceX DeepSeek-R1, 10 trtllm rows, one curve left out at a time" },`);
    expect(text).toContain(`outOfSampleError: { throughput: 0.199, interactivity: 0.175, ttft: 0.537, on: "another fit", method: 'another-fit' },`);
    expect(text).toContain('fitted per chip, on one curve, its error from a fit that never saw it');
    // without a stand-in the one-curve profile quotes nothing
    expect(profilesModule(fits, '2026-12-05').match(/outOfSampleError/g)).toHaveLength(1);
    // a chip fitted together with another (one die) names the other's rows and curves, and which curves stayed in
    const base = fit('trtllm', 1, true);
    const joint = { ...base, chip: 'h100-sxm', rows: 4, fittedOn: { chips: ['h200', 'h100-sxm'], rows: 10, curves: 3 }, serving: { trtllm: { ...base.serving.trtllm, ttftChips: ['h200'] } } } as unknown as InferencexStackFit;
    const jointText = profilesModule([joint], '2026-12-05');
    expect(jointText).toContain('memory: { value: 0.7, source: "fit: pnpm validate --fit over InferenceX DeepSeek-R1, trtllm rows of h100-sxm (4 rows, 1 curve) and of h200 (6 rows, 2 curves), fitted together as one die (2026-12-05)" },');
    expect(jointText).toContain('on: "InferenceX DeepSeek-R1, 4 trtllm rows, one curve left out at a time (h200\'s curves kept)" },');
    expect(jointText).toContain('fitted per die, with h200, one curve left out for the error');
    // t_req from the die's other chip's low-load rows is the die's, not the stack's
    expect(jointText).toContain('requestOverheadS: { value: 0.1, source: "the die\'s value, h100-sxm having no trtllm single-node rows at concurrency ≤ 16: pnpm validate --fit over their TTFT on h200, fitted together with it (4 rows; 2026-12-05)" },');
    // each precision's experts rise to its own large-GEMM figure where the chip gives one (Blackwell's FP4 0.54), the others to flopLargeGemm
    const fp4 = { ...base, precisions: ['fp8', 'fp4'], efficiencies: { ...base.efficiencies, flopByPrecision: { fp4: 0.03 }, flopLargeGemm: 0.78, flopLargeGemmByPrecision: { fp4: 0.54 } } } as unknown as InferencexStackFit;
    const fp4Text = profilesModule([fp4], '2026-12-05');
    expect(fp4Text).toMatch(/fp8: \{ curve: \[\[128, 0\.05\], \[4096, 0\.78\]\], over: 'arithmeticIntensity'/);
    expect(fp4Text).toMatch(/fp4: \{ curve: \[\[128, 0\.03\], \[4096, 0\.54\]\], over: 'arithmeticIntensity'/);
  });

  test('ranks chips out of sample on the fits\' held predictions', () => {
    const at = (chip: string, measured: [number, number], predicted: [number, number]) => ({
      row: { isl: 1024, osl: 1024, precision: 'fp8', tputPerGpu: measured[0], medianIntvty: measured[1] },
      config: { chip: { id: chip } },
      predicted: { throughput: predicted[0], interactivity: predicted[1], ttft: 1 },
    });
    // a measured 1000 vs b 500 at ≥ 10 tok/s/user: a ahead; predicted 900 vs 950: b ahead (disagree);
    // c 2000 measured, 1900 predicted: ahead of both, measured and predicted (agree twice)
    const fits = [
      { heldPredictions: [at('a', [1000, 15], [900, 15])] },
      { heldPredictions: [at('b', [500, 12], [950, 12])] },
      { heldPredictions: [at('c', [2000, 11], [1900, 11])] },
    ] as unknown as InferencexChipFit[];
    expect(outOfSampleRankingLine(fits, 'test')).toBe('Ranking out of sample (test): 2 of 3 chip pairs (67%) ordered as measured.');
  });
});

describe('the forward check: fitted on the earlier runs, predicting the later ones', () => {
  // H200's TensorRT-LLM rows (November 2025 to January 2026), its Dynamo-TRT rows (February and
  // March 2026) and its SGLang rows (March 2026, a stack with no H200 rows before), on a 2 × 2 × 2 grid
  const rows = kept.filter((r) => r.hardware === 'h200' && ['trt', 'dynamo-trt', 'sglang'].includes(r.framework));
  const grid = (c: ChipSpec) => ({ ...inferencexFitGrid(c), flop: [0.05, 0.2], memory: [0.5, 0.8], layerOverheadS: [40e-6, 100e-6] });
  const cutoff = '2026-03-01';
  const check = forwardCheck(rows, inferencexChip, cutoff, grid);

  test('the rows before the cutoff are fitted, those from it on predicted, and a stack new since goes unpredicted', () => {
    const before = rows.filter((r) => r.date < cutoff);
    const after = rows.filter((r) => r.date >= cutoff);
    expect(before.length).toBeGreaterThan(0);
    expect([check.trainRows, check.testRows]).toEqual([before.length, after.length]);
    expect(check.predictions.length).toBeGreaterThan(0);
    expect(check.predictions.every((p) => p.row.date >= cutoff)).toBe(true);
    // H200's SGLang rows are all from March 2026: no profile fitted before the cutoff predicts them
    const sglang = after.filter((r) => r.framework === 'sglang').length;
    expect(sglang).toBeGreaterThan(0);
    expect(check.predictions.some((p) => p.row.framework === 'sglang')).toBe(false);
    expect(check.unpredicted).toBeGreaterThanOrEqual(sglang);
    expect(check.predictions.length + check.unpredicted).toBe(after.length);
  });

  test('what it predicts for the later rows does not depend on their measurements', () => {
    // the later rows' measurements tripled: the fit never reads them, so the predictions are the same
    const tripled = rows.map((r) => (r.date >= cutoff ? { ...r, tputPerGpu: 3 * r.tputPerGpu, medianIntvty: 3 * r.medianIntvty, medianTtft: 3 * r.medianTtft } : r));
    const again = forwardCheck(tripled, inferencexChip, cutoff, grid);
    expect(again.predictions.map((p) => p.predicted)).toEqual(check.predictions.map((p) => p.predicted));
    // and the errors are the predictions against the measurements: (p − 3m)/(3m) = ((p − m)/m + 1)/3 − 1
    const firstError = (check.predictions[0]!.predicted!.throughput - check.predictions[0]!.row.tputPerGpu) / check.predictions[0]!.row.tputPerGpu;
    const firstAgain = (again.predictions[0]!.predicted!.throughput - 3 * check.predictions[0]!.row.tputPerGpu) / (3 * check.predictions[0]!.row.tputPerGpu);
    expect(firstAgain).toBeCloseTo((firstError + 1) / 3 - 1, 12);
    expect(again.stats.throughput.medianSigned).toBeLessThan(check.stats.throughput.medianSigned);
  });

  test('on every row, with the fit\'s own grid, it gives what the READMEs quote', () => {
    // the whole check as `pnpm validate --fit` runs it (about 15 s: no curves left out)
    const full = forwardCheck(kept, inferencexChip);
    const line = forwardCheckLine(full);
    const own = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(own.split('\n'), 'apps/validation/README.md quotes the line pnpm validate --fit prints').toContain(line);
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const { throughput: t, interactivity: u } = full.stats;
    const root = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(root).toContain(`predicts the ${full.predictions.length} later rows whose chip and stack it knows at ${pct(t.medianAbs)} / ${pct(u.medianAbs)} median |error| (p90 ${pct(t.p90Abs)} / ${pct(u.p90Abs)})`);
  }, 180_000);

  test('its statistics are those of its predictions, per chip too, and the line says them', () => {
    const signedThroughput = check.predictions.map((p) => (p.predicted!.throughput - p.row.tputPerGpu) / p.row.tputPerGpu).sort((a, b) => a - b);
    const mid = (signedThroughput.length - 1) / 2;
    expect(check.stats.throughput.medianSigned).toBeCloseTo((signedThroughput[Math.floor(mid)]! + signedThroughput[Math.ceil(mid)]!) / 2, 12);
    expect(check.stats.throughput.n).toBe(check.predictions.length);
    expect(check.perChip).toEqual([{ chip: 'h200', rows: check.predictions.length, throughput: check.stats.throughput.medianSigned, interactivity: check.stats.interactivity.medianSigned }]);
    const line = forwardCheckLine(check);
    expect(line).toContain(`fitted on the ${check.trainRows} rows measured before ${cutoff}, predicting the ${check.predictions.length} of the ${check.testRows} rows`);
    expect(line).toMatch(/Signed tput\/GPU \/ tok\/s\/user per chip \(rows\): h200 [+−]\d+\.\d% \/ [+−]\d+\.\d% \(\d+\)\.$/);
  });
});
