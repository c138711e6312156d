// Offline: renders docker/k8s and validates it; no database or Redis, so not the preset's global setup.
const base = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  resolver: '<rootDir>/jest.resolver.js',
  transformIgnorePatterns: [
    '/node_modules/(?!.pnpm/)(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)/)',
  ],
};
