// glibc's malloc tuning (mallopt(3)), for the long-running supervisor. glibc gives each thread
// that allocates while the others hold the arenas an arena of its own, up to 8 per core; the
// supervisor has a libuv worker per two jobs (src/commands/supervise.ts), and the few bytes each
// koffi call or file-system request allocates there keep a partly used arena per worker resident.
import { libc } from './libc.ts';

/** mallopt's M_ARENA_MAX (malloc.h). */
const M_ARENA_MAX = -8;

/** At most `arenas` malloc arenas from now on (those made already stay); false when refused. */
export function limitMallocArenas(arenas: number): boolean {
  return libc().mallopt(M_ARENA_MAX, arenas) === 1;
}
