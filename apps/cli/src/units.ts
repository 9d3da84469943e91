// The one grammar of numbers on the command line, with units where a value is a quantity. Every
// numeric flag reads its number here, so `0x10`, `1_000`, `8x` and `` are rejected the same way
// everywhere (Number() would take the first, parseFloat the third, and both the last as 0).

/** A decimal number: optional sign, digits with an optional fraction, optional exponent (`2`, `-0.05`, `.5`, `15e12`). */
export const DECIMAL_SOURCE = '[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';
const DECIMAL = new RegExp(`^${DECIMAL_SOURCE}$`);
/** A number and an optional unit, at most one space between them (`500ms`, `500 ms`). */
const WITH_UNIT = new RegExp(`^(${DECIMAL_SOURCE}) ?([^\\s0-9.+-][^\\s]*)?$`);

/**
 * A number in the CLI's grammar, or undefined for anything else: hex, `_` separators, empty
 * text, trailing characters, NaN, Infinity, or a value too large to be finite. Surrounding
 * whitespace is ignored.
 *
 * @example
 * decimal('1e-3'); // 0.001
 * decimal('0x10'); // undefined
 */
export function decimal(raw: string): number | undefined {
  const text = raw.trim();
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** The kinds of quantity a value can carry a unit for. */
export type Quantity = 'duration' | 'power' | 'energy' | 'bytes';

/** Each quantity's units, in its base unit (s, W, J, bytes); the first is the base. */
const UNITS: Readonly<Record<Quantity, Readonly<Record<string, number>>>> = {
  duration: { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, min: 60, h: 3600, d: 86_400 },
  power: { W: 1, kW: 1e3, MW: 1e6, GW: 1e9 },
  energy: { J: 1, mJ: 1e-3, kJ: 1e3, MJ: 1e6, GJ: 1e9, Wh: 3600, kWh: 3.6e6, MWh: 3.6e9, GWh: 3.6e12 },
  bytes: { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 },
};

/** Durations read without regard to case (`2S`, `500MS`): no duration unit differs from another by case alone. */
function unitFactor(quantity: Quantity, unit: string): number | undefined {
  const units = UNITS[quantity];
  if (quantity !== 'duration') return units[unit];
  return Object.entries(units).find(([name]) => name.toLowerCase() === unit.toLowerCase())?.[1];
}

/**
 * A quantity in its base unit (seconds, watts, joules, bytes): a number in the CLI's grammar,
 * optionally followed by one of the quantity's units (`quantityUnits`); a bare number is in the
 * base unit. Undefined for anything else.
 *
 * @example
 * quantity('1.5min', 'duration'); // 90
 * quantity('700W', 'power'); // 700
 * quantity('20MW', 'power'); // 2e7
 * quantity('2 s', 'power'); // undefined
 */
export function quantity(raw: string, kind: Quantity): number | undefined {
  const match = WITH_UNIT.exec(raw.trim());
  if (match === null) return undefined;
  const factor = match[2] === undefined ? 1 : unitFactor(kind, match[2]);
  const value = factor === undefined ? Number.NaN : Number(match[1]) * factor;
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The units a quantity takes, for messages and the README.
 *
 * @example
 * quantityUnits('power'); // ['W', 'kW', 'MW', 'GW']
 */
export function quantityUnits(kind: Quantity): readonly string[] {
  return Object.keys(UNITS[kind]);
}
