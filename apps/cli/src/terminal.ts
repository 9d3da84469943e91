// What reaches the terminal. Plugin names, chip notes, config.json fields and file names are
// text from elsewhere: an escape sequence in one could clear the screen, move the cursor or hide
// the rest of a line, so control characters are shown escaped, as JSON writes them.

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional
 * overrides (which reorder what a terminal shows); tab and newline are handled by the callers.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escaped(char: string): string {
  // JSON's escapes: \b, \f, \r, \u001b, … ; the ones JSON leaves raw get \u too
  const json = JSON.stringify(char).slice(1, -1);
  return json !== char ? json : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text with every control character escaped as JSON would write it, newlines and tabs kept:
 * what `runCli` writes to stdout and stderr. JSON output is unchanged in meaning, since a JSON
 * string may escape any character.
 *
 * @example
 * terminalSafe('Acme\u001b[2J X1\n'); // 'Acme\\u001b[2J X1\n'
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, escaped);
}

/**
 * An error message on one line: a message that lists problems one per line (a plugin's or a
 * spec's issues, a config.json's) becomes the first line, then the problems separated by "; ",
 * bullets dropped. Tabs and other control characters are escaped.
 *
 * @example
 * oneLine('invalid hardware plugin "acme": 2 problems\n  - a: x\n  - b: y');
 * // 'invalid hardware plugin "acme": 2 problems: a: x; b: y'
 */
export function oneLine(message: string): string {
  const lines = terminalSafe(message)
    .replace(/\t/g, '\\t')
    .split('\n')
    .map((line) => line.trim().replace(/^[-*•]\s+/, ''))
    .filter((line) => line !== '');
  const [head = '', ...rest] = lines;
  if (rest.length === 0) return head;
  return `${head}${/[:;]$/.test(head) ? ' ' : ': '}${rest.join('; ')}`;
}
