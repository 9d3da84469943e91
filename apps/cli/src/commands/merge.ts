import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineCommand, type CommandDef } from 'citty';
import { MergeError, mergeResults } from '@ridgeline/engine';
import { Interrupted, quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { renderSummary, reserveOut } from './sweep.ts';

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
    const target = a.out === undefined ? undefined : resolve(io.cwd, a.out);
    const stop = stopOnSignals();
    let temporary = target === undefined || a.out === undefined ? undefined : await reserveOut(a.out, target);
    try {
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
      stop.signal.throwIfAborted();
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
      if (target !== undefined && temporary !== undefined) {
        await writeFile(temporary, json);
        stop.signal.throwIfAborted();
        await rename(temporary, target);
        temporary = undefined;
      }
      io.stdout(a.json ? json : renderSummary(merged));
    } catch (error) {
      const signal = stop.received();
      if (signal === undefined) throw error;
      throw new Interrupted(signal, `interrupted; ${a.out === undefined ? 'nothing printed' : `nothing written to ${a.out}`}`);
    } finally {
      stop.release();
      if (temporary !== undefined) await rm(temporary, { force: true });
    }
  },
});

export default command;
