import * as v from 'valibot';
import {
  AVAILABILITIES,
  CALIBRATION_STATUSES,
  KV_CACHE_BUDGET_BASES,
  ERROR_METHODS,
  CHIP_KINDS,
  HARDWARE_API_VERSION,
  SUPPORTED_API_VERSIONS,
  MEMORY_KINDS,
  PRECISIONS,
  TOPOLOGIES,
  type HardwarePlugin,
  type Precision,
} from './types.ts';
import { CHIP_LIMITS, type FigureLimit } from './limits.ts';

/**
 * The valibot schema behind `validateHardware`. It mirrors `types.ts` (a compile-time check at the
 * bottom of this file fails if the two drift apart) and adds the value rules that types cannot say:
 * ranges, kebab-case ids, unique names, increasing curves, ISO dates.
 *
 * Every issue message is an encoded `IssueNote` (what is wrong, what is allowed, how to fix it),
 * which `validate.ts` decodes into a `HardwareIssue`. This module is internal: the package exports
 * `validateHardware`, not the schema.
 */

/** What went wrong, in words a plugin author can act on. Travels through valibot as the issue message. */
export interface IssueNote {
  /** The problem, without what was received, e.g. `must be greater than 0`. */
  readonly problem: string;
  /** The allowed values or range, e.g. `a finite number > 0, in bytes/s`. */
  readonly allowed: string;
  /** One sentence saying how to fix it, ending with a full stop. */
  readonly fix: string;
  /** What the input was, when rendering the issue's input would not say it well; `null` to say nothing. */
  readonly got?: string | null;
  /** Set on unknown-key issues: the keys the object allows, so that every unknown key can be reported. */
  readonly unknownKey?: { readonly allowed: readonly string[]; readonly noun: string };
}

const NOTE_PREFIX = 'ridgeline-hardware-note:';

/**
 * Encodes a note as a valibot issue message.
 *
 * @example
 * decodeNote(encodeNote({ problem: 'is missing', allowed: 'a string', fix: 'add it.' }))?.problem; // 'is missing'
 */
export function encodeNote(note: IssueNote): string {
  return NOTE_PREFIX + JSON.stringify(note);
}

/**
 * Decodes a message made by `encodeNote`; `undefined` for any other message.
 *
 * @example
 * decodeNote('Invalid type'); // undefined
 */
export function decodeNote(message: string): IssueNote | undefined {
  if (!message.startsWith(NOTE_PREFIX)) return undefined;
  return JSON.parse(message.slice(NOTE_PREFIX.length)) as IssueNote;
}

/**
 * A short, readable rendering of a received value for an issue message.
 *
 * @example
 * renderValue('3.35e12'); // '"3.35e12"'
 * renderValue([1, 2]); // 'an array of 2 items'
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(text);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest allowed name to a misspelt one, if it is close enough to be a likely typo.
 *
 * @example
 * closest('memroy', ['kind', 'memory']); // 'memory'
 */
export function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * The note for a key an object does not allow.
 *
 * @example
 * unknownKeyNote('memroy', ['memory'], 'key').fix; // 'rename it to "memory" (or remove it).'
 */
export function unknownKeyNote(key: string, allowed: readonly string[], noun: string): IssueNote {
  const suggestion = closest(key, allowed);
  return {
    problem: `unknown ${noun} ${JSON.stringify(key)}`,
    allowed: allowed.join(', '),
    fix: suggestion === undefined ? 'remove it, or use one of the allowed names.' : `rename it to ${JSON.stringify(suggestion)} (or remove it).`,
    got: null,
    unknownKey: { allowed, noun },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A strict object: unknown keys are reported (typo protection), missing keys say what they need
 * (the `v.description` of their schema), and a non-object says the shape it should have.
 */
function strict<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  shape: string,
  options: { readonly fix?: string; readonly noun?: string } = {},
) {
  const keys = Object.keys(entries);
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return encodeNote(unknownKeyNote(String(issue.input), keys, options.noun ?? 'key'));
    const last = issue.path?.[issue.path.length - 1];
    if (issue.expected?.startsWith('"') === true && last !== undefined) {
      const key = String(last.key);
      const entry = entries[key];
      const needs = entry === undefined ? undefined : v.getDescription(entry as v.GenericSchema);
      return encodeNote({
        problem: 'is missing',
        allowed: needs ?? 'required',
        fix: needs === undefined ? `add ${JSON.stringify(key)}.` : `add ${JSON.stringify(key)}: ${needs}.`,
        got: null,
      });
    }
    return encodeNote({ problem: 'must be an object', allowed: shape, fix: options.fix ?? `write it as ${shape}.` });
  });
}

