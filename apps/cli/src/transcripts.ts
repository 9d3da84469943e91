// Test support (not part of the CLI): reads the command transcripts out of the READMEs and
// matches them against real output, for readme-transcripts.test.ts.

/** One line of a Markdown file, with its 1-based line number. */
export interface SourceLine {
  readonly line: number;
  readonly text: string;
}

/** A `$ ridgeline …` command in a README's plain fenced block, with the output shown under it. */
export interface Transcript {
  /** The Markdown file, as given to `parseTranscripts` (used in messages). */
  readonly file: string;
  /** 1-based line number of the `$ ` line. */
  readonly line: number;
  /** The command as written after `$ `. */
  readonly command: string;
  /** The arguments to `ridgeline` (the command without `ridgeline` or `pnpm -s ridgeline`). */
  readonly argv: readonly string[];
  /** The output lines up to the next `$ ` line or the closing fence. */
  readonly expected: readonly SourceLine[];
  /** Why it is not checked, from `<!-- transcript: not checked (reason) -->`; `undefined` if it is. */
  readonly skip: string | undefined;
}

const PREFIXES = ['pnpm -s ridgeline ', 'ridgeline '];
const SKIP_MARKER = /^<!--\s*transcript:\s*not checked\s*\((.+)\)\s*-->$/;
const ANY_MARKER = /^<!--\s*transcript\b/;
const FENCE = /^ {0,3}(`{3,})(.*)$/;
/** Characters a shell would treat specially: a command using them cannot be split on spaces. */
const SHELL_SPECIAL = /["'`\\$|&;<>(){}[\]*?~!]/;

/**
 * The command transcripts of a Markdown file: every plain fenced block (no language) that holds
 * `$ ` lines. A `$ ` line is a command (`ridgeline …` or `pnpm -s ridgeline …`, split on single
 * spaces), the lines under it its output. An HTML comment `<!-- transcript: not checked (reason) -->`
 * on the line before the fence marks the block's commands as not checked. Throws for anything it
 * cannot check faithfully (output before the first command, another program, shell quoting, a
 * marker that is malformed or not directly before a transcript), so the docs cannot drift into a
 * form the test silently skips.
 *
 * @example
 * parseTranscripts('```\n$ ridgeline models list\nid  name\n…\n```\n', 'README.md');
 * // [{ file: 'README.md', line: 2, command: 'ridgeline models list', argv: ['models', 'list'],
 * //    expected: [{ line: 3, text: 'id  name' }, { line: 4, text: '…' }], skip: undefined }]
 */
export function parseTranscripts(markdown: string, file: string): Transcript[] {
  const lines = markdown.split('\n');
  const transcripts: Transcript[] = [];
  const where = (index: number): string => `${file}:${index + 1}`;
  let index = 0;
  while (index < lines.length) {
    const text = lines[index] ?? '';
    const fence = FENCE.exec(text);
    if (fence === null) {
      if (ANY_MARKER.test(text.trim())) checkMarker(lines, index, where);
      index++;
      continue;
    }
    const ticks = fence[1] ?? '```';
    const plain = (fence[2] ?? '').trim() === '';
    const start = index;
    let end = index + 1;
    while (end < lines.length && !isClosingFence(lines[end] ?? '', ticks)) end++;
    if (end === lines.length) throw new Error(`${where(start)}: fenced block is never closed`);
    const body = lines.slice(start + 1, end);
    const marker = SKIP_MARKER.exec((lines[start - 1] ?? '').trim());
    if (plain && body.some((l) => l.startsWith('$ '))) {
      transcripts.push(...readBlock(body, start + 1, file, where, marker === null ? undefined : (marker[1] ?? '').trim()));
    }
    index = end + 1;
  }
  return transcripts;
}

function isClosingFence(text: string, ticks: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith(ticks) && /^`+$/.test(trimmed);
}

/** A marker must be well-formed and sit directly on a fence that holds commands. */
function checkMarker(lines: readonly string[], index: number, where: (index: number) => string): void {
  const text = (lines[index] ?? '').trim();
  if (!SKIP_MARKER.test(text)) {
    throw new Error(`${where(index)}: malformed transcript marker; write <!-- transcript: not checked (reason) -->`);
  }
  const fence = FENCE.exec(lines[index + 1] ?? '');
  if (fence === null || (fence[2] ?? '').trim() !== '') {
    throw new Error(`${where(index)}: a transcript marker must be on the line directly before a plain fenced block`);
  }
  let end = index + 2;
  while (end < lines.length && !isClosingFence(lines[end] ?? '', fence[1] ?? '```')) end++;
  if (!lines.slice(index + 2, end).some((l) => l.startsWith('$ '))) {
    throw new Error(`${where(index)}: the transcript marker's block has no "$ " command`);
  }
}

