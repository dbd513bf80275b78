// Descriptor-relative file system calls (openat, mkdirat, readlinkat, fchownat, renameat) and the
// mount API that attaches a mount from a descriptor (open_tree + move_mount). Node has none of them:
// they let bpm act on the very directory it checked instead of re-resolving a name a job could
// have changed in between. Failures are SysErrors `<op> <path>: <errno text>`, where <path> is the
// caller's name for the object (the descriptor itself has none).
import { closeSync, constants, fstatSync, readFileSync } from 'node:fs';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

/** O_PATH: a handle for *at calls, fstat and mounting, without read permission on the object. */
export const O_PATH = 0o10000000;
export const O_CLOEXEC = 0o2000000;
export const AT_FDCWD = -100;
export const AT_EMPTY_PATH = 0x1000;
const AT_RECURSIVE = 0x8000;
const OPEN_TREE_CLONE = 1;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOVE_MOUNT_T_EMPTY_PATH = 0x40;

/** An O_PATH descriptor of `name` in `dirfd`, not following a symlink there (it yields the link). */
export function openPathAt(dirfd: number, name: string, shown: string): number {
  return openAt(dirfd, name, O_PATH | constants.O_NOFOLLOW, 0, shown);
}

/** openat(2); O_CLOEXEC is always added (runc and the container must never inherit these). */
export function openAt(dirfd: number, name: string, flags: number, mode: number, shown: string): number {
  const fd = libc().openat(dirfd, name, flags | O_CLOEXEC, mode);
  if (fd < 0) throw new SysError('open', libc().errno(), shown);
  return fd;
}

export function mkdirAt(dirfd: number, name: string, mode: number, shown: string): void {
  if (libc().mkdirat(dirfd, name, mode) !== 0) throw new SysError('mkdir', libc().errno(), shown);
}

/** The target of the symlink `fd` refers to (an O_PATH descriptor of the link itself). */
export function readlinkFd(fd: number, shown: string): string {
  const buf = Buffer.alloc(4097);
  const n = libc().readlinkat(fd, '', buf);
  if (n < 0) throw new SysError('readlink', libc().errno(), shown);
  if (n >= buf.length) throw new SysError('readlink', 'ENAMETOOLONG', shown);
  return buf.subarray(0, n).toString('utf8');
}

/** fchownat(fd, "", uid, gid, AT_EMPTY_PATH): works on O_PATH descriptors of any file type. */
export function fchownFd(fd: number, uid: number, gid: number, shown: string): void {
  if (libc().fchownat(fd, '', uid, gid, AT_EMPTY_PATH) !== 0)
    throw new SysError('chown', libc().errno(), shown);
}

export function renameAt(dirfd: number, from: string, to: string, shown: string): void {
  if (libc().renameat(dirfd, from, dirfd, to) !== 0) throw new SysError('rename', libc().errno(), shown);
}

/**
 * A detached copy of the mount tree at `fd` (open_tree OPEN_TREE_CLONE: what a bind mount would
 * attach; with `recursive` what an rbind would). The result is a descriptor; close it to drop it.
 */
export function cloneTree(fd: number, recursive: boolean, shown: string): number {
  const flags = OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  const tree = libc().openTree(fd, '', flags);
  if (tree < 0) throw new SysError('open_tree', libc().errno(), shown);
  return tree;
}

/** Attach the detached tree `tree` onto the object `target` refers to (move_mount). */
export function attachTree(tree: number, target: number, shown: string): void {
  const flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
  if (libc().moveMount(tree, '', target, '', flags) !== 0)
    throw new SysError('move_mount', libc().errno(), shown);
}

/**
 * Bind the directory `fd` onto itself (what `mount --bind path path` does, from the descriptor);
 * returns a descriptor of the new mount's root.
 */
export function bindOntoItself(fd: number, shown: string): number {
  const tree = cloneTree(fd, false, shown);
  try {
    attachTree(tree, fd, shown);
    return tree;
  } catch (err) {
    closeSync(tree);
    throw err;
  }
}

/** `/proc/self/fd/N`: the object of a descriptor, for calls that only take a path (mount flags). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** The id of the mount a descriptor is on (`mnt_id:` in /proc/self/fdinfo). */
export function mountIdOf(fd: number): number {
  const m = /^mnt_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  if (m === null) throw new SysError('open', 'EINVAL', `/proc/self/fdinfo/${fd}`);
  return Number(m[1]);
}

/** Whether the directory `fd` is the root of a mount: its `..` is on another mount (or it is `/`). */
export function isMountRootFd(fd: number, shown: string): boolean {
  const parent = openAt(fd, '..', O_PATH | constants.O_DIRECTORY, 0, shown);
  try {
    return mountIdOf(parent) !== mountIdOf(fd) || sameInode(parent, fd);
  } finally {
    closeSync(parent);
  }
}

function sameInode(a: number, b: number): boolean {
  const sa = fstatSync(a);
  const sb = fstatSync(b);
  return sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Close, ignoring errors (cleanup paths). */
export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
