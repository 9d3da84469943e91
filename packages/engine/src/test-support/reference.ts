// Brute-force references for the reducers' tests: written from the definitions (filters, groups,
// equal outputs), without the kernel's digest or the host's merge code.
import type { SweepEntry } from '../state.ts';

/** A reduced configuration as a reference sees it. */
export interface Candidate {
  readonly index: number;
  /** sign·value of the top-k metric (smaller is better). */
  readonly key: number;
  /** Every output of the configuration (numbers, nulls or names), in slot order. */
  readonly outputs: readonly unknown[];
  readonly group?: number;
  /** The (model, hardware) pair, model-major: configurations of two pairs are never equivalent. */
  readonly pair?: number;
}

/** The outputs as text that is equal exactly when the values are: NaN and null alike, −0 as 0. */
function outputsText(outputs: readonly unknown[]): string {
  return outputs
    .map((x) => (x === null || (typeof x === 'number' && Number.isNaN(x)) ? 'null' : typeof x === 'number' ? String(x === 0 ? 0 : x) : JSON.stringify(x)))
    .join(',');
}

/**
 * Top-k by its definition: in each group, equivalent configurations (one (model, hardware) pair,
 * identical outputs) count once at their lowest index; then the k smallest (key, index). Groups in order.
 */
export function referenceTopK(candidates: readonly Candidate[], k: number): SweepEntry[] {
  const lowest = new Map<string, Candidate>();
  for (const c of candidates) {
    const id = `${c.group ?? 0}|${c.pair ?? ''}|${outputsText(c.outputs)}`;
    const seen = lowest.get(id);
    if (seen === undefined || c.index < seen.index) lowest.set(id, c);
  }
  const groups = [...new Set(candidates.map((c) => c.group ?? 0))].sort((a, b) => a - b);
  return groups.flatMap((g) =>
    [...lowest.values()]
      .filter((c) => (c.group ?? 0) === g)
      .sort((a, b) => a.key - b.key || a.index - b.index)
      .slice(0, k)
      .map((c) => ({ index: c.index, keys: [c.key], group: g })),
  );
}

/** Whether some two candidates of one group have identical outputs (so a top-k must collapse them). */
export function hasEqualOutputs(candidates: readonly Candidate[]): boolean {
  const seen = new Set<string>();
  for (const c of candidates) {
    const id = `${c.group ?? 0}|${c.pair ?? ''}|${outputsText(c.outputs)}`;
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** O(n²) Pareto frontier indices of one group's entries: not dominated, equal keys to the lowest index. */
export function bruteFrontier(entries: readonly SweepEntry[]): number[] {
  const dominated = (a: SweepEntry, b: SweepEntry): boolean => {
    const le = a.keys.every((x, i) => x <= (b.keys[i] ?? 0));
    const lt = a.keys.some((x, i) => x < (b.keys[i] ?? 0));
    return le && (lt || a.index < b.index);
  };
  return entries
    .filter((b) => !entries.some((a) => a !== b && dominated(a, b)))
    .map((e) => e.index)
    .sort((x, y) => x - y);
}

/** Only what a test compares of entries: index, keys and group (0 when absent). */
export function plain(entries: readonly SweepEntry[]): { index: number; keys: readonly number[]; group: number }[] {
  return entries.map((e) => ({ index: e.index, keys: e.keys, group: e.group ?? 0 }));
}
