import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Precision } from '@ridgeline/hardware';
import { inStackScope, stackScopeOf, tableRecords, type StackScope } from './csv.ts';
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

/** One rule of the table; `undefined` fields match anything (`*` in the file): its `hardware`, `framework` and `precision` cells are its StackScope. */
export interface KvCacheRule extends StackScope {
  /** The rule's line in the file (the header is line 1). */
  readonly line: number;
  readonly kvCache: Precision;
  readonly source: string;
}

const COLUMNS = ['hardware', 'framework', 'precision', 'kv_cache', 'source'] as const;
const KV_PRECISIONS: readonly Precision[] = ['bf16', 'fp8'];

/** Parses the table; a malformed cell is an error naming its line and column. */
export function parseKvCache(text: string, file: string = 'inferencex-kv-cache.csv'): KvCacheRule[] {
  return tableRecords(text, file, COLUMNS).map((record) => {
    const { cells, line, fail } = record;
    const kv = cells.kv_cache ?? '';
    if (!(KV_PRECISIONS as readonly string[]).includes(kv)) fail('kv_cache', KV_PRECISIONS.join(' or '));
    return {
      line,
      ...stackScopeOf(record),
      kvCache: kv as Precision,
      source: cells.source || fail('source', 'where the precision was read'),
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
  const rule = rules.find((r) => inStackScope(r, row));
  return rule?.kvCache ?? DEFAULT_KV_CACHE;
}
