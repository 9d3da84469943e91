import { describe, expect, it } from 'vitest';
import { writeEstimateLine } from './sweep.ts';

describe('the line before writing a very large row file', () => {
  it('states the rows, the expected size and the seconds at the measured rate', () => {
    const line = writeEstimateLine(20_000_000, 'parquet', 'rows.parquet', { bytes: 1.6e9, seconds: 40, rowsPerS: 500_000 }, false);
    expect(line).toBe('ridgeline: writing 20,000,000 rows to rows.parquet: about 1.60 GB of parquet in about 40.0 s (500,000 rows/s measured here)');
  });

  it('says "up to" when a filter keeps only some rows', () => {
    const line = writeEstimateLine(12_000_000, 'csv', 'out/rows.csv', { bytes: 4e9, seconds: 4000, rowsPerS: 3000 }, true);
    expect(line).toBe('ridgeline: writing up to 12,000,000 rows to out/rows.csv: about up to 4.00 GB of csv in about 1.11 h (3,000 rows/s measured here)');
  });
});
