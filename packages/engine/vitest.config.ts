import { defineConfig } from 'vitest/config';

// Test against sibling packages' sources, not their dist (see the exports maps).
export default defineConfig({
  resolve: { conditions: ['@ridgeline/source'] },
  ssr: { resolve: { conditions: ['@ridgeline/source'] } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