/** A strict object that, when missing from its parent, says the shape it needs (not just "required"). */
function section<const TEntries extends v.ObjectEntries>(entries: TEntries, shape: string) {
  return v.pipe(strict(entries, shape), v.description(shape));
}

function text(what: string, example: string) {
  const allowed = 'a non-empty string';
  const fix = `give ${what}, e.g. ${example}.`;
  return v.pipe(
    v.string(encodeNote({ problem: 'must be a string', allowed, fix })),
    v.check((s) => s.trim() !== '', encodeNote({ problem: 'must not be empty', allowed, fix })),
    v.description(allowed),
  );
}

/**
 * `text` printed as a title: on one line. A line break would split the report's title (other
 * control characters are escaped where the CLI prints them).
 */
function label(what: string, example: string) {
  const allowed = 'a non-empty string on one line';
  return v.pipe(
    text(what, example),
    v.check((s) => !/[\n\u000b\u000c\u0085\u2028\u2029]/.test(s), encodeNote({ problem: 'must not hold a line break', allowed, fix: `give ${what} on one line, e.g. ${example}.` })),
  );
}

function choice<const TOptions extends readonly string[]>(options: TOptions, what: string) {
  const allowed = options.join(', ');
  return v.pipe(
    v.picklist(options, (issue) =>
      encodeNote({
        problem: typeof issue.input === 'string' ? `is not a known ${what}` : 'must be a string',
        allowed,
        fix: `use one of ${allowed}.`,
      }),
    ),
    v.description(`one of ${allowed}`),
  );
}

/** How a number may range. */
type Range = 'positive' | 'nonNegative' | 'fraction' | 'share' | 'count';

/** What a number means, for messages: `give <what> in <unit>, e.g. <example>`. */
interface NumberDoc {
  readonly what: string;
  readonly unit: string;
  /** A plausible value, written as a plugin would write it. */
  readonly example: string;
  /** Read-aloud of the example, e.g. `(3.35 TB/s)`. */
  readonly aside?: string;
  /** The physical range of the figure (`CHIP_LIMITS`); `min` applies to figures other than 0. */
  readonly limit?: FigureLimit;
}

const RANGE_TEXT: Readonly<Record<Range, string>> = {
  positive: 'a finite number > 0',
  nonNegative: 'a finite number ≥ 0',
  fraction: 'a number in (0, 1]',
  share: 'a number in [0, 1]',
  count: 'an integer ≥ 1',
};

/**
 * A limit as messages write it: powers of ten from 1e4 up or 1e-4 down as `1e18`, `1e-12`.
 *
 * @example
 * figureText(1e18); // '1e18'
 * figureText(0.001); // '0.001'
 */
export function figureText(x: number): string {
  const exponent = Math.round(Math.log10(Math.abs(x)));
  if (Math.abs(exponent) >= 4 && Number(`1e${exponent}`) === x) return `1e${exponent}`;
  return String(x);
}

/** The range and limit in words: `a number from 1 to 1e18`, `0, or a number from 1e-12 to 1`. */
function rangeText(range: Range, limit: FigureLimit | undefined): string {
  if (limit === undefined) return RANGE_TEXT[range];
  const span = `${figureText(limit.min)} to ${figureText(limit.max)}`;
  switch (range) {
    case 'positive':
      return `a number from ${span}`;
    case 'nonNegative':
      return limit.min === 0 ? `a number from ${span}` : `0, or a number from ${span}`;
    case 'fraction':
    case 'share':
      return `a number in [${range === 'share' ? 0 : figureText(limit.min)}, ${figureText(limit.max)}]`;
    case 'count':
      return `an integer from ${span}`;
  }
}

function rangeProblem(range: Range, x: number, limit?: FigureLimit): string | undefined {
  const problem = ((): string | undefined => {
    switch (range) {
      case 'positive':
        return x > 0 ? undefined : 'must be greater than 0';
      case 'nonNegative':
        return x >= 0 ? undefined : 'must not be negative';
      case 'fraction':
        return x <= 0 ? 'must be greater than 0' : x > 1 ? 'must be at most 1' : undefined;
      case 'share':
        return x < 0 ? 'must not be negative' : x > 1 ? 'must be at most 1' : undefined;
      case 'count':
        return !Number.isInteger(x) ? 'must be a whole number' : x < 1 ? 'must be at least 1' : undefined;
    }
  })();
  if (problem !== undefined || limit === undefined) return problem;
  if (x > limit.max) return `must be at most ${figureText(limit.max)}`;
  // a share may be 0 (commOverlap), as a latency or an idle power may
  if (x !== 0 && x < limit.min) return `must be ${range === 'nonNegative' ? '0 or ' : ''}at least ${figureText(limit.min)}`;
  return undefined;
}

