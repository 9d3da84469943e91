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
