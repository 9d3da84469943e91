// Streaming reducers over feasible configurations: counts, histograms over fixed bin edges,
// top-k by one objective and the Pareto frontier on 2 or 3 objectives. Keys are sign·value so
// every reducer minimises. Ties between equal keys go to the lower configuration index, which
// makes each reducer's final state a function of the set of configurations seen, not of their
// order — the reason thread count and sharding cannot change a result.
//
// Filters (`where`) come first: a feasible configuration outside them reaches no reducer but the
// feasible count. In the top-k, equivalent configurations — the same model on the same hardware
// entry, with all outputs equal (same digest) — are one entry, the lowest index; the Pareto
// frontier already keeps one entry per key vector.
import {
  H_HISTOGRAMS,
  H_MODE,
  H_PARETO_N,
  H_PARETO_SIGN,
  H_PARETO_SLOT,
  H_TOP_K,
  H_TOP_SIGN,
  H_TOP_SLOT,
  H_WHERE,
  N_OUT,
  N_REASONS,
  N_TRAIN_OUT,
  O_BOUND_DECODE,
  O_BOUND_PREFILL,
  O_TTFT,
  PARETO_STRIDE,
  S_BOUND_DECODE,
  S_BOUND_PREFILL,
  S_COUNTS,
  S_EVALUATED,
  S_FEASIBLE,
  S_MATCHED,
  S_REASONS,
  TOP_STRIDE,
  WHERE_STRIDE,
} from './layout';

/** Outputs of the configuration being reduced (N_OUT f64). */
export const OUT: usize = memory.data(N_OUT * 8, 16);
const COUNTS: usize = memory.data(S_COUNTS * 8, 16);

let paretoN: i32 = 0;
let pSlot0: i32 = 0;
let pSlot1: i32 = 0;
let pSlot2: i32 = 0;
let pSign0: f64 = 1;
let pSign1: f64 = 1;
let pSign2: f64 = 1;
let paretoPtr: usize = 0;
let paretoCount: i32 = 0;
let paretoCapacity: i32 = 0;
let lastDominator: i32 = -1;

let topK: i32 = 0;
let topSlot: i32 = 0;
let topSign: f64 = 1;
let topPtr: usize = 0;
let topCount: i32 = 0;

let whereCount: i32 = 0;
/** The filters in the setup image: [slot, min, max] as f64. */
let wherePtr: usize = 0;
/** Outputs the digest covers: from O_TTFT (feasible and reason are the same for every entry) to here. */
let digestEnd: i32 = N_OUT;

let histCount: i32 = 0;
/** Per histogram: [slot, bins, edges ptr, counts ptr] as f64. */
let histMeta: usize = 0;

/** The (model, hardware) pair of the configuration being reduced, model-major: part of its digest. */
let pair: f64 = 0;

/** Sets the (model, hardware) pair of the configurations reduced next (model · hardware values + hardware). */
export function setPair(value: f64): void {
  pair = value;
}

let packedPtr: usize = 0;
let packedCapacity: i32 = 0;

@inline function f(ptr: usize, slot: i32): f64 {
  return load<f64>(ptr + (<usize>slot << 3));
}

