// Test support (not part of the CLI): reads the TypeScript and JavaScript examples out of the
// package READMEs, with the output they show, for package-readmes.test.ts.
import { lineMatches, matchLines } from './transcripts.ts';

/** A ```ts or ```js block of a README, with the output it shows. */
export interface Example {
  /** The Markdown file, as given to `parseExamples` (used in messages). */
  readonly file: string;
  /** 1-based line number of the opening fence. */
  readonly line: number;
  readonly lang: 'ts' | 'js';
  readonly code: string;
  /**
   * What each console call shows, by its 1-based line in `code`: the comment after the call on its
   * last line (`console.log(x); // 42`), or else the comment lines right under it (a blank line ends them).
   */
  readonly comments: ReadonlyMap<number, string>;
  /** The plain block after a paragraph that says it "prints", if the example has one: its whole output. */
  readonly printed: readonly string[] | undefined;
  /**
   * Why it is only type-checked, from `<!-- not runnable: why -->` on the line before the fence (the
   * marker apps/install-test honours too); `undefined` if it runs.
   */
  readonly notRunnable: string | undefined;
}

const FENCE = /^```(\w*)\s*$/;
const LANGS: Readonly<Record<string, 'ts' | 'js'>> = { ts: 'ts', typescript: 'ts', mts: 'ts', js: 'js', javascript: 'js', mjs: 'js' };
const MARKER = /^<!--\s*not runnable\b:?\s*(.*?)\s*-->$/i;
const CONSOLE = /\bconsole\.(log|error)\(/;

/**
 * The ```ts and ```js examples of a Markdown file (the blocks apps/install-test runs from the packed
 * packages, `<!-- not runnable: why -->` marking one that is only type-checked here). The output an example shows is checked when it
 * runs: a console call's comment (`console.log(a, b); // 1 2`), where a call that prints several
 * times (in a loop) lists its outputs joined by ", " and a trailing `(…)` remark is not output;
 * and a plain block introduced by a paragraph ending in "prints:" (or "It prints (…):"), matched
 * line by line like the CLI transcripts (`…` elides).
 *
 * @example
 * parseExamples('```ts\nconsole.log(1 + 1); // 2\n```\n', 'README.md')[0].comments; // Map { 1 => '2' }
 */
export function parseExamples(markdown: string, file: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  let index = 0;
  while (index < lines.length) {
    const fence = FENCE.exec(lines[index] ?? '');
    if (fence === null) {
      index++;
      continue;
    }
    const start = index;
    let end = index + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    if (end === lines.length) throw new Error(`${file}:${start + 1}: fenced block is never closed`);
    const lang = LANGS[fence[1] ?? ''];
    if (lang !== undefined) {
      const body = lines.slice(start + 1, end);
      const marker = MARKER.exec((lines[start - 1] ?? '').trim());
      examples.push({
        file,
        line: start + 1,
        lang,
        code: body.join('\n'),
        comments: commentsOf(body),
        printed: printedAfter(lines, end + 1),
        notRunnable: marker === null ? undefined : (marker[1] ?? '').trim() || 'no reason given',
      });
    }
    index = end + 1;
  }
  return examples;
}

/** The code of a line, without a trailing `// comment` (the examples keep `//` out of their strings). */
function codeOf(text: string): string {
  const at = text.indexOf('//');
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

function commentsOf(body: readonly string[]): Map<number, string> {
  const comments = new Map<number, string>();
  body.forEach((text, i) => {
    if (!CONSOLE.test(text)) return;
    // the statement ends on the first line, from this one, whose code ends the call
    let last = i;
    while (last < body.length - 1 && !/\);?$/.test(codeOf(body[last] ?? ''))) last++;
    const parts: string[] = [];
    const end = body[last] ?? '';
    if (end.includes('//')) parts.push(end.slice(end.indexOf('//') + 2).trim());
    else for (let next = last + 1; /^\s*\/\//.test(body[next] ?? ''); next++) parts.push((body[next] ?? '').replace(/^\s*\/\/ ?/, ''));
    if (parts.length > 0) comments.set(i + 1, parts.join('\n'));
  });
  return comments;
}

/** The lines of the plain block after `end` when the paragraph between says the example prints it. */
function printedAfter(lines: readonly string[], from: number): string[] | undefined {
  let index = from;
  const paragraph: string[] = [];
  while (index < lines.length && !FENCE.test(lines[index] ?? '')) {
    if ((lines[index] ?? '').trim() !== '') paragraph.push(lines[index] ?? '');
    else if (paragraph.length > 0) break;
    index++;
  }
  while ((lines[index] ?? '').trim() === '' && index < lines.length) index++;
  const fence = FENCE.exec(lines[index] ?? '');
  if (fence === null || fence[1] !== '' || !/\bprints\b[^.]*:$/.test(paragraph.join(' ').trim())) return undefined;
  const out: string[] = [];
  for (let i = index + 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) out.push(lines[i] ?? '');
  return out;
}

/** Collapses runs of whitespace: Node breaks a long object over lines, a comment shows it on one. */
function squeezed(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Why a console call's output differs from its comment, or undefined when it matches: `outputs`
 * are what the call printed, each time it ran.
 *
 * @example
 * commentProblem('1 2 (two numbers)', ['1 2']); // undefined
 */
export function commentProblem(comment: string, outputs: readonly string[]): string | undefined {
  if (outputs.length === 0) return `shows "${comment}", but the call never ran`;
  const wanted = comment.split('\n');
  if (wanted.length > 1) {
    const got = outputs.join('\n').split('\n');
    if (matchLines(wanted, got) === undefined || lineMatches(squeezed(comment), squeezed(outputs.join(' ')))) return undefined;
    return `shows\n${comment}\nbut printed\n${outputs.join('\n')}`;
  }
  const got = squeezed(outputs.join(', '));
  const want = squeezed(comment);
  const withoutRemark = want.replace(/\s*\([^()]*\)$/, '');
  if (lineMatches(want, got) || lineMatches(withoutRemark, got)) return undefined;
  return `shows "${comment}", but printed "${got}"`;
}

/**
 * Why a program's whole output differs from a printed block, or undefined when it matches (line by
 * line, `…` eliding, as in the CLI transcripts).
 */
export function printedProblem(printed: readonly string[], output: string): string | undefined {
  const got = output.replace(/\n$/, '').split('\n');
  const mismatch = matchLines(printed, got);
  if (mismatch === undefined) return undefined;
  return `the block it prints differs at its line ${mismatch.expected + 1} ("${printed[mismatch.expected] ?? ''}"); it printed:\n${got.join('\n')}`;
}

/**
 * The example's code with each console call routed to `__readme(line, kind, ...args)`, its line
 * kept, so a run records what each call printed.
 */
export function instrumented(code: string): string {
  return code
    .split('\n')
    .map((text, i) => text.replace(/\bconsole\.(log|error)\(/g, (_, kind: string) => `__readme(${i + 1}, '${kind}', `))
    .join('\n');
}
