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
import { closeSync, constants, fstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { relative } from 'node:path';
import type { JobPaths } from '../bosh/paths.ts';
import {
  attachTree,
  bindOntoItself,
  cloneTree,
  closeQuietly,
  fdPath,
  mkdirAt,
  openAt,
  openPathAt,
} from '../sys/at.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { makePrivate, unmount } from '../sys/mount.ts';
import { openBeneath } from './open-beneath.ts';

/**
 * Job-writable bind-mount sources by host path: the O_PATH descriptor of what was checked, created
 * and chowned, or `null` for a `mount_only` volume that does not exist.
 */
export type SourceFds = Map<string, number | null>;

const MNT_DETACH = 2;
const UMOUNT_NOFOLLOW = 8;

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
export function stageSources(
  paths: JobPaths,
  proc: string,
  sources: SourceFds,
  shared: ReadonlySet<string> = new Set(),
): Map<string, string> {
  clearStaging(paths, proc);
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
    clearStaging(paths, proc);
    throw err;
  } finally {
    closeQuietly(dirfd);
  }
  return staged;
}

/**
 * Detach every mount on `point` (stacked ones too), each made private first so that its
 * unmounting does not propagate to its former peers (a container's mount of a shared volume).
 */
function unmountAll(point: string): void {
  for (;;) {
    try {
      makePrivate(point, true);
    } catch (err) {
      if (hasCode(err, 'EINVAL') || hasCode(err, 'ENOENT')) return; // not (or no longer) a mount
      throw goPathError('mount', point, err);
    }
    try {
      unmount(point, MNT_DETACH | UMOUNT_NOFOLLOW);
    } catch (err) {
      throw goPathError('umount', point, err);
    }
  }
}

/** Remove the staging points of `proc` and their directory; a missing directory is fine. */
export function clearStaging(paths: JobPaths, proc: string): void {
  const dir = paths.stagingDir(proc);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw goPathError('open', dir, err);
  }
  for (const name of names) {
    const point = `${dir}/${name}`;
    unmountAll(point);
    // Never recursive: a point still mounted fails here instead of emptying a job's volume.
    try {
      rmdirSync(point);
    } catch (err) {
      if (!hasCode(err, 'ENOTDIR')) throw goPathError('remove', point, err);
      unlinkSync(point);
    }
  }
  unmountAll(dir);
  rmdirSync(dir);
  try {
    rmdirSync(paths.stagingJobDir);
  } catch {
    // other processes of the job are staged there, or it is gone already
  }
}
