import { defineCommand, type CommandDef } from 'citty';
import { formatDuration, formatInteger, formatNumber, formatPercent, formatTokenRate, table } from '@ridgeline/format';
import { efficiencyAt, type ChipEfficiency, type ChipSpec, type Efficiency, type Precision } from '@ridgeline/hardware';
import {
  DEFAULT_CALIBRATION_GRID,
  estimateInference,
  evaluateRows,
  inferenceRow,
  servingCalibrationGrid,
  type CalibrationMetric,
  type ConstantEfficiencies,
  type FittedEfficiencies,
  type InferenceConfig,
  type RowFit,
  type RowsEvaluation,
} from '@ridgeline/model';
import { UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { curvesOf, draftsAtChipAcceptance, fitMeasurements, fitPlan, leaveOneCurveOut, outOfSampleOf, round3, type Procedure } from '../fit-procedure.ts';
import { isRate, readMeasurements, type Measurement } from '../measurements.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { resolveChip } from '../registry.ts';
import { numberLiteral } from '../scaffold.ts';

/** How each fitted efficiency is named in reports. */
const NAMES: Readonly<Record<keyof ConstantEfficiencies, string>> = {
  flop: 'η_flop',
  memory: 'η_mem',
  network: 'η_net',
  layerOverheadS: 't_layer',
  commOverlap: 'prefill overlap',
};

const ORDER: ReadonlyArray<keyof ConstantEfficiencies> = ['flop', 'memory', 'network', 'layerOverheadS', 'commOverlap'];

function valueText(key: keyof ConstantEfficiencies, value: number): string {
  return key === 'layerOverheadS' ? formatDuration(value) : String(value);
}

function metricText(metric: CalibrationMetric, value: number | undefined): string {
  if (value === undefined) return 'infeasible';
  return isRate(metric) ? formatTokenRate(value) : formatDuration(value);
}

function signedPercent(error: number | undefined): string {
  if (error === undefined) return '—';
  const size = formatPercent(Math.abs(error));
  return size === '0.0%' ? size : `${error > 0 ? '+' : '-'}${size}`;
}

/** Rows named by their ids in a source at most this many; more read as their lines. */
const NAMED_ROWS_MAX = 8;

/** `lines 2-5, 9` when every row is named by its line (or there are many), else `rows a, b, c`. */
function rowsText(rows: readonly Measurement[]): string {
  if (!rows.every((m) => m.row.id === `line ${m.line}`) && rows.length <= NAMED_ROWS_MAX) return `rows ${rows.map((m) => m.row.id).join(', ')}`;
  const ranges: string[] = [];
  let start = rows[0]?.line;
  let end = start;
  const flush = (): void => {
    if (start !== undefined && end !== undefined) ranges.push(start === end ? `${start}` : `${start}-${end}`);
  };
  for (const { line } of rows.slice(1)) {
    if (end !== undefined && line === end + 1) {
      end = line;
      continue;
    }
    flush();
    start = line;
    end = line;
  }
  flush();
  return `line${rows.length === 1 ? '' : 's'} ${ranges.join(', ')}`;
}

/** The fitted block as it goes into a chip: each efficiency with the fit as its source (η_flop a curve when one was fitted). */
function efficiencyBlock(e: FittedEfficiencies, source: string): ChipEfficiency {
  const byPrecision = Object.entries(e.flopByPrecision ?? {});
  return {
    flop: e.flopCurve === undefined ? { value: e.flop, source } : { curve: e.flopCurve, over: 'arithmeticIntensity', source },
    ...(byPrecision.length === 0 ? {} : { flopByPrecision: Object.fromEntries(byPrecision.map(([p, value]) => [p, { value, source }])) }),
    memory: { value: e.memory, source },
    network: { value: e.network, source },
    layerOverheadS: { value: e.layerOverheadS, source },
    commOverlap: { value: e.commOverlap, source },
    // what users see beside every figure of this chip (hardware show, the Calibration: line, --json)
    calibration: { status: 'fitted', basis: source },
  };
}

/**
 * The serving procedure's block: the chip's efficiencies as fitted (`withEfficiencies`: the experts'
 * η_flop curves; the chip's own η_flop for its other matmuls, its sourced weight reads, t_req and KV
 * cache budget kept), each fitted entry (source `fitted`) given the reported `source`, the held η_net
 * and overlap saying so.
 */
function servingBlock(chip: ChipSpec, fitted: string, source: string): ChipEfficiency {
  const e = chip.efficiency;
  const relabel = (value: unknown, text: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if ('source' in value) return value.source === fitted ? { ...value, source: text } : value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relabel(v, text)]));
  };
  const entries = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, relabel(v, source)])) as unknown as ChipEfficiency;
  return {
    ...entries,
    network: { ...e.network, source: `held at the chip's value while fitting: ${source}` },
    ...(e.commOverlap === undefined ? {} : { commOverlap: { ...e.commOverlap, source: `held at 0 while fitting (serving stacks run their collectives on the critical path): ${source}` } }),
    calibration: { status: 'fitted', basis: source },
  };
}

