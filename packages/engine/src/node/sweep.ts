import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ChipSpec, HardwarePlugin } from '@ridgeline/hardware';
import type { ModelSpec } from '@ridgeline/model';
import { createEngine, type Engine } from '../engine.ts';
import { chipIdsOf, modelIdsOf, progressReporter, resultOf, sourceOfInput, specOfInput, type InMemorySweepSpec, type SweepProgress } from '../one-call.ts';
import { planAnySweep, type AnySweepPlan } from '../plan.ts';
import { placeholderWarning, quoted, ResolveError } from '../resolve.ts';
import { parseAnySweepSpec, resolveSweepSpec, SweepSpecError, type AnyMetric, type SpecIssue, type AnySweepSpec, type ReducerSpec, type ResolvedSweepSpec } from '../spec.ts';
import type { SweepResult } from '../state.ts';
import { pluginSources, resolveChipRef, resolveModelRef } from './resolve.ts';
import { runSweep } from './run.ts';

/**
 * What `sweep` takes: a path to a YAML or JSON spec file (relative to `baseDir`); the spec's data as
 * a file holds it (checked and completed with its defaults, as a file is); YAML/JSON text as
 * `{ text, source? }`; or a spec already read as `{ spec, source? }`.
 */
export type SweepInput = string | InMemorySweepSpec;

/** A spec read by `readSweepSpec`: the spec, the name messages give it, the directory its relative paths start from. */
export interface LoadedSweepSpec {
  readonly spec: AnySweepSpec;
  readonly source: string;
  readonly dir: string;
}

/**
 * Reads a `SweepInput`: a file path is read (relative to `baseDir`, default the working directory)
 * and parsed, with the path as its name and its directory for the spec's config.json paths; text
 * and objects name themselves `sweep spec` (or `source`) and start from `baseDir`. Throws
 * `ResolveError` for a file that cannot be read and `SweepSpecError` for a spec that cannot be used.
 *
 * @example
 * const { spec, dir } = await readSweepSpec('examples/sweep-llama70b.yaml');
 */
