import { defineConfig } from 'tsup';

// Internal packages are source-only TypeScript: bundle them so the container runs plain JS.
// Third-party packages stay external (required from node_modules at run time): several resolve
// files next to themselves (Prisma's runtime, @ffmpeg-installer binaries), which breaks once
// bundled. The image's `pnpm deploy --prod` installs them, hoisted, beside dist/.
// No `keepNames` with `minify`: the loudness DSP runs in a worker thread from its own source text
// (packages/assembly/src/dsp-thread.ts), where a renamed `__name` helper would be missing.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@podfleet\//],
  skipNodeModulesBundle: true,
  clean: true,
});
