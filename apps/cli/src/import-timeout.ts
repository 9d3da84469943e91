import { DEFAULT_IMPORT_TIMEOUT_MS } from '@ridgeline/hardware/node';
import { quoted, UserError } from './errors.ts';

/**
 * How long a plugin module may take to import: `RIDGELINE_PLUGIN_TIMEOUT_MS`, else 10 s
 * (`DEFAULT_IMPORT_TIMEOUT_MS`). A module (a plugin, or a `ridgeline.config.*` module) that loops
 * or waits at import is stopped then.
 *
 * @example
 * pluginImportTimeoutMs(); // 10000 unless RIDGELINE_PLUGIN_TIMEOUT_MS says otherwise
 */
export function pluginImportTimeoutMs(): number {
  const raw = process.env['RIDGELINE_PLUGIN_TIMEOUT_MS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_IMPORT_TIMEOUT_MS;
  const value = /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= 1 && value <= 3_600_000)) {
    throw new UserError(`RIDGELINE_PLUGIN_TIMEOUT_MS must be a whole number of milliseconds from 1 to 3600000, got ${quoted(raw)}`);
  }
  return value;
}