/** Reads the reducer part of the setup image; `histSpecs` points at the first histogram spec. */
export function initReducers(image: usize, histSpecs: usize): void {
  pair = 0;
  digestEnd = f(image, H_MODE) == 1 ? N_TRAIN_OUT : N_OUT;
  paretoN = <i32>f(image, H_PARETO_N);
  pSlot0 = <i32>f(image, H_PARETO_SLOT);
  pSlot1 = <i32>f(image, H_PARETO_SLOT + 1);
  pSlot2 = <i32>f(image, H_PARETO_SLOT + 2);
  pSign0 = f(image, H_PARETO_SIGN);
  pSign1 = f(image, H_PARETO_SIGN + 1);
  pSign2 = f(image, H_PARETO_SIGN + 2);
  if (paretoN > 0 && paretoPtr == 0) {
    paretoCapacity = 1024;
    paretoPtr = heap.alloc(<usize>paretoCapacity * PARETO_STRIDE * 8);
  }
  topK = <i32>f(image, H_TOP_K);
  topSlot = <i32>f(image, H_TOP_SLOT);
  topSign = f(image, H_TOP_SIGN);
  if (topK > 0) topPtr = heap.alloc(<usize>(topK + 1) * TOP_STRIDE * 8);
  histCount = <i32>f(image, H_HISTOGRAMS);
  if (histCount > 0) histMeta = heap.alloc(<usize>histCount * 4 * 8);
  let spec = histSpecs;
  for (let h = 0; h < histCount; h++) {
    const slot = f(spec, 0);
    const bins = <i32>f(spec, 1);
    const counts = heap.alloc(<usize>(bins + 2) * 8);
    const meta = histMeta + (<usize>h << 5);
    store<f64>(meta, slot);
    store<f64>(meta, <f64>bins, 8);
    store<f64>(meta, <f64>(spec + 16), 16);
    store<f64>(meta, <f64>counts, 24);
    spec += <usize>(bins + 3) << 3;
  }
  whereCount = <i32>f(image, H_WHERE);
  wherePtr = spec;
  resetReducers();
}

/**
 * Empties every reducer (counts, histograms, top-k, frontier), keeping the setup and the memory:
 * the host packs the state of one group's range, then resets before the next group.
 */
export function resetReducers(): void {
  memory.fill(COUNTS, 0, S_COUNTS * 8);
  for (let h = 0; h < histCount; h++) {
    const meta = histMeta + (<usize>h << 5);
    memory.fill(<usize>load<f64>(meta, 24), 0, <usize>(<i32>load<f64>(meta, 8) + 2) << 3);
  }
  topCount = 0;
  paretoCount = 0;
  lastDominator = -1;
}

/** Counts `n` configurations evaluated (feasible or not). */
@inline export function countEvaluated(n: f64): void {
  store<f64>(COUNTS, load<f64>(COUNTS) + n, S_EVALUATED << 3);
}

/** Counts `n` configurations infeasible for `reason`. */
@inline export function countInfeasible(reason: i32, n: f64): void {
  const p = COUNTS + (<usize>(S_REASONS + reason) << 3);
  store<f64>(p, load<f64>(p) + n);
}

@inline function countOne(slot: i32): void {
  const p = COUNTS + (<usize>slot << 3);
  store<f64>(p, load<f64>(p) + 1);
}

/** Whether OUT meets every filter. NaN fails both comparisons: a missing metric never matches. */
function meetsWhere(): bool {
  for (let i = 0; i < whereCount; i++) {
    const w = wherePtr + (<usize>(i * WHERE_STRIDE) << 3);
    const v = f(OUT, <i32>load<f64>(w));
    if (!(v >= load<f64>(w, 8) && v <= load<f64>(w, 16))) return false;
  }
  return true;
}

/**
 * The OUT slots the reducers read of every feasible configuration, bit s for slot s: the filters',
 * the histograms', the top-k's key, the Pareto objectives and both bounds. The top-k's digest
 * reads every output, but only of a configuration that makes its cut (topMayTake).
 */
export function slotsRead(): u64 {
  let read: u64 = (<u64>1 << O_BOUND_PREFILL) | (<u64>1 << O_BOUND_DECODE);
  for (let i = 0; i < whereCount; i++) read |= <u64>1 << <u64>(<i32>load<f64>(wherePtr + (<usize>(i * WHERE_STRIDE) << 3)));
  for (let h = 0; h < histCount; h++) read |= <u64>1 << <u64>(<i32>load<f64>(histMeta + (<usize>h << 5)));
  if (topK > 0) read |= <u64>1 << <u64>topSlot;
  if (paretoN >= 2) read |= (<u64>1 << <u64>pSlot0) | (<u64>1 << <u64>pSlot1);
  if (paretoN == 3) read |= <u64>1 << <u64>pSlot2;
  return read;
}

/**
 * Whether the top-k may take the feasible configuration in OUT (its filters met, its key making
 * the cut), so that its digest needs every output; reads only the slots of slotsRead.
 */
