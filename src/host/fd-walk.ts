// Descriptor-relative work written once and run two ways. A walk is a generator that yields each
// system call it needs (openat, mkdirat, readlinkat, open_tree, move_mount, MS_PRIVATE, the
// close of a mount tree) and gets the result back, or the error thrown in where it yielded:
// runSync makes the calls on the calling thread (src/sys/at.ts, src/sys/mount.ts), runOnPool as
// koffi async calls on libuv's worker pool (their *Async variants). The CLI, which has nothing to
// overlap them with, runs its walks synchronously; the supervisor, which starts every job on one
// thread, runs them on the pool, because these calls wait in the kernel while other containers'
// `runc init`s mount (docs/performance.md, "The supervisor", change 7). Either way the calls,
// their flags, order and descriptors are the same (docs/security-notes/sec-fs.md).
import {
  attachTree,
  attachTreeAsync,
  cloneTree,
  cloneTreeAsync,
  closeQuietly,
  closeTreeQuietly,
  fdPath,
  mkdirAt,
  mkdirAtAsync,
  openAt,
  openAtAsync,
  readlinkFd,
  readlinkFdAsync,
} from '../sys/at.ts';
import { makePrivate, makePrivateAsync } from '../sys/mount.ts';

/** A system call a walk asks its driver for. */
export type FdCall =
  | { op: 'open'; dirfd: number; name: string; flags: number; mode: number; shown: string }
  | { op: 'mkdir'; dirfd: number; name: string; mode: number; shown: string }
  | { op: 'readlink'; fd: number; shown: string }
  | { op: 'clone'; fd: number; recursive: boolean; shown: string }
  | { op: 'attach'; tree: number; target: number; shown: string }
  | { op: 'private'; fd: number; recursive: boolean }
  | { op: 'closeTree'; fd: number };

type Result = number | string | undefined;
export type FdWalk<T> = Generator<FdCall, T, Result>;

/** openat(2) (O_CLOEXEC added); the descriptor. */
export function* open(
  dirfd: number,
  name: string,
  flags: number,
  mode: number,
  shown: string,
): FdWalk<number> {
  return (yield { op: 'open', dirfd, name, flags, mode, shown }) as number;
}

export function* mkdir(dirfd: number, name: string, mode: number, shown: string): FdWalk<void> {
  yield { op: 'mkdir', dirfd, name, mode, shown };
}

/** The target of the link `fd` is an O_PATH descriptor of. */
export function* readlink(fd: number, shown: string): FdWalk<string> {
  return (yield { op: 'readlink', fd, shown }) as string;
}

/** open_tree(OPEN_TREE_CLONE) of `fd` (with AT_RECURSIVE when `recursive`); the tree's descriptor. */
export function* clone(fd: number, recursive: boolean, shown: string): FdWalk<number> {
  return (yield { op: 'clone', fd, recursive, shown }) as number;
}

/** move_mount of the detached `tree` onto the object `target` refers to. */
export function* attach(tree: number, target: number, shown: string): FdWalk<void> {
  yield { op: 'attach', tree, target, shown };
}

/** `mount --make-(r)private` of the mount the descriptor is the root of (through /proc/self/fd/N). */
export function* makePrivateFd(fd: number, recursive: boolean): FdWalk<void> {
  yield { op: 'private', fd, recursive };
}

/** Close a descriptor from clone, ignoring errors (src/sys/at.ts, closeTreeQuietly). */
export function* closeTree(fd: number | undefined): FdWalk<void> {
  if (fd !== undefined) yield { op: 'closeTree', fd };
}

/** Bind the directory `fd` onto itself; the new mount's root. */
export function* bindOntoItself(fd: number, shown: string): FdWalk<number> {
  const tree = yield* clone(fd, false, shown);
  try {
    yield* attach(tree, fd, shown);
    return tree;
  } catch (err) {
    yield* closeTree(tree);
    throw err;
  }
}

function callSync(call: FdCall): Result {
  switch (call.op) {
    case 'open':
      return openAt(call.dirfd, call.name, call.flags, call.mode, call.shown);
    case 'mkdir':
      mkdirAt(call.dirfd, call.name, call.mode, call.shown);
      return undefined;
    case 'readlink':
      return readlinkFd(call.fd, call.shown);
    case 'clone':
      return cloneTree(call.fd, call.recursive, call.shown);
    case 'attach':
      attachTree(call.tree, call.target, call.shown);
      return undefined;
    case 'private':
      makePrivate(fdPath(call.fd), call.recursive);
      return undefined;
    case 'closeTree':
      closeQuietly(call.fd);
      return undefined;
  }
}

async function callOnPool(call: FdCall): Promise<Result> {
  switch (call.op) {
    case 'open':
      return openAtAsync(call.dirfd, call.name, call.flags, call.mode, call.shown);
    case 'mkdir':
      await mkdirAtAsync(call.dirfd, call.name, call.mode, call.shown);
      return undefined;
    case 'readlink':
      return readlinkFdAsync(call.fd, call.shown);
    case 'clone':
      return cloneTreeAsync(call.fd, call.recursive, call.shown);
    case 'attach':
      await attachTreeAsync(call.tree, call.target, call.shown);
      return undefined;
    case 'private':
      await makePrivateAsync(fdPath(call.fd), call.recursive);
      return undefined;
    case 'closeTree':
      await closeTreeQuietly(call.fd);
      return undefined;
  }
}

/** Run `walk`, making its calls on this thread. */
export function runSync<T>(walk: FdWalk<T>): T {
  let step = walk.next();
  while (!step.done) {
    let result: Result;
    try {
      result = callSync(step.value);
    } catch (err) {
      step = walk.throw(err);
      continue;
    }
    step = walk.next(result);
  }
  return step.value;
}

/** Run `walk`, making its calls on libuv's worker pool. */
export async function runOnPool<T>(walk: FdWalk<T>): Promise<T> {
  let step = walk.next();
  while (!step.done) {
    let result: Result;
    try {
      result = await callOnPool(step.value);
    } catch (err) {
      step = walk.throw(err);
      continue;
    }
    step = walk.next(result);
  }
  return step.value;
}
