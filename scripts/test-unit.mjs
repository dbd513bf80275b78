// npm run test:unit — the edit-test loop: every test that needs neither root nor runc nor the
// built bundle, from source, in seconds. `npm test` stays the whole suite.
//
// The selection is a convention, so a new test lands on the right side without editing a list:
//   - test/integration/, test/reliability/ and test/examples/ are never unit tests;
//   - nor is any other test file that imports the real-runc harness (test/helpers/bosh-root.ts),
//     the built-bin/bpm runner (test/cli/run-bpm.ts; bpm's pre-run requires root), the release
//     tarball builder (test/scripts/release/build-tarball.ts) or the BOSH agent (test/release/agent.ts).
// `node scripts/test-unit.mjs --list` prints the selection instead of running it; any other
// arguments go to `node --test` (e.g. --test-name-pattern=…).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Folders (relative to the repository) whose tests drive real runc, monit or the demo. */
const NOT_UNIT_FOLDERS = ['test/integration/', 'test/reliability/', 'test/examples/'];
/** Importing one of these makes a test file an integration test, wherever it lives. */
const NOT_UNIT_HELPERS = /from '[./]*(?:helpers\/bosh-root|cli\/run-bpm|run-bpm|build-tarball|agent)\.ts'/;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

function unitTestFiles() {
  return testFiles(join(root, 'test'))
    .filter((f) => !NOT_UNIT_FOLDERS.some((d) => f.startsWith(d)))
    .filter((f) => !NOT_UNIT_HELPERS.test(readFileSync(join(root, f), 'utf8')))
    .sort();
}

const args = process.argv.slice(2);
const files = unitTestFiles();
if (args.includes('--list')) {
  process.stdout.write(`${files.join('\n')}\n`);
} else {
  const r = spawnSync(process.execPath, ['--test', ...args, ...files], { cwd: root, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}
