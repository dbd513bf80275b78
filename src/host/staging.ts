// Mount sources a job can write reach runc through root-only staging points (issue #10). runc
// takes a bind mount's source as a path and resolves it itself, so a job swapping its volume for a
// symlink between bpm's checks and runc's mount would still win. Instead, each descriptor the
// prerequisites opened is cloned with its submounts (open_tree, what runc's rbind would take) and
// attached onto R/data/bpm/mounts/JOB/PROC/N_<path> (move_mount); config.json names that point as the
// source. The container sees the same tree at the same destination with the same options.
//
// Propagation (docs/security-notes/sec-fs.md, "Mount propagation"): a clone starts in its source's
// peer group, and on a systemd host every mount is shared, so unless made private a staged tmp,
// log or data dir would be a peer of the host's mount, and so would the container's mount of it:
// what runc mounts below it in the container (a volume inside the data dir) would show up on the
// host, and unmounting the staging point would take it out of the container again. So:
// - PROC's staging dir is a private mount of its own: nothing attached there propagates anywhere;
// - every clone except a shared volume's is made private (recursively) once attached; a shared
//   volume's clone stays in the volume's peer group, so host mounts made later reach the container;
// - a point is made private again just before it is unmounted, so unmounting a shared volume's
//   clone cannot take what runc mounted below that volume out of the container.
//
// The points are needed only until runc has made the container's own mounts: start removes them
// when `runc run --detach` returns, run when runc exits. A bpm killed in between leaves them; the
// next start, run or stop of the process removes them first (clearStaging).
import { closeSync, constants, fstatSync } from 'node:fs';
import { relative } from 'node:path';
import type { JobPaths } from '../bosh/paths.ts';
import {
  attachTree,
  bindOntoItself,
  cloneTree,
  closeQuietly,
  fdPath,
  mkdirAt,
  O_PATH,
  openAt,
  openPathAt,
} from '../sys/at.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { MNT_DETACH, makePrivate, makePrivateAsync, unmountAsync } from '../sys/mount.ts';
import { openBeneath } from './open-beneath.ts';
import { closeOnPool, fstatOnPool, namesOnPool, openOnPool, rmdirOnPool, unlinkOnPool } from './pool-fs.ts';

/**
 * Job-writable bind-mount sources by host path: the O_PATH descriptor of what was checked, created
 * and chowned, or `null` for a `mount_only` volume that does not exist.
 */
export type SourceFds = Map<string, number | null>;

/** Create the point `name` in `dirfd` of the same kind as `source` (a directory or a file). */
function makePoint(dirfd: number, name: string, source: number, shown: string): number {
  if (fstatSync(source).isDirectory()) mkdirAt(dirfd, name, 0o700, shown);
  else
    closeSync(openAt(dirfd, name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600, shown));
  return openPathAt(dirfd, name, shown);
}

/**
 * `N_<path below R, / as _>` (at most 200 bytes): unique through N, and readable in a config.json
 * kept after a failed start, when the points themselves are gone.
 */
