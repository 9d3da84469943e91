import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tableRecords } from './csv.ts';
import type { InferencexRow } from './inferencex.ts';

/**
 * The decode engine's cap on requests in flight (`InferenceConfig.maxBatch`, docs/MODEL.md §6,
 * "Engine cap") of the disaggregated rows, as their recipes set it
 * (data/inferencex-decode-caps.csv, described in data/README.md). The measurements do not say it,
 * and it binds: InferenceX runs the data-parallel Dynamo-TRT recipes at 1.2 × their slots
 * (`ctx1_gen1_dep16_batch32` at concurrency 615 = 1.2 × 16 × 32), and the tensor-parallel ones
 * at up to twice (`ctx1_gen3_tep16_batch1` at 6), where the waiting requests make TTFT seconds long;
 * MoRI-SGLang's launcher gives a decode worker without data-parallel attention 256 slots, which
 * concurrency 1024 over two workers exceeds twice over.
 */

/** apps/validation/data/inferencex-decode-caps.csv. */
export const DECODE_CAPS_CSV: string = fileURLToPath(new URL('../data/inferencex-decode-caps.csv', import.meta.url));

/** One configuration of the table: a recipe at one concurrency, and its decode worker's cap. */
export interface DecodeCap {
  /** The entry's line in the file (the header is line 1). */
  readonly line: number;
  /** What a row must equal to take the cap: its hardware, framework, …, decode_dp_attention cells. */
  readonly key: string;
  /** K: requests in flight per decode worker. */
  readonly maxBatch: number;
  readonly source: string;
}

const KEY_COLUMNS = ['hardware', 'framework', 'precision', 'isl', 'osl', 'mtp', 'conc', 'prefill_workers', 'prefill_tp', 'prefill_ep', 'prefill_dp_attention', 'decode_workers', 'decode_tp', 'decode_ep', 'decode_dp_attention'] as const;
const COLUMNS = [...KEY_COLUMNS, 'max_batch', 'source'] as const;
const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(['mtp', 'prefill_dp_attention', 'decode_dp_attention']);
const TEXT_COLUMNS: ReadonlySet<string> = new Set(['hardware', 'framework', 'precision']);

/** The key a row matches an entry by: the same cells, in KEY_COLUMNS order. */
export function decodeCapKey(row: InferencexRow): string {
  return [
    row.hardware,
    row.framework,
    row.precision,
    row.isl,
    row.osl,
    row.specMethod === 'mtp',
    row.conc,
    row.prefillNumWorkers,
    row.prefillTp,
    row.prefillEp,
    row.prefillDpAttention,
    row.decodeNumWorkers,
    row.decodeTp,
    row.decodeEp,
    row.decodeDpAttention,
  ].join(',');
}

/** Parses the table; a malformed cell or a repeated configuration is an error naming its line and column. */
export function parseDecodeCaps(text: string, file: string = 'inferencex-decode-caps.csv'): DecodeCap[] {
  const firstLine = new Map<string, number>();
  return tableRecords(text, file, COLUMNS).map(({ cells: r, line, fail }) => {
    const cells = KEY_COLUMNS.map((column) => {
      const cell = r[column] ?? '';
      if (BOOLEAN_COLUMNS.has(column)) return cell === 'true' || cell === 'false' ? cell : fail(column, 'true or false');
      if (TEXT_COLUMNS.has(column)) return cell !== '' ? cell : fail(column, 'a value');
      const n = Number(cell);
      return Number.isSafeInteger(n) && n >= 0 && cell !== '' ? String(n) : fail(column, 'an integer ≥ 0');
    });
    const key = cells.join(',');
    const earlier = firstLine.get(key);
    if (earlier !== undefined) throw new Error(`${file}:${line}: repeats the configuration of line ${earlier}`);
    firstLine.set(key, line);
    const maxBatch = Number(r.max_batch);
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) fail('max_batch', 'a positive integer');
    return { line, key, maxBatch, source: r.source || fail('source', 'where the cap was read') };
  });
}

/** Reads data/inferencex-decode-caps.csv. */
export function readDecodeCaps(path: string = DECODE_CAPS_CSV): DecodeCap[] {
  return parseDecodeCaps(readFileSync(path, 'utf8'), path);
}

let cached: ReadonlyMap<string, DecodeCap> | undefined;

/**
 * The decode worker's cap of a disaggregated row: the table's entry for its configuration, else
 * undefined (NVIDIA runs whose configuration none of the recipe listings read holds: no cap is
 * assumed).
 */
export function inferencexDecodeCap(row: InferencexRow): number | undefined {
  if (!row.disagg) return undefined;
  cached ??= new Map(readDecodeCaps().map((c) => [c.key, c]));
  return cached.get(decodeCapKey(row))?.maxBatch;
}