function allowedNumber(range: Range, doc: NumberDoc): string {
  const text = rangeText(range, doc.limit);
  return doc.unit === '' ? text : `${text}, in ${doc.unit}`;
}

function numberIn(range: Range, doc: NumberDoc) {
  const allowed = allowedNumber(range, doc);
  const inUnit = doc.unit === '' ? '' : ` in ${doc.unit}`;
  const fix = `give ${doc.what}${inUnit}, e.g. ${doc.example}${doc.aside === undefined ? '' : ` ${doc.aside}`}.`;
  return v.pipe(
    v.number((issue) => {
      const input = issue.input;
      if (typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input))) {
        return encodeNote({ problem: 'must be a number, not a string', allowed, fix: `write it without quotes: ${input.trim()}.` });
      }
      return encodeNote({ problem: 'must be a number', allowed, fix });
    }),
    v.finite(encodeNote({ problem: 'must be finite', allowed, fix })),
    v.check(
      // v.finite has said what is wrong with ±∞
      (x) => !Number.isFinite(x) || rangeProblem(range, x, doc.limit) === undefined,
      (issue) => encodeNote({ problem: rangeProblem(range, issue.input, doc.limit) ?? 'is out of range', allowed, fix }),
    ),
    v.description(allowed),
  );
}

const SOURCE_FIX =
  'say where the number comes from: datasheet and section, paper and table, or "fit: …" naming the rows fitted.';

const source = v.pipe(
  v.string(encodeNote({ problem: 'must be a string', allowed: 'a non-empty string', fix: SOURCE_FIX })),
  v.check((s) => s.trim() !== '', encodeNote({ problem: 'must not be empty', allowed: 'a non-empty string', fix: SOURCE_FIX })),
  v.description('a non-empty string'),
);

/** A `Sourced` number: `{ value, source }` with `value` in `range`. */
function sourced(range: Range, doc: NumberDoc) {
  const shape = `{ value: ${allowedNumber(range, doc)}, source: "<where it comes from>" }`;
  return v.pipe(
    strict({ value: numberIn(range, doc), source }, shape, {
      fix: `write it as { value: ${doc.example}, source: "<datasheet and section>" }.`,
    }),
    v.description(shape),
  );
}

const CURVE_AXES = ['arithmeticIntensity', 'messageBytes'] as const;
type CurveAxis = (typeof CURVE_AXES)[number];

const AXIS_DOC: Readonly<Record<CurveAxis, { readonly unit: string; readonly example: string }>> = {
  arithmeticIntensity: { unit: 'FLOP/byte', example: '[[1, 0.1], [100, 0.6], [300, 0.75]]' },
  messageBytes: { unit: 'bytes', example: '[[1024, 0.05], [1048576, 0.5], [268435456, 0.85]]' },
};

function curvePoints(axis: CurveAxis, what: string) {
  const { unit, example } = AXIS_DOC[axis];
  const allowed = `at least 2 points [x, efficiency], x ≥ 0 in ${unit} strictly increasing, efficiency in (0, 1]`;
  const fix = `give ${what} as points [${axis === 'messageBytes' ? 'message bytes' : 'FLOP/byte'}, efficiency], e.g. ${example}.`;
  const point = v.pipe(
    v.strictTuple(
      [
        numberIn('nonNegative', { what: 'the x of the point', unit, example: axis === 'messageBytes' ? '1048576' : '100', limit: CHIP_LIMITS.curveX }),
        numberIn('fraction', { what: `${what} at that x`, unit: '', example: '0.6', limit: CHIP_LIMITS.fraction }),
      ],
      (issue) =>
        encodeNote(
          issue.expected === 'never'
            ? { problem: 'has more than 2 entries', allowed: '[x, efficiency]', fix: 'keep only [x, efficiency].', got: null }
            : { problem: 'must be a pair [x, efficiency]', allowed: '[x, efficiency]', fix },
        ),
    ),
    v.readonly(),
  );
  return v.pipe(
    v.array(point, encodeNote({ problem: 'must be an array of [x, efficiency] points', allowed, fix })),
    v.minLength(2, (issue) =>
      encodeNote({
        problem: 'must have at least 2 points',
        allowed,
        fix: 'give at least two points, or use a constant { value, source }.',
        got: `${issue.input.length} point${issue.input.length === 1 ? '' : 's'}`,
      }),
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const points = dataset.value;
      for (let i = 1; i < points.length; i++) {
        const previous = points[i - 1]![0];
        const x = points[i]![0];
        if (x > previous) continue;
        addIssue({
          input: x,
          message: encodeNote({
            problem: `x must increase strictly from point to point, but point ${i} has x = ${x} after x = ${previous}`,
            allowed,
            fix: 'sort the points by x and merge points with the same x.',
            got: null,
          }),
          path: [{ type: 'array', origin: 'value', input: points as unknown[], key: i, value: points[i] }],
        });
      }
    }),
    v.readonly(),
    v.description(allowed),
  );
}

