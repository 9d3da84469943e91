import { defineCommand, type CommandDef } from 'citty';
import {
  formatBandwidth,
  formatBytes,
  formatDuration,
  formatFlops,
  formatInteger,
  formatNumber,
  formatPercent,
  formatPower,
  formatUsd,
  table,
} from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';
import { ioOf } from '../io.ts';
import { terminalSafe } from '../terminal.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { calibrationText } from '../calibration-text.ts';
import { resolveChip } from '../registry.ts';

/** A number rendered in the unit its field name implies (`…BytesPerS`, `…S`, `…W`, …). */
function withUnit(path: readonly string[], value: number): string {
  const key = path.at(-1) ?? '';
  const parent = path.at(-2) ?? '';
  if (key === 'domainSize') return `${formatInteger(value)} chips`;
  if (parent === 'peakDenseFlopsPerS' || key.endsWith('FlopsPerS')) return formatFlops(value);
  if (key.endsWith('BytesPerS')) return formatBandwidth(value);
  if (key.endsWith('Bytes')) return formatBytes(value);
  if (key === 'usdPerChipHour') return `${formatUsd(value)}/h`;
  if (key === 'capitalUsd' || key === 'systemCapitalUsdPerChip') return formatUsd(value);
  // the component power model's energies (docs/MODEL.md §10), in picojoules
  if (parent === 'joulesPerFlop') return `${formatNumber(value * 1e12)} pJ/FLOP`;
  if (key.startsWith('joulesPerByte')) return `${formatNumber(value * 1e12)} pJ/byte`;
  // efficiencies are fractions, but for the per-layer and per-request times (…OverheadS)
  if (key.endsWith('Fraction') || (path[0] === 'efficiency' && !key.endsWith('OverheadS'))) return formatPercent(value);
  if (key.endsWith('W')) return formatPower(value);
  if (key.endsWith('S')) return formatDuration(value);
  return formatNumber(value);
}

function curveText(curve: ReadonlyArray<readonly [number, number]>, over: string): string {
  const x = (v: number): string =>
    over === 'messageBytes' ? formatBytes(v) : `${formatNumber(v)} FLOP/B`;
  const points = curve.map(([at, eff]) => `${x(at)} → ${formatPercent(eff)}`).join(', ');
  return `curve over ${over === 'messageBytes' ? 'message size' : 'arithmetic intensity'}: ${points}`;
}

/**
 * Rows `[field, value with unit, source]` for every field of a chip, nested fields as dotted paths.
 *
 * @example
 * chipRows(h100).find(([f]) => f === 'memory.capacityBytes'); // ['memory.capacityBytes', '80.0 GB', 'NVIDIA H100 datasheet']
 */
export function chipRows(chip: ChipSpec): string[][] {
  const rows: string[][] = [];
  const walk = (path: string[], node: unknown): void => {
    const field = path.join('.');
    if (node === undefined || node === null) return;
    if (Array.isArray(node)) {
      rows.push([field, node.map(String).join(', '), '']);
      return;
    }
    if (typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record['value'] === 'number' && typeof record['source'] === 'string') {
        rows.push([field, withUnit(path, record['value']), record['source']]);
        return;
      }
      if (Array.isArray(record['curve']) && typeof record['source'] === 'string') {
        const curve = record['curve'] as ReadonlyArray<readonly [number, number]>;
        rows.push([field, curveText(curve, String(record['over'])), record['source']]);
        return;
      }
      for (const [key, value] of Object.entries(record)) walk([...path, key], value);
      return;
    }
    rows.push([field, typeof node === 'number' ? withUnit(path, node) : String(node), '']);
  };
  walk([], chip);
  return rows;
}

const args = {
  id: { type: 'positional', required: true, valueHint: 'chip', description: 'Chip id or alias, or a plugin path[#chip-id]' },
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print the chip as JSON, exactly as the plugin gives it' },
} as const;

/** `ridgeline hardware show <id>`: every field of a chip with its unit and source. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'show', description: 'Show every field of a chip with its unit and source' },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const warn = (m: string): void => io.stderr(`ridgeline: note: ${m}\n`);
    const chip = await resolveChip(a.id, { cwd: io.cwd, plugins: pluginFlags(rawArgs), warn });
    if (a.json) {
      io.stdout(`${JSON.stringify(chip, null, 2)}\n`);
      return;
    }
    // Free-text notes would stretch the value column: they follow the table instead.
    const rows = chipRows(chip).filter(([field]) => field !== 'id' && field !== 'name' && field !== 'notes' && !(field ?? '').startsWith('efficiency.calibration') && !(field ?? '').startsWith('efficiencyProfiles'));
    const notes = chip.notes === undefined ? '' : `\nnotes: ${chip.notes}\n`;
    const announced =
      chip.availability === 'announced' ? 'announced, not shipping: figures from the announcement or estimated, none measured\n' : '';
    // the efficiencies' calibration status under the name: how far to trust every estimate on this chip
    const calibration = `efficiencies: ${calibrationText(chip)}\n`;
    // named profiles (a serving stack's or an era's), selected with --stack / --efficiency-profile
    const profiles = Object.entries(chip.efficiencyProfiles ?? {})
      .map(([name, p]) => `profile ${name}: ${p.description}; ${calibrationText({ ...chip, efficiency: p })}\n`)
      .join('');
    // escaped before the columns are measured, so a plugin's control characters cannot skew them
    const cells = [['field', 'value', 'source'], ...rows].map((row) => row.map(terminalSafe));
    io.stdout(`${chip.name} (${chip.id})\n${announced}${calibration}${profiles}\n${table(cells)}\n${notes}`);
  },
});

export default command;
