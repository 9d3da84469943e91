import { defineCommand, type CommandDef } from 'citty';
import { formatNumber, table } from '@ridgeline/format';
import type { Availability, ChipSpec } from '@ridgeline/hardware';
import { ioOf } from '../io.ts';
import { terminalSafe } from '../terminal.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { loadRegistry } from '../registry.ts';

/** One row of `hardware list --json`, SI units. */
export interface ChipSummary {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly kind: string;
  readonly aliases: readonly string[];
  /** `announced` for a chip announced but not yet shipping; `shipping` when the plugin says nothing. */
  readonly availability: Availability;
  /** Peak dense BF16 FLOP/s, or null when the chip has no BF16 rate. */
  readonly bf16FlopsPerS: number | null;
  readonly memoryBytes: number;
  readonly memoryBandwidthBytesPerS: number;
  readonly usdPerChipHour: number;
}

/**
 * The `hardware list` summary of a chip.
 *
 * @example
 * summarizeChip(h100).bf16FlopsPerS; // 989e12
 */
export function summarizeChip(chip: ChipSpec): ChipSummary {
  return {
    id: chip.id,
    name: chip.name,
    vendor: chip.vendor,
    kind: chip.kind,
    aliases: chip.aliases ?? [],
    availability: chip.availability ?? 'shipping',
    bf16FlopsPerS: chip.compute.peakDenseFlopsPerS.bf16?.value ?? null,
    memoryBytes: chip.memory.capacityBytes.value,
    memoryBandwidthBytesPerS: chip.memory.bandwidthBytesPerS.value,
    usdPerChipHour: chip.price.usdPerChipHour.value,
  };
}

/** The marker `hardware list` puts after an announced chip's name, and the line that explains it. */
const ANNOUNCED_MARKER = '[announced]';
const ANNOUNCED_NOTE = `${ANNOUNCED_MARKER} announced, not shipping: figures from the announcement or estimated, none measured ("ridgeline hardware show <id>" gives each source).`;

const args = {
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print the list as JSON (SI units)' },
} as const;

/** `ridgeline hardware list`: one line per chip, first-party then those of the config file's and `--plugin`'s plugins. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'list', description: 'List the built-in chips and those of loaded plugins' },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const registry = await loadRegistry({ cwd: io.cwd, plugins: pluginFlags(rawArgs) });
    // `plugin` (the plugin's meta.name) says where a chip comes from once other plugins are loaded.
    const rows = registry.chips.map(({ chip, plugin }) => ({ ...summarizeChip(chip), plugin: plugin.meta.name }));
    if (a.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const lines = [
      ['id', 'name', 'vendor', 'BF16 TFLOP/s', 'memory GB', 'bandwidth TB/s', '$/h'],
      ...rows.map((r) => [
        r.id,
        r.availability === 'announced' ? `${r.name} ${ANNOUNCED_MARKER}` : r.name,
        r.vendor,
        r.bf16FlopsPerS === null ? '—' : formatNumber(r.bf16FlopsPerS / 1e12),
        formatNumber(r.memoryBytes / 1e9),
        formatNumber(r.memoryBandwidthBytesPerS / 1e12),
        r.usdPerChipHour.toFixed(2),
      ]),
    ];
    const note = rows.some((r) => r.availability === 'announced') ? `\n${ANNOUNCED_NOTE}\n` : '';
    // escaped before the columns are measured, so a plugin's control characters cannot skew them
    const cells = lines.map((row) => row.map(terminalSafe));
    io.stdout(`${table(cells, ['left', 'left', 'left', 'right', 'right', 'right', 'right'])}\n${note}`);
  },
});

export default command;