@inline export function topMayTake(index: f64): bool {
  if (topK == 0) return false;
  if (whereCount > 0 && !meetsWhere()) return false;
  const key = topSign * f(OUT, topSlot);
  if (isNaN(key)) return false;
  if (topCount < topK) return true;
  const last = te(topCount - 1);
  return before(key, index, load<f64>(last), load<f64>(last, 8));
}

/** Feeds the feasible configuration in OUT, with index `index`, to every reducer its filters let it reach. */
export function reduceFeasible(index: f64): void {
  countOne(S_FEASIBLE);
  if (whereCount > 0 && !meetsWhere()) return;
  countOne(S_MATCHED);
  const bp = COUNTS + (<usize>(S_BOUND_PREFILL + <i32>f(OUT, O_BOUND_PREFILL)) << 3);
  store<f64>(bp, load<f64>(bp) + 1);
  const bd = COUNTS + (<usize>(S_BOUND_DECODE + <i32>f(OUT, O_BOUND_DECODE)) << 3);
  store<f64>(bd, load<f64>(bd) + 1);
  for (let h = 0; h < histCount; h++) histogramAdd(histMeta + (<usize>h << 5));
  if (topK > 0) topInsert(topSign * f(OUT, topSlot), index);
  if (paretoN == 2) pareto2Insert(pSign0 * f(OUT, pSlot0), pSign1 * f(OUT, pSlot1), index);
  else if (paretoN == 3) pareto3Insert(pSign0 * f(OUT, pSlot0), pSign1 * f(OUT, pSlot1), pSign2 * f(OUT, pSlot2), index);
}

function histogramAdd(meta: usize): void {
  const v = f(OUT, <i32>load<f64>(meta));
  if (isNaN(v)) return;
  const bins = <i32>load<f64>(meta, 8);
  const edges = <usize>load<f64>(meta, 16);
  const counts = <usize>load<f64>(meta, 24);
  let bin: i32;
  if (v < f(edges, 0)) bin = 0; // underflow
  else if (v >= f(edges, bins)) bin = bins + 1; // overflow
  else {
    // largest i with edges[i] <= v
    let lo = 0;
    let hi = bins;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (f(edges, mid) <= v) lo = mid;
      else hi = mid;
    }
    bin = lo + 1;
  }
  const p = counts + (<usize>bin << 3);
  store<f64>(p, load<f64>(p) + 1);
}

@inline function before(keyA: f64, indexA: f64, keyB: f64, indexB: f64): bool {
  return keyA < keyB || (keyA == keyB && indexA < indexB);
}

@inline function te(i: i32): usize {
  return topPtr + (<usize>(i * TOP_STRIDE) << 3);
}

@inline function mixWord(h: u32, word: u32): u32 {
  const k = rotl<u32>(word * 0xcc9e2d51, 15) * 0x1b873593;
  return rotl<u32>(h ^ k, 13) * 5 + 0xe6546b64;
}

