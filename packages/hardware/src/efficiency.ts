import type { ChipSpec, Efficiency, Precision } from './types.ts';

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
 * `chip` as it computes at `precision`: its η_flop replaced by `efficiency.flopByPrecision[precision]`
 * when the plugin gives one (the chip itself otherwise, the same object), so that every roofline
 * downstream reads one `efficiency.flop` (MODEL.md §1.4).
 *
 * @example
 * atComputePrecision(b200, 'fp4').efficiency.flop; // b200.efficiency.flopByPrecision?.fp4 ?? b200.efficiency.flop
 */
export function atComputePrecision(chip: ChipSpec, precision: Precision): ChipSpec {
  const flop = chip.efficiency.flopByPrecision?.[precision];
  return flop === undefined ? chip : { ...chip, efficiency: { ...chip.efficiency, flop } };
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
