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
//
// Speed: `npm test` gives every file a Node process of its own, one after the other; most of a
// unit test file's time is then that process's start-up and the TypeScript it loads. Here the
// files are split into one shard per core, each run in a single process (--test-isolation=none:
// unit tests keep no global state, and every file runs isolated in `npm test` anyway), the shards
// side by side. Shards are balanced by how long each file took last time (recorded by
// scripts/test-unit-timings.mjs in node_modules/.cache/test-unit/), longest first. Node's compile
// cache, in the same folder, keeps the stripped TypeScript of the bpm runs that tests spawn.
// A file that signals its own process (`process.kill(process.pid, …)`) would signal the whole
// shard, whose test runner takes SIGTERM/SIGINT as an interrupt: such files get a process each.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cacheDir = join(root, 'node_modules/.cache/test-unit');
const timingsFile = join(cacheDir, 'timings.json');

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

/** Files that signal their own process: they run with a process of their own per file. */
const SIGNALS_ITSELF = /process\.kill\(\s*process\.pid/;

/** Milliseconds each file took in the last run (absolute path → ms); empty before the first. */
function lastTimings() {
  try {
    return JSON.parse(readFileSync(timingsFile, 'utf8'));
  } catch {
    return {};
  }
}

/** `files` in `n` shards of about equal time: longest first, each to the least loaded shard. */
export function shard(files, n, msOf) {
  const shards = Array.from({ length: n }, () => ({ files: [], ms: 0 }));
  const byTime = [...files].sort((a, b) => msOf(b) - msOf(a) || a.localeCompare(b));
  for (const f of byTime) {
    const s = shards.reduce((min, x) => (x.ms < min.ms ? x : min));
    s.files.push(f);
    s.ms += msOf(f);
  }
  return shards.filter((s) => s.files.length > 0).map((s) => s.files.sort());
}

/** Run one shard; resolves with its exit code, output and the per-file timings it recorded. */
function runShard(files, index, args, isolation = 'none') {
  const timings = join(cacheDir, `timings-${process.pid}-${index}.json`);
  const child = spawn(
    process.execPath,
    [
      '--test',
      `--test-isolation=${isolation}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(root, 'scripts/test-unit-timings.mjs')}`,
      `--test-reporter-destination=${timings}`,
      ...args,
      ...files,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { NODE_COMPILE_CACHE: cacheDir, ...process.env } },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    output += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    output += d;
  });
  return new Promise((resolve) => {
    child.once('close', (code) => {
      let recorded = {};
      try {
        recorded = JSON.parse(readFileSync(timings, 'utf8'));
      } catch {
        // a shard that died before its reporter wrote: no timings from it
      }
      rmSync(timings, { force: true });
      resolve({ code: code ?? 1, output, recorded });
    });
  });
}

async function main(args) {
  const files = unitTestFiles();
  if (args.includes('--list')) {
    process.stdout.write(`${files.join('\n')}\n`);
    return 0;
  }
  mkdirSync(cacheDir, { recursive: true });
  const timings = lastTimings();
  const known = Object.values(timings);
  const typical = known.length === 0 ? 100 : known.sort((a, b) => a - b)[Math.floor(known.length / 2)];
  const msOf = (f) => timings[join(root, f)] ?? typical;
  const started = performance.now();
  const alone = files.filter((f) => SIGNALS_ITSELF.test(readFileSync(join(root, f), 'utf8')));
  const shared = files.filter((f) => !alone.includes(f));
  const shards = shard(shared, Math.max(1, availableParallelism()), msOf);
  const runs = shards.map((s, i) => runShard(s, i, args));
  if (alone.length > 0) runs.push(runShard(alone, shards.length, args, 'process'));
  let status = 0;
  const results = await Promise.all(
    runs.map((run) =>
      run.then((r) => {
        process.stdout.write(r.output); // each shard's report as it finishes, never interleaved
        status = Math.max(status, r.code);
        return r;
      }),
    ),
  );
  for (const r of results) Object.assign(timings, r.recorded);
  writeFileSync(timingsFile, `${JSON.stringify(timings)}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `test:unit: ${files.length} files in ${shards.length} shards, ${seconds} s, ${status === 0 ? 'all passed' : 'FAILED (see above)'}\n`,
  );
  return status;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
