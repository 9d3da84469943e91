/**
 * Every divisor of `n`, ascending, in O(√n): the divisors up to √n in order, then their
 * cofactors n/i in reverse. The kernel's `minChipsToFit` walks the same order, so both find the
 * same first layout (packages/engine/assembly/kernel.ts).
 *
 * @example
 * divisors(12); // [1, 2, 3, 4, 6, 12]
 */
export function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    small.push(i);
    if (i * i !== n) large.push(n / i);
  }
  return small.concat(large.reverse());
}

/**
 * The largest divisor of `n` that is at most `cap` (at least 1), in O(√n): the cofactor n/i of the
 * smallest i ≥ n/cap that divides n, else the largest divisor up to √n within the cap.
 *
 * @example
 * largestDivisorAtMost(64, 8); // 8
 * largestDivisorAtMost(72, 16); // 12
 */
export function largestDivisorAtMost(n: number, cap: number): number {
  const limit = Math.floor(cap);
  if (n <= limit) return n;
  for (let i = Math.max(1, Math.ceil(n / limit)); i * i <= n; i++) if (n % i === 0) return n / i;
  for (let k = Math.min(limit, Math.floor(Math.sqrt(n))); k > 1; k--) if (n % k === 0) return k;
  return 1;
}
