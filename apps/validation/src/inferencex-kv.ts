import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Precision } from '@ridgeline/model';
import type { InferencexRow } from './inferencex.ts';

/**
 * The KV cache's precision of the InferenceX rows, as their recipes and scripts set it
 * (data/inferencex-kv-cache.csv, described in data/README.md). The measurements do not say it, and
 * the stacks differ: SGLang stores the cache in the model's data type unless `--kv-cache-dtype`
 * says otherwise ("auto": DeepSeek-R1's BF16), and the Hopper Dynamo-SGLang recipes leave it unset.
 */

/** apps/validation/data/inferencex-kv-cache.csv. */
export const KV_CACHE_CSV: string = fileURLToPath(new URL('../data/inferencex-kv-cache.csv', import.meta.url));

/** Where no rule matches: FP8, what the TensorRT-LLM recipes and the Blackwell SGLang recipes set. */
export const DEFAULT_KV_CACHE: Precision = 'fp8';

/** One rule of the table; `undefined` fields match anything (`*` in the file). */
export interface KvCacheRule {
  /** The rule's line in the file (the header is line 1). */
  readonly line: number;
  readonly hardware: string | undefined;
  readonly framework: string | undefined;
  readonly precision: string | undefined;
  readonly kvCache: Precision;
  readonly source: string;
}

const COLUMNS = ['hardware', 'framework', 'precision', 'kv_cache', 'source'] as const;
const KV_PRECISIONS: readonly Precision[] = ['bf16', 'fp8'];

/** Parses the table; a malformed cell is an error naming its line and column. */
export function parseKvCache(text: string, file: string = 'inferencex-kv-cache.csv'): KvCacheRule[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const header = Object.keys(records[0] ?? {});
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(', ')}; expected ${COLUMNS.join(', ')}`);
  return records.map((r, i) => {
    const line = i + 2;
    const fail = (column: string, allowed: string): never => {
      throw new Error(`${file}:${line}: ${column} must be ${allowed}, got ${JSON.stringify(r[column])}`);
    };
    const any = (column: string): string | undefined => (r[column] === '*' ? undefined : (r[column] || fail(column, 'a value or *')));
    const kv = r.kv_cache ?? '';
    if (!(KV_PRECISIONS as readonly string[]).includes(kv)) fail('kv_cache', KV_PRECISIONS.join(' or '));
    return {
      line,
      hardware: any('hardware'),
      framework: any('framework'),
      precision: any('precision'),
      kvCache: kv as Precision,
      source: r.source || fail('source', 'where the precision was read'),
    };
  });
}

/** Reads data/inferencex-kv-cache.csv. */
export function readKvCache(path: string = KV_CACHE_CSV): KvCacheRule[] {
  return parseKvCache(readFileSync(path, 'utf8'), path);
}

let cached: readonly KvCacheRule[] | undefined;

/** The KV cache's precision of a row: the first rule of the table that matches it, else `DEFAULT_KV_CACHE`. */
export function inferencexKvCache(row: InferencexRow, rules: readonly KvCacheRule[] = (cached ??= readKvCache())): Precision {
  const rule = rules.find(
    (r) =>
      (r.hardware === undefined || r.hardware === row.hardware) &&
      (r.framework === undefined || r.framework === row.framework) &&
      (r.precision === undefined || r.precision === row.precision),
  );
  return rule?.kvCache ?? DEFAULT_KV_CACHE;
}