/** A row's serving options in a table cell: `dp attention`, `mtp γ2`, `1 prefill (tp 8, dp) → 2 decode`; empty for none. */
function servingCell(c: InferenceConfig): string {
  const parts: string[] = [];
  if (c.attentionSharding !== undefined && c.attentionSharding !== 'heads') parts.push(`${c.attentionSharding} attention`);
  if (c.speculative !== undefined) parts.push(`${c.speculative.mode} γ${c.speculative.draftTokens ?? (Array.isArray(c.speculative.acceptance) ? c.speculative.acceptance.length : 1)}`);
  if (c.receiveInterval !== undefined) parts.push(`intake every ${c.receiveInterval}`);
  const d = c.disaggregation;
  if (d !== undefined) {
    const layout = [...(d.prefillTp === undefined ? [] : [`tp ${d.prefillTp}`]), ...(d.prefillAttention === 'dp' ? ['dp'] : [])];
    parts.push(`${d.prefillWorkers} prefill${layout.length === 0 ? '' : ` (${layout.join(', ')})`} → ${d.decodeWorkers} decode`);
  }
  return parts.join(', ');
}

/** The serving fit in one line: the experts' η_flop per precision, η_mem, t_layer, the held η_net and the acceptance. */
function servingText(chip: ChipSpec, precisions: readonly Precision[], acceptance: number | undefined): string {
  const e = chip.efficiency;
  const curveText = (f: Efficiency | undefined): string => {
    if (f === undefined) return '—';
    if ('value' in f) return String(f.value);
    return f.curve.map(([x, y]) => `${y} at ${x}`).join(' → ') + ' FLOP/byte';
  };
  const experts = precisions.map((p) => `${p} ${curveText(e.expertFlopByPrecision?.[p] ?? e.expertFlop)}`).join('; ');
  return [
    `experts' η_flop ${experts}`,
    `η_mem ${efficiencyAt(e.memory, 0)}`,
    `t_layer ${formatDuration(efficiencyAt(e.layerOverheadS, 0))}`,
    `η_net ${efficiencyAt(e.network, 1e6)} (held)`,
    ...(acceptance === undefined ? [] : [`MTP acceptance ${acceptance}`]),
  ].join(', ');
}

/** The block's entries in the order a plugin writes them; each is printed where the block has it. */
const BLOCK_ORDER = ['flop', 'flopByPrecision', 'expertFlop', 'expertFlopByPrecision', 'memory', 'weightMemory', 'network', 'layerOverheadS', 'commOverlap', 'mtpAcceptance', 'requestOverheadS'] as const;

