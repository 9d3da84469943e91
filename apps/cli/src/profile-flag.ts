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
