import { defineConfig } from 'vitest/config';

// These tests pack, install and run the built packages with npm and node: minutes, not milliseconds.
// They never import the workspace packages themselves, so no `@ridgeline/source` condition here.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 240_000 } });
