import { efficiencyAt, type ChipSpec } from '@ridgeline/hardware';
import { largestDivisorAtMost } from './divisors.ts';

/** Which link a collective crosses: inside the scale-up domain, or the scale-out network. */
export type LinkLevel = 'scaleUp' | 'scaleOut';

/** The link a group of `n` chips talks over: scale-up when the group fits one scale-up domain. */
export function linkLevelFor(chip: ChipSpec, groupSize: number): LinkLevel {
  return groupSize <= chip.scaleUp.domainSize.value ? 'scaleUp' : 'scaleOut';
}

// A `ring` is a one-axis torus: its ring collectives are the flat ring's, its all-to-all bisection-bound.
const TORUS_AXES: Readonly<Record<string, number>> = { ring: 1, torus1d: 1, torus2d: 2, torus3d: 3 };

/**
 * Splits a group of `n` chips over `axes` torus axes as evenly as possible: prime factors,
 * largest first, each to the axis with the smallest product so far. 64 over 3 axes → [4, 4, 4].
 *
 * @example
 * torusAxisSizes(64, 3); // [4, 4, 4]
 * torusAxisSizes(12, 3); // [3, 2, 2]
 */
export function torusAxisSizes(n: number, axes: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p++) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  factors.sort((a, b) => b - a);
  const sizes = new Array<number>(axes).fill(1);
  for (const f of factors) {
    let smallest = 0;
    for (let i = 1; i < axes; i++) if (sizes[i]! < sizes[smallest]!) smallest = i;
    sizes[smallest] = sizes[smallest]! * f;
  }
  return sizes.filter((s) => s > 1);
}

interface Link {
  /** Per chip, one direction, bytes/s. */
  readonly bandwidthBytesPerS: number;
  readonly hopLatencyS: number;
  readonly collectiveLatencyS: number | undefined;
}

function linkOf(chip: ChipSpec, level: LinkLevel): Link {
  if (level === 'scaleUp') {
    return {
      bandwidthBytesPerS: chip.scaleUp.bandwidthBytesPerS.value,
      hopLatencyS: chip.scaleUp.hopLatencyS.value,
      collectiveLatencyS: chip.scaleUp.collectiveLatencyS?.value,
    };
  }
  return {
    bandwidthBytesPerS: chip.scaleOut.bandwidthBytesPerS.value,
    hopLatencyS: chip.scaleOut.hopLatencyS.value,
    collectiveLatencyS: undefined,
  };
}

/**
 * The rate at which one worker of `workerChips` chips sends (or receives) `messageBytes` over the
 * `level` links, every chip on its own link at once: W·β·η_net(m/W), bytes/s (docs/MODEL.md §8,
 * the KV transfer of disaggregated serving).
 *
 * @example
 * // 8 H100s over scale-out, 400 Gb/s each, η 1: 8 · 50e9 = 400e9 B/s
 * workerLinkBytesPerS(h100, 8, 'scaleOut', 1e9);
 */
export function workerLinkBytesPerS(chip: ChipSpec, workerChips: number, level: LinkLevel, messageBytes: number): number {
  return workerChips * linkOf(chip, level).bandwidthBytesPerS * networkEfficiency(chip, messageBytes / workerChips);
}

/** η_net at message size `messageBytes`. */
function networkEfficiency(chip: ChipSpec, messageBytes: number): number {
  return efficiencyAt(chip.efficiency.network, messageBytes);
}

/**
 * Ring all-reduce of `messageBytes` over `n` chips (MODEL.md §3):
 * `2·(n−1)/n · m/(β·η_net) + 2·(n−1)·α`.
 * - On a `torusKd` scale-up domain the group spans the axes `torusAxisSizes` gives it, and runs on
 *   all of them at once: the scaling book's multi-axis AllGather, `V/(W·n_axes)` (jax-ml/
 *   scaling-book, Part 3 "Sharding", "What happens when we AllGather over multiple axes?").
 *   Bandwidth `passes·(n−1)/n · m/(A·(β/K)·η_net)` for a group on A of the K axes, latency
 *   `passes·Σ(a−1)·α` over its axis sizes a (each chunk still walks every axis' ring).
 * - A plugin's `collectiveLatencyS` replaces the per-hop latency sum inside the scale-up domain.
 * - A group larger than a domain runs hierarchically, as NCCL does, with k members per domain
 *   (k the largest divisor of n that fits): reduce-scatter among the k inside each domain,
 *   all-reduce of the m/k shard across the n/k domains over the scale-out links (every chip its
 *   own NIC), all-gather inside the domain. With k = 1 it is a flat ring over the scale-out links.
 *
 * @example
 * // 8 GPUs, 1 MiB, β = 450 GB/s, η = 1, α = 0: 2·7/8 · 1048576 / 450e9 ≈ 4.08 µs
 * allReduceS(h100, 1048576, 8);
 */
