// `rm -rf` of a root-only tree (a process's bundle, src/host/bundle.ts) on libuv's worker pool, so
// that a supervisor stopping 30 processes does not spend its main thread in ~750 rmdir(2) calls
// (docs/performance.md, "The supervisor", change 6). Every call below is one request on the pool;
// a CLI command has nothing to overlap them with, but the pool's round trips cost it ~0.7 ms per
// bundle on an idle disk, and less than the synchronous calls' stalls on a busy one.
//
// Safety, the same as Go's RemoveAll bpm used before and more:
// - A link is never followed: an entry is first rmdir'ed (which does not follow a link: ENOTDIR)
//   or unlinked (which removes the link itself); a directory whose entries must go first is opened
//   O_DIRECTORY|O_NOFOLLOW, and its entries are listed and removed through that descriptor
//   (/proc/self/fd/N/NAME), so a directory replaced by a link after the rmdir is refused, not
//   entered, and no name above it is resolved again.
// - A mount point is never entered: rmdir(2) fails on one with EBUSY before it looks at its
//   entries, and that entry is then left as it is (Go's RemoveAll would empty the mounted tree
//   first and then fail on the same EBUSY).
// - An empty directory (most of a bundle: the mount points runc made in rootfs) costs one call.
// Errors read like Go's: `unlinkat <path>: <errno text>` (`openfdat <path>: …` when a directory
// cannot be opened or listed), the first one found; everything else is removed all the same.
// A missing path is fine.
import { constants, type Dirent } from 'node:fs';
import { fdPath } from '../sys/at.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { closeOnPool, entriesOnPool, openOnPool, rmdirOnPool, unlinkOnPool } from './pool-fs.ts';

const DIRECTORY_NOFOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Remove `path` and everything below it. */
export function removeTree(path: string): Promise<void> {
  return removeEntry(path, path);
}

/** Remove the entry `at` (a name below a descriptor, or the top path), named `shown` in errors. */
async function removeEntry(at: string, shown: string): Promise<void> {
  try {
    await rmdirOnPool(at);
    return;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    if (hasCode(err, 'ENOTDIR')) return removeFile(at, shown);
    // EBUSY (a mount point), EPERM, ...: not entered.
    if (!hasCode(err, 'ENOTEMPTY') && !hasCode(err, 'EEXIST')) throw goPathError('unlinkat', shown, err);
  }
  let fd: number;
  try {
    fd = await openOnPool(at, DIRECTORY_NOFOLLOW);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw goPathError('openfdat', shown, err); // ELOOP/ENOTDIR: it became a link meanwhile
  }
  let first: Error | undefined;
  try {
    first = await emptyDirectory(fdPath(fd), shown);
  } finally {
    // An open descriptor does not keep a directory from being removed: both go at once.
    const closing = closeOnPool(fd);
    try {
      await rmdirOnPool(at);
    } catch (err) {
      if (!hasCode(err, 'ENOENT')) first ??= goPathError('unlinkat', shown, err);
    } finally {
      await closing;
    }
  }
  if (first !== undefined) throw first;
}

/** unlink(2) `at`; a directory (where the listing gave no type) is removed as a tree. */
async function removeFile(at: string, shown: string): Promise<void> {
  try {
    await unlinkOnPool(at);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    if (hasCode(err, 'EISDIR')) return removeEntry(at, shown);
    throw goPathError('unlinkat', shown, err);
  }
}

/** Remove every entry of the directory `dir` (a descriptor's path); the first error, if any. */
async function emptyDirectory(dir: string, shown: string): Promise<Error | undefined> {
  let entries: Dirent[];
  try {
    entries = await entriesOnPool(dir);
  } catch (err) {
    return goPathError('openfdat', shown, err);
  }
  const removals = entries.map((entry) => {
    const child = `${dir}/${entry.name}`;
    const name = `${shown}/${entry.name}`;
    return entry.isDirectory() ? removeEntry(child, name) : removeFile(child, name);
  });
  for (const outcome of await Promise.allSettled(removals)) {
    if (outcome.status === 'rejected')
      return outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
  }
  return undefined;
}
