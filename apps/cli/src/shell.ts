/**
 * A command line a POSIX shell reads back as `words`: each word as is when it holds only
 * characters no shell treats specially, else in single quotes.
 *
 * @example
 * shellCommand(['ridgeline', 'estimate', '--model', 'my model']); // "ridgeline estimate --model 'my model'"
 */
export function shellCommand(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./#-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
