// Prints "N passed, N failed, N skipped" from Vitest's JSON report; exits 1 when no test ran.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(file)) {
  console.log(`ci: no test report at ${file} (typecheck, lint or build failed before the tests ran)`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A test file that cannot even load fails as a suite with no test inside: count it as a failure.
const brokenSuites = (report.numFailedTests ?? 0) === 0 ? (report.numFailedTestSuites ?? 0) : 0;
const failed = (report.numFailedTests ?? 0) + brokenSuites;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.log('ci: no test ran');
  process.exit(1);
}