export async function readSweepSpec(input: SweepInput, options: { readonly baseDir?: string } = {}): Promise<LoadedSweepSpec> {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  if (typeof input !== 'string') return { spec: specOfInput(input), source: sourceOfInput(input), dir: baseDir };
  const path = resolve(baseDir, input);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ResolveError(`cannot read sweep spec ${quoted(input)}: ${code === 'ENOENT' ? 'file not found' : error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { spec: parseAnySweepSpec(text, input), source: input, dir: dirname(path) };
}

/** Options for `resolveSweep`. */
export interface ResolveSweepOptions {
  /** Where plugin paths (in `plugins` and in the spec's hardware) resolve from (default: the working directory). */
  readonly baseDir?: string;
  /** Where the spec's config.json paths resolve from (default `baseDir`; `readSweepSpec` gives the spec file's directory). */
  readonly specDir?: string;
  /** The spec's name in messages (default `sweep spec`). */
  readonly source?: string;
  /** Hardware plugins whose chips the spec may name, after the first-party ones: paths or package names, or plugin objects. */
  readonly plugins?: readonly (string | HardwarePlugin)[];
  /** Resolves a hardware value in place of the first-party chips and `plugins` (the CLI's registry adds its config file's plugins). */
  readonly chip?: (value: string) => Promise<ChipSpec>;
  /** One-line notes and warnings: which chip of a plugin was used, a chip whose figures are placeholders. */
  readonly onWarning?: (message: string, kind: 'note' | 'warning') => void;
  /** Milliseconds a plugin module may take to import (default 10 s). */
  readonly importTimeoutMs?: number;
}

/** Runs `lookup` for each id once, keeping each answer or error, for `resolveSweepSpec`'s synchronous resolvers. */
async function lookups<T>(ids: readonly string[], lookup: (id: string) => Promise<T>, kind: string): Promise<(id: string) => T> {
  const found = new Map<string, T | Error>();
  for (const id of ids) {
    if (found.has(id)) continue;
    try {
      found.set(id, await lookup(id));
    } catch (error) {
      found.set(id, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return (id) => {
    const value = found.get(id);
    if (value === undefined || value instanceof Error) throw value ?? new Error(`unknown ${kind} "${id}"`);
    return value;
  };
}

/**
 * Resolves a spec's models (catalog ids and aliases, Hugging Face ids the catalog knows,
 * config.json paths relative to `specDir`) and chips (first-party, `plugins`, plugin paths) as
 * `ridgeline sweep` does. Throws `SweepSpecError` with every name that cannot be resolved, each at
 * its place in the spec, and `ResolveError` for a plugin of `plugins` that cannot be loaded.
 *
 * @example
 * const plan = planAnySweep(await resolveSweep(spec, { plugins: ['./acme.json'] }));
 */
export async function resolveSweep<S extends AnySweepSpec>(spec: S, options: ResolveSweepOptions = {}): Promise<ResolvedSweepSpec<S>> {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const specDir = options.specDir ?? baseDir;
  const load = options.importTimeoutMs === undefined ? {} : { importTimeoutMs: options.importTimeoutMs };
  const note = (m: string): void => options.onWarning?.(m, 'note');
  let chipOf = options.chip;
  if (chipOf === undefined) {
    const sources = await pluginSources(options.plugins ?? [], baseDir, load);
    chipOf = (value) => resolveChipRef(value, { sources, cwd: baseDir, note, ...load });
  }
  const resolveChip = chipOf;
  // Two spellings that give different chips under one id would label their rows the same: refused
  // (the registry refuses such plugins too; two spec paths bypassed it, reliability defect 9).
  const byId = new Map<string, { value: string; chip: ChipSpec }>();
  const chip = await lookups(
    chipIdsOf(spec),
    async (value) => {
      const resolved = await resolveChip(value);
      const other = byId.get(resolved.id);
      if (other !== undefined && other.chip !== resolved && JSON.stringify(other.chip) !== JSON.stringify(resolved)) {
        throw new ResolveError(
          `hardware ${quoted(other.value)} and ${quoted(value)} are two different chips with the id ${quoted(resolved.id)}: their rows could not be told apart; rename the chip in one of the plugins`,
        );
      }
      byId.set(resolved.id, { value, chip: resolved });
      const warning = placeholderWarning(resolved);
      if (warning !== undefined) options.onWarning?.(warning, 'warning');
      return resolved;
    },
    'hardware',
  );
  const model = await lookups<ModelSpec>(modelIdsOf(spec), (id) => resolveModelRef(id, specDir, 'a model of the spec'), 'model');
  return resolveSweepSpec(spec, { model, chip }, options.source ?? 'sweep spec');
}

/**
 * `error` with the names of its spec that cannot be resolved added, each at its place: a spec
 * refused for its fields (a `SweepSpecError` carrying the data read) is looked up too, so an
 * unknown model or chip comes in the same error as the other problems instead of in the next
 * round. Only names the validators did not already refuse are looked up (catalog ids, Hugging Face
 * ids and config.json paths for models, chip ids and plugin paths for hardware), as `resolveSweep`
 * looks them up. Any other error is returned as it is.
 *
 * @example
 * try { spec = (await readSweepSpec(path)).spec; } catch (e) { throw await withUnresolvedNames(e, { plugins }); }
 */
export async function withUnresolvedNames(error: unknown, options: ResolveSweepOptions = {}): Promise<unknown> {
  if (!(error instanceof SweepSpecError) || error.data === undefined) return error;
  const data = error.data;
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const specDir = options.specDir ?? baseDir;
  const load = options.importTimeoutMs === undefined ? {} : { importTimeoutMs: options.importTimeoutMs };
  let chipOf = options.chip;
  if (chipOf === undefined) {
    let sources;
    try {
      sources = await pluginSources(options.plugins ?? [], baseDir, load);
    } catch {
      return error;
    }
    chipOf = (value) => resolveChipRef(value, { sources, cwd: baseDir, ...load });
  }
  const refused = new Set(error.issues.map((i) => i.path));
  const issues: SpecIssue[] = [];
  const lookUp = async (path: string, name: unknown, resolveName: (name: string) => Promise<unknown>): Promise<void> => {
    if (typeof name !== 'string' || name.trim() === '' || refused.has(path) || [...refused].some((p) => p.startsWith(`${path}.`))) return;
    try {
      await resolveName(name);
    } catch (problem) {
      issues.push({ path, message: problem instanceof Error ? problem.message : String(problem) });
    }
  };
  const list = (field: string): unknown[] => (Array.isArray(data[field]) ? (data[field] as unknown[]) : []);
  const resolveChip = chipOf;
  const model = (id: string): Promise<unknown> => resolveModelRef(id, specDir, 'a model of the spec');
  const jobs: [string, unknown, (name: string) => Promise<unknown>][] = [
    ...list('models').map((m, i): [string, unknown, typeof model] => [`models[${i}]`, m, model]),
    ...list('hardware').map((h, i): [string, unknown, typeof model] => [`hardware[${i}]`, typeof h === 'object' && h !== null ? (h as { chip?: unknown }).chip : h, resolveChip]),
    ...list('draftModels').map((m, i): [string, unknown, typeof model] => [`draftModels[${i}]`, m, model]),
    ...(typeof data['prefillHardware'] === 'string' ? [data['prefillHardware']] : list('prefillHardware'))
      .map((h, i): [string, unknown, typeof model] => [Array.isArray(data['prefillHardware']) ? `prefillHardware[${i}]` : 'prefillHardware', h, resolveChip])
      .filter(([, h]) => !(typeof h === 'string' && h.toLowerCase() === 'same')),
  ];
  // one at a time, in spec order: the issues come in the order of the fields
  for (const [path, name, resolveName] of jobs) await lookUp(path, name, resolveName);
  return issues.length === 0 ? error : new SweepSpecError([...error.issues, ...issues], error.source);
}

/** Options for `sweepPlan`. */
export interface SweepPlanOptions {
  /** Worker threads (default: `defaultThreads` of the sweep size, as `ridgeline sweep`); 1 runs on the calling thread. */
  readonly threads?: number;
  /** The slice of the index space to run (default: all of it); see `shardRange`. */
  readonly range?: readonly [number, number];
  /** Called about every 100 ms and at the end: done never goes back, and the last report has done = total. */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Stops the sweep: the worker threads are ended and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** An engine to reuse (default `createEngine()`). */
  readonly engine?: Engine;
}

/**
 * Runs a plan over worker threads and returns its result document (`runSweep`, then the rows of the
 * frontier and the top-k).
 *
 * @example
 * const result = await sweepPlan(planAnySweep(await resolveSweep(spec)), { threads: 2 });
 */
export async function sweepPlan(plan: AnySweepPlan, options: SweepPlanOptions = {}): Promise<SweepResult> {
  const engine = options.engine ?? (await createEngine());
  const onProgress = progressReporter(options.onProgress);
  const state = await runSweep(plan, {
    engine,
    ...(options.range === undefined ? {} : { range: options.range }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  return resultOf(engine, plan, state);
}

/** Options for `sweep`. */
export interface SweepOptions extends Omit<ResolveSweepOptions, 'specDir' | 'source' | 'chip'>, SweepPlanOptions {
  /** Reducers in place of the spec's (Pareto objectives, top-k, histograms, grouping). */
  readonly reducers?: ReducerSpec<AnyMetric>;
}

/**
 * Runs a sweep in one call and returns the result document `ridgeline sweep --json` prints (the same
 * fields; `pareto.rows` and `top.rows` are feasible rows, every figure a number). The spec is a file
 * path (relative to `baseDir`), `{ text }` or a spec object; models and chips resolve as the CLI
 * resolves them — catalog ids, aliases and known Hugging Face ids, config.json paths relative to the
 * spec file (else `baseDir`), first-party chips, and the chips of `plugins` (paths or package names,
 * loaded with `@ridgeline/hardware/node`, or plugin objects). Errors carry the messages the CLI prints:
 * `ResolveError` (a file or plugin that cannot be read) and `SweepSpecError` (the spec); an abort
 * rejects with the signal's reason (an `AbortError` unless given one) once every worker has ended.
 *
 * @example
 * const result = await sweep('spec.yaml', { plugins: ['./acme.json'], threads: 2, onProgress: ({ done, total }) => {} });
 */
export async function sweep(spec: SweepInput, options: SweepOptions = {}): Promise<SweepResult> {
  options.signal?.throwIfAborted();
  const baseDir = resolve(options.baseDir ?? process.cwd());
  let loaded: LoadedSweepSpec;
  try {
    loaded = await readSweepSpec(spec, { baseDir });
  } catch (error) {
    const specDir = typeof spec === 'string' ? dirname(resolve(baseDir, spec)) : baseDir;
    throw await withUnresolvedNames(error, { ...options, baseDir, specDir });
  }
  const resolved = await resolveSweep(loaded.spec, { ...options, baseDir, specDir: loaded.dir, source: loaded.source });
  const plan = planAnySweep(resolved, options.reducers);
  options.signal?.throwIfAborted();
  return sweepPlan(plan, options);
}
