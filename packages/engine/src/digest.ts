/** The first output slot a digest covers: `feasible` and `reason` are the same for every reduced configuration. */
export const DIGEST_FIRST_SLOT = 2;

const scratch = new DataView(new ArrayBuffer(8));

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

function finishMix(h: number, n: number): number {
  let x = h ^ n;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The 53-bit digest of one configuration: its outputs (all N_OUT, or N_TRAINING_OUT for training,
 * in slot order) from DIGEST_FIRST_SLOT on, then its (model, hardware) pair, model-major (`pair` =
 * model · hardware entries + hardware entry; the (model, chip) group of `groupOf`). The top-k treats
 * two configurations with the same key and digest as one: equivalent configurations are the same
 * model on the same hardware entry with every output equal. Mirrors `outputsDigest` in
 * assembly/reducers.ts bit for bit: NaN and −0 are made canonical (a row's null and JSON's 0 lose
 * the difference), each value's two 32-bit words go through two MurmurHash3-style mixes, and 32
 * bits of one and 21 of the other make an integer an f64 holds exactly. Two different output
 * vectors share a digest with probability about 2^-53.
 *
 * @example
 * outputsDigest([1, -1, 0.5, 0.02]) === outputsDigest([1, -1, 0.5, 0.02]); // true
 * outputsDigest([1, -1, 0.5, 0.02], 1) === outputsDigest([1, -1, 0.5, 0.02], 0); // false: another model or chip
 */
export function outputsDigest(outputs: ArrayLike<number>, pair = 0): number {
  let a = 0x9747b28c | 0;
  let b = 0x2545f491 | 0;
  for (let s = DIGEST_FIRST_SLOT; s <= outputs.length; s++) {
    const x = s === outputs.length ? pair : (outputs[s] ?? Number.NaN);
    let lo = 0;
    let hi = 0x7ff80000; // the canonical NaN, whatever payload x carries
    if (!Number.isNaN(x)) {
      scratch.setFloat64(0, x === 0 ? 0 : x, true);
      lo = scratch.getUint32(0, true) | 0;
      hi = scratch.getUint32(4, true) | 0;
    }
    a = mixWord(mixWord(a, lo), hi);
    b = mixWord(mixWord(b, hi), lo);
  }
  const n = Math.max(0, outputs.length - DIGEST_FIRST_SLOT) + 1;
  return finishMix(a, n) * 2 ** 21 + (finishMix(b, n) >>> 11);
}
