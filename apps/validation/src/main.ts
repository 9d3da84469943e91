import { fitEfficiencies } from './fit.ts';
import { loadRows, runValidation, type RowOutcome } from './validate.ts';

const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

function formatValue(o: RowOutcome, value: number | undefined): string {
  if (value === undefined) return `infeasible (${o.infeasibleReason ?? '?'})`;
  const unit = o.row.unit;
  const scale = unit === 'ms' || unit === 'ms/token' ? 1e3 : unit === '%' ? 1e2 : unit === 'TFLOP/s' ? 1e-12 : 1;
  const v = value * scale;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3)} ${unit}`;
}

const rows = loadRows();
if (process.argv.includes('--fit')) {
  fitEfficiencies(rows);
} else {
  const report = runValidation(rows);
  const lines = [
    '| id | chips | hardware | model | metric | published | predicted | error |',
    '|---|---|---|---|---|---|---|---|',
    ...report.outcomes.map(
      (o) =>
        `| ${o.row.id} | ${o.plan.chips} | ${o.plan.chip} | ${typeof o.plan.model === 'string' ? o.plan.model : o.plan.model.id} | ${o.row.metric}${o.plan.sourceAssumes === undefined ? '' : ' (worked example)'} | ${o.row.value} ${o.row.unit} | ${formatValue(o, o.predictedSi)} | ${pct(o.error)} |`,
    ),
  ];
  console.log(lines.join('\n'));
  const n = report.outcomes.filter((o) => o.error !== undefined).length;
  console.log(`\nRows reproduced: ${n} (+${report.outcomes.length - n} the model calls infeasible).`);
  console.log(`Measured rows: median |error| ${pct(report.medianAbsError)}, 90th percentile |error| ${pct(report.p90AbsError)}.`);
  console.log(`All rows, worked examples (sourceAssumes) included: median |error| ${pct(report.medianAbsErrorAll)}.`);
  console.log(`\nNot reproduced (${report.skipped.length}):`);
  for (const s of report.skipped) console.log(`  ${s.id}: ${s.reason}`);
}
