import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One record of a CSV file with its line (the header is line 1) and a reader of its positive numbers. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
  /** The column as a positive number; otherwise an error naming the file, line and column. */
  readonly positive: (column: string) => number;
  /** An error naming the file, line and what is wrong. */
  readonly fail: (message: string) => Error;
}

/**
 * The records of the CSV file at `path` (header row first): the shared part of the held-out
 * readers, so every malformed row is reported the same way, `path:line: column …`.
 */
export function readCsvRecords(path: string): CsvRecord[] {
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return records.map((fields, i) => {
    const line = i + 2;
    const fail = (message: string): Error => new Error(`${path}:${line}: ${message}`);
    const positive = (column: string): number => {
      const value = Number(fields[column]);
      if (!Number.isFinite(value) || value <= 0) throw fail(`${column} must be a positive number, got ${JSON.stringify(fields[column])}`);
      return value;
    };
    return { line, fields, positive, fail };
  });
}
