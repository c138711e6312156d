// Writes each package's Jest totals to $PODFLEET_TEST_SUMMARY_DIR so `npm test` can print one
// closing line for the whole workspace.
const { mkdirSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.PODFLEET_TEST_SUMMARY_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const name = `${basename(join(this.rootDir, '..'))}-${basename(this.rootDir)}`;
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        pending: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