export function allReduceS(chip: ChipSpec, messageBytes: number, n: number, membersPerDomain?: number): number {
  return ringCollectiveS(chip, messageBytes, n, 2, membersPerDomain);
}

/** All-gather or reduce-scatter: half an all-reduce (MODEL.md §3). */
export function allGatherS(chip: ChipSpec, messageBytes: number, n: number, membersPerDomain?: number): number {
  return ringCollectiveS(chip, messageBytes, n, 1, membersPerDomain);
}

/**
 * How many members of a group of `n` share one scale-up domain. A contiguous group (TP, EP) fills
 * domains: `min(n, D)`. A strided group (DP, whose peers sit `inner` chips apart, with `inner` the
 * TP·PP·CP chips of one replica) has `max(1, ⌊D / inner⌋)` members per domain.
 */
export function membersPerDomainFor(chip: ChipSpec, n: number, inner = 1): number {
  const domain = chip.scaleUp.domainSize.value;
  return Math.min(n, Math.max(1, Math.floor(domain / inner)));
}

function ringCollectiveS(chip: ChipSpec, messageBytes: number, n: number, passes: number, membersPerDomain?: number): number {
  if (n <= 1) return 0;
  const cap = membersPerDomain ?? Math.min(n, chip.scaleUp.domainSize.value);
  if (n <= cap) return scaleUpRingS(chip, messageBytes, n, passes);
  // Domains hold equal shares of the group: the largest share that divides the group and fits.
  const k = largestDivisorAtMost(n, cap);
  if (k > 1 && n % k === 0) {
    // reduce-scatter and all-gather inside the domain are one pass each; the m/k shard crosses domains
    const inside = passes * scaleUpRingS(chip, messageBytes, k, 1);
    return inside + flatRingS(linkOf(chip, 'scaleOut'), networkEfficiency(chip, messageBytes / k), messageBytes / k, n / k, passes);
  }
  return flatRingS(linkOf(chip, 'scaleOut'), networkEfficiency(chip, messageBytes), messageBytes, n, passes);
}

function flatRingS(link: Link, eta: number, messageBytes: number, n: number, passes: number): number {
  const bandwidthS = ((passes * (n - 1)) / n) * (messageBytes / (link.bandwidthBytesPerS * eta));
  return bandwidthS + (link.collectiveLatencyS ?? passes * (n - 1) * link.hopLatencyS);
}

function scaleUpRingS(chip: ChipSpec, messageBytes: number, n: number, passes: number): number {
  const link = linkOf(chip, 'scaleUp');
  const eta = networkEfficiency(chip, messageBytes);
  const axes = TORUS_AXES[chip.scaleUp.topology] ?? 0;
  if (axes === 0) return flatRingS(link, eta, messageBytes, n, passes);
  // Split the data into one part per axis, each part starting its reduce-scatter on another axis:
  // every axis the group spans carries traffic all the time, so the group's bandwidth is that of
  // all its axes' links (for equal axes exactly (n−1)/n of m crosses each chip's links in all).
  const sizes = torusAxisSizes(n, axes);
  const groupBandwidth = (link.bandwidthBytesPerS / axes) * sizes.length;
  const bandwidthS = ((passes * (n - 1)) / n) * (messageBytes / (groupBandwidth * eta));
  let latencyS = 0;
  for (const a of sizes) latencyS += passes * (a - 1) * link.hopLatencyS;
  return bandwidthS + (link.collectiveLatencyS ?? latencyS);
}

