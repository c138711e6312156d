// Shared Jest setup for every workspace package: swc for TypeScript, one database and queue
// prefix per run (test/global-setup.ts), suites inside a package run serially (--runInBand semantics).
const path = require('node:path');

module.exports = (packageDir) => ({
  rootDir: packageDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ESM-only dependencies are compiled to CommonJS like our own sources, and so is the OTLP
  // exporter's CommonJS, whose `import('http')` Jest's VM cannot run (Node itself can).
  transformIgnorePatterns: [
    '/node_modules/(?!.pnpm/)(?!(espeak-ng|linkedom|htmlparser2|entities|domhandler|domutils|dom-serializer|uhyphen|html-escaper|cssom|css-select|css-what|nth-check|boolbase|domelementtype|cssomnom|@opentelemetry/otlp-exporter-base|github-slugger|file-type|strtok3|token-types|uint8array-extras|@tokenizer/inflate|@tokenizer/token|@borewit/text-codec|@plussub/srt-vtt-parser)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: path.join(__dirname, 'test/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'test/global-teardown.ts'),
  reporters: ['default', path.join(__dirname, 'test/summary-reporter.js')],
  maxWorkers: 1,
  testTimeout: 60_000,
});
