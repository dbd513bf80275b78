// The V8 heap settings of the long-running supervisor (node:v8's flags, and V8's gc extension).
// A CLI command lives too briefly for either to matter.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's heap heuristics set for memory rather than speed: without it the old generation grows with
 * every burst of starts and through a crash loop (RSS 77 -> 88 MiB over 1,000 restarts, where the
 * heap after full collections stays flat), with it the RSS stays a saw-tooth at 78-83 MiB, for the
 * same CPU per restart (docs/performance.md, "The supervisor", change 14). The heuristics read the
 * flag whenever they decide, so setting it at run time does what `node --optimize-for-size` does,
 * but for the heap's start-up configuration (~2 MiB); on the command line it would change V8's
 * flag hash, and the single executable would reject its code cache with a warning on stderr.
 */
export function heapForMemory(): void {
  setFlagsFromString('--optimize-for-size');
}

/** V8's gc extension: `gc(options)` (--expose-gc); only contexts made after the flag get it. */
type GcExtension = (options: { type: 'major'; flavor: 'last-resort' }) => void;
let gcExtension: GcExtension | undefined;

/**
 * Collect everything unreachable and hand the freed heap pages back to the kernel, at once: what
 * V8's memory reducer does on its own only some 10-30 s after the heap stops growing. For the end
 * of a burst the caller knows of (the supervisor's start-up: ~10 MiB of promoted garbage, RSS 82
 * -> 70 MiB with 30 jobs, for one pause of ~40 ms; docs/performance.md, change 17).
 */
export function releaseHeapGarbage(): void {
  if (gcExtension === undefined) {
    setFlagsFromString('--expose-gc');
    gcExtension = runInNewContext('gc') as GcExtension;
  }
  gcExtension({ type: 'major', flavor: 'last-resort' });
}
