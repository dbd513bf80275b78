// Warm V8 code cache for bpm's bundle (docs/performance.md, Round 2). Node's compile cache stores
// code made when a file is compiled, i.e. only its top level: every function bpm then calls is
// still compiled on first use, in every run (~12–15 ms for start or stop). Here dist/cli.js is
// compiled through node:vm with cached data taken *after* a successful run, so it holds every
// function that run compiled. One file per command (each compiles a different set).
//
// Trust: the files live in the directory compileCacheDir (src/startup/compile-cache.ts) accepted —
// root-owned all the way up — and are written as temp file + rename (0600). Their names carry
// the build's content hash and the Node version, because V8 checks only the source length, flags
// and its own version before using cached data. Never a reason to fail: any error means no cache.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { writeFileAtomic } from '../go/os.ts';

/** Commands with a cache file of their own; anything else shares `other`. */
const COMMANDS = new Set([
  'start',
  'stop',
  'list',
  'run',
  'pid',
  'logs',
  'shell',
  'trace',
  'exec',
  'status',
  'validate',
  'export',
  'version',
  'completion',
  'help',
]);

/** The cache slot of an invocation: its first argument when that is a command name. */
export function cacheSlot(argv: readonly string[]): string {
  const word = argv[0];
  return word !== undefined && COMMANDS.has(word) ? word : 'other';
}

/** `bundle-<hash>-<node version>-<slot>.v8` in `dir`. */
export function cacheFileName(dir: string, bundleHash: string, slot: string): string {
  return `${dir}/bundle-${bundleHash}-${process.version}-${slot}.v8`;
}

export interface LoadedBundle {
  exports: unknown;
  /** Whether cached data was found and V8 accepted it. */
  cacheUsed: boolean;
  /** Write fresh cached data (every function compiled so far) unless the cache was used. */
  save(): void;
}

function readCache(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Remove the cache files of other builds and Node versions, and their temporary leftovers. */
function removeStale(file: string): void {
  const slash = file.lastIndexOf('/');
  const dir = file.slice(0, slash);
  const prefix = file
    .slice(slash + 1)
    .split('-')
    .slice(0, 3)
    .join('-'); // bundle-<hash>-<node>
  for (const name of readdirSync(dir)) {
    const base = name.startsWith('.') ? name.slice(1) : name; // writeFileAtomic's `.NAME.*.tmp`
    if (base.startsWith('bundle-') && !base.startsWith(`${prefix}-`)) unlinkSync(`${dir}/${name}`);
  }
}

/**
 * Load the CommonJS `file` as Node would (same wrapper arguments), with the cached data in
 * `cacheFile` when there is one (undefined: no caching).
 */
export function loadBundle(file: string, cacheFile: string | undefined): LoadedBundle {
  const source = readFileSync(file, 'utf8');
  const cachedData = readCache(cacheFile);
  // Wrapped on the first line, so line numbers in stack traces stay those of the file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected !== true;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    file.slice(0, file.lastIndexOf('/')),
  );
  return {
    exports: module.exports,
    cacheUsed,
    save: () => {
      if (cacheUsed || cacheFile === undefined) return;
      try {
        writeFileAtomic(cacheFile, script.createCachedData());
        removeStale(cacheFile);
      } catch {
        // a cache that cannot be written is only a slower next run
      }
    },
  };
}
