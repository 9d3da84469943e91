import { inferencexReadmeLines, type InferencexReport } from './inferencex.ts';
import type { RowOutcome, ValidationReport } from './validate.ts';

const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

function formatValue(o: RowOutcome, value: number | undefined): string {
  if (value === undefined) return `infeasible (${o.infeasibleReason ?? '?'})`;
  const unit = o.row.unit;
  const scale = unit === 'ms' || unit === 'ms/token' ? 1e3 : unit === '%' ? 1e2 : unit === 'TFLOP/s' ? 1e-12 : 1;
  const v = value * scale;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3)} ${unit}`;
}

/** The table of reproduced rows, as `pnpm validate` prints it and README.md's Accuracy section shows it. */
export function outcomeTable(report: ValidationReport): string[] {
  return [
    '| id | chips | hardware | model | metric | published | predicted | error |',
    '|---|---|---|---|---|---|---|---|',
    ...report.outcomes.map(
      (o) =>
        `| ${o.row.id} | ${o.plan.chips} | ${o.plan.chip} | ${typeof o.plan.model === 'string' ? o.plan.model : o.plan.model.id} | ${o.row.metric}${o.plan.sourceAssumes === undefined ? '' : ' (worked example)'} | ${o.row.value} ${o.row.unit} | ${formatValue(o, o.predictedSi)} | ${pct(o.error)} |`,
    ),
  ];
}

/** The summary lines under the table (counts and error quantiles). */
export function summaryLines(report: ValidationReport): string[] {
  const n = report.outcomes.filter((o) => o.error !== undefined).length;
  return [
    `Rows reproduced: ${n} (+${report.outcomes.length - n} the model calls infeasible).`,
    `Measured rows: median |error| ${pct(report.medianAbsError)}, 90th percentile |error| ${pct(report.p90AbsError)}; inference ${pct(report.medianAbsErrorInference)}, training ${pct(report.medianAbsErrorTraining)}.`,
    `All rows, worked examples (sourceAssumes) included: median |error| ${pct(report.medianAbsErrorAll)}.`,
  ];
}

/** The rows not reproduced, with the reason, as printed under "Not reproduced". */
export function skippedLines(report: ValidationReport): string[] {
  return report.skipped.map((s) => `  ${s.id}: ${s.reason}`);
}

/**
 * README.md's Accuracy section with its generated parts (summary bullets, table, reasons) replaced
 * by this report's; the prose around them is kept.
 */
export function withAccuracySection(readme: string, report: ValidationReport, inferencex?: InferencexReport): string {
  const summary = summaryLines(report).map((l) => `- ${l}`).join('\n');
  const table = outcomeTable(report).join('\n');
  const skipped = skippedLines(report).join('\n');
  const replaced = readme
    .replace(/- Rows reproduced: [^\n]*\n- Measured rows: [^\n]*\n- All rows, [^\n]*/, () => summary)
    .replace(/\| id \| chips \| hardware \|[^\n]*\n(?:\|[^\n]*\n)*\|[^\n]*/, () => table)
    .replace(/(Not reproduced, with the reason:\n\n```\n)[\s\S]*?(\n```)/, (_m, open: string, close: string) => `${open}${skipped}${close}`);
  if (inferencex === undefined) return replaced;
  return withMarkedSection(replaced, 'inferencex', inferencexReadmeLines(inferencex));
}

/**
 * `readme` with the lines between its `<!-- name:begin -->` and `<!-- name:end -->` markers replaced
 * by `lines` (unchanged without the markers): how `pnpm validate --readme` regenerates a README's
 * generated blocks and the tests check them.
 */
export function withMarkedSection(readme: string, name: string, lines: readonly string[]): string {
  const pattern = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  return readme.replace(pattern, (_m, open: string, close: string) => `${open}${lines.join('\n')}\n${close}`);
}