function pasteable(block: ChipEfficiency): string {
  const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  // a sourced value or curve on one line, a map of them (per precision) or any other object key by key
  const literal = (value: unknown): string => {
    if (typeof value === 'number') return numberLiteral(value);
    if (typeof value === 'string') return quote(value);
    if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
    if (typeof value === 'object' && value !== null) {
      return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
    }
    return String(value);
  };
  const rest = Object.keys(block).filter((k) => k !== 'calibration' && !(BLOCK_ORDER as readonly string[]).includes(k));
  const lines = [...BLOCK_ORDER, ...rest].flatMap((key) => {
    const value: unknown = Object.entries(block).find(([k]) => k === key)?.[1];
    return value === undefined ? [] : [`    ${key}: ${literal(value)},`];
  });
  const calibration = block.calibration === undefined ? [] : [`    calibration: ${literal(block.calibration)},`];
  return ['  efficiency: {', ...lines, ...calibration, '  },'].join('\n');
}

function rowJson(m: Measurement, before: RowFit, after: RowFit, infeasible: { reason: string; explanation: string } | null): object {
  const { config } = m.row;
  return {
    id: m.row.id,
    line: m.line,
    model: m.model,
    chips: config.chips,
    parallelism: config.parallelism,
    batch: config.batch,
    inputTokens: config.inputTokens,
    outputTokens: config.outputTokens,
    precision: config.precision,
    metric: m.row.metric,
    measured: m.row.measured,
    before: { predicted: before.predicted ?? null, error: before.error ?? null },
    after: { predicted: after.predicted ?? null, error: after.error ?? null },
    infeasible,
  };
}

function summary(e: RowsEvaluation): { medianAbsError: number | null; meanAbsLogError: number | null } {
  return { medianAbsError: Number.isFinite(e.medianAbsError) ? e.medianAbsError : null, meanAbsLogError: e.loss ?? null };
}

const args = {
  file: {
    type: 'positional',
    required: true,
    valueHint: 'measurements.csv',
    description: 'CSV of measured rows: model, chips, tp, [pp, ep,] batch, input, output, [weights, kv, activations,] metric, value',
  },
  hardware: {
    type: 'string',
    required: true,
    valueHint: 'id|plugin[#chip]',
    description: 'The chip the rows were measured on: an id or alias, or a hardware plugin file/package, optionally #chip-id',
  },
  serving: {
    type: 'boolean',
    description:
      "Fit as pnpm validate --fit fits serving measurements (docs/MODEL.md §9): the routed experts' η_flop per precision, rising to the chip's own large-GEMM figure (its other matmuls keep theirs), η_mem and t_layer, with η_net held at the chip's value and the prefill overlap at 0; then the MTP acceptance on the rows that draft with MTP at none of their own",
  },
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print the rows, both errors and the fitted efficiencies as JSON' },
} as const;

/**
 * `ridgeline calibrate <measurements.csv> --hardware <chip>`: fits the chip's efficiencies to the
 * rows with the grid search of `pnpm validate --fit`, and reports each row's error before and after.
 */
