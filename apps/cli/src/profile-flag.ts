import { withEfficiencyProfile, type ChipSpec } from '@ridgeline/hardware';
import { UserError } from './errors.ts';

/** `--stack` or `--efficiency-profile` (one name; both only when they agree). */
export function profileFlag(stack: string | undefined, profile: string | undefined): string | undefined {
  if (stack !== undefined && profile !== undefined && stack !== profile) {
    throw new UserError(`--stack ${stack} and --efficiency-profile ${profile} name different profiles; give one`);
  }
  const name = stack ?? profile;
  if (name !== undefined && !/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
    throw new UserError(`--${stack === undefined ? 'efficiency-profile' : 'stack'} must be a profile name (lowercase letters, digits, dots and dashes, e.g. sglang or 2023), got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * `chip` on the profile `name` (none: the chip as it is). A chip without that profile keeps its
 * defaults, and `note` gets the one line that says so: a note, not an error (docs/MODEL.md §9).
 */
export function chipOnProfile(chip: ChipSpec, name: string | undefined, note: (message: string) => void): ChipSpec {
  if (name === undefined) return chip;
  const selected = withEfficiencyProfile(chip, name);
  if (selected.note !== undefined) note(selected.note);
  return selected.chip;
}
