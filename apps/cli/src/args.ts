import type { ArgDef, ArgsDef } from 'citty';
import { limitText } from '@ridgeline/model';
import { quoted, UserError } from './errors.ts';
import { didYouMean } from './suggest.ts';
import { decimal, quantity, quantityUnits } from './units.ts';

export { decimal } from './units.ts';

/**
 * Reads a flag that must be a positive integer (1, 2, …, in the CLI's number grammar, so `1e3`
 * is 1000); `undefined` when the flag was not given.
 *
 * @example
 * positiveInteger('batch', '64'); // 64
 * positiveInteger('batch', '-4'); // throws UserError('--batch must be a positive integer, got "-4"')
 * positiveInteger('batch', '2000000000', WORKLOAD_LIMITS.batch); // throws UserError('--batch must be at most 1e9, got "2000000000"')
 */
export function positiveInteger(flag: string, raw: string | undefined, limit?: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = decimal(raw) ?? Number.NaN;
  // a physical limit (WORKLOAD_LIMITS) is said on its own, as the model says it
  if (limit !== undefined && value > limit) throw new UserError(`--${flag} must be at most ${limitText(limit)}, got ${quoted(raw)}`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UserError(`--${flag} must be a positive integer, got ${quoted(raw)}`);
  }
  return value;
}

/**
 * Reads a flag that must be an integer ≥ 0 (0, 1, …); `undefined` when the flag was not given.
 *
 * @example
 * nonNegativeInteger('redundant-experts', '32'); // 32
 * nonNegativeInteger('redundant-experts', '-1'); // throws UserError('--redundant-experts must be an integer ≥ 0, got "-1"')
 */
export function nonNegativeInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = decimal(raw) ?? Number.NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UserError(`--${flag} must be an integer ≥ 0, got ${quoted(raw)}`);
  }
  return value;
}

/**
 * Every value of a repeatable string flag in `rawArgs`, in order (`--name x` and `--name=x`), up
 * to `--`. citty keeps only the last value of a repeated flag, so repeatable flags read these.
 *
 * @example
 * flagValues(['--where', 'ttftS<=2', '--where=tpotS<=0.05', '--tp', '8'], 'where'); // ['ttftS<=2', 'tpotS<=0.05']
 */
export function flagValues(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] ?? '';
    if (token === '--') break;
    if (token === `--${name}`) {
      const value = rawArgs[i + 1];
      if (value !== undefined) values.push(value);
      i += 1;
    } else if (token.startsWith(`--${name}=`)) {
      values.push(token.slice(name.length + 3));
    }
  }
  return values;
}

/**
 * Reads a flag that must be a finite number within `[min, max]`; `undefined` when not given.
 *
 * @example
 * numberInRange('overlap', '0.5', { min: 0, max: 1 }); // 0.5
 * numberInRange('overlap', '2', { min: 0, max: 1 }); // throws '--overlap must be a number from 0 to 1, got "2"'
 * numberInRange('moe-imbalance', '1e308', { min: 1, limit: 64 }); // throws '--moe-imbalance must be at most 64, got "1e308"'
 */
export function numberInRange(
  flag: string,
  raw: string | undefined,
  range: { readonly min: number; readonly max?: number; readonly what?: string; readonly limit?: number; readonly unit?: string },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = decimal(raw) ?? Number.NaN;
  // a physical limit (WORKLOAD_LIMITS) is said on its own: "--price must be at most 1e6 USD per chip-hour"
  if (range.limit !== undefined && value > range.limit) {
    throw new UserError(`--${flag} must be at most ${limitText(range.limit)}${range.unit === undefined ? '' : ` ${range.unit}`}, got ${quoted(raw)}`);
  }
  const max = range.max ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(value) || value < range.min || value > max) {
    const allowed =
      range.what ?? (range.max === undefined ? `a number ≥ ${range.min}` : `a number from ${range.min} to ${range.max}`);
    throw new UserError(`--${flag} must be ${allowed}, got ${quoted(raw)}`);
  }
  return value;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function aliasesOf(def: ArgDef): string[] {
  if (!('alias' in def) || def.alias === undefined) return [];
  return typeof def.alias === 'string' ? [def.alias] : [...def.alias];
}

