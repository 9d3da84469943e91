import { decodeLayout, type RankedPrediction } from './inferencex.ts';
import { groupBy, quantile } from './validate.ts';

/**
 * The out-of-sample tail: which deployments hold the rows whose throughput per GPU the model misses
 * by more than the p90 bound. A p90 |error| at or under the bound allows a tenth of the rows
 * beyond it, so the table says how many more than that there are and where they sit, deployment by
 * deployment (chip, framework, one engine or disaggregated, MTP or not, the decode engine's layout),
 * with the run dates: a tail that gathers in a few deployments of one stack release is a different
 * finding from one spread over every chip.
 */

/** The done-when bound on the 90th-percentile |error| (issue 11). */
export const TAIL_BOUND = 0.35;

/** A deployment with fewer rows beyond the bound than this is counted in the closing line, not listed. */
export const TAIL_LISTED_FROM = 3;

/** The deployment a row ran: chip, framework, one engine or disaggregated, MTP or not, the decode engine's layout. */
export function deploymentOf(p: RankedPrediction): string {
  const { row } = p;
  const layout = decodeLayout(row);
  const split = layout.attention === 'dp' ? `DP attention ${layout.chips}` : `TP ${layout.tp}`;
  const experts = layout.ep > 1 ? `, EP ${layout.ep}` : '';
  return `${p.config.chip.id} ${row.framework}, ${row.disagg ? 'disaggregated' : 'one engine'}, ${row.specMethod === 'mtp' ? 'MTP' : 'no MTP'}, decode ${split}${experts}`;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%`;

const median = (values: readonly number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

/**
 * The tail as Markdown: a line with how many rows lie beyond `bound` against the tenth of them a p90
 * at the bound allows, then every deployment with at least `TAIL_LISTED_FROM` of them (most first):
 * its run dates, rows, rows beyond, and median signed error of throughput per GPU and tokens/s per
 * user; a closing line counts the rest. Predictions the model calls infeasible have no error and are
 * left out, as in the pooled line.
 */
export function tailLines(predictions: readonly RankedPrediction[], bound: number = TAIL_BOUND): string[] {
  const scored = predictions.flatMap((p) =>
    p.predicted === undefined
      ? []
      : // (predicted − measured)/measured, as the pooled line's errors are
        [{ p, throughput: (p.predicted.throughput - p.row.tputPerGpu) / p.row.tputPerGpu, interactivity: (p.predicted.interactivity - p.row.medianIntvty) / p.row.medianIntvty }],
  );
  const beyond = scored.filter((s) => Math.abs(s.throughput) > bound).length;
  const allowed = Math.floor(scored.length / 10);
  const percent = Math.round(bound * 100);
  const groups = [...groupBy(scored, (s) => deploymentOf(s.p)).entries()]
    .map(([deployment, members]) => {
      const dates = members.map((s) => s.p.row.date).sort();
      return {
        deployment,
        dates: dates[0] === dates[dates.length - 1] ? dates[0]! : `${dates[0]} – ${dates[dates.length - 1]}`,
        rows: members.length,
        beyond: members.filter((s) => Math.abs(s.throughput) > bound).length,
        throughput: median(members.map((s) => s.throughput)),
        interactivity: median(members.map((s) => s.interactivity)),
      };
    })
    .filter((g) => g.beyond > 0)
    .sort((a, b) => b.beyond - a.beyond || a.deployment.localeCompare(b.deployment));
  const listed = groups.filter((g) => g.beyond >= TAIL_LISTED_FROM);
  const rest = groups.filter((g) => g.beyond < TAIL_LISTED_FROM);
  const restRows = rest.reduce((sum, g) => sum + g.beyond, 0);
  return [
    `Out of sample, ${beyond} of ${scored.length} rows miss throughput per GPU by more than ${percent}%, where a p90 of ${percent}% allows ${allowed}. The deployments holding ${TAIL_LISTED_FROM} or more of them:`,
    '',
    `| deployment (chip, framework, engine, MTP, decode worker) | run dates | rows | beyond ${percent}% | tput/GPU signed (median) | tok/s/user signed (median) |`,
    '|---|---|---:|---:|---:|---:|',
    ...listed.map((g) => `| ${g.deployment} | ${g.dates} | ${g.rows} | ${g.beyond} | ${signed(g.throughput)} | ${signed(g.interactivity)} |`),
    '',
    `The other ${restRows} rows beyond ${percent}% are spread over ${rest.length} deployments, at most ${TAIL_LISTED_FROM - 1} in each.`,
  ];
}
