import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupByCode, groupOf, groupSegments, normaliseGroupBy, type GroupKey } from './groups.ts';

const GROUPINGS: readonly (readonly GroupKey[])[] = [[], ['model'], ['chip'], ['model', 'chip']];

/** A sweep shape: models, chips and the product of the inner axes. */
const shapes = fc.record({ models: fc.integer({ min: 1, max: 4 }), chips: fc.integer({ min: 1, max: 4 }), inner: fc.integer({ min: 1, max: 7 }) });

describe('groups', () => {
  it('number configurations by their model and chip digits, model-major', () => {
    fc.assert(
      fc.property(shapes, fc.constantFrom(...GROUPINGS), ({ models, chips, inner }, groupBy) => {
        const shape = { total: models * chips * inner, models, chips, groupBy };
        for (let index = 0; index < shape.total; index++) {
          // mixed radix, the model slowest: index = (model · chips + chip) · inner + rest
          const model = Math.floor(index / (chips * inner));
          const chip = Math.floor(index / inner) % chips;
          const expected = groupBy.length === 2 ? model * chips + chip : groupBy[0] === 'model' ? model : groupBy[0] === 'chip' ? chip : 0;
          expect(groupOf(shape, index)).toBe(expected);
        }
      }),
      { seed: 1 },
    );
  });

  it('cut a range into pieces that cover it once, each inside one group', () => {
    fc.assert(
      fc.property(shapes, fc.constantFrom(...GROUPINGS), fc.nat(), fc.nat(), ({ models, chips, inner }, groupBy, a, b) => {
        const shape = { total: models * chips * inner, models, chips, groupBy };
        const start = a % (shape.total + 1);
        const end = start + (b % (shape.total - start + 1));
        const segments = groupSegments(shape, [start, end]);
        expect(segments.flat()).toEqual(segments.length === 0 ? [] : [start, ...segments.slice(1).flatMap(([s]) => [s, s]), end]);
        for (const [s, e] of segments) {
          expect(e).toBeGreaterThan(s);
          expect(groupOf(shape, e - 1)).toBe(groupOf(shape, s));
        }
        if (groupBy.length === 0) expect(segments.length).toBe(end > start ? 1 : 0);
      }),
      { seed: 2 },
    );
    expect(groupSegments({ total: 12, models: 2, chips: 3, groupBy: ['model'] }, [4, 10])).toEqual([[4, 6], [6, 10]]);
    expect(groupSegments({ total: 12, models: 2, chips: 3, groupBy: ['chip'] }, [1, 6])).toEqual([[1, 2], [2, 4], [4, 6]]);
  });

  it('read groupings in canonical order with hardware as chip, and code them for the image', () => {
    expect(normaliseGroupBy(['hardware', 'model'])).toEqual(['model', 'chip']);
    expect(normaliseGroupBy(['chip', 'chip'])).toEqual(['chip']);
    expect(normaliseGroupBy([])).toEqual([]);
    expect(normaliseGroupBy(['gpu'])).toBeUndefined();
    expect(GROUPINGS.map(groupByCode)).toEqual([0, 1, 2, 3]);
  });
});
