// Entry point (dist/main.js). Keep it tiny. Built (scripts/build.mjs defines BPM_BUNDLE_HASH): load
// dist/cli.js with bpm's warm V8 code cache (src/startup/code-cache.ts) when running as root with a
// safe cache directory (src/startup/compile-cache.ts). From source: import the CLI. Commands are
// loaded lazily by the CLI either way.
import { boshRoot, RootPaths } from './bosh/paths.ts';
import { cacheFileName, cacheSlot, loadBundle } from './startup/code-cache.ts';
import { compileCacheDir } from './startup/compile-cache.ts';

declare const BPM_BUNDLE_HASH: string | undefined;
type Cli = typeof import('./cli/main.ts');

const argv = process.argv.slice(2);
if (typeof BPM_BUNDLE_HASH === 'string') {
  const uid = process.geteuid?.() ?? -1;
  const dir = uid === 0 ? compileCacheDir(new RootPaths(boshRoot()), uid) : undefined;
  const bundle = loadBundle(
    `${__dirname}/cli.js`,
    dir === undefined ? undefined : cacheFileName(dir, BPM_BUNDLE_HASH, cacheSlot(argv)),
  );
  // Only a successful run's code is worth keeping: a failing one compiles the error paths only.
  process.once('exit', (code) => {
    if (code === 0) bundle.save();
  });
  // main() reports every error itself and never rejects.
  void (bundle.exports as Cli).main(argv);
} else {
  void import('./cli/main.ts').then(({ main }) => main(argv));
}
