// npm test: node's test runner over test/*.test.mjs; JUnit XML to $DIRECTUPLOAD_BROWSER_RESULTS_DIR/directupload-js.xml
// when eng/test.sh sets it (its counts then join the closing line).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(root, 'test', f));
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
const results = process.env.DIRECTUPLOAD_BROWSER_RESULTS_DIR;
if (results) {
  mkdirSync(results, { recursive: true });
  reporters.push('--test-reporter=junit', `--test-reporter-destination=${path.join(results, 'directupload-js.xml')}`);
}
const run = spawnSync(process.execPath, ['--test', ...reporters, ...files], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
