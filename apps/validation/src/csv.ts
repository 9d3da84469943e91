import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One row of data/public.csv. */
export interface PublishedRow {
  readonly id: string;
  readonly source: string;
  readonly hardware: string;
  readonly chips: string;
  readonly model: string;
  readonly precision: string;
  readonly parallelism: string;
  readonly workload: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly notes: string;
}

/** Reads the published measurements. */
export function readPublished(path: string): PublishedRow[] {
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return records.map((r) => ({
    id: r.id ?? '',
    source: r.source ?? '',
    hardware: r.hardware ?? '',
    chips: r.chips ?? '',
    model: r.model ?? '',
    precision: r.precision ?? '',
    parallelism: r.parallelism ?? '',
    workload: r.workload ?? '',
    metric: r.metric ?? '',
    value: Number(r.value),
    unit: r.unit ?? '',
    notes: r.notes ?? '',
  }));
}

const TO_SI: Readonly<Record<string, number>> = {
  s: 1,
  ms: 1e-3,
  'ms/token': 1e-3,
  '%': 1e-2,
  'tokens/s/GPU': 1,
  'tokens/s': 1,
  tokens: 1,
  chips: 1,
  'TFLOP/s': 1e12,
  'GPU-hours': 1,
};

/** The published value in SI (seconds, fractions, tokens/s), or undefined for units we do not convert. */
export function publishedSi(row: PublishedRow): number | undefined {
  const factor = TO_SI[row.unit];
  return factor === undefined ? undefined : row.value * factor;
}