/** What a flag or positional takes, for messages: its enum options or its value hint. */
function allowedValues(def: ArgDef): string {
  if (def.type === 'enum' && def.options !== undefined) return `one of ${def.options.join(', ')}`;
  return 'valueHint' in def && def.valueHint !== undefined ? `a value (${def.valueHint})` : 'a value';
}

/**
 * Rejects flags a command does not define, positional arguments it does not take, and empty or
 * missing values — citty parses leniently (`strict: false`) and would otherwise ignore a typo
 * such as `--bacth 64`, and read `--plugin ''` as no plugin. Mirrors citty's parser: a
 * string/enum flag without `=` takes the next token as its value.
 *
 * @example
 * checkArgs(['--bacth', '64'], estimateArgs, 'ridgeline estimate');
 * // throws 'unknown flag "--bacth" for "ridgeline estimate". Did you mean "--batch"? …'
 */
export function checkArgs(rawArgs: readonly string[], argsDef: ArgsDef, command: string): void {
  const byName = new Map<string, ArgDef>();
  const longNames: string[] = [];
  const positionalDefs: { readonly name: string; readonly def: ArgDef }[] = [];
  let positionals = 0;
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === 'positional') {
      // `variadic: true` (ours, not citty's) takes every remaining positional argument
      positionals += 'variadic' in def && def.variadic === true ? Number.POSITIVE_INFINITY : 1;
      positionalDefs.push({ name, def });
      continue;
    }
    for (const n of [name, kebab(name), camel(name), ...aliasesOf(def)]) byName.set(n, def);
    longNames.push(name);
  }
  const help = `Run "${command} --help" for usage.`;
  const extra: string[] = [];
  const seen = new Set<ArgDef>();
  const canonicalOf = new Map<ArgDef, string>(Object.entries(argsDef).map(([n, d]) => [d, kebab(n)]));
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] ?? '';
    if (token === '--') {
      extra.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || /^-[0-9.]/.test(token)) {
      extra.push(token);
      continue;
    }
    const long = token.startsWith('--');
    const eq = token.indexOf('=');
    const name = token.slice(long ? 2 : 1, eq === -1 ? undefined : eq);
    if (name === 'help' || name === 'h') continue;
    // citty would read "-weights" as the short flags -w -e -i …, and drop them silently.
    if (!long && name.length > 1 && !aliasesOf(byName.get(name) ?? { type: 'boolean' }).includes(name)) {
      const known = byName.has(name) ? ` Long flags take two dashes: "--${name}".` : '';
      throw new UserError(`unknown flag ${quoted(`-${name}`)} for "${command}".${known || didYouMean(`--${name}`, longNames.map((n) => `--${n}`))} ${help}`);
    }
    let def = byName.get(name);
    if (def === undefined && long && name.startsWith('no-')) {
      const negated = byName.get(name.slice(3));
      if (negated?.type === 'boolean') def = negated;
    }
    if (def === undefined) {
      const spelled = `${long ? '--' : '-'}${name}`;
      const suggestion = didYouMean(`--${name}`, longNames.map((n) => `--${n}`));
      throw new UserError(`unknown flag ${quoted(spelled)} for "${command}".${suggestion} ${help}`);
    }
    const flag = `--${canonicalOf.get(def) ?? name}`;
    // A flag given twice would silently keep its last value (citty's rule); only repeatable ones may.
    if (seen.has(def) && !('repeatable' in def && def.repeatable === true)) {
      throw new UserError(`${flag} is given twice; give it once. ${help}`);
    }
    seen.add(def);
    if (def.type !== 'string' && def.type !== 'enum') continue;
    // An empty value (`--plugin ''`, `--out=`) would read as "not given", or as 0 to Number().
    const value = eq === -1 ? rawArgs[i + 1] : token.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--') && value.length > 2)) {
      const next = value === undefined ? '' : `, not the flag ${quoted(value)}`;
      throw new UserError(`${flag} needs ${allowedValues(def)}${next}. ${help}`);
    }
    if (value.trim() === '') throw new UserError(`${flag} needs ${allowedValues(def)}, got ${quoted(value)}`);
    if (eq === -1) i += 1;
  }
  if (extra.length > positionals) {
    const first = extra[positionals] ?? '';
    throw new UserError(`unexpected argument ${quoted(first)} for "${command}". ${help}`);
  }
  extra.forEach((value, index) => {
    if (value.trim() !== '') return;
    const { name, def } = positionalDefs[Math.min(index, positionalDefs.length - 1)] ?? { name: 'argument', def: { type: 'positional' } };
    throw new UserError(`<${name}> needs ${allowedValues(def)}, got ${quoted(value)}`);
  });
}

