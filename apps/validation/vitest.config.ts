import { defineConfig } from 'vitest/config';

// Test against sibling packages' sources, not their dist (see the exports maps). The test budget is
// generous because `pnpm test` runs every package's suite at once on CI's two cores, where a test of
// a few seconds alone takes several times longer; a hang still fails, at the budget.
export default defineConfig({
  resolve: { conditions: ['@ridgeline/source'] },
  ssr: { resolve: { conditions: ['@ridgeline/source'] } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
