// Anonymous in-memory files (memfd_create(2)) to take a child's output without a pipe.
//
// A child started by posix_spawn (posix-spawn.ts) gets the file as its stdout and/or stderr and
// writes into it while the event loop does nothing for it; once the child has exited, the file
// holds all it wrote, in the order it wrote it (one descriptor given as both stdout and stderr is
// one open file with one offset, so the two streams interleave as they were written). The file
// lives in memory (shmem, no filesystem, nothing to remove) and is gone with its last descriptor.
//
// The read is synchronous: a read of shmem pages is a memory copy that never waits for a device or
// for another process, so it costs the event loop what a pipe's 'data' callbacks would, in one
// call instead of one per chunk. What is read is what the child and anything it left behind wrote
// before the read: a caller that wants all of it reads after the child's end, as runc/spawn.ts does.
import { fstatSync, readSync } from 'node:fs';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

const MFD_CLOEXEC = 0x0001;

/**
 * A new anonymous file, empty, close-on-exec (a child gets it only as a descriptor posix_spawn
 * duplicates for it, never by inheritance), named `name` in /proc/PID/fd (`/memfd:NAME`). Throws a
 * SysError (EMFILE, ENOMEM, …) when none can be made.
 */
export function anonymousFile(name: string): number {
  const fd = libc().memfdCreate(name, MFD_CLOEXEC);
  if (fd < 0) throw new SysError('memfd_create', libc().errno());
  return fd;
}

/** Everything the file `fd` holds, from its start (its own offset is left alone). */
export function readWhole(fd: number): Buffer {
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return off === size ? buf : buf.subarray(0, off);
}