/** An `Efficiency`: a constant `{ value, source }` or a curve `{ curve, over, source }` over `axis`. */
function efficiency(what: string, axis: CurveAxis, example: string) {
  const constant = strict(
    { value: numberIn('fraction', { what, unit: '', example, limit: CHIP_LIMITS.fraction }), source },
    '{ value, source } or { curve, over, source }',
    { fix: `write it as { value: ${example}, source: "<how it was measured or fitted>" }, or as a curve { curve: [[x, efficiency], …], over: "${axis}", source }.` },
  );
  const curve = strict(
    {
      curve: curvePoints(axis, what),
      over: v.pipe(
        v.picklist(CURVE_AXES, () =>
          encodeNote({ problem: 'is not a curve axis', allowed: JSON.stringify(axis), fix: `set over: ${JSON.stringify(axis)}.` }),
        ),
        v.check(
          (over) => over === axis,
          encodeNote({
            problem: `does not match what this efficiency depends on`,
            allowed: JSON.stringify(axis),
            fix: `set over: ${JSON.stringify(axis)} and give x in ${AXIS_DOC[axis].unit}.`,
          }),
        ),
        v.description(JSON.stringify(axis)),
      ),
      source,
    },
    '{ value, source } or { curve, over, source }',
  );
  return v.pipe(
    v.lazy((input) => (isRecord(input) && 'curve' in input ? curve : constant)),
    v.description(`{ value: ${rangeText('fraction', CHIP_LIMITS.fraction)}, source } or { curve, over: ${JSON.stringify(axis)}, source }`),
  );
}

const ISO_DATE_FIX = 'write the date the price was read as YYYY-MM-DD, e.g. "2025-06-01".';

function isCalendarDate(s: string): boolean {
  const date = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === s;
}

