// The one bundle every app (apps/*/tsup.config.ts) builds: `export default defineConfig(appBundle)`.
// Internal packages are source-only TypeScript: bundle them so the container runs plain JS.
// Third-party packages stay external (required from node_modules at run time): several resolve
// files next to themselves (Prisma's runtime, @ffmpeg-installer binaries), which breaks once
// bundled. The image's `pnpm deploy --prod` installs them, hoisted, beside dist/.
// No `keepNames` with `minify`: the loudness DSP runs in a worker thread from its own source text
// (packages/assembly/src/dsp-thread.ts), where a renamed `__name` helper would be missing.
// Plain data, so this file needs no tsup of its own (tsup is each app's dependency, not the root's).
export const appBundle = {
  entry: ['src/main.ts'],
  format: ['cjs' as const],
  platform: 'node' as const,
  target: 'node20',
  noExternal: [/^@podfleet\//],
  skipNodeModulesBundle: true,
  clean: true,
};
