// The suite's closing line, `containers: N passed, N failed`, written when the process exits so it
// comes after Jest's own summary.
class ContainersSummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once('exit', () => {
      process.stdout.write(`\ncontainers: ${results.numPassedTests} passed, ${failed} failed\n`);
    });
  }
}

module.exports = ContainersSummaryReporter;