function readBlock(
  body: readonly string[],
  offset: number,
  file: string,
  where: (index: number) => string,
  skip: string | undefined,
): Transcript[] {
  const transcripts: Transcript[] = [];
  let current: { line: number; command: string; argv: string[]; expected: SourceLine[] } | undefined;
  const flush = (): void => {
    if (current !== undefined) transcripts.push({ file, ...current, skip });
  };
  body.forEach((text, i) => {
    const index = offset + i;
    if (text.startsWith('$ ')) {
      flush();
      const command = text.slice(2);
      current = { line: index + 1, command, argv: argvOf(command, where(index)), expected: [] };
    } else if (current === undefined) {
      throw new Error(`${where(index)}: output before the first "$ " command of the block`);
    } else {
      current.expected.push({ line: index + 1, text });
    }
  });
  flush();
  return transcripts;
}

function argvOf(command: string, at: string): string[] {
  const prefix = PREFIXES.find((p) => command.startsWith(p));
  if (prefix === undefined) {
    throw new Error(`${at}: a transcript command must start with "ridgeline " or "pnpm -s ridgeline ", got "${command}"`);
  }
  const rest = command.slice(prefix.length);
  const argv = rest.split(' ');
  if (argv.some((word) => word === '') || SHELL_SPECIAL.test(rest) || argv.some((word) => word.startsWith('#'))) {
    throw new Error(`${at}: "${command}" needs a shell to split it; transcripts use single spaces and no quoting`);
  }
  return argv;
}

/** A doc line that is just `…`: any number of output lines, zero included. */
function isGap(text: string): boolean {
  return text.trim() === '…';
}

/**
 * Whether one output line matches one doc line: equal after trailing whitespace is dropped (a
 * terminal does not show it), or, where the doc line elides part of it with `…`, the pieces
 * around each `…` appear in order, the first at the start and the last at the end.
 *
 * @example
 * lineMatches('  "explanation": "Decode is …",', '  "explanation": "Decode is slow.",'); // true
 */
export function lineMatches(expected: string, actual: string): boolean {
  const want = expected.trimEnd();
  const got = actual.trimEnd();
  if (!want.includes('…')) return want === got;
  const pieces = want.split('…');
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (!got.startsWith(first) || got.length < first.length + last.length || !got.endsWith(last)) return false;
  let at = first.length;
  const stop = got.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = got.indexOf(piece, at);
    if (found === -1 || found + piece.length > stop) return false;
    at = found + piece.length;
  }
  return true;
}

/** Where matching got furthest before failing: indices into the expected and actual lines. */
export interface Mismatch {
  readonly expected: number;
  readonly actual: number;
}

/**
 * Matches output lines against a transcript's lines in order: a `…` line stands for any number
 * of lines (zero included), every other line must match one output line (`lineMatches`).
 * Returns `undefined` on a match, else the furthest point it reached, for the message.
 *
 * @example
 * matchLines(['a', '…', 'd'], ['a', 'b', 'c', 'd']); // undefined
 * matchLines(['a', 'x'], ['a', 'b']); // { expected: 1, actual: 1 }
 */
export function matchLines(expected: readonly string[], actual: readonly string[]): Mismatch | undefined {
  let furthest: Mismatch = { expected: 0, actual: 0 };
  const failed = new Set<number>();
  const width = actual.length + 1;
  const match = (i: number, j: number): boolean => {
    if (failed.has(i * width + j)) return false;
    let ok: boolean;
    if (i === expected.length) {
      ok = j === actual.length;
    } else if (isGap(expected[i] ?? '')) {
      ok = match(i + 1, j) || (j < actual.length && match(i, j + 1));
    } else {
      ok = j < actual.length && lineMatches(expected[i] ?? '', actual[j] ?? '') && match(i + 1, j + 1);
    }
    if (!ok) {
      failed.add(i * width + j);
      // The deepest transcript line reached; after a `…`, the first output line it was tried on.
      if (i > furthest.expected) furthest = { expected: i, actual: j };
    }
    return ok;
  };
  return match(0, 0) ? undefined : furthest;
}

