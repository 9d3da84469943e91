import { defineCommand, type CommandDef } from 'citty';
import { formatCount, formatInteger, table } from '@ridgeline/format';
import { countParams, type ModelSpec } from '@ridgeline/model';
import { ioOf } from '../io.ts';
import { terminalSafe } from '../terminal.ts';
import { resolveModel } from '../resolve-model.ts';

/**
 * Rows `[field, value]` for every field of a model, nested fields as dotted paths.
 *
 * @example
 * modelRows(llama70b).find(([f]) => f === 'layers'); // ['layers', '80']
 */
export function modelRows(model: ModelSpec): string[][] {
  const rows: string[][] = [];
  const walk = (path: string[], node: unknown): void => {
    if (node === undefined || node === null) return;
    if (typeof node === 'object' && !Array.isArray(node)) {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) walk([...path, key], value);
      return;
    }
    const key = path.at(-1) ?? '';
    const text =
      typeof node === 'number' && /params$/i.test(key)
        ? `${formatCount(node)} (${formatInteger(node)})`
        : Array.isArray(node)
          ? node.map(String).join(', ')
          : String(node);
    rows.push([path.join('.'), text]);
  };
  walk([], model);
  return rows;
}

const args = {
  id: { type: 'positional', required: true, valueHint: 'model', description: 'Model id or alias, or a path to a config.json' },
  json: { type: 'boolean', description: 'Print the model and its derived parameter counts as JSON' },
} as const;

/** `ridgeline models show <id>`: every field of a model and its derived parameter counts. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'show', description: 'Show every field of a model and its derived parameter counts' },
  args,
  async run({ args: a, data }) {
    const io = ioOf(data);
    const model = await resolveModel(a.id, io.cwd);
    const params = countParams(model);
    if (a.json) {
      io.stdout(`${JSON.stringify({ ...model, params }, null, 2)}\n`);
      return;
    }
    // Zero rows (expert counts of a dense model) are noise in the table; --json keeps them.
    const derived = Object.entries(params)
      .filter(([, value]) => value !== 0)
      .map(([key, value]) => [
      key,
      /Layers$/.test(key) ? String(value) : `${formatCount(value)} (${formatInteger(value)})`,
    ]);
    const fields = modelRows(model).filter(([field]) => field !== 'id' && field !== 'name');
    io.stdout(
      `${model.name} (${model.id})\n\n${table(fields.map((row) => row.map(terminalSafe)))}\n\nDerived parameter counts (norms and biases not counted)\n${table(
        derived.map((r) => ['  ' + (r[0] ?? ''), r[1] ?? '']),
      )}\n`,
    );
  },
});

export default command;
