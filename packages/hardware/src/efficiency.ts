import { PRECISIONS, type CalibrationStatus, type ChipEfficiency, type ChipSpec, type Efficiency, type EfficiencyProfile, type KvCacheBudget, type Precision, type Sourced } from './types.ts';

/**
 * The value of an efficiency at `x` (arithmetic intensity in FLOP/byte, or message size in bytes,
 * as the curve's `over` says). Constants ignore `x`; curves interpolate linearly between their
 * points and hold their end values outside them.
 *
 * @example
 * efficiencyAt({ value: 0.8, source: 'fit' }, 123); // 0.8
 * efficiencyAt({ curve: [[1, 0.2], [100, 0.8]], over: 'arithmeticIntensity', source: 'fit' }, 50.5); // 0.5
 */
export function efficiencyAt(efficiency: Efficiency, x: number): number {
  if ('value' in efficiency) return efficiency.value;
  const points = efficiency.curve;
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return Number.NaN;
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (x <= x1) {
      const [x0, y0] = points[i - 1]!;
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return last[1];
}

/**
 * Where the routed experts' η_flop at `precision` is derived from another precision's fit, which
 * precision and by what factor (`expertFlopAtPrecision`'s rule): undefined where the chip gives it
 * at `precision` (`expertFlopByPrecision`), gives its own fallback (`expertFlop`), or gives none at
 * all. A ratio of 1 means the other precision's value is taken as it is.
 *
 * @example
 * // a Blackwell chip whose experts are fitted at fp8 only; fp4 matmuls 0.54 against 0.78 at fp8:
 * expertFlopDerivation(fp8FittedChip.efficiency, 'fp4'); // { from: 'fp8', ratio: 0.692… }
 */
export function expertFlopDerivation(efficiency: ChipEfficiency, precision: Precision): { readonly from: Precision; readonly ratio: number } | undefined {
  if (efficiency.expertFlopByPrecision?.[precision] !== undefined || efficiency.expertFlop !== undefined) return undefined;
  const fitted = PRECISIONS.filter((p) => efficiency.expertFlopByPrecision?.[p] !== undefined);
  const at = PRECISIONS.indexOf(precision);
  // PRECISIONS runs from wide to narrow, so the first of two equally near is the wider
  const nearest = fitted.reduce<Precision | undefined>((best, p) => (best === undefined || Math.abs(PRECISIONS.indexOf(p) - at) < Math.abs(PRECISIONS.indexOf(best) - at) ? p : best), undefined);
  if (nearest === undefined) return undefined;
  const large = (p: Precision): number => efficiencyAt(efficiency.flopByPrecision?.[p] ?? efficiency.flop, Number.POSITIVE_INFINITY);
  return { from: nearest, ratio: large(precision) / large(nearest) };
}

/**
 * The routed experts' η_flop at `precision` (docs/MODEL.md §2): `expertFlopByPrecision[precision]`;
 * else `expertFlop`, the plugin's own fallback; else, where the chip gives the experts' η_flop at
 * other precisions, the one nearest in `PRECISIONS` (the wider on a tie) scaled by the ratio of the
 * matmuls' η_flop at the two precisions for large GEMMs (the experts keep their share of what a
 * large GEMM reaches); undefined when the chip gives none (the experts then run at the matmuls' η_flop).
 * Why scaled and not dropped: an expert curve fitted at FP8 carries MoE serving's small-GEMM costs,
 * and the matmuls' FP4 figure, taken in its place, ran Qwen3-235B's FP4 experts on B200 2.2× faster
 * than TensorRT-LLM measures (apps/validation/README.md, "Held out").
 *
 * @example
 * // a Blackwell chip whose experts are fitted at fp8 only, [[128, 0.075], [4096, 0.78]]; fp4 matmuls 0.54 against 0.78 at fp8:
 * expertFlopAtPrecision(fp8FittedChip.efficiency, 'fp4'); // { curve: [[128, 0.052], [4096, 0.54]], … }
 */
export function expertFlopAtPrecision(efficiency: ChipEfficiency, precision: Precision): Efficiency | undefined {
  const own = efficiency.expertFlopByPrecision?.[precision];
  if (own !== undefined) return own;
  if (efficiency.expertFlop !== undefined) return efficiency.expertFlop;
  const derivation = expertFlopDerivation(efficiency, precision);
  if (derivation === undefined) return undefined;
  const { from: nearest, ratio } = derivation;
  const from = efficiency.expertFlopByPrecision![nearest]!;
  if (ratio === 1) return from;
  const source = `derived: the experts' η_flop at ${nearest} × ${ratio.toFixed(3)}, the matmuls' η_flop for large GEMMs at ${precision} over ${nearest}; ${from.source}`;
  return 'value' in from
    ? { value: Math.min(1, from.value * ratio), source }
    : { curve: from.curve.map(([x, y]) => [x, Math.min(1, y * ratio)] as const), over: from.over, source };
}

/**
 * `chip` as it computes at `precision`: its η_flop replaced by `efficiency.flopByPrecision[precision]`
 * and its experts' η_flop by `expertFlopAtPrecision` where the plugin gives them (the chip itself
 * otherwise, the same object), so that every roofline downstream reads one `efficiency.flop` and
 * one `efficiency.expertFlop` (MODEL.md §1.4).
 *
 * @example
 * atComputePrecision(b200, 'fp4').efficiency.flop; // b200.efficiency.flopByPrecision?.fp4 ?? b200.efficiency.flop
 */
export function atComputePrecision(chip: ChipSpec, precision: Precision): ChipSpec {
  const flop = chip.efficiency.flopByPrecision?.[precision];
  const expertFlop = expertFlopAtPrecision(chip.efficiency, precision);
  if (flop === undefined && expertFlop === chip.efficiency.expertFlop) return chip;
  return { ...chip, efficiency: { ...chip.efficiency, ...(flop === undefined ? {} : { flop }), ...(expertFlop === undefined ? {} : { expertFlop }) } };
}

/**
 * `chip` with the efficiencies of its profile `name` (a serving stack's or an era's) in place of its
 * default ones, or the chip unchanged with a one-line note saying which profiles it has when it has
 * no such profile (a fallback, not an error: docs/MODEL.md §9).
 *
 * @example
 * withEfficiencyProfile(h100, '2023').chip.efficiency; // h100.efficiencyProfiles['2023'] without its description
 */
export function withEfficiencyProfile(chip: ChipSpec, name: string): { readonly chip: ChipSpec; readonly note: string | undefined } {
  const profile = chip.efficiencyProfiles?.[name];
  if (profile === undefined) {
    const names = Object.keys(chip.efficiencyProfiles ?? {});
    const has = names.length === 0 ? 'it has none' : `it has ${names.join(', ')}`;
    return { chip, note: `${chip.id} has no "${name}" efficiency profile (${has}); using its default efficiencies` };
  }
  const { description, ...efficiency } = profile;
  void description;
  return { chip: { ...chip, efficiency }, note: undefined };
}

/** Means of committed errors closer than this are equal (bestFittedProfile). */
const TIE_TOLERANCE = 1e-9;

/**
 * The profile a chip's default efficiencies should be (docs/MODEL.md §9): among `profiles`, the
 * fitted one with the lowest out-of-sample error (the mean of its throughput and tokens/s-per-user
 * errors; a fit on a single curve, whose error is another fit's (`method: 'another-fit'`) or none,
 * ranks after every fit with curves of its own left out), as `{ name, efficiency }` with a
 * calibration basis that names the profile; undefined when none is fitted. Ties keep the first in
 * `profiles`' order.
 *
 * @example
 * const best = bestFittedProfile(INFERENCEX_PROFILES['b200']); // { name: 'trtllm', efficiency: { …, calibration: { status: 'fitted', basis: 'the trtllm profile, …' } } }
 */
export function bestFittedProfile(
  profiles: Readonly<Record<string, EfficiencyProfile>> | undefined,
): { readonly name: string; readonly efficiency: ChipEfficiency } | undefined {
  let best: { name: string; profile: EfficiencyProfile; tier: number; error: number } | undefined;
  for (const [name, profile] of Object.entries(profiles ?? {})) {
    if (profile.calibration?.status !== 'fitted') continue;
    const error = profile.calibration.outOfSampleError;
    // Ranked by the error of leaving its own curves out; a profile with only a stand-in for it
    // (another fit predicting its one curve) ranks after every one with, then one with no error at all.
    const tier = error === undefined ? 2 : error.method === 'another-fit' ? 1 : 0;
    const mean = error === undefined ? 0 : (error.throughput + error.interactivity) / 2;
    // Errors are committed to 3 decimals: means equal but for the last bit of a float sum
    // ((0.102 + 0.122)/2 against (0.096 + 0.128)/2) are a tie, which the first profile keeps.
    if (best === undefined || tier < best.tier || (tier === best.tier && mean < best.error - TIE_TOLERANCE)) best = { name, profile, tier, error: mean };
  }
  if (best === undefined) return undefined;
  const { description, calibration, ...efficiency } = best.profile;
  void description;
  return {
    name: best.name,
    efficiency: { ...efficiency, calibration: { ...calibration!, basis: `the ${best.name} profile, the chip's best fitted (lowest out-of-sample error): ${calibration!.basis}` } },
  };
}

/** What `transferredEfficiency` needs besides the source efficiencies. */
export interface TransferRule {
  /** The chip the efficiencies come from, e.g. `b300`. */
  readonly fromId: string;
  /** Why that chip is the nearest: the same architecture and stack, and what differs. */
  readonly why: string;
  /**
   * The error to expect of the default efficiencies, measured by applying the same rule between two
   * fitted chips that differ the same way (e.g. B200 → GB200 for B300 → GB300), with the profile of
   * the stack the source chip's default is; absent when no such pair is measured.
   */
  readonly outOfSampleError?: CalibrationStatus['outOfSampleError'];
  /**
   * The same rule's error per profile name (`transferredProfiles`): a stack's profile transfers as
   * well or as badly as that stack's profile does between the fitted pair (B200 → GB200 NVL72:
   * 14% on TensorRT-LLM's rows, 22% on SGLang's), so each profile quotes its own stack's figure;
   * a profile not named here quotes `outOfSampleError`.
   */
  readonly profileOutOfSampleError?: Readonly<Record<string, NonNullable<CalibrationStatus['outOfSampleError']>>>;
}

/**
 * Efficiencies transferred from a fitted chip to one without measurements (docs/MODEL.md §9): the
 * fractions η_flop (per precision too), η_mem and η_net, the per-layer overhead and the prefill
 * overlap are the source's, and so are the serving stack's figures (the MTP acceptance and t_req:
 * the software's, not the chip's), each source prefixed with the rule; the status is `transferred`.
 * Efficiencies are fractions of each chip's own peaks, so a part with more bandwidth or FLOP/s
 * scales through its datasheet figures, never through a near-peak guess.
 *
 * @example
 * transferredEfficiency(b300.efficiency, { fromId: 'b300', why: 'the same Blackwell Ultra GPU; only the rack differs' }).calibration?.status; // 'transferred'
 */
export function transferredEfficiency(from: ChipEfficiency, rule: TransferRule): ChipEfficiency {
  const prefix = `transferred from ${rule.fromId} (${rule.why}); `;
  const relabel = (x: Sourced): Sourced => ({ value: x.value, source: `${prefix}${x.source}` });
  const efficiency = <E extends Efficiency>(e: E): E => ({ ...e, source: `${prefix}${e.source}` });
  const byPrecision = Object.entries(from.flopByPrecision ?? {}).map(([p, e]) => [p, efficiency(e)] as const);
  const expertByPrecision = Object.entries(from.expertFlopByPrecision ?? {}).map(([p, e]) => [p, efficiency(e)] as const);
  const basis = `transferred from ${rule.fromId} (${rule.why}), whose efficiencies are ${from.calibration?.status ?? 'datasheet'}: ${from.calibration?.basis ?? 'starting values'}`;
  return {
    flop: efficiency(from.flop),
    ...(byPrecision.length === 0 ? {} : { flopByPrecision: Object.fromEntries(byPrecision) }),
    ...(from.expertFlop === undefined ? {} : { expertFlop: efficiency(from.expertFlop) }),
    ...(expertByPrecision.length === 0 ? {} : { expertFlopByPrecision: Object.fromEntries(expertByPrecision) }),
    memory: efficiency(from.memory),
    ...(from.weightMemory === undefined ? {} : { weightMemory: efficiency(from.weightMemory) }),
    network: efficiency(from.network),
    layerOverheadS: relabel(from.layerOverheadS),
    ...(from.commOverlap === undefined ? {} : { commOverlap: relabel(from.commOverlap) }),
    ...(from.mtpAcceptance === undefined ? {} : { mtpAcceptance: relabel(from.mtpAcceptance) }),
    ...(from.requestOverheadS === undefined ? {} : { requestOverheadS: relabel(from.requestOverheadS) }),
    ...(from.kvCacheBudget === undefined
      ? {}
      : { kvCacheBudget: { basis: from.kvCacheBudget.basis, fraction: relabel(from.kvCacheBudget.fraction), reservedBytes: relabel(from.kvCacheBudget.reservedBytes) } }),
    calibration: { status: 'transferred', basis, ...(rule.outOfSampleError === undefined ? {} : { outOfSampleError: rule.outOfSampleError }) },
  };
}

/**
 * An efficiency profile fitted only at some compute precisions (`flopByPrecision`), before the
 * plugin adds the fallback η_flop that other precisions use: what `pnpm validate --fit --write`
 * and serving fits produce, since serving rows at FP8 say nothing about BF16 matmuls.
 */
export type ProfileWithoutFlopFallback = Omit<EfficiencyProfile, 'flop'>;

/**
 * What a plugin sources from benchmarks rather than from a serving fit, to complete its fitted
 * profiles: η_flop at precisions the fit did not see (e.g. an FP4 GEMM benchmark), η_net, which
 * the serving fits hold rather than fit (e.g. an nccl-tests bus bandwidth), and the η_mem of
 * contiguous weight reads (`weightMemory`, e.g. a STREAM benchmark), which the fits hold too.
 */
export interface SourcedEfficiencies {
  readonly flopByPrecision?: Partial<Readonly<Record<Precision, Efficiency>>>;
  readonly network?: Efficiency;
  readonly weightMemory?: Efficiency;
  /**
   * Each serving stack's KV cache budget by profile name (`trtllm`: TensorRT-LLM's
   * `free_gpu_memory_fraction`), from the stack's documented defaults: a property of the software,
   * which no serving fit sets (docs/MODEL.md §4, "KV cache budget").
   */
  readonly kvCacheBudgetByProfile?: Readonly<Record<string, KvCacheBudget>>;
}

/**
 * Profiles fitted per precision, completed with the chip's own fallback η_flop (`flop`, e.g. its
 * achievable BF16 matmul fraction) for the precisions they were not fitted at, and with what the
 * chip sources (`sourced`): its η_flop at other precisions goes under any precision the profile
 * fitted itself (a fitted value wins over a sourced one); its η_net and weight-read η_mem replace
 * the profile's, which the fit only held.
 *
 * @example
 * withFlopFallback({ trtllm: { description, flopByPrecision: { fp8 }, memory, network, layerOverheadS } }, { value: 0.78, source: 'MAMF' }).trtllm?.flop.source; // 'MAMF'
 */
export function withFlopFallback(
  profiles: Readonly<Record<string, ProfileWithoutFlopFallback>> | undefined,
  flop: Efficiency,
  sourced: SourcedEfficiencies = {},
): Record<string, EfficiencyProfile> {
  return Object.fromEntries(
    Object.entries(profiles ?? {}).map(([name, profile]) => {
      const byPrecision = { ...sourced.flopByPrecision, ...profile.flopByPrecision };
      return [
        name,
        {
          flop,
          ...profile,
          ...(Object.keys(byPrecision).length === 0 ? {} : { flopByPrecision: byPrecision }),
          ...(sourced.network === undefined ? {} : { network: sourced.network }),
          ...(sourced.weightMemory === undefined ? {} : { weightMemory: sourced.weightMemory }),
          ...(sourced.kvCacheBudgetByProfile?.[name] === undefined ? {} : { kvCacheBudget: sourced.kvCacheBudgetByProfile[name] }),
        },
      ];
    }),
  );
}

/**
 * `fit`'s serving fit over `gpu`'s own figures: the matmuls' η_flop (`flop`, `flopByPrecision`),
 * the weight reads' η_mem (`weightMemory`) and η_net come from `gpu` — the figures a plugin sources
 * from benchmarks and `withFlopFallback` completes a fitted profile with — and everything a serving
 * fit sets (the experts' η_flop, η_mem, t_layer, the overlap, the MTP acceptance, t_req, the status)
 * from `fit`. For a chip without measurements whose stack profile comes from another chip than its
 * GPU figures (docs/MODEL.md §9, "Transfer": GB300 NVL72's SGLang profile is GB200 NVL72's fit over
 * B300's GPU).
 *
 * @example
 * withGpuFigures(fromGb200.sglang, fromB300.sglang).flopByPrecision; // B300's NVFP4 figure, not GB200's
 */
export function withGpuFigures(fit: EfficiencyProfile, gpu: ChipEfficiency): EfficiencyProfile {
  const { flopByPrecision: _fitFlops, weightMemory: _fitWeights, ...serving } = fit;
  return {
    ...serving,
    flop: gpu.flop,
    ...(gpu.flopByPrecision === undefined ? {} : { flopByPrecision: gpu.flopByPrecision }),
    ...(gpu.weightMemory === undefined ? {} : { weightMemory: gpu.weightMemory }),
    network: gpu.network,
  };
}

/** A chip's fitted profiles and the default efficiencies chosen from them. */
export interface FittedProfiles {
  readonly profiles: Record<string, EfficiencyProfile>;
  /** The best fitted profile (`bestFittedProfile`), as the chip's default `efficiency`. */
  readonly efficiency: ChipEfficiency;
}

/**
 * A chip's profiles fitted per precision (`pnpm validate --fit --write`, or `ridgeline calibrate`
 * per stack), completed with its fallback η_flop, and its default efficiencies: the best fitted of
 * them (docs/MODEL.md §9). Throws, naming the chip, when none is fitted, since a plugin's defaults
 * must not silently become something else.
 *
 * @example
 * const { profiles, efficiency } = fittedProfiles('acme-x1', ACME_PROFILES['acme-x1'], { value: 0.7, source: 'MAMF' });
 */
export function fittedProfiles(
  chipId: string,
  profiles: Readonly<Record<string, ProfileWithoutFlopFallback>> | undefined,
  flop: Efficiency,
  sourced: SourcedEfficiencies = {},
): FittedProfiles {
  const complete = withFlopFallback(profiles, flop, sourced);
  const best = bestFittedProfile(complete);
  if (best === undefined) throw new Error(`${chipId}: no fitted efficiency profile; rerun the fit that writes its profiles`);
  return { profiles: complete, efficiency: best.efficiency };
}

/**
 * Every profile of `profiles` transferred by `rule`, so that a chip without measurements keeps
 * `--stack` (each profile's description says where it came from), each quoting the rule's error
 * for its own stack (`profileOutOfSampleError`) where the rule has one.
 *
 * @example
 * transferredProfiles(b300.efficiencyProfiles, { fromId: 'b300', why: 'the same GPU' }).trtllm?.calibration?.status; // 'transferred'
 */
export function transferredProfiles(
  profiles: Readonly<Record<string, EfficiencyProfile>> | undefined,
  rule: TransferRule,
): Record<string, EfficiencyProfile> {
  return Object.fromEntries(
    Object.entries(profiles ?? {}).map(([name, { description, ...efficiency }]) => [
      name,
      {
        ...transferredEfficiency(efficiency, { ...rule, outOfSampleError: rule.profileOutOfSampleError?.[name] ?? rule.outOfSampleError }),
        description: `${description}; transferred from ${rule.fromId}`,
      },
    ]),
  );
}
