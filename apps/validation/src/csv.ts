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

/** One record of a rule table (data/inferencex-*.csv): its cells, its line, and errors naming both. */
export interface TableRecord {
  readonly cells: Readonly<Record<string, string | undefined>>;
  /** The record's line in the file (the header is line 1). */
  readonly line: number;
  /** Throws the one-line error `file:line: column must be allowed, got "cell"`. */
  fail(column: string, allowed: string): never;
  /** The cell, or undefined for `*` (any); an empty cell is an error. */
  any(column: string): string | undefined;
}

/**
 * The records of a rule table with a header, each with its line and error helpers; a missing
 * column is an error naming it and the expected ones.
 *
 * @example
 * tableRecords('a,b\n1,*\n', 't.csv', ['a', 'b'])[0]!.any('b'); // undefined
 */
export function tableRecords(text: string, file: string, columns: readonly string[]): TableRecord[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const header = Object.keys(records[0] ?? {});
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(', ')}; expected ${columns.join(', ')}`);
  return records.map((cells, i) => {
    const line = i + 2;
    const fail = (column: string, allowed: string): never => {
      throw new Error(`${file}:${line}: ${column} must be ${allowed}, got ${JSON.stringify(cells[column])}`);
    };
    return { cells, line, fail, any: (column: string) => (cells[column] === '*' ? undefined : cells[column] || fail(column, 'a value or *')) };
  });
}

/** A rule table's cell that holds a positive integer, or `*` (any: undefined); anything else is the record's one-line error. */
export function positiveOrAny({ any, fail }: TableRecord, column: string): number | undefined {
  const cell = any(column);
  if (cell === undefined) return undefined;
  const n = Number(cell);
  return Number.isInteger(n) && n > 0 ? n : fail(column, 'a positive integer or *');
}

/** A rule's chip, serving stack and precision: each the row's `hardware`, `framework` and `precision` cell, or undefined (`*`, any). */
export interface StackScope {
  readonly hardware: string | undefined;
  readonly framework: string | undefined;
  readonly precision: string | undefined;
}

/**
 * The `hardware`, `framework` and `precision` cells of a rule table's record, each a value or `*`.
 *
 * @example
 * stackScopeOf(tableRecords('hardware,framework,precision\nb200,*,fp8\n', 't.csv', ['hardware'])[0]!); // { hardware: 'b200', framework: undefined, precision: 'fp8' }
 */
export function stackScopeOf({ any }: TableRecord): StackScope {
  return { hardware: any('hardware'), framework: any('framework'), precision: any('precision') };
}

/** Whether a row of `hardware`, `framework` and `precision` falls in `scope` (an undefined field matches anything). */
export function inStackScope(scope: StackScope, row: { readonly hardware: string; readonly framework: string; readonly precision: string }): boolean {
  return (
    (scope.hardware === undefined || scope.hardware === row.hardware) &&
    (scope.framework === undefined || scope.framework === row.framework) &&
    (scope.precision === undefined || scope.precision === row.precision)
  );
}

/** A rule's concurrency range and run dates, inclusive (`conc`: `512`, `1-32`, `64-*` or `*`; `from`/`to`: days or `*`). */
export interface RunScope {
  readonly concMin: number;
  readonly concMax: number;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The `conc`, `from` and `to` cells of a rule table's record; a malformed one is the record's
 * one-line error.
 *
 * @example
 * runScopeOf(tableRecords('conc,from,to\n16-*,*,2026-03-01\n', 't.csv', ['conc', 'from', 'to'])[0]!); // { concMin: 16, concMax: Infinity, from: undefined, to: '2026-03-01' }
 */
export function runScopeOf({ cells, fail, any }: TableRecord): RunScope {
  const conc = cells.conc ?? '';
  const bounds = conc === '*' ? ['1', '*'] : conc.includes('-') ? conc.split('-') : [conc, conc];
  const bound = (cell: string | undefined, open: number): number => {
    if (cell === '*') return open;
    const n = Number(cell);
    return Number.isInteger(n) && n > 0 ? n : fail('conc', 'a positive integer, a range a-b (b may be *) or *');
  };
  const day = (column: string): string | undefined => {
    const cell = any(column);
    return cell === undefined || DAY.test(cell) ? cell : fail(column, 'a day YYYY-MM-DD or *');
  };
  return { concMin: bound(bounds[0], 1), concMax: bound(bounds[1], Number.POSITIVE_INFINITY), from: day('from'), to: day('to') };
}

/** Whether a run at `conc` on `date` (ISO, the day first) falls in `scope`. */
export function inRunScope(scope: RunScope, conc: number, date: string): boolean {
  const day = date.slice(0, 10);
  return conc >= scope.concMin && conc <= scope.concMax && (scope.from === undefined || day >= scope.from) && (scope.to === undefined || day <= scope.to);
}
