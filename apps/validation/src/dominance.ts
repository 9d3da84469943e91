import { datasheetDominates, type ChipSpec } from '@ridgeline/hardware';
import { inferencexChip, type InferencexRow } from './inferencex.ts';
import { withMarkedSection } from './report.ts';
import { groupBy, quantile } from './validate.ts';

/**
 * A check of the InferenceX rows that reads no prediction: where one chip's datasheet is at least
 * another's on every figure serving reads, and both ran the same stack, precision, deployment,
 * input/output lengths and concurrency, the physics says the stronger chip serves at least as fast.
 * Where it measured well below, the gap is the software's (a stack release not yet tuned for the
 * chip), and no hardware model can reproduce it from datasheets: a fit can only carry it in that
 * stack's efficiencies. It is reported, never used to leave rows out.
 */

/** A stronger chip measuring below this share of the weaker chip's throughput per GPU is flagged. */
export const DOMINANCE_SHORTFALL = 0.75;

/** Everything a row's measurement depends on but the chip: stack, precision, MTP, deployment, lengths, concurrency. */
export function configurationKey(row: InferencexRow): string {
  return [
    row.framework,
    row.precision,
    row.specMethod,
    row.disagg,
    row.prefillTp,
    row.prefillEp,
    row.prefillDpAttention,
    row.prefillNumWorkers,
    row.numPrefillGpu,
    row.decodeTp,
    row.decodeEp,
    row.decodeDpAttention,
    row.decodeNumWorkers,
    row.numDecodeGpu,
    row.isl,
    row.osl,
    row.conc,
  ].join(' ');
}

/** Two rows of one configuration on two chips, the first's datasheet dominating the second's. */
export interface DominancePair {
  readonly stronger: InferencexRow;
  readonly weaker: InferencexRow;
  /** The stronger chip's measured throughput per GPU over the weaker's. */
  readonly throughputRatio: number;
  /** The same for tokens/s per user. */
  readonly interactivityRatio: number;
}

/** Every pair of rows that share a configuration (`configurationKey`) on chips of which one's datasheet dominates the other's. */
export function dominancePairs(rows: readonly InferencexRow[], chipOf: (hardware: string) => ChipSpec | undefined = inferencexChip): DominancePair[] {
  const pairs: DominancePair[] = [];
  for (const list of groupBy(rows, configurationKey).values()) {
    for (const a of list) {
      const chipA = chipOf(a.hardware);
      if (chipA === undefined) continue;
      for (const b of list) {
        const chipB = chipOf(b.hardware);
        if (chipB === undefined || a.hardware === b.hardware) continue;
        if (!datasheetDominates(chipA, chipB, a.precision)) continue;
        pairs.push({ stronger: a, weaker: b, throughputRatio: a.tputPerGpu / b.tputPerGpu, interactivityRatio: a.medianIntvty / b.medianIntvty });
      }
    }
  }
  return pairs;
}

const ratio = (x: number): string => x.toFixed(2);

/** A row's stack release as the table names it: its image's tag (`v0.5.9-cu130`), else its run month. */
function release(row: InferencexRow): string {
  const tag = row.image?.split(':').pop();
  return tag === undefined || tag === '' ? row.date.slice(0, 7) : tag;
}

/**
 * The pairs as `pnpm validate` prints them and the validation README shows them: per stronger and
 * weaker chip, stack and precision, the pairs, the median ratios, and the pairs below
 * `DOMINANCE_SHORTFALL` with the stack releases of both sides (the image's tag, else the run month).
 */
export function dominanceLines(pairs: readonly DominancePair[]): string[] {
  const groups = groupBy(pairs, (p) => `${p.stronger.hardware} | ${p.weaker.hardware} | ${p.stronger.framework} | ${p.stronger.precision}`);
  const median = (xs: readonly number[]): number => quantile([...xs].sort((x, y) => x - y), 0.5);
  return [
    `| stronger chip | weaker chip | stack | precision | pairs | throughput ratio | tok/s/user ratio | below ${DOMINANCE_SHORTFALL} of the weaker (stronger's release against weaker's) |`,
    '|---|---|---|---|---:|---:|---:|---|',
    ...[...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, ps]) => {
        const short = ps.filter((p) => p.throughputRatio < DOMINANCE_SHORTFALL);
        const releases = [...new Set(short.map((p) => `${release(p.stronger)} against ${release(p.weaker)}`))].sort();
        return `| ${key} | ${ps.length} | ${ratio(median(ps.map((p) => p.throughputRatio)))} | ${ratio(median(ps.map((p) => p.interactivityRatio)))} | ${short.length}${releases.length > 0 ? ` (${releases.join('; ')})` : ''} |`;
      }),
  ];
}

/** `readme` with the table between its `<!-- dominance:begin -->` and `<!-- dominance:end -->` markers replaced (unchanged without them). */
export function withDominanceSection(readme: string, lines: readonly string[]): string {
  return withMarkedSection(readme, 'dominance', lines);
}
