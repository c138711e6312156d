import { defineConfig } from 'tsup';

// Internal packages are source-only TypeScript: bundle them so the container runs plain JS.
// Third-party packages stay external (required from node_modules at run time): several resolve
// files next to themselves (Prisma's runtime, @ffmpeg-installer binaries), which breaks once
// bundled. The image's `pnpm deploy --prod` installs them, hoisted, beside dist/.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@podfleet\//],
  skipNodeModulesBundle: true,
  clean: true,
});