const isoDate = v.pipe(
  v.string(encodeNote({ problem: 'must be a string', allowed: 'an ISO date YYYY-MM-DD', fix: ISO_DATE_FIX })),
  v.check(
    (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isCalendarDate(s),
    (issue) =>
      encodeNote({
        problem: /^\d{4}-\d{2}-\d{2}$/.test(issue.input) ? 'is not a calendar date' : 'is not an ISO date',
        allowed: 'an ISO date YYYY-MM-DD',
        fix: ISO_DATE_FIX,
      }),
  ),
  v.description('an ISO date YYYY-MM-DD'),
);

const flops = (precision: Precision) =>
  v.exactOptional(
    sourced('positive', {
      what: `the peak dense ${precision} FLOP/s (not 2:4-sparse)`,
      unit: 'FLOP/s',
      example: precision === 'fp32' ? '67e12' : precision === 'bf16' || precision === 'fp16' ? '989e12' : '1979e12',
      limit: CHIP_LIMITS.flopsPerS,
    }),
  );

/** η_flop at one compute precision (`efficiency.flopByPrecision`). */
const flopAt = (precision: Precision) =>
  v.exactOptional(efficiency(`η_flop at ${precision}, the achievable fraction of the ${precision} peak FLOP/s`, 'arithmeticIntensity', '0.6'));

/** The experts' η_flop at one compute precision (`efficiency.expertFlopByPrecision`). */
const expertFlopAt = (precision: Precision) =>
  v.exactOptional(efficiency(`η_flop of the expert GEMMs at ${precision}, a fraction of the ${precision} peak FLOP/s`, 'arithmeticIntensity', '0.3'));

const peakDenseFlopsPerS = v.pipe(
  strict(
    {
      fp32: flops('fp32'),
      bf16: flops('bf16'),
      fp16: flops('fp16'),
      fp8: flops('fp8'),
      int8: flops('int8'),
      fp4: flops('fp4'),
      int4: flops('int4'),
    },
    `{ <precision>: { value, source } } with precisions among ${PRECISIONS.join(', ')}`,
    { noun: 'precision' },
  ),
  v.check(
    (map) => Object.keys(map).length > 0,
    encodeNote({
      problem: 'must list at least one precision',
      allowed: `at least one of ${PRECISIONS.join(', ')}`,
      fix: 'add the peak dense FLOP/s of each precision the chip supports, e.g. bf16: { value: 989e12, source: "…" }.',
      got: 'no precisions',
    }),
  ),
  v.description(`{ <precision>: { value, source } } for at least one of ${PRECISIONS.join(', ')}`),
);

/** e_flop at one compute precision (`power.joulesPerFlop`). */
const joulesPerFlopAt = (precision: Precision) =>
  v.exactOptional(sourced('nonNegative', { what: `e_flop at ${precision}, the energy per ${precision} FLOP`, unit: 'J/FLOP', example: '9e-13', limit: CHIP_LIMITS.joulesPerFlop }));

const power = v.pipe(
  strict(
    {
      idleW: sourced('nonNegative', { what: 'the idle power of one chip', unit: 'W', example: '100', limit: CHIP_LIMITS.powerW }),
      maxW: sourced('positive', { what: 'the maximum power (TDP) of one chip', unit: 'W', example: '700', limit: CHIP_LIMITS.powerW }),
      staticW: v.exactOptional(sourced('nonNegative', { what: 'P_static, the draw of a powered chip doing no work', unit: 'W', example: '80', limit: CHIP_LIMITS.powerW })),
      joulesPerFlop: v.exactOptional(
        strict(
          {
            fp32: joulesPerFlopAt('fp32'),
            bf16: joulesPerFlopAt('bf16'),
            fp16: joulesPerFlopAt('fp16'),
            fp8: joulesPerFlopAt('fp8'),
            int8: joulesPerFlopAt('int8'),
            fp4: joulesPerFlopAt('fp4'),
            int4: joulesPerFlopAt('int4'),
          },
          `{ <precision>: { value, source } } with precisions among ${PRECISIONS.join(', ')}`,
          { noun: 'precision' },
        ),
      ),
      joulesPerByteMemory: v.exactOptional(
        sourced('nonNegative', { what: 'e_mem, the energy per byte of memory traffic', unit: 'J/byte', example: '5.6e-11', limit: CHIP_LIMITS.joulesPerByte }),
      ),
      joulesPerByteLink: v.exactOptional(
        sourced('nonNegative', { what: 'e_link, the energy per byte over the scale-up links', unit: 'J/byte', example: '1.3e-11', limit: CHIP_LIMITS.joulesPerByte }),
      ),
      nodeOverheadW: v.exactOptional(
        sourced('nonNegative', { what: "the chip's share of its system's power beyond the chip", unit: 'W', example: '575', limit: CHIP_LIMITS.powerW }),
      ),
    },
    '{ idleW, maxW, staticW?, joulesPerFlop?, joulesPerByteMemory?, joulesPerByteLink?, nodeOverheadW? }',
  ),
  v.forward(
    v.partialCheck(
      [['idleW', 'value'], ['maxW', 'value']],
      (p) => p.idleW.value <= p.maxW.value,
      (issue) =>
        encodeNote({
          problem: 'must not exceed maxW.value',
          allowed: 'idleW.value ≤ maxW.value',
          fix: 'check both figures: idle power is the draw with no work, max power the TDP.',
          got: `${issue.input.idleW.value} W against maxW ${issue.input.maxW.value} W`,
        }),
    ),
    ['idleW', 'value'],
  ),
  v.description('{ idleW, maxW, staticW?, joulesPerFlop?, joulesPerByteMemory?, joulesPerByteLink?, nodeOverheadW? }'),
);

/**
 * Chip ids: kebab-case words of lowercase letters and digits; dots are allowed after the first word.
 *
 * @example
 * ID_PATTERN.test('tpu-v5e'); // true
 */
export const ID_PATTERN: RegExp = /^[a-z0-9]+(-[a-z0-9.]+)*$/;
const ID_ALLOWED = 'kebab-case: lowercase letters and digits in words joined by "-" (dots allowed after the first word), e.g. h100-sxm, tpu-v5e';

/** Efficiency profile names: a serving stack's or an era's (`sglang`, `trtllm`, `2023`). */
const PROFILE_PATTERN = /^[a-z0-9][a-z0-9.-]*$/;

const EFFICIENCY_SHAPE = '{ flop, flopByPrecision?, expertFlop?, expertFlopByPrecision?, memory, weightMemory?, network, layerOverheadS, commOverlap?, mtpAcceptance?, requestOverheadS?, kvCacheBudget?, calibration? }';

/** A chip's efficiencies (the default set, and each profile's). */
const efficiencyEntries = {
    flop: efficiency('η_flop, the achievable fraction of peak FLOP/s', 'arithmeticIntensity', '0.7'),
    flopByPrecision: v.exactOptional(
      strict(
        {
          fp32: flopAt('fp32'),
          bf16: flopAt('bf16'),
          fp16: flopAt('fp16'),
          fp8: flopAt('fp8'),
          int8: flopAt('int8'),
          fp4: flopAt('fp4'),
          int4: flopAt('int4'),
        },
        `{ <precision>: η_flop } with precisions among ${PRECISIONS.join(', ')}`,
        { noun: 'precision' },
      ),
    ),
    expertFlop: v.exactOptional(efficiency("η_flop of the routed experts' grouped GEMMs, a fraction of peak FLOP/s", 'arithmeticIntensity', '0.3')),
    expertFlopByPrecision: v.exactOptional(
      strict(
        {
          fp32: expertFlopAt('fp32'),
          bf16: expertFlopAt('bf16'),
          fp16: expertFlopAt('fp16'),
          fp8: expertFlopAt('fp8'),
          int8: expertFlopAt('int8'),
          fp4: expertFlopAt('fp4'),
          int4: expertFlopAt('int4'),
        },
        `{ <precision>: η_flop of the expert GEMMs } with precisions among ${PRECISIONS.join(', ')}`,
        { noun: 'precision' },
      ),
    ),
    memory: efficiency('η_mem, the achievable fraction of peak memory bandwidth', 'arithmeticIntensity', '0.8'),
    weightMemory: v.exactOptional(efficiency("η_mem of the dense GEMMs' contiguous weight reads, a fraction of peak memory bandwidth", 'arithmeticIntensity', '0.9')),
    network: efficiency('η_net, the achievable fraction of link bandwidth', 'messageBytes', '0.75'),
    layerOverheadS: sourced('nonNegative', { what: 't_layer, the fixed overhead of a reference layer (9 kernels)', unit: 's', example: '5e-6', limit: CHIP_LIMITS.latencyS }),
    commOverlap: v.exactOptional(
      sourced('share', { what: 'the fraction of prefill collective time hidden behind compute', unit: '', example: '0.5' }),
    ),
    mtpAcceptance: v.exactOptional(
      sourced('share', { what: 'the effective acceptance of each MTP draft token', unit: '', example: '0.7' }),
    ),
    requestOverheadS: v.exactOptional(
      sourced('nonNegative', { what: 't_req, the fixed time per request before its first token', unit: 's', example: '0.05', limit: CHIP_LIMITS.requestOverheadS }),
    ),
    kvCacheBudget: v.exactOptional(
      section(
        {
          basis: choice(KV_CACHE_BUDGET_BASES, 'KV cache budget basis'),
          fraction: sourced('fraction', { what: 'the share of the free memory the KV cache takes', unit: '', example: '0.9' }),
          reservedBytes: sourced('nonNegative', {
            what: "the runtime's own allocations outside the weights, activations and KV cache",
            unit: 'bytes',
            example: '1073741824',
            limit: CHIP_LIMITS.memoryCapacityBytes,
          }),
        },
        '{ basis: "free", fraction, reservedBytes }',
      ),
    ),
    calibration: v.exactOptional(
      section(
        {
          status: choice(CALIBRATION_STATUSES, 'calibration status'),
          basis: text('what the efficiencies were fitted on, transferred from, or are', '"fit: pnpm validate --fit over public.csv rows FT-01…FT-17"'),
          outOfSampleError: v.exactOptional(
            section(
              {
                throughput: numberIn('nonNegative', { what: 'the median |error| of throughput per chip, as a fraction', unit: '', example: '0.12' }),
                interactivity: numberIn('nonNegative', { what: 'the median |error| of tokens/s per user, as a fraction', unit: '', example: '0.15' }),
                ttft: v.exactOptional(numberIn('nonNegative', { what: 'the median |error| of time to first token, as a fraction', unit: '', example: '0.3' })),
                on: text('the measurements the error is on', '"InferenceX DeepSeek-R1, 381 rows"'),
                method: v.exactOptional(choice(ERROR_METHODS, 'out-of-sample error method')),
              },
              '{ throughput, interactivity, ttft?, on, method? }',
            ),
          ),
        },
        '{ status, basis, outOfSampleError? }',
      ),
    ),
};

/** The chip fields whose rules do not depend on the other chips of the plugin. */
const chipEntries = {
  name: label('the human-readable chip name', '"NVIDIA H100 SXM5 80GB"'),
  vendor: label('the vendor', '"NVIDIA"'),
  kind: choice(CHIP_KINDS, 'chip kind'),
  compute: section({ peakDenseFlopsPerS }, '{ peakDenseFlopsPerS }'),
  memory: section(
    {
      kind: choice(MEMORY_KINDS, 'memory kind'),
      capacityBytes: sourced('positive', {
        what: 'the memory capacity of one chip',
        unit: 'bytes',
        example: '80e9',
        aside: '(80 GB)',
        limit: CHIP_LIMITS.memoryCapacityBytes,
      }),
      bandwidthBytesPerS: sourced('positive', {
        what: 'the peak memory bandwidth of one chip',
        unit: 'bytes/s',
        example: '3.35e12',
        aside: '(3.35 TB/s)',
        limit: CHIP_LIMITS.memoryBandwidthBytesPerS,
      }),
      usableFraction: sourced('fraction', {
        what: 'the fraction of capacity left for weights, KV cache and activations',
        unit: '',
        example: '0.9',
        limit: CHIP_LIMITS.fraction,
      }),
    },
    '{ kind, capacityBytes, bandwidthBytesPerS, usableFraction }',
  ),
  scaleUp: section(
    {
      bandwidthBytesPerS: sourced('positive', {
        what: 'the scale-up bandwidth per chip, one direction',
        unit: 'bytes/s',
        example: '450e9',
        aside: '(NVLink 4: 900 GB/s both directions, halved)',
        limit: CHIP_LIMITS.linkBandwidthBytesPerS,
      }),
      domainSize: sourced('count', { what: 'the number of chips in one scale-up domain', unit: '', example: '8', limit: CHIP_LIMITS.domainSize }),
      topology: choice(TOPOLOGIES, 'topology'),
      hopLatencyS: sourced('nonNegative', { what: 'the per-hop latency', unit: 's', example: '1e-6', limit: CHIP_LIMITS.latencyS }),
      collectiveLatencyS: v.exactOptional(
        sourced('nonNegative', { what: 'the fixed latency of one collective in the domain', unit: 's', example: '8e-6', limit: CHIP_LIMITS.latencyS }),
      ),
    },
    '{ bandwidthBytesPerS, domainSize, topology, hopLatencyS, collectiveLatencyS? }',
  ),
  scaleOut: section(
    {
      bandwidthBytesPerS: sourced('positive', {
        what: 'the scale-out bandwidth per chip, one direction',
        unit: 'bytes/s',
        example: '50e9',
        aside: '(one 400 Gb/s NIC)',
        limit: CHIP_LIMITS.linkBandwidthBytesPerS,
      }),
      hopLatencyS: sourced('nonNegative', { what: 'the per-hop latency', unit: 's', example: '5e-6', limit: CHIP_LIMITS.latencyS }),
    },
    '{ bandwidthBytesPerS, hopLatencyS }',
  ),
  power,
  price: section(
    {
      usdPerChipHour: sourced('nonNegative', {
        what: 'the on-demand price of one chip for one hour',
        unit: 'USD',
        example: '2.5',
        limit: CHIP_LIMITS.usdPerChipHour,
      }),
      asOf: isoDate,
      capitalUsd: v.exactOptional(sourced('nonNegative', { what: 'the purchase price of one chip', unit: 'USD', example: '30000', limit: CHIP_LIMITS.capitalUsd })),
      systemCapitalUsdPerChip: v.exactOptional(
        sourced('nonNegative', { what: "the chip's share of its system's purchase price beyond the chip", unit: 'USD', example: '6000', limit: CHIP_LIMITS.capitalUsd }),
      ),
      capitalAsOf: v.exactOptional(isoDate),
    },
    '{ usdPerChipHour, asOf, capitalUsd?, systemCapitalUsdPerChip?, capitalAsOf? }',
  ),
  efficiency: section(efficiencyEntries, EFFICIENCY_SHAPE),
  efficiencyProfiles: v.exactOptional(
    v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.regex(
            PROFILE_PATTERN,
            encodeNote({
              problem: 'is not a profile name',
              allowed: 'lowercase letters, digits, dots and dashes, e.g. sglang, trtllm, 2023',
              fix: 'name the profile after its serving stack or era, e.g. "sglang" or "2023".',
            }),
          ),
        ),
        section({ ...efficiencyEntries, description: text('what the profile describes', '"SGLang 0.5 with DeepGEMM and CUDA graphs"') }, `{ description, ${EFFICIENCY_SHAPE.slice(2)}`),
      ),
      v.description('{ <profile>: { description, flop, memory, network, layerOverheadS, … } }'),
    ),
  ),
  notes: v.exactOptional(
    v.string(encodeNote({ problem: 'must be a string', allowed: 'a string', fix: 'write the caveats as one string.' })),
  ),
  availability: v.exactOptional(choice(AVAILABILITIES, 'availability')),
};

