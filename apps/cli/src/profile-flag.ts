import { withEfficiencyProfile, type ChipSpec } from '@ridgeline/hardware';
import { quoted, UserError } from './errors.ts';

/** `--stack` or `--efficiency-profile` (one name; both only when they agree). */
export function profileFlag(stack: string | undefined, profile: string | undefined): string | undefined {
  // each name is checked first, so the message that compares them quotes only well-formed names
  for (const [flag, name] of [['stack', stack], ['efficiency-profile', profile]] as const) {
    if (name !== undefined && !/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
      throw new UserError(`--${flag} must be a profile name (lowercase letters, digits, dots and dashes, e.g. sglang or 2023), got ${quoted(name)}`);
    }
  }
  if (stack !== undefined && profile !== undefined && stack !== profile) {
    throw new UserError(`--stack ${stack} and --efficiency-profile ${profile} name different profiles; give one`);
  }
  return stack ?? profile;
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

/** A string flag's definition, as citty reads it. */
export interface ProfileArgDef {
  readonly type: 'string';
  readonly valueHint: string;
  readonly description: string;
}

/** `--stack`, as `estimate`, `plan` and `sweep` declare it (`train` words it for training stacks). */
export const STACK_ARG: ProfileArgDef = {
  type: 'string',
  valueHint: 'name',
  description:
    "Efficiency profile of a serving stack or era (sglang, trtllm, vllm, atom, 2023, …): the chips' efficiencies for it; a chip without that profile keeps its usual ones, with a note (default: each chip's best-fitted current stack)",
};

/** `--efficiency-profile`, the same as `--stack` by its general name. */
export const EFFICIENCY_PROFILE_ARG: ProfileArgDef = {
  type: 'string',
  valueHint: 'name',
  description: 'The same as --stack, by its general name (e.g. 2023, the stacks of the published paper rows)',
};
