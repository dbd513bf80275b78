// Bundles bpm into dist/ with esbuild, as CommonJS (docs/performance.md: Node's ES module loader
// and the ESM facades of built-in modules cost ~10 ms per invocation):
//   dist/main.js  the entry: loads ./cli.js with bpm's warm V8 code cache (src/startup/code-cache.ts)
//   dist/cli.js   everything else in one file; command modules are initialised lazily
// koffi stays external (native addon).
//
// The version is stamped only when BPM_VERSION is set (`npm run release` sets it to the release's
// version); a plain build prints `[DEV BUILD]`, as upstream's unstamped build does.
// `--out DIR` (relative to the repository) builds somewhere other than dist/, and
// `--sea` adds dist/sea.js, the entry of the single executable (scripts/release/sea.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const { values: opts } = parseArgs({ options: { out: { type: 'string' }, sea: { type: 'boolean' } } });
const out = opts.out ?? 'dist';
// Build next to the output and swap it in with renames, so a bpm running meanwhile never sees a
// half-written or missing bundle.
const next = `${out}.next-${process.pid}`;
const old = `${out}.old-${process.pid}`;
const version = process.env.BPM_VERSION;

const common = {
  absWorkingDir: root,
  outdir: next,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: ['koffi'],
  define: {
    ...(version ? { BPM_VERSION: JSON.stringify(version) } : {}),
    // createRequire(import.meta.url) (src/sys/libc.ts) takes a path as well as a URL.
    'import.meta.url': '__filename',
  },
  logLevel: 'warning',
  legalComments: 'none',
};

/** src/main.ts loads the CLI through `import('./cli/main.ts')`: point that at dist/cli.js. */
const cliExternal = {
  name: 'cli-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli\/main\.ts$/ }, () => ({ path: './cli.js', external: true }));
  },
};

// The supervisor's probe thread (src/supervisor/probes/probe-thread.ts) runs its own small bundle,
// carried in the CLI's as a string: a worker can then be started from the single executable too.
// An eval'd worker has no file of its own (`__filename` is not a path), so its import.meta.url
// (createRequire in src/sys/libc.ts, to load koffi) is the CLI bundle's, which probe-thread.ts
// hands it as workerData.
const probeWorker = await build({
  ...common,
  define: { ...common.define, 'import.meta.url': 'BPM_WORKER_DATA.moduleUrl' },
  banner: { js: '"use strict";const BPM_WORKER_DATA = require("node:worker_threads").workerData;' },
  entryPoints: ['src/supervisor/probes/worker-main.ts'],
  outdir: undefined,
  write: false,
  minify: true,
});
common.define = { ...common.define, BPM_PROBE_WORKER: JSON.stringify(probeWorker.outputFiles[0].text) };

await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' } });
// Names bpm's code cache files (src/startup/code-cache.ts): V8 itself only checks the source length.
const bundleHash = createHash('sha256')
  .update(readFileSync(`${root}${next}/cli.js`))
  .digest('hex')
  .slice(0, 16);
// `supported` turns that import() into require(), keeping Node's ES module loader out entirely.
await build({
  ...common,
  define: { ...common.define, BPM_BUNDLE_HASH: JSON.stringify(bundleHash) },
  entryPoints: { main: 'src/main.ts' },
  plugins: [cliExternal],
  supported: { 'dynamic-import': false },
});
// The single executable's script: the whole CLI in one file, no code-cache loader (Node embeds
// the code cache in the executable itself).
if (opts.sea)
  await build({ ...common, entryPoints: { sea: 'src/sea.ts' }, supported: { 'dynamic-import': false } });
// package.json says "type": "module"; dist/ holds CommonJS.
writeFileSync(`${root}${next}/package.json`, '{ "type": "commonjs" }\n');

mkdirSync(dirname(`${root}${out}`), { recursive: true });
if (existsSync(`${root}${out}`)) renameSync(`${root}${out}`, `${root}${old}`);
renameSync(`${root}${next}`, `${root}${out}`);
// dist/release/ holds `npm run release`'s tarballs, not the bundle: it stays across builds.
if (existsSync(`${root}${old}/release`)) renameSync(`${root}${old}/release`, `${root}${out}/release`);
rmSync(`${root}${old}`, { recursive: true, force: true });
