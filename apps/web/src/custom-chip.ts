import {
  CHIP_KINDS,
  HARDWARE_API_VERSION,
  MEMORY_KINDS,
  PRECISIONS,
  TOPOLOGIES,
  efficiencyAt,
  formatIssues,
  validateHardware,
  type ChipSpec,
  type Efficiency,
  type HardwareIssue,
  type HardwarePlugin,
} from '@ridgeline/hardware';

/**
 * The custom-chip form: flat text fields in the plugin's own SI units, turned into a one-chip
 * hardware plugin and checked by `validateHardware` — the check the CLI runs on a plugin file — so
 * the page shows the CLI's messages word for word (`formatIssues`). Field text is kept as typed:
 * a number is passed as a number, anything else as the string it is, and the validator says what
 * is wrong with it.
 */

/** The plugin name the form's chip travels under; it appears in the validation report. */
export const CUSTOM_PLUGIN_NAME = 'custom-chip';

/** What a field's value means, for the hint next to it. */
export type FieldUnit = 'FLOP/s' | 'B' | 'B/s' | 's' | 'W' | 'USD/h' | 'fraction' | 'count' | 'text' | 'date' | 'choice';

/** One field of the form. */
export interface ChipField {
  /** Key in the form's value map, and in the shared link. */
  readonly key: string;
  readonly label: string;
  /** Path in the chip (after `chips[…].`), as validation issues name it. */
  readonly path: string;
  readonly unit: FieldUnit;
  /** Section of the form. */
  readonly group: 'Identity' | 'Compute' | 'Memory' | 'Scale-up' | 'Scale-out' | 'Power and price' | 'Efficiency';
  /** Left empty, the field is left out of the plugin (rather than reported missing). */
  readonly optional?: boolean;
  readonly options?: readonly string[];
  readonly placeholder?: string;
}

/** The form's values, by field key, as typed. */
export type ChipFields = Readonly<Record<string, string>>;

const sourced = (path: string) => `${path}.value`;

/** Every field of the form, in the order of `ChipSpec`. */
export const CHIP_FIELDS: readonly ChipField[] = [
  { key: 'id', label: 'Id', path: 'id', unit: 'text', group: 'Identity', placeholder: 'acme-x1' },
  { key: 'name', label: 'Name', path: 'name', unit: 'text', group: 'Identity', placeholder: 'Acme X1' },
  { key: 'vendor', label: 'Vendor', path: 'vendor', unit: 'text', group: 'Identity', placeholder: 'Acme' },
  { key: 'kind', label: 'Kind', path: 'kind', unit: 'choice', group: 'Identity', options: CHIP_KINDS },
  ...PRECISIONS.map(
    (p): ChipField => ({
      key: `flops.${p}`,
      label: `Peak dense ${p}`,
      path: sourced(`compute.peakDenseFlopsPerS.${p}`),
      unit: 'FLOP/s',
      group: 'Compute',
      optional: true,
      placeholder: 'unsupported',
    }),
  ),
  { key: 'memoryKind', label: 'Memory kind', path: 'memory.kind', unit: 'choice', group: 'Memory', options: MEMORY_KINDS },
  { key: 'capacity', label: 'Capacity', path: sourced('memory.capacityBytes'), unit: 'B', group: 'Memory', placeholder: '80e9' },
  { key: 'bandwidth', label: 'Bandwidth', path: sourced('memory.bandwidthBytesPerS'), unit: 'B/s', group: 'Memory', placeholder: '3.35e12' },
  { key: 'usable', label: 'Usable fraction', path: sourced('memory.usableFraction'), unit: 'fraction', group: 'Memory', placeholder: '0.9' },
  { key: 'upBandwidth', label: 'Link bandwidth (per direction)', path: sourced('scaleUp.bandwidthBytesPerS'), unit: 'B/s', group: 'Scale-up', placeholder: '450e9' },
  { key: 'upDomain', label: 'Domain size', path: sourced('scaleUp.domainSize'), unit: 'count', group: 'Scale-up', placeholder: '8' },
  { key: 'topology', label: 'Topology', path: 'scaleUp.topology', unit: 'choice', group: 'Scale-up', options: TOPOLOGIES },
  { key: 'upHop', label: 'Hop latency', path: sourced('scaleUp.hopLatencyS'), unit: 's', group: 'Scale-up', placeholder: '1e-6' },
  { key: 'upCollective', label: 'Collective latency', path: sourced('scaleUp.collectiveLatencyS'), unit: 's', group: 'Scale-up', optional: true, placeholder: 'per-hop sum' },
  { key: 'outBandwidth', label: 'Bandwidth (per direction)', path: sourced('scaleOut.bandwidthBytesPerS'), unit: 'B/s', group: 'Scale-out', placeholder: '50e9' },
  { key: 'outHop', label: 'Hop latency', path: sourced('scaleOut.hopLatencyS'), unit: 's', group: 'Scale-out', placeholder: '5e-6' },
  { key: 'idleW', label: 'Idle power', path: sourced('power.idleW'), unit: 'W', group: 'Power and price', placeholder: '100' },
  { key: 'maxW', label: 'Max power', path: sourced('power.maxW'), unit: 'W', group: 'Power and price', placeholder: '700' },
  { key: 'price', label: 'Price per chip-hour', path: sourced('price.usdPerChipHour'), unit: 'USD/h', group: 'Power and price', placeholder: '2.50' },
  { key: 'asOf', label: 'Price as of', path: 'price.asOf', unit: 'date', group: 'Power and price', placeholder: 'YYYY-MM-DD' },
  { key: 'effFlop', label: 'η_flop', path: sourced('efficiency.flop'), unit: 'fraction', group: 'Efficiency', placeholder: '0.7' },
  { key: 'effMemory', label: 'η_mem', path: sourced('efficiency.memory'), unit: 'fraction', group: 'Efficiency', placeholder: '0.8' },
  { key: 'effWeightMemory', label: 'η_mem of dense weights', path: sourced('efficiency.weightMemory'), unit: 'fraction', group: 'Efficiency', optional: true, placeholder: 'η_mem' },
  { key: 'effNetwork', label: 'η_net', path: sourced('efficiency.network'), unit: 'fraction', group: 'Efficiency', placeholder: '0.75' },
  { key: 'layerOverhead', label: 't_layer', path: sourced('efficiency.layerOverheadS'), unit: 's', group: 'Efficiency', placeholder: '5e-6' },
  { key: 'commOverlap', label: 'Prefill comm overlap', path: sourced('efficiency.commOverlap'), unit: 'fraction', group: 'Efficiency', optional: true, placeholder: '0' },
  { key: 'source', label: 'Source of these numbers', path: 'source', unit: 'text', group: 'Identity', placeholder: 'datasheet, section' },
];

