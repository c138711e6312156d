import { defineConfig } from 'tsup';

// Internal packages are source-only TypeScript: bundle them so the container runs plain JS.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@podfleet\//],
  clean: true,
});