@inline function finishMix(h: u32, n: u32): u32 {
  h ^= n;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

/**
 * A 53-bit digest of OUT[O_TTFT, digestEnd) and then the (model, hardware) pair: two
 * MurmurHash3-style 32-bit mixes of each value's bits (NaN and −0 made canonical, as rows and JSON
 * cannot tell them apart), 32 bits of one and 21 of the other, exact in an f64. src/digest.ts
 * computes the same from a row and its pair.
 */
function outputsDigest(): f64 {
  let a: u32 = 0x9747b28c;
  let b: u32 = 0x2545f491;
  for (let s = O_TTFT; s <= digestEnd; s++) {
    const x = s == digestEnd ? pair : f(OUT, s);
    const bits: u64 = isNaN(x) ? 0x7ff8000000000000 : x == 0 ? 0 : reinterpret<u64>(x);
    const lo = <u32>bits;
    const hi = <u32>(bits >> 32);
    a = mixWord(mixWord(a, lo), hi);
    b = mixWord(mixWord(b, hi), lo);
  }
  const n = <u32>(digestEnd - O_TTFT + 1);
  return <f64>finishMix(a, n) * 2097152.0 + <f64>(finishMix(b, n) >> 11);
}

/**
 * Inserts (key, index) if it makes the cut. Equivalent configurations (one pair, equal outputs) are one entry, the
 * lowest index: the digest is computed only past the cut, and an equal-key entry with the same
 * digest either keeps its place (lower index) or gives it up to this one. A duplicate that misses
 * the cut cannot have a better-placed twin, so the set of entries stays order-independent.
 */
function topInsert(key: f64, index: f64): void {
  if (isNaN(key)) return;
  if (topCount == topK) {
    const last = te(topCount - 1);
    if (!before(key, index, load<f64>(last), load<f64>(last, 8))) return;
  }
  const digest = outputsDigest();
  // first entry whose key is ≥ key: the run of equal keys starts there
  let lo = 0;
  let hi = topCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(te(mid)) < key) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo; j < topCount && load<f64>(te(j)) == key; j++) {
    const e = te(j);
    if (load<f64>(e, 16) != digest) continue;
    if (load<f64>(e, 8) < index) return;
    memory.copy(e, e + TOP_STRIDE * 8, <usize>(topCount - j - 1) * TOP_STRIDE * 8);
    topCount--;
    break;
  }
  // first position from lo whose entry comes after (key, index)
  hi = topCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = te(mid);
    if (before(load<f64>(e), load<f64>(e, 8), key, index)) lo = mid + 1;
    else hi = mid;
  }
  const at = te(lo);
  const moved = (topCount == topK ? topCount - 1 : topCount) - lo;
  if (moved > 0) memory.copy(at + TOP_STRIDE * 8, at, <usize>moved * TOP_STRIDE * 8);
  store<f64>(at, key);
  store<f64>(at, index, 8);
  store<f64>(at, digest, 16);
  if (topCount < topK) topCount++;
}

function paretoReserve(n: i32): void {
  if (n <= paretoCapacity) return;
  let capacity = paretoCapacity;
  while (capacity < n) capacity <<= 1;
  paretoPtr = heap.realloc(paretoPtr, <usize>capacity * PARETO_STRIDE * 8);
  paretoCapacity = capacity;
}

@inline function pe(i: i32): usize {
  return paretoPtr + (<usize>i * PARETO_STRIDE << 3);
}

/**
 * Two objectives. The frontier is kept sorted by key0 ascending, so key1 strictly descends; the
 * only entry that can dominate q is the last one with key0 ≤ q.key0.
 */
function pareto2Insert(k0: f64, k1: f64, index: f64): void {
  if (isNaN(k0) || isNaN(k1)) return;
  // ub = number of entries with key0 <= k0
  let lo = 0;
  let hi = paretoCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(pe(mid)) <= k0) lo = mid + 1;
    else hi = mid;
  }
  const ub = lo;
  if (ub > 0) {
    const e = pe(ub - 1);
    const e0 = load<f64>(e);
    const e1 = load<f64>(e, 8);
    if (e1 <= k1) {
      if (e0 == k0 && e1 == k1 && index < load<f64>(e, 24)) store<f64>(e, index, 24);
      return;
    }
  }
  // q is on the frontier: drop the entries it dominates, [lb, r), and put q at lb
  let lb = ub;
  while (lb > 0 && load<f64>(pe(lb - 1)) == k0) lb--;
  let r = lb;
  while (r < paretoCount && load<f64>(pe(r), 8) >= k1) r++;
  const removed = r - lb;
  if (removed == 0) {
    paretoReserve(paretoCount + 1);
    const at = pe(lb);
    if (paretoCount > lb) memory.copy(at + PARETO_STRIDE * 8, at, <usize>(paretoCount - lb) * PARETO_STRIDE * 8);
    paretoCount++;
  } else if (removed > 1) {
    const at = pe(lb + 1);
    memory.copy(at, pe(r), <usize>(paretoCount - r) * PARETO_STRIDE * 8);
    paretoCount -= removed - 1;
  }
  const at = pe(lb);
  store<f64>(at, k0);
  store<f64>(at, k1, 8);
  store<f64>(at, 0, 16);
  store<f64>(at, index, 24);
}