function pointName(n: number, root: string, path: string): string {
  const name = `${n}_${relative(root, path).replaceAll('/', '_')}`;
  const bytes = Buffer.from(name, 'utf8');
  return bytes.length <= 200
    ? name
    : bytes
        .subarray(0, 200)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

/** Open (creating it root 0700) PROC's staging dir and make it a private mount of its own. */
function openStagingDir(paths: JobPaths, dir: string): number {
  const below = openBeneath(paths.rootPaths.root, dir, { create: 0o700 });
  try {
    const top = bindOntoItself(below, dir);
    try {
      makePrivate(fdPath(top), false);
      return top;
    } catch (err) {
      closeSync(top);
      throw err;
    }
  } finally {
    closeSync(below);
  }
}

/**
 * Mount every source onto a fresh staging point of `proc`; returns host path → staging path. A
 * `null` source (a mount_only volume that does not exist) gets a point that is never created, so
 * runc fails on it as it would on the missing path, and no link planted later is followed. The
 * clones of the `shared` volumes keep their peer group; all others are made private.
 */
export async function stageSources(
  paths: JobPaths,
  proc: string,
  sources: SourceFds,
  shared: ReadonlySet<string> = new Set(),
): Promise<Map<string, string>> {
  await clearStaging(paths, proc);
  const dir = paths.stagingDir(proc);
  const staged = new Map<string, string>();
  let dirfd: number | undefined;
  try {
    dirfd = openStagingDir(paths, dir);
    let n = 0;
    for (const [path, source] of sources) {
      const name = pointName(n++, paths.rootPaths.root, path);
      const point = `${dir}/${name}`;
      staged.set(path, point);
      if (source === null) continue;
      const target = makePoint(dirfd, name, source, point);
      let tree: number | undefined;
      try {
        tree = cloneTree(source, true, path);
        attachTree(tree, target, point);
        if (!shared.has(path)) makePrivate(fdPath(tree), true);
      } finally {
        closeQuietly(tree);
        closeSync(target);
      }
    }
  } catch (err) {
    closeQuietly(dirfd);
    dirfd = undefined;
    await clearStaging(paths, proc);
    throw err;
  } finally {
    closeQuietly(dirfd);
  }
  return staged;
}

/** An O_PATH handle of the entry itself: a link there is not followed (it yields the link). */
const ENTRY_NOFOLLOW = O_PATH | constants.O_NOFOLLOW;

/**
 * Detach every mount on `point` (stacked ones too), on libuv's worker pool. Each round opens the
 * point without following a link and acts on that descriptor (`/proc/self/fd/N`): the mount there
 * is made private first, so that its unmounting does not propagate to its former peers (a
 * container's mount of a shared volume), then detached. A link is left alone: bpm makes none, and
 * neither call goes through one.
 */
async function unmountAll(point: string): Promise<void> {
  for (;;) {
    let fd: number;
    try {
      fd = await openOnPool(point, ENTRY_NOFOLLOW);
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return;
      throw goPathError('open', point, err);
    }
    try {
      if ((await fstatOnPool(fd)).isSymbolicLink()) return;
      const mounted = fdPath(fd);
      try {
        await makePrivateAsync(mounted, true);
      } catch (err) {
        if (hasCode(err, 'EINVAL')) return; // not (or no longer) a mount
        throw goPathError('mount', point, err);
      }
      try {
        await unmountAsync(mounted, MNT_DETACH);
      } catch (err) {
        throw goPathError('umount', point, err);
      }
    } finally {
      await closeOnPool(fd);
    }
  }
}

/** rmdir `path`, or unlink it when it is not a directory (a file's point, a link); `remove <path>: …`. */
async function removeEmpty(path: string): Promise<void> {
  try {
    await rmdirOnPool(path);
  } catch (err) {
    if (!hasCode(err, 'ENOTDIR')) throw goPathError('remove', path, err);
    try {
      await unlinkOnPool(path);
    } catch (unlinkErr) {
      throw goPathError('remove', path, unlinkErr);
    }
  }
}

/**
 * Remove the staging points of `proc` and their directory, each unmounted before it is removed; a
 * missing directory is fine. The mount calls and removals run on libuv's worker pool.
 */
export async function clearStaging(paths: JobPaths, proc: string): Promise<void> {
  const dir = paths.stagingDir(proc);
  let names: string[];
  try {
    names = await namesOnPool(dir);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw goPathError('open', dir, err);
  }
  for (const name of names) {
    const point = `${dir}/${name}`;
    await unmountAll(point);
    // Never recursive: a point still mounted fails here instead of emptying a job's volume.
    await removeEmpty(point);
  }
  await unmountAll(dir);
  await removeEmpty(dir);
  try {
    await rmdirOnPool(paths.stagingJobDir);
  } catch {
    // other processes of the job are staged there, or it is gone already
  }
}
