// Go's os package where bpm relies on its exact behaviour, with Go-worded errors (upstream prints
// them): MkdirAll, Remove, RemoveAll, the lstat existence check, and the temporary-file-and-rename write
// upstream's callers do by hand. Name-based: never for a path a job could plant a link in; those
// go through descriptors (src/host/open-beneath.ts, src/sys/at.ts).
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { goPathError, hasCode, SysError } from '../sys/errno.ts';

function isDirectory(path: string, stat: typeof statSync): boolean | undefined {
  try {
    return stat(path).isDirectory();
  } catch {
    return undefined;
  }
}

/**
 * Go's os.MkdirAll: `mkdir -p dir` with `mode` for every created level; a non-directory in the way is ENOTDIR.
 * The error names the level that failed (`mkdir <that file>: not a directory`), not `dir`.
 */
export function mkdirAll(dir: string, mode: number): void {
  const exists = isDirectory(dir, statSync);
  if (exists === true) return;
  if (exists === false) throw new SysError('mkdir', 'ENOTDIR', dir);
  let i = dir.length;
  while (i > 0 && dir[i - 1] === '/') i--;
  let j = i;
  while (j > 0 && dir[j - 1] !== '/') j--;
  if (j > 1) mkdirAll(dir.slice(0, j - 1), mode);
  try {
    mkdirSync(dir, mode);
  } catch (err) {
    // Lost a race, or "foo/.": Go double-checks with Lstat.
    if (isDirectory(dir, lstatSync) === true) return;
    throw goPathError('mkdir', dir, err);
  }
}

/** Go's `_, err := os.Lstat(path); err == nil`: the path exists, a dangling symlink included. */
export function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Go's os.Remove: unlink, then rmdir (so an empty directory goes too); the rmdir error is the one
 * reported unless the path is not a directory. A missing path is fine. (Node's rmSync reports a
 * directory as `ERR_FS_EISDIR`, which has no Go wording.)
 */
export function remove(path: string): void {
  try {
    unlinkSync(path);
    return;
  } catch (unlinkErr) {
    if (hasCode(unlinkErr, 'ENOENT')) return;
    try {
      rmdirSync(path);
    } catch (rmdirErr) {
      if (hasCode(rmdirErr, 'ENOENT')) return;
      throw goPathError('remove', path, hasCode(rmdirErr, 'ENOTDIR') ? unlinkErr : rmdirErr);
    }
  }
}

/**
 * Go's os.RemoveAll: remove `path` and everything below it; a missing path is fine. Node's
 * rmSync({ recursive: true }) loses the errno of a failure; errors here read like Go's:
 * `unlinkat <path>: <errno text>` (or `openfdat …` when a directory cannot be listed).
 */
export function removeAll(path: string): void {
  let unlinkError: unknown;
  try {
    unlinkSync(path);
    return;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    // A directory (or no write permission on the parent): its entries come first.
    if (!hasCode(err, 'EISDIR') && !hasCode(err, 'EPERM') && !hasCode(err, 'EACCES')) {
      throw goPathError('unlinkat', path, err);
    }
    unlinkError = err;
  }
  let recurseError: Error | undefined;
  let names: string[] = [];
  try {
    names = readdirSync(path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    if (hasCode(err, 'ENOTDIR')) throw goPathError('unlinkat', path, unlinkError);
    recurseError = goPathError('openfdat', path, err);
  }
  for (const name of names) {
    try {
      removeAll(join(path, name));
    } catch (err) {
      recurseError ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  try {
    rmdirSync(path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw recurseError ?? goPathError('unlinkat', path, err);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // The original error matters more than a leftover temporary file.
  }
}

/** The temporary file of an atomic write: unique per process and call; O_EXCL guards the rest (no node:crypto: ~3 ms to load). */
export function atomicTempName(file: string, dir: string): string {
  return join(dir, `.${basename(file)}.${process.pid}.${process.hrtime.bigint()}.tmp`);
}

/** How the temporary file is opened: created, never an existing file, never through a link. */
export const ATOMIC_TEMP_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Replace `file` with `contents` (mode 0600) by a temporary file `.NAME.<pid>.<time>.tmp` in `dir`
 * (default: the file's own directory), created O_EXCL|O_NOFOLLOW, then renamed over it: a reader
 * sees the old file or the new one, never half of it. Errors are Go-worded (`open|write|rename
 * <tmp>: …`); the temporary file is removed on failure.
 */
export function writeFileAtomic(
  file: string,
  contents: string | Uint8Array,
  dir: string = dirname(file),
): void {
  const tmp = atomicTempName(file, dir);
  let fd: number;
  try {
    fd = openSync(tmp, ATOMIC_TEMP_FLAGS, 0o600);
  } catch (err) {
    throw goPathError('open', tmp, err);
  }
  try {
    const data = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw goPathError('write', tmp, err);
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    unlinkQuietly(tmp);
    throw goPathError('rename', tmp, err);
  }
}