/** The longest duration a flag accepts: one day, far beyond any latency target. */
export const MAX_DURATION_S = 86_400;

/**
 * Reads a duration flag in seconds: a number with a unit (`2s`, `500ms`, `800us`, `1.5min`, `1h`)
 * or a bare number of seconds (`0.05`); `undefined` when not given. Accepts more than 0 and at
 * most one day.
 *
 * @example
 * durationSeconds('tpot', '50ms'); // 0.05
 * durationSeconds('ttft', '2'); // 2
 */
export function durationSeconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = quantity(raw, 'duration') ?? Number.NaN;
  if (!(value > 0) || value > MAX_DURATION_S) {
    throw new UserError(
      `--${flag} must be a duration above 0 and at most 1 day: a number of seconds (0.05) or a number with a unit (${quantityUnits('duration').join(', ')}; e.g. 2s, 500ms, 1.5min), got ${quoted(raw)}`,
    );
  }
  return value;
}

/**
 * The arguments with each enum flag's value in the spelling its options use, matched without
 * regard to case (`--weights FP8` means fp8); anything else unchanged, so citty's own check
 * still rejects a value that is no option.
 *
 * @example
 * normalizeEnumValues(['--weights', 'FP8'], { weights: { type: 'enum', options: ['bf16', 'fp8'] } }); // ['--weights', 'fp8']
 */
export function normalizeEnumValues(rawArgs: readonly string[], argsDef: ArgsDef): string[] {
  const enums = new Map<string, readonly string[]>();
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type !== 'enum' || def.options === undefined) continue;
    for (const n of [name, kebab(name), camel(name), ...aliasesOf(def)]) enums.set(n, def.options as readonly string[]);
  }
  const canonical = (options: readonly string[], value: string): string =>
    options.includes(value) ? value : (options.find((o) => o.toLowerCase() === value.toLowerCase()) ?? value);
  const out = [...rawArgs];
  for (let i = 0; i < out.length; i++) {
    const token = out[i] ?? '';
    if (token === '--') break;
    if (!token.startsWith('--')) continue;
    const eq = token.indexOf('=');
    const options = enums.get(token.slice(2, eq === -1 ? undefined : eq));
    if (options === undefined) continue;
    if (eq !== -1) out[i] = `${token.slice(0, eq + 1)}${canonical(options, token.slice(eq + 1))}`;
    else if (i + 1 < out.length) {
      out[i + 1] = canonical(options, out[i + 1] ?? '');
      i += 1;
    }
  }
  return out;
}

/**
 * Reads a flag that is one probability or a comma-separated list of them, each in [0, 1];
 * `undefined` when not given.
 *
 * @example
 * probabilityList('acceptance', '0.9,0.7,0.5'); // [0.9, 0.7, 0.5]
 * probabilityList('acceptance', '0.8'); // [0.8]
 */
export function probabilityList(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  const values = parts.map((p) => decimal(p) ?? Number.NaN);
  if (parts.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new UserError(`--${flag} must be a probability from 0 to 1, or a comma-separated list of them (0.9,0.7,0.5), got ${quoted(raw)}`);
  }
  return values;
}