/** A field's text as the plugin holds it: a number when it reads as one, else the text itself. */
function valueOf(text: string): number | string {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== '' && !Number.isNaN(n) ? n : trimmed;
}

function isEmpty(fields: ChipFields, key: string): boolean {
  return (fields[key] ?? '').trim() === '';
}

/** Writes `value` at a dotted path, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys.at(-1) ?? ''] = value;
}

/**
 * The one-chip hardware plugin the form describes, exactly as a plugin file would hold it: what
 * `validateHardware` (and the CLI, given this object as JSON) checks.
 *
 * @example
 * const plugin = pluginFromFields({ id: 'acme-x1', capacity: '80e9' });
 * validateHardware(plugin).ok; // false: the other fields are missing
 */
export function pluginFromFields(fields: ChipFields): unknown {
  const source = (fields['source'] ?? '').trim();
  const chip: Record<string, unknown> = {};
  for (const field of CHIP_FIELDS) {
    if (field.key === 'source') continue;
    const empty = isEmpty(fields, field.key);
    if (empty && field.optional === true) continue;
    const text = fields[field.key] ?? '';
    if (field.path.endsWith('.value')) {
      // A sourced number: { value, source }. An empty required value is left out, so the
      // validator reports `….value: is missing` at the field the user has to fill.
      const at = field.path.slice(0, -'.value'.length);
      const entry: Record<string, unknown> = { source };
      if (!empty) entry['value'] = valueOf(text);
      setPath(chip, at, entry);
    } else if (!empty) {
      setPath(chip, field.path, field.unit === 'choice' || field.unit === 'text' || field.unit === 'date' ? text.trim() : valueOf(text));
    }
  }
  return { apiVersion: HARDWARE_API_VERSION, meta: { name: CUSTOM_PLUGIN_NAME, version: '1.0.0' }, chips: [chip] };
}

/** The outcome of checking the form. */
export type CustomChipCheck =
  | { readonly ok: true; readonly chip: ChipSpec; readonly plugin: HardwarePlugin }
  | {
      readonly ok: false;
      readonly issues: readonly HardwareIssue[];
      /** `formatIssues`' report, as the CLI prints it after `ridgeline: error: `. */
      readonly report: string;
      /** Issues by form field key; issues that match no field are under `''`. */
      readonly byField: ReadonlyMap<string, readonly HardwareIssue[]>;
    };

