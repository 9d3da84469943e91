import { efficiencyAt, type ChipSpec } from '@ridgeline/hardware';

/** Which link a collective crosses: inside the scale-up domain, or the scale-out network. */
export type LinkLevel = 'scaleUp' | 'scaleOut';

/** The link a group of `n` chips talks over: scale-up when the group fits one scale-up domain. */
export function linkLevelFor(chip: ChipSpec, groupSize: number): LinkLevel {
  return groupSize <= chip.scaleUp.domainSize.value ? 'scaleUp' : 'scaleOut';
}

const TORUS_AXES: Readonly<Record<string, number>> = { torus1d: 1, torus2d: 2, torus3d: 3 };

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

/** η_net at message size `messageBytes`. */
function networkEfficiency(chip: ChipSpec, messageBytes: number): number {
  return efficiencyAt(chip.efficiency.network, messageBytes);
}

/**
 * Ring all-reduce of `messageBytes` over `n` chips (MODEL.md §3):
 * `2·(n−1)/n · m/(β·η_net) + 2·(n−1)·α`.
 * - On a `torusKd` scale-up domain the group is split over the K axes and the ring runs axis by
 *   axis, each with its axis size and the axis' share `β/K` of the chip's bandwidth; the message
 *   shrinks by each axis' size (reduce-scatter, then all-gather back).
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

/** The largest divisor of `n` that is at most `cap` (at least 1). */
function largestDivisorAtMost(n: number, cap: number): number {
  for (let k = Math.min(n, Math.floor(cap)); k > 1; k--) if (n % k === 0) return k;
  return 1;
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
  const axisBandwidth = link.bandwidthBytesPerS / axes;
  let bandwidthS = 0;
  let latencyS = 0;
  let m = messageBytes;
  for (const a of torusAxisSizes(n, axes)) {
    bandwidthS += ((passes * (a - 1)) / a) * (m / (axisBandwidth * eta));
    latencyS += passes * (a - 1) * link.hopLatencyS;
    m /= a;
  }
  return bandwidthS + (link.collectiveLatencyS ?? latencyS);
}

/**
 * One all-to-all (EP dispatch or combine) of the `messageBytes` a chip holds over `n` chips:
 * `(n−1)/n · m/(β·η_net) + (n−1)·α` (MODEL.md §3). On a `torusKd` scale-up domain it runs
 * dimension by dimension: each axis of size a moves `(a−1)/a` of the data over that axis' `β/K`
 * and pays `(a−1)·α`.
 */
export function allToAllS(chip: ChipSpec, messageBytes: number, n: number): number {
  if (n <= 1) return 0;
  const level = linkLevelFor(chip, n);
  const link = linkOf(chip, level);
  const eta = networkEfficiency(chip, messageBytes);
  const axes = level === 'scaleUp' ? (TORUS_AXES[chip.scaleUp.topology] ?? 0) : 0;
  if (axes === 0) {
    const bandwidthS = ((n - 1) / n) * (messageBytes / (link.bandwidthBytesPerS * eta));
    return bandwidthS + (link.collectiveLatencyS ?? (n - 1) * link.hopLatencyS);
  }
  let bandwidthS = 0;
  let latencyS = 0;
  for (const a of torusAxisSizes(n, axes)) {
    bandwidthS += ((a - 1) / a) * (messageBytes / ((link.bandwidthBytesPerS / axes) * eta));
    latencyS += (a - 1) * link.hopLatencyS;
  }
  return bandwidthS + (link.collectiveLatencyS ?? latencyS);
}

/** Pipeline point-to-point send between neighbouring stages: `m/(β·η_net) + α`. */
export function pointToPointS(chip: ChipSpec, messageBytes: number, level: LinkLevel): number {
  const link = linkOf(chip, level);
  return messageBytes / (link.bandwidthBytesPerS * networkEfficiency(chip, messageBytes)) + link.hopLatencyS;
}