/** The lines of captured output, without the empty string after a final newline. */
export function outputLines(output: string): string[] {
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Checks a transcript against the output its command printed (stdout and stderr interleaved, as
 * on a terminal). Returns `undefined` if it matches, else a message naming the README and line,
 * with the first line that differs and the whole expected and actual output.
 *
 * @example
 * checkTranscript(transcript, 'ridgeline: error: …\n'); // undefined, or 'README.md:12: …'
 */
export function checkTranscript(transcript: Transcript, output: string): string | undefined {
  const actual = outputLines(output);
  const mismatch = matchLines(
    transcript.expected.map((l) => l.text),
    actual,
  );
  if (mismatch === undefined) return undefined;
  const { file, line, command, expected } = transcript;
  const at = expected[mismatch.expected];
  const got = actual[mismatch.actual];
  const quote = (s: string | undefined, end: string): string => (s === undefined ? end : JSON.stringify(s));
  return [
    `${file}:${line}: the output of "${command}" does not match the transcript`,
    `  at ${file}:${at?.line ?? (expected[expected.length - 1]?.line ?? line) + 1}`,
    `    expected: ${quote(at?.text, '(end of the transcript)')}`,
    `    actual:   ${quote(got, '(end of the output)')}${got === undefined ? '' : ` (output line ${mismatch.actual + 1})`}`,
    `--- expected (${file}:${line + 1}-${line + expected.length}; "…" stands for omitted lines)`,
    ...expected.map((l) => l.text),
    '--- actual',
    ...actual,
    '---',
    'Update the transcript to the actual output (keeping its … elisions), or fix the CLI.',
  ].join('\n');
}

/**
 * The transcript's lines rewritten to match `actual`, keeping what still matches: `…` gap lines
 * and elided lines that match stay, the rest become the output lines they align with (the
 * alignment of least edits, a gap absorbing any run of lines for free). For
 * `pnpm --filter ridgeline readme:transcripts`, after a change of output that is meant.
 *
 * @example
 * updatedLines(['a', '…', 'x: 1'], ['a', 'b', 'x: 2']); // ['a', '…', 'x: 2']
 */
export function updatedLines(expected: readonly string[], actual: readonly string[]): string[] {
  const n = expected.length;
  const m = actual.length;
  // cost[i][j]: least edits aligning expected[i..] with actual[j..]
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let j = 0; j <= m; j++) cost[n]![j] = m - j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      const row = cost[i]!;
      if (isGap(expected[i] ?? '')) {
        row[j] = Math.min(cost[i + 1]![j]!, j < m ? row[j + 1]! : Number.POSITIVE_INFINITY);
        continue;
      }
      let best = 1 + cost[i + 1]![j]!; // drop the doc line
      if (j < m) {
        best = Math.min(best, (lineMatches(expected[i] ?? '', actual[j] ?? '') ? 0 : 1) + cost[i + 1]![j + 1]!, 1 + row[j + 1]!);
      }
      row[j] = best;
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i === n) {
      out.push(actual[j++] ?? '');
      continue;
    }
    const here = cost[i]![j]!;
    const doc = expected[i] ?? '';
    if (isGap(doc)) {
      // end the gap as soon as that costs nothing more, so changed lines after it are rewritten, not absorbed
      if (cost[i + 1]![j] === here) {
        out.push(doc);
        i++;
      } else j++;
      continue;
    }
    if (j < m) {
      const matches = lineMatches(doc, actual[j] ?? '');
      if ((matches ? 0 : 1) + cost[i + 1]![j + 1]! === here) {
        out.push(matches ? doc : (actual[j] ?? ''));
        i++;
        j++;
        continue;
      }
      if (1 + cost[i]![j + 1]! === here) {
        out.push(actual[j++] ?? '');
        continue;
      }
    }
    i++; // the doc line has no counterpart
  }
  return out;
}

/**
 * `markdown` with each transcript's output lines replaced (`replacements` from `updatedLines`, by
 * the transcript's `$ ` line), applied from the bottom so earlier line numbers stay valid.
 */
export function withUpdatedTranscripts(markdown: string, replacements: ReadonlyArray<{ readonly transcript: Transcript; readonly lines: readonly string[] }>): string {
  const lines = markdown.split('\n');
  for (const { transcript, lines: updated } of [...replacements].sort((a, b) => b.transcript.line - a.transcript.line)) {
    lines.splice(transcript.line, transcript.expected.length, ...updated);
  }
  return lines.join('\n');
}