/** Who uses each id and alias, so that a chip's own schema can flag names it shares. */
interface Names {
  /** Ids used by more than one chip. */
  readonly duplicateIds: ReadonlySet<string>;
  /** Lower-cased id or alias → the ids of the chips that use it. */
  readonly owners: ReadonlyMap<string, readonly string[]>;
}

function namesIn(chips: unknown): Names {
  const seen = new Set<string>();
  const duplicateIds = new Set<string>();
  const owners = new Map<string, string[]>();
  const own = (name: string, id: string) => {
    const list = owners.get(name.toLowerCase()) ?? [];
    if (!list.includes(id)) list.push(id);
    owners.set(name.toLowerCase(), list);
  };
  if (!Array.isArray(chips)) return { duplicateIds, owners };
  for (const chip of chips) {
    if (!isRecord(chip) || typeof chip.id !== 'string') continue;
    const id = chip.id;
    if (seen.has(id)) duplicateIds.add(id);
    seen.add(id);
    own(id, id);
    if (Array.isArray(chip.aliases)) for (const alias of chip.aliases) if (typeof alias === 'string') own(alias, id);
  }
  return { duplicateIds, owners };
}

function chipSchema(names: Names, ownId: string | undefined) {
  const idFix = 'use a lowercase, hyphenated id such as "h100-sxm"; put other spellings in aliases.';
  const id = v.pipe(
    v.string(encodeNote({ problem: 'must be a string', allowed: ID_ALLOWED, fix: idFix })),
    v.regex(ID_PATTERN, encodeNote({ problem: 'is not kebab-case', allowed: ID_ALLOWED, fix: idFix })),
    v.check(
      (value) => !names.duplicateIds.has(value),
      encodeNote({
        problem: 'is used by more than one chip',
        allowed: 'an id unique within the plugin',
        fix: 'give each chip its own id (e.g. add the form factor: h100-sxm, h100-pcie).',
      }),
    ),
    v.description(ID_ALLOWED),
  );
  const aliasAllowed = 'a non-empty string that names no other chip of the plugin';
  const alias = v.pipe(
    v.string(encodeNote({ problem: 'must be a string', allowed: aliasAllowed, fix: 'write each alias as a string.' })),
    v.check((s) => s.trim() !== '', encodeNote({ problem: 'must not be empty', allowed: aliasAllowed, fix: 'remove the empty alias.' })),
    v.check(
      (s) => (names.owners.get(s.toLowerCase()) ?? []).every((owner) => owner === ownId),
      (issue) => {
        const others = (names.owners.get(issue.input.toLowerCase()) ?? []).filter((owner) => owner !== ownId);
        return encodeNote({
          problem: `also names chip ${others.map((o) => JSON.stringify(o)).join(', ')}`,
          allowed: aliasAllowed,
          fix: 'remove the alias from all but one chip, so that it picks one chip.',
          got: null,
        });
      },
    ),
  );
  const aliases = v.exactOptional(
    v.pipe(
      v.array(alias, encodeNote({ problem: 'must be an array of strings', allowed: 'an array of strings', fix: 'write aliases: ["h100"].' })),
      v.readonly(),
    ),
  );
  const { name, vendor, kind, ...rest } = chipEntries;
  return strict(
    // In the order of `ChipSpec`, which is the order issues and allowed keys are listed in.
    { id, name, vendor, kind, aliases, ...rest },
    '{ id, name, vendor, kind, compute, memory, scaleUp, scaleOut, power, price, efficiency }',
  );
}

