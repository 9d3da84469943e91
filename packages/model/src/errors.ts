/**
 * A mistake in the caller's input (NaN, a negative batch, a fraction out of range): the message
 * names the field, what it got, and what is allowed. Front ends print `message` without a stack.
 *
 * Configurations that are well-formed but break a parallelism or capacity rule are not errors:
 * they return `feasible: false` with a reason code.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Dotted path of the offending field, e.g. `batch` or `parallelism.tp`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
