import type { ChipSpec } from '@ridgeline/hardware';
import { InputError, estimateTraining, type ModelSpec, type TrainingConfig, type TrainingResult } from '@ridgeline/model';
import type { AppState, TrainingSettings } from './state.ts';

/**
 * The bridge between the training view and `@ridgeline/model`'s `estimateTraining`: the
 * `TrainingConfig` that `ridgeline train` builds from the same flags, and the model's input errors
 * as messages tied to a form field. No physics here.
 */

/** A training-view input that can be wrong: the text boxes of the form. */
export type TrainingField =
  | 'chips'
  | 'dp'
  | 'tp'
  | 'pp'
  | 'cp'
  | 'ep'
  | 'sequenceLength'
  | 'globalBatch'
  | 'microBatch'
  | 'virtualStages'
  | 'totalTokens'
  | 'overlap'
  | 'price';

/**
 * Replicas: chips ÷ (TP·PP·CP), as the CLI derives `--dp`; not necessarily a whole number.
 *
 * @example
 * dataParallel({ chips: 1024, tp: 8, pp: 4, cp: 1 }); // 32
 */
export function dataParallel(t: Pick<TrainingSettings, 'chips' | 'tp' | 'pp' | 'cp'>): number {
  return t.chips / (t.tp * t.pp * t.cp);
}

/**
 * The `TrainingConfig` for the state, as `ridgeline train` builds it from the same flags (`--chips
 * --tp --pp --cp --ep --seq --global-batch --micro-batch --virtual-stages --tokens --precision --zero
 * --recompute [--overlap] [--price]`). Where the CLI refuses chips that TP·PP·CP does not divide,
 * the page passes the whole part of the quotient as DP, so the model says why (infeasible,
 * `chips_divide_parallelism`) while the person is still typing.
 *
 * @example
 * trainingConfigFor(DEFAULT_STATE, llama70b, h100).parallelism; // { dp: 32, tp: 8, pp: 4, cp: 1, ep: 1 }
 */
export function trainingConfigFor(state: AppState, model: ModelSpec, chip: ChipSpec): TrainingConfig {
  const t = state.training;
  const quotient = dataParallel(t);
  // A non-number TP, PP or CP leaves DP undefined: 1 keeps the model's message on the field at fault.
  const dp = Number.isFinite(quotient) ? Math.max(1, Math.floor(quotient)) : 1;
  return {
    model,
    chip,
    chips: t.chips,
    parallelism: { dp, tp: t.tp, pp: t.pp, cp: t.cp, ep: t.ep },
    sequenceLength: t.sequenceLength,
    globalBatch: t.globalBatch,
    microBatch: t.microBatch,
    virtualStages: t.virtualStages,
    totalTokens: t.totalTokens,
    precision: t.precision,
    zeroStage: t.zeroStage,
    recompute: t.recompute,
    ...(state.overlap === null ? {} : { commOverlap: state.overlap }),
    ...(state.price === null ? {} : { usdPerChipHour: state.price }),
  };
}

/** What the training view shows for one configuration. */
export type TrainingOutcome =
  | { readonly kind: 'result'; readonly result: TrainingResult; readonly config: TrainingConfig }
  /** The input itself is wrong (a micro-batch of 0, tokens left empty): `field` says which box. */
  | { readonly kind: 'error'; readonly message: string; readonly field: TrainingField | null; readonly modelField: string };

const FIELDS: Readonly<Record<string, TrainingField>> = {
  chips: 'chips',
  'parallelism.dp': 'dp',
  'parallelism.tp': 'tp',
  'parallelism.pp': 'pp',
  'parallelism.cp': 'cp',
  'parallelism.ep': 'ep',
  sequenceLength: 'sequenceLength',
  globalBatch: 'globalBatch',
  microBatch: 'microBatch',
  virtualStages: 'virtualStages',
  totalTokens: 'totalTokens',
  commOverlap: 'overlap',
  usdPerChipHour: 'price',
};

/**
 * The form field an `InputError`'s field (`parallelism.tp`, `totalTokens`, …) belongs to, or null.
 *
 * @example
 * trainingField('parallelism.tp'); // 'tp'
 */
export function trainingField(modelField: string): TrainingField | null {
  return FIELDS[modelField] ?? null;
}

/**
 * Runs `estimateTraining`, turning `InputError`s into a message on the field at fault.
 *
 * @example
 * const out = train(trainingConfigFor(state, model, chip));
 * if (out.kind === 'result') out.result.stepTimeS;
 */
export function train(config: TrainingConfig): TrainingOutcome {
  try {
    return { kind: 'result', result: estimateTraining(config), config };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'error', message: error.message, field: trainingField(error.field), modelField: error.field };
    throw error;
  }
}
