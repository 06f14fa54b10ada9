// npm test: runs every tests/*.test.mjs with node's test runner, printing the spec report and writing JUnit XML to
// $DIRECTUPLOAD_BROWSER_RESULTS_DIR/browser.xml (eng/test.sh sets it and adds the counts to its closing line;
// default: artifacts/test-results/browser at the repository root).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(here, '..');
const repoRoot = path.resolve(projectDir, '../..');
const resultsDir = process.env.DIRECTUPLOAD_BROWSER_RESULTS_DIR || path.join(repoRoot, 'artifacts', 'test-results', 'browser');
mkdirSync(resultsDir, { recursive: true });

const testDir = path.join(projectDir, 'tests');
const files = readdirSync(testDir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(testDir, f));
if (files.length === 0) {
  console.error(`no *.test.mjs in ${testDir}`);
  process.exit(1);
}

const result = spawnSync(process.execPath, [
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=junit', `--test-reporter-destination=${path.join(resultsDir, 'browser.xml')}`,
  ...files,
], { stdio: 'inherit', cwd: projectDir });
if (result.error) {
  console.error(result.error);
  process.exit(1);
}
process.exit(result.status ?? 1);
