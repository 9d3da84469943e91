import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { defineCommand, type CommandDef } from 'citty';
import { MergeError, mergeResults } from '@ridgeline/engine';
import { quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { renderSummary } from './sweep.ts';

const args = {
  files: {
    type: 'positional',
    required: true,
    valueHint: 'shard.json …',
    description: 'Results of "ridgeline sweep … --shard i/N --json", one per shard',
    variadic: true,
  },
  json: { type: 'boolean', description: 'Print the merged result as JSON (the same as one run of the whole sweep)' },
  out: { type: 'string', valueHint: 'file.json', description: 'Also write the merged JSON to a file (written to a temporary file, then renamed)' },
} as const;

/** `ridgeline merge`: shard results of one sweep into the result of a single run. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'merge', description: 'Merge the JSON results of sweep shards into the result of one run' },
  args,
  async run({ args: a, data }) {
    const io = ioOf(data);
    const files = (a._ as string[]).filter((f) => f !== '');
    if (files.length === 0) throw new UserError('merge needs one or more shard result files (from "ridgeline sweep … --shard i/N --json > shard-i.json")');
    const inputs = await Promise.all(
      files.map(async (file) => {
        let text: string;
        try {
          text = await readFile(resolve(io.cwd, file), 'utf8');
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          throw new UserError(`cannot read ${quoted(file)}: ${code === 'ENOENT' ? 'file not found' : error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        try {
          return { name: file, result: JSON.parse(text) as unknown };
        } catch (error) {
          throw new UserError(`${quoted(file)} is not JSON (write shard results with --json): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }),
    );
    let merged;
    try {
      merged = mergeResults(inputs);
    } catch (error) {
      if (error instanceof MergeError) throw new UserError(error.message, { cause: error });
      throw error;
    }
    if (!merged.complete) {
      const covered = merged.ranges.reduce((n, [s, e]) => n + e - s, 0);
      io.stderr(`ridgeline: note: the shards cover ${covered.toLocaleString('en')} of ${merged.total.toLocaleString('en')} configurations; the result is partial\n`);
    }
    const json = `${JSON.stringify(merged)}\n`;
    if (a.out !== undefined) {
      const target = resolve(io.cwd, a.out);
      const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
      await writeFile(temporary, json);
      await rename(temporary, target);
    }
    io.stdout(a.json ? json : renderSummary(merged));
  },
});

export default command;
