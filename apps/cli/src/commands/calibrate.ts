import { defineCommand, type CommandDef } from 'citty';
import { formatDuration, formatInteger, formatNumber, formatPercent, formatTokenRate, table } from '@ridgeline/format';
import type { ChipEfficiency, ChipSpec } from '@ridgeline/hardware';
import {
  calibrateEfficiencies,
  computePrecision,
  DEFAULT_CALIBRATION_GRID,
  estimateInference,
  evaluateRows,
  inferenceRow,
  type CalibrationMetric,
  type ConstantEfficiencies,
  type FittedEfficiencies,
  type RowFit,
  type RowsEvaluation,
} from '@ridgeline/model';
import { UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { readMeasurements, type Measurement } from '../measurements.ts';
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
  return metric === 'output_tokens_per_s_per_chip' ? formatTokenRate(value) : formatDuration(value);
}

function signedPercent(error: number | undefined): string {
  if (error === undefined) return '—';
  const size = formatPercent(Math.abs(error));
  return size === '0.0%' ? size : `${error > 0 ? '+' : '-'}${size}`;
}

/** `lines 2-5, 9` when every row is named by its line, else `rows a, b, c`. */
function rowsText(rows: readonly Measurement[]): string {
  if (!rows.every((m) => m.row.id === `line ${m.line}`)) return `rows ${rows.map((m) => m.row.id).join(', ')}`;
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

function pasteable(block: ChipEfficiency): string {
  const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const entryText = (entry: { value: number; source: string } | { curve: ReadonlyArray<readonly [number, number]>; over: string; source: string }): string => {
    if ('curve' in entry) {
      const points = entry.curve.map(([x, y]) => `[${numberLiteral(x)}, ${numberLiteral(y)}]`).join(', ');
      return `{ curve: [${points}], over: '${entry.over}', source: ${quote(entry.source)} }`;
    }
    return `{ value: ${numberLiteral(entry.value)}, source: ${quote(entry.source)} }`;
  };
  const lines = ORDER.flatMap((key) => {
    const line = `    ${key}: ${entryText(block[key] as Parameters<typeof entryText>[0])},`;
    if (key !== 'flop' || block.flopByPrecision === undefined) return [line];
    const byPrecision = Object.entries(block.flopByPrecision).map(([p, e]) => `${p}: ${entryText(e as Parameters<typeof entryText>[0])}`);
    return [line, `    flopByPrecision: { ${byPrecision.join(', ')} },`];
  });
  const calibration = block.calibration === undefined ? [] : [`    calibration: { status: '${block.calibration.status}', basis: ${quote(block.calibration.basis)} },`];
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
    const grid = DEFAULT_CALIBRATION_GRID;
    const points = ORDER.reduce((n, key) => n * grid[key].length, 1);
    const feasibleCount = rows.length - infeasible.size;
    if (feasibleCount === 0) {
      throw new UserError(`none of the ${rows.length} rows of ${file} is feasible on ${chip.id} (see the notes above), so there is nothing to fit`);
    }
    io.stderr(`ridgeline: fitting ${ORDER.map((k) => NAMES[k]).join(', ')} to ${feasibleCount} rows over ${formatInteger(points)} grid points\n`);
    const before = evaluateRows(calibrationRows, chip);
    // the procedure pnpm validate --fit runs: η_flop per compute precision the rows ran at
    const flopPrecisions = [...new Set(rows.map((m) => computePrecision(m.row.config.precision.weights, m.row.config.precision.activations)))];
    const fit = calibrateEfficiencies(chip, calibrationRows, grid, { flopPrecisions });
    if (fit === undefined) throw new UserError(`no grid point makes any row of ${file} feasible on ${chip.id}`);
    for (const key of fit.atGridEdge) {
      const values = grid[key];
      const last = fit.efficiencies[key] === Math.max(...values);
      note(
        `${NAMES[key]} landed on the ${last ? 'last' : 'first'} value of its grid (${valueText(key, fit.efficiencies[key])}): the best value may lie ${last ? 'above' : 'below'} it, or the rows may not pin it down`,
      );
    }

    const fitted = rows.filter((m) => !infeasible.has(m.row.id));
    const source = `fit: ridgeline calibrate, ${file} ${rowsText(fitted)} (${fitted.length} row${fitted.length === 1 ? '' : 's'}), median |error| ${formatPercent(fit.medianAbsError)}`;
    const block = efficiencyBlock(fit.efficiencies, source);

    if (a.json) {
      const json = {
        chip: chip.id,
        file,
        rows: rows.map((m, i) => rowJson(m, before.rows[i]!, fit.rows[i]!, infeasible.get(m.row.id) ?? null)),
        before: summary(before),
        after: summary(fit),
        fitted: fit.efficiencies,
        atGridEdge: fit.atGridEdge,
        efficiency: block,
      };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }

    const header = ['row', 'model', 'chips', 'tp', 'pp', 'batch', 'input', 'output', 'metric', 'measured', 'before', 'error', 'fitted', 'error'];
    const body = rows.map((m, i) => {
      const c = m.row.config;
      const b = before.rows[i]!;
      const f = fit.rows[i]!;
      return [
        m.row.id,
        m.model,
        String(c.chips),
        String(c.parallelism.tp),
        String(c.parallelism.pp),
        String(c.batch),
        String(c.inputTokens),
        String(c.outputTokens),
        m.row.metric,
        metricText(m.row.metric, m.row.measured),
        metricText(m.row.metric, b.predicted),
        signedPercent(b.error),
        metricText(m.row.metric, f.predicted),
        signedPercent(f.error),
      ];
    });
    const align = header.map((_, i) => (i < 2 || i === 8 ? 'left' : 'right') as 'left' | 'right');
    const curve = fit.efficiencies.flopCurve;
    const fittedText = ORDER.map((k) =>
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
        `median |error|  before ${formatPercent(before.medianAbsError)}  after ${formatPercent(fit.medianAbsError)}  (mean |ln(predicted/measured)| ${formatNumber(before.loss ?? Number.NaN)} → ${formatNumber(fit.loss)})`,
        `fitted          ${fittedText}`,
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