const command: CommandDef<typeof args> = defineCommand({
  meta: {
    name: 'calibrate',
    description: "Fit a chip's efficiencies (η_flop, η_mem, η_net, t_layer, prefill overlap) to your measurements",
  },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const note = (m: string): void => io.stderr(`ridgeline: note: ${m}\n`);
    const chip: ChipSpec = await resolveChip(a.hardware, { cwd: io.cwd, plugins: pluginFlags(rawArgs), warn: note });
    const { file, rows } = await readMeasurements(a.file, io.cwd, chip);

    // Feasibility does not depend on efficiencies: a row infeasible now stays so for every candidate.
    const infeasible = new Map<string, { reason: string; explanation: string }>();
    for (const { row } of rows) {
      const result = estimateInference(row.config);
      if (result.feasible) continue;
      infeasible.set(row.id, { reason: result.reason ?? 'unknown', explanation: result.explanation });
      note(`${row.id} of ${file} is infeasible on ${chip.id} (${result.reason ?? 'unknown'}): ${result.explanation} It is left out of the fit.`);
    }
    const calibrationRows = rows.map((m) => inferenceRow(m.row));
    const serving = a.serving === true;
    const grid = serving ? servingCalibrationGrid(chip) : DEFAULT_CALIBRATION_GRID;
    const points = ORDER.reduce((n, key) => n * grid[key].length, 1);
    const feasibleCount = rows.length - infeasible.size;
    if (feasibleCount === 0) {
      throw new UserError(`none of the ${rows.length} rows of ${file} is feasible on ${chip.id} (see the notes above), so there is nothing to fit`);
    }
    const procedure: Procedure = { chip, serving, grid, infeasible: new Set(infeasible.keys()) };
    const feasibleRows = (subset: readonly Measurement[]): Measurement[] => subset.filter((m) => !infeasible.has(m.row.id));
    const plan = fitPlan(procedure, rows);
    if (serving && rows.some(draftsAtChipAcceptance) && plan.acceptanceRows === undefined) {
      note(`every feasible row drafts with MTP, so the efficiencies are fitted at ${chip.id}'s acceptance (${chip.efficiency.mtpAcceptance?.value ?? 'the model default, 0.85'}) and none is fitted: give rows without MTP too to fit it`);
    }
    io.stderr(
      serving
        ? `ridgeline: fitting the experts' η_flop (${plan.precisions.join(', ')}), η_mem and t_layer (η_net and the prefill overlap held) to ${feasibleRows(plan.efficiencyRows).length} rows over ${formatInteger(points)} grid points${plan.acceptanceRows === undefined ? '' : `, then the MTP acceptance to ${plan.acceptanceRows.length} rows`}\n`
        : `ridgeline: fitting ${ORDER.map((k) => NAMES[k]).join(', ')} to ${feasibleCount} rows over ${formatInteger(points)} grid points\n`,
    );
    const before = evaluateRows(calibrationRows, chip);
    const fitted = feasibleRows(rows);
    const source = `fit: ridgeline calibrate${serving ? ' --serving' : ''}, ${file} ${rowsText(fitted)} (${fitted.length} row${fitted.length === 1 ? '' : 's'})`;
    const whole = fitMeasurements(procedure, rows, source);
    if (whole === undefined) throw new UserError(`no grid point makes any row of ${file} feasible on ${chip.id}`);
    const { fit, acceptance } = whole;
    const final = whole.chip;
    for (const key of fit.atGridEdge) {
      const values = grid[key];
      const last = fit.efficiencies[key] === Math.max(...values);
      note(
        `${NAMES[key]} landed on the ${last ? 'last' : 'first'} value of its grid (${valueText(key, fit.efficiencies[key])}): the best value may lie ${last ? 'above' : 'below'} it, or the rows may not pin it down`,
      );
    }
    const after = evaluateRows(calibrationRows, final);
    const sourced = `${source}, median |error| ${formatPercent(after.medianAbsError)}`;

    // Out of sample (the `curve` column): each curve predicted by the procedure run on the other
    // rows, as pnpm validate --fit measures the first-party chips' errors (docs/MODEL.md §9).
    const curves = curvesOf(fitted);
    if (curves.length === 1) note(`every row given a curve is on "${curves[0]}": a second curve is needed to leave one out, so no error out of sample is measured`);
    const held = curves.length > 1 ? leaveOneCurveOut(procedure, rows, curves, (curve, i) => io.stderr(`ridgeline: out of sample: fitting without curve "${curve}" (${i + 1} of ${curves.length})\n`)) : [];
    const outOfSample = outOfSampleOf(held, curves.length);
    if (curves.length > 1 && outOfSample === undefined) note('the rows left out hold no throughput row or no tpot_s row, so no error out of sample is quoted (it states both)');
    const quoted = outOfSample === undefined ? undefined : { throughput: round3(outOfSample.throughput), interactivity: round3(outOfSample.interactivity), ...(outOfSample.ttft === undefined ? {} : { ttft: round3(outOfSample.ttft) }), on: `${file}: ${outOfSample.rows} rows, one of ${curves.length} curves left out at a time (ridgeline calibrate${serving ? ' --serving' : ''})` };
    const plainBlock = serving ? servingBlock(final, source, sourced) : efficiencyBlock(fit.efficiencies, sourced);
    const block: ChipEfficiency = quoted === undefined ? plainBlock : { ...plainBlock, calibration: { status: 'fitted', basis: sourced, outOfSampleError: quoted } };

    if (a.json) {
      const json = {
        chip: chip.id,
        file,
        procedure: serving ? 'serving' : 'default',
        rows: rows.map((m, i) => rowJson(m, before.rows[i]!, after.rows[i]!, infeasible.get(m.row.id) ?? null)),
        before: summary(before),
        after: summary(after),
        fitted: fit.efficiencies,
        mtpAcceptance: acceptance === undefined ? null : acceptance.acceptance,
        outOfSample: outOfSample ?? null,
        atGridEdge: fit.atGridEdge,
        efficiency: block,
      };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }

    // the serving column only where some row sets a serving option, so plain files read as before
    const servingCells = rows.map((m) => servingCell(m.row.config));
    const withServing = servingCells.some((cell) => cell !== '');
    const header = ['row', 'model', 'chips', 'tp', 'pp', 'batch', 'input', 'output', ...(withServing ? ['serving'] : []), 'metric', 'measured', 'before', 'error', 'fitted', 'error'];
    const body = rows.map((m, i) => {
      const c = m.row.config;
      const b = before.rows[i]!;
      const f = after.rows[i]!;
      return [
        m.row.id,
        m.model,
        String(c.chips),
        String(c.parallelism.tp),
        String(c.parallelism.pp),
        String(c.batch),
        String(c.inputTokens),
        String(c.outputTokens),
        ...(withServing ? [servingCells[i]!] : []),
        m.row.metric,
        metricText(m.row.metric, m.row.measured),
        metricText(m.row.metric, b.predicted),
        signedPercent(b.error),
        metricText(m.row.metric, f.predicted),
        signedPercent(f.error),
      ];
    });
    const metricColumn = header.indexOf('metric');
    const align = header.map((_, i) => (i < 2 || i === metricColumn || (withServing && i === metricColumn - 1) ? 'left' : 'right') as 'left' | 'right');
    const curve = fit.efficiencies.flopCurve;
    const fittedText = serving
      ? servingText(final, plan.precisions, acceptance?.acceptance)
      : ORDER.map((k) =>
          k === 'flop' && curve !== undefined
            ? `${NAMES[k]} ${valueText(k, curve[0][1])} at ${curve[0][0]} → ${valueText(k, curve[1][1])} at ${curve[1][0]} FLOP/byte`
            : `${NAMES[k]} ${valueText(k, fit.efficiencies[k])}`,
        ).join(', ');
    io.stdout(
      [
        `Calibrating ${chip.name} (${chip.id}) on ${rows.length} row${rows.length === 1 ? '' : 's'} of ${file}`,
        '',
        table([header, ...body], align),
        '',
        `median |error|  before ${formatPercent(before.medianAbsError)}  after ${formatPercent(after.medianAbsError)}  (mean |ln(predicted/measured)| ${formatNumber(before.loss ?? Number.NaN)} → ${formatNumber(after.loss ?? Number.NaN)})`,
        `fitted          ${fittedText}`,
        ...(outOfSample === undefined
          ? []
          : [`out of sample   throughput ${formatPercent(outOfSample.throughput)}, tokens/s per user ${formatPercent(outOfSample.interactivity)}${outOfSample.ttft === undefined ? '' : `, TTFT ${formatPercent(outOfSample.ttft)}`} (median |error| of ${outOfSample.rows} rows, one of ${outOfSample.curves} curves left out at a time)`]),
        '',
        `Paste into the chip "${chip.id}" of your plugin, in place of its efficiency block:`,
        '',
        pasteable(block),
        '',
      ].join('\n'),
    );
  },
});

export default command;
