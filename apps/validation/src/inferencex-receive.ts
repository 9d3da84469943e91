import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inRunScope, inStackScope, positiveOrAny, runScopeOf, stackScopeOf, tableRecords, type RunScope, type StackScope } from './csv.ts';
import type { InferencexRow } from './inferencex.ts';

/**
 * How often each single-node SGLang engine of the InferenceX rows took in new requests
 * (data/inferencex-receive-interval.csv, described in data/README.md): its script's
 * `--scheduler-recv-interval N` (docs/MODEL.md §6, "Receive interval"). The measurements do not
 * say it; the scripts set it by TP and concurrency, and changed it over time.
 */

/** apps/validation/data/inferencex-receive-interval.csv. */
export const RECEIVE_INTERVAL_CSV: string = fileURLToPath(new URL('../data/inferencex-receive-interval.csv', import.meta.url));

/**
 * One rule of the table; `undefined` fields match anything (`*` in the file), and its `conc`, `from`
 * and `to` cells are its RunScope (concurrency range and run dates).
 */
export interface ReceiveIntervalRule extends StackScope, RunScope {
  /** The rule's line in the file (the header is line 1). */
  readonly line: number;
  /** `mtp` or `none` (the row's `spec_method`). */
  readonly spec: string | undefined;
  /** The engine's TP (`decode_tp`). */
  readonly tp: number | undefined;
  /** N: the iterations between intakes; undefined where the script sets none (SGLang's default 1, not modelled). */
  readonly interval: number | undefined;
  readonly source: string;
}

const COLUMNS = ['hardware', 'framework', 'precision', 'spec', 'tp', 'conc', 'from', 'to', 'interval', 'source'] as const;

/** Parses the table; a malformed cell is an error naming its line and column. */
export function parseReceiveIntervals(text: string, file: string = 'inferencex-receive-interval.csv'): ReceiveIntervalRule[] {
  return tableRecords(text, file, COLUMNS).map((record) => {
    const { cells: r, line, fail, any } = record;
    const spec = any('spec');
    if (spec !== undefined && spec !== 'mtp' && spec !== 'none') fail('spec', 'mtp, none or *');
    const n = Number(r.interval);
    const interval = r.interval === 'unset' ? undefined : Number.isInteger(n) && n > 0 ? n : fail('interval', 'a positive integer or unset');
    return {
      line,
      ...stackScopeOf(record),
      spec,
      tp: positiveOrAny(record, 'tp'),
      ...runScopeOf(record),
      interval,
      source: r.source || fail('source', 'where the interval was read'),
    };
  });
}

/** Reads data/inferencex-receive-interval.csv. */
export function readReceiveIntervals(path: string = RECEIVE_INTERVAL_CSV): ReceiveIntervalRule[] {
  return parseReceiveIntervals(readFileSync(path, 'utf8'), path);
}

/** Whether `rule` covers `row`. */
export function receiveRuleMatches(rule: ReceiveIntervalRule, row: InferencexRow): boolean {
  return (
    inStackScope(rule, row) &&
    (rule.spec === undefined || rule.spec === row.specMethod) &&
    (rule.tp === undefined || rule.tp === row.decodeTp) &&
    inRunScope(rule, row.conc, row.date)
  );
}

let cached: readonly ReceiveIntervalRule[] | undefined;

/**
 * The receive interval of a single-node row's engine: the first rule of the table that covers it;
 * undefined where none does, or the script sets none, and for disaggregated rows (their engines'
 * intake is not modelled: docs/MODEL.md §6).
 */
export function inferencexReceiveInterval(row: InferencexRow, rules: readonly ReceiveIntervalRule[] = (cached ??= readReceiveIntervals())): number | undefined {
  if (row.disagg) return undefined;
  return rules.find((rule) => receiveRuleMatches(rule, row))?.interval;
}
