import type { ChipSpec, Efficiency, Sourced } from './types.ts';

/** One sourced figure of a chip: a `{ value, source }` number or an efficiency (constant or curve). */
export interface SourcedFigure {
  /** Dotted path inside the chip, e.g. `compute.peakDenseFlopsPerS.bf16`. */
  readonly path: string;
  readonly figure: Sourced | Efficiency;
  /** The figure's `value`, or for a curve the efficiencies of its points. */
  readonly values: readonly number[];
  readonly source: string;
}

function figuresIn(node: unknown, path: string): SourcedFigure[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  const record = node as Record<string, unknown>;
  if (typeof record['source'] === 'string') {
    const figure = record as unknown as Sourced | Efficiency;
    const values = 'curve' in figure ? figure.curve.map(([, efficiency]) => efficiency) : [figure.value];
    return [{ path, figure, values, source: figure.source }];
  }
  return Object.entries(record).flatMap(([key, child]) => figuresIn(child, path === '' ? key : `${path}.${key}`));
}

/**
 * Every sourced figure of a chip with its path, in declaration order: for audits (which numbers are
 * estimates?), documentation tables, and a plugin's own tests.
 *
 * @example
 * sourcedFigures(h100).filter((f) => f.source.startsWith('estimate')).map((f) => f.path);
 * // ['power.idleW', …]
 */
export function sourcedFigures(chip: ChipSpec): SourcedFigure[] {
  return figuresIn(chip, '');
}

/**
 * Whether a figure rests on a source or on an estimate (issue 12 §7): `estimated` when its source is
 * labelled so (`estimate…`, `PLACEHOLDER…`, `TODO`), `sourced` otherwise (a citation, or a figure
 * `derived:` from cited ones). A sourced figure's date is in its source (and `price.asOf` /
 * `price.capitalAsOf` for prices); an estimate's source states its rule.
 */
export type FigureStatus = 'sourced' | 'estimated';

const ESTIMATED_SOURCE = /^\s*(?:estimate|estimated|placeholder|todo)\b|\(TODO\b/i;

/**
 * The status of one figure by its source's label.
 *
 * @example
 * figureStatus({ value: 700, source: 'NVIDIA H100 datasheet: max TDP 700 W' }); // 'sourced'
 * figureStatus({ value: 400, source: 'estimate (no published v6e power): …' }); // 'estimated'
 */
export function figureStatus(figure: { readonly source: string }): FigureStatus {
  return ESTIMATED_SOURCE.test(figure.source) ? 'estimated' : 'sourced';
}
