export { runCli, main } from './run-cli.ts';
export type { CliIo } from './io.ts';
export { EXIT_CODES, Interrupted, UserError, type StopSignal } from './errors.ts';
export type { RidgelineConfig } from './config.ts';
