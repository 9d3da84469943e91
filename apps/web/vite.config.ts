import { defaultClientConditions, defineConfig } from 'vite';

// Relative base: the built site works from any static host and any sub-path (GitHub Pages,
// an S3 prefix, a file share). The page's state lives in the URL fragment, so no server routing.
// `@ridgeline/source` resolves the workspace packages to their TypeScript sources, like vitest does.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@ridgeline/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 800 },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