const chipsAllowed = 'a non-empty array of chips';

/** The chips array; each chip's schema knows the names the other chips use. */
const chips = v.pipe(
  v.lazy((input) => {
    const names = namesIn(input);
    return v.pipe(
      v.array(
        v.lazy((chip) => chipSchema(names, isRecord(chip) && typeof chip.id === 'string' ? chip.id : undefined)),
        encodeNote({ problem: 'must be an array', allowed: chipsAllowed, fix: 'list the chips in an array: chips: [{ id: "…", … }].' }),
      ),
      v.minLength(
        1,
        encodeNote({ problem: 'must not be empty', allowed: chipsAllowed, fix: 'describe at least one chip.', got: 'no chips' }),
      ),
      v.readonly(),
    );
  }),
  v.description(chipsAllowed),
);

const pluginSchema = strict(
  {
    apiVersion: v.picklist(
      SUPPORTED_API_VERSIONS,
      encodeNote({ problem: 'is not supported', allowed: SUPPORTED_API_VERSIONS.join(', '), fix: `set apiVersion: ${HARDWARE_API_VERSION}.` }),
    ),
    meta: v.pipe(
      strict(
        {
          name: text('the plugin name', '"acme-chips"'),
          version: text('the plugin version', '"1.0.0"'),
        },
        '{ name, version }',
      ),
      v.description('{ name: string, version: string }'),
    ),
    chips,
  },
  '{ apiVersion, meta, chips }',
);

/**
 * The schema of a `HardwarePlugin`. Prefer `validateHardware`, which checks `apiVersion` first and
 * turns the issues into readable `HardwareIssue`s.
 *
 * @example
 * v.safeParse(hardwarePluginSchema, plugin).success; // true for a valid plugin
 */
export const hardwarePluginSchema: v.GenericSchema<unknown, HardwarePlugin> = pluginSchema;

// Compile-time proof that the schema and `types.ts` describe the same shape, key for key. If this
// line fails to compile, a field was added to one and not the other.
type Writable<T> = T extends readonly unknown[] | object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
true satisfies Assert<Same<Writable<v.InferOutput<typeof pluginSchema>>, Writable<HardwarePlugin>>>;
