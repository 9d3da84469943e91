import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inRunScope, inStackScope, positiveOrAny, runScopeOf, stackScopeOf, tableRecords, type RunScope, type StackScope } from './csv.ts';
import type { InferencexRow } from './inferencex.ts';

/**
 * Draft tokens per decode step of the InferenceX MTP rows, as their recipes set them
 * (data/inferencex-mtp-drafts.csv, described in data/README.md). The CSV of measurements does not
 * say: TensorRT-LLM's single-node script drafts 3 tokens with attention over TP and 1 with
 * data-parallel attention, SGLang's recipes 2, and the disaggregated TensorRT-LLM recipes choose 1,
 * 2 or 3 by concurrency (their file names end `_mtpN`).
 */

/** apps/validation/data/inferencex-mtp-drafts.csv. */
export const MTP_DRAFTS_CSV: string = fileURLToPath(new URL('../data/inferencex-mtp-drafts.csv', import.meta.url));

/** Where no rule matches: the draft count most recipes use (TensorRT-LLM's `num_nextn_predict_layers: 3`). */
export const DEFAULT_MTP_DRAFT_TOKENS = 3;

/**
 * One rule of the table; `undefined` fields match anything (`*` in the file), and its `conc`, `from`
 * and `to` cells are its RunScope (concurrency range and run dates).
 */
export interface MtpDraftRule extends StackScope, RunScope {
  /** The rule's line in the file (the header is line 1). */
  readonly line: number;
  readonly isl: number | undefined;
  readonly osl: number | undefined;
  readonly decodeDpAttention: boolean | undefined;
  /** Prefill and decode workers as `P<n>D<m>`. */
  readonly workers: string | undefined;
  readonly draftTokens: number;
  readonly source: string;
}

const COLUMNS = ['hardware', 'framework', 'precision', 'isl', 'osl', 'decode_dp_attention', 'workers', 'conc', 'from', 'to', 'draft_tokens', 'source'] as const;

/** Parses the table; a malformed cell is an error naming its line and column. */
export function parseMtpDrafts(text: string, file: string = 'inferencex-mtp-drafts.csv'): MtpDraftRule[] {
  return tableRecords(text, file, COLUMNS).map((record) => {
    const { cells: r, line, fail, any } = record;
    const dp = any('decode_dp_attention');
    if (dp !== undefined && dp !== 'true' && dp !== 'false') fail('decode_dp_attention', 'true, false or *');
    const workers = any('workers');
    if (workers !== undefined && !/^P\d+D\d+$/.test(workers)) fail('workers', 'P<prefill workers>D<decode workers> or *');
    const draftTokens = Number(r.draft_tokens);
    if (!Number.isInteger(draftTokens) || draftTokens < 1 || draftTokens > 8) fail('draft_tokens', 'an integer from 1 to 8');
    return {
      line,
      ...stackScopeOf(record),
      isl: positiveOrAny(record, 'isl'),
      osl: positiveOrAny(record, 'osl'),
      decodeDpAttention: dp === undefined ? undefined : dp === 'true',
      workers,
      ...runScopeOf(record),
      draftTokens,
      source: r.source || fail('source', 'where the count was read'),
    };
  });
}

/** Reads data/inferencex-mtp-drafts.csv. */
export function readMtpDrafts(path: string = MTP_DRAFTS_CSV): MtpDraftRule[] {
  return parseMtpDrafts(readFileSync(path, 'utf8'), path);
}

/** Whether `rule` describes `row`. */
export function mtpRuleMatches(rule: MtpDraftRule, row: InferencexRow): boolean {
  return (
    inStackScope(rule, row) &&
    (rule.isl === undefined || rule.isl === row.isl) &&
    (rule.osl === undefined || rule.osl === row.osl) &&
    (rule.decodeDpAttention === undefined || rule.decodeDpAttention === row.decodeDpAttention) &&
    (rule.workers === undefined || rule.workers === `P${row.prefillNumWorkers}D${row.decodeNumWorkers}`) &&
    inRunScope(rule, row.conc, row.date)
  );
}

let cached: readonly MtpDraftRule[] | undefined;

/**
 * The draft tokens per step of an MTP row: the first rule of the table that matches it, else
 * `DEFAULT_MTP_DRAFT_TOKENS`.
 */
export function inferencexDraftTokens(row: InferencexRow, rules: readonly MtpDraftRule[] = (cached ??= readMtpDrafts())): number {
  return rules.find((rule) => mtpRuleMatches(rule, row))?.draftTokens ?? DEFAULT_MTP_DRAFT_TOKENS;
}

/** Tokens/s per user at 8k output over 1k output, same configuration, per mode (`mtpOutputLengthRatios`). */
export interface OutputLengthRatios {
  /** One ratio per configuration measured at both lengths, sorted. */
  readonly mtp: readonly number[];
  readonly none: readonly number[];
}

/**
 * Per configuration measured at 1,024 in / 1,024 out and at 1,024 in / 8,192 out (the same chip,
 * stack, precision, mode, parallelism, workers, container and concurrency, at most `maxConcurrency`),
 * the 8k row's tokens/s per user over the 1k row's, split by MTP or not. A check on the
 * measurements alone: without MTP a longer output decodes at about the same rate (its longer context
 * costs a few percent), so a larger ratio with MTP says the drafts are accepted more often over a
 * long output — on InferenceX's random prompts, a property of the workload, not of the chip.
 */
export function mtpOutputLengthRatios(rows: readonly InferencexRow[], maxConcurrency = 64): OutputLengthRatios {
  const byConfig = new Map<string, { short?: number; long?: number; mtp: boolean }>();
  for (const r of rows) {
    if (r.isl !== 1024 || (r.osl !== 1024 && r.osl !== 8192) || r.conc > maxConcurrency) continue;
    const key = [r.hardware, r.framework, r.precision, r.specMethod, r.disagg, r.decodeTp, r.decodeEp, r.decodeDpAttention, r.decodeNumWorkers, r.numDecodeGpu, r.prefillNumWorkers, r.image ?? '', r.conc].join('|');
    const entry = byConfig.get(key) ?? { mtp: r.specMethod === 'mtp' };
    if (r.osl === 1024) entry.short = r.medianIntvty;
    else entry.long = r.medianIntvty;
    byConfig.set(key, entry);
  }
  const mtp: number[] = [];
  const none: number[] = [];
  for (const e of byConfig.values()) {
    if (e.short === undefined || e.long === undefined) continue;
    (e.mtp ? mtp : none).push(e.long / e.short);
  }
  return { mtp: mtp.sort((a, b) => a - b), none: none.sort((a, b) => a - b) };
}
