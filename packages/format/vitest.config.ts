import { defineConfig } from 'vitest/config';

// Like the other packages; this one has no workspace dependencies, so the condition changes nothing yet.
export default defineConfig({ resolve: { conditions: ['@ridgeline/source'] }, ssr: { resolve: { conditions: ['@ridgeline/source'] } } });
