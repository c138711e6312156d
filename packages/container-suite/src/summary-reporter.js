// Prints the suite's closing line, `containers: N passed, N failed`, after Jest's own summary.
class ContainersSummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ncontainers: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = ContainersSummaryReporter;
