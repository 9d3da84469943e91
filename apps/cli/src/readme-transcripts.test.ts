// The command transcripts in the READMEs are real: each `$ ridgeline …` runs in-process from the
// repository root and its output must match the lines shown (see transcripts.ts for the rules).
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { checkTranscript, outputLines, parseTranscripts, updatedLines, withUpdatedTranscripts, type Transcript } from './transcripts.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const READMES = ['README.md', 'apps/cli/README.md', 'docs/examples/energy-and-cost.md'];

const transcripts: Transcript[] = READMES.flatMap((file) =>
  parseTranscripts(readFileSync(join(ROOT, file), 'utf8'), file),
);
const checked = transcripts.filter((t) => t.skip === undefined);
/** `pnpm --filter ridgeline readme:transcripts` rewrites the transcripts that differ (then review the diff). */
const WRITE = process.env.RIDGELINE_WRITE_TRANSCRIPTS === '1';
const rewrites: Array<{ transcript: Transcript; lines: string[] }> = [];
const skipped = transcripts.filter((t) => t.skip !== undefined);

/** `plugin init` writes a package: it runs in an empty directory, never in the repository. */
function writesFiles(argv: readonly string[]): boolean {
  return argv[0] === 'plugin' && argv[1] === 'init';
}

/**
 * Runs a command as a terminal shows it once it ends (stdout and stderr in one stream, in the order written),
 * from the repository root, or from a fresh temporary directory for a command that writes files.
 */
async function run(argv: readonly string[]): Promise<{ code: number; output: string }> {
  const cwd = writesFiles(argv) ? await mkdtemp(join(tmpdir(), 'ridgeline-transcript-')) : ROOT;
  let output = '';
  const write = (s: string): void => void (output += s);
  try {
    // progress: false — a terminal's progress bar clears itself, leaving only the summary line
    const code = await runCli(argv, { stdout: write, stderr: write, cwd, progress: false });
    return { code, output };
  } finally {
    if (cwd !== ROOT) await rm(cwd, { recursive: true, force: true });
  }
}

describe('README transcripts', () => {
  beforeAll(() => {
    const list = skipped.map((t) => `\n  ${t.file}:${t.line} ${t.command} (${t.skip ?? ''})`).join('');
    console.log(`README transcripts: ${checked.length} checked, ${skipped.length} not checked${list}`);
  });

  afterAll(() => {
    for (const file of READMES) {
      const mine = rewrites.filter((r) => r.transcript.file === file);
      if (mine.length === 0) continue;
      const path = join(ROOT, file);
      writeFileSync(path, withUpdatedTranscripts(readFileSync(path, 'utf8'), mine));
      console.log(`rewrote ${mine.length} transcript(s) in ${file}`);
    }
  });

  // A transcript left unchecked is listed above with its reason (the marker requires one); it is not
  // a skipped test, because the command is run elsewhere (plugin-guide.test.ts runs calibrate).
  it('finds checked transcripts in every README', () => {
    for (const file of READMES) expect(checked.filter((t) => t.file === file).length, file).toBeGreaterThan(0);
  });

  for (const t of checked) {
    it(`${t.file}:${t.line} ${t.command}`, async () => {
      const { code, output } = await run(t.argv);
      const message = checkTranscript(t, output);
      if (message !== undefined && WRITE) rewrites.push({ transcript: t, lines: updatedLines(t.expected.map((l) => l.text), outputLines(output)) });
      else if (message !== undefined) expect.fail(message);
      // A transcript showing an error must exit 2 (a user mistake), any other 0 (never an internal error).
      const error = t.expected.some((l) => l.text.startsWith('ridgeline: error: '));
      expect(code, `${t.file}:${t.line}: exit code`).toBe(error ? 2 : 0);
    });
  }
});
