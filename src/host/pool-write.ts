// Creating a bundle as requests on libuv's worker pool: Go's os.MkdirAll and the atomic
// temporary-file-and-rename write of src/go/os.ts, with the same semantics and Go-worded errors.
// The supervisor writes 30 bundles at once on its one thread; done synchronously, each mkdir,
// open and write there waited for the disk (and for the kernel's locks while 30 `runc init`s set
// up their mounts) with the event loop stopped. Name-based like src/go/os.ts: only for
// root-only trees (the bundles), never for a path a job could plant a link in.
import { lstat, mkdir, open, rename, type Stats, stat, writeFile } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { ATOMIC_TEMP_FLAGS, atomicTempName } from '../go/os.ts';
import { goPathError, hasCode, SysError } from '../sys/errno.ts';
import { closeOnPool, unlinkOnPool } from './pool-fs.ts';

const mkdirPromise = promisify(mkdir);
const statPromise: (path: string) => Promise<Stats> = promisify(stat);
const lstatPromise: (path: string) => Promise<Stats> = promisify(lstat);
const openPromise = promisify(open);
const writeFilePromise = promisify(writeFile);
const renamePromise = promisify(rename);

async function isDirectory(path: string, of: (path: string) => Promise<Stats>): Promise<boolean | undefined> {
  try {
    return (await of(path)).isDirectory();
  } catch {
    return undefined;
  }
}

/**
 * Go's os.MkdirAll (src/go/os.ts `mkdirAll`) on the pool. It tries the mkdir first, so an existing
 * parent costs no stat: EEXIST is then checked to be a directory (following a link, as Go's Stat
 * does), ENOENT or ENOTDIR goes to the parent first (the error names the level that failed).
 */
export async function mkdirAllOnPool(dir: string, mode: number): Promise<void> {
  try {
    await mkdirPromise(dir, mode);
    return;
  } catch (err) {
    if (hasCode(err, 'EEXIST')) {
      const exists = await isDirectory(dir, statPromise);
      if (exists === true) return;
      if (exists === false) throw new SysError('mkdir', 'ENOTDIR', dir);
      throw goPathError('mkdir', dir, err);
    }
    // A missing level, or a file in the way, which the parent's round names as Go does.
    if (!hasCode(err, 'ENOENT') && !hasCode(err, 'ENOTDIR')) throw goPathError('mkdir', dir, err);
  }
  const parent = dirname(dir);
  if (parent !== dir) await mkdirAllOnPool(parent, mode);
  try {
    await mkdirPromise(dir, mode);
  } catch (err) {
    // Lost a race, or "foo/.": Go double-checks with Lstat.
    if ((await isDirectory(dir, lstatPromise)) === true) return;
    throw goPathError('mkdir', dir, err);
  }
}

/** src/go/os.ts `writeFileAtomic` on the pool: a 0600 temporary file in `dir`, renamed over `file`. */
export async function writeFileAtomicOnPool(file: string, contents: string, dir: string): Promise<void> {
  const tmp = atomicTempName(file, dir);
  let fd: number;
  try {
    fd = await openPromise(tmp, ATOMIC_TEMP_FLAGS, 0o600);
  } catch (err) {
    throw goPathError('open', tmp, err);
  }
  try {
    await writeFilePromise(fd, contents, 'utf8');
  } catch (err) {
    await closeOnPool(fd).catch(() => {});
    await unlinkQuietly(tmp);
    throw goPathError('write', tmp, err);
  }
  await closeOnPool(fd);
  try {
    await renamePromise(tmp, file);
  } catch (err) {
    await unlinkQuietly(tmp);
    throw goPathError('rename', tmp, err);
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlinkOnPool(path);
  } catch {
    // The original error matters more than a leftover temporary file.
  }
}
