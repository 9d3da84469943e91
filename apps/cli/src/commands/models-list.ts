import { defineCommand, type CommandDef } from 'citty';
import { models } from '@ridgeline/catalog';
import { formatNumber, table } from '@ridgeline/format';
import { countParams, type ModelSpec } from '@ridgeline/model';
import { ioOf } from '../io.ts';

/** One row of `models list --json`. */
export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly totalParams: number;
  readonly activeParams: number;
}

/**
 * The `models list` summary of a model, with parameter counts derived by `countParams`.
 *
 * @example
 * summarizeModel(llama70b).totalParams; // ≈ 70.6e9
 */
export function summarizeModel(model: ModelSpec): ModelSummary {
  const params = countParams(model);
  return {
    id: model.id,
    name: model.name,
    layers: model.layers,
    hiddenSize: model.hiddenSize,
    heads: model.heads,
    kvHeads: model.kvHeads,
    totalParams: params.total,
    activeParams: params.active,
  };
}

const args = {
  json: { type: 'boolean', description: 'Print the list as JSON' },
} as const;

/** `ridgeline models list`: one line per catalog model. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'list', description: 'List the catalog models' },
  args,
  run({ args: a, data }) {
    const io = ioOf(data);
    const rows = models.map(summarizeModel);
    if (a.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const lines = [
      ['id', 'name', 'layers', 'd', 'heads/kv', 'total B', 'active B'],
      ...rows.map((r) => [
        r.id,
        r.name,
        String(r.layers),
        String(r.hiddenSize),
        `${r.heads}/${r.kvHeads}`,
        formatNumber(r.totalParams / 1e9),
        formatNumber(r.activeParams / 1e9),
      ]),
    ];
    io.stdout(`${table(lines, ['left', 'left', 'right', 'right', 'right', 'right', 'right'])}\n`);
  },
});

export default command;
