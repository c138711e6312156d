// The scenarios share one fleet of real processes and run in order; each waits on real recovery
// (stalled checks, backoff), hence the longer per-test timeout.
module.exports = { ...require('../../jest.preset.js')(__dirname), testTimeout: 120_000 };
