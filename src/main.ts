// Entry point (dist/main.js). Keep it tiny: turn on V8's compile cache (src/host/compile-cache.ts),
// then load the CLI bundle (dist/cli.js), so that the cache covers it. The build keeps
// `./cli/main.ts` out of this file; commands are loaded lazily by the CLI.
import { boshRoot, RootPaths } from './bosh/paths.ts';
import { enableCompileCache } from './host/compile-cache.ts';

enableCompileCache(new RootPaths(boshRoot()));
// main() reports every error itself and never rejects.
void import('./cli/main.ts').then(({ main }) => main(process.argv.slice(2)));
