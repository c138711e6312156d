// The container suite: one compose fleet, scenarios in order (no database of the host is used,
// so not the shared preset's global setup). Building images and recovering from kills take minutes.
const base = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...base,
  testMatch: ['<rootDir>/src/**/*.containers.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  reporters: ['default', '<rootDir>/src/summary-reporter.js'],
  testTimeout: 300_000,
};
