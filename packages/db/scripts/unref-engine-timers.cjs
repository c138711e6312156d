// Preloaded into the Prisma 6 CLI by prisma6.mjs. The wasm schema engine arms a 10 s timer around
// the migration advisory lock and never clears it, so `migrate deploy` sits idle for 10 s after
// finishing. Long timers armed from wasm are unref'd: they still fire while the CLI is busy, but
// no longer keep a finished CLI alive.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = function setTimeoutUnrefEngine(callback, ms, ...args) {
  const timer = setTimeoutOriginal.call(this, callback, ms, ...args);
  if (ms >= 5000 && /wasm-function/.test(new Error().stack ?? '')) timer.unref();
  return timer;
};
