import { distance } from 'fastest-levenshtein';

/**
 * The candidates nearest to `input` by edit distance (case-insensitive; ties kept, at most `limit`),
 * and only those close enough to be a plausible typo: within max(2, ⌊length/3⌋) edits, or
 * starting with what was typed (`h100` → `h100-sxm`, `h100-pcie`). `canonical` maps an alias to
 * the name to suggest, so a model and its alias are suggested once.
 *
 * @example
 * suggest('h10-sxm', ['h100-sxm', 'a100-sxm', 'mi300x']); // ['h100-sxm']
 */
export function suggest(
  input: string,
  candidates: Iterable<string>,
  canonical: (name: string) => string = (name) => name,
  limit = 3,
): string[] {
  const wanted = input.toLowerCase();
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<{ readonly name: string; readonly score: number }> = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    const lower = name.toLowerCase();
    const d = distance(wanted, lower);
    const prefix = wanted.length >= 2 && lower.startsWith(wanted);
    if (d <= threshold || prefix) scored.push({ name, score: prefix ? Math.min(d, 1) : d });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const best = scored[0]?.score;
  const names = scored.filter((s) => s.score === best).map((s) => canonical(s.name));
  return [...new Set(names)].slice(0, limit);
}

/**
 * ` Did you mean "a" or "b"?` for the nearest candidates, or `''` when none is close.
 *
 * @example
 * didYouMean('h10-sxm', ['h100-sxm']); // ' Did you mean "h100-sxm"?'
 */
export function didYouMean(
  input: string,
  candidates: Iterable<string>,
  canonical?: (name: string) => string,
): string {
  const names = suggest(input, candidates, canonical).map((n) => `"${n}"`);
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return ` Did you mean ${list}?`;
}
