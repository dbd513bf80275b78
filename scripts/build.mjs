// Bundles bpm into dist/ with esbuild, as CommonJS (docs/performance.md: Node's ES module loader
// and the ESM facades of built-in modules cost ~10 ms per invocation):
//   dist/main.js  the entry: loads ./cli.js with bpm's warm V8 code cache (src/host/code-cache.ts)
//   dist/cli.js   everything else in one file; command modules are initialised lazily
// koffi stays external (native addon).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
// Build next to dist/ and swap it in with renames, so a bpm running meanwhile never sees a
// half-written or missing bundle.
const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;

const common = {
  absWorkingDir: root,
  outdir: next,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: ['koffi'],
  define: {
    BPM_VERSION: JSON.stringify(process.env.BPM_VERSION ?? pkg.version),
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

await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' } });
// Names bpm's code cache files (src/host/code-cache.ts): V8 itself only checks the source length.
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
// package.json says "type": "module"; dist/ holds CommonJS.
writeFileSync(`${root}${next}/package.json`, '{ "type": "commonjs" }\n');

if (existsSync(`${root}dist`)) renameSync(`${root}dist`, `${root}${old}`);
renameSync(`${root}${next}`, `${root}dist`);
rmSync(`${root}${old}`, { recursive: true, force: true });
