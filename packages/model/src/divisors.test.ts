import { describe, expect, test } from 'vitest';
import { divisors, largestDivisorAtMost } from './divisors.ts';
import { testGpu, llama70b, bf16 } from './test-fixtures.ts';
import { smallestLayoutToFit } from './memory.ts';


describe('divisors', () => {
  test('ascending, the same as counting from 1 to n', () => {
    for (let n = 1; n <= 2000; n++) {
      const counted = Array.from({ length: n }, (_, i) => i + 1).filter((i) => n % i === 0);
      expect(divisors(n)).toEqual(counted);
    }
  });

  test('the largest divisor within a cap, the same as counting down from the cap', () => {
    for (let n = 1; n <= 400; n++) {
      for (const cap of [1, 2, 3, 7, 8, 16, 72, 100, 500]) {
        let counted = 1;
        for (let k = Math.min(n, cap); k > 1; k--) if (n % k === 0) { counted = k; break; }
        expect(largestDivisorAtMost(n, cap), `n ${n}, cap ${cap}`).toBe(counted);
      }
    }
  });

  // Counting to n took hours for n = 10¹²; the limits stop such a model, but the search must not
  // depend on them: √(10¹²) = 10⁶ steps.
  test('in O(√n): the divisors of 10¹² and of a prime near 2^40 (counting to n would outlast the test timeout)', () => {
    expect(divisors(1e12)).toHaveLength(169);
    expect(divisors(1_099_511_627_689)).toEqual([1, 1_099_511_627_689]);
    expect(largestDivisorAtMost(1_099_511_627_689, 1e6)).toBe(1);
  });

  test('smallestLayoutToFit over a model at the limits of heads and layers answers at once', () => {
    const wide = { ...llama70b, layers: 99_999, heads: 99_990, kvHeads: 1 };
    const layout = smallestLayoutToFit({ model: wide, chip: testGpu, ep: 1, batch: 1, inputTokens: 2048, outputTokens: 256, precision: bf16 });
    expect(layout).not.toBeNull();
  });
});
