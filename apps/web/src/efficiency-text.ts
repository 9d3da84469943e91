import { formatBytes, formatDuration, formatIntensity, formatPercent } from '@ridgeline/format';
import type { Efficiency } from '@ridgeline/hardware';

/**
 * A chip's efficiencies as a person reads them: η as a percentage of peak, a curve as its points
 * with their units, t_layer as a duration. The page shows chip figures in "Inputs and sources" and
 * in the custom-chip form; both read them here, never as raw JSON.
 */

/** How the page labels each of `InferenceResult.inputs.efficiencies`' entries. */
export const EFFICIENCY_LABELS: Readonly<Record<string, string>> = {
  flop: 'η_flop (of peak FLOP/s)',
  expertFlop: 'η_flop of expert GEMMs',
  memory: 'η_mem (of memory bandwidth; KV cache, routed experts)',
  weightMemory: 'η_mem of dense weights (streamed)',
  network: 'η_net (of link bandwidth)',
  layerOverheadS: 't_layer (overhead per 9-kernel layer)',
  commOverlap: 'prefill comm overlap',
  requestOverheadS: 't_req (overhead per request, in TTFT)',
};

/**
 * An efficiency: a constant as a percentage, a curve as its points (linear between them, flat
 * beyond the ends, as `efficiencyAt` reads it), each at its arithmetic intensity or message size.
 *
 * @example
 * efficiencyText({ value: 0.7, source: '' }); // '70.0%'
 * efficiencyText({ curve: [[128, 0.3], [4096, 0.55]], over: 'arithmeticIntensity', source: '' }); // '30.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B'
 */
export function efficiencyText(efficiency: Efficiency): string {
  if ('value' in efficiency) return formatPercent(efficiency.value);
  const at = efficiency.over === 'messageBytes' ? formatBytes : formatIntensity;
  return efficiency.curve.map(([x, y]) => `${formatPercent(y)} at ${at(x)}`).join(' → ');
}

function isCurve(value: unknown): value is { curve: ReadonlyArray<readonly [number, number]>; over: 'arithmeticIntensity' | 'messageBytes' } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { curve?: unknown }).curve);
}

/**
 * One of `InferenceResult.inputs.efficiencies` (`{ value, source }`, the value a fraction, a curve,
 * or for `layerOverheadS` seconds) as text with its unit.
 *
 * @example
 * resolvedEfficiencyText('layerOverheadS', 0.00012); // '120 µs'
 * resolvedEfficiencyText('memory', 0.35); // '35.0%'
 */
export function resolvedEfficiencyText(key: string, value: unknown): string {
  if ((key === 'layerOverheadS' || key === 'requestOverheadS') && typeof value === 'number') return formatDuration(value);
  if (typeof value === 'number') return formatPercent(value);
  if (isCurve(value)) return efficiencyText({ ...value, source: '' });
  return String(value);
}