/**
 * One all-to-all (EP dispatch or combine, batch-sharded attention) of the `messageBytes` each chip
 * holds, `m/n` of it to every member of a group of `n` (MODEL.md §3): one launch latency plus
 * the time to move the bytes, not a latency per peer — the sends to all peers are in flight at
 * once (DeepEP's low-latency kernels issue them together: 173 µs dispatch at EP64 against 77 µs at
 * EP8, deepseek-ai/DeepEP docs/legacy.md, not 63 latencies).
 * - Switch domain: `(n−1)/n · m/(β·η_net) + α_launch`, α_launch the plugin's collective latency,
 *   else one hop.
 * - `torusKd` domain: the group's axes carry traffic at once, but half the group sends n·m/4 bytes
 *   across the bisection, 2·n/a_max links each way at β/(2K) each:
 *   `max((n−1)/n · m/(A·β/K), a_max·m/(4·β/K))/η_net + Σ⌊a/2⌋·α` for axis sizes a, A of them, the
 *   largest a_max (jax-ml/scaling-book, Part 3: an AllToAll on a bidirectional ring is a quarter of
 *   an AllGather, V/(4·W); the diameter Σ⌊a/2⌋ hops bounds the latency).
 * - A group larger than the scale-up domain has k members per domain (the largest divisor of n
 *   that fits): the `(n−k)/n` of m for other domains crosses the scale-out links while the
 *   `(k−1)/n` for domain peers crosses the scale-up links, concurrently; the slower sets the time.
 *
 * @example
 * // EP64 on 8-GPU domains, DeepSeek-V3 decode dispatch of 128 tokens · 8 experts · 7168 B (FP8):
 * // outside (56/64)·7.34e6/(50e9·0.5) + 10 µs ≈ 267 µs against DeepEP's measured 173 µs dispatch
 * allToAllS(h100, 128 * 8 * 7168, 64);
 */
export function allToAllS(chip: ChipSpec, messageBytes: number, n: number): number {
  if (n <= 1) return 0;
  const eta = networkEfficiency(chip, messageBytes);
  const domain = chip.scaleUp.domainSize.value;
  if (n <= domain) return scaleUpAllToAllS(chip, messageBytes, n, eta);
  const k = largestDivisorAtMost(n, domain);
  const out = linkOf(chip, 'scaleOut');
  const outsideS = ((n - k) / n) * (messageBytes / (out.bandwidthBytesPerS * eta)) + out.hopLatencyS;
  if (k === 1) return outsideS;
  // each domain peer gets m/n: an all-to-all of the k/n of m among the k members
  return Math.max(scaleUpAllToAllS(chip, (messageBytes * k) / n, k, eta), outsideS);
}

/** An all-to-all inside one scale-up domain (see `allToAllS`). */
function scaleUpAllToAllS(chip: ChipSpec, messageBytes: number, n: number, eta: number): number {
  const link = linkOf(chip, 'scaleUp');
  const axes = TORUS_AXES[chip.scaleUp.topology] ?? 0;
  if (axes === 0) return ((n - 1) / n) * (messageBytes / (link.bandwidthBytesPerS * eta)) + (link.collectiveLatencyS ?? link.hopLatencyS);
  const sizes = torusAxisSizes(n, axes);
  const axisBandwidth = link.bandwidthBytesPerS / axes;
  let largest = 1;
  let diameter = 0;
  for (const a of sizes) {
    if (a > largest) largest = a;
    diameter += Math.floor(a / 2);
  }
  const injectionS = ((n - 1) / n) * (messageBytes / (axisBandwidth * sizes.length * eta));
  const bisectionS = (largest * messageBytes) / (4 * axisBandwidth * eta);
  return Math.max(injectionS, bisectionS) + (link.collectiveLatencyS ?? diameter * link.hopLatencyS);
}

/** Pipeline point-to-point send between neighbouring stages: `m/(β·η_net) + α`. */
export function pointToPointS(chip: ChipSpec, messageBytes: number, level: LinkLevel): number {
  const link = linkOf(chip, level);
  return messageBytes / (link.bandwidthBytesPerS * networkEfficiency(chip, messageBytes)) + link.hopLatencyS;
}
