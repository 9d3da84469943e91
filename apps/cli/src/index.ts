export { runCli, main } from './run-cli.ts';
export type { CliIo } from './io.ts';
export { EXIT_CODES, UserError } from './errors.ts';
export type { RidgelineConfig } from './config.ts';
