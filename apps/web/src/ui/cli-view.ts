import { html, nothing, type TemplateResult } from 'lit-html';
import { cliFiles, commandLine, estimateArgs, trainArgs, type CliFile } from '../cli-command.ts';
import type { View } from '../state.ts';
import type { App } from './app.ts';

/**
 * "Same in the CLI": the `ridgeline estimate` or `ridgeline train` command that prints the numbers
 * on screen, with a Copy button, and the files it reads (a pasted config.json, the custom chip)
 * to save next to it. Built from the state the numbers were computed for, so it never runs ahead of
 * them while a person types. `feasible: false` says the CLI reports the same rule (and what would fit).
 *
 * @example
 * cliCommandView(app, 'inference', true); // ridgeline estimate --model llama-3.1-70b … [Copy]
 */
export function cliCommandView(app: App, view: View, feasible: boolean): TemplateResult | typeof nothing {
  const state = app.derived.state;
  const args = view === 'training' ? trainArgs(state) : estimateArgs(state);
  if (args === undefined) return nothing;
  const note = feasible ? html`prints these numbers; add <code>--json</code> for all of them` : 'reports the same problem and what would fit';
  return commandBox(app, view === 'training' ? 'training-cli-command' : 'cli-command', args, cliFiles(state), note);
}

/**
 * A "Same in the CLI" box: the command (`args` after `ridgeline`), quoted for a POSIX shell, a Copy
 * button, and the files it reads with a download link each. `id` is its test id (`<id>-text`,
 * `<id>-copy` and `<id>-file-<name>` inside).
 */
export function commandBox(app: App, id: string, args: readonly string[], files: readonly CliFile[], note: TemplateResult | string): TemplateResult {
  const line = commandLine(['ridgeline', ...args]);
  // One element per word, so a line breaks between words and never inside `--tokens` at its hyphens.
  const words = ['ridgeline', ...args].map((a) => commandLine([a]));
  return html`<section class="card cli-command" data-testid=${id}>
    <div class="card-head">
      <h3>Same in the CLI</h3>
      <span class="muted">${note}</span>
    </div>
    <div class="cli-line">
      <code data-testid=${`${id}-text`}>${words.map((w, i) => html`${i === 0 ? '' : ' '}<span>${w}</span>`)}</code>
      <button class="btn small" data-testid=${`${id}-copy`} @click=${() => void app.copy(line, 'Command copied.', 'The browser would not copy: select the command and copy it.')}>Copy</button>
    </div>
    ${files.length === 0
      ? nothing
      : html`<p class="hint">
          Run it where you saved
          ${files.map(
            (f, i) => html`${i === 0 ? '' : ' and '}<code>${f.path}</code> (${f.what},
              <button class="link-btn" data-testid=${`${id}-file-${f.path.replace(/^\.\//, '')}`} @click=${() => app.saveCliFile(f)}>download</button>)`,
          )}.
        </p>`}
  </section>`;
}
