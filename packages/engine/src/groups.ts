// Groups for per-group Pareto frontiers and top-k (`reducers.groupBy`). Model and hardware are the
// two outermost axes of every sweep (AXES, TRAINING_SWEEP_AXES), the model slowest, so a (model,
// chip) pair owns one contiguous block of indices and a configuration's group is a pure function of
// its index: states unpacked from the kernel and states read back from result files agree on it.

/** What top-k and Pareto frontiers can be computed per: the model, the chip, or both. */
export const GROUP_KEYS = ['model', 'chip'] as const;
/** One of `GROUP_KEYS`. */
export type GroupKey = (typeof GROUP_KEYS)[number];

/** The index space and grouping of a sweep: everything a configuration's group depends on. */
export interface GroupShape {
  /** Configurations in the sweep. */
  readonly total: number;
  /** Values of the model axis. */
  readonly models: number;
  /** Values of the hardware axis. */
  readonly chips: number;
  /** `[]` (one group), `['model']`, `['chip']` or `['model', 'chip']`. */
  readonly groupBy: readonly GroupKey[];
  /**
   * Where each model's index range starts, the total last, when the models' ranges differ in size
   * (axes given per model, `SweepPlan.modelStarts`); absent: `models` equal ranges.
   */
  readonly modelStarts?: readonly number[];
}

/** The model of `index` and its range [start, end). */
function modelRange(shape: GroupShape, index: number): { readonly model: number; readonly start: number; readonly end: number } {
  const starts = shape.modelStarts;
  if (starts === undefined) {
    const size = shape.total / shape.models;
    const model = Math.floor(index / size);
    return { model, start: model * size, end: (model + 1) * size };
  }
  let model = 0;
  while (model + 2 < starts.length && (starts[model + 1] ?? 0) <= index) model++;
  return { model, start: starts[model] ?? 0, end: starts[model + 1] ?? shape.total };
}

/** The (model, chip) block of `index`, numbered model-major, and where it ends. */
function blockOf(shape: GroupShape, index: number): { readonly model: number; readonly chip: number; readonly end: number } {
  const { model, start, end } = modelRange(shape, index);
  if (!shape.groupBy.includes('chip')) return { model, chip: 0, end };
  const size = (end - start) / shape.chips;
  const chip = Math.floor((index - start) / size);
  return { model, chip, end: start + (chip + 1) * size };
}

/**
 * Group keys in canonical order (model before chip), each once; `hardware` means `chip`. Returns
 * undefined for any other name.
 *
 * @example
 * normaliseGroupBy(['hardware', 'model']); // ['model', 'chip']
 */
export function normaliseGroupBy(names: readonly string[]): GroupKey[] | undefined {
  const keys = names.map((n) => (n === 'hardware' ? 'chip' : n));
  if (keys.some((k) => !(GROUP_KEYS as readonly string[]).includes(k))) return undefined;
  return GROUP_KEYS.filter((k) => keys.includes(k));
}

/**
 * The group of configuration `index`, numbered in spec order (model-major): the (model, chip)
 * block, the model or the chip; 0 when ungrouped.
 *
 * @example
 * groupOf({ total: 12, models: 2, chips: 3, groupBy: ['chip'] }, 7); // 1 (model 1, chip 1)
 */
export function groupOf(shape: GroupShape, index: number): number {
  if (shape.groupBy.length === 0) return 0;
  const { model, chip } = blockOf(shape, index);
  if (!shape.groupBy.includes('chip')) return model;
  return shape.groupBy.includes('model') ? model * shape.chips + chip : chip;
}

/**
 * `range` cut where the group can change, so each piece lies in one group: the whole range when
 * ungrouped, else at every model (and chip) boundary.
 *
 * @example
 * groupSegments({ total: 12, models: 2, chips: 3, groupBy: ['model'] }, [4, 10]); // [[4, 6], [6, 10]]
 */
export function groupSegments(shape: GroupShape, range: readonly [number, number]): [number, number][] {
  const [start, end] = range;
  if (end <= start) return [];
  if (shape.groupBy.length === 0) return [[start, end]];
  const segments: [number, number][] = [];
  for (let s = start; s < end; ) {
    const e = Math.min(end, blockOf(shape, s).end);
    segments.push([s, e]);
    s = e;
  }
  return segments;
}

/**
 * The grouping as the setup image stores it (HEADER.groupBy): +1 model, +2 chip.
 *
 * @example
 * groupByCode(['model', 'chip']); // 3
 */
export function groupByCode(groupBy: readonly GroupKey[]): number {
  return (groupBy.includes('model') ? 1 : 0) + (groupBy.includes('chip') ? 2 : 0);
}

/**
 * The group shape of a plan: its total, model and chip counts and its reducers' grouping.
 *
 * @example
 * groupOf(groupShapeOf(plan), index);
 */
export function groupShapeOf(plan: {
  readonly total: number;
  readonly axes?: { readonly model?: readonly number[]; readonly hardware?: readonly number[] };
  readonly reducers: { readonly groupBy?: readonly GroupKey[] };
  readonly modelStarts?: readonly number[];
}): GroupShape {
  return {
    total: plan.total,
    models: plan.axes?.model?.length ?? 1,
    chips: plan.axes?.hardware?.length ?? 1,
    groupBy: plan.reducers.groupBy ?? [],
    ...(plan.modelStarts === undefined ? {} : { modelStarts: plan.modelStarts }),
  };
}
