// Jest reporter: prints one plain closing line per runner ("jest: N passed, N failed, N skipped")
// and writes test-results.json so the root summary can add the workspaces up (turbo caches it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const summary = { passed, failed, skipped, suites: results.numTotalTestSuites };
    writeFileSync(join(this.rootDir, 'test-results.json'), JSON.stringify(summary) + '\n');
    process.stdout.write(`\njest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
