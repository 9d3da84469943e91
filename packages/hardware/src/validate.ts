import * as v from 'valibot';
import { decodeNote, hardwarePluginSchema, ID_PATTERN, renderValue, unknownKeyNote, type IssueNote } from './schema.ts';
import { HARDWARE_API_VERSION, SUPPORTED_API_VERSIONS, type HardwarePlugin } from './types.ts';

/**
 * This package, as named in apiVersion messages. The API version, not the package version, is what
 * a plugin must match, so the message names only that (and stays true across releases).
 */
const HOST = '@ridgeline/hardware';

/** One problem with a plugin: where it is, what is wrong, what is allowed, and how to fix it. */
export interface HardwareIssue {
  /** Dotted path, with chips named by id where the id is usable: `chips[h100-sxm].memory.bandwidthBytesPerS.value`. */
  path: string;
  /** What is wrong and what was received, e.g. `must be greater than 0, got -1`. */
  message: string;
  /** The allowed values or range, e.g. `a finite number > 0, in bytes/s`. */
  allowed: string;
  /** One sentence saying how to fix it. */
  fix: string;
}

/** The outcome of `validateHardware`: the plugin, or every problem found in it. */
export type ValidationResult = { ok: true; plugin: HardwarePlugin } | { ok: false; issues: HardwareIssue[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `meta.name` when the input has a usable one. */
function nameOf(input: unknown): string | undefined {
  if (!isRecord(input) || !isRecord(input.meta)) return undefined;
  const name = input.meta.name;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

/** The Babel-style check of `apiVersion`, done before anything else: a mismatch makes every other issue noise. */
function apiVersionIssue(input: Record<string, unknown>): HardwareIssue | undefined {
  const plugin = `Plugin "${nameOf(input) ?? '(unnamed)'}"`;
  const implemented = `${HOST} implements apiVersion ${HARDWARE_API_VERSION} (and reads ${SUPPORTED_API_VERSIONS.slice(0, -1).join(', ')})`;
  const allowed = SUPPORTED_API_VERSIONS.join(', ');
  if (!('apiVersion' in input) || input.apiVersion === undefined) {
    return {
      path: 'apiVersion',
      message: `${plugin} does not declare apiVersion, but ${implemented}`,
      allowed,
      fix: `add apiVersion: ${HARDWARE_API_VERSION} to the plugin (defineHardware checks it as you type).`,
    };
  }
  const declared = input.apiVersion;
  if ((SUPPORTED_API_VERSIONS as readonly unknown[]).includes(declared)) return undefined;
  const newer = typeof declared === 'number' && declared > HARDWARE_API_VERSION;
  const older = typeof declared === 'number' && Number.isInteger(declared) && declared < HARDWARE_API_VERSION;
  return {
    path: 'apiVersion',
    message: `${plugin} declares apiVersion ${renderValue(declared)}, but ${implemented}`,
    allowed,
    fix: newer
      ? `upgrade @ridgeline/hardware, or build the plugin against apiVersion ${HARDWARE_API_VERSION}.`
      : older
        ? `update the plugin to apiVersion ${HARDWARE_API_VERSION}.`
        : `set apiVersion to the number ${HARDWARE_API_VERSION}.`,
  };
}

/** How each chip appears in paths: its id when the id is kebab-case and unique, else its index. */
function chipLabels(chips: unknown): string[] {
  if (!Array.isArray(chips)) return [];
  const ids = chips.map((chip) => (isRecord(chip) && typeof chip.id === 'string' ? chip.id : undefined));
  return ids.map((id, index) =>
    id !== undefined && ID_PATTERN.test(id) && ids.indexOf(id) === ids.lastIndexOf(id) ? id : String(index),
  );
}

function renderKey(key: unknown, first: boolean): string {
  if (typeof key === 'number') return `[${key}]`;
  const name = String(key);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
  return first ? name : `.${name}`;
}

function renderPath(path: readonly v.IssuePathItem[] | undefined, chips: unknown, labels: readonly string[]): string {
  if (path === undefined || path.length === 0) return '(root)';
  return path
    .map((item, i) => {
      if (item.type === 'array' && item.input === chips) return `[${labels[item.key] ?? item.key}]`;
      return renderKey(item.key, i === 0);
    })
    .join('');
}

function toIssue(path: string, note: IssueNote, input: unknown): HardwareIssue {
  const got = note.got === undefined ? renderValue(input) : note.got;
  return { path, message: got === null ? note.problem : `${note.problem}, got ${got}`, allowed: note.allowed, fix: note.fix };
}

/** Turns valibot issues into `HardwareIssue`s, one per problem, with every unknown key of an object listed. */
function toIssues(issues: readonly v.BaseIssue<unknown>[], input: Record<string, unknown>): HardwareIssue[] {
  const labels = chipLabels(input.chips);
  const out: HardwareIssue[] = [];
  const seen = new Set<string>();
  const push = (issue: HardwareIssue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(issue);
  };
  for (const issue of issues) {
    const path = renderPath(issue.path, input.chips, labels);
    const note = decodeNote(issue.message);
    if (note === undefined) {
      push({ path, message: issue.message, allowed: issue.expected ?? 'see the README', fix: 'see the field reference in the @ridgeline/hardware README.' });
      continue;
    }
    const last = issue.path?.[issue.path.length - 1];
    if (note.unknownKey !== undefined && last !== undefined && isRecord(last.input)) {
      // valibot's strictObject stops at the first unknown key; list them all.
      const { allowed, noun } = note.unknownKey;
      const parent = renderPath(issue.path?.slice(0, -1), input.chips, labels);
      for (const key of Object.keys(last.input)) {
        if (allowed.includes(key)) continue;
        const keyPath = parent === '(root)' ? renderKey(key, true) : parent + renderKey(key, false);
        push(toIssue(keyPath, unknownKeyNote(key, allowed, noun), key));
      }
      continue;
    }
    push(toIssue(path, note, issue.input));
  }
  return out;
}

/**
 * Checks that `input` is a hardware plugin this package can use. `apiVersion` is checked first:
 * a mismatch is reported alone. Otherwise every problem is listed, each with its path (chips named
 * by id), what it got, what is allowed, and a fix.
 *
 * @example
 * const result = validateHardware(JSON.parse(text));
 * if (!result.ok) console.error(formatIssues(result.issues));
 * else console.log(result.plugin.chips.map((chip) => chip.id));
 */
export function validateHardware(input: unknown): ValidationResult {
  if (!isRecord(input)) {
    return {
      ok: false,
      issues: [
        {
          path: '(root)',
          message: `must be a hardware plugin object, got ${renderValue(input)}`,
          allowed: `an object { apiVersion: ${HARDWARE_API_VERSION}, meta, chips }`,
          fix: 'pass the object made by defineHardware({ … }); a module should export it as default.',
        },
      ],
    };
  }
  const versionIssue = apiVersionIssue(input);
  if (versionIssue !== undefined) return { ok: false, issues: [versionIssue] };
  const result = v.safeParse(hardwarePluginSchema, input);
  if (result.success) return { ok: true, plugin: result.output };
  return { ok: false, issues: toIssues(result.issues, input) };
}

/**
 * A readable report of `issues`, as `assertHardware` throws it: one problem per line, or with
 * `oneLine` every problem on one line separated by "; " and the plugin name in JSON quotes (a
 * command line's one-line error; the `ridgeline` CLI prints this).
 *
 * @example
 * formatIssues([{ path: 'chips[x1].memory.capacityBytes.value', message: 'must be greater than 0, got 0', allowed: 'a finite number > 0, in bytes', fix: 'give the memory capacity of one chip in bytes, e.g. 80e9 (80 GB).' }], 'acme-chips');
 * // Invalid hardware plugin "acme-chips": 1 problem
 * //   - chips[x1].memory.capacityBytes.value: must be greater than 0, got 0 (allowed: a finite number > 0, in bytes). Fix: give the memory capacity of one chip in bytes, e.g. 80e9 (80 GB).
 * formatIssues(issues, 'acme-chips', { oneLine: true });
 * // Invalid hardware plugin "acme-chips": 1 problem: chips[x1].memory.capacityBytes.value: must be greater than 0, got 0 (allowed: …). Fix: …
 */
export function formatIssues(issues: readonly HardwareIssue[], pluginName?: string, options?: { readonly oneLine?: boolean }): string {
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  const problems = issues.map((issue) => `${issue.path}: ${issue.message} (allowed: ${issue.allowed}). Fix: ${issue.fix}`);
  const name = pluginName ?? '(unnamed)';
  if (options?.oneLine === true) return `Invalid hardware plugin ${JSON.stringify(name)}: ${count}: ${problems.join('; ')}`;
  return [`Invalid hardware plugin "${name}": ${count}`, ...problems.map((p) => `  - ${p}`)].join('\n');
}

/**
 * Thrown by `assertHardware` (and `loadHardware`) for an invalid plugin. `message` is the
 * `formatIssues` report, ready to print without a stack; `issues` holds the same problems as data.
 *
 * @example
 * try {
 *   assertHardware(input);
 * } catch (error) {
 *   if (error instanceof HardwareValidationError) console.error(error.message);
 * }
 */
export class HardwareValidationError extends Error {
  override readonly name: string = 'HardwareValidationError';
  /** Every problem found, in the order of the plugin's fields. */
  readonly issues: readonly HardwareIssue[];
  /** `meta.name` of the plugin, or `(unnamed)`. */
  readonly pluginName: string;
  constructor(issues: readonly HardwareIssue[], pluginName?: string) {
    super(formatIssues(issues, pluginName));
    this.issues = issues;
    this.pluginName = pluginName ?? '(unnamed)';
  }
}

/**
 * The plugin, validated; throws `HardwareValidationError` listing every problem otherwise.
 *
 * @example
 * const plugin = assertHardware(JSON.parse(await readFile('acme.json', 'utf8')));
 * plugin.chips[0]?.id; // 'acme-x1'
 */
export function assertHardware(input: unknown): HardwarePlugin {
  const result = validateHardware(input);
  if (result.ok) return result.plugin;
  throw new HardwareValidationError(result.issues, nameOf(input));
}

/**
 * Identity helper for writing a plugin in TypeScript: checks the object against `HardwarePlugin`
 * as you type and keeps its literal types (chip ids stay `'acme-x1'`, not `string`). It does not
 * validate values at run time; hosts call `validateHardware` on whatever they load.
 *
 * @example
 * export default defineHardware({
 *   apiVersion: 2,
 *   meta: { name: 'acme-chips', version: '1.0.0' },
 *   chips: [acmeX1],
 * });
 */
export function defineHardware<const T extends HardwarePlugin>(plugin: T): T {
  return plugin;
}
