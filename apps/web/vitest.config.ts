import { defineConfig } from 'vitest/config';

// Unit tests (src/**/*.test.ts) run against sibling packages' sources; the end-to-end test
// (e2e/*.test.ts) drives the built site in Chromium (e2e/chromium.ts finds one) and needs more time.
export default defineConfig({
  resolve: { conditions: ['@ridgeline/source'] },
  ssr: { resolve: { conditions: ['@ridgeline/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
