import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { N_OUT, STATE, outputSlot } from './descriptors.ts';
import { DIGEST_FIRST_SLOT, outputsDigest } from './digest.ts';
import { createEngine } from './engine.ts';
import { NO_AXES, buildImage } from './image.ts';

describe('outputsDigest', () => {
  it('is a 53-bit integer that tells different outputs apart', () => {
    const seen = new Map<number, string>();
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: false }), { minLength: 3, maxLength: 40 }), (values) => {
        const d = outputsDigest(values);
        expect(Number.isSafeInteger(d) && d >= 0).toBe(true);
        const text = values.slice(DIGEST_FIRST_SLOT).map((x) => (Number.isNaN(x) ? 'NaN' : String(x === 0 ? 0 : x))).join();
        const earlier = seen.get(d);
        if (earlier !== undefined) expect(earlier).toBe(text);
        seen.set(d, text);
      }),
      { seed: 4, numRuns: 2000 },
    );
    expect(outputsDigest([1, -1, 0.5, 0.02])).not.toBe(outputsDigest([1, -1, 0.02, 0.5]));
    expect(outputsDigest([1, -1, 0.5])).not.toBe(outputsDigest([1, -1, 0.5, Number.NaN]));
  });

  it('ignores feasibility and reason, and the sign of zero and the payload of NaN', () => {
    expect(outputsDigest([1, -1, 0, 2])).toBe(outputsDigest([0, 3, -0, 2]));
    const payload = new Float64Array(new BigUint64Array([0x7ff8_0000_dead_beefn]).buffer)[0]!;
    expect(Number.isNaN(payload)).toBe(true);
    expect(outputsDigest([1, -1, payload, 2])).toBe(outputsDigest([1, -1, Number.NaN, 2]));
    expect(outputsDigest([1, -1, 0, 2])).not.toBe(outputsDigest([1, -1, Number.MIN_VALUE, 2]));
  });

  it('is what the kernel computes, for zeros, NaNs with payloads, infinities and subnormals', async () => {
    const kernel = await (await createEngine()).open(
      buildImage({ models: [], chips: [], axes: NO_AXES, dpMode: false, minChips: false, pareto: [], top: { slot: outputSlot('ttftS'), sign: 1, k: 1 }, histograms: [] }),
    );
    const payload = new Float64Array(new BigUint64Array([0xfff8_0000_0000_0001n]).buffer)[0]!;
    const specials = [0, -0, Number.NaN, payload, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 1 / 3, 2 ** 52 + 1];
    const records = Array.from({ length: 25 }, (_, i) => {
      const record = Float64Array.from({ length: N_OUT }, (_, slot) => specials[(slot * 7 + i * 3) % specials.length]!);
      record[0] = 1;
      record[1] = -1;
      record[outputSlot('ttftS')] = i; // the key: finite
      return record;
    });
    for (const [i, record] of records.entries()) {
      kernel.resetReducers();
      kernel.feed(record, Float64Array.of(i));
      const packed = kernel.packState();
      const digest = packed[STATE.counts + 1 + 2]; // the top count, then key, index, digest
      expect(digest).toBe(outputsDigest(record));
    }
  });
});