/** a ≺ b: a no worse in every key and better in one, or the same keys at a lower index. */
@inline function dominates3(a0: f64, a1: f64, a2: f64, ai: f64, b0: f64, b1: f64, b2: f64, bi: f64): bool {
  if (a0 > b0 || a1 > b1 || a2 > b2) return false;
  if (a0 < b0 || a1 < b1 || a2 < b2) return true;
  return ai < bi;
}

/** Three objectives: a linear scan, starting with the entry that rejected the last candidate. */
function pareto3Insert(k0: f64, k1: f64, k2: f64, index: f64): void {
  if (isNaN(k0) || isNaN(k1) || isNaN(k2)) return;
  if (lastDominator >= 0 && lastDominator < paretoCount) {
    const e = pe(lastDominator);
    if (dominates3(load<f64>(e), load<f64>(e, 8), load<f64>(e, 16), load<f64>(e, 24), k0, k1, k2, index)) return;
  }
  for (let i = 0; i < paretoCount; i++) {
    const e = pe(i);
    if (dominates3(load<f64>(e), load<f64>(e, 8), load<f64>(e, 16), load<f64>(e, 24), k0, k1, k2, index)) {
      lastDominator = i;
      return;
    }
  }
  let kept = 0;
  for (let i = 0; i < paretoCount; i++) {
    const e = pe(i);
    if (dominates3(k0, k1, k2, index, load<f64>(e), load<f64>(e, 8), load<f64>(e, 16), load<f64>(e, 24))) continue;
    if (kept != i) memory.copy(pe(kept), e, PARETO_STRIDE * 8);
    kept++;
  }
  paretoCount = kept;
  paretoReserve(paretoCount + 1);
  const at = pe(paretoCount);
  store<f64>(at, k0);
  store<f64>(at, k1, 8);
  store<f64>(at, k2, 16);
  store<f64>(at, index, 24);
  paretoCount++;
  lastDominator = -1;
}

/**
 * Packs the reducer state into one f64 run and returns its length; `packedState()` is its address.
 * Layout: counts (S_COUNTS), per histogram its bins + 2 counts (underflow first, overflow last),
 * top count + entries, Pareto count + entries.
 */
export function packState(): i32 {
  let length = S_COUNTS + 2 + topCount * TOP_STRIDE + paretoCount * PARETO_STRIDE;
  for (let h = 0; h < histCount; h++) length += <i32>load<f64>(histMeta + (<usize>h << 5), 8) + 2;
  if (length > packedCapacity) {
    packedPtr = heap.alloc(<usize>length << 3);
    packedCapacity = length;
  }
  let p = packedPtr;
  memory.copy(p, COUNTS, S_COUNTS * 8);
  p += S_COUNTS * 8;
  for (let h = 0; h < histCount; h++) {
    const meta = histMeta + (<usize>h << 5);
    const n = <usize>(<i32>load<f64>(meta, 8) + 2) << 3;
    memory.copy(p, <usize>load<f64>(meta, 24), n);
    p += n;
  }
  store<f64>(p, <f64>topCount);
  p += 8;
  memory.copy(p, topPtr, <usize>topCount * TOP_STRIDE * 8);
  p += <usize>topCount * TOP_STRIDE * 8;
  store<f64>(p, <f64>paretoCount);
  p += 8;
  memory.copy(p, paretoPtr, <usize>paretoCount * PARETO_STRIDE * 8);
  return length;
}

/** Address of the state `packState()` wrote. */
export function packedState(): usize {
  return packedPtr;
}

/** Number of infeasibility reasons the counts hold (for the loader's checks). */
export function reasonCount(): i32 {
  return N_REASONS;
}

/**
 * Feeds `n` output records (N_OUT f64 each, at `records`) with configuration indices (f64, at
 * `indices`) to the reducers, as the sweep would: for testing the reducers on arbitrary data.
 */
export function feedOutputs(records: usize, indices: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    memory.copy(OUT, records + (<usize>i * N_OUT << 3), N_OUT * 8);
    countEvaluated(1);
    if (f(OUT, 0) == 1) reduceFeasible(load<f64>(indices + (<usize>i << 3)));
    else countInfeasible(<i32>f(OUT, 1), 1);
  }
}
