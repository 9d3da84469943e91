#!/usr/bin/env node
import { runCli } from './run-cli.ts';

// `ridgeline hardware list | head -1` closes the pipe early: that is not an error worth a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
