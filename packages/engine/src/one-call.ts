import type { HardwarePlugin } from '@ridgeline/hardware';
import { createEngine, type Engine } from './engine.ts';
import { planAnySweep, type AnySweepPlan } from './plan.ts';
import { catalogModel, FIRST_PARTY_PLUGINS, findChip, placeholderWarning, registerPlugins, unknownHardware } from './resolve.ts';
import { isTrainingSpec, parseAnySweepSpec, resolveSweepSpec, validateAnySweepSpec, type AnyMetric, type AnySweepSpec, type ReducerSpec } from './spec.ts';
import { attachRows, toResult, type SweepResult, type SweepState } from './state.ts';
import { sweepRange } from './sweep.ts';

/** How far a sweep has got: configurations done of the total, and the rate so far. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  /** Configurations per second since the sweep began. */
  readonly ratePerS: number;
}

/** A spec as YAML or JSON text; `source` names it in messages (default `sweep spec`). */
export interface SweepSpecText {
  readonly text: string;
  readonly source?: string;
}

/** A spec already read (`parseAnySweepSpec`, `validateAnySweepSpec`): used as it is. */
export interface ParsedSweepSpec {
  readonly spec: AnySweepSpec;
  readonly source?: string;
}

/** A spec's data as a YAML or JSON file holds it (`{ models: ['llama-3.1-8b'], hardware: ['h100'], batch: [1, 8] }`). */
export type SweepSpecData = Readonly<Record<string, unknown>>;

/** A spec given in memory: its data as a file holds it, `{ text }` (YAML or JSON) or `{ spec }` (already read). */
export type InMemorySweepSpec = SweepSpecData | SweepSpecText | ParsedSweepSpec;

/** The name messages give an in-memory spec: its `source`, else `sweep spec`. */
export function sourceOfInput(input: InMemorySweepSpec): string {
  return ('text' in input || 'spec' in input) && typeof input['source'] === 'string' ? input['source'] : 'sweep spec';
}

/**
 * The spec of an in-memory input: data (checked and completed with its defaults, as a file is),
 * `{ text }` parsed, or `{ spec }` as it is. Throws `SweepSpecError` naming every problem.
 *
 * @example
 * specOfInput({ models: ['llama-3.1-8b'], hardware: ['h100'] }).hardware; // [{ chip: 'h100' }]
 */
export function specOfInput(input: InMemorySweepSpec): AnySweepSpec {
  const source = sourceOfInput(input);
  if ('text' in input && typeof input.text === 'string') return parseAnySweepSpec(input.text, source);
  if ('spec' in input && typeof input.spec === 'object' && input.spec !== null) return input.spec as AnySweepSpec;
  return validateAnySweepSpec(input, source);
}

/** The model ids a spec names (models and draft models), in order. */
export function modelIdsOf(spec: AnySweepSpec): string[] {
  return [...spec.models, ...(isTrainingSpec(spec) ? [] : (spec.draftModels ?? []))].filter((m): m is string => typeof m === 'string');
}

/** The chip values a spec names (hardware and prefill hardware), in order. */
export function chipIdsOf(spec: AnySweepSpec): string[] {
  const prefill = isTrainingSpec(spec) ? [] : (spec.prefillHardware ?? []).filter((id) => id.toLowerCase() !== 'same');
  return [...spec.hardware.map((h) => h.chip), ...prefill];
}

/** Progress in `SweepProgress` terms, never going back, with the rate since `started`. */
export function progressReporter(onProgress: ((progress: SweepProgress) => void) | undefined): ((done: number, total: number) => void) | undefined {
  if (onProgress === undefined) return undefined;
  const started = performance.now();
  let last = -1;
  return (done, total) => {
    if (done < last) return;
    last = done;
    const seconds = (performance.now() - started) / 1000;
    onProgress({ done, total, ratePerS: seconds > 0 ? done / seconds : 0 });
  };
}

/**
 * The result document (what `ridgeline sweep --json` prints) of a plan's merged reducer state: the
 * rows of the frontier and the top-k evaluated, the histograms' edges attached.
 *
 * @example
 * const result = await resultOf(engine, plan, await sweepRange(engine, plan, [0, plan.total]));
 */
export async function resultOf(engine: Engine, plan: AnySweepPlan, state: SweepState): Promise<SweepResult> {
  const kernel = await engine.open(plan.image());
  return toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state));
}

/** Options of the browser-safe `sweep` of `@ridgeline/engine`. */
export interface BrowserSweepOptions {
  /** Hardware plugins whose chips the spec may name, after the first-party ones (objects: there are no files to load). */
  readonly plugins?: readonly HardwarePlugin[];
  /** Reports progress after each chunk. */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Stops between chunks: the promise rejects with the signal's reason (an `AbortError` unless given one). */
  readonly signal?: AbortSignal;
  /** One-line warnings (a chip whose figures are placeholders). */
  readonly onWarning?: (message: string) => void;
  /** Reducers in place of the spec's. */
  readonly reducers?: ReducerSpec<AnyMetric>;
  /** An engine to reuse (in a Worker: `engineFromModule` of a posted module). */
  readonly engine?: Engine;
  /** Configurations per kernel call between progress reports and abort checks (default 2^18). */
  readonly chunk?: number;
}

/**
 * Runs a sweep on the calling thread (in a browser, a Worker's) and returns the result document
 * `ridgeline sweep --json` prints: catalog models by id, alias or known Hugging Face id, and the
 * first-party chips plus those of `plugins`. Node has `sweep` of `@ridgeline/engine/node`, with
 * worker threads, spec files, config.json paths and plugin paths.
 *
 * @example
 * const result = await sweep({ text: 'models: [llama-3.1-8b]\nhardware: [h100]\nbatch: [1, 8, 64]\n' });
 * result.top?.rows[0]?.costPerMillionTokensUsd; // a number: result rows are feasible
 */
export async function sweep(input: InMemorySweepSpec, options: BrowserSweepOptions = {}): Promise<SweepResult> {
  options.signal?.throwIfAborted();
  const spec = specOfInput(input);
  const source = sourceOfInput(input);
  const chips = registerPlugins([
    ...FIRST_PARTY_PLUGINS.map((plugin) => ({ plugin, from: 'built in' })),
    ...(options.plugins ?? []).map((plugin, i) => ({ plugin, from: `plugins[${i}]` })),
  ]).map((c) => c.chip);
  const warned = new Set<string>();
  const resolved = resolveSweepSpec(
    spec,
    {
      model: catalogModel,
      chip: (id) => {
        const chip = findChip(chips, id.trim());
        if (chip === undefined) throw unknownHardware(id.trim(), chips);
        const warning = placeholderWarning(chip);
        if (warning !== undefined && !warned.has(chip.id)) options.onWarning?.(warning);
        warned.add(chip.id);
        return chip;
      },
    },
    source,
  );
  const plan = planAnySweep(resolved, options.reducers);
  const engine = options.engine ?? (await createEngine());
  const report = progressReporter(options.onProgress);
  const state = await sweepRange(engine, plan, [0, plan.total], {
    chunk: options.chunk ?? 2 ** 18,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(report === undefined ? {} : { onProgress: (done: number) => report(done, plan.total) }),
  });
  return resultOf(engine, plan, state);
}