/** The form field an issue path (`chips[acme-x1].memory.capacityBytes.value`) points at. */
export function fieldForIssue(path: string): string {
  const inner = path.replace(/^chips\[[^\]]*\]\.?/, '');
  if (inner.endsWith('.source')) return 'source';
  let best: ChipField | undefined;
  for (const field of CHIP_FIELDS) {
    const base = field.path.endsWith('.value') ? field.path.slice(0, -'.value'.length) : field.path;
    if (inner === field.path || inner === base || inner.startsWith(`${base}.`)) {
      if (best === undefined || field.path.length > best.path.length) best = field;
    }
  }
  return best?.key ?? '';
}

/**
 * Checks the form with `validateHardware`.
 *
 * @example
 * const check = checkCustomChip(fields);
 * if (!check.ok) show(check.report); // 'Invalid hardware plugin "custom-chip": 2 problems\n  - chips[acme-x1]…'
 */
export function checkCustomChip(fields: ChipFields): CustomChipCheck {
  const result = validateHardware(pluginFromFields(fields));
  if (result.ok) {
    const chip = result.plugin.chips[0];
    if (chip !== undefined) return { ok: true, chip, plugin: result.plugin };
  }
  const issues = result.ok ? [] : result.issues;
  const byField = new Map<string, HardwareIssue[]>();
  for (const issue of issues) {
    const key = fieldForIssue(issue.path);
    byField.set(key, [...(byField.get(key) ?? []), issue]);
  }
  return { ok: false, issues, report: formatIssues(issues, CUSTOM_PLUGIN_NAME), byField };
}

function constantOf(e: Efficiency | undefined): string {
  if (e === undefined) return '';
  // The form holds constants; a curve is shown at its value for a large matmul (AI 300) or a 1 MB message.
  const value = 'value' in e ? e.value : efficiencyAt(e, e.over === 'messageBytes' ? 2 ** 20 : 300);
  return String(value);
}

/**
 * The form's values for an existing chip: a starting point for a custom one.
 *
 * @example
 * fieldsFromChip(h100Sxm).capacity; // '85521803264'
 */
export function fieldsFromChip(chip: ChipSpec): Record<string, string> {
  const fields: Record<string, string> = {
    id: `${chip.id}-custom`,
    name: `${chip.name} (custom)`,
    vendor: chip.vendor,
    kind: chip.kind,
    memoryKind: chip.memory.kind,
    capacity: String(chip.memory.capacityBytes.value),
    bandwidth: String(chip.memory.bandwidthBytesPerS.value),
    usable: String(chip.memory.usableFraction.value),
    upBandwidth: String(chip.scaleUp.bandwidthBytesPerS.value),
    upDomain: String(chip.scaleUp.domainSize.value),
    topology: chip.scaleUp.topology,
    upHop: String(chip.scaleUp.hopLatencyS.value),
    upCollective: chip.scaleUp.collectiveLatencyS === undefined ? '' : String(chip.scaleUp.collectiveLatencyS.value),
    outBandwidth: String(chip.scaleOut.bandwidthBytesPerS.value),
    outHop: String(chip.scaleOut.hopLatencyS.value),
    idleW: String(chip.power.idleW.value),
    maxW: String(chip.power.maxW.value),
    price: String(chip.price.usdPerChipHour.value),
    asOf: chip.price.asOf,
    effFlop: constantOf(chip.efficiency.flop),
    effMemory: constantOf(chip.efficiency.memory),
    effWeightMemory: constantOf(chip.efficiency.weightMemory),
    effNetwork: constantOf(chip.efficiency.network),
    layerOverhead: String(chip.efficiency.layerOverheadS.value),
    commOverlap: chip.efficiency.commOverlap === undefined ? '' : String(chip.efficiency.commOverlap.value),
    source: `custom chip based on ${chip.name}`,
  };
  for (const p of PRECISIONS) {
    const peak = chip.compute.peakDenseFlopsPerS[p];
    fields[`flops.${p}`] = peak === undefined ? '' : String(peak.value);
  }
  return fields;
}

/** Field keys the form knows; anything else in a shared link is reported. */
export const CHIP_FIELD_KEYS: ReadonlySet<string> = new Set(CHIP_FIELDS.map((f) => f.key));
